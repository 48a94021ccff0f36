-- instagraph SQLite schema, version 4: a company's OAuth states in age order, for the bound on
-- live states per company that `put_state` keeps (the oldest beyond it are deleted).
CREATE INDEX oauth_states_company ON oauth_states (company, created_at, state);
