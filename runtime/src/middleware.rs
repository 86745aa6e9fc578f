//! `BearerAuth`: the middleware layer that attaches the token and survives one 401.

use std::sync::Arc;

use http::Extensions;
use reqwest::header::AUTHORIZATION;
use reqwest::{Request, Response, StatusCode};
use reqwest_middleware::{Middleware, Next};
use url::Url;

use crate::cache::TokenCache;
use crate::grant::Grants;
use crate::token::AccessToken;

/// Attaches `Authorization: Bearer …` to requests for the Track-It! origin.
///
/// On a 401 it drops the refused token, obtains a new one and sends the request once more,
/// provided the request can be cloned (bodies from bytes can; streams cannot). Token failures
/// leave the stack as [`reqwest_middleware::Error::Middleware`] wrapping a crate [`Error`](crate::Error).
pub(crate) struct BearerAuth<G> {
    cache: Arc<TokenCache<G>>,
    base_url: Url,
}

impl<G: Grants> BearerAuth<G> {
    /// Only requests whose scheme, host and port equal `base_url`'s get the token.
    pub(crate) fn new(cache: Arc<TokenCache<G>>, base_url: &Url) -> Self {
        Self { cache, base_url: base_url.clone() }
    }

    /// `Url::origin` would allocate on every request; comparing the parts does not.
    fn is_trackit_origin(&self, url: &Url) -> bool {
        url.scheme() == self.base_url.scheme()
            && url.host() == self.base_url.host()
            && url.port_or_known_default() == self.base_url.port_or_known_default()
    }

    async fn token(&self) -> reqwest_middleware::Result<Arc<AccessToken>> {
        self.cache.token().await.map_err(reqwest_middleware::Error::middleware)
    }
}

#[async_trait::async_trait]
impl<G: Grants> Middleware for BearerAuth<G> {
    async fn handle(
        &self,
        mut request: Request,
        extensions: &mut Extensions,
        next: Next<'_>,
    ) -> reqwest_middleware::Result<Response> {
        // Never hand the token to another host, e.g. an absolute URL in a user-built request.
        if !self.is_trackit_origin(request.url()) {
            return next.run(request, extensions).await;
        }

        let token = self.token().await?;
        let replay = request.try_clone();
        attach(&mut request, &token);
        let response = next.clone().run(request, extensions).await?;
        if response.status() != StatusCode::UNAUTHORIZED {
            return Ok(response);
        }
        let Some(mut replay) = replay else {
            tracing::debug!("401 on a request that cannot be replayed; returning it");
            return Ok(response);
        };

        self.cache.invalidate(token.generation);
        let renewed = self.token().await?;
        tracing::debug!(generation = renewed.generation, "retrying once with a renewed token after 401");
        attach(&mut replay, &renewed);
        next.run(replay, extensions).await
    }
}

/// The header value was built and marked sensitive once, when the token arrived.
fn attach(request: &mut Request, token: &AccessToken) {
    request.headers_mut().insert(AUTHORIZATION, token.authorization.clone());
}
