//! `LedgerStore` for SQLite and Postgres from one body, like `sql_store.rs`. The one dialect
//! difference is the claim: Postgres adds `FOR UPDATE SKIP LOCKED` so concurrent settlers take
//! disjoint batches; SQLite serialises writers, so its plain `UPDATE … RETURNING` is enough.

use sqlx::Row;

use super::ledger::*;
use super::sql_store::{PostgresStore, SqliteStore};
use super::*;
use crate::betting::Market;
use crate::domain::{BetStatus, DecimalOdds};
use crate::ids::micros_to_time;

// Column lists as macros so every statement stays a `&'static str` (sqlx audits dynamic SQL).
macro_rules! bet_columns {
    () => {
        "id, user_id, thread_id, idempotency_key, stake_cents, payout_cents, \
         odds_american, legs, status, created_at, demo, settled_at, payout_actual_cents, clv_bp"
    };
}

macro_rules! leg_columns {
    () => {
        "bet_id, leg_index, user_id, event_id, sport, home_team, away_team, \
         commence_time, market, selection, line, price_decimal, price_american, book, book_quote_at, \
         rule_scope, result, settled_at, home_score, away_score, closing_price, closing_fair, \
         closing_quote_at, clv_bp"
    };
}

fn status(text: &str) -> StoreResult<BetStatus> {
    text.parse().map_err(StoreError::Corrupt)
}

/// An exact price from its TEXT column (`21/11`); anything else is a corrupt row, named.
fn price(column: &str, text: &str) -> StoreResult<DecimalOdds> {
    serde_json::from_value(serde_json::Value::String(text.to_owned()))
        .map_err(|e| StoreError::Corrupt(format!("bet leg {column} {text:?}: {e}")))
}

fn opt_price(column: &str, text: Option<String>) -> StoreResult<Option<DecimalOdds>> {
    text.map(|t| price(column, &t)).transpose()
}

/// How an exact price is stored: the ratio, `21/11`.
fn price_text(price: &DecimalOdds) -> String {
    let r = price.as_ratio();
    format!("{}/{}", r.numer(), r.denom())
}

/// A leg's market from its TEXT column; any other key is a corrupt row, named.
fn market(text: &str) -> StoreResult<Market> {
    text.parse()
        .map_err(|e: crate::betting::UnknownMarket| StoreError::Corrupt(format!("bet leg: {e}")))
}

fn opt_time(micros: Option<i64>) -> Option<DateTime<Utc>> {
    micros.map(micros_to_time)
}

use chrono::{DateTime, Utc};

macro_rules! ledger_store {
    ($store:ty, $db:ty, $skip_locked:literal) => {
        impl $store {
            fn bet_from(row: &<$db as sqlx::Database>::Row) -> StoreResult<LedgerBet> {
                Ok(LedgerBet {
                    bet: BetRecord {
                        id: row.try_get("id")?,
                        user_id: row.try_get("user_id")?,
                        thread_id: row.try_get("thread_id")?,
                        idempotency_key: row.try_get("idempotency_key")?,
                        stake_cents: row.try_get("stake_cents")?,
                        payout_cents: row.try_get("payout_cents")?,
                        odds_american: row.try_get("odds_american")?,
                        legs: row.try_get("legs")?,
                        status: status(&row.try_get::<String, _>("status")?)?,
                        created_at: micros_to_time(row.try_get("created_at")?),
                    },
                    demo: row.try_get("demo")?,
                    settled_at: opt_time(row.try_get("settled_at")?),
                    payout_actual_cents: row.try_get("payout_actual_cents")?,
                    clv_bp: row.try_get("clv_bp")?,
                    legs: Vec::new(),
                })
            }

            fn leg_from(row: &<$db as sqlx::Database>::Row) -> StoreResult<LegRecord> {
                Ok(LegRecord {
                    bet_id: row.try_get("bet_id")?,
                    leg_index: row.try_get("leg_index")?,
                    user_id: row.try_get("user_id")?,
                    event_id: row.try_get("event_id")?,
                    sport: row.try_get("sport")?,
                    home_team: row.try_get("home_team")?,
                    away_team: row.try_get("away_team")?,
                    commence_time: micros_to_time(row.try_get("commence_time")?),
                    market: market(&row.try_get::<String, _>("market")?)?,
                    selection: row.try_get("selection")?,
                    line: row.try_get("line")?,
                    price_decimal: price("price_decimal", &row.try_get::<String, _>("price_decimal")?)?,
                    price_american: row.try_get("price_american")?,
                    book: row.try_get("book")?,
                    book_quote_at: opt_time(row.try_get("book_quote_at")?),
                    rule_scope: row.try_get("rule_scope")?,
                    result: status(&row.try_get::<String, _>("result")?)?,
                    settled_at: opt_time(row.try_get("settled_at")?),
                    home_score: row.try_get("home_score")?,
                    away_score: row.try_get("away_score")?,
                    closing_price: opt_price("closing_price", row.try_get("closing_price")?)?,
                    closing_fair: opt_price("closing_fair", row.try_get("closing_fair")?)?,
                    closing_quote_at: opt_time(row.try_get("closing_quote_at")?),
                    clv_bp: row.try_get("clv_bp")?,
                })
            }

            /// The bets these rows name, with their legs attached (same order as `bets`).
            async fn with_legs(
                &self,
                mut bets: Vec<LedgerBet>,
                user_id: Option<&str>,
                claimer: Option<&str>,
            ) -> StoreResult<Vec<LedgerBet>> {
                let rows = match (user_id, claimer) {
                    (Some(user), _) => {
                        sqlx::query(concat!(
                            "SELECT ", leg_columns!(), " FROM bet_legs WHERE user_id = $1 \
                             ORDER BY bet_id, leg_index"
                        ))
                        .bind(user)
                        .fetch_all(&self.pool)
                        .await?
                    }
                    (None, Some(claimer)) => {
                        sqlx::query(concat!(
                            "SELECT ", leg_columns!(), " FROM bet_legs WHERE bet_id IN \
                             (SELECT id FROM bets WHERE claimed_by = $1 AND status = 'pending') \
                             ORDER BY bet_id, leg_index"
                        ))
                        .bind(claimer)
                        .fetch_all(&self.pool)
                        .await?
                    }
                    (None, None) => Vec::new(),
                };
                let mut legs: std::collections::HashMap<String, Vec<LegRecord>> =
                    std::collections::HashMap::new();
                for row in &rows {
                    let leg = Self::leg_from(row)?;
                    legs.entry(leg.bet_id.clone()).or_default().push(leg);
                }
                for bet in &mut bets {
                    bet.legs = legs.remove(&bet.bet.id).unwrap_or_default();
                }
                Ok(bets)
            }
        }

        #[async_trait]
        impl LedgerStore for $store {
            async fn place_tracked_bet(
                &self,
                bet: &BetRecord,
                demo: bool,
                legs: &[LegRecord],
            ) -> StoreResult<(BetRecord, bool)> {
                let mut tx = self.pool.begin().await?;
                let inserted = sqlx::query(
                    "INSERT INTO bets (id, user_id, thread_id, idempotency_key, stake_cents, payout_cents, \
                     odds_american, legs, status, created_at, demo) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) \
                     ON CONFLICT (user_id, idempotency_key) DO NOTHING",
                )
                .bind(&bet.id)
                .bind(&bet.user_id)
                .bind(&bet.thread_id)
                .bind(&bet.idempotency_key)
                .bind(bet.stake_cents)
                .bind(bet.payout_cents)
                .bind(bet.odds_american)
                .bind(&bet.legs)
                .bind(bet.status.as_str())
                .bind(bet.created_at.timestamp_micros())
                .bind(demo)
                .execute(&mut *tx)
                .await?
                .rows_affected()
                    == 1;
                if inserted {
                    for leg in legs {
                        sqlx::query(concat!(
                            "INSERT INTO bet_legs (", leg_columns!(), ") VALUES ($1, $2, $3, $4, $5, $6, $7, \
                             $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24)"
                        ))
                        .bind(&bet.id)
                        .bind(leg.leg_index)
                        .bind(&bet.user_id)
                        .bind(&leg.event_id)
                        .bind(&leg.sport)
                        .bind(&leg.home_team)
                        .bind(&leg.away_team)
                        .bind(leg.commence_time.timestamp_micros())
                        .bind(leg.market.as_str())
                        .bind(&leg.selection)
                        .bind(leg.line)
                        .bind(price_text(&leg.price_decimal))
                        .bind(leg.price_american)
                        .bind(&leg.book)
                        .bind(leg.book_quote_at.map(|t| t.timestamp_micros()))
                        .bind(&leg.rule_scope)
                        .bind(leg.result.as_str())
                        .bind(leg.settled_at.map(|t| t.timestamp_micros()))
                        .bind(leg.home_score)
                        .bind(leg.away_score)
                        .bind(leg.closing_price.as_ref().map(price_text))
                        .bind(leg.closing_fair.as_ref().map(price_text))
                        .bind(leg.closing_quote_at.map(|t| t.timestamp_micros()))
                        .bind(leg.clv_bp)
                        .execute(&mut *tx)
                        .await?;
                    }
                }
                tx.commit().await?;
                let stored = self
                    .get_bet_by_key(&bet.user_id, &bet.idempotency_key)
                    .await?
                    .ok_or_else(|| StoreError::Corrupt("a bet vanished right after it was placed".into()))?;
                Ok((stored, inserted))
            }

            async fn list_ledger(&self, user_id: &str) -> StoreResult<Vec<LedgerBet>> {
                let rows = sqlx::query(concat!(
                    "SELECT ", bet_columns!(), " FROM bets WHERE user_id = $1 ORDER BY created_at DESC, id DESC"
                ))
                .bind(user_id)
                .fetch_all(&self.pool)
                .await?;
                let bets = rows.iter().map(Self::bet_from).collect::<StoreResult<Vec<_>>>()?;
                self.with_legs(bets, Some(user_id), None).await
            }

            async fn claim_unsettled(
                &self,
                claimer: &str,
                user_id: Option<&str>,
                now: DateTime<Utc>,
                until: DateTime<Utc>,
                limit: i64,
            ) -> StoreResult<Vec<LedgerBet>> {
                // The claim condition is repeated outside the subquery so a Postgres row that
                // another settler claimed meanwhile is re-checked, not taken twice.
                macro_rules! claim_sql {
                    ($scope:literal) => {
                        concat!(
                            "UPDATE bets SET claimed_by = $1, claimed_until = $2 \
                             WHERE status = 'pending' AND (claimed_until IS NULL OR claimed_until < $3) \
                             AND id IN (SELECT id FROM bets WHERE status = 'pending' \
                               AND (claimed_until IS NULL OR claimed_until < $3) \
                               AND EXISTS (SELECT 1 FROM bet_legs WHERE bet_legs.bet_id = bets.id)",
                            $scope,
                            " ORDER BY created_at, id LIMIT $4",
                            $skip_locked,
                            ")"
                        )
                    };
                }
                let sql = if user_id.is_some() {
                    claim_sql!(" AND user_id = $5")
                } else {
                    claim_sql!("")
                };
                let claimed = sqlx::query(sql)
                .bind(claimer)
                .bind(until.timestamp_micros())
                .bind(now.timestamp_micros())
                .bind(limit);
                let claimed = match user_id {
                    Some(user) => claimed.bind(user),
                    None => claimed,
                }
                .execute(&self.pool)
                .await?
                .rows_affected();
                if claimed == 0 {
                    return Ok(Vec::new());
                }
                let rows = sqlx::query(concat!(
                    "SELECT ", bet_columns!(), " FROM bets WHERE claimed_by = $1 AND status = 'pending' \
                     ORDER BY created_at, id"
                ))
                .bind(claimer)
                .fetch_all(&self.pool)
                .await?;
                let bets = rows.iter().map(Self::bet_from).collect::<StoreResult<Vec<_>>>()?;
                self.with_legs(bets, None, Some(claimer)).await
            }

            async fn record_grading(&self, claimer: &str, g: &Grading) -> StoreResult<bool> {
                let mut tx = self.pool.begin().await?;
                let held = sqlx::query(
                    "UPDATE bets SET claimed_by = NULL, claimed_until = NULL \
                     WHERE id = $1 AND user_id = $2 AND status = 'pending' AND claimed_by = $3",
                )
                .bind(&g.bet_id)
                .bind(&g.user_id)
                .bind(claimer)
                .execute(&mut *tx)
                .await?
                .rows_affected()
                    == 1;
                if !held {
                    tx.rollback().await?;
                    return Ok(false);
                }
                let at = g.at.timestamp_micros();
                for leg in &g.legs {
                    if let Some(c) = &leg.closing {
                        // Only a newer quote replaces the closing price.
                        sqlx::query(
                            "UPDATE bet_legs SET closing_price = $1, closing_fair = $2, closing_quote_at = $3 \
                             WHERE bet_id = $4 AND user_id = $5 AND leg_index = $6 \
                             AND (closing_quote_at IS NULL OR closing_quote_at <= $3)",
                        )
                        .bind(price_text(&c.price))
                        .bind(c.fair.as_ref().map(price_text))
                        .bind(c.quote_at.timestamp_micros())
                        .bind(&g.bet_id)
                        .bind(&g.user_id)
                        .bind(leg.leg_index)
                        .execute(&mut *tx)
                        .await?;
                    }
                    if let Some(r) = &leg.result {
                        sqlx::query(
                            "UPDATE bet_legs SET result = $1, settled_at = $2, home_score = $3, away_score = $4 \
                             WHERE bet_id = $5 AND user_id = $6 AND leg_index = $7 AND result = 'pending'",
                        )
                        .bind(r.status.as_str())
                        .bind(at)
                        .bind(r.home_score)
                        .bind(r.away_score)
                        .bind(&g.bet_id)
                        .bind(&g.user_id)
                        .bind(leg.leg_index)
                        .execute(&mut *tx)
                        .await?;
                    }
                    if leg.clv_bp.is_some() {
                        sqlx::query(
                            "UPDATE bet_legs SET clv_bp = $1 WHERE bet_id = $2 AND user_id = $3 AND leg_index = $4",
                        )
                        .bind(leg.clv_bp)
                        .bind(&g.bet_id)
                        .bind(&g.user_id)
                        .bind(leg.leg_index)
                        .execute(&mut *tx)
                        .await?;
                    }
                }
                if let Some(s) = &g.settlement {
                    sqlx::query(
                        "UPDATE bets SET status = $1, settled_at = $2, payout_actual_cents = $3, clv_bp = $4 \
                         WHERE id = $5 AND user_id = $6 AND status = 'pending'",
                    )
                    .bind(s.status.as_str())
                    .bind(at)
                    .bind(s.payout_actual_cents)
                    .bind(s.clv_bp)
                    .bind(&g.bet_id)
                    .bind(&g.user_id)
                    .execute(&mut *tx)
                    .await?;
                }
                tx.commit().await?;
                Ok(true)
            }

            async fn staked_since(&self, user_id: &str, since: DateTime<Utc>) -> StoreResult<i64> {
                let total: Option<i64> = sqlx::query_scalar(
                    "SELECT CAST(SUM(stake_cents) AS BIGINT) FROM bets WHERE user_id = $1 AND created_at >= $2",
                )
                .bind(user_id)
                .bind(since.timestamp_micros())
                .fetch_one(&self.pool)
                .await?;
                Ok(total.unwrap_or(0))
            }

            async fn get_limits(&self, user_id: &str) -> StoreResult<Option<String>> {
                Ok(sqlx::query_scalar("SELECT data FROM gambling_limits WHERE user_id = $1")
                    .bind(user_id)
                    .fetch_optional(&self.pool)
                    .await?)
            }

            async fn save_limits(&self, user_id: &str, data: &str, at: DateTime<Utc>) -> StoreResult<()> {
                sqlx::query(
                    "INSERT INTO gambling_limits (user_id, data, updated_at) VALUES ($1, $2, $3) \
                     ON CONFLICT (user_id) DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at",
                )
                .bind(user_id)
                .bind(data)
                .bind(at.timestamp_micros())
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn get_bankroll(&self, user_id: &str) -> StoreResult<Option<i64>> {
                Ok(sqlx::query_scalar("SELECT bankroll_cents FROM bankrolls WHERE user_id = $1")
                    .bind(user_id)
                    .fetch_optional(&self.pool)
                    .await?)
            }

            async fn set_bankroll(
                &self,
                user_id: &str,
                bankroll_cents: Option<i64>,
                at: DateTime<Utc>,
            ) -> StoreResult<()> {
                match bankroll_cents {
                    Some(cents) => sqlx::query(
                        "INSERT INTO bankrolls (user_id, bankroll_cents, updated_at) VALUES ($1, $2, $3) \
                         ON CONFLICT (user_id) DO UPDATE SET bankroll_cents = excluded.bankroll_cents, \
                         updated_at = excluded.updated_at",
                    )
                    .bind(user_id)
                    .bind(cents)
                    .bind(at.timestamp_micros())
                    .execute(&self.pool)
                    .await?,
                    None => sqlx::query("DELETE FROM bankrolls WHERE user_id = $1")
                        .bind(user_id)
                        .execute(&self.pool)
                        .await?,
                };
                Ok(())
            }

            async fn settled_net_since(&self, user_id: &str, since: DateTime<Utc>) -> StoreResult<i64> {
                let total: Option<i64> = sqlx::query_scalar(
                    "SELECT CAST(SUM(payout_actual_cents - stake_cents) AS BIGINT) FROM bets \
                     WHERE user_id = $1 AND settled_at IS NOT NULL AND settled_at >= $2",
                )
                .bind(user_id)
                .bind(since.timestamp_micros())
                .fetch_one(&self.pool)
                .await?;
                Ok(total.unwrap_or(0))
            }
        }
    };
}

ledger_store!(SqliteStore, sqlx::Sqlite, "");
ledger_store!(PostgresStore, sqlx::Postgres, " FOR UPDATE SKIP LOCKED");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leg_columns_read_back_typed_or_name_what_is_corrupt() {
        for m in Market::ALL {
            assert_eq!(market(m.as_str()).unwrap(), m);
        }
        match market("player_points") {
            Err(StoreError::Corrupt(why)) => assert!(why.contains("\"player_points\""), "{why}"),
            other => panic!("an unknown market must be a corrupt row, got {other:?}"),
        }
        let taken = price("price_decimal", "21/11").unwrap();
        assert_eq!(taken, DecimalOdds::from_ratio(21, 11).unwrap());
        assert_eq!(price_text(&taken), "21/11");
        assert_eq!(opt_price("closing_fair", None).unwrap(), None);
        match price("closing_price", "1/2") {
            Err(StoreError::Corrupt(why)) => assert!(why.contains("closing_price"), "{why}"),
            other => panic!("a price that pays nothing must be a corrupt row, got {other:?}"),
        }
    }
}
