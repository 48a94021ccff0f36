//! `Publisher`'s calls on what it published: the job of an idempotency key, deleting a media,
//! turning its comments on or off (errors as the publisher maps them, e.g. a carousel item
//! that cannot be deleted alone).

use instagraph::{CompanyId, IgUserId, MediaId};
use napi::bindgen_prelude::*;
use napi_derive::napi;

use crate::convert::required;
use crate::error::{guard, sdk_error};
use crate::publisher::Publisher;
use crate::results::Success;
use crate::scheduler_types::Job;

fn ids(company_id: &str, ig_user_id: &str, media_id: &str) -> napi::Result<()> {
    required("companyId", company_id)?;
    required("igUserId", ig_user_id)?;
    required("mediaId", media_id)
}

#[napi]
impl Publisher {
    /// The publish job stored under `idempotencyKey` in the company, or `null`.
    ///
    /// Core: Publisher::job
    #[napi]
    pub async fn job(&self, company_id: String, idempotency_key: String) -> Result<Option<Job>> {
        const WHAT: &str = "Publisher.job";
        guard(WHAT, async {
            required("companyId", &company_id)?;
            required("idempotencyKey", &idempotency_key)?;
            let publisher = self.get(WHAT).await?;
            let job = publisher
                .job(&CompanyId::new(company_id), &idempotency_key)
                .await
                .map_err(|e| sdk_error(WHAT, e))?;
            Ok(job.as_ref().map(Job::from))
        })
        .await
    }

    /// Deletes a published media: `{ success: true }`. A carousel item cannot be deleted on its
    /// own (`PublishError`, cause `CAROUSEL_CHILD_NOT_DELETABLE`).
    ///
    /// Core: Publisher::delete_media
    #[napi]
    pub async fn delete_media(
        &self,
        company_id: String,
        ig_user_id: String,
        media_id: String,
    ) -> Result<Success> {
        const WHAT: &str = "Publisher.deleteMedia";
        guard(WHAT, async {
            ids(&company_id, &ig_user_id, &media_id)?;
            let publisher = self.get(WHAT).await?;
            publisher
                .delete_media(
                    &CompanyId::new(company_id),
                    &IgUserId::new(ig_user_id),
                    &MediaId::new(media_id),
                )
                .await
                .map_err(|e| sdk_error(WHAT, e))?;
            Ok(Success { success: true })
        })
        .await
    }

    /// Turns comments on a published media on or off: `{ success: true }`.
    ///
    /// Core: Publisher::set_comments_enabled
    #[napi]
    pub async fn set_comments_enabled(
        &self,
        company_id: String,
        ig_user_id: String,
        media_id: String,
        enabled: bool,
    ) -> Result<Success> {
        const WHAT: &str = "Publisher.setCommentsEnabled";
        guard(WHAT, async {
            ids(&company_id, &ig_user_id, &media_id)?;
            let publisher = self.get(WHAT).await?;
            publisher
                .set_comments_enabled(
                    &CompanyId::new(company_id),
                    &IgUserId::new(ig_user_id),
                    &MediaId::new(media_id),
                    enabled,
                )
                .await
                .map_err(|e| sdk_error(WHAT, e))?;
            Ok(Success { success: true })
        })
        .await
    }
}
