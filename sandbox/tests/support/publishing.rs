//! Publishing helpers on [`Ctx`]: containers, status, publish, all on graph.facebook.com
//! with Alice's token unless told otherwise.

use instagraph_sandbox::SandboxConfig;
use serde_json::Value;

use super::{Ctx, Resp};

/// Every processing time zero: containers are `FINISHED` as soon as they exist.
pub fn instant() -> SandboxConfig {
    SandboxConfig {
        image_processing_ms: 0,
        video_processing_ms: 0,
        reel_processing_ms: 0,
        story_processing_ms: 0,
        carousel_processing_ms: 0,
        ..SandboxConfig::default()
    }
}

/// Processing times no wall clock reaches in a test: only `advance` finishes them.
pub fn slow() -> SandboxConfig {
    SandboxConfig {
        image_processing_ms: 10_000,
        video_processing_ms: 20_000,
        reel_processing_ms: 30_000,
        story_processing_ms: 40_000,
        carousel_processing_ms: 50_000,
        ..SandboxConfig::default()
    }
}

impl Ctx {
    /// `POST /{ig}/media`.
    pub async fn create(&self, ig: &str, token: &str, params: &[(&str, &str)]) -> Resp {
        self.post(&self.fb(&format!("{ig}/media")), token, params)
            .await
    }

    /// `POST /{ig}/media`, asserting success; the container id.
    pub async fn container(&self, ig: &str, token: &str, params: &[(&str, &str)]) -> String {
        let r = self.create(ig, token, params).await;
        assert_eq!(r.status, 200, "creating {params:?}: {:?}", r.body);
        r.body["id"].as_str().expect("container id").to_owned()
    }

    /// `GET /{container}?fields=id,status,status_code,video_status`.
    pub async fn status(&self, id: &str, token: &str) -> Value {
        let r = self
            .get(
                &self.fb(id),
                token,
                &[("fields", "id,status,status_code,video_status")],
            )
            .await;
        assert_eq!(r.status, 200, "{:?}", r.body);
        r.body
    }

    /// The container's `status_code`.
    pub async fn status_code(&self, id: &str, token: &str) -> String {
        self.status(id, token).await["status_code"]
            .as_str()
            .expect("status_code")
            .to_owned()
    }

    /// `POST /{ig}/media_publish?creation_id=`.
    pub async fn publish(&self, ig: &str, token: &str, creation_id: &str) -> Resp {
        self.post(
            &self.fb(&format!("{ig}/media_publish")),
            token,
            &[("creation_id", creation_id)],
        )
        .await
    }

    /// Publishes, asserting success; the media id.
    pub async fn published(&self, ig: &str, token: &str, creation_id: &str) -> String {
        let r = self.publish(ig, token, creation_id).await;
        assert_eq!(r.status, 200, "publishing {creation_id}: {:?}", r.body);
        r.body["id"].as_str().expect("media id").to_owned()
    }

    /// `GET /{media}` with `fields`.
    pub async fn media(&self, id: &str, token: &str, fields: &str) -> Resp {
        self.get(&self.fb(id), token, &[("fields", fields)]).await
    }

    /// The ids of a list edge's first page (`limit=100`).
    pub async fn edge_ids(&self, path: &str, token: &str) -> Vec<String> {
        let r = self
            .get(&self.fb(path), token, &[("fields", "id"), ("limit", "100")])
            .await;
        assert_eq!(r.status, 200, "{:?}", r.body);
        r.body["data"]
            .as_array()
            .expect("data")
            .iter()
            .map(|m| m["id"].as_str().expect("id").to_owned())
            .collect()
    }
}

/// The subcode inside an `ERROR` container's `status`.
pub fn error_subcode_of(status: &Value) -> Option<i64> {
    if status["status_code"] != "ERROR" {
        return None;
    }
    status["status"]
        .as_str()?
        .split(|c: char| !c.is_ascii_digit())
        .filter(|s| s.len() == 7)
        .find_map(|s| s.parse().ok())
}
