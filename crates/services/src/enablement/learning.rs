//! Learning paths and enrollments: people working towards certifications, the catalog
//! requirements they have met, and how far each person is along each learning path.

use domain::enablement::{self, PathProgress, Status};
use domain::permissions::Action;
use uuid::Uuid;

use crate::{Actor, Change, Error, Result, Services, record};

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct RequirementView {
    pub text: String,
    pub done: bool,
}

/// A person working towards a certification.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct EnrollmentView {
    pub id: Uuid,
    pub contact_id: Uuid,
    pub person: String,
    pub certification: String,
    pub name: String,
    pub started_on: String,
    pub requirements: Vec<RequirementView>,
    /// Always in_progress: an earned certification ends its enrollment.
    pub status: Status,
}

/// One person's progress along one learning path.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct PathView {
    pub contact_id: Uuid,
    pub person: String,
    pub path: String,
    pub path_name: String,
    #[serde(flatten)]
    pub progress: PathProgress,
    /// The name of the next certification to earn.
    pub next_name: Option<String>,
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Learning {
    pub enrollments: Vec<EnrollmentView>,
    /// Every active person of the partner on every learning path of the program.
    pub paths: Vec<PathView>,
    /// Whether the asking user may enroll people and tick requirements.
    pub can_manage: bool,
}

/// Internal editors for any partner; a partner's own people for their organisation.
fn requirements_done(text: &str) -> Result<Vec<String>> {
    serde_json::from_str(text)
        .map_err(|e| Error::Store(store::Error::Corrupt(format!("requirements_done: {e}"))))
}

impl Services {
    /// A partner's enrollments and learning-path progress (partners see their own).
    pub async fn learning(&self, actor: &Actor, partner_id: Uuid) -> Result<Learning> {
        self.get_partner(actor, partner_id).await?;
        let (_, program) = self.program_in_force().await?;
        let mut tx = self.db.read().await?;
        let enrollments =
            store::certifications::enrollments_for_partner(&mut tx, partner_id).await?;
        let held = crate::facts::sources::held_by(&mut tx, partner_id).await?;
        let people = store::contacts::list_for_partner(&mut tx, partner_id, false).await?;
        drop(tx);
        let today = actor.today();
        let name_of = |key: &str| {
            program
                .certifications
                .iter()
                .find(|c| c.key == key)
                .map_or(key.to_owned(), |c| c.name.clone())
        };
        let enrollments = enrollments
            .into_iter()
            .map(|row| {
                let done = requirements_done(&row.requirements_done)?;
                let requirements = program
                    .certifications
                    .iter()
                    .find(|c| c.key == row.certification)
                    .map(|c| c.requirements.clone())
                    .unwrap_or_default()
                    .into_iter()
                    .map(|text| RequirementView {
                        done: done.contains(&text),
                        text,
                    })
                    .collect();
                Ok(EnrollmentView {
                    id: row.id,
                    contact_id: row.contact_id,
                    person: row.contact_name,
                    name: name_of(&row.certification),
                    certification: row.certification,
                    started_on: row.started_on.to_string(),
                    requirements,
                    status: Status::InProgress,
                })
            })
            .collect::<Result<_>>()?;
        let paths = people
            .iter()
            .flat_map(|person| {
                program
                    .policies
                    .enablement
                    .learning_paths
                    .iter()
                    .map(|path| {
                        let progress = enablement::path_progress(path, person.id, &held, today);
                        PathView {
                            contact_id: person.id,
                            person: person.name.clone(),
                            path: path.key.clone(),
                            path_name: path.name.clone(),
                            next_name: progress.next.as_deref().map(name_of),
                            progress,
                        }
                    })
                    .collect::<Vec<_>>()
            })
            .collect();
        Ok(Learning {
            enrollments,
            paths,
            can_manage: actor.may(Action::WorkEnablement),
        })
    }

    /// Enrolls one of the partner's people in a certification.
    pub async fn enroll(
        &self,
        actor: &Actor,
        partner_id: Uuid,
        contact_id: &str,
        certification: &str,
    ) -> Result<Uuid> {
        self.get_partner(actor, partner_id).await?;
        actor.require(Action::WorkEnablement)?;
        let (_, program) = self.program_in_force().await?;
        let mut v = domain::Validation::new();
        let contact_id = Uuid::parse_str(contact_id.trim()).ok();
        if contact_id.is_none() {
            v.add("contact_id", "choose the person to enroll");
        }
        let cert = program
            .certifications
            .iter()
            .find(|c| c.key == certification.trim());
        if cert.is_none() {
            v.add(
                "certification",
                format!("choose one of: {}", program.certification_keys().join(", ")),
            );
        }
        v.into_result().map_err(Error::Invalid)?;
        let (Some(contact_id), Some(cert)) = (contact_id, cert) else {
            unreachable!("validated above")
        };
        let now = store::now();
        let mut tx = self.db.write().await?;
        let contact = store::contacts::get(&mut tx, contact_id)
            .await?
            .filter(|c| c.partner_id == partner_id && c.archived_at.is_none())
            .ok_or_else(|| Error::field("contact_id", "is not one of this partner's people"))?;
        if !store::certifications::enroll(&mut tx, partner_id, contact.id, &cert.key, now).await? {
            return Err(Error::field(
                "certification",
                format!("{} is already working towards {}", contact.name, cert.name),
            ));
        }
        let enrollment = store::certifications::enrollments_for_partner(&mut tx, partner_id)
            .await?
            .into_iter()
            .find(|e| e.contact_id == contact.id && e.certification == cert.key)
            .ok_or(Error::NotFound)?;
        record(
            &mut tx,
            actor,
            now,
            Change {
                partner_id: Some(partner_id),
                entity_type: "certification",
                entity_id: contact.id,
                action: "enrolled",
                summary: format!("{} started {}", contact.name, cert.name),
                before: None,
                after: None,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(enrollment.id)
    }

    /// Marks one of the certification's requirements met (or not) for an enrolled person.
    pub async fn tick_requirement(
        &self,
        actor: &Actor,
        enrollment_id: Uuid,
        requirement: &str,
        done: bool,
    ) -> Result<()> {
        let (_, program) = self.program_in_force().await?;
        let now = store::now();
        let mut tx = self.db.write().await?;
        let enrollment = store::certifications::enrollment(&mut tx, enrollment_id)
            .await?
            .filter(|e| actor.sees_partner(e.partner_id))
            .ok_or(Error::NotFound)?;
        actor.require(Action::WorkEnablement)?;
        let requirements = program
            .certifications
            .iter()
            .find(|c| c.key == enrollment.certification)
            .map(|c| c.requirements.clone())
            .unwrap_or_default();
        let Some(requirement) = requirements
            .iter()
            .find(|r| r.as_str() == requirement.trim())
        else {
            return Err(Error::field(
                "requirement",
                format!("choose one of: {}", requirements.join(", ")),
            ));
        };
        let mut met = requirements_done(&enrollment.requirements_done)?;
        if met.contains(requirement) == done {
            return Err(Error::Conflict(format!(
                "'{requirement}' is already {}",
                if done { "met" } else { "open" }
            )));
        }
        met.retain(|r| r != requirement);
        if done {
            met.push(requirement.clone());
        }
        met.sort_by_key(|r| requirements.iter().position(|x| x == r));
        let text = serde_json::to_string(&met)
            .map_err(|e| Error::Store(store::Error::Internal(e.to_string())))?;
        store::certifications::set_requirements_done(
            &mut tx,
            enrollment.id,
            &text,
            now,
            &enrollment.requirements_done,
        )
        .await?;
        record(
            &mut tx,
            actor,
            now,
            Change {
                partner_id: Some(enrollment.partner_id),
                entity_type: "certification",
                entity_id: enrollment.contact_id,
                action: if done {
                    "requirement_met"
                } else {
                    "requirement_reopened"
                },
                summary: format!(
                    "{}: {requirement} {} for {} ({}/{})",
                    enrollment.contact_name,
                    if done { "met" } else { "reopened" },
                    enrollment.certification,
                    met.len(),
                    requirements.len()
                ),
                before: None,
                after: None,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
