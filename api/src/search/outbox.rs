//! Keeps the Algolia index in sync. Every catalog change queues its products in `search_outbox`
//! inside the changing transaction (the database triggers of the `search` migration do it, so no
//! code path can forget); this worker pushes the queue to Algolia and marks entries delivered.
//! A failed push is retried with exponential backoff (1 s, 2 s, 4 s … 5 min), so the index
//! converges once Algolia is reachable again. Entries are leased while in flight: with several
//! API instances each product is pushed by one worker at a time, and the entries of a crashed
//! worker are taken over when their lease expires.

use std::sync::{Arc, Weak};
use std::time::{Duration, Instant};

use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Text};
use uuid::Uuid;

use super::algolia::AlgoliaClient;
use super::records;
use crate::db::{self, PgPool};
use crate::error::AppResult;

/// How often an idle worker looks for new entries.
const POLL_INTERVAL: Duration = Duration::from_secs(1);
/// Entries pushed in one batch.
const BATCH_SIZE: i64 = 500;
/// Delivered entries are kept this long, for the record.
const KEEP_DELIVERED: &str = "7 days";
const KEEP_UNDELIVERED: &str = "30 days";
/// Serialises the claims of the workers of all instances.
const CLAIM_LOCK: i64 = 0x5ea_2c40;

/// The worker runs while this is alive.
pub struct OutboxWorker {
    _private: (),
}

impl OutboxWorker {
    /// Starts the worker as a task of the current Tokio runtime.
    pub fn start(pool: PgPool, client: Arc<AlgoliaClient>) -> Arc<OutboxWorker> {
        let worker = Arc::new(OutboxWorker { _private: () });
        let weak = Arc::downgrade(&worker);
        match tokio::runtime::Handle::try_current() {
            Ok(runtime) => {
                runtime.spawn(run(weak, pool, client));
            }
            Err(_) => tracing::error!(
                "search outbox: no runtime, the Algolia index will not be kept in sync"
            ),
        }
        worker
    }
}

async fn run(worker: Weak<OutboxWorker>, pool: PgPool, client: Arc<AlgoliaClient>) {
    let mut last_purge: Option<Instant> = None;
    while worker.strong_count() > 0 {
        let busy = match push_pending(&pool, &client).await {
            Ok(report) => report.delivered > 0,
            Err(e) => {
                tracing::warn!(error = %e, "search outbox: cannot read the queue");
                false
            }
        };
        if last_purge.is_none_or(|t| t.elapsed() > Duration::from_secs(3600)) {
            last_purge = Some(Instant::now());
            if let Err(e) = db::run(&pool, purge).await {
                tracing::warn!(error = %e, "search outbox: cannot purge old entries");
            }
        }
        // A full batch may be followed by more: go on at once.
        if !busy {
            tokio::time::sleep(POLL_INTERVAL).await;
        }
    }
}

/// What one round did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct PushReport {
    /// Queue entries taken (several may name the same product).
    pub claimed: usize,
    /// Entries delivered to Algolia.
    pub delivered: usize,
    /// Entries put back for a later attempt.
    pub failed: usize,
}

/// Takes the due entries, pushes the current state of their products in one batch, then marks
/// them delivered or schedules their retry.
pub async fn push_pending(pool: &PgPool, client: &AlgoliaClient) -> AppResult<PushReport> {
    let claimed: Vec<(i64, Uuid)> = db::transaction(pool, claim).await?;
    if claimed.is_empty() {
        return Ok(PushReport::default());
    }
    let entry_ids: Vec<i64> = claimed.iter().map(|c| c.0).collect();
    let mut product_ids: Vec<Uuid> = claimed.iter().map(|c| c.1).collect();
    product_ids.sort();
    product_ids.dedup();
    // Read after the claim: the state sent is at least as new as every claimed change.
    let ids = product_ids.clone();
    let pushed = match db::run(pool, move |conn| records::operations_for(conn, &ids)).await {
        Ok(operations) => client.batch(&operations).await.map_err(|e| e.to_string()),
        Err(e) => Err(format!("cannot read the products: {e}")),
    };
    let report = PushReport {
        claimed: entry_ids.len(),
        delivered: if pushed.is_ok() { entry_ids.len() } else { 0 },
        failed: if pushed.is_ok() { 0 } else { entry_ids.len() },
    };
    match pushed {
        Ok(task) => {
            tracing::debug!(
                products = product_ids.len(),
                task = task.task_id,
                "search outbox: pushed to Algolia"
            );
            db::run(pool, move |conn| {
                mark_delivered(conn, &entry_ids, &product_ids)
            })
            .await?;
        }
        Err(message) => {
            tracing::warn!(error = %message, entries = entry_ids.len(), "search outbox: push failed, will retry");
            db::run(pool, move |conn| reschedule(conn, &entry_ids, &message)).await?;
        }
    }
    Ok(report)
}

#[derive(QueryableByName)]
struct Claimed {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = diesel::sql_types::Uuid)]
    product_id: Uuid,
}

/// Leases the due entries whose product is not already in flight elsewhere.
fn claim(conn: &mut PgConnection) -> AppResult<Vec<(i64, Uuid)>> {
    diesel::sql_query("SELECT pg_advisory_xact_lock($1)")
        .bind::<BigInt, _>(CLAIM_LOCK)
        .execute(conn)?;
    let rows: Vec<Claimed> = diesel::sql_query(
        "UPDATE search_outbox SET leased_until = now() + interval '2 minutes', attempts = attempts + 1
         WHERE id IN (
             SELECT o.id FROM search_outbox o
             WHERE o.delivered_at IS NULL AND o.next_attempt_at <= now()
               AND (o.leased_until IS NULL OR o.leased_until < now())
               AND NOT EXISTS (
                   SELECT 1 FROM search_outbox b
                   WHERE b.product_id = o.product_id AND b.delivered_at IS NULL
                     AND b.leased_until >= now())
             ORDER BY o.id
             LIMIT $1)
         RETURNING id, product_id",
    )
    .bind::<BigInt, _>(BATCH_SIZE)
    .load(conn)?;
    Ok(rows.into_iter().map(|r| (r.id, r.product_id)).collect())
}

/// The claimed entries, and the older ones of the same products waiting for a retry (the state
/// just sent covers them), are delivered.
fn mark_delivered(
    conn: &mut PgConnection,
    entry_ids: &[i64],
    product_ids: &[Uuid],
) -> AppResult<()> {
    let newest = entry_ids.iter().copied().max().unwrap_or_default();
    diesel::sql_query(
        "UPDATE search_outbox SET delivered_at = now(), leased_until = NULL, last_error = NULL
         WHERE id = ANY($1)
            OR (delivered_at IS NULL AND product_id = ANY($2) AND id < $3
                AND (leased_until IS NULL OR leased_until < now()))",
    )
    .bind::<Array<BigInt>, _>(entry_ids)
    .bind::<Array<diesel::sql_types::Uuid>, _>(product_ids)
    .bind::<BigInt, _>(newest)
    .execute(conn)?;
    Ok(())
}

fn reschedule(conn: &mut PgConnection, entry_ids: &[i64], error: &str) -> AppResult<()> {
    diesel::sql_query(
        "UPDATE search_outbox
         SET leased_until = NULL, last_error = $2,
             next_attempt_at = now() + least(power(2, greatest(attempts - 1, 0)), 300) * interval '1 second'
         WHERE id = ANY($1)",
    )
    .bind::<Array<BigInt>, _>(entry_ids)
    .bind::<Text, _>(error.chars().take(500).collect::<String>())
    .execute(conn)?;
    Ok(())
}

/// Forgets entries delivered long ago, and entries never delivered for 30 days: without
/// Algolia nothing drains the queue, and after such an outage only `reindex` can catch up.
pub fn purge(conn: &mut PgConnection) -> AppResult<usize> {
    Ok(diesel::sql_query(format!(
        "DELETE FROM search_outbox
         WHERE delivered_at < now() - interval '{KEEP_DELIVERED}'
            OR (delivered_at IS NULL AND created_at < now() - interval '{KEEP_UNDELIVERED}')"
    ))
    .execute(conn)?)
}

/// Marks delivered every entry up to `last_id`, once a full reindex has covered them.
pub fn mark_covered_by_reindex(conn: &mut PgConnection, last_id: i64) -> AppResult<usize> {
    Ok(diesel::sql_query(
        "UPDATE search_outbox SET delivered_at = now(), leased_until = NULL, last_error = NULL
         WHERE delivered_at IS NULL AND id <= $1",
    )
    .bind::<BigInt, _>(last_id)
    .execute(conn)?)
}

/// The newest entry of the queue (0 when empty).
pub fn last_entry_id(conn: &mut PgConnection) -> AppResult<i64> {
    use crate::schema::search_outbox;
    Ok(search_outbox::table
        .select(diesel::dsl::max(search_outbox::id))
        .first::<Option<i64>>(conn)?
        .unwrap_or(0))
}
