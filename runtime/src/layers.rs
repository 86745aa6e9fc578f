//! For middleware layers added with [`ApiClientBuilder::with`](crate::ApiClientBuilder::with):
//! the operation id each request carries, and a wrapper that limits a layer (typically a
//! retry layer) to idempotent requests.

use http::Extensions;
use reqwest::{Request, Response};
use reqwest_middleware::{Middleware, Next};

/// The operation id of the call a request belongs to (e.g. `Ticket_Get`), present in the
/// extensions of every request sent by [`ApiClient::execute`](crate::ApiClient::execute), so a
/// layer can name its spans or metrics after the operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct OperationId(pub &'static str);

/// Runs the wrapped layer for idempotent requests only (GET, HEAD, PUT, DELETE, OPTIONS,
/// TRACE); the others go straight on. Meant for retry layers: a POST that timed out may
/// already have created a ticket, and sending it again would create a second one.
///
/// ```
/// # fn wrap<M: trackit_runtime::reqwest_middleware::Middleware>(retry: M) {
/// use trackit_runtime::IdempotentOnly;
/// let layer = IdempotentOnly(retry); // then `ApiClientBuilder::with(layer)`
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct IdempotentOnly<M>(pub M);

#[async_trait::async_trait]
impl<M: Middleware> Middleware for IdempotentOnly<M> {
    async fn handle(
        &self,
        request: Request,
        extensions: &mut Extensions,
        next: Next<'_>,
    ) -> reqwest_middleware::Result<Response> {
        if request.method().is_idempotent() {
            self.0.handle(request, extensions, next).await
        } else {
            next.run(request, extensions).await
        }
    }
}
