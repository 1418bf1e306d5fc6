-- The ledger: what grading needs per leg, and each bet's settlement (issue [G] item 4).
-- Times are microseconds since the Unix epoch (UTC). Prices are exact fractions as text
-- ("21/11"); CLV is in basis points.
ALTER TABLE bets ADD COLUMN demo BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE bets ADD COLUMN settled_at INTEGER;
ALTER TABLE bets ADD COLUMN payout_actual_cents INTEGER;
ALTER TABLE bets ADD COLUMN clv_bp INTEGER;
-- A settler's claim on a pending bet: who holds it and until when (several server processes).
ALTER TABLE bets ADD COLUMN claimed_by TEXT;
ALTER TABLE bets ADD COLUMN claimed_until INTEGER;
CREATE INDEX bets_unsettled ON bets (status, created_at);

CREATE TABLE bet_legs (
    bet_id               TEXT NOT NULL REFERENCES bets (id) ON DELETE CASCADE,
    leg_index            INTEGER NOT NULL CHECK (leg_index >= 0),
    user_id              TEXT NOT NULL,
    event_id             TEXT NOT NULL,
    sport                TEXT NOT NULL,
    home_team            TEXT NOT NULL,
    away_team            TEXT NOT NULL,
    commence_time        INTEGER NOT NULL,
    market               TEXT NOT NULL,
    selection            TEXT NOT NULL,
    line                 REAL,
    price_decimal        TEXT NOT NULL,
    price_american       INTEGER NOT NULL,
    book                 TEXT NOT NULL,
    book_quote_at        INTEGER,
    rule_scope           TEXT NOT NULL,
    result               TEXT NOT NULL DEFAULT 'pending',
    settled_at           INTEGER,
    home_score           INTEGER,
    away_score           INTEGER,
    closing_price        TEXT,
    closing_fair         TEXT,
    closing_quote_at     INTEGER,
    clv_bp               INTEGER,
    PRIMARY KEY (bet_id, leg_index)
);
CREATE INDEX bet_legs_by_user ON bet_legs (user_id, bet_id);
