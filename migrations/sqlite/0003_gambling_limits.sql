-- Responsible-gambling limits per user (issue [G] item 5), kept as JSON (`ledger::limits::
-- UserLimits`): caps, pending loosenings with their effective time, cool-off, self-exclusion.
CREATE TABLE gambling_limits (
    user_id     TEXT PRIMARY KEY NOT NULL,
    data        TEXT NOT NULL,
    updated_at  INTEGER NOT NULL
);
