-- instagraph Postgres schema, version 4: shared budgets (hashtags searched, posts published,
-- webhook deliveries seen), one row per key counted in a scope, with when it was counted. Old
-- rows are dropped by the counts themselves and by `purge_counted`.
CREATE TABLE budget_entries (
    scope      text        NOT NULL,
    key        text        NOT NULL,
    counted_at timestamptz NOT NULL,
    PRIMARY KEY (scope, key)
);
CREATE INDEX budget_entries_counted_at ON budget_entries (counted_at);
