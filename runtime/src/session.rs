//! Ending a session: recognising the logout route, and [`ApiClient::logout`].
//!
//! The runtime recognises the route rather than the generated crate calling a hook, so
//! `client.technician().do_logout()` (or any hand-built call to the route) clears the cached
//! tokens without the generator knowing about sessions.

use reqwest::Method;

use crate::{ApiClient, Call, Error};

/// The Track-It! route that revokes the caller's access and refresh tokens.
const LOGOUT_PATH: &str = "/technicians/logout";
/// The route's operation id in Track-It!'s document.
const LOGOUT_OPERATION: &str = "Technician_DoLogout";

/// Whether `call` ends the session: its path is the logout route, in any letter case (IIS).
pub(crate) fn ends_session(call: &Call) -> bool {
    let path = call.path().trim_end_matches('/');
    path.len() >= LOGOUT_PATH.len()
        && path.is_char_boundary(path.len() - LOGOUT_PATH.len())
        && path[path.len() - LOGOUT_PATH.len()..].eq_ignore_ascii_case(LOGOUT_PATH)
}

impl ApiClient {
    /// Ends the session on the server (`GET technicians/logout`) and drops the cached tokens;
    /// the next call logs in again. Without a live token nothing is sent, since there is no
    /// session to end.
    ///
    /// The tokens are dropped even when the server cannot be told, so the error only says that
    /// the server-side session may live on until it expires.
    ///
    /// # Errors
    ///
    /// As [`ApiClient::execute`] for the logout request; the tokens are dropped all the same.
    pub async fn logout(&self) -> Result<(), Error> {
        if !self.cache().holds_live_token() {
            self.forget_token();
            return Ok(());
        }
        let outcome = self.execute::<serde_json::Value>(Call::new(LOGOUT_OPERATION, Method::GET, LOGOUT_PATH)).await;
        self.forget_token();
        outcome.map(drop)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_logout_route_is_recognised_in_any_case() {
        let call = |path: &str| Call::new("X", Method::GET, path.to_owned());
        assert!(ends_session(&call("/technicians/logout")));
        assert!(ends_session(&call("/Technicians/LogOut/")));
        assert!(!ends_session(&call("/technicians/logout/extra")));
        assert!(!ends_session(&call("/tickets/1042")));
        assert!(!ends_session(&call("/logout")));
    }
}
