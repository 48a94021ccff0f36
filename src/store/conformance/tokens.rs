//! Token cases: the backend's upsert/list/expiry rules and the facade's sealing.

use super::{at, base_time, company, token_record, Fixture};
use crate::ids::TokenId;
use crate::store::{LoginKind, NewToken, SealingKey, StoreError, TokenKind};
use crate::AccessToken;

fn new_token(subject: &str, secret: &str) -> NewToken {
    NewToken {
        kind: TokenKind::User,
        login: LoginKind::Facebook,
        subject_id: subject.into(),
        token: AccessToken::new(secret),
        scopes: vec!["instagram_basic".into()],
        expires_at: Some(at(60)),
        issued_at: base_time(),
    }
}

/// A stored token reads back identical; an unknown id reads as `None`.
pub async fn token_put_and_get(f: &Fixture) {
    let b = f.backend();
    let acme = company("acme");
    let rec = token_record(&acme, "t1", TokenKind::User, "fb-1");
    let id = b.put_token(rec.clone()).await.expect("put");
    assert_eq!(id, TokenId::new("t1"));
    let got = b
        .get_token(&acme, &id)
        .await
        .expect("get")
        .expect("present");
    assert_eq!(got, rec);
    assert!(b
        .get_token(&acme, &TokenId::new("nope"))
        .await
        .expect("get")
        .is_none());
}

/// `find_token` matches kind, login and subject exactly.
pub async fn token_find_by_subject(f: &Fixture) {
    let b = f.backend();
    let acme = company("acme");
    b.put_token(token_record(&acme, "u", TokenKind::User, "42"))
        .await
        .expect("put");
    b.put_token(token_record(&acme, "p", TokenKind::Page, "42"))
        .await
        .expect("put");
    let user = b
        .find_token(&acme, TokenKind::User, LoginKind::Facebook, "42")
        .await
        .expect("find")
        .expect("present");
    assert_eq!(user.id.as_str(), "u");
    let page = b
        .find_token(&acme, TokenKind::Page, LoginKind::Facebook, "42")
        .await
        .expect("find")
        .expect("present");
    assert_eq!(page.id.as_str(), "p");
    for (kind, login, subject) in [
        (TokenKind::User, LoginKind::Instagram, "42"),
        (TokenKind::InstagramUser, LoginKind::Facebook, "42"),
        (TokenKind::User, LoginKind::Facebook, "43"),
    ] {
        assert!(b
            .find_token(&acme, kind, login, subject)
            .await
            .expect("find")
            .is_none());
    }
}

/// Upserting the same subject keeps the first id and `created_at`, replaces the rest.
pub async fn token_upsert_keeps_id(f: &Fixture) {
    let b = f.backend();
    let acme = company("acme");
    let first = token_record(&acme, "first", TokenKind::User, "fb-1");
    b.put_token(first.clone()).await.expect("put");
    let mut second = token_record(&acme, "second", TokenKind::User, "fb-1");
    second.sealed = crate::store::SealedSecret::from_stored("v1.testkey.newer".into());
    second.scopes = vec!["a".into(), "b".into(), "c".into()];
    second.expires_at = None;
    second.valid = false;
    second.issued_at = at(5);
    second.created_at = at(5);
    second.updated_at = at(5);
    let id = b.put_token(second.clone()).await.expect("upsert");
    assert_eq!(id.as_str(), "first", "upsert keeps the existing id");
    let all = b.list_tokens(&acme).await.expect("list");
    assert_eq!(all.len(), 1);
    let got = &all[0];
    assert_eq!(got.id.as_str(), "first");
    assert_eq!(got.sealed, second.sealed);
    assert_eq!(got.scopes, second.scopes);
    assert_eq!(got.expires_at, None);
    assert!(!got.valid);
    assert_eq!(got.issued_at, at(5));
    assert_eq!(got.created_at, base_time(), "created_at is kept");
    assert_eq!(got.updated_at, at(5));
    assert!(b
        .get_token(&acme, &TokenId::new("second"))
        .await
        .expect("get")
        .is_none());
}

/// An id reused by another subject of the company is a `Conflict`.
pub async fn token_id_conflict(f: &Fixture) {
    let b = f.backend();
    let acme = company("acme");
    b.put_token(token_record(&acme, "same", TokenKind::User, "fb-1"))
        .await
        .expect("put");
    let err = b
        .put_token(token_record(&acme, "same", TokenKind::User, "fb-2"))
        .await
        .expect_err("id reused by another subject");
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    // The same id in another tenant is a different row.
    b.put_token(token_record(
        &company("other"),
        "same",
        TokenKind::User,
        "fb-2",
    ))
    .await
    .expect("other tenant");
}

/// `list_tokens` is oldest first and tenant-scoped.
pub async fn token_list_ordered(f: &Fixture) {
    let b = f.backend();
    let acme = company("acme");
    for (i, id) in ["c", "a", "b"].iter().enumerate() {
        let mut r = token_record(&acme, id, TokenKind::Page, &format!("page-{id}"));
        r.created_at = at(i as i64);
        b.put_token(r).await.expect("put");
    }
    let ids: Vec<_> = b
        .list_tokens(&acme)
        .await
        .expect("list")
        .into_iter()
        .map(|t| t.id.into_inner())
        .collect();
    assert_eq!(ids, ["c", "a", "b"], "oldest first");
    assert!(b
        .list_tokens(&company("empty"))
        .await
        .expect("list")
        .is_empty());
}

/// `tokens_expiring_before` is strict, skips tokens without expiry, soonest first.
pub async fn token_expiring_before(f: &Fixture) {
    let b = f.backend();
    let acme = company("acme");
    let cases = [
        ("late", Some(30)),
        ("never", None),
        ("soon", Some(10)),
        ("edge", Some(20)),
    ];
    for (id, minutes) in cases {
        let mut r = token_record(&acme, id, TokenKind::Page, id);
        r.expires_at = minutes.map(at);
        r.valid = id != "soon";
        b.put_token(r).await.expect("put");
    }
    let ids: Vec<_> = b
        .tokens_expiring_before(&acme, at(20))
        .await
        .expect("expiring")
        .into_iter()
        .map(|t| t.id.into_inner())
        .collect();
    assert_eq!(
        ids,
        ["soon"],
        "strictly before, invalid included, no-expiry excluded"
    );
    let ids: Vec<_> = b
        .tokens_expiring_before(&acme, at(31))
        .await
        .expect("expiring")
        .into_iter()
        .map(|t| t.id.into_inner())
        .collect();
    assert_eq!(ids, ["soon", "edge", "late"], "soonest first");
}

/// `set_token_valid` flips the flag and reports unknown ids.
pub async fn token_set_valid(f: &Fixture) {
    let b = f.backend();
    let acme = company("acme");
    let id = b
        .put_token(token_record(&acme, "t", TokenKind::User, "s"))
        .await
        .expect("put");
    assert!(b.set_token_valid(&acme, &id, false).await.expect("set"));
    let got = b
        .get_token(&acme, &id)
        .await
        .expect("get")
        .expect("present");
    assert!(!got.valid);
    assert!(got.updated_at >= got.created_at);
    assert!(b.set_token_valid(&acme, &id, true).await.expect("set"));
    assert!(
        b.get_token(&acme, &id)
            .await
            .expect("get")
            .expect("present")
            .valid
    );
    assert!(!b
        .set_token_valid(&acme, &TokenId::new("missing"), false)
        .await
        .expect("set"));
}

/// `delete_token` removes once and reports whether it did.
pub async fn token_delete(f: &Fixture) {
    let b = f.backend();
    let acme = company("acme");
    let id = b
        .put_token(token_record(&acme, "t", TokenKind::User, "s"))
        .await
        .expect("put");
    assert!(b.delete_token(&acme, &id).await.expect("delete"));
    assert!(!b.delete_token(&acme, &id).await.expect("delete again"));
    assert!(b.get_token(&acme, &id).await.expect("get").is_none());
    assert!(b
        .find_token(&acme, TokenKind::User, LoginKind::Facebook, "s")
        .await
        .expect("find")
        .is_none());
}

/// The backend holds only sealed text; the facade opens it again.
pub async fn token_sealed_never_plaintext(f: &Fixture) {
    let store = f.store();
    let acme = company("acme");
    let secret = "EAAGplaintextTOKENvalue0123456789";
    let id = store
        .save_token(&acme, new_token("fb-1", secret))
        .await
        .expect("save");
    let raw = store
        .backend()
        .get_token(&acme, &id)
        .await
        .expect("get")
        .expect("present");
    assert_ne!(raw.sealed.as_str(), secret);
    assert!(!raw.sealed.as_str().contains(secret));
    assert!(!raw.sealed.as_str().contains("plaintext"));
    assert_eq!(raw.sealed.key_id(), Some(super::test_key().id()));
    assert!(!format!("{raw:?}").contains(secret));

    let (rec, token) = store
        .load_token(&acme, &id)
        .await
        .expect("load")
        .expect("present");
    assert_eq!(token.expose(), secret);
    assert_eq!(rec.id, id);
    assert!(rec.valid);
    let (_, found) = store
        .find_token_secret(&acme, TokenKind::User, LoginKind::Facebook, "fb-1")
        .await
        .expect("find")
        .expect("present");
    assert_eq!(found.expose(), secret);

    // Saving again for the same subject keeps the id and replaces the secret.
    let id2 = store
        .save_token(&acme, new_token("fb-1", "EAAGsecondTOKEN"))
        .await
        .expect("save again");
    assert_eq!(id2, id);
    let (_, token) = store
        .load_token(&acme, &id)
        .await
        .expect("load")
        .expect("present");
    assert_eq!(token.expose(), "EAAGsecondTOKEN");
    assert!(store
        .load_token(&acme, &TokenId::new("missing"))
        .await
        .expect("load")
        .is_none());
}

/// Another key, or a tampered row, gives `Crypto`; a previous key still opens.
pub async fn token_wrong_key_fails(f: &Fixture) {
    let store = f.store();
    let acme = company("acme");
    let id = store
        .save_token(&acme, new_token("fb-1", "EAAGsecret"))
        .await
        .expect("save");
    let other = f.store_with(SealingKey::generate());
    let err = other
        .load_token(&acme, &id)
        .await
        .expect_err("another key cannot open it");
    assert!(matches!(err, StoreError::Crypto), "{err:?}");
    // A sealer that knows the old key as a previous key still opens it (rotation).
    let rotated = crate::store::Store::with_sealer(
        f.backend(),
        crate::store::Sealer::new(SealingKey::generate()).with_previous_key(super::test_key()),
    );
    let (_, token) = rotated
        .load_token(&acme, &id)
        .await
        .expect("load")
        .expect("present");
    assert_eq!(token.expose(), "EAAGsecret");
    // A tampered row fails too.
    let mut rec = f
        .backend()
        .get_token(&acme, &id)
        .await
        .expect("get")
        .expect("present");
    let mut text = rec.sealed.into_inner();
    let last = text.pop().unwrap_or('A');
    text.push(if last == 'A' { 'B' } else { 'A' });
    rec.sealed = crate::store::SealedSecret::from_stored(text);
    f.backend().put_token(rec).await.expect("put tampered");
    let err = store.load_token(&acme, &id).await.expect_err("tampered");
    assert!(matches!(err, StoreError::Crypto), "{err:?}");
}

/// A sealed value copied to another tenant's or subject's row does not open.
pub async fn token_copied_row_fails_to_open(f: &Fixture) {
    let store = f.store();
    let (acme, evil) = (company("acme"), company("evil"));
    let id = store
        .save_token(&acme, new_token("fb-1", "EAAGacmeSecret"))
        .await
        .expect("save");
    let row = store
        .backend()
        .get_token(&acme, &id)
        .await
        .expect("get")
        .expect("present");

    // The sealed text copied into another company's row.
    let mut copied = row.clone();
    copied.company = evil.clone();
    let evil_id = store.backend().put_token(copied).await.expect("put copy");
    let err = store
        .load_token(&evil, &evil_id)
        .await
        .expect_err("copied to another tenant");
    assert!(matches!(err, StoreError::Crypto), "{err:?}");

    // ... or into another subject's row of the same company.
    let mut moved = row;
    moved.id = TokenId::new("moved");
    moved.subject_id = "fb-2".into();
    let moved_id = store.backend().put_token(moved).await.expect("put moved");
    let err = store
        .load_token(&acme, &moved_id)
        .await
        .expect_err("copied to another subject");
    assert!(matches!(err, StoreError::Crypto), "{err:?}");

    // The original still opens.
    assert!(store.load_token(&acme, &id).await.expect("load").is_some());
}

/// Blank tokens and subjects are refused before anything is stored.
pub async fn token_save_rejects_blank(f: &Fixture) {
    let store = f.store();
    let acme = company("acme");
    let err = store
        .save_token(&acme, new_token("fb-1", "   "))
        .await
        .expect_err("blank token");
    assert!(
        matches!(err, StoreError::InvalidInput { field: "token", .. }),
        "{err:?}"
    );
    let err = store
        .save_token(&acme, new_token("", "EAAG"))
        .await
        .expect_err("blank subject");
    assert!(matches!(err, StoreError::InvalidInput { .. }), "{err:?}");
    assert!(store
        .backend()
        .list_tokens(&acme)
        .await
        .expect("list")
        .is_empty());
}

/// Company B can neither read nor change company A's tokens.
pub async fn token_tenant_isolation(f: &Fixture) {
    let b = f.backend();
    let store = f.store();
    let (a, other) = (company("a"), company("b"));
    let id = store
        .save_token(&a, new_token("fb-1", "EAAGsecretOfA"))
        .await
        .expect("save");
    let before = b.get_token(&a, &id).await.expect("get").expect("present");

    assert!(b.get_token(&other, &id).await.expect("get").is_none());
    assert!(store.load_token(&other, &id).await.expect("load").is_none());
    assert!(b
        .find_token(&other, TokenKind::User, LoginKind::Facebook, "fb-1")
        .await
        .expect("find")
        .is_none());
    assert!(store
        .find_token_secret(&other, TokenKind::User, LoginKind::Facebook, "fb-1")
        .await
        .expect("find")
        .is_none());
    assert!(b.list_tokens(&other).await.expect("list").is_empty());
    assert!(b
        .tokens_expiring_before(&other, at(100_000))
        .await
        .expect("expiring")
        .is_empty());
    assert!(!b.set_token_valid(&other, &id, false).await.expect("set"));
    assert!(!b.delete_token(&other, &id).await.expect("delete"));

    // B saving a token for the same subject creates B's own row and leaves A's alone.
    let b_id = store
        .save_token(&other, new_token("fb-1", "EAAGsecretOfB"))
        .await
        .expect("save b");
    let after = b.get_token(&a, &id).await.expect("get").expect("present");
    assert_eq!(after, before, "A's row is untouched");
    let (_, ta) = store.load_token(&a, &id).await.expect("load").expect("a");
    let (_, tb) = store
        .load_token(&other, &b_id)
        .await
        .expect("load")
        .expect("b");
    assert_eq!(ta.expose(), "EAAGsecretOfA");
    assert_eq!(tb.expose(), "EAAGsecretOfB");
}
