//! [`Publisher`] after a publish: the job stored under an idempotency key, and deleting or
//! turning comments on and off on a published media of a company's account.

use instagraph::{CompanyId, IgUserId, MediaId};

use crate::error::{required, sdk, Result};
use crate::publisher::{PublishJob, Publisher};

#[uniffi::export(async_runtime = "tokio")]
impl Publisher {
    /// The job stored under `idempotency_key` (`None` when the company has none).
    ///
    /// Core: Publisher::job
    pub async fn job_by_key(
        &self,
        company_id: String,
        idempotency_key: String,
    ) -> Result<Option<PublishJob>> {
        const WHAT: &str = "Publisher.job_by_key";
        required("company_id", &company_id)?;
        required("idempotency_key", &idempotency_key)?;
        let job = self
            .inner
            .job(&CompanyId::new(company_id), &idempotency_key)
            .await
            .map_err(|e| sdk(WHAT, e))?;
        Ok(job.as_ref().map(PublishJob::from))
    }

    /// Deletes a published media of the account (a carousel item cannot be deleted on its
    /// own: kind `Publish`).
    ///
    /// Core: Publisher::delete_media
    pub async fn delete_media(
        &self,
        company_id: String,
        ig_user_id: String,
        media_id: String,
    ) -> Result<()> {
        const WHAT: &str = "Publisher.delete_media";
        required("company_id", &company_id)?;
        required("ig_user_id", &ig_user_id)?;
        required("media_id", &media_id)?;
        self.inner
            .delete_media(
                &CompanyId::new(company_id),
                &IgUserId::new(ig_user_id),
                &MediaId::new(media_id),
            )
            .await
            .map_err(|e| sdk(WHAT, e))
    }

    /// Turns comments on a published media of the account on (`enabled` true) or off.
    ///
    /// Core: Publisher::set_comments_enabled
    pub async fn set_comments_enabled(
        &self,
        company_id: String,
        ig_user_id: String,
        media_id: String,
        enabled: bool,
    ) -> Result<()> {
        const WHAT: &str = "Publisher.set_comments_enabled";
        required("company_id", &company_id)?;
        required("ig_user_id", &ig_user_id)?;
        required("media_id", &media_id)?;
        self.inner
            .set_comments_enabled(
                &CompanyId::new(company_id),
                &IgUserId::new(ig_user_id),
                &MediaId::new(media_id),
                enabled,
            )
            .await
            .map_err(|e| sdk(WHAT, e))
    }
}
