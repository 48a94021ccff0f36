//! Account listing cases: search, filters, every sort, pagination.

use std::cmp::Ordering;
use std::time::Duration;

use super::{company, ig_ids, new_account, Fixture};
use crate::ids::{AgencyClientId, FacebookUserId, IgUserId};
use crate::store::{
    AccountQuery, AccountRecord, AccountSortField, AccountSource, NewAccount, StoreError,
};

fn named(id: &str, username: Option<&str>, name: Option<&str>) -> NewAccount {
    NewAccount {
        username: username.map(str::to_owned),
        name: name.map(str::to_owned),
        ..NewAccount::new(IgUserId::new(id), AccountSource::PageLinked)
    }
}

fn ids(items: &[AccountRecord]) -> Vec<String> {
    items
        .iter()
        .map(|a| a.ig_user_id.as_str().to_owned())
        .collect()
}

fn sorted(v: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = v.iter().map(|s| (*s).to_owned()).collect();
    v.sort();
    v
}

/// Search is a case-insensitive (Unicode) substring of username or name.
pub async fn query_search_case_insensitive(f: &Fixture) {
    let b = f.backend();
    let acme = company("acme");
    b.upsert_accounts(
        &acme,
        vec![
            named("1", Some("Alpha.Studio"), Some("Alpha Studio")),
            named("2", Some("beta_shop"), Some("Beta Shop")),
            named("3", None, Some("Gamma ALPHA")),
            named("4", Some("delta"), Some("Café ÉCOLE")),
            named("5", None, None),
        ],
    )
    .await
    .expect("upsert");
    let search = |text: &'static str| {
        let b = b.clone();
        let acme = acme.clone();
        async move {
            let page = b
                .query_accounts(&acme, &AccountQuery::new().search(text))
                .await
                .expect("query");
            assert_eq!(page.total, page.items.len() as u64);
            let mut got = ids(&page.items);
            got.sort();
            got
        }
    };
    assert_eq!(search("alpha").await, sorted(&["1", "3"]));
    assert_eq!(search("ALPHA").await, sorted(&["1", "3"]));
    assert_eq!(search("  aLpHa ").await, sorted(&["1", "3"]), "trimmed");
    assert_eq!(search("shop").await, sorted(&["2"]));
    assert_eq!(
        search("école").await,
        sorted(&["4"]),
        "Unicode case folding"
    );
    assert_eq!(search("CAFÉ").await, sorted(&["4"]));
    assert_eq!(search("_").await, sorted(&["2"]), "no LIKE wildcards");
    assert_eq!(search("%").await, Vec::<String>::new());
    assert_eq!(search("zzz").await, Vec::<String>::new());
    assert_eq!(
        search("").await,
        sorted(&["1", "2", "3", "4", "5"]),
        "empty = all"
    );
}

/// The added, assigned, client and Facebook-user filters, alone and combined.
pub async fn query_filters(f: &Fixture) {
    let b = f.backend();
    let acme = company("acme");
    let with_user = |id: &str, user: &str| {
        let mut a = new_account(id);
        a.facebook_user_id = Some(FacebookUserId::new(user));
        a
    };
    b.upsert_accounts(
        &acme,
        vec![
            with_user("1", "u1"),
            with_user("2", "u1"),
            with_user("3", "u2"),
            with_user("4", "u2"),
            new_account("5"),
        ],
    )
    .await
    .expect("upsert");
    b.set_added(&acme, &ig_ids(&["1", "2", "3"]), true)
        .await
        .expect("add");
    let (c1, c2) = (AgencyClientId::new("c1"), AgencyClientId::new("c2"));
    b.assign_client(&acme, Some(&c1), &ig_ids(&["1", "4"]))
        .await
        .expect("assign");
    b.assign_client(&acme, Some(&c2), &ig_ids(&["2"]))
        .await
        .expect("assign");

    let run = |q: AccountQuery| {
        let b = b.clone();
        let acme = acme.clone();
        async move {
            let page = b.query_accounts(&acme, &q).await.expect("query");
            assert_eq!(page.total, page.items.len() as u64);
            let mut got = ids(&page.items);
            got.sort();
            got
        }
    };
    assert_eq!(
        run(AccountQuery::new()).await,
        sorted(&["1", "2", "3", "4", "5"])
    );
    assert_eq!(
        run(AccountQuery::new().is_added(true)).await,
        sorted(&["1", "2", "3"])
    );
    assert_eq!(
        run(AccountQuery::new().is_added(false)).await,
        sorted(&["4", "5"])
    );
    assert_eq!(
        run(AccountQuery::new().assigned(true)).await,
        sorted(&["1", "2", "4"])
    );
    assert_eq!(
        run(AccountQuery::new().assigned(false)).await,
        sorted(&["3", "5"])
    );
    assert_eq!(
        run(AccountQuery::new().client(c1.clone())).await,
        sorted(&["1", "4"])
    );
    assert_eq!(run(AccountQuery::new().client(c2)).await, sorted(&["2"]));
    assert_eq!(
        run(AccountQuery::new().client(AgencyClientId::new("nobody"))).await,
        Vec::<String>::new()
    );
    assert_eq!(
        run(AccountQuery::new().facebook_user(FacebookUserId::new("u1"))).await,
        sorted(&["1", "2"])
    );
    assert_eq!(
        run(AccountQuery::new()
            .facebook_user(FacebookUserId::new("u2"))
            .is_added(true))
        .await,
        sorted(&["3"])
    );
    assert_eq!(
        run(AccountQuery::new()
            .client(c1)
            .is_added(true)
            .search("USER_1"))
        .await,
        sorted(&["1"])
    );
}

/// The documented order: case-folded text, `None` smallest, ties by `ig_user_id` ascending.
fn reference(
    a: &AccountRecord,
    b: &AccountRecord,
    field: AccountSortField,
    desc: bool,
) -> Ordering {
    let fold = |v: &Option<String>| v.as_deref().map(str::to_lowercase);
    let primary = match field {
        AccountSortField::Username => fold(&a.username).cmp(&fold(&b.username)),
        AccountSortField::Name => fold(&a.name).cmp(&fold(&b.name)),
        AccountSortField::Followers => a.followers_count.cmp(&b.followers_count),
        AccountSortField::CreatedAt => a.created_at.cmp(&b.created_at),
        AccountSortField::UpdatedAt => a.updated_at.cmp(&b.updated_at),
    };
    let primary = if desc { primary.reverse() } else { primary };
    primary.then_with(|| a.ig_user_id.cmp(&b.ig_user_id))
}

/// Every sort field in both directions follows the documented order.
pub async fn query_sort_each_field(f: &Fixture) {
    let b = f.backend();
    let acme = company("acme");
    let rows = [
        ("k3", Some("Zeta"), Some("omega"), Some(10)),
        ("k1", Some("alpha"), Some("Émile"), None),
        ("k5", Some("Beta"), None, Some(300)),
        ("k2", None, Some("bravo"), Some(10)),
        ("k6", Some("beta"), Some("Bravo"), Some(5000)),
        ("k4", Some("émile"), Some("alpha"), Some(0)),
    ];
    // Inserted one by one so that created_at follows this order, not the id order.
    for (id, username, name, followers) in rows {
        let mut a = named(id, username, name);
        a.followers_count = followers;
        b.upsert_accounts(&acme, vec![a]).await.expect("upsert");
        tokio::time::sleep(Duration::from_millis(3)).await;
    }
    // Touched in yet another order so that updated_at differs from created_at's order.
    for id in ["k2", "k6", "k1", "k4", "k3", "k5"] {
        let touch = NewAccount::new(IgUserId::new(id), AccountSource::PageLinked);
        b.upsert_accounts(&acme, vec![touch]).await.expect("touch");
        tokio::time::sleep(Duration::from_millis(3)).await;
    }
    let all = b
        .query_accounts(&acme, &AccountQuery::new())
        .await
        .expect("query")
        .items;
    assert_eq!(all.len(), 6);
    assert_eq!(
        ids(&all),
        ["k3", "k1", "k5", "k2", "k6", "k4"],
        "the default order is created_at ascending"
    );
    for field in [
        AccountSortField::Username,
        AccountSortField::Name,
        AccountSortField::Followers,
        AccountSortField::CreatedAt,
        AccountSortField::UpdatedAt,
    ] {
        for desc in [false, true] {
            let page = b
                .query_accounts(&acme, &AccountQuery::new().sort_by(field, desc))
                .await
                .expect("query");
            let mut expected = all.clone();
            expected.sort_by(|x, y| reference(x, y, field, desc));
            assert_eq!(
                ids(&page.items),
                ids(&expected),
                "sort by {field:?} desc={desc}"
            );
        }
    }
    // Spot checks of the rule itself.
    let by = |field, desc| {
        let b = b.clone();
        let acme = acme.clone();
        async move {
            ids(&b
                .query_accounts(&acme, &AccountQuery::new().sort_by(field, desc))
                .await
                .expect("query")
                .items)
        }
    };
    assert_eq!(
        by(AccountSortField::Username, false).await,
        ["k2", "k1", "k5", "k6", "k3", "k4"]
    );
    assert_eq!(
        by(AccountSortField::Followers, true).await,
        ["k6", "k5", "k2", "k3", "k4", "k1"]
    );
    assert_eq!(
        by(AccountSortField::UpdatedAt, false).await,
        ["k2", "k6", "k1", "k4", "k3", "k5"]
    );
}

/// Pages concatenate to the full listing; totals count every match.
pub async fn query_pagination_stable(f: &Fixture) {
    let b = f.backend();
    let acme = company("acme");
    // Equal followers everywhere, so the order rests on the ig_user_id tie-break.
    let accounts: Vec<_> = (0..23)
        .map(|i| new_account(&format!("{:03}", (i * 7) % 23)))
        .collect();
    b.upsert_accounts(&acme, accounts).await.expect("upsert");
    for desc in [false, true] {
        let query = AccountQuery::new().sort_by(AccountSortField::Followers, desc);
        let full = b
            .query_accounts(&acme, &query.clone().limit(100))
            .await
            .expect("full");
        assert_eq!(full.total, 23);
        let mut paged = Vec::new();
        let mut offset = 0;
        loop {
            let page = b
                .query_accounts(&acme, &query.clone().offset(offset).limit(5))
                .await
                .expect("page");
            assert_eq!(page.total, 23);
            assert_eq!(page.offset, offset);
            assert_eq!(page.limit, 5);
            assert!(page.items.len() <= 5);
            if page.items.is_empty() {
                break;
            }
            paged.extend(ids(&page.items));
            offset += 5;
        }
        assert_eq!(
            paged,
            ids(&full.items),
            "pages concatenate to the full listing"
        );
        let mut expected: Vec<String> = (0..23).map(|i| format!("{i:03}")).collect();
        expected.sort();
        assert_eq!(paged, expected, "ties broken by ig_user_id ascending");
    }
    let beyond = b
        .query_accounts(&acme, &AccountQuery::new().offset(40).limit(5))
        .await
        .expect("beyond");
    assert!(beyond.items.is_empty());
    assert_eq!(beyond.total, 23);
    let filtered = b
        .query_accounts(&acme, &AccountQuery::new().search("user_01").limit(3))
        .await
        .expect("filtered");
    assert_eq!(
        filtered.total, 10,
        "total counts every match, not just the page"
    );
    assert_eq!(filtered.items.len(), 3);
}

/// Limit 0 means 50, 500 is accepted, 501 is `InvalidInput`.
pub async fn query_limit_bounds(f: &Fixture) {
    let b = f.backend();
    let acme = company("acme");
    let accounts: Vec<_> = (0..60).map(|i| new_account(&format!("a{i:02}"))).collect();
    b.upsert_accounts(&acme, accounts).await.expect("upsert");
    let page = b
        .query_accounts(&acme, &AccountQuery::new())
        .await
        .expect("default");
    assert_eq!(page.limit, AccountQuery::DEFAULT_LIMIT);
    assert_eq!(page.items.len(), 50);
    assert_eq!(page.total, 60);
    let page = b
        .query_accounts(&acme, &AccountQuery::new().limit(500))
        .await
        .expect("max");
    assert_eq!(page.items.len(), 60);
    let err = b
        .query_accounts(&acme, &AccountQuery::new().limit(501))
        .await
        .expect_err("above max");
    assert!(
        matches!(err, StoreError::InvalidInput { field: "limit", .. }),
        "{err:?}"
    );
}
