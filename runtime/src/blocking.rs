//! Calling the client from code that is not async (feature `blocking`).
//!
//! Every call runs on one process-wide tokio runtime, started on first use, so connections,
//! the token and its renewal are shared by all calls of a client, just as in async code.
//! Use one client either through these functions or from your own runtime, not both: pooled
//! connections belong to the runtime that opened them.
//!
//! ```no_run
//! use trackit_runtime::blocking::{block_on, iter};
//! use trackit_runtime::paging::paginate;
//! use trackit_runtime::{ApiClient, Call, Credentials, Method};
//!
//! # fn main() -> Result<(), trackit_runtime::Error> {
//! let credentials = Credentials::technician("HELP DESK", "JPIKE", "password");
//! let client = ApiClient::builder("https://trackit.example/TrackIt/WebApi", credentials).build()?;
//! let ticket: serde_json::Value =
//!     block_on(client.execute_member(Call::new("Ticket_Get", Method::GET, "/tickets/1042"), "Ticket"))?;
//! let notes = paginate(50, |page| {
//!     let call = Call::new("Ticket_GetTicketNotes", Method::GET, "/tickets/1042/Notes/50/{page}").path_param("page", page);
//!     let client = client.clone();
//!     async move { client.execute_page::<serde_json::Value>(call, "Notes", "Count").await }
//! });
//! for note in iter(notes) {
//!     println!("{}", note?);
//! }
//! # Ok(()) }
//! ```

use std::future::Future;
use std::pin::Pin;
use std::sync::OnceLock;

use futures_util::{Stream, StreamExt};
use tokio::runtime::{Handle, Runtime};

use crate::Error;

/// The runtime, or why it could not be started (kept, so every call reports it).
static RUNTIME: OnceLock<Result<Runtime, String>> = OnceLock::new();

/// Runs `future` to completion on the shared runtime and returns its result.
///
/// Called from inside an async runtime (where blocking the thread would stall it, and tokio
/// would panic), it returns [`Error::Configuration`] instead: there, `.await` the future.
///
/// # Errors
///
/// [`Error::Configuration`] when called inside an async runtime or when the shared runtime
/// could not be started; otherwise whatever `future` returns.
pub fn block_on<T>(future: impl Future<Output = Result<T, Error>>) -> Result<T, Error> {
    shared_runtime()?.block_on(future)
}

/// Turns a stream of results, such as [`paginate`](crate::paging::paginate)'s, into an
/// iterator that fetches the next item (and page) only when asked.
///
/// Each item is awaited on the runtime of [`block_on`]; the iterator ends after the stream
/// does, or after yielding the error [`block_on`] refuses with inside an async runtime.
pub fn iter<T, S>(stream: S) -> BlockingIter<S>
where
    S: Stream<Item = Result<T, Error>>,
{
    BlockingIter { stream: Box::pin(stream), finished: false }
}

/// The iterator of [`iter`]: each `next` blocks until the stream's next item arrives.
#[must_use = "an iterator does nothing unless it is read"]
pub struct BlockingIter<S> {
    stream: Pin<Box<S>>,
    finished: bool,
}

impl<T, S> Iterator for BlockingIter<S>
where
    S: Stream<Item = Result<T, Error>>,
{
    type Item = Result<T, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.finished {
            return None;
        }
        let next = match shared_runtime() {
            Ok(runtime) => runtime.block_on(self.stream.next()),
            Err(refusal) => {
                self.finished = true;
                return Some(Err(refusal));
            }
        };
        // Some streams must not be polled again after they ended.
        self.finished = next.is_none();
        next
    }
}

impl<S> std::fmt::Debug for BlockingIter<S> {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.debug_struct("BlockingIter").field("finished", &self.finished).finish_non_exhaustive()
    }
}

/// The shared runtime, started on first use; an error inside an async context.
fn shared_runtime() -> Result<&'static Runtime, Error> {
    if Handle::try_current().is_ok() {
        return Err(Error::Configuration {
            reason: "a blocking call was made from inside an async runtime, where it would stall the runtime; \
                     use `.await` on the call instead of trackit_runtime::blocking"
                .to_owned(),
        });
    }
    let started = RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .thread_name("trackit-blocking")
            .enable_all()
            .build()
            .map_err(|error| error.to_string())
    });
    started.as_ref().map_err(|reason| Error::Configuration {
        reason: format!("the runtime for blocking calls could not be started: {reason}"),
    })
}
