//! Integration tests of the runtime: against the Track-It! simulator (load, token lifecycle,
//! faults, TLS, proxies, user layers), and against a raw recording server for the exact wire
//! format. One binary, so the crate links once.

#[cfg(feature = "blocking")]
mod blocking;
mod envelopes;
mod environment;
mod faults;
mod layers;
mod lifecycle;
mod load;
mod login;
mod paging;
mod redaction;
mod redirects;
mod renewal;
mod retry;
mod support;
mod timeouts;
mod tls;
mod wire;
