//! The command line's grammar (clap derive): global options and one subcommand per concern.

use clap::{Args, Parser, Subcommand, ValueEnum};

/// The Instagram Graph API from the command line, against Meta or the local sandbox.
#[derive(Debug, Parser)]
#[command(name = "instagraph", version, about, propagate_version = true)]
pub struct Cli {
    /// Options every command takes.
    #[command(flatten)]
    pub global: Global,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command takes.
#[derive(Debug, Clone, Args)]
pub struct Global {
    /// Print machine-readable JSON on stdout instead of text.
    #[arg(long, global = true)]
    pub json: bool,
    /// Talk to the sandbox instead of Meta: the one at --sandbox-url, or one started in this
    /// process (then a memory store, connected as --sandbox-user with every account added).
    #[arg(long, global = true)]
    pub sandbox: bool,
    /// The base URL of a running sandbox (`instagraph sandbox` prints it); implies --sandbox.
    #[arg(long, global = true, env = "INSTAGRAM_SANDBOX_URL", value_name = "URL")]
    pub sandbox_url: Option<String>,
    /// The seeded user who approves consent in sandbox mode (first name, username or id;
    /// default: the first seeded user of the login).
    #[arg(long, global = true, value_name = "USER")]
    pub sandbox_user: Option<String>,
    /// The store: `sqlite:PATH` or `postgres://…` (default: a SQLite file in the user's data
    /// directory). Tokens are sealed with INSTAGRAPH_SEALING_KEY.
    #[arg(long, global = true, env = "INSTAGRAPH_STORE_URL", value_name = "URL")]
    pub store: Option<String>,
    /// The company (tenant) whose accounts and tokens are used.
    #[arg(
        long,
        global = true,
        env = "INSTAGRAPH_COMPANY",
        default_value = "default",
        value_name = "ID"
    )]
    pub company: String,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Start a sandbox of the Graph API and print its URL and seeded users.
    Sandbox(SandboxArgs),
    /// Connect Instagram accounts: authorize, finish on a local callback, store the token.
    Connect(ConnectArgs),
    /// The company's accounts: list, add, assign, remove, status.
    Accounts(AccountsArgs),
    /// Publish an image, a carousel, a reel or a story (now, or later with --at).
    Publish(PublishArgs),
    /// Scheduled posts: list, cancel, run (a worker).
    Schedule(ScheduleArgs),
    /// An account's insights as a chart in the terminal, or CSV.
    Insights(InsightsArgs),
    /// Comments on an account's recent media.
    Comments(CommentsArgs),
    /// An account's conversations and their latest messages.
    Messages(MessagesArgs),
    /// Stored tokens: what Meta says of them, refresh.
    Token(TokenArgs),
    /// Check the configuration, the store, the sealing key and every stored token.
    Doctor,
    /// Webhooks: verify and print events as they arrive.
    Webhooks(WebhooksArgs),
    /// The store itself: migrations, key rotation, a new key.
    Store(StoreArgs),
}

/// `instagraph sandbox`.
#[derive(Debug, Args)]
pub struct SandboxArgs {
    /// The port at 127.0.0.1 (0 picks a free one).
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// Seconds a reel or video story takes to process (the sandbox's default otherwise).
    #[arg(long, value_name = "SECONDS")]
    pub video_processing: Option<f64>,
}

/// `instagraph connect`.
#[derive(Debug, Args)]
pub struct ConnectArgs {
    /// Use Instagram Login instead of Facebook Login.
    #[arg(long)]
    pub instagram: bool,
    /// The local port the browser is sent back to (0 picks a free one).
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// Mark every discovered account as added.
    #[arg(long)]
    pub add_all: bool,
    /// Wait for the browser's callback even in sandbox mode (approve on the sandbox's consent
    /// page yourself) instead of approving as --sandbox-user.
    #[arg(long)]
    pub browser: bool,
    /// Scopes to ask for instead of the flow's defaults (comma-separated).
    #[arg(long, value_delimiter = ',')]
    pub scopes: Vec<String>,
}

/// `instagraph accounts`.
#[derive(Debug, Args)]
pub struct AccountsArgs {
    /// What to do (default: list).
    #[command(subcommand)]
    pub action: Option<AccountsAction>,
}

/// `instagraph accounts …`.
#[derive(Debug, Subcommand)]
pub enum AccountsAction {
    /// The accounts, with live details for the added ones.
    List {
        /// Also the discovered accounts that are not added.
        #[arg(long)]
        all: bool,
    },
    /// Mark discovered accounts as added.
    Add {
        /// IG user ids.
        #[arg(required = true)]
        ids: Vec<String>,
    },
    /// Assign accounts to a client of the company.
    Assign {
        /// The client.
        client: String,
        /// IG user ids.
        #[arg(required = true)]
        ids: Vec<String>,
    },
    /// Remove an account from the company.
    Remove {
        /// IG user id.
        id: String,
    },
    /// Ask Meta about the token of each account (or of the one given).
    Status {
        /// IG user id.
        id: Option<String>,
    },
}

/// What kind of post `publish` makes.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum PostKindArg {
    /// One image (a public URL).
    Image,
    /// 2 to 10 images and videos.
    Carousel,
    /// A video (a URL or a local file, uploaded).
    Reel,
    /// A story (an image URL, or a video URL or file).
    Story,
}

/// `instagraph publish`.
#[derive(Debug, Args)]
pub struct PublishArgs {
    /// What kind of post.
    pub kind: PostKindArg,
    /// The media: public URLs, or local video files (uploaded with a progress bar).
    #[arg(required = true, value_name = "FILE_OR_URL")]
    pub media: Vec<String>,
    /// The IG account to publish on (its IG user id).
    #[arg(long, short)]
    pub account: String,
    /// The caption.
    #[arg(long, short)]
    pub caption: Option<String>,
    /// Alternative text of the image.
    #[arg(long)]
    pub alt_text: Option<String>,
    /// Publish later, at this time (RFC 3339, e.g. 2026-12-24T09:00:00Z): the scheduler runs it.
    #[arg(long, value_name = "TIME")]
    pub at: Option<String>,
    /// Publishing again with the same key returns the first result.
    #[arg(long)]
    pub idempotency_key: Option<String>,
}

/// `instagraph schedule`.
#[derive(Debug, Args)]
pub struct ScheduleArgs {
    /// What to do (default: list).
    #[command(subcommand)]
    pub action: Option<ScheduleAction>,
}

/// `instagraph schedule …`.
#[derive(Debug, Subcommand)]
pub enum ScheduleAction {
    /// The company's publish jobs, newest first.
    List {
        /// Only jobs in this status (scheduled, published, failed, cancelled, …).
        #[arg(long)]
        status: Option<String>,
    },
    /// Cancel a scheduled post.
    Cancel {
        /// The job id.
        job: String,
    },
    /// Run a worker: publish the due posts, one line per pass (its jobs and their results),
    /// until Ctrl-C (or once with --once, or --passes N times).
    Run {
        /// One pass over the due posts, then exit (prints the pass's report).
        #[arg(long)]
        once: bool,
        /// Stop after this many passes (each prints a line; a pass that found work is followed
        /// at once by the next, an idle one after a wait of 1 s, doubling up to 10 s).
        #[arg(long, value_name = "N", conflicts_with = "once",
              value_parser = clap::value_parser!(u64).range(1..))]
        passes: Option<u64>,
        /// The worker's id (the lease owner it writes).
        #[arg(long, default_value = "instagraph-cli")]
        worker: String,
    },
}

/// How `insights` groups days.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ByArg {
    /// One point per day.
    Day,
    /// One point per ISO week.
    Week,
    /// One point per calendar month.
    Month,
}

/// `instagraph insights`.
#[derive(Debug, Args)]
pub struct InsightsArgs {
    /// The IG account (IG user id).
    pub account: String,
    /// Metrics (comma-separated), e.g. reach,views.
    #[arg(long, value_delimiter = ',', default_value = "reach")]
    pub metric: Vec<String>,
    /// How many days back from now.
    #[arg(long, default_value_t = 30)]
    pub days: i64,
    /// Group the days by week or month.
    #[arg(long, value_enum, default_value = "day")]
    pub by: ByArg,
    /// Print CSV (`date,metric,value`) instead of a chart.
    #[arg(long)]
    pub csv: bool,
}

/// `instagraph comments`.
#[derive(Debug, Args)]
pub struct CommentsArgs {
    /// The IG account (IG user id).
    pub account: String,
    /// Only comments the account has not answered.
    #[arg(long)]
    pub unanswered: bool,
    /// How many of the latest media to read.
    #[arg(long, default_value_t = 5)]
    pub media: u32,
}

/// `instagraph messages`.
#[derive(Debug, Args)]
pub struct MessagesArgs {
    /// The IG account (IG user id).
    pub account: String,
    /// Messages shown per conversation (Meta serves the 20 newest).
    #[arg(long, default_value_t = 5)]
    pub last: usize,
}

/// `instagraph token`.
#[derive(Debug, Args)]
pub struct TokenArgs {
    /// What to do.
    #[command(subcommand)]
    pub action: TokenAction,
}

/// `instagraph token …`.
#[derive(Debug, Subcommand)]
pub enum TokenAction {
    /// What Meta says of the stored tokens (debug_token): valid, expiry, missing scopes.
    Debug {
        /// One token id (default: every token of the company).
        token: Option<String>,
    },
    /// Refresh the tokens that expire within --days; list those that need a reconnect.
    Refresh {
        /// The horizon, in days.
        #[arg(long, default_value_t = 10)]
        days: u64,
    },
}

/// `instagraph webhooks`.
#[derive(Debug, Args)]
pub struct WebhooksArgs {
    /// What to do.
    #[command(subcommand)]
    pub action: WebhooksAction,
}

/// `instagraph webhooks …`.
#[derive(Debug, Subcommand)]
pub enum WebhooksAction {
    /// Serve the callback: answer Meta's verification, check signatures, print the events.
    Listen {
        /// The port at 127.0.0.1 (0 picks a free one; the URL is printed).
        #[arg(long, default_value_t = 0)]
        port: u16,
        /// The verify token Meta's subscription was set up with.
        #[arg(long, env = "INSTAGRAM_WEBHOOK_VERIFY_TOKEN")]
        verify_token: String,
        /// Stop after this many deliveries.
        #[arg(long)]
        max_events: Option<u64>,
        /// Register the callback with the sandbox (sandbox mode only) so that its events arrive.
        #[arg(long)]
        register: bool,
    },
}

/// `instagraph store`.
#[derive(Debug, Args)]
pub struct StoreArgs {
    /// What to do.
    #[command(subcommand)]
    pub action: StoreAction,
}

/// `instagraph store …` (the `instagraph-store` tool's commands).
#[derive(Debug, Subcommand)]
pub enum StoreAction {
    /// Apply pending migrations and list the applied ones.
    Migrate,
    /// Seal again with INSTAGRAPH_SEALING_KEY every token sealed with a key of
    /// INSTAGRAPH_PREVIOUS_SEALING_KEYS (after a key rotation).
    Reseal {
        /// Rows per batch (1 to 500).
        #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u64).range(1..=500))]
        batch: u64,
    },
    /// Print a new random sealing key (base64).
    GenerateKey,
}
