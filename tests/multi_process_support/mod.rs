//! The scenario of the multi-process test, run against any store URL the example can open.

mod children;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::time::{Duration, Instant};

use chrono::Utc;
use futures::stream::{self, StreamExt, TryStreamExt};
use instagraph::publisher::{Post, Publisher, Scheduler};
use instagraph::store::{AccountQuery, JobRecord, JobStatus, Sealer, SealingKey};
use instagraph::{AccountManager, Client, CompanyId, IgUserId, JobId, TokenId};
use instagraph_sandbox::{Sandbox, SandboxConfig};
use serde_json::Value;

pub use children::*;

use crate::agency_server::{open_store_url, LISTENING, WORKING};

/// The redirect URI the servers' connects use.
const REDIRECT: &str = "http://localhost:3000/connect/callback";
/// More IG accounts on Pages Alice manages, besides her three: enough that the posts stay
/// within Meta's publishing limit (100 a day per account, the sandbox's default).
const EXTRA_ACCOUNTS: u32 = 12;
/// Four companies connect Alice; each list of jobs stays within the store's page.
const COMPANIES: [&str; 4] = ["agency-north", "agency-east", "agency-south", "agency-west"];

/// A company's API key on the servers.
fn api_key(company: &str) -> String {
    format!("{company}-api-key")
}
/// Worker processes.
const WORKERS: usize = 4;
/// The most jobs one `Scheduler::list` returns.
const LIST_LIMIT: usize = 500;
/// The workers' lease: short, so the killed worker's jobs are taken over quickly.
const LEASE_MS: u64 = 3_000;
/// Generous bounds for a slow, loaded machine; the test never measures speed.
const START_TIMEOUT: Duration = Duration::from_secs(120);
const RUN_TIMEOUT: Duration = Duration::from_secs(300);
const STOP_TIMEOUT: Duration = Duration::from_secs(60);

/// The multi-process tests run one at a time: each starts six processes.
pub async fn serial() -> tokio::sync::MutexGuard<'static, ()> {
    static LOCK: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());
    LOCK.lock().await
}

/// Two servers and four workers on the store at `store_url`, `posts` scheduled posts.
pub struct Scenario {
    pub store_url: String,
    pub posts: usize,
}

/// What a run measured.
pub struct Report {
    posts: usize,
    connect: Duration,
    schedule: Duration,
    killed: String,
    killed_after: Duration,
    published_when_killed: usize,
    orphans: Vec<&'static str>,
    replacements: usize,
    publish_all: Duration,
    total: Duration,
    per_worker: BTreeMap<String, usize>,
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} posts by {WORKERS} worker processes: connects {:?}, scheduling {:?}; {} killed \
             (SIGKILL) {:?} after the workers started, with {} posts out, holding {} jobs {:?} \
             (replacement workers needed: {}); all published {:?} after the workers started; \
             total {:?}; published per worker, as observed: {:?}",
            self.posts,
            self.connect,
            self.schedule,
            self.killed,
            self.killed_after,
            self.published_when_killed,
            self.orphans.len(),
            self.orphans,
            self.replacements,
            self.publish_all,
            self.total,
            self.per_worker
        )
    }
}

impl Scenario {
    /// Runs the scenario and asserts its outcome; panics on any failure (the children are
    /// killed on the way out).
    pub async fn run(self) -> Report {
        let started = Instant::now();
        let posts = self.posts;
        let sandbox = Sandbox::builder()
            .config(SandboxConfig {
                app_call_budget_per_hour: 0,
                business_call_budget_per_day: 0,
                image_processing_ms: 0,
                extra_instagram_accounts: EXTRA_ACCOUNTS,
                ..SandboxConfig::default()
            })
            .start()
            .await
            .expect("sandbox starts");
        let key = SealingKey::generate().to_base64();
        // This process opens the store first, so the schema exists before the children start.
        let sealer = Sealer::new(SealingKey::from_base64(&key).expect("key"));
        let store = open_store_url(&self.store_url, sealer)
            .await
            .expect("open the store");
        let client = Client::builder()
            .app(sandbox.app_id(), sandbox.app_secret())
            .sandbox(sandbox.base_url())
            .redirect_uri(REDIRECT)
            .build()
            .expect("client");
        let scheduler = Scheduler::new(Publisher::new(AccountManager::new(client, store.clone())));

        let env: HashMap<&str, String> = HashMap::from([
            ("INSTAGRAM_MODE", "sandbox".to_owned()),
            ("INSTAGRAM_SANDBOX_URL", sandbox.base_url().to_owned()),
            ("INSTAGRAM_APP_ID", sandbox.app_id().to_owned()),
            ("INSTAGRAM_APP_SECRET", sandbox.app_secret().to_owned()),
            ("INSTAGRAM_REDIRECT_URI", REDIRECT.to_owned()),
            ("INSTAGRAPH_STORE_URL", self.store_url.clone()),
            ("INSTAGRAPH_SEALING_KEY", key),
            (
                "COMPANY_API_KEYS",
                COMPANIES
                    .iter()
                    .map(|c| format!("{c}:{}", api_key(c)))
                    .collect::<Vec<_>>()
                    .join(","),
            ),
        ]);
        let mut children = Children::default();

        // Two server processes.
        let serve = args(&["serve", "--listen", "127.0.0.1:0"]);
        let servers = [
            children.spawn("server-1", &serve, &env),
            children.spawn("server-2", &serve, &env),
        ];
        let urls: Vec<String> = servers
            .iter()
            .map(|&s| block(|| children.get(s).wait_for_line(LISTENING, START_TIMEOUT)))
            .collect();

        // Each company connects Alice: started on one server, finished on the other.
        let http = reqwest::Client::new();
        let alice = sandbox.seed().user("Alice").expect("Alice").id.clone();
        let mut accounts: Vec<IgUserId> = Vec::new();
        for (n, company) in COMPANIES.iter().enumerate() {
            let (first, second) = (&urls[n % 2], &urls[(n + 1) % 2]);
            let key = api_key(company);
            let start = get_json(
                &http,
                &format!("{first}/connect/start?company={company}"),
                Some(&key),
            )
            .await;
            let authorize = start["url"].as_str().expect("an authorize url");
            let location = sandbox
                .consent(authorize, &alice, true)
                .await
                .expect("Alice consents");
            let query = location.split_once('?').expect("a query").1;
            // The callback is the user's browser: the OAuth state authenticates it, not a key.
            let done = get_json(&http, &format!("{second}/connect/callback?{query}"), None).await;
            assert_eq!(done["companyId"], *company, "{done}");
            let connected: Vec<IgUserId> = done["accounts"]
                .as_array()
                .expect("accounts")
                .iter()
                .map(|a| IgUserId::new(a["igUserId"].as_str().expect("an id")))
                .collect();
            assert_eq!(connected.len(), 3 + EXTRA_ACCOUNTS as usize, "{done}");

            // The second process saved them: this process and the first server see them, and
            // the token it sealed opens here with the shared key.
            let company_id = CompanyId::new(*company);
            let stored = store
                .backend()
                .query_accounts(&company_id, &AccountQuery::default())
                .await
                .expect("query accounts");
            assert_eq!(stored.total as usize, connected.len());
            let token_id = TokenId::new(done["tokenId"].as_str().expect("a token id"));
            let token = store.load_token(&company_id, &token_id).await;
            assert!(matches!(token, Ok(Some(_))), "the saved token opens here");
            let listed = get_json(&http, &format!("{first}/accounts"), Some(&key)).await;
            assert_eq!(listed["total"], connected.len(), "{listed}");

            // The state was single-use across processes: replaying the callback on the first
            // server is refused.
            let replay = http
                .get(format!("{first}/connect/callback?{query}"))
                .send()
                .await
                .expect("replay");
            assert_eq!(replay.status(), 400, "a replayed state is refused");

            if accounts.is_empty() {
                accounts = connected;
                accounts.sort();
            }
        }
        let connect = started.elapsed();

        // The posts: spread over the companies and Alice's accounts, within the publishing
        // limit of each account, due now or within the next second.
        let per_company = posts.div_ceil(COMPANIES.len());
        assert!(per_company <= LIST_LIMIT, "a company's jobs fit one list");
        let expected: Vec<usize> = (0..accounts.len())
            .map(|k| (0..posts).filter(|i| i % accounts.len() == k).count())
            .collect();
        let quota = SandboxConfig::default().publishing_quota as usize;
        assert!(
            expected.iter().all(|&n| n <= quota),
            "within the publishing limit"
        );
        let baseline: Vec<usize> = accounts
            .iter()
            .map(|a| sandbox.published_count(a.as_str()))
            .collect();
        let scheduling = Instant::now();
        let now = Utc::now();
        stream::iter(0..posts)
            .map(|i| {
                let scheduler = &scheduler;
                let account = &accounts[i % accounts.len()];
                async move {
                    scheduler
                        .schedule(
                            &CompanyId::new(COMPANIES[i % COMPANIES.len()]),
                            account,
                            Post::image(format!("https://img.example.com/agency/{i}.jpg"))
                                .caption(format!("Scheduled post {i} #agency")),
                            now + chrono::Duration::milliseconds((i as i64 % 10) * 100),
                            Some(format!("post-{i}")),
                        )
                        .await
                }
            })
            .buffer_unordered(8)
            .try_collect::<Vec<_>>()
            .await
            .expect("schedule");
        let schedule = scheduling.elapsed();

        // Four worker processes.
        let workers_started = Instant::now();
        let mut workers: Vec<(String, usize)> = Vec::new();
        for n in 1..=WORKERS {
            let name = format!("worker-{n}");
            let index = children.spawn(&name, &worker_args(&name), &env);
            workers.push((name, index));
        }
        for &(ref name, index) in &workers {
            let id = block(|| children.get(index).wait_for_line(WORKING, START_TIMEOUT));
            assert_eq!(&id, name);
        }

        // SIGKILL one worker once a fifth of the posts are out and it is publishing (holds a job
        // past its claim: pending, container created or publishing).
        // Its jobs may all finish between looking and killing; then a replacement worker is
        // started (as a process manager would) and killed in its turn.
        let mut watch = Watch::default();
        let deadline = Instant::now() + RUN_TIMEOUT;
        let mut victim = workers.remove(0);
        let mut kill_when = posts / 5;
        let mut replacements = 0;
        let (orphans, killed_after, published_when_killed) = loop {
            assert!(Instant::now() < deadline, "no kill while holding jobs");
            let jobs = snapshot(&scheduler).await;
            let published = watch.observe(&jobs);
            let publishing = jobs
                .iter()
                .filter(|j| held_by(j, &victim.0) && j.status != JobStatus::Scheduled)
                .count();
            if published < kill_when || publishing == 0 {
                tokio::time::sleep(Duration::from_millis(20)).await;
                continue;
            }
            let process = children.get(victim.1);
            assert!(process.is_running(), "{} was running", victim.0);
            let status = process.kill();
            assert!(killed_by_sigkill(&status), "{}: {status:?}", victim.0);
            let killed_after = workers_started.elapsed();
            // A statement the worker had already sent still lands (as it would have just
            // before a real crash): let those settle, well within the lease, before looking
            // at what it left behind.
            tokio::time::sleep(Duration::from_millis(300)).await;
            let jobs = snapshot(&scheduler).await;
            watch.observe(&jobs);
            let orphans: Vec<(JobId, JobStatus)> = jobs
                .iter()
                .filter(|j| held_by(j, &victim.0))
                .map(|j| (j.id.clone(), j.status))
                .collect();
            if !orphans.is_empty() {
                break (orphans, killed_after, published);
            }
            replacements += 1;
            assert!(
                replacements < 5 && published + 100 < posts,
                "the killed worker never held a job"
            );
            let name = format!("worker-{}", WORKERS + replacements);
            let index = children.spawn(&name, &worker_args(&name), &env);
            block(|| children.get(index).wait_for_line(WORKING, START_TIMEOUT));
            victim = (name, index);
            kill_when = published + 20;
        };

        // The others publish everything, the killed worker's jobs included once their leases
        // lapse.
        let jobs = loop {
            let jobs = snapshot(&scheduler).await;
            assert_eq!(jobs.len(), posts);
            if watch.observe(&jobs) == posts {
                break jobs;
            }
            if Instant::now() > deadline {
                let stuck: Vec<_> = jobs
                    .iter()
                    .filter(|j| j.status != JobStatus::Published)
                    .map(|j| (&j.idempotency_key, j.status, &j.lease_owner, &j.error))
                    .collect();
                panic!("not all published within {RUN_TIMEOUT:?}: {stuck:?}");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        };
        let publish_all = workers_started.elapsed();

        // The survivors and the servers stop cleanly on SIGTERM.
        for &(ref name, index) in &workers {
            let status = block(|| children.get(index).terminate(STOP_TIMEOUT));
            assert!(status.success(), "{name} stopped with {status:?}");
        }
        for s in servers {
            let status = block(|| children.get(s).terminate(STOP_TIMEOUT));
            assert!(status.success(), "a server stopped with {status:?}");
        }

        // Exactly once: one publish per post in the sandbox, spread as scheduled; one distinct
        // media id per job; every key there.
        let published: Vec<usize> = accounts
            .iter()
            .zip(&baseline)
            .map(|(a, before)| sandbox.published_count(a.as_str()) - before)
            .collect();
        assert_eq!(published, expected, "publishes per account");
        assert_eq!(
            published.iter().sum::<usize>(),
            posts,
            "one publish per post"
        );
        let media: HashSet<_> = jobs.iter().filter_map(|j| j.media_id.clone()).collect();
        assert_eq!(media.len(), posts, "distinct media ids, none missing");
        let keys: HashSet<_> = jobs.iter().map(|j| j.idempotency_key.clone()).collect();
        assert_eq!(keys.len(), posts, "none missed");
        // The killed worker's unfinished jobs were claimed again and finished by the others.
        for (id, _) in &orphans {
            let job = jobs.iter().find(|j| &j.id == id).expect("orphan");
            assert_eq!(job.status, JobStatus::Published);
            assert!(
                job.attempts >= 2,
                "{} was claimed again",
                job.idempotency_key
            );
        }

        Report {
            posts,
            connect,
            schedule,
            killed: victim.0,
            killed_after,
            published_when_killed,
            orphans: orphans.iter().map(|(_, s)| s.as_str()).collect(),
            replacements,
            publish_all,
            total: started.elapsed(),
            per_worker: watch.per_worker,
        }
    }
}

fn args(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

fn worker_args(id: &str) -> Vec<String> {
    let lease = LEASE_MS.to_string();
    args(&[
        "worker",
        "--id",
        id,
        "--lease-ms",
        &lease,
        "--poll-ms",
        "20",
        "--max-poll-ms",
        "200",
        "--retry-backoff-ms",
        "200",
        // The sandbox processes images at once.
        "--first-poll-ms",
        "10",
    ])
}

/// Runs blocking work (waiting on a child) without starving the sandbox's tasks.
fn block<T>(f: impl FnOnce() -> T) -> T {
    tokio::task::block_in_place(f)
}

/// GET `url` (with the company's API key, when given) → its JSON, asserting a 2xx.
async fn get_json(http: &reqwest::Client, url: &str, key: Option<&str>) -> Value {
    let mut request = http.get(url);
    if let Some(key) = key {
        request = request.header("x-api-key", key);
    }
    let response = request.send().await.expect("request");
    let status = response.status();
    let body: Value = response.json().await.expect("a JSON answer");
    assert!(status.is_success(), "{url}: {status} {body}");
    body
}

fn held_by(job: &JobRecord, worker: &str) -> bool {
    !job.status.is_terminal() && job.lease_owner.as_deref().map(worker_of) == Some(worker)
}

/// The worker a lease owner names: workers hold each claim as `<worker id>/<claim>`.
fn worker_of(owner: &str) -> &str {
    owner.split_once('/').map_or(owner, |(worker, _)| worker)
}

/// Every job of every company.
async fn snapshot(scheduler: &Scheduler) -> Vec<JobRecord> {
    let mut all = Vec::new();
    for company in COMPANIES {
        let jobs = scheduler
            .list(&CompanyId::new(company), None)
            .await
            .expect("list jobs");
        all.extend(jobs);
    }
    all
}

/// Attributes each published job to the last worker seen holding it (an observation: a job
/// claimed and published between two looks is counted as "unseen").
#[derive(Default)]
struct Watch {
    holder: HashMap<JobId, String>,
    done: HashSet<JobId>,
    per_worker: BTreeMap<String, usize>,
}

impl Watch {
    /// Records a snapshot; returns how many jobs are published. Fails at once on a failed job.
    fn observe(&mut self, jobs: &[JobRecord]) -> usize {
        for job in jobs {
            match job.status {
                JobStatus::Published => {
                    if self.done.insert(job.id.clone()) {
                        let by = self.holder.get(&job.id).map_or("unseen", String::as_str);
                        *self.per_worker.entry(by.to_owned()).or_default() += 1;
                    }
                }
                JobStatus::Failed | JobStatus::Cancelled => panic!("a job ended badly: {job:#?}"),
                _ => {
                    if let Some(owner) = &job.lease_owner {
                        self.holder
                            .insert(job.id.clone(), worker_of(owner).to_owned());
                    }
                }
            }
        }
        self.done.len()
    }
}
