-- Threads, items, attachments, feedback and bets. Times are microseconds since the Unix epoch
-- (UTC); JSON columns hold wire JSON as text. Every row carries its owner's user_id.
CREATE TABLE chatkit_threads (
    id          TEXT PRIMARY KEY NOT NULL,
    user_id     TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    title       TEXT,
    status      TEXT NOT NULL DEFAULT '{"type":"active"}',
    metadata    TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX chatkit_threads_by_user ON chatkit_threads (user_id, created_at, id);

CREATE TABLE chatkit_thread_items (
    id          TEXT PRIMARY KEY NOT NULL,
    thread_id   TEXT NOT NULL REFERENCES chatkit_threads (id) ON DELETE CASCADE,
    user_id     TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    item_type   TEXT NOT NULL,
    hidden      BOOLEAN NOT NULL DEFAULT FALSE,
    data        TEXT NOT NULL
);
CREATE INDEX chatkit_thread_items_by_thread ON chatkit_thread_items (thread_id, created_at, id);

CREATE TABLE chatkit_attachments (
    id          TEXT PRIMARY KEY NOT NULL,
    user_id     TEXT NOT NULL,
    thread_id   TEXT REFERENCES chatkit_threads (id) ON DELETE SET NULL,
    name        TEXT NOT NULL,
    mime_type   TEXT NOT NULL,
    size_bytes  INTEGER NOT NULL,
    uploaded    BOOLEAN NOT NULL DEFAULT FALSE,
    created_at  INTEGER NOT NULL
);
CREATE INDEX chatkit_attachments_by_user ON chatkit_attachments (user_id);

CREATE TABLE chatkit_feedback (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id     TEXT NOT NULL,
    thread_id   TEXT NOT NULL REFERENCES chatkit_threads (id) ON DELETE CASCADE,
    item_id     TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('positive', 'negative')),
    created_at  INTEGER NOT NULL
);
CREATE INDEX chatkit_feedback_by_thread ON chatkit_feedback (thread_id, user_id);

-- Bets outlive the thread they were placed from: no foreign key to chatkit_threads.
CREATE TABLE bets (
    id               TEXT PRIMARY KEY NOT NULL,
    user_id          TEXT NOT NULL,
    thread_id        TEXT,
    idempotency_key  TEXT NOT NULL,
    stake_cents      INTEGER NOT NULL CHECK (stake_cents > 0),
    payout_cents     INTEGER NOT NULL CHECK (payout_cents >= 0),
    odds_american    INTEGER NOT NULL,
    legs             TEXT NOT NULL,
    status           TEXT NOT NULL,
    created_at       INTEGER NOT NULL,
    UNIQUE (user_id, idempotency_key)
);
CREATE INDEX bets_by_user ON bets (user_id, created_at);
