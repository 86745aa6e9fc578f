//! The technician's username and password, with the password kept out of every log.

use std::fmt;

use secrecy::SecretString;

use crate::Error;

/// Environment variable holding the username, e.g. `HELP DESK\JPIKE`.
pub const USERNAME_VARIABLE: &str = "TRACKIT_USERNAME";
/// Environment variable holding the password.
pub const PASSWORD_VARIABLE: &str = "TRACKIT_PASSWORD";

/// A Track-It! technician login: a `GROUP\LOGINID` or `GROUP\DOMAIN\user` username and a password.
///
/// `Debug` shows the username and `[redacted]` in place of the password.
#[derive(Clone)]
pub struct Credentials {
    username: String,
    password: SecretString,
}

impl Credentials {
    /// A Track-It! login: `GROUP\LOGINID`, both upper-cased because Track-It! compares them in capitals.
    pub fn technician(group: &str, login_id: &str, password: impl Into<SecretString>) -> Self {
        Self::new(format!("{}\\{}", group.trim().to_uppercase(), login_id.trim().to_uppercase()), password)
    }

    /// A Windows login: `GROUP\DOMAIN\user`, with only the group upper-cased.
    pub fn windows(group: &str, domain: &str, user: &str, password: impl Into<SecretString>) -> Self {
        Self::new(format!("{}\\{}\\{}", group.trim().to_uppercase(), domain.trim(), user.trim()), password)
    }

    /// A username that is already in `GROUP\LOGINID` or `GROUP\DOMAIN\user` form, kept as given.
    pub fn new(username: impl Into<String>, password: impl Into<SecretString>) -> Self {
        Self { username: username.into(), password: password.into() }
    }

    /// Reads `TRACKIT_USERNAME` and `TRACKIT_PASSWORD`; the error names whichever is missing or empty.
    ///
    /// # Errors
    ///
    /// [`Error::MissingCredentials`] when a variable is unset, empty or not valid Unicode.
    pub fn from_env() -> Result<Self, Error> {
        let username = read_variable(USERNAME_VARIABLE)?;
        let password = read_variable(PASSWORD_VARIABLE)?;
        Ok(Self::new(username, password))
    }

    /// The username sent to the token endpoint.
    #[must_use]
    pub fn username(&self) -> &str {
        &self.username
    }

    pub(crate) fn password(&self) -> &SecretString {
        &self.password
    }
}

fn read_variable(variable: &'static str) -> Result<String, Error> {
    match std::env::var(variable) {
        Ok(value) if !value.is_empty() => Ok(value),
        _ => Err(Error::MissingCredentials { variable }),
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("Credentials")
            .field("username", &self.username)
            .field("password", &"[redacted]")
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use secrecy::ExposeSecret;

    use super::*;

    #[test]
    fn technician_login_is_upper_cased() {
        let credentials = Credentials::technician("Help Desk", "jpike", "pw");
        assert_eq!(credentials.username(), "HELP DESK\\JPIKE");
    }

    #[test]
    fn windows_login_keeps_domain_and_user() {
        let credentials = Credentials::windows("help desk", "Corp", "jordan.pike", "pw");
        assert_eq!(credentials.username(), "HELP DESK\\Corp\\jordan.pike");
    }

    #[test]
    fn explicit_username_is_kept() {
        let credentials = Credentials::new("Help Desk\\jpike", "pw");
        assert_eq!(credentials.username(), "Help Desk\\jpike");
        assert_eq!(credentials.password().expose_secret(), "pw");
    }

    #[test]
    fn debug_redacts_the_password() {
        let credentials = Credentials::technician("HELP DESK", "JPIKE", "hunter2-secret");
        let printed = format!("{credentials:?}");
        assert!(!printed.contains("hunter2-secret"), "{printed}");
        assert!(printed.contains("password: \"[redacted]\""), "{printed}");
        assert!(printed.contains("HELP DESK\\\\JPIKE"), "{printed}");
    }
}
