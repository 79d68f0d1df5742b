//! A partner's recorded health history as a report table, for downloads.

use domain::insight::Band;
use uuid::Uuid;

use crate::reports::{Cell, Table};
use crate::{Actor, PageRequest, Result, Services};

impl Services {
    /// Every day the daily job recorded `partner`'s health, newest first: the score, its band,
    /// each component's score (empty: no data that day) and the early-risk flags. Ours only,
    /// as the health page.
    pub async fn health_table(&self, actor: &Actor, partner_id: Uuid) -> Result<Table> {
        let view = self
            .health(actor, partner_id, &PageRequest::everything())
            .await?;
        // The components the program weighs today, in its order; a day recorded under
        // another program shows the ones it had.
        let keys: Vec<_> = view.now.components.iter().map(|c| c.key).collect();
        let mut columns = vec!["Day".to_owned(), "Score (of 100)".into(), "Band".into()];
        columns.extend(keys.iter().map(|k| format!("{} (of 100)", k.label())));
        columns.extend(["Flags".into(), "Early-risk flags".into()]);
        let rows = view
            .history
            .items
            .into_iter()
            .map(|day| {
                let mut cells = vec![
                    Cell::Day(day.computed_on),
                    day.score.map_or(Cell::Empty, |s| Cell::Count(i64::from(s))),
                    day.band
                        .map_or(Cell::Empty, |b: Band| Cell::Text(b.label().into())),
                ];
                cells.extend(keys.iter().map(|key| {
                    day.components
                        .iter()
                        .find(|c| c.key == *key)
                        .and_then(|c| c.score)
                        .map_or(Cell::Empty, |s| Cell::Count(i64::from(s)))
                }));
                cells.push(Cell::Count(day.flags.len() as i64));
                cells.push(Cell::Text(
                    day.flags
                        .iter()
                        .map(|f| f.message.as_str())
                        .collect::<Vec<_>>()
                        .join("; "),
                ));
                cells
            })
            .collect();
        Ok(Table {
            title: "Health history".into(),
            columns,
            rows,
        })
    }
}
