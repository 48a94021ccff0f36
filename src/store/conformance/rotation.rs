//! Key rotation cases: finding rows sealed with an older key, replacing a sealed secret only if
//! unchanged, and [`crate::store::Store::reseal_tokens`] end to end.
//!
//! Both backend methods are optional ([`crate::store::TokenStore::tokens_sealed_without_key`]
//! and [`crate::store::TokenStore::replace_sealed`] default to `Unsupported`); on a backend
//! that keeps the defaults these cases check only that it says so.

use super::{base_time, company, test_key, token_record, Fixture};
use crate::ids::{CompanyId, TokenId};
use crate::store::{
    LoginKind, NewToken, SealedSecret, Sealer, SealingKey, Store, StoreError, TokenKind,
};
use crate::AccessToken;

fn sealed(key_id: &str, body: &str) -> SealedSecret {
    SealedSecret::from_stored(format!("v1.{key_id}.{body}"))
}

/// True (and the case should stop) when the backend keeps the optional defaults.
fn unsupported<T: std::fmt::Debug>(result: &Result<T, StoreError>) -> bool {
    matches!(result, Err(StoreError::Unsupported(_)))
}

/// Rows under another key (or malformed) are listed across tenants in `(company, id)` order,
/// in batches after a cursor; `replace_sealed` swaps only an unchanged secret and only in its
/// tenant.
pub async fn rotation_listing_and_replace(f: &Fixture) {
    let b = f.backend();
    let (acme, globex) = (company("acme"), company("globex"));
    let rows = [
        (&globex, "g2", "oldkey01", TokenKind::User),
        (&acme, "a2", "oldkey01", TokenKind::Page),
        (&acme, "a1", "newkey01", TokenKind::User),
        (&acme, "a3", "otherkey", TokenKind::InstagramUser),
        (&globex, "g1", "newkey01", TokenKind::Page),
        (&acme, "a0", "", TokenKind::Page),
    ];
    for (tenant, id, key, kind) in rows {
        let mut r = token_record(tenant, id, kind, &format!("subject-{id}"));
        r.sealed = if key.is_empty() {
            SealedSecret::from_stored("malformed".into())
        } else {
            sealed(key, &format!("body-{id}"))
        };
        b.put_token(r).await.expect("put");
    }
    let first = b.tokens_sealed_without_key("newkey01", None, 2).await;
    if unsupported(&first) {
        return;
    }
    let ids = |v: Vec<crate::store::TokenRecord>| -> Vec<(String, String)> {
        v.into_iter()
            .map(|t| (t.company.into_inner(), t.id.into_inner()))
            .collect()
    };
    let pair = |c: &str, i: &str| (c.to_owned(), i.to_owned());
    assert_eq!(
        ids(first.expect("list")),
        [pair("acme", "a0"), pair("acme", "a2")],
        "other keys and malformed rows, (company, id) order, limited"
    );
    let (cursor_c, cursor_i) = (company("acme"), TokenId::new("a2"));
    let rest = b
        .tokens_sealed_without_key("newkey01", Some((&cursor_c, &cursor_i)), 10)
        .await
        .expect("list");
    assert_eq!(
        ids(rest),
        [pair("acme", "a3"), pair("globex", "g2")],
        "strictly after the cursor, across tenants"
    );
    let err = b
        .tokens_sealed_without_key("newkey01", None, 501)
        .await
        .expect_err("limit");
    assert!(
        matches!(err, StoreError::InvalidInput { field: "limit", .. }),
        "{err:?}"
    );

    // Compare and swap: a stale expectation, another tenant, or an unknown id change nothing.
    let a2 = TokenId::new("a2");
    let old = sealed("oldkey01", "body-a2");
    let new = sealed("newkey01", "body-a2-resealed");
    let before = b.get_token(&acme, &a2).await.expect("get").expect("a2");
    assert!(!b
        .replace_sealed(&acme, &a2, &sealed("oldkey01", "stale"), new.clone())
        .await
        .expect("stale"));
    assert!(!b
        .replace_sealed(&globex, &a2, &old, new.clone())
        .await
        .expect("other tenant"));
    assert!(!b
        .replace_sealed(&acme, &TokenId::new("nope"), &old, new.clone())
        .await
        .expect("unknown"));
    assert_eq!(
        b.get_token(&acme, &a2).await.expect("get"),
        Some(before.clone())
    );
    assert!(b
        .replace_sealed(&acme, &a2, &old, new.clone())
        .await
        .expect("swap"));
    let after = b.get_token(&acme, &a2).await.expect("get").expect("a2");
    assert_eq!(after.sealed, new);
    assert_eq!(
        crate::store::TokenRecord {
            sealed: before.sealed.clone(),
            ..after
        },
        before,
        "only the sealed secret changes"
    );
    let left: Vec<_> = b
        .tokens_sealed_without_key("newkey01", None, 0)
        .await
        .expect("list")
        .into_iter()
        .map(|t| t.id.into_inner())
        .collect();
    assert_eq!(left, ["a0", "a3", "g2"]);
}

fn new_token(subject: &str, secret: &str) -> NewToken {
    NewToken {
        kind: TokenKind::User,
        login: LoginKind::Facebook,
        subject_id: subject.into(),
        token: AccessToken::new(secret),
        scopes: vec!["instagram_basic".into()],
        expires_at: None,
        issued_at: base_time(),
    }
}

/// Rotation end to end: tokens saved under key 1; key 2 added as current (key 1 kept to
/// open); reads work before and after resealing; afterwards every row is under key 2 and a
/// store with key 2 alone reads them all; a second run finds nothing.
pub async fn rotation_reseal_end_to_end(f: &Fixture) {
    let key1 = test_key();
    let key2 = SealingKey::from_bytes([9; 32]);
    let old = f.store();
    let tenants: Vec<CompanyId> = ["acme", "globex", "initech"]
        .into_iter()
        .map(company)
        .collect();
    let mut saved = Vec::new();
    for (t, tenant) in tenants.iter().enumerate() {
        for i in 0..4 {
            let secret = format!("EAAG-rotate-{t}-{i}");
            let id = old
                .save_token(tenant, new_token(&format!("fb-{t}-{i}"), &secret))
                .await
                .expect("save under key 1");
            saved.push((tenant.clone(), id, secret));
        }
    }
    let rotated = Store::with_sealer(
        f.backend(),
        Sealer::new(key2.clone()).with_previous_key(key1.clone()),
    );
    for (tenant, id, secret) in &saved {
        let (_, token) = rotated
            .load_token(tenant, id)
            .await
            .expect("load")
            .expect("present");
        assert_eq!(token.expose(), secret, "old rows read with the new sealer");
    }
    // A new write uses key 2 at once.
    let fresh_id = rotated
        .save_token(&tenants[0], new_token("fb-new", "EAAG-fresh"))
        .await
        .expect("save under key 2");
    let fresh = f
        .backend()
        .get_token(&tenants[0], &fresh_id)
        .await
        .expect("get")
        .expect("present");
    assert_eq!(fresh.sealed.key_id(), Some(key2.id()));

    let report = rotated.reseal_tokens(5).await;
    if unsupported(&report) {
        return;
    }
    let report = report.expect("reseal");
    assert_eq!(report.found, 12);
    assert_eq!(report.resealed, 12);
    assert_eq!((report.changed, report.unreadable), (0, 0));
    for tenant in &tenants {
        for t in f.backend().list_tokens(tenant).await.expect("list") {
            assert_eq!(t.sealed.key_id(), Some(key2.id()), "{t:?}");
        }
    }
    let only_new = f.store_with(key2);
    for (tenant, id, secret) in &saved {
        let (_, token) = only_new
            .load_token(tenant, id)
            .await
            .expect("load with key 2 alone")
            .expect("present");
        assert_eq!(token.expose(), secret);
    }
    let again = rotated.reseal_tokens(0).await.expect("second run");
    assert_eq!(again.found, 0, "nothing left under key 1");
    // A row no configured key opens is reported, not lost.
    let mut stray = token_record(&tenants[1], "stray", TokenKind::Page, "page-stray");
    stray.sealed = sealed("deadbeef", "unknown-key");
    f.backend().put_token(stray).await.expect("put");
    let report = rotated.reseal_tokens(0).await.expect("reseal");
    assert_eq!((report.found, report.unreadable), (1, 1));
}
