//! The resumable upload host: bytes in one or several POSTs, a wrong offset, a resume after a
//! cut connection, `file_url`, and authentication.

mod support;

use instagraph_sandbox::{Faults, Login};
use sha2::{Digest, Sha256};
use support::*;

/// A resumable container; returns (id, uri).
async fn resumable(ctx: &Ctx, t: &str, params: &[(&str, &str)]) -> (String, String) {
    let mut p = vec![("upload_type", "resumable")];
    p.extend_from_slice(params);
    let r = ctx.create(IG_BAKERY, t, &p).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let id = r.body["id"].as_str().expect("id").to_owned();
    let uri = r.body["uri"].as_str().expect("uri").to_owned();
    (id, uri)
}

fn bytes(n: usize) -> Vec<u8> {
    (0..n).map(|i| (i * 31 % 251) as u8).collect()
}

fn sha(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

async fn upload(
    ctx: &Ctx,
    uri: &str,
    token: &str,
    offset: usize,
    file_size: usize,
    body: Vec<u8>,
) -> Resp {
    ctx.send(
        ctx.http
            .post(uri)
            .header("Authorization", format!("OAuth {token}"))
            .header("offset", offset.to_string())
            .header("file_size", file_size.to_string())
            .body(body),
    )
    .await
}

async fn upload_state(ctx: &Ctx, uri: &str, token: &str) -> Resp {
    ctx.send(
        ctx.http
            .get(uri)
            .header("Authorization", format!("OAuth {token}")),
    )
    .await
}

#[tokio::test]
async fn a_reel_uploaded_in_two_parts_with_a_wrong_offset_between() {
    let ctx = Ctx::with_config(slow()).await;
    let t = ctx.alice();
    let (id, uri) = resumable(
        &ctx,
        &t,
        &[("media_type", "REELS"), ("caption", "Uploaded")],
    )
    .await;
    assert_eq!(
        uri,
        format!(
            "{}/rupload.facebook.com/ig-api-upload/v24.0/{id}",
            ctx.sb.base_url()
        )
    );
    let s = ctx.status(&id, &t).await;
    assert_eq!(s["status_code"], "IN_PROGRESS");
    assert_eq!(
        s["video_status"]["uploading_phase"]["status"],
        "not_started"
    );

    let data = bytes(300_000);
    let state = upload_state(&ctx, &uri, &t).await;
    assert_eq!(state.status, 200);
    assert_eq!(state.body["offset"], 0);

    let r = upload(&ctx, &uri, &t, 0, data.len(), data[..100_000].to_vec()).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["success"], true);
    let state = upload_state(&ctx, &uri, &t).await;
    assert_eq!(state.body["offset"], 100_000);
    assert_eq!(state.body["file_size"], 300_000);
    assert_eq!(ctx.sb.upload_state(&id).map(|u| u.offset), Some(100_000));
    // Still waiting for bytes: processing has not started, even after a long while.
    ctx.advance(3600).await;
    let s = ctx.status(&id, &t).await;
    assert_eq!(s["status_code"], "IN_PROGRESS");
    assert_eq!(
        s["video_status"]["uploading_phase"]["status"],
        "in_progress"
    );
    assert_eq!(
        s["video_status"]["uploading_phase"]["bytes_transferred"],
        100_000
    );

    // A POST from the wrong offset is refused and tells the right one.
    let r = upload(&ctx, &uri, &t, 50_000, data.len(), data[50_000..].to_vec()).await;
    assert_eq!(r.status, 400);
    assert_eq!(r.body["debug_info"]["retriable"], true);
    assert_eq!(r.body["debug_info"]["type"], "ProcessingFailedError");
    assert!(r.body["debug_info"]["message"]
        .as_str()
        .is_some_and(|m| m.contains("expected offset 100000")));
    // More bytes than file_size.
    let mut extra = data[100_000..].to_vec();
    extra.push(0);
    let r = upload(&ctx, &uri, &t, 100_000, data.len(), extra).await;
    assert_eq!(r.status, 400);
    assert_eq!(r.body["debug_info"]["retriable"], false);

    let r = upload(
        &ctx,
        &uri,
        &t,
        100_000,
        data.len(),
        data[100_000..].to_vec(),
    )
    .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["message"], "Upload successful.");
    let up = ctx.sb.upload_state(&id).expect("state");
    assert!(up.complete);
    assert_eq!(up.sha256.as_deref(), Some(sha(&data).as_str()));
    // Processing starts with the last byte: 30 s for a reel.
    assert_eq!(ctx.status_code(&id, &t).await, "IN_PROGRESS");
    ctx.advance(30).await;
    assert_eq!(ctx.status_code(&id, &t).await, "FINISHED");
    let media = ctx.published(IG_BAKERY, &t, &id).await;
    let m = ctx
        .media(&media, &t, "media_type,media_product_type,caption")
        .await;
    assert_eq!(m.body["media_product_type"], "REELS");
    assert_eq!(m.body["caption"], "Uploaded");
    // A published container takes no more bytes.
    let r = upload(&ctx, &uri, &t, 0, data.len(), Vec::new()).await;
    assert_eq!(r.status, 400);
}

#[tokio::test]
async fn a_cut_upload_resumes_from_the_bytes_received() {
    let ctx = Ctx::with_config(instant()).await;
    let t = ctx.alice();
    let (id, uri) = resumable(&ctx, &t, &[("media_type", "STORIES")]).await;
    ctx.sb.set_faults(Faults {
        upload_drop_after_bytes: Some(70_000),
        ..Faults::default()
    });
    let data = bytes(200_000);
    let sent = ctx
        .http
        .post(&uri)
        .header("Authorization", format!("OAuth {t}"))
        .header("offset", "0")
        .header("file_size", data.len().to_string())
        .body(data.clone())
        .send()
        .await;
    assert!(sent.is_err(), "the connection should be cut: {sent:?}");
    let state = upload_state(&ctx, &uri, &t).await;
    assert_eq!(state.body["offset"], 70_000);
    // Once per container: the resume goes through although the fault is still set.
    let r = upload(&ctx, &uri, &t, 70_000, data.len(), data[70_000..].to_vec()).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let up = ctx.sb.upload_state(&id).expect("state");
    assert_eq!(up.offset, 200_000);
    assert_eq!(up.sha256.as_deref(), Some(sha(&data).as_str()));
    assert_eq!(ctx.status_code(&id, &t).await, "FINISHED");
    let media = ctx.published(IG_BAKERY, &t, &id).await;
    let m = ctx.media(&media, &t, "media_type,media_product_type").await;
    assert_eq!(m.body["media_type"], "VIDEO");
    assert_eq!(m.body["media_product_type"], "STORY");
}

#[tokio::test]
async fn file_url_instead_of_bytes() {
    let ctx = Ctx::with_config(instant()).await;
    let t = ctx.alice();
    let (id, uri) = resumable(
        &ctx,
        &t,
        &[("media_type", "VIDEO"), ("is_carousel_item", "true")],
    )
    .await;
    let r = ctx
        .send(
            ctx.http
                .post(&uri)
                .header("Authorization", format!("OAuth {t}"))
                .header("file_url", "https://cdn.example.com/clip.mp4?duration=20"),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["success"], true);
    assert_eq!(ctx.status_code(&id, &t).await, "FINISHED");
    let up = ctx.sb.upload_state(&id).expect("state");
    assert!(up.complete);
    assert_eq!(
        up.file_url.as_deref(),
        Some("https://cdn.example.com/clip.mp4?duration=20")
    );
    // Markers apply to file_url.
    let (bad, uri) = resumable(&ctx, &t, &[("media_type", "REELS")]).await;
    let r = ctx
        .send(
            ctx.http
                .post(&uri)
                .header("Authorization", format!("Bearer {t}"))
                .header("file_url", "https://cdn.example.com/clip.webm"),
        )
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(error_subcode_of(&ctx.status(&bad, &t).await), Some(2207026));
}

#[tokio::test]
async fn uploads_need_the_owners_token() {
    let ctx = Ctx::with_config(instant()).await;
    let t = ctx.alice();
    let (_, uri) = resumable(&ctx, &t, &[("media_type", "REELS")]).await;
    let no_auth = ctx.send(ctx.http.post(&uri).body(vec![1, 2, 3])).await;
    assert_eq!(no_auth.status, 401);
    assert_eq!(no_auth.body["debug_info"]["retriable"], false);
    let r = upload(&ctx, &uri, "EAAnotatoken", 0, 3, vec![1, 2, 3]).await;
    assert_eq!(r.status, 401);
    let bob = ctx.token(BOB, Login::Facebook, true, None);
    let r = upload(&ctx, &uri, &bob, 0, 3, vec![1, 2, 3]).await;
    assert_eq!(r.status, 400, "{:?}", r.body);
    // file_size is required with bytes.
    let r = ctx
        .send(
            ctx.http
                .post(&uri)
                .header("Authorization", format!("OAuth {t}"))
                .header("offset", "0")
                .body(vec![1, 2, 3]),
        )
        .await;
    assert_eq!(r.status, 400);
    // Not a resumable container.
    let plain = ctx
        .container(
            IG_BAKERY,
            &t,
            &[
                ("media_type", "REELS"),
                ("video_url", "https://cdn.example.com/a.mp4"),
            ],
        )
        .await;
    let plain_uri = uri
        .rsplit_once('/')
        .map(|(base, _)| format!("{base}/{plain}"))
        .expect("uri");
    let r = upload(&ctx, &plain_uri, &t, 0, 3, vec![1, 2, 3]).await;
    assert_eq!(r.status, 400);
    // The version is the request's.
    let r = ctx
        .post(
            &format!(
                "{}/graph.facebook.com/v22.0/{IG_BAKERY}/media",
                ctx.sb.base_url()
            ),
            &t,
            &[("media_type", "REELS"), ("upload_type", "resumable")],
        )
        .await;
    assert!(r.body["uri"]
        .as_str()
        .is_some_and(|u| u.contains("/ig-api-upload/v22.0/")));
}

#[tokio::test]
async fn a_big_body_is_streamed() {
    let ctx = Ctx::with_config(instant()).await;
    let t = ctx.alice();
    let (id, uri) = resumable(&ctx, &t, &[("media_type", "REELS")]).await;
    // Over the 16 MiB limit of ordinary requests.
    let data = vec![7u8; 24 * 1024 * 1024];
    let r = upload(&ctx, &uri, &t, 0, data.len(), data.clone()).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let up = ctx.sb.upload_state(&id).expect("state");
    assert_eq!(up.sha256.as_deref(), Some(sha(&data).as_str()));
    assert_eq!(ctx.status_code(&id, &t).await, "FINISHED");
}
