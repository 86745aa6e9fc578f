//! Technician accounts the simulator accepts, and the `GROUP\LOGIN:password` parser.

use std::fmt;

/// One technician account: `username` is the full Track-It! login, `GROUP\LOGINID`
/// (or `GROUP\DOMAIN\user` for a Windows login), matched case-sensitively.
#[derive(Clone)]
pub struct SimUser {
    pub username: String,
    pub password: String,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
}

/// Why a `--user` specification was refused (the password is never echoed).
#[derive(Debug, thiserror::Error)]
pub enum UserSpecError {
    #[error("user spec must look like 'GROUP\\LOGIN:password' (no ':' found)")]
    MissingPassword,
    #[error("user spec '{username}' has an empty password")]
    EmptyPassword { username: String },
    #[error("user name '{username}' must look like 'GROUP\\LOGIN' or 'GROUP\\DOMAIN\\user'")]
    BadUsername { username: String },
}

impl SimUser {
    /// Parses `GROUP\LOGIN:password` (split at the last `:`, so user names may hold colons).
    /// First name, last name and e-mail are invented from the login.
    pub fn parse(spec: &str) -> anyhow::Result<SimUser> {
        let (username, password) = spec.rsplit_once(':').ok_or(UserSpecError::MissingPassword)?;
        let valid_name = username.split_once('\\').is_some_and(|(group, login)| !group.is_empty() && !login.is_empty());
        if !valid_name {
            return Err(UserSpecError::BadUsername { username: username.to_owned() }.into());
        }
        if password.is_empty() {
            return Err(UserSpecError::EmptyPassword { username: username.to_owned() }.into());
        }
        Ok(SimUser::invented(username, password))
    }

    /// A user whose personal details are made up from the last segment of the login.
    fn invented(username: &str, password: &str) -> SimUser {
        let account = username.rsplit('\\').next().unwrap_or(username);
        let last_name = capitalized(account);
        SimUser {
            username: username.to_owned(),
            password: password.to_owned(),
            first_name: "Sim".to_owned(),
            email: format!("{}@example.test", account.to_lowercase()),
            last_name,
        }
    }

    /// The user group, the part before the first `\` (e.g. `HELP DESK`).
    pub(crate) fn group(&self) -> &str {
        self.username.split_once('\\').map_or("", |(group, _)| group)
    }

    /// The login without the group (e.g. `JPIKE`, or `CORP\asmith` for a Windows login).
    pub(crate) fn login_id(&self) -> &str {
        self.username.split_once('\\').map_or(self.username.as_str(), |(_, login)| login)
    }

    pub(crate) fn full_name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
    }
}

impl fmt::Debug for SimUser {
    // Hand-written so the password never reaches logs.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SimUser")
            .field("username", &self.username)
            .field("password", &"<redacted>")
            .field("first_name", &self.first_name)
            .field("last_name", &self.last_name)
            .field("email", &self.email)
            .finish()
    }
}

fn capitalized(word: &str) -> String {
    let lower = word.to_lowercase();
    let mut chars = lower.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The two built-in technicians (invented people).
pub(crate) fn demo_users() -> Vec<SimUser> {
    vec![
        SimUser {
            username: crate::DEMO_USER.to_owned(),
            password: crate::DEMO_PASSWORD.to_owned(),
            first_name: "Jordan".to_owned(),
            last_name: "Pike".to_owned(),
            email: "jordan.pike@example.test".to_owned(),
        },
        SimUser {
            username: crate::WINDOWS_DEMO_USER.to_owned(),
            password: crate::WINDOWS_DEMO_PASSWORD.to_owned(),
            first_name: "Alex".to_owned(),
            last_name: "Smith".to_owned(),
            email: "alex.smith@example.test".to_owned(),
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_splits_at_the_last_colon() {
        let user = SimUser::parse("HELP DESK\\BWAYNE:pass").expect("valid spec");
        assert_eq!(user.username, "HELP DESK\\BWAYNE");
        assert_eq!(user.password, "pass");
        let odd = SimUser::parse("OPS\\A:B:pass").expect("valid spec");
        assert_eq!((odd.username.as_str(), odd.password.as_str()), ("OPS\\A:B", "pass"));
        assert_eq!(user.group(), "HELP DESK");
        assert_eq!(user.login_id(), "BWAYNE");
        assert_eq!(user.last_name, "Bwayne");
    }

    #[test]
    fn parse_rejects_bad_specs() {
        assert!(SimUser::parse("HELP DESK\\BWAYNE").is_err());
        assert!(SimUser::parse("BWAYNE:secret").is_err());
        assert!(SimUser::parse("HELP DESK\\BWAYNE:").is_err());
        assert!(SimUser::parse("\\BWAYNE:x").is_err());
    }

    #[test]
    fn debug_hides_the_password() {
        let user = SimUser::parse("G\\U:hunter2").expect("valid spec");
        assert!(!format!("{user:?}").contains("hunter2"));
    }

    #[test]
    fn windows_login_keeps_the_domain() {
        let users = demo_users();
        assert_eq!(users[1].group(), "HELP DESK");
        assert_eq!(users[1].login_id(), "CORP\\asmith");
    }
}
