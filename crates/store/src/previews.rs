//! The hourly count of conflict previews per partner organisation.

use uuid::Uuid;

use crate::{Result, Write, sql};

/// Counts one more conflict preview of a partner in `hour` and returns the hour's count so
/// far. The first preview of an hour deletes the partner's earlier hours.
pub async fn count(tx: &mut Write, partner_id: Uuid, hour: i64) -> Result<i64> {
    #[derive(sqlx::FromRow)]
    struct Count {
        previews: i64,
    }
    let previews = tx
        .one::<Count>(sql!(
            "INSERT INTO conflict_preview_counts (partner_id, hour, previews) VALUES ($1, $2, 1) \
             ON CONFLICT (partner_id, hour) \
             DO UPDATE SET previews = conflict_preview_counts.previews + 1 \
             RETURNING previews",
            partner_id,
            hour
        ))
        .await?
        .previews;
    if previews == 1 {
        tx.execute(sql!(
            "DELETE FROM conflict_preview_counts WHERE partner_id = $1 AND hour < $2",
            partner_id,
            hour
        ))
        .await?;
    }
    Ok(previews)
}
