-- instagraph SQLite schema, version 2: claims also take over in-flight jobs.
-- `claim_due_jobs` picks every non-terminal job that is due and unleased (not only scheduled and
-- deferred ones), so that a crashed worker's or publisher's job is resumed once its lease lapses.
-- This partial index holds exactly those jobs, in due order; the claim query repeats its WHERE
-- term word for word so that SQLite uses it. It replaces `jobs_due`, whose WHERE no longer
-- matches the claim query.
CREATE INDEX jobs_claimable ON jobs (scheduled_at, created_at)
    WHERE status NOT IN ('published', 'failed', 'cancelled');
DROP INDEX jobs_due;
