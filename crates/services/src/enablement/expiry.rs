//! The daily certification expiry run (renewal reminders, tiers put at risk by expiries) and
//! major releases, which retire the certifications that expire on one.

use std::collections::HashMap;

use domain::enablement::{self, Held};
use domain::permissions::Action;
use uuid::Uuid;

use crate::facts::sources::{Book, active_book, held};
use crate::notifications;
use crate::{Actor, Change, Error, Result, Services, record};

pub const CERTIFICATION_EXPIRY: &str = "certification_expiry";

impl Services {
    /// The daily expiry run: sends each due renewal reminder once (as a timeline event the
    /// partner's people see) and, when a reminder is due, warns if the expiries would take the
    /// partner below its tier. Returns what it did, for the job's result.
    pub async fn run_certification_expiry(&self, actor: &Actor) -> Result<String> {
        let (_, program) = self.program_in_force().await?;
        let now = store::now();
        let today = now.date();
        let offsets = &program.policies.enablement.reminder_days;
        let mut tx = self.db.write().await?;
        let Book {
            partners,
            histories,
            ..
        } = active_book(&mut tx, &program).await?;
        let records = store::certifications::all(&mut tx).await?;
        let mut by_partner: HashMap<Uuid, Vec<&store::certifications::RecordRow>> = HashMap::new();
        for row in &records {
            by_partner.entry(row.partner_id).or_default().push(row);
        }
        let (mut reminders, mut at_risk) = (0, 0);
        let empty = Vec::new();
        for partner in &partners {
            let Some(rows) = by_partner.get(&partner.id) else {
                continue;
            };
            let mut reminded = false;
            for row in rows {
                let h = held(row);
                // Nothing to renew once retired, or once its holder has left the partner.
                let left = enablement::status(&h, today, 0) == enablement::Status::Left;
                let Some(expires) = h.expires_on.filter(|_| !h.retired && !left) else {
                    continue;
                };
                let last = row.last_reminder.and_then(|d| u32::try_from(d).ok());
                let Some(due) = enablement::reminder_due(expires, today, offsets, last) else {
                    continue;
                };
                store::certifications::set_last_reminder(&mut tx, row.id, due.into()).await?;
                let name = program
                    .certifications
                    .iter()
                    .find(|c| c.key == row.certification)
                    .map_or(row.certification.as_str(), |c| c.name.as_str());
                let summary = format!(
                    "Renewal reminder: {}'s {name} expires on {expires} ({due}-day reminder)",
                    row.contact_name
                );
                record(
                    &mut tx,
                    actor,
                    now,
                    Change {
                        partner_id: Some(partner.id),
                        entity_type: "certification",
                        entity_id: row.contact_id,
                        action: "renewal_reminder",
                        summary: summary.clone(),
                        before: None,
                        after: None,
                    },
                )
                .await?;
                let mut recipients = notifications::partner_admins(&mut tx, partner.id).await?;
                recipients.extend(
                    notifications::person(&mut tx, partner.id, row.contact_email.as_deref())
                        .await?,
                );
                let link = format!("/partners/{}/enablement", partner.id);
                notifications::notify(
                    &mut tx,
                    &recipients,
                    &store::notifications::NewNotification {
                        partner_id: Some(partner.id),
                        kind: "renewal_reminder",
                        message: &summary,
                        link: &link,
                    },
                    now,
                )
                .await?;
                reminders += 1;
                reminded = true;
            }
            let Some(current) = program.tier_index(&partner.tier).filter(|_| reminded) else {
                continue;
            };
            let held_all: Vec<Held> = rows.iter().map(|r| held(r)).collect();
            let history = histories.get(&partner.id).unwrap_or(&empty);
            if let Some(risk) = enablement::tier_at_risk(
                &program,
                current,
                history,
                &held_all,
                today,
                program.policies.enablement.expiring_within(),
            ) {
                at_risk += 1;
                let summary = format!("{}: {risk}", partner.display_name);
                record(
                    &mut tx,
                    actor,
                    now,
                    Change {
                        partner_id: Some(partner.id),
                        entity_type: "partner",
                        entity_id: partner.id,
                        action: "tier_at_risk",
                        summary: summary.clone(),
                        before: None,
                        after: None,
                    },
                )
                .await?;
                let team = notifications::partner_team(&mut tx, partner.owner_id).await?;
                let link = format!("/partners/{}/enablement", partner.id);
                notifications::notify(
                    &mut tx,
                    &team,
                    &store::notifications::NewNotification {
                        partner_id: Some(partner.id),
                        kind: "tier_at_risk",
                        message: &summary,
                        link: &link,
                    },
                    now,
                )
                .await?;
            }
        }
        tx.commit().await?;
        Ok(format!(
            "{reminders} renewal reminder(s), {at_risk} partner(s) with their tier at risk"
        ))
    }

    /// Declares a major product release: every valid certification that expires on a major
    /// release is retired (its holders must renew). Admins only.
    pub async fn declare_major_release(&self, actor: &Actor, release: &str) -> Result<u64> {
        actor.require(Action::DeclareMajorRelease)?;
        let mut v = domain::Validation::new();
        let release = v.text("release", release, true, 100);
        v.into_result().map_err(Error::Invalid)?;
        let (_, program) = self.program_in_force().await?;
        let keys: Vec<String> = program
            .certifications
            .iter()
            .filter(|c| c.expires_on_major_release)
            .map(|c| c.key.clone())
            .collect();
        let now = store::now();
        let mut tx = self.db.write().await?;
        let retired = store::certifications::retire(&mut tx, &keys).await?;
        record(
            &mut tx,
            actor,
            now,
            Change {
                partner_id: None,
                entity_type: "release",
                entity_id: Uuid::now_v7(),
                action: "declared",
                summary: format!(
                    "Major release {release} declared: {retired} certification(s) retired"
                ),
                before: None,
                after: None,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(retired)
    }
}
