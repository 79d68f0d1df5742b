//! Who holds the titles of program.toml's `[escalation_paths]`: the ladder's steps and the
//! topics' executives. The partner's manager is each partner's own; every other title is one
//! of our people an administrator names. A title nobody holds reaches the administrators.

use domain::escalations::{Category, title_label};
use domain::permissions::Action;
use domain::program::Program;
use domain::validation::Choice;
use serde::Serialize;
use uuid::Uuid;

use crate::paging::by_position;
use crate::users::one_of_our_people;
use crate::{Actor, Change, Error, Page, PageRequest, Result, Services, record};

/// The title each partner's own manager holds.
pub(super) const PARTNER_MANAGER: &str = "partner_manager";

/// One title of the escalation paths and who holds it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TitleView {
    /// The key program.toml writes: alliances_lead, vp_sales, …
    pub title: String,
    /// "Alliances lead", "VP Sales".
    pub label: String,
    /// The ladder's steps (1–3) that reach this title.
    pub steps: Vec<u8>,
    /// The categories whose cases reach this title from step 2 on.
    pub topics: Vec<Category>,
    /// Held by each partner's own manager (partner_manager), never named here.
    pub per_partner: bool,
    /// The person named, as `user_id` names them in an edit; absent while unfilled (the
    /// administrators are reached instead).
    pub user_id: Option<Uuid>,
    /// The named person's name.
    pub user_name: Option<String>,
    /// Send back with an edit; absent while nobody was ever named. A stale edit gets 409.
    pub version: Option<i64>,
}

/// Names a title's holder, or leaves it unfilled.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct TitleHolderInput {
    /// A title of `[escalation_paths]` other than partner_manager.
    pub title: String,
    /// One of our active people; absent to leave the title unfilled.
    pub user_id: Option<Uuid>,
    /// The `version` read (absent for a title nobody held).
    pub version: Option<i64>,
}

/// Every title the paths name, the ladder's first.
fn titles(program: &Program) -> Vec<(String, Vec<u8>, Vec<Category>)> {
    let paths = &program.policies.escalation_paths;
    let mut titles: Vec<(String, Vec<u8>, Vec<Category>)> = Vec::new();
    let mut entry = |title: &str| -> usize {
        match titles.iter().position(|(t, ..)| t == title) {
            Some(at) => at,
            None => {
                titles.push((title.to_owned(), Vec::new(), Vec::new()));
                titles.len() - 1
            }
        }
    };
    let mut steps = Vec::new();
    for (n, title) in (1u8..).zip(&paths.ladder) {
        steps.push((entry(title), n));
    }
    let mut topics = Vec::new();
    for category in Category::ALL {
        if let Some(title) = paths.by_topic.of(*category) {
            topics.push((entry(title), *category));
        }
    }
    for (at, step) in steps {
        titles[at].1.push(step);
    }
    for (at, category) in topics {
        titles[at].2.push(category);
    }
    titles
}

impl Services {
    /// The titles of the escalation paths with their holders. Our people.
    pub async fn escalation_titles(
        &self,
        actor: &Actor,
        page: &PageRequest<i64>,
    ) -> Result<Page<TitleView>> {
        actor.require(Action::ReadInternal)?;
        let (_, program) = self.program_in_force().await?;
        let mut tx = self.db.read().await?;
        let held = store::escalation_paths::holders(&mut tx).await?;
        let mut views = Vec::new();
        for (title, steps, topics) in titles(&program) {
            let row = held.iter().find(|h| h.title == title);
            let holder = match row {
                Some(row) => store::users::get(&mut tx, row.user_id).await?,
                None => None,
            };
            views.push(TitleView {
                label: title_label(&title),
                per_partner: title == PARTNER_MANAGER,
                steps,
                topics,
                user_id: holder.as_ref().map(|u| u.id),
                user_name: holder.map(|u| u.name),
                version: row.map(|r| r.version),
                title,
            });
        }
        Ok(by_position(views, page))
    }

    /// Names who holds a title, or leaves it unfilled. Administrators (ManageTeams).
    pub async fn name_title_holder(&self, actor: &Actor, input: &TitleHolderInput) -> Result<()> {
        actor.require(Action::ManageTeams)?;
        let (_, program) = self.program_in_force().await?;
        let title = input.title.trim();
        if title == PARTNER_MANAGER {
            return Err(Error::field(
                "title",
                "each partner's own manager holds partner_manager; it is not named here",
            ));
        }
        if !titles(&program).iter().any(|(t, ..)| t == title) {
            return Err(Error::field(
                "title",
                format!("'{title}' is no title of program.toml's [escalation_paths]"),
            ));
        }
        let mut tx = self.db.write().await?;
        let at = store::now();
        let summary = match input.user_id {
            Some(user_id) => {
                let because = "a title is held by one of our people";
                let user = one_of_our_people(&mut tx, user_id, "user_id", because).await?;
                store::escalation_paths::set(&mut tx, title, user_id, input.version, at).await?;
                format!("{} is now held by {}", title_label(title), user.name)
            }
            None => {
                let version = input
                    .version
                    .ok_or_else(|| Error::field("user_id", "name who holds the title"))?;
                store::escalation_paths::clear(&mut tx, title, version).await?;
                format!("{} left unfilled", title_label(title))
            }
        };
        record(
            &mut tx,
            actor,
            at,
            Change {
                partner_id: None,
                entity_type: "escalation_title",
                entity_id: input.user_id.unwrap_or_default(),
                action: "name_holder",
                summary,
                before: None,
                after: None,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
