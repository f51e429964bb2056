//! `ocpizza reindex`: rebuilds the PostgreSQL search documents and, when Algolia is configured,
//! the whole Algolia index (settings, then every product in batches). Queue entries older than
//! the rebuild are marked delivered: the rebuild covered them.

use std::time::Instant;

use diesel::prelude::*;
use uuid::Uuid;

use super::algolia::{AlgoliaClient, BatchOperation};
use super::progress::Progress;
use super::{outbox, records};
use crate::db::{self, PgPool};
use crate::schema::products;

/// Products per Algolia batch request.
pub const REINDEX_BATCH: usize = 500;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReindexReport {
    /// Products whose PostgreSQL documents were rebuilt.
    pub documents: usize,
    /// The Algolia index, when configured.
    pub index: Option<String>,
    /// Records sent (products on sale).
    pub indexed: usize,
    /// Deletions sent (products withdrawn).
    pub removed: usize,
    pub batches: usize,
    /// Queue entries the rebuild made unnecessary.
    pub outbox_covered: usize,
    pub seconds: f64,
}

impl ReindexReport {
    /// The one line for the terminal and the logs.
    pub fn summary(&self) -> String {
        let mut line = format!(
            "reindex: PostgreSQL search documents rebuilt for {} products",
            self.documents
        );
        match &self.index {
            Some(index) => line.push_str(&format!(
                "; Algolia index {index}: {} products indexed, {} removed, in {} batch{} ({} queued changes covered)",
                self.indexed,
                self.removed,
                self.batches,
                if self.batches == 1 { "" } else { "es" },
                self.outbox_covered
            )),
            None => line.push_str("; Algolia not configured"),
        }
        line.push_str(&format!(" in {:.1}s", self.seconds));
        line
    }
}

/// Rebuilds everything; a failure names the step that failed.
pub async fn reindex(
    pool: &PgPool,
    algolia: Option<&AlgoliaClient>,
    progress: &mut dyn Progress,
) -> Result<ReindexReport, String> {
    let started = Instant::now();
    let (documents, ids, last_entry) = db::run(pool, |conn| {
        let ids: Vec<Uuid> = products::table
            .select(products::id)
            .order(products::id)
            .load(conn)?;
        diesel::sql_query("SELECT search_rebuild_documents(ARRAY(SELECT id FROM products))")
            .execute(conn)?;
        let last_entry = outbox::last_entry_id(conn)?;
        Ok((ids.len(), ids, last_entry))
    })
    .await
    .map_err(|e| format!("cannot rebuild the search documents: {e}"))?;
    let mut report = ReindexReport {
        documents,
        ..Default::default()
    };
    if let Some(client) = algolia {
        report.index = Some(client.index_name().to_string());
        client
            .set_settings(&records::index_settings())
            .await
            .map_err(|e| format!("cannot push the index settings: {e}"))?;
        progress.start(ids.len() as u64);
        for chunk in ids.chunks(REINDEX_BATCH) {
            let chunk = chunk.to_vec();
            let operations = db::run(pool, move |conn| records::operations_for(conn, &chunk))
                .await
                .map_err(|e| format!("cannot read the products: {e}"))?;
            client
                .batch(&operations)
                .await
                .map_err(|e| format!("cannot send a batch: {e}"))?;
            for op in &operations {
                match op {
                    BatchOperation::UpdateObject(_) => report.indexed += 1,
                    BatchOperation::DeleteObject(_) => report.removed += 1,
                }
            }
            report.batches += 1;
            progress.advance(operations.len() as u64);
        }
        progress.finish();
        report.outbox_covered = db::run(pool, move |conn| {
            outbox::mark_covered_by_reindex(conn, last_entry)
        })
        .await
        .map_err(|e| format!("cannot update the queue: {e}"))?;
    }
    report.seconds = started.elapsed().as_secs_f64();
    Ok(report)
}
