//! Login, token renewal and bearer injection for Track-It! Web API clients.
//!
//! Generated operations build a [`Call`] and hand it to [`ApiClient::execute`]. The client
//! logs in with the OAuth password grant on first use, renews the token shortly before it
//! expires (refresh grant first, password as fallback), and retries once after a 401.
//!
//! ```no_run
//! # async fn demo() -> Result<(), trackit_runtime::Error> {
//! use trackit_runtime::{ApiClient, Call, Credentials, Method};
//!
//! let credentials = Credentials::technician("HELP DESK", "JPIKE", "password");
//! let client = ApiClient::builder("https://trackit.example/TrackIt/WebApi", credentials).build()?;
//! let profile = client.login().await?;
//! println!("logged in as {}", profile.full_name());
//! let ticket: serde_json::Value = client
//!     .execute(Call::new("Ticket_Get", Method::GET, "/tickets/1042"))
//!     .await?;
//! # Ok(()) }
//! ```

#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod cache;
mod call;
mod client;
mod credentials;
mod endpoint;
mod error;
mod grant;
mod middleware;
mod profile;
mod reply;
mod token;

pub use reqwest;
pub use reqwest::Method;
pub use reqwest_middleware;
pub use secrecy::{ExposeSecret, SecretString};
pub use url::Url;

pub use call::{Call, encode_path_segment};
pub use client::{ApiClient, ApiClientBuilder};
pub use credentials::{Credentials, PASSWORD_VARIABLE, USERNAME_VARIABLE};
pub use error::Error;
pub use profile::Profile;
