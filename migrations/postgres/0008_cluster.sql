-- What processes sharing this database coordinate through (issue [J]). SQLite has no
-- counterpart: one process owns the file and keeps this state in memory or on disk.

-- Secrets every process must agree on, generated once by whichever process starts first
-- (insert-if-absent). Only the app's role (the owner) may read them.
CREATE TABLE server_secrets (
    name        TEXT PRIMARY KEY,
    value       TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);
REVOKE ALL ON server_secrets FROM PUBLIC;

-- Attachment bytes, so any process can serve a preview. Scoped by the owner like every
-- other row, and removed with their attachment.
CREATE TABLE chatkit_attachment_blobs (
    attachment_id  TEXT COLLATE "C" PRIMARY KEY REFERENCES chatkit_attachments (id) ON DELETE CASCADE,
    user_id        TEXT NOT NULL,
    bytes          BYTEA NOT NULL
);

-- Shared rate limits: one GCRA cell per budget and key ("turn:<user>", "guest_ip:<ip>"),
-- holding its theoretical arrival time in microseconds. UNLOGGED: no WAL per admitted
-- request; a crash of the database resets the budgets, which only forgives a minute or an hour.
CREATE UNLOGGED TABLE rate_limits (
    key  TEXT COLLATE "C" PRIMARY KEY,
    tat  BIGINT NOT NULL
);

-- Periodic background tasks: a process runs a task only after claiming its next run, so one
-- run happens per interval however many processes share the database.
CREATE TABLE background_tasks (
    task         TEXT PRIMARY KEY,
    next_run_at  BIGINT NOT NULL,
    claimed_by   TEXT NOT NULL
);
