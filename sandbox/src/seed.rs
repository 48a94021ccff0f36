//! The seeded demo world: one app, Facebook users, Pages, a business portfolio and IG
//! professional accounts with media. Ids are fixed so tests and docs can name them.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Duration, TimeZone, Utc};
use rand::{rngs::StdRng, SeedableRng};
use serde::Serialize;

use super::config::{Faults, SandboxConfig};
use super::engage::seed::SeedEngagement;
use super::world::{random_alnum, App, Business, IgAccount, Media, Page, Usage, User, World};

/// A seeded Facebook user.
#[derive(Debug, Clone, Serialize)]
pub struct SeedUser {
    /// App-scoped user id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Email, absent for users who have none (the SDK then generates a fallback).
    pub email: Option<String>,
    /// Always `"facebook"`: Facebook Login users.
    pub kind: String,
    /// Pages the user manages directly (listed by /me/accounts).
    pub pages: Vec<String>,
}

/// A seeded Facebook Page.
#[derive(Debug, Clone, Serialize)]
pub struct SeedPage {
    /// Page id.
    pub id: String,
    /// Page name.
    pub name: String,
    /// The linked IG professional account, if any.
    pub instagram_business_account: Option<String>,
    /// Facebook users managing the Page directly.
    pub managers: Vec<String>,
}

/// A seeded business portfolio.
#[derive(Debug, Clone, Serialize)]
pub struct SeedBusiness {
    /// Business id.
    pub id: String,
    /// Business name.
    pub name: String,
    /// Users with a role in the portfolio.
    pub members: Vec<String>,
    /// `/owned_pages`.
    pub owned_pages: Vec<String>,
    /// `/client_pages`.
    pub client_pages: Vec<String>,
    /// `/owned_instagram_accounts`.
    pub owned_instagram_accounts: Vec<String>,
    /// `/client_instagram_accounts`.
    pub client_instagram_accounts: Vec<String>,
}

/// A seeded IG professional account.
#[derive(Debug, Clone, Serialize)]
pub struct SeedIgAccount {
    /// IG user id (what the Graph API calls `id`).
    pub id: String,
    /// Username.
    pub username: String,
    /// Display name.
    pub name: String,
    /// `BUSINESS` or `MEDIA_CREATOR`.
    pub account_type: String,
    /// The Page it is linked to.
    pub page_id: Option<String>,
    /// Whether it can sign in through Instagram Login.
    pub instagram_login: bool,
    /// Seeded media ids, newest first.
    pub media: Vec<String>,
}

/// What a sandbox was seeded with.
#[derive(Debug, Clone, Serialize)]
pub struct Seed {
    /// The app id.
    pub app_id: String,
    /// Facebook users (Alice first, then Bob).
    pub users: Vec<SeedUser>,
    /// Pages.
    pub pages: Vec<SeedPage>,
    /// Business portfolios.
    pub businesses: Vec<SeedBusiness>,
    /// IG professional accounts.
    pub instagram_accounts: Vec<SeedIgAccount>,
    /// Comments, stories, hashtags and conversations seeded for reading and engaging.
    pub engagement: SeedEngagement,
}

impl Seed {
    /// The Facebook user with this display name's first word (e.g. `"Alice"`), if seeded.
    pub fn user(&self, first_name: &str) -> Option<&SeedUser> {
        self.users
            .iter()
            .find(|u| u.name.split(' ').next() == Some(first_name))
    }

    /// The IG account with this username, if seeded.
    pub fn instagram_account(&self, username: &str) -> Option<&SeedIgAccount> {
        self.instagram_accounts
            .iter()
            .find(|a| a.username == username)
    }

    /// The IG accounts that can sign in through Instagram Login.
    pub fn instagram_login_accounts(&self) -> impl Iterator<Item = &SeedIgAccount> {
        self.instagram_accounts.iter().filter(|a| a.instagram_login)
    }
}

/// Seeded ids, kept in one place so docs and tests agree.
pub(crate) mod ids {
    pub const ALICE: &str = "100000000000011";
    pub const BOB: &str = "100000000000012";
    pub const PAGE_BAKERY: &str = "100000000000101";
    pub const PAGE_TRAVELS: &str = "100000000000102";
    pub const PAGE_NOTES: &str = "100000000000103";
    pub const PAGE_BOB: &str = "100000000000104";
    pub const PAGE_CLIENT: &str = "100000000000105";
    pub const BUSINESS: &str = "100000000000201";
    pub const IG_BAKERY: &str = "17841400000000001";
    pub const IG_TRAVELS: &str = "17841400000000002";
    pub const IG_BOB: &str = "17841400000000003";
    pub const IG_CLIENT: &str = "17841400000000004";
}

const MEDIA_BASE: u64 = 17_900_000_000_000_000;
/// Ids of the extra load-test Pages and IG accounts: base + n.
const LOAD_PAGE_BASE: u64 = 100_000_000_010_000;
const LOAD_IG_BASE: u64 = 17_841_400_000_010_000;
const CONTAINER_BASE: u64 = 17_950_000_000_000_000;

fn base_time() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 6, 1, 9, 30, 0)
        .single()
        .unwrap_or_else(Utc::now)
}

/// A stable 11-character shortcode derived from a media id.
pub(crate) fn shortcode_for(id: u64) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut x = id.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    (0..11)
        .map(|_| {
            let c = ALPHABET[(x % 64) as usize] as char;
            x = x.rotate_right(6) ^ 0x5bd1_e995;
            c
        })
        .collect()
}

fn user(id: &str, first: &str, last: &str, email: Option<&str>) -> User {
    User {
        id: id.to_owned(),
        name: format!("{first} {last}"),
        first_name: first.to_owned(),
        last_name: last.to_owned(),
        email: email.map(str::to_owned),
    }
}

fn page(id: &str, name: &str, category: &str, managers: &[&str], ig: Option<&str>) -> Page {
    Page {
        id: id.to_owned(),
        name: name.to_owned(),
        category: category.to_owned(),
        username: name.to_lowercase().replace([' ', '\''], ""),
        fan_count: 1200 + id.len() as u64 * 7,
        managers: managers.iter().map(|s| (*s).to_owned()).collect(),
        ig_account: ig.map(str::to_owned),
    }
}

struct IgSpec {
    id: &'static str,
    username: &'static str,
    name: &'static str,
    bio: &'static str,
    account_type: &'static str,
    page: Option<&'static str>,
    instagram_login: bool,
    followers: u64,
    follows: u64,
    media: usize,
}

/// Builds the seeded world.
pub(crate) fn build(config: SandboxConfig) -> (World, Seed) {
    use ids::*;
    let secret = config.app_secret.clone().unwrap_or_else(|| {
        // Meta's app secrets are 32 lowercase hex characters.
        let raw = random_alnum(32).to_lowercase();
        raw.chars()
            .map(|c| if c.is_ascii_hexdigit() { c } else { 'a' })
            .collect()
    });
    let app = App {
        id: config.app_id.clone(),
        secret,
        name: config.app_name.clone(),
    };

    let users = [
        user(ALICE, "Alice", "Anderson", Some("alice@example.com")),
        user(BOB, "Bob", "Brown", None),
    ];
    let mut pages = vec![
        page(
            PAGE_BAKERY,
            "Alice's Bakery",
            "Bakery",
            &[ALICE],
            Some(IG_BAKERY),
        ),
        page(
            PAGE_TRAVELS,
            "Alice Travels",
            "Travel Company",
            &[ALICE],
            Some(IG_TRAVELS),
        ),
        page(PAGE_NOTES, "Alice Notes", "Personal Blog", &[ALICE], None),
        page(
            PAGE_BOB,
            "Bob Builds",
            "Construction Company",
            &[BOB],
            Some(IG_BOB),
        ),
        // A client's Page: no seeded user manages it directly; Alice reaches it through her
        // business portfolio only.
        page(
            PAGE_CLIENT,
            "Client Studio",
            "Photography Videography",
            &[],
            Some(IG_CLIENT),
        ),
    ];
    let business = Business {
        id: BUSINESS.to_owned(),
        name: "Alice Agency".to_owned(),
        created_time: base_time() - Duration::days(400),
        verification_status: "verified".to_owned(),
        members: vec![ALICE.to_owned()],
        owned_pages: vec![PAGE_BAKERY.to_owned(), PAGE_NOTES.to_owned()],
        client_pages: vec![PAGE_CLIENT.to_owned()],
        // IG_BAKERY is reachable both via /me/accounts and via the business: the SDK dedupes.
        owned_ig: vec![IG_BAKERY.to_owned()],
        client_ig: vec![IG_CLIENT.to_owned()],
    };
    let specs = [
        IgSpec {
            id: IG_BAKERY,
            username: "alice.bakery",
            name: "Alice's Bakery",
            bio: "Sourdough every morning 🥖",
            account_type: "BUSINESS",
            page: Some(PAGE_BAKERY),
            instagram_login: false,
            followers: 5120,
            follows: 180,
            media: 5,
        },
        IgSpec {
            id: IG_TRAVELS,
            username: "alice.travels",
            name: "Alice Travels",
            bio: "Slow travel, fast trains.",
            account_type: "MEDIA_CREATOR",
            page: Some(PAGE_TRAVELS),
            instagram_login: true,
            followers: 20480,
            follows: 412,
            media: 4,
        },
        IgSpec {
            id: IG_BOB,
            username: "bob.builds",
            name: "Bob Builds",
            bio: "Timber frames and tiny houses.",
            account_type: "BUSINESS",
            page: Some(PAGE_BOB),
            instagram_login: false,
            followers: 870,
            follows: 95,
            media: 3,
        },
        IgSpec {
            id: IG_CLIENT,
            username: "client.studio",
            name: "Client Studio",
            bio: "Portraits & products.",
            account_type: "MEDIA_CREATOR",
            page: Some(PAGE_CLIENT),
            instagram_login: false,
            followers: 33000,
            follows: 61,
            media: 4,
        },
    ];

    let mut next_media = MEDIA_BASE;
    let mut media_map = HashMap::new();
    let mut ig_accounts = BTreeMap::new();
    for (n, spec) in specs.iter().enumerate() {
        let mut ids_newest_first = Vec::new();
        for k in 0..spec.media {
            // Oldest first here, so ids grow with time like Meta's.
            let ts = base_time() + Duration::hours((n as i64) * 7 + (k as i64) * 26);
            let kind = k % 3;
            next_media += 1;
            let id_num = next_media;
            let mut children = Vec::new();
            if kind == 2 {
                for c in 0..3 {
                    next_media += 1;
                    let cid = next_media;
                    let child_type = if c == 2 { "VIDEO" } else { "IMAGE" };
                    media_map.insert(
                        cid.to_string(),
                        Media {
                            id: cid.to_string(),
                            ig_id: (3_100_000_000_000_000_000u64 + cid % 1_000_000_000).to_string(),
                            owner: spec.id.to_owned(),
                            caption: None,
                            media_type: child_type.to_owned(),
                            media_product_type: "FEED".to_owned(),
                            media_url: cdn_url(cid, child_type),
                            thumbnail_url: (child_type == "VIDEO").then(|| cdn_url(cid, "IMAGE")),
                            shortcode: shortcode_for(cid),
                            timestamp: ts,
                            like_count: 0,
                            comments_count: 0,
                            is_comment_enabled: true,
                            is_shared_to_feed: None,
                            alt_text: None,
                            children: Vec::new(),
                            parent: Some(id_num.to_string()),
                        },
                    );
                    children.push(cid.to_string());
                }
            }
            let (media_type, product) = match kind {
                0 => ("IMAGE", "FEED"),
                1 => ("VIDEO", "REELS"),
                _ => ("CAROUSEL_ALBUM", "FEED"),
            };
            let caption = format!(
                "{} #{} post {} by @{}",
                [
                    "Fresh out of the oven",
                    "Behind the scenes",
                    "A week in pictures",
                    "New work",
                    "Thank you all"
                ][k % 5],
                spec.username.replace('.', ""),
                k + 1,
                spec.username
            );
            media_map.insert(
                id_num.to_string(),
                Media {
                    id: id_num.to_string(),
                    ig_id: (3_100_000_000_000_000_000u64 + id_num % 1_000_000_000).to_string(),
                    owner: spec.id.to_owned(),
                    caption: Some(caption),
                    media_type: media_type.to_owned(),
                    media_product_type: product.to_owned(),
                    media_url: cdn_url(id_num, media_type),
                    thumbnail_url: (media_type == "VIDEO").then(|| cdn_url(id_num, "IMAGE")),
                    shortcode: shortcode_for(id_num),
                    timestamp: ts,
                    like_count: 10 + (id_num % 97),
                    comments_count: id_num % 7,
                    is_comment_enabled: true,
                    is_shared_to_feed: (media_type == "VIDEO").then_some(true),
                    alt_text: (media_type == "IMAGE").then(|| "A photo".to_owned()),
                    children,
                    parent: None,
                },
            );
            ids_newest_first.insert(0, id_num.to_string());
        }
        ig_accounts.insert(
            spec.id.to_owned(),
            IgAccount {
                id: spec.id.to_owned(),
                ig_id: 7_400_000_000 + n as u64 + 1,
                username: spec.username.to_owned(),
                name: spec.name.to_owned(),
                biography: spec.bio.to_owned(),
                website: format!("https://{}.example.com/", spec.username.replace('.', "-")),
                profile_picture_url: format!(
                    "https://scontent.sandbox.cdninstagram.invalid/v/t51.2885-19/{}_profile.jpg",
                    spec.id
                ),
                followers_count: spec.followers,
                follows_count: spec.follows,
                account_type: spec.account_type.to_owned(),
                page_id: spec.page.map(str::to_owned),
                instagram_login: spec.instagram_login,
                media: ids_newest_first,
                publishes: Vec::new(),
                stories: Vec::new(),
                container_log: Default::default(),
            },
        );
    }
    for n in 1..=config.extra_instagram_accounts {
        let (page, mut account) = load_account(n);
        account.media = load_media(
            &account.id,
            config.load_account_media,
            &mut next_media,
            &mut media_map,
        );
        pages.push(page);
        ig_accounts.insert(account.id.clone(), account);
    }

    let mut seed = Seed {
        engagement: SeedEngagement::default(),
        app_id: app.id.clone(),
        users: users
            .iter()
            .map(|u| SeedUser {
                id: u.id.clone(),
                name: u.name.clone(),
                email: u.email.clone(),
                kind: "facebook".to_owned(),
                pages: pages
                    .iter()
                    .filter(|p| p.managers.contains(&u.id))
                    .map(|p| p.id.clone())
                    .collect(),
            })
            .collect(),
        pages: pages
            .iter()
            .map(|p| SeedPage {
                id: p.id.clone(),
                name: p.name.clone(),
                instagram_business_account: p.ig_account.clone(),
                managers: p.managers.clone(),
            })
            .collect(),
        businesses: vec![SeedBusiness {
            id: business.id.clone(),
            name: business.name.clone(),
            members: business.members.clone(),
            owned_pages: business.owned_pages.clone(),
            client_pages: business.client_pages.clone(),
            owned_instagram_accounts: business.owned_ig.clone(),
            client_instagram_accounts: business.client_ig.clone(),
        }],
        instagram_accounts: ig_accounts
            .values()
            .map(|a| SeedIgAccount {
                id: a.id.clone(),
                username: a.username.clone(),
                name: a.name.clone(),
                account_type: a.account_type.clone(),
                page_id: a.page_id.clone(),
                instagram_login: a.instagram_login,
                media: a.media.clone(),
            })
            .collect(),
    };

    let world = World {
        config,
        faults: Faults::default(),
        fault_rng: StdRng::from_entropy(),
        app,
        users: users.into_iter().map(|u| (u.id.clone(), u)).collect(),
        pages: pages.into_iter().map(|p| (p.id.clone(), p)).collect(),
        businesses: [(business.id.clone(), business)].into_iter().collect(),
        ig_accounts,
        media: media_map,
        containers: HashMap::new(),
        story_expiry: Default::default(),
        failed_once: Default::default(),
        calls: Default::default(),
        tokens: HashMap::new(),
        page_tokens: HashMap::new(),
        codes: HashMap::new(),
        usage: Usage::default(),
        clock_offset: Duration::zero(),
        next_media,
        next_container: CONTAINER_BASE,
        engage: Default::default(),
    };
    let mut world = world;
    let now = world.now();
    seed.engagement = super::engage::seed::populate(&mut world, now);
    (world, seed)
}

/// Extra account `n` (1-based) of `SandboxConfig::extra_instagram_accounts`: `@load.NN`,
/// linked to Page "Load Test NN" that Alice manages, able to use Instagram Login, no media
/// (see [`load_media`]).
fn load_account(n: u32) -> (Page, IgAccount) {
    let page_id = format!("{}", LOAD_PAGE_BASE + u64::from(n));
    let ig_id = format!("{}", LOAD_IG_BASE + u64::from(n));
    let username = format!("load.{n:02}");
    let page = page(
        &page_id,
        &format!("Load Test {n:02}"),
        "Product/Service",
        &[ids::ALICE],
        Some(&ig_id),
    );
    let account = IgAccount {
        id: ig_id.clone(),
        ig_id: 7_400_100_000 + u64::from(n),
        name: format!("Load Test {n:02}"),
        biography: "A load-test account.".to_owned(),
        website: format!("https://load-{n:02}.example.com/"),
        profile_picture_url: format!(
            "https://scontent.sandbox.cdninstagram.invalid/v/t51.2885-19/{ig_id}_profile.jpg"
        ),
        followers_count: 100 + u64::from(n),
        follows_count: 10,
        account_type: "BUSINESS".to_owned(),
        page_id: Some(page_id),
        instagram_login: true,
        media: Vec::new(),
        publishes: Vec::new(),
        stories: Vec::new(),
        container_log: Default::default(),
        username,
    };
    (page, account)
}

/// `count` media of a load-test account (`SandboxConfig::load_account_media`): even ones feed
/// images, odd ones reels, an hour apart; returns their ids newest first.
fn load_media(
    owner: &str,
    count: u32,
    next_media: &mut u64,
    media_map: &mut HashMap<String, Media>,
) -> Vec<String> {
    let mut ids = Vec::with_capacity(count as usize);
    for k in 0..count {
        *next_media += 1;
        let id = *next_media;
        let (media_type, product) = if k % 2 == 0 {
            ("IMAGE", "FEED")
        } else {
            ("VIDEO", "REELS")
        };
        media_map.insert(
            id.to_string(),
            Media {
                id: id.to_string(),
                ig_id: (3_100_000_000_000_000_000u64 + id % 1_000_000_000).to_string(),
                owner: owner.to_owned(),
                caption: Some(format!("Load test post {}", k + 1)),
                media_type: media_type.to_owned(),
                media_product_type: product.to_owned(),
                media_url: cdn_url(id, media_type),
                thumbnail_url: (media_type == "VIDEO").then(|| cdn_url(id, "IMAGE")),
                shortcode: shortcode_for(id),
                timestamp: base_time() + Duration::hours(i64::from(k)),
                like_count: 5 + (id % 89),
                comments_count: 0,
                is_comment_enabled: true,
                is_shared_to_feed: (media_type == "VIDEO").then_some(true),
                alt_text: (media_type == "IMAGE").then(|| "A load-test photo".to_owned()),
                children: Vec::new(),
                parent: None,
            },
        );
        ids.push(id.to_string());
    }
    ids.reverse();
    ids
}

pub(crate) fn cdn_url(id: u64, media_type: &str) -> String {
    let ext = if media_type == "VIDEO" { "mp4" } else { "jpg" };
    format!("https://scontent.sandbox.cdninstagram.invalid/v/t51.29350-15/{id}_n.{ext}")
}
