-- Answers of metered data providers (The Odds API spends credits per request), shared by every
-- server process so each answer is fetched once per lifetime, not once per process (issue
-- [J]). A cache: UNLOGGED, and a crash of the database only costs a few refetches.
CREATE UNLOGGED TABLE provider_cache (
    key         TEXT COLLATE "C" PRIMARY KEY,
    value       TEXT NOT NULL,
    expires_at  BIGINT NOT NULL
);
