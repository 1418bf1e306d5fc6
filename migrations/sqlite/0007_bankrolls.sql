-- The bankroll each user sizes Kelly stakes from (issue [G] item 3), in cents. No row = the
-- user has not set one (the configured default, if any, applies).
CREATE TABLE bankrolls (
    user_id        TEXT PRIMARY KEY NOT NULL,
    bankroll_cents INTEGER NOT NULL CHECK (bankroll_cents > 0),
    updated_at     INTEGER NOT NULL
);
