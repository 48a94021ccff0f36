-- instagraph SQLite schema, version 5: shared budgets (hashtags searched, posts published,
-- webhook deliveries seen), one row per key counted in a scope, with when it was counted
-- (microseconds since the epoch). Old rows are dropped by the counts themselves and by
-- `purge_counted`.
CREATE TABLE budget_entries (
    scope      TEXT    NOT NULL,
    key        TEXT    NOT NULL,
    counted_at INTEGER NOT NULL,
    PRIMARY KEY (scope, key)
);
CREATE INDEX budget_entries_counted_at ON budget_entries (counted_at);
