//! [`Page<T>`]: one page of a paged edge, the way to the next one, and a stream over all items.

use futures::stream::{self, Stream};
use futures::TryStreamExt;
use serde::de::DeserializeOwned;

use crate::api::models::{ListResponse, Paging};
use crate::client::Client;
use crate::config::Host;
use crate::error::{Error, RequestContext, Result};
use crate::http::GraphRequest;
use crate::AccessToken;

/// The most items [`Page::collect_all`] gathers before it fails with [`Error::TooManyItems`]:
/// 10 000, a hundred pages of Meta's largest page size.
pub const DEFAULT_COLLECT_LIMIT: usize = 10_000;

/// One page of a paged edge (`{"data":[…],"paging":{…}}`).
///
/// `next_page()` fetches the following page with the same token; `into_stream()` yields every
/// item of this page and the ones after it, fetching each page only when the previous one is
/// used up (it follows `next` links as long as it is read: bound it with `take(n)`);
/// `collect_all()` gathers every item up to a limit.
#[derive(Debug, Clone)]
pub struct Page<T> {
    /// The items of this page.
    pub items: Vec<T>,
    /// Meta's paging object, as received.
    pub paging: Option<Paging>,
    client: Client,
    host: Host,
    token: AccessToken,
}

impl<T: DeserializeOwned + Send + Sync + 'static> Page<T> {
    pub(crate) fn new(
        list: ListResponse<T>,
        client: &Client,
        host: Host,
        token: &AccessToken,
    ) -> Self {
        Self {
            items: list.data,
            paging: list.paging,
            client: client.clone(),
            host,
            token: token.clone(),
        }
    }

    /// Whether Meta announced a next page.
    pub fn has_next(&self) -> bool {
        self.next_url().is_some()
    }

    /// The cursor to pass as `after` for the next page, when the edge is cursor-paged.
    pub fn after_cursor(&self) -> Option<&str> {
        self.paging.as_ref()?.cursors.as_ref()?.after.as_deref()
    }

    fn next_url(&self) -> Option<&str> {
        self.paging.as_ref()?.next.as_deref()
    }

    /// Fetches the next page, or `None` on the last one.
    pub async fn next_page(&self) -> Result<Option<Page<T>>> {
        let Some(url) = self.next_url() else {
            return Ok(None);
        };
        let list: ListResponse<T> = GraphRequest::follow(&self.client, self.host, url)?
            .token(&self.token)
            .send()
            .await?;
        Ok(Some(Page::new(list, &self.client, self.host, &self.token)))
    }

    /// Every item of this page and the following ones. A page is fetched only once the items
    /// before it have been consumed. The stream is `Unpin`, so `try_next()` works on it as is.
    pub fn into_stream(self) -> impl Stream<Item = Result<T>> + Send + Unpin + 'static {
        Box::pin(
            stream::try_unfold(Some((self, false)), |state| async move {
                let Some((mut page, consumed)) = state else {
                    return Ok(None);
                };
                if consumed {
                    match page.next_page().await? {
                        Some(next) => page = next,
                        None => return Ok(None),
                    }
                }
                let items = std::mem::take(&mut page.items);
                Ok::<_, crate::Error>(Some((
                    stream::iter(items.into_iter().map(Ok)),
                    Some((page, true)),
                )))
            })
            .try_flatten(),
        )
    }

    /// Fetches every remaining page and returns all items: at most [`DEFAULT_COLLECT_LIMIT`];
    /// a longer listing fails with [`Error::TooManyItems`] (see
    /// [`Page::collect_all_with_limit`]).
    pub async fn collect_all(self) -> Result<Vec<T>> {
        self.collect_all_with_limit(DEFAULT_COLLECT_LIMIT).await
    }

    /// Fetches every remaining page and returns all items, at most `limit` of them (this page's
    /// included). A listing with more fails with [`Error::TooManyItems`] naming the limit, as
    /// soon as a page goes past it: a server that hands out `next` links for ever is not
    /// followed for ever, and nothing is silently left out. To read a long listing in part,
    /// take what you need from [`Page::into_stream`].
    pub async fn collect_all_with_limit(self, limit: usize) -> Result<Vec<T>> {
        let mut items = Vec::new();
        let mut page = Some(self);
        while let Some(mut current) = page {
            if items.len() + current.items.len() > limit {
                return Err(Error::TooManyItems {
                    limit,
                    context: Box::new(current.listing_context()),
                });
            }
            let next = current.next_page().await?;
            items.append(&mut current.items);
            page = next;
        }
        Ok(items)
    }

    /// The method and path of the listing (never its query), for errors.
    fn listing_context(&self) -> RequestContext {
        self.next_url()
            .and_then(|url| GraphRequest::follow(&self.client, self.host, url).ok())
            .map(|request| request.context().clone())
            .unwrap_or_else(|| RequestContext {
                method: "GET".to_owned(),
                path: self.host.label().to_owned(),
                ..RequestContext::default()
            })
    }
}
