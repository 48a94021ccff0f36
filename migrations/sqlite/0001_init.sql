-- instagraph SQLite schema, version 1.
-- Times are INTEGER microseconds since the Unix epoch (UTC); lists are JSON arrays in TEXT;
-- enums are their snake_case names. Every table is keyed by the tenant (company) first.

-- Tokens: only the sealed secret ("v1.<key id>.<base64>") is stored, never the token itself.
CREATE TABLE tokens (
    company     TEXT    NOT NULL,
    id          TEXT    NOT NULL,
    kind        TEXT    NOT NULL,
    login       TEXT    NOT NULL,
    subject_id  TEXT    NOT NULL,
    sealed      TEXT    NOT NULL,
    scopes      TEXT    NOT NULL DEFAULT '[]',
    expires_at  INTEGER,
    issued_at   INTEGER NOT NULL,
    valid       INTEGER NOT NULL DEFAULT 1,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    PRIMARY KEY (company, id),
    UNIQUE (company, kind, login, subject_id)
) WITHOUT ROWID;

CREATE INDEX tokens_company_expires ON tokens (company, expires_at) WHERE expires_at IS NOT NULL;

-- Accounts: the old MetaSocialAccount row. username_lc / name_lc are folded in Rust (Unicode
-- lower case) for search and case-insensitive sorting.
CREATE TABLE accounts (
    company             TEXT    NOT NULL,
    ig_user_id          TEXT    NOT NULL,
    client_id           TEXT,
    facebook_user_id    TEXT,
    token_id            TEXT,
    page_id             TEXT,
    business_id         TEXT,
    source              TEXT    NOT NULL,
    is_added            INTEGER NOT NULL DEFAULT 0,
    assigned_client_id  TEXT,
    username            TEXT,
    username_lc         TEXT,
    name                TEXT,
    name_lc             TEXT,
    profile_picture_url TEXT,
    followers_count     INTEGER,
    account_type        TEXT,
    created_at          INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL,
    PRIMARY KEY (company, ig_user_id)
);

CREATE INDEX accounts_company_user     ON accounts (company, facebook_user_id);
CREATE INDEX accounts_company_assigned ON accounts (company, assigned_client_id);
CREATE INDEX accounts_company_added    ON accounts (company, is_added);
CREATE INDEX accounts_company_username ON accounts (company, username_lc, ig_user_id);
CREATE INDEX accounts_company_name     ON accounts (company, name_lc, ig_user_id);
CREATE INDEX accounts_company_followers ON accounts (company, followers_count, ig_user_id);
CREATE INDEX accounts_company_created  ON accounts (company, created_at, ig_user_id);
CREATE INDEX accounts_company_updated  ON accounts (company, updated_at, ig_user_id);

-- OAuth states: single use, looked up by the state alone (the callback does not know the
-- company yet).
CREATE TABLE oauth_states (
    state        TEXT    NOT NULL PRIMARY KEY,
    company      TEXT    NOT NULL,
    login        TEXT    NOT NULL,
    redirect_uri TEXT    NOT NULL,
    scopes       TEXT    NOT NULL DEFAULT '[]',
    client_id    TEXT,
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL
) WITHOUT ROWID;

CREATE INDEX oauth_states_expires ON oauth_states (expires_at);

-- Publish jobs.
CREATE TABLE jobs (
    company          TEXT    NOT NULL,
    id               TEXT    NOT NULL,
    ig_user_id       TEXT    NOT NULL,
    idempotency_key  TEXT    NOT NULL,
    payload          TEXT    NOT NULL,
    status           TEXT    NOT NULL,
    container_ids    TEXT    NOT NULL DEFAULT '[]',
    media_id         TEXT,
    permalink        TEXT,
    error            TEXT,
    scheduled_at     INTEGER,
    lease_owner      TEXT,
    lease_expires_at INTEGER,
    attempts         INTEGER NOT NULL DEFAULT 0,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    PRIMARY KEY (company, id),
    UNIQUE (company, idempotency_key)
);

-- The claim query scans only claimable jobs, in due order.
CREATE INDEX jobs_due ON jobs (scheduled_at, created_at)
    WHERE status IN ('scheduled', 'deferred');
CREATE INDEX jobs_company_status ON jobs (company, status, created_at);
CREATE INDEX jobs_company_created ON jobs (company, created_at);
