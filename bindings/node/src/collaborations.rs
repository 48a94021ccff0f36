//! `Collaborations`: the collaboration invites an account received (other accounts' posts
//! naming it as collaborator), and accepting or declining one.

use std::sync::Arc;

use instagraph::MediaId;
use napi::bindgen_prelude::*;
use napi_derive::napi;

use crate::account_graph::{self, limit, open, Json};
use crate::accounts::AccountManager;
use crate::convert::required;
use crate::error::{guard, sdk_error};
use crate::results::{Paging, Success};
use crate::store::Lazy;

/// A pending collaboration invite (the fields Meta sent).
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct CollaborationInvite {
    /// The invited media's id (the one to accept or decline).
    pub media_id: Option<String>,
    /// The username of the account that invited.
    pub media_owner_username: Option<String>,
    /// The media's caption.
    pub caption: Option<String>,
    /// The media's URL.
    pub media_url: Option<String>,
}

/// One page of collaboration invites (`Collaborations.invites`).
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct CollaborationInvitePage {
    /// The invites of this page.
    pub data: Vec<CollaborationInvite>,
    /// Where the page is.
    pub paging: Paging,
}

/// Options of `Collaborations.invites`.
#[napi(object)]
pub struct CollaborationInviteOptions {
    /// Items per page.
    pub limit: Option<u32>,
    /// The cursor of the previous page's `paging.after`.
    pub after: Option<String>,
}

/// Collaboration invites of the accounts of an `AccountManager`.
#[napi]
pub struct Collaborations {
    lazy: Arc<Lazy>,
}

#[napi]
impl Collaborations {
    /// Collaboration invites of the accounts of `accounts`.
    #[napi(constructor)]
    pub fn new(accounts: &AccountManager) -> Self {
        Self {
            lazy: accounts.lazy.clone(),
        }
    }

    /// One page of the account's pending invites: `{ data, paging }`.
    ///
    /// Core: CollaborationInvitesHandler::list
    #[napi(ts_return_type = "Promise<CollaborationInvitePage>")]
    pub async fn invites(
        &self,
        company_id: String,
        ig_user_id: String,
        options: Option<CollaborationInviteOptions>,
    ) -> Result<Json> {
        const WHAT: &str = "Collaborations.invites";
        guard(WHAT, async {
            let (per_page, after) = options.map_or((None, None), |o| (o.limit, o.after));
            let per_page = limit("options.limit", per_page)?;
            let account = open(&self.lazy, WHAT, &company_id, &ig_user_id).await?;
            let mut req = account
                .graph()
                .ig_user(account.ig().clone())
                .collaboration_invites()
                .list();
            if let Some(l) = per_page {
                req = req.limit(l);
            }
            if let Some(a) = after {
                req = req.after(a);
            }
            let page = req.send().await.map_err(|e| sdk_error(WHAT, e))?;
            Ok(account_graph::page(&page))
        })
        .await
        .map(Json::from)
    }

    /// Accepts the invite to co-author `mediaId`: `{ success }`.
    ///
    /// Core: CollaborationInvitesHandler::accept
    #[napi]
    pub async fn accept(
        &self,
        company_id: String,
        ig_user_id: String,
        media_id: String,
    ) -> Result<Success> {
        self.answer(
            "Collaborations.accept",
            company_id,
            ig_user_id,
            media_id,
            true,
        )
        .await
    }

    /// Declines the invite to co-author `mediaId`: `{ success }`.
    ///
    /// Core: CollaborationInvitesHandler::decline
    #[napi]
    pub async fn decline(
        &self,
        company_id: String,
        ig_user_id: String,
        media_id: String,
    ) -> Result<Success> {
        self.answer(
            "Collaborations.decline",
            company_id,
            ig_user_id,
            media_id,
            false,
        )
        .await
    }

    async fn answer(
        &self,
        what: &'static str,
        company_id: String,
        ig_user_id: String,
        media_id: String,
        accept: bool,
    ) -> Result<Success> {
        guard(what, async {
            required("mediaId", &media_id)?;
            let account = open(&self.lazy, what, &company_id, &ig_user_id).await?;
            let invites = account
                .graph()
                .ig_user(account.ig().clone())
                .collaboration_invites();
            let media = MediaId::new(media_id);
            let answer = if accept {
                invites.accept(media)
            } else {
                invites.decline(media)
            };
            let success = answer.await.map_err(|e| sdk_error(what, e))?;
            Ok(Success { success })
        })
        .await
    }
}
