//! Walking a paged Track-It! list (`…/{pageSize}/{pageNumber}`) as one lazy stream of items.
//!
//! ```no_run
//! # async fn demo(client: trackit_runtime::ApiClient) -> Result<(), trackit_runtime::Error> {
//! use trackit_runtime::paging::{DEFAULT_PAGE_SIZE, TryStreamExt, paginate};
//! use trackit_runtime::{Call, Method};
//!
//! let notes = paginate(DEFAULT_PAGE_SIZE, |page_number| {
//!     let client = client.clone();
//!     async move {
//!         let call = Call::new("Ticket_GetTicketNotes", Method::GET, "/tickets/{id}/Notes/{pageSize}/{pageNumber}")
//!             .path_param("id", 1042)
//!             .path_param("pageSize", DEFAULT_PAGE_SIZE)
//!             .path_param("pageNumber", page_number);
//!         client.execute_page::<serde_json::Value>(call, "Notes", "Count").await
//!     }
//! });
//! let all: Vec<serde_json::Value> = notes.try_collect().await?;
//! # Ok(()) }
//! ```

use std::future::Future;

pub use futures_util::{Stream, StreamExt, TryStreamExt};

use crate::Error;
pub use crate::records::Page;

/// The page size used when none (or one of 0 or less) is given.
///
/// Track-It! reads a page size of 0 as "everything at once", which is what paging avoids.
pub const DEFAULT_PAGE_SIZE: i32 = 50;

/// Fetches pages 1, 2, 3… with `fetch(page_number)` as the stream is read, and yields their
/// items one by one.
///
/// The stream ends after the page where the items seen reach the page's `count`, after an
/// empty page, or after a page that is not exactly `page_size` long (the last page is
/// shorter; a longer one means the server ignored paging and sent everything). An error is
/// yielded once and ends the stream. A `page_size` of 0 or less means [`DEFAULT_PAGE_SIZE`];
/// `fetch` must request pages of the same size.
pub fn paginate<'a, T, F, Fut>(page_size: i32, fetch: F) -> impl Stream<Item = Result<T, Error>> + Send + 'a
where
    T: Send + 'a,
    F: FnMut(i32) -> Fut + Send + 'a,
    Fut: Future<Output = Result<Page<T>, Error>> + Send + 'a,
{
    let page_size = if page_size <= 0 { DEFAULT_PAGE_SIZE } else { page_size };
    let walk = Walk { fetch, page_size, next_page: Some(1), seen: 0, current: Vec::new().into_iter() };
    // Fused: the unfold underneath must not be polled again once it ended.
    futures_util::stream::unfold(walk, Walk::next_item).fuse()
}

/// Where a [`paginate`] stream stands.
struct Walk<F, T> {
    fetch: F,
    page_size: i32,
    /// The page to fetch once `current` runs dry; `None` when the last page was fetched.
    next_page: Option<i32>,
    /// Items received so far, over all pages.
    seen: u64,
    current: std::vec::IntoIter<T>,
}

impl<F, Fut, T> Walk<F, T>
where
    F: FnMut(i32) -> Fut,
    Fut: Future<Output = Result<Page<T>, Error>>,
{
    async fn next_item(mut self) -> Option<(Result<T, Error>, Self)> {
        loop {
            if let Some(item) = self.current.next() {
                return Some((Ok(item), self));
            }
            let page_number = self.next_page?;
            let page = match (self.fetch)(page_number).await {
                Ok(page) => page,
                Err(error) => {
                    self.next_page = None;
                    return Some((Err(error), self));
                }
            };
            let received = page.items.len();
            self.seen = self.seen.saturating_add(received as u64);
            let full_page = usize::try_from(self.page_size).is_ok_and(|size| size == received);
            self.next_page = if full_page && self.seen < page.count { page_number.checked_add(1) } else { None };
            self.current = page.items.into_iter();
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex, PoisonError};

    use super::*;

    /// Fetches the numbers `0..total` in pages as a server that honours paging would, and
    /// records which page numbers were asked for.
    fn numbers(total: u64, page_size: i32) -> (impl Stream<Item = Result<u64, Error>>, Arc<Mutex<Vec<i32>>>) {
        let asked = Arc::new(Mutex::new(Vec::new()));
        let log = asked.clone();
        let size = u64::try_from(if page_size <= 0 { DEFAULT_PAGE_SIZE } else { page_size }).unwrap_or(1);
        let stream = paginate(page_size, move |page_number| {
            log.lock().unwrap_or_else(PoisonError::into_inner).push(page_number);
            let start = u64::try_from(page_number - 1).unwrap_or_default() * size;
            let items = (start..total.min(start + size)).collect();
            async move { Ok(Page { count: total, items }) }
        });
        (stream, asked)
    }

    async fn walk(total: u64, page_size: i32) -> (Vec<u64>, Vec<i32>) {
        let (stream, asked) = numbers(total, page_size);
        let items = stream.try_collect().await.expect("no error");
        let asked = asked.lock().unwrap_or_else(PoisonError::into_inner).clone();
        (items, asked)
    }

    #[tokio::test]
    async fn pages_are_fetched_until_the_count_is_reached() {
        let all = |total: u64| (0..total).collect::<Vec<_>>();
        assert_eq!(walk(6, 3).await, (all(6), vec![1, 2]), "a full last page ends at the count");
        assert_eq!(walk(7, 3).await, (all(7), vec![1, 2, 3]));
        assert_eq!(walk(3, 1).await, (all(3), vec![1, 2, 3]));
        assert_eq!(walk(3, 10).await, (all(3), vec![1]));
        assert_eq!(walk(0, 10).await, (all(0), vec![1]));
        assert_eq!(walk(120, 0).await, (all(120), vec![1, 2, 3]), "0 means the default size");
        assert_eq!(walk(5, -4).await.1, vec![1]);
    }

    #[tokio::test]
    async fn a_server_that_ignores_paging_is_read_once() {
        for count in [5, 100] {
            let fetches = Arc::new(Mutex::new(0));
            let counter = fetches.clone();
            let stream = paginate(2, move |_| {
                *counter.lock().unwrap_or_else(PoisonError::into_inner) += 1;
                async move { Ok(Page { count, items: vec!["a", "b", "c", "d", "e"] }) }
            });
            let items: Vec<_> = stream.try_collect().await.expect("no error");
            assert_eq!(items.len(), 5);
            assert_eq!(*fetches.lock().unwrap_or_else(PoisonError::into_inner), 1, "count {count}");
        }
    }

    #[tokio::test]
    async fn the_count_ends_a_list_whose_pages_keep_coming() {
        // Count says 2 but full pages keep coming: the count wins, as it does against a
        // server that ignores paging.
        let stream = paginate(2, |page_number| async move { Ok(Page { count: 2, items: vec![page_number; 2] }) });
        let items: Vec<i32> = stream.try_collect().await.expect("no error");
        assert_eq!(items, vec![1, 1]);
    }

    #[tokio::test]
    async fn an_error_is_yielded_once_and_ends_the_stream() {
        let stream = paginate(2, |page_number| async move {
            match page_number {
                1 => Ok(Page { count: 6, items: vec![1, 2] }),
                _ => Err(Error::Configuration { reason: format!("page {page_number} failed") }),
            }
        });
        let mut stream = std::pin::pin!(stream);
        assert_eq!(stream.next().await.map(Result::ok), Some(Some(1)));
        assert_eq!(stream.next().await.map(Result::ok), Some(Some(2)));
        let error = stream.next().await.expect("an item").expect_err("page 2 fails");
        assert!(error.to_string().contains("page 2 failed"), "{error}");
        assert!(stream.next().await.is_none());
        assert!(stream.next().await.is_none(), "polling after the end is harmless");
    }

    #[tokio::test]
    async fn nothing_is_fetched_before_the_stream_is_read() {
        let (stream, asked) = numbers(10, 2);
        let mut stream = std::pin::pin!(stream);
        assert!(asked.lock().unwrap_or_else(PoisonError::into_inner).is_empty());
        stream.next().await;
        stream.next().await;
        assert_eq!(*asked.lock().unwrap_or_else(PoisonError::into_inner), vec![1]);
        stream.next().await;
        assert_eq!(*asked.lock().unwrap_or_else(PoisonError::into_inner), vec![1, 2]);
    }
}
