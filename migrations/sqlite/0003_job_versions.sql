-- instagraph SQLite schema, version 3: every job carries a fencing number.
-- `version` goes up by one on every write that changes a job or its holder (update, claim,
-- acquire, release); updates, renewals and releases are compare-and-swaps on it, so a worker that
-- lost a job (even to a worker of the same name) cannot write it any more.
ALTER TABLE jobs ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
