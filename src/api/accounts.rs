//! Account discovery with Facebook Login: the Facebook user (`/me`), the Pages they manage
//! (`/me/accounts`), their business portfolios (`/me/businesses`, `/{business-id}/…`) and the
//! Instagram professional accounts reachable through both ([`discover_accounts`]).

use std::collections::HashMap;

use super::models::{Business, FacebookUser, IgUser, Page as FacebookPage};
use super::{FacebookGraph, Graph, ListEdge};
use crate::client::Client;
use crate::error::{Error, ErrorClass, Result};
use crate::ids::{BusinessId, IgUserId, PageId};
use crate::AccessToken;

/// Default fields of `GET /me`.
pub const DEFAULT_ME_FIELDS: &str = "id,name,email";

/// Default fields of `GET /me/accounts`: the Page, its token, and the linked Instagram account.
pub const DEFAULT_ME_ACCOUNTS_FIELDS: &str = "id,name,access_token,category,tasks,instagram_business_account{id,username,name,profile_picture_url,followers_count}";

/// Default fields of `GET /me/businesses`.
pub const DEFAULT_BUSINESS_FIELDS: &str = "id,name,verification_status";

/// Default fields of a business's Page edges (`owned_pages`, `client_pages`). A business edge
/// does not hand out Page tokens.
pub const DEFAULT_BUSINESS_PAGE_FIELDS: &str =
    "id,name,category,instagram_business_account{id,username,name,profile_picture_url,followers_count}";

/// Default fields of a business's Instagram account edges.
pub const DEFAULT_BUSINESS_IG_FIELDS: &str = "id,username,name,profile_picture_url,followers_count";

/// The domain of [`fallback_email`]'s addresses.
pub const FALLBACK_EMAIL_DOMAIN: &str = "facebook.instagraph.local";

/// The e-mail address the old service generated for a Facebook user without one:
/// `"{id}@facebook.instagraph.local"`. Always the generated form; see [`email_or_fallback`].
pub fn fallback_email(user: &FacebookUser) -> String {
    format!("{}@{FALLBACK_EMAIL_DOMAIN}", user.id)
}

/// The user's e-mail when Meta sent a non-blank one, else [`fallback_email`].
pub fn email_or_fallback(user: &FacebookUser) -> String {
    match user.email.as_deref().map(str::trim) {
        Some(email) if !email.is_empty() => email.to_owned(),
        _ => fallback_email(user),
    }
}

impl<'a> FacebookGraph<'a> {
    /// `GET /me`: the Facebook user the token belongs to (fields `id,name,email` by default).
    pub fn me(&self) -> GetFacebookUser<'a> {
        GetFacebookUser::new(self.graph(), "me", DEFAULT_ME_FIELDS)
    }

    /// `GET /me/accounts`: the Pages the user manages, each with its Page token and linked
    /// Instagram account ([`DEFAULT_ME_ACCOUNTS_FIELDS`]).
    pub fn me_accounts(&self) -> ListEdge<'a, FacebookPage> {
        ListEdge::new(
            self.graph(),
            "me/accounts".to_owned(),
            DEFAULT_ME_ACCOUNTS_FIELDS,
        )
    }

    /// `GET /me/businesses`: the business portfolios the user belongs to (needs
    /// `business_management`).
    pub fn businesses(&self) -> ListEdge<'a, Business> {
        ListEdge::new(
            self.graph(),
            "me/businesses".to_owned(),
            DEFAULT_BUSINESS_FIELDS,
        )
    }

    /// A business portfolio's edges.
    pub fn business(&self, id: impl Into<BusinessId>) -> BusinessHandler<'a> {
        BusinessHandler {
            graph: self.graph(),
            id: id.into(),
        }
    }

    /// Every Instagram account the user can reach; see [`discover_accounts`].
    pub async fn discover_accounts(&self) -> Result<Discovery> {
        discover(*self).await
    }
}

/// The edges of one business portfolio (`/{business-id}/…`).
#[derive(Debug, Clone)]
pub struct BusinessHandler<'a> {
    graph: Graph<'a>,
    id: BusinessId,
}

impl<'a> BusinessHandler<'a> {
    /// The business id.
    pub fn id(&self) -> &BusinessId {
        &self.id
    }

    fn edge<T>(&self, edge: &str, default_fields: &'static str) -> ListEdge<'a, T>
    where
        T: serde::de::DeserializeOwned + Send + Sync + 'static,
    {
        ListEdge::new(self.graph, format!("{}/{edge}", self.id), default_fields)
    }

    /// `GET /{business-id}/owned_pages`.
    pub fn owned_pages(&self) -> ListEdge<'a, FacebookPage> {
        self.edge("owned_pages", DEFAULT_BUSINESS_PAGE_FIELDS)
    }

    /// `GET /{business-id}/client_pages`: Pages the business works on for clients.
    pub fn client_pages(&self) -> ListEdge<'a, FacebookPage> {
        self.edge("client_pages", DEFAULT_BUSINESS_PAGE_FIELDS)
    }

    /// `GET /{business-id}/owned_instagram_accounts`.
    pub fn owned_instagram_accounts(&self) -> ListEdge<'a, IgUser> {
        self.edge("owned_instagram_accounts", DEFAULT_BUSINESS_IG_FIELDS)
    }

    /// `GET /{business-id}/client_instagram_accounts`.
    pub fn client_instagram_accounts(&self) -> ListEdge<'a, IgUser> {
        self.edge("client_instagram_accounts", DEFAULT_BUSINESS_IG_FIELDS)
    }

    /// `GET /{business-id}/instagram_business_accounts`.
    pub fn instagram_business_accounts(&self) -> ListEdge<'a, IgUser> {
        self.edge("instagram_business_accounts", DEFAULT_BUSINESS_IG_FIELDS)
    }
}

/// How a discovered account was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DiscoverySource {
    /// Linked to a Page the user manages (`/me/accounts`); comes with the Page token.
    PageLinked,
    /// Owned by one of the user's business portfolios (an owned Page or IG account).
    BusinessOwned,
    /// Managed by one of the user's business portfolios for a client.
    BusinessClient,
}

/// An Instagram professional account found by [`discover_accounts`].
#[derive(Debug, Clone, PartialEq)]
pub struct DiscoveredAccount {
    /// The IG user id used in Graph paths.
    pub ig_user_id: IgUserId,
    /// The handle, without `@`.
    pub username: Option<String>,
    /// The profile name.
    pub name: Option<String>,
    /// URL of the profile picture.
    pub profile_picture_url: Option<String>,
    /// Number of followers.
    pub followers_count: Option<u64>,
    /// The Page the account is linked to, when known.
    pub page_id: Option<PageId>,
    /// The Page token (only for [`DiscoverySource::PageLinked`]): it carries the IG calls for
    /// that Page. Never printed whole.
    pub page_token: Option<AccessToken>,
    /// The business portfolio the account was also (or only) found in.
    pub business_id: Option<BusinessId>,
    /// How the account was found; when it was found several ways, page-linked wins, then
    /// business-owned.
    pub source: DiscoverySource,
}

/// A call [`discover_accounts`] skipped because the token lacks a permission.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkippedCall {
    /// The edge, e.g. `me/businesses` or `123/client_pages`.
    pub edge: String,
    /// The Graph error code.
    pub code: i64,
    /// Meta's message.
    pub message: String,
}

/// Everything [`discover_accounts`] found.
#[derive(Debug, Clone, PartialEq)]
pub struct Discovery {
    /// The Facebook user.
    pub user: FacebookUser,
    /// Every Page: those of `/me/accounts` first (with their tokens), then those only found
    /// through a business. One entry per Page id.
    pub pages: Vec<FacebookPage>,
    /// The user's business portfolios (empty without `business_management`).
    pub businesses: Vec<Business>,
    /// The Instagram accounts, one per IG user id, in the order they were first found.
    pub accounts: Vec<DiscoveredAccount>,
    /// Business calls skipped for a missing permission.
    pub skipped: Vec<SkippedCall>,
}

/// Finds every Instagram professional account a Facebook Login user token reaches.
///
/// 1. `GET /me` (the user);
/// 2. every page of `GET /me/accounts`: accounts linked to the user's Pages, with the Page token;
/// 3. every page of `GET /me/businesses`, and for each business every page of `owned_pages`,
///    `client_pages`, `owned_instagram_accounts` and `client_instagram_accounts`.
///
/// Accounts are de-duplicated by IG user id: a page-linked entry wins and keeps its Page id and
/// token; the business id and any profile field it lacked are merged in from the business entry.
/// Between business entries, owned wins over client.
///
/// A business call that fails with a permission error (the token lacks `business_management`,
/// or the user has no role on a business: [`ErrorClass::PermissionMissing`], or code 100 with a
/// message about permissions) is **skipped, not fatal**: it is listed in
/// [`Discovery::skipped`] and discovery goes on. Any other error ends discovery.
pub async fn discover_accounts(client: &Client, token: &AccessToken) -> Result<Discovery> {
    client.facebook(token).discover_accounts().await
}

async fn discover(fb: FacebookGraph<'_>) -> Result<Discovery> {
    let user = fb.me().send().await?;
    let mut found = Found::default();
    let mut pages: Vec<FacebookPage> = collect(fb.me_accounts().send()).await?;
    for page in &pages {
        if let Some(ig) = &page.instagram_business_account {
            found.add(DiscoveredAccount {
                page_id: Some(page.id.clone()),
                page_token: page.access_token.clone(),
                ..account(ig, DiscoverySource::PageLinked, None)
            });
        }
    }

    let mut skipped = Vec::new();
    let businesses: Vec<Business> = match collect(fb.businesses().send()).await {
        Ok(list) => list,
        Err(e) => {
            skip_if_permission(e, "me/businesses", &mut skipped)?;
            Vec::new()
        }
    };
    for business in &businesses {
        let handler = fb.business(business.id.clone());
        let id = Some(business.id.clone());
        let page_edges = [
            (
                "owned_pages",
                handler.owned_pages(),
                DiscoverySource::BusinessOwned,
            ),
            (
                "client_pages",
                handler.client_pages(),
                DiscoverySource::BusinessClient,
            ),
        ];
        for (edge, request, source) in page_edges {
            let biz_pages = match collect(request.send()).await {
                Ok(list) => list,
                Err(e) => {
                    skip_if_permission(e, &format!("{}/{edge}", business.id), &mut skipped)?;
                    continue;
                }
            };
            for page in biz_pages {
                if let Some(ig) = &page.instagram_business_account {
                    found.add(DiscoveredAccount {
                        page_id: Some(page.id.clone()),
                        ..account(ig, source, id.clone())
                    });
                }
                if !pages.iter().any(|p| p.id == page.id) {
                    pages.push(page);
                }
            }
        }
        let ig_edges = [
            (
                "owned_instagram_accounts",
                handler.owned_instagram_accounts(),
                DiscoverySource::BusinessOwned,
            ),
            (
                "client_instagram_accounts",
                handler.client_instagram_accounts(),
                DiscoverySource::BusinessClient,
            ),
        ];
        for (edge, request, source) in ig_edges {
            match collect(request.send()).await {
                Ok(list) => {
                    for ig in &list {
                        found.add(account(ig, source, id.clone()));
                    }
                }
                Err(e) => skip_if_permission(e, &format!("{}/{edge}", business.id), &mut skipped)?,
            }
        }
    }

    Ok(Discovery {
        user,
        pages,
        businesses,
        accounts: found.accounts,
        skipped,
    })
}

/// Every item of a paged edge, all pages, up to [`crate::DEFAULT_COLLECT_LIMIT`].
async fn collect<T, F>(first: F) -> Result<Vec<T>>
where
    T: serde::de::DeserializeOwned + Send + Sync + 'static,
    F: std::future::Future<Output = Result<crate::Page<T>>>,
{
    first.await?.collect_all().await
}

/// Records `e` as skipped when it is a permission error, else returns it.
fn skip_if_permission(e: Error, edge: &str, skipped: &mut Vec<SkippedCall>) -> Result<()> {
    let permission = match (&e, e.graph()) {
        (_, Some(g)) if e.class() == ErrorClass::PermissionMissing => Some(g),
        (_, Some(g)) if g.code == 100 && g.message.to_ascii_lowercase().contains("permission") => {
            Some(g)
        }
        _ => None,
    };
    match permission {
        Some(g) => {
            tracing::debug!(
                edge,
                code = g.code,
                "discovery: skipping a call without permission"
            );
            skipped.push(SkippedCall {
                edge: edge.to_owned(),
                code: g.code,
                message: g.message.clone(),
            });
            Ok(())
        }
        None => Err(e),
    }
}

fn account(
    ig: &IgUser,
    source: DiscoverySource,
    business_id: Option<BusinessId>,
) -> DiscoveredAccount {
    DiscoveredAccount {
        ig_user_id: ig.id.clone(),
        username: ig.username.clone(),
        name: ig.name.clone(),
        profile_picture_url: ig.profile_picture_url.clone(),
        followers_count: ig.followers_count,
        page_id: None,
        page_token: None,
        business_id,
        source,
    }
}

/// Accounts found so far, one per IG user id, in first-found order.
#[derive(Default)]
struct Found {
    accounts: Vec<DiscoveredAccount>,
    index: HashMap<IgUserId, usize>,
}

impl Found {
    fn add(&mut self, new: DiscoveredAccount) {
        let Some(&i) = self.index.get(&new.ig_user_id) else {
            self.index
                .insert(new.ig_user_id.clone(), self.accounts.len());
            self.accounts.push(new);
            return;
        };
        let old = &mut self.accounts[i];
        if new.source == DiscoverySource::PageLinked && old.source != DiscoverySource::PageLinked {
            old.source = DiscoverySource::PageLinked;
            old.page_id = new.page_id;
            old.page_token = new.page_token;
        } else {
            if new.source == DiscoverySource::BusinessOwned
                && old.source == DiscoverySource::BusinessClient
            {
                old.source = DiscoverySource::BusinessOwned;
                old.business_id = new.business_id.clone();
            }
            if old.page_id.is_none() {
                old.page_id = new.page_id;
            }
            if old.page_token.is_none() {
                old.page_token = new.page_token;
            }
        }
        if old.business_id.is_none() {
            old.business_id = new.business_id;
        }
        fill(&mut old.username, new.username);
        fill(&mut old.name, new.name);
        fill(&mut old.profile_picture_url, new.profile_picture_url);
        if old.followers_count.is_none() {
            old.followers_count = new.followers_count;
        }
    }
}

fn fill(slot: &mut Option<String>, value: Option<String>) {
    if slot.is_none() {
        *slot = value;
    }
}

/// Request builder of `GET /me` on graph.facebook.com.
pub type GetFacebookUser<'a> = super::GetNode<'a, FacebookUser>;

#[cfg(test)]
mod tests {
    use super::*;

    fn ig(id: &str, username: Option<&str>) -> IgUser {
        serde_json::from_value(serde_json::json!({"id": id, "username": username})).unwrap()
    }

    #[test]
    fn page_linked_wins_and_business_is_merged() {
        let mut found = Found::default();
        found.add(account(
            &ig("1", None),
            DiscoverySource::BusinessOwned,
            Some("b".into()),
        ));
        found.add(DiscoveredAccount {
            page_id: Some("p".into()),
            page_token: Some(AccessToken::new("page-token")),
            ..account(&ig("1", Some("u")), DiscoverySource::PageLinked, None)
        });
        found.add(account(
            &ig("1", Some("other")),
            DiscoverySource::BusinessClient,
            Some("c".into()),
        ));
        assert_eq!(found.accounts.len(), 1);
        let a = &found.accounts[0];
        assert_eq!(a.source, DiscoverySource::PageLinked);
        assert_eq!(a.page_id, Some(PageId::new("p")));
        assert_eq!(
            a.page_token.as_ref().map(AccessToken::expose),
            Some("page-token")
        );
        assert_eq!(a.business_id, Some(BusinessId::new("b")));
        assert_eq!(a.username.as_deref(), Some("u"));
    }

    #[test]
    fn fallback_email_uses_the_id() {
        let user: FacebookUser = serde_json::from_str(r#"{"id":"42","name":"N"}"#).unwrap();
        assert_eq!(fallback_email(&user), "42@facebook.instagraph.local");
        assert_eq!(email_or_fallback(&user), "42@facebook.instagraph.local");
        let user: FacebookUser = serde_json::from_str(r#"{"id":"42","email":" a@b.c "}"#).unwrap();
        assert_eq!(email_or_fallback(&user), "a@b.c");
    }
}
