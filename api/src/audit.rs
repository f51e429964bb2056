//! The audit log: who changed what and when, for the back office and for investigations.

use diesel::prelude::*;
use uuid::Uuid;

use crate::error::AppResult;
use crate::schema::audit_log;

pub fn record(
    conn: &mut PgConnection,
    actor: Option<Uuid>,
    action: &str,
    entity_type: &str,
    entity_id: &str,
    details: serde_json::Value,
) -> AppResult<()> {
    diesel::insert_into(audit_log::table)
        .values((
            audit_log::actor_id.eq(actor),
            audit_log::action.eq(action),
            audit_log::entity_type.eq(entity_type),
            audit_log::entity_id.eq(entity_id),
            audit_log::details.eq(details),
        ))
        .execute(conn)?;
    Ok(())
}
