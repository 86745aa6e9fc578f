//! Login, token renewal and bearer injection for Track-It! Web API clients.
//!
//! Generated operations build a [`Call`] and hand it to [`ApiClient::execute`]. The client
//! logs in with the OAuth password grant on first use, renews the token shortly before it
//! expires (refresh grant first, password as fallback), and retries once after a 401.
//!
//! Made for long-running integrations:
//! - **One renewal at a time.** Calls read the token without taking a lock; callers that find
//!   it stale wait for a single renewal. A failed renewal is not retried for a second (the
//!   current token is used while it lives), and a refused password is reported once and never
//!   sent again until [`ApiClient::forget_token`].
//! - **Lifetimes** come from `expires_in` (number or string) and `.expires - .issued`, both
//!   relative, so a server clock that is off does not matter; renewal starts a quarter of the
//!   lifetime (at most 60 s) before expiry.
//! - **Transport**: rustls with the system's roots plus any company CA
//!   ([`ApiClientBuilder::add_root_certificate_file`]), proxies from the environment, 10 s
//!   connect and 60 s request timeouts, `User-Agent: trackit-runtime/<version>`. Plain `http`
//!   only to loopback unless [`ApiClientBuilder::allow_insecure_http`] says otherwise.
//! - **Secrets** never reach `Debug`, `Display`, errors or logs; the token goes only to the
//!   configured origin, and the token request follows no redirect.
//! - **Sessions**: a call to `technicians/logout` (or [`ApiClient::logout`]) drops the tokens.
//! - **Layers** added with [`ApiClientBuilder::with`] (retry, tracing) run outside the auth
//!   layer, so every retry carries a current token; [`IdempotentOnly`] keeps a retry layer off
//!   POSTs, and [`OperationId`] names the operation of each request.
//! - **Envelopes and pages**: [`ApiClient::execute_member`] reads `{"Ticket": {…}}` replies,
//!   [`ApiClient::execute_page`] reads `{"Count": n, "Notes": […]}`, and
//!   [`paging::paginate`] walks a paged list lazily as one stream of items.
//! - **Blocking** (feature `blocking`): [`blocking::block_on`] and [`blocking::iter`] run calls
//!   on one shared runtime, for code that is not async.
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

#[cfg(feature = "blocking")]
pub mod blocking;
mod body;
mod builder;
mod cache;
mod call;
mod client;
mod credentials;
mod endpoint;
mod envelope;
mod error;
mod grant;
mod layers;
mod middleware;
pub mod paging;
mod profile;
pub mod records;
mod reply;
mod session;
mod stats;
mod timeouts;
mod tls;
mod token;

pub use reqwest;
pub use reqwest::Method;
pub use reqwest_middleware;
pub use secrecy::{ExposeSecret, SecretString};
pub use url::Url;

pub use builder::ApiClientBuilder;
pub use call::{Call, encode_path_segment};
pub use client::ApiClient;
pub use credentials::{Credentials, PASSWORD_VARIABLE, USERNAME_VARIABLE};
pub use error::Error;
pub use layers::{IdempotentOnly, OperationId};
pub use profile::Profile;
pub use stats::TokenStats;

/// The future a generated request turns into when it is awaited (`IntoFuture`): boxed, so each
/// request type needs no future type of its own.
pub type BoxFuture<'a, T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send + 'a>>;
