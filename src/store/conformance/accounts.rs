//! Account cases: upsert counts and refresh, flags, assignment, removal, isolation, concurrency.

use super::{company, ig_ids, new_account, token_record, Fixture};
use crate::ids::{AgencyClientId, FacebookUserId, IgUserId, PageId, TokenId};
use crate::store::{AccountQuery, AccountSource, LoginKind, TokenKind, UpsertOutcome};

fn outcome(inserted: u64, ignored: u64) -> UpsertOutcome {
    UpsertOutcome { inserted, ignored }
}

/// Upsert counts inserted and ignored rows; new rows are not added, unassigned.
pub async fn account_upsert_counts(f: &Fixture) {
    let b = f.backend();
    let acme = company("acme");
    let got = b
        .upsert_accounts(&acme, vec![new_account("1"), new_account("2")])
        .await
        .expect("upsert");
    assert_eq!(got, outcome(2, 0));
    let got = b
        .upsert_accounts(&acme, vec![new_account("2"), new_account("3")])
        .await
        .expect("upsert");
    assert_eq!(got, outcome(1, 1));
    assert_eq!(
        b.upsert_accounts(&acme, vec![]).await.expect("empty"),
        outcome(0, 0)
    );
    let page = b
        .query_accounts(&acme, &AccountQuery::new())
        .await
        .expect("query");
    assert_eq!(page.total, 3);
    for a in &page.items {
        assert!(!a.is_added, "new accounts are not added");
        assert_eq!(a.assigned_client_id, None, "new accounts are unassigned");
        assert_eq!(a.company, acme);
        if a.ig_user_id.as_str() != "2" {
            assert_eq!(a.created_at, a.updated_at, "untouched since insert");
        }
    }
}

/// Repeats inside one batch count as ignored and refresh metadata.
pub async fn account_upsert_duplicates_in_batch(f: &Fixture) {
    let b = f.backend();
    let acme = company("acme");
    let mut later = new_account("1");
    later.followers_count = Some(999);
    let got = b
        .upsert_accounts(
            &acme,
            vec![new_account("1"), new_account("2"), later, new_account("2")],
        )
        .await
        .expect("upsert");
    assert_eq!(got, outcome(2, 2));
    let one = b
        .get_account(&acme, &IgUserId::new("1"))
        .await
        .expect("get")
        .expect("present");
    assert_eq!(
        one.followers_count,
        Some(999),
        "later duplicates refresh metadata"
    );
    let page = b
        .query_accounts(&acme, &AccountQuery::new())
        .await
        .expect("query");
    assert_eq!(page.total, 2);
}

/// A duplicate refreshes profile metadata and token id, nothing else.
pub async fn account_upsert_refreshes_metadata(f: &Fixture) {
    let b = f.backend();
    let acme = company("acme");
    let mut first = new_account("1");
    first.facebook_user_id = Some(FacebookUserId::new("fb-1"));
    first.page_id = Some(PageId::new("page-1"));
    first.client_id = Some(AgencyClientId::new("client-x"));
    first.token_id = Some(TokenId::new("tok-1"));
    b.upsert_accounts(&acme, vec![first]).await.expect("upsert");
    b.set_added(&acme, &ig_ids(&["1"]), true)
        .await
        .expect("add");
    b.assign_client(&acme, Some(&AgencyClientId::new("c1")), &ig_ids(&["1"]))
        .await
        .expect("assign");
    let before = b
        .get_account(&acme, &IgUserId::new("1"))
        .await
        .expect("get")
        .expect("present");
    tokio::time::sleep(std::time::Duration::from_millis(3)).await;

    let refreshed = crate::store::NewAccount {
        username: Some("renamed".into()),
        name: None,
        profile_picture_url: Some("https://cdn.example/new.jpg".into()),
        followers_count: Some(5000),
        account_type: Some("MEDIA_CREATOR".into()),
        token_id: Some(TokenId::new("tok-2")),
        facebook_user_id: Some(FacebookUserId::new("fb-2")),
        page_id: None,
        business_id: None,
        client_id: None,
        ..crate::store::NewAccount::new(IgUserId::new("1"), AccountSource::BusinessOwned)
    };
    let got = b
        .upsert_accounts(&acme, vec![refreshed])
        .await
        .expect("upsert");
    assert_eq!(got, outcome(0, 1));
    let after = b
        .get_account(&acme, &IgUserId::new("1"))
        .await
        .expect("get")
        .expect("present");
    assert_eq!(after.username.as_deref(), Some("renamed"));
    assert_eq!(after.name, before.name, "None keeps the stored value");
    assert_eq!(
        after.profile_picture_url.as_deref(),
        Some("https://cdn.example/new.jpg")
    );
    assert_eq!(after.followers_count, Some(5000));
    assert_eq!(after.account_type.as_deref(), Some("MEDIA_CREATOR"));
    assert_eq!(after.token_id, Some(TokenId::new("tok-2")));
    // Ownership fields are left alone.
    assert!(after.is_added);
    assert_eq!(after.assigned_client_id, Some(AgencyClientId::new("c1")));
    assert_eq!(after.facebook_user_id, Some(FacebookUserId::new("fb-1")));
    assert_eq!(after.page_id, Some(PageId::new("page-1")));
    assert_eq!(after.client_id, Some(AgencyClientId::new("client-x")));
    assert_eq!(after.source, AccountSource::PageLinked);
    assert_eq!(after.created_at, before.created_at);
    assert!(after.updated_at > before.updated_at);
    // Search sees the new username.
    let page = b
        .query_accounts(&acme, &AccountQuery::new().search("RENAMED"))
        .await
        .expect("query");
    assert_eq!(page.total, 1);
}

/// `get_account` returns every field as stored.
pub async fn account_get(f: &Fixture) {
    let b = f.backend();
    let acme = company("acme");
    let mut a = new_account("17841400000000001");
    a.facebook_user_id = Some(FacebookUserId::new("fb"));
    a.token_id = Some(TokenId::new("tok"));
    a.page_id = Some(PageId::new("pg"));
    a.business_id = Some(crate::ids::BusinessId::new("biz"));
    a.client_id = Some(AgencyClientId::new("cl"));
    a.source = AccountSource::BusinessClient;
    b.upsert_accounts(&acme, vec![a.clone()])
        .await
        .expect("upsert");
    let got = b
        .get_account(&acme, &a.ig_user_id)
        .await
        .expect("get")
        .expect("present");
    let expected = a.into_record(acme.clone(), got.created_at);
    assert_eq!(got, expected);
    assert!(b
        .get_account(&acme, &IgUserId::new("missing"))
        .await
        .expect("get")
        .is_none());
}

/// `set_added` counts only rows that changed.
pub async fn account_set_added_counts(f: &Fixture) {
    let b = f.backend();
    let acme = company("acme");
    b.upsert_accounts(
        &acme,
        vec![new_account("1"), new_account("2"), new_account("3")],
    )
    .await
    .expect("upsert");
    let n = b
        .set_added(&acme, &ig_ids(&["1", "2", "2", "missing"]), true)
        .await
        .expect("add");
    assert_eq!(n, 2, "repeated and unknown ids do not count");
    let n = b
        .set_added(&acme, &ig_ids(&["1", "3"]), true)
        .await
        .expect("add");
    assert_eq!(n, 1, "already added does not count");
    assert_eq!(b.set_added(&acme, &[], true).await.expect("none"), 0);
    let added = b
        .query_accounts(&acme, &AccountQuery::new().is_added(true))
        .await
        .expect("query");
    assert_eq!(added.total, 3);
    let n = b
        .set_added(&acme, &ig_ids(&["2"]), false)
        .await
        .expect("remove flag");
    assert_eq!(n, 1);
    let got = b
        .get_account(&acme, &IgUserId::new("2"))
        .await
        .expect("get")
        .expect("present");
    assert!(!got.is_added);
}

/// `assign_client` assigns, reassigns and unassigns, counting changes.
pub async fn account_assign_and_unassign(f: &Fixture) {
    let b = f.backend();
    let acme = company("acme");
    b.upsert_accounts(
        &acme,
        vec![new_account("1"), new_account("2"), new_account("3")],
    )
    .await
    .expect("upsert");
    let (c1, c2) = (AgencyClientId::new("c1"), AgencyClientId::new("c2"));
    assert_eq!(
        b.assign_client(&acme, Some(&c1), &ig_ids(&["1", "2", "x"]))
            .await
            .expect("assign"),
        2
    );
    assert_eq!(
        b.assign_client(&acme, Some(&c1), &ig_ids(&["1"]))
            .await
            .expect("same again"),
        0
    );
    assert_eq!(
        b.assign_client(&acme, Some(&c2), &ig_ids(&["2", "3"]))
            .await
            .expect("reassign"),
        2
    );
    let get = |id: &'static str| {
        let b = b.clone();
        let acme = acme.clone();
        async move {
            b.get_account(&acme, &IgUserId::new(id))
                .await
                .expect("get")
                .expect("present")
                .assigned_client_id
        }
    };
    assert_eq!(get("1").await, Some(c1.clone()));
    assert_eq!(get("2").await, Some(c2.clone()));
    assert_eq!(get("3").await, Some(c2.clone()));
    assert_eq!(
        b.assign_client(&acme, None, &ig_ids(&["2", "1"]))
            .await
            .expect("unassign"),
        2
    );
    assert_eq!(
        b.assign_client(&acme, None, &ig_ids(&["2"]))
            .await
            .expect("unassign again"),
        0
    );
    assert_eq!(get("1").await, None);
    assert_eq!(get("2").await, None);
    assert_eq!(get("3").await, Some(c2));
}

/// `remove_account` removes once; the account can be discovered again.
pub async fn account_remove(f: &Fixture) {
    let b = f.backend();
    let acme = company("acme");
    b.upsert_accounts(&acme, vec![new_account("1"), new_account("2")])
        .await
        .expect("upsert");
    assert!(b
        .remove_account(&acme, &IgUserId::new("1"))
        .await
        .expect("remove"));
    assert!(!b
        .remove_account(&acme, &IgUserId::new("1"))
        .await
        .expect("remove again"));
    assert!(b
        .get_account(&acme, &IgUserId::new("1"))
        .await
        .expect("get")
        .is_none());
    assert!(b
        .get_account(&acme, &IgUserId::new("2"))
        .await
        .expect("get")
        .is_some());
    // Removed accounts can be discovered again, as new.
    let got = b
        .upsert_accounts(&acme, vec![new_account("1")])
        .await
        .expect("upsert");
    assert_eq!(got, outcome(1, 0));
}

/// `remove_accounts_of_user` removes exactly that user's accounts.
pub async fn account_remove_of_user(f: &Fixture) {
    let b = f.backend();
    let acme = company("acme");
    let with_user = |id: &str, user: Option<&str>| {
        let mut a = new_account(id);
        a.facebook_user_id = user.map(FacebookUserId::new);
        a
    };
    b.upsert_accounts(
        &acme,
        vec![
            with_user("1", Some("u1")),
            with_user("2", Some("u1")),
            with_user("3", Some("u2")),
            with_user("4", None),
        ],
    )
    .await
    .expect("upsert");
    let n = b
        .remove_accounts_of_user(&acme, &FacebookUserId::new("u1"))
        .await
        .expect("remove");
    assert_eq!(n, 2);
    assert_eq!(
        b.remove_accounts_of_user(&acme, &FacebookUserId::new("u1"))
            .await
            .expect("again"),
        0
    );
    let left: Vec<_> = b
        .query_accounts(&acme, &AccountQuery::new())
        .await
        .expect("query")
        .items
        .into_iter()
        .map(|a| a.ig_user_id.into_inner())
        .collect();
    let mut left = left;
    left.sort();
    assert_eq!(left, ["3", "4"]);
}

/// `remove_accounts_of_user` leaves the rows another connection holds: an account reconnected
/// through Instagram Login and one shared with another Facebook user (its token is that user's),
/// while the user's own rows go, whatever their token (the user's, a Page's, none, a missing one).
pub async fn account_remove_of_user_keeps_other_connections(f: &Fixture) {
    let b = f.backend();
    let acme = company("acme");
    let mut instagram = token_record(&acme, "t-ig", TokenKind::InstagramUser, "ig-3");
    instagram.login = LoginKind::Instagram;
    for token in [
        token_record(&acme, "t-u1", TokenKind::User, "u1"),
        token_record(&acme, "t-u2", TokenKind::User, "u2"),
        token_record(&acme, "t-page", TokenKind::Page, "page-1"),
        instagram,
    ] {
        b.put_token(token).await.expect("put token");
    }
    let row = |id: &str, user: &str, token: Option<&str>| {
        let mut a = new_account(id);
        a.facebook_user_id = Some(FacebookUserId::new(user));
        a.token_id = token.map(TokenId::new);
        a
    };
    b.upsert_accounts(
        &acme,
        vec![
            row("1", "u1", Some("t-page")),
            row("2", "u1", Some("t-u1")),
            row("3", "u1", Some("t-ig")),
            row("4", "u1", Some("t-u2")),
            row("5", "u1", None),
            row("6", "u1", Some("t-deleted")),
            row("7", "u2", Some("t-page")),
        ],
    )
    .await
    .expect("upsert");
    // The same token ids in another company do not count for acme.
    let other = company("other");
    b.put_token(token_record(&other, "t-page", TokenKind::User, "u9"))
        .await
        .expect("put other");

    let removed = b
        .remove_accounts_of_user(&acme, &FacebookUserId::new("u1"))
        .await
        .expect("remove");
    assert_eq!(removed, 4, "the rows of u1's own connection");
    let mut left: Vec<_> = b
        .query_accounts(&acme, &AccountQuery::new())
        .await
        .expect("query")
        .items
        .into_iter()
        .map(|a| a.ig_user_id.into_inner())
        .collect();
    left.sort();
    assert_eq!(
        left,
        ["3", "4", "7"],
        "reconnected through Instagram Login (3), shared with u2 (4), u2's own (7)"
    );
    let kept = b
        .get_account(&acme, &IgUserId::new("4"))
        .await
        .expect("get")
        .expect("kept");
    assert_eq!(kept.token_id, Some(TokenId::new("t-u2")));
}

/// Company B can neither read nor change company A's accounts.
pub async fn account_tenant_isolation(f: &Fixture) {
    let b = f.backend();
    let (a, other) = (company("a"), company("b"));
    let mut acc = new_account("1");
    acc.facebook_user_id = Some(FacebookUserId::new("u1"));
    b.upsert_accounts(&a, vec![acc.clone()])
        .await
        .expect("upsert a");
    b.set_added(&a, &ig_ids(&["1"]), true).await.expect("add");
    let snapshot = b
        .get_account(&a, &IgUserId::new("1"))
        .await
        .expect("get")
        .expect("present");

    assert!(b
        .get_account(&other, &IgUserId::new("1"))
        .await
        .expect("get")
        .is_none());
    let page = b
        .query_accounts(&other, &AccountQuery::new())
        .await
        .expect("query");
    assert_eq!(page.total, 0);
    assert!(page.items.is_empty());
    assert_eq!(
        b.set_added(&other, &ig_ids(&["1"]), false)
            .await
            .expect("set_added"),
        0
    );
    assert_eq!(
        b.assign_client(&other, Some(&AgencyClientId::new("c")), &ig_ids(&["1"]))
            .await
            .expect("assign"),
        0
    );
    assert!(!b
        .remove_account(&other, &IgUserId::new("1"))
        .await
        .expect("remove"));
    assert_eq!(
        b.remove_accounts_of_user(&other, &FacebookUserId::new("u1"))
            .await
            .expect("remove of user"),
        0
    );
    // The same Instagram account connected by B is B's own row, counted as new.
    let mut b_acc = acc;
    b_acc.username = Some("b_sees_this".into());
    assert_eq!(
        b.upsert_accounts(&other, vec![b_acc])
            .await
            .expect("upsert b"),
        outcome(1, 0)
    );
    let after = b
        .get_account(&a, &IgUserId::new("1"))
        .await
        .expect("get")
        .expect("present");
    assert_eq!(after, snapshot, "A's row is untouched by everything B did");
    let b_row = b
        .get_account(&other, &IgUserId::new("1"))
        .await
        .expect("get")
        .expect("present");
    assert!(!b_row.is_added);
    assert_eq!(b_row.username.as_deref(), Some("b_sees_this"));
}

/// 8 concurrent writers: every account present, counts exact.
pub async fn account_concurrent_upserts(f: &Fixture) {
    let acme = company("acme");
    let mut tasks = Vec::new();
    for t in 0..8u32 {
        let b = f.backend();
        let acme = acme.clone();
        tasks.push(tokio::spawn(async move {
            let mut total = UpsertOutcome::default();
            for round in 0..5u32 {
                // Each task has 4 accounts of its own per round, plus 2 shared by every task.
                let mut batch: Vec<_> = (0..4)
                    .map(|i| new_account(&format!("t{t}-r{round}-{i}")))
                    .collect();
                batch.push(new_account(&format!("shared-{round}-a")));
                batch.push(new_account(&format!("shared-{round}-b")));
                let got = b.upsert_accounts(&acme, batch).await.expect("upsert");
                total.inserted += got.inserted;
                total.ignored += got.ignored;
            }
            total
        }));
    }
    let mut total = UpsertOutcome::default();
    for task in tasks {
        let got = task.await.expect("task");
        total.inserted += got.inserted;
        total.ignored += got.ignored;
    }
    let distinct = 8 * 5 * 4 + 5 * 2;
    assert_eq!(
        total.inserted, distinct,
        "every distinct account inserted once"
    );
    assert_eq!(total.ignored, 8 * 5 * 6 - distinct);
    let page = f
        .backend()
        .query_accounts(&acme, &AccountQuery::new().limit(500))
        .await
        .expect("query");
    assert_eq!(page.total, distinct);
    assert_eq!(page.items.len() as u64, distinct);
}
