//! End-to-end tests live in `tests/all/`; this library is empty on purpose.
