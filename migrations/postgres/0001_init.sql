-- instagraph Postgres schema, version 1 (the twin of migrations/sqlite/0001 + 0002).
-- Times are timestamptz (microsecond precision, like every backend); lists are text[]; a job's
-- payload is jsonb; enums are their snake_case names. Every table is keyed by the tenant
-- (company) first. Text that is compared or sorted is COLLATE "C" so that the order is the
-- byte order the memory and SQLite backends use, whatever the database's locale.

-- Tokens: only the sealed secret ("v1.<key id>.<base64>") is stored, never the token itself.
CREATE TABLE tokens (
    company     text COLLATE "C" NOT NULL,
    id          text COLLATE "C" NOT NULL,
    kind        text        NOT NULL,
    login       text        NOT NULL,
    subject_id  text COLLATE "C" NOT NULL,
    sealed      text COLLATE "C" NOT NULL,
    scopes      text[]      NOT NULL DEFAULT '{}',
    expires_at  timestamptz,
    issued_at   timestamptz NOT NULL,
    valid       boolean     NOT NULL DEFAULT true,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    PRIMARY KEY (company, id),
    UNIQUE (company, kind, login, subject_id)
);

CREATE INDEX tokens_company_expires ON tokens (company, expires_at) WHERE expires_at IS NOT NULL;

-- Accounts: the old MetaSocialAccount row. username_lc / name_lc are folded in Rust (Unicode
-- lower case) for search and case-insensitive sorting.
CREATE TABLE accounts (
    company             text COLLATE "C" NOT NULL,
    ig_user_id          text COLLATE "C" NOT NULL,
    client_id           text,
    facebook_user_id    text COLLATE "C",
    token_id            text,
    page_id             text,
    business_id         text,
    source              text        NOT NULL,
    is_added            boolean     NOT NULL DEFAULT false,
    assigned_client_id  text COLLATE "C",
    username            text,
    username_lc         text COLLATE "C",
    name                text,
    name_lc             text COLLATE "C",
    profile_picture_url text,
    followers_count     bigint,
    account_type        text,
    created_at          timestamptz NOT NULL,
    updated_at          timestamptz NOT NULL,
    PRIMARY KEY (company, ig_user_id)
);

CREATE INDEX accounts_company_user      ON accounts (company, facebook_user_id);
CREATE INDEX accounts_company_assigned  ON accounts (company, assigned_client_id);
CREATE INDEX accounts_company_added     ON accounts (company, is_added);
CREATE INDEX accounts_company_username  ON accounts (company, username_lc, ig_user_id);
CREATE INDEX accounts_company_name      ON accounts (company, name_lc, ig_user_id);
CREATE INDEX accounts_company_followers ON accounts (company, followers_count, ig_user_id);
CREATE INDEX accounts_company_created   ON accounts (company, created_at, ig_user_id);
CREATE INDEX accounts_company_updated   ON accounts (company, updated_at, ig_user_id);

-- OAuth states: single use, looked up by the state alone (the callback does not know the
-- company yet).
CREATE TABLE oauth_states (
    state        text COLLATE "C" NOT NULL PRIMARY KEY,
    company      text COLLATE "C" NOT NULL,
    login        text        NOT NULL,
    redirect_uri text        NOT NULL,
    scopes       text[]      NOT NULL DEFAULT '{}',
    client_id    text,
    created_at   timestamptz NOT NULL,
    expires_at   timestamptz NOT NULL
);

CREATE INDEX oauth_states_expires ON oauth_states (expires_at);

-- Publish jobs.
CREATE TABLE jobs (
    company          text COLLATE "C" NOT NULL,
    id               text COLLATE "C" NOT NULL,
    ig_user_id       text COLLATE "C" NOT NULL,
    idempotency_key  text COLLATE "C" NOT NULL,
    payload          jsonb       NOT NULL,
    status           text        NOT NULL,
    container_ids    text[]      NOT NULL DEFAULT '{}',
    media_id         text,
    permalink        text,
    error            text,
    scheduled_at     timestamptz,
    lease_owner      text COLLATE "C",
    lease_expires_at timestamptz,
    attempts         bigint      NOT NULL DEFAULT 0,
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL,
    PRIMARY KEY (company, id),
    UNIQUE (company, idempotency_key)
);

-- The claim query scans only claimable (non-terminal) jobs, in due order; it repeats this WHERE
-- term word for word so that the planner can use the index.
CREATE INDEX jobs_claimable ON jobs (scheduled_at NULLS FIRST, created_at, company, id)
    WHERE status NOT IN ('published', 'failed', 'cancelled');
CREATE INDEX jobs_company_status  ON jobs (company, status, created_at);
CREATE INDEX jobs_company_created ON jobs (company, created_at);
