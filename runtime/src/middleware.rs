//! `BearerAuth`: the middleware layer that attaches the token and survives one 401.

use std::sync::Arc;

use http::Extensions;
use reqwest::header::{AUTHORIZATION, HeaderValue};
use reqwest::{Request, Response, StatusCode};
use reqwest_middleware::{Middleware, Next};
use secrecy::ExposeSecret;
use url::{Origin, Url};

use crate::Error;
use crate::cache::TokenCache;
use crate::grant::Grants;
use crate::token::AccessToken;

/// Attaches `Authorization: Bearer …` to requests for the Track-It! origin.
///
/// On a 401 it drops the refused token, obtains a new one and sends the request once more,
/// provided the request can be cloned (bodies from bytes can; streams cannot). Token failures
/// leave the stack as [`reqwest_middleware::Error::Middleware`] wrapping a crate [`Error`].
pub(crate) struct BearerAuth<G> {
    cache: Arc<TokenCache<G>>,
    origin: Origin,
}

impl<G: Grants> BearerAuth<G> {
    /// Only requests whose scheme, host and port equal `base_url`'s get the token.
    pub(crate) fn new(cache: Arc<TokenCache<G>>, base_url: &Url) -> Self {
        Self { cache, origin: base_url.origin() }
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
        if request.url().origin() != self.origin {
            return next.run(request, extensions).await;
        }

        let token = self.token().await?;
        let replay = request.try_clone();
        attach(&mut request, &token)?;
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
        attach(&mut replay, &renewed)?;
        next.run(replay, extensions).await
    }
}

fn attach(request: &mut Request, token: &AccessToken) -> reqwest_middleware::Result<()> {
    let mut value = HeaderValue::try_from(format!("Bearer {}", token.secret.expose_secret())).map_err(|_| {
        reqwest_middleware::Error::middleware(Error::TokenEndpoint {
            status: None,
            detail: "the access token contains characters not allowed in an HTTP header".to_owned(),
        })
    })?;
    // Keeps the value out of hyper's and reqwest's debug output.
    value.set_sensitive(true);
    request.headers_mut().insert(AUTHORIZATION, value);
    Ok(())
}
