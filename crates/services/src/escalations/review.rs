//! The post-resolution review of a case: written once the case is resolved or closed by its
//! owner or an admin, edited by version (a stale edit is refused, 409), read by our people
//! only. A partner's people are never handed it: for them it does not exist (404).

use domain::escalations::{self, ReviewForm};
use domain::permissions::Action;
use serde::Serialize;
use store::escalation_reviews::ReviewRow;
use time::OffsetDateTime;
use uuid::Uuid;

use super::cases::visible_case;
use super::views::state_of;
use crate::{Actor, Change, Error, Result, Services, record};

/// A case's review as our people read it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ReviewView {
    pub case_id: Uuid,
    /// ESC-000123
    pub reference: String,
    pub what_happened: String,
    pub root_cause: String,
    pub lessons: String,
    pub prevention: String,
    pub follow_ups: String,
    /// Who wrote the latest version.
    pub author: String,
    /// Send back with an edit: a review changed meanwhile is refused (409).
    pub version: i64,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

/// Our people who read cases read their reviews; anyone else finds none.
fn require_reader(actor: &Actor) -> Result<()> {
    if !actor.is_internal() {
        return Err(Error::NotFound);
    }
    actor
        .require(Action::WorkEscalations)
        .or_else(|refused| actor.require(Action::ReadInternal).map_err(|_| refused))
}

/// The case's owner writes its review, an admin any case's.
pub fn may_write_review(actor: &Actor, owner_id: Option<Uuid>) -> bool {
    actor.is_internal()
        && (actor.may(Action::ReviewAnyEscalation)
            || (actor.may(Action::WorkEscalations)
                && owner_id.is_some()
                && actor.user_id == owner_id))
}

impl Services {
    /// A case's review, None while nobody wrote it. Our people only.
    pub async fn escalation_review(&self, actor: &Actor, id: Uuid) -> Result<Option<ReviewView>> {
        require_reader(actor)?;
        let mut tx = self.db.read().await?;
        let case = visible_case(&mut tx, actor, id).await?;
        let Some(row) = store::escalation_reviews::review(&mut tx, id).await? else {
            return Ok(None);
        };
        let author = store::users::get(&mut tx, row.author_id)
            .await?
            .map(|u| u.name)
            .unwrap_or_default();
        Ok(Some(view(
            &row,
            escalations::reference(case.number),
            author,
        )))
    }

    /// Writes a resolved or closed case's review, or edits it at the version last read.
    pub async fn write_escalation_review(
        &self,
        actor: &Actor,
        id: Uuid,
        form: &ReviewForm,
    ) -> Result<ReviewView> {
        require_reader(actor)?;
        let mut tx = self.db.write().await?;
        let case = visible_case(&mut tx, actor, id).await?;
        if !may_write_review(actor, case.owner_id) {
            return Err(Error::Forbidden(
                "a case's review is written by its owner or an administrator".into(),
            ));
        }
        let review = escalations::validate_review(form).map_err(Error::Invalid)?;
        let reference = escalations::reference(case.number);
        if !escalations::reviewable(state_of(&case)?) {
            return Err(Error::Conflict(format!(
                "{reference} is reviewed once it is resolved or closed"
            )));
        }
        let existing = store::escalation_reviews::review(&mut tx, id).await?;
        let author_id = actor
            .user_id
            .ok_or_else(|| Error::Forbidden("a review is written by a person".into()))?;
        let now = store::now();
        let mut row = ReviewRow {
            case_id: id,
            what_happened: review.what_happened,
            root_cause: review.root_cause,
            lessons: review.lessons,
            prevention: review.prevention,
            follow_ups: review.follow_ups,
            author_id,
            version: 1,
            created_at: now,
            updated_at: now,
        };
        let action = match existing {
            None => {
                store::escalation_reviews::insert_review(&mut tx, &row).await?;
                "write_review"
            }
            Some(read) => {
                if form.version != Some(read.version) {
                    return Err(Error::Conflict(format!(
                        "the review of {reference} was changed by someone else meanwhile \
                         (it is at version {}): reload it and try again",
                        read.version
                    )));
                }
                store::escalation_reviews::update_review(&mut tx, &row, read.version).await?;
                row.version = read.version + 1;
                row.created_at = read.created_at;
                "edit_review"
            }
        };
        record(
            &mut tx,
            actor,
            now,
            Change {
                partner_id: Some(case.partner_id),
                entity_type: "escalation_case",
                entity_id: id,
                action,
                summary: format!("{reference}: post-resolution review"),
                before: None,
                after: None,
            },
        )
        .await?;
        let author = store::users::get(&mut tx, author_id)
            .await?
            .map(|u| u.name)
            .unwrap_or_default();
        tx.commit().await?;
        Ok(view(&row, reference, author))
    }
}

fn view(row: &ReviewRow, reference: String, author: String) -> ReviewView {
    ReviewView {
        case_id: row.case_id,
        reference,
        what_happened: row.what_happened.clone(),
        root_cause: row.root_cause.clone(),
        lessons: row.lessons.clone(),
        prevention: row.prevention.clone(),
        follow_ups: row.follow_ups.clone(),
        author,
        version: row.version,
        created_at: row.created_at,
        updated_at: row.updated_at,
    }
}
