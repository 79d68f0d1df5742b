//! One work item: read, commented on, taken by a member of its queue or assigned by the
//! queue's lead. Our people read every item; a partner's people never see one.

use domain::alignment::Route;
use domain::permissions::{Action, may_assign_work, may_comment_on_work, may_take_work};
use domain::program::Program;
use domain::program::policy::Team;
use domain::work::route_of;
use uuid::Uuid;

use super::hooks::team_members;
use super::views::{
    self, CommentView, WorkItemDetail, WorkItemView, calendar, checklist_days, kind_of, sla_of,
};
use crate::teams::MemberView;
use crate::{Actor, Change, Error, Result, Services, notifications, record, require};

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct CommentInput {
    pub body: String,
}

/// Taking an item for oneself: the version read (a stale one, or an item taken meanwhile,
/// loses with a 409).
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct TakeInput {
    pub version: i64,
}

/// The queue's lead gives an item to a member of the queue.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct AssignInput {
    pub assignee_id: String,
    pub version: i64,
}

/// An item as read inside a transaction, with its route and the asker's teams.
struct Loaded {
    row: store::work::ItemRow,
    route: Route,
    queue: Team,
    teams: Vec<Team>,
}

async fn load(tx: &mut store::Read, actor: &Actor, program: &Program, id: Uuid) -> Result<Loaded> {
    actor.require(Action::ReadInternal)?;
    let row = store::work::get(tx, id).await?.ok_or(Error::NotFound)?;
    let queue = domain::teams::parse(&row.team).ok_or(Error::NotFound)?;
    // The queue stays where the item was routed when it was opened; the rest of the route
    // is the matrix in force.
    let route = route_of(&program.policies, kind_of(&row)?, Some(queue)).ok_or(Error::NotFound)?;
    let teams = crate::teams::actor_teams(tx, actor).await?;
    Ok(Loaded {
        row,
        route,
        queue,
        teams,
    })
}

fn labels(teams: &[Team]) -> Vec<String> {
    teams
        .iter()
        .map(|t| domain::teams::label(*t).to_owned())
        .collect()
}

impl Services {
    /// A work item with its route, comments and what the asker may do with it.
    pub async fn work_item(&self, actor: &Actor, id: Uuid) -> Result<WorkItemDetail> {
        let (_, program) = self.program_in_force().await?;
        let mut tx = self.db.read().await?;
        let item = load(&mut tx, actor, &program, id).await?;
        let lead = store::teams::get(&mut tx, item.queue.key())
            .await?
            .and_then(|t| t.lead_user_id);
        let open = item.row.closed_at.is_none();
        let can_assign =
            open && may_assign_work(actor.role, lead.is_some() && lead == actor.user_id);
        let members = if can_assign {
            store::teams::members(&mut tx, Some(item.queue.key()))
                .await?
                .iter()
                .filter(|m| m.disabled_at.is_none())
                .map(crate::teams::member_view)
                .collect::<Vec<MemberView>>()
        } else {
            Vec::new()
        };
        let comments = store::work::comments(&mut tx, id)
            .await?
            .into_iter()
            .map(|c| CommentView {
                id: c.id,
                author: c.author,
                body: c.body,
                at: c.at,
            })
            .collect();
        let view = self.item_view(&mut tx, &program, item.row.clone()).await?;
        Ok(WorkItemDetail {
            accountable: domain::teams::label(item.route.accountable).into(),
            consulted: labels(&item.route.consulted),
            informed: labels(&item.route.informed),
            comments,
            can_comment: may_comment_on_work(actor.role, &item.route, &item.teams),
            can_take: open
                && item.row.assignee_id.is_none()
                && may_take_work(actor.role, &item.route, &item.teams),
            can_assign,
            members,
            item: view,
        })
    }

    pub(super) async fn item_view(
        &self,
        tx: &mut store::Read,
        program: &Program,
        row: store::work::ItemRow,
    ) -> Result<WorkItemView> {
        let calendar = calendar(program)?;
        let partner = store::partners::get(tx, row.partner_id)
            .await?
            .map(|p| p.display_name)
            .unwrap_or_default();
        let assignee = match row.assignee_id {
            Some(id) => store::users::get(tx, id).await?.map(|u| u.name),
            None => None,
        };
        let days = checklist_days(tx, std::slice::from_ref(&row)).await?;
        let sla = sla_of(&row, &days, program, &calendar, store::now())?;
        let due_on = days.get(&row.source_id).copied();
        views::item_view(row, partner, assignee, sla, due_on)
    }

    /// Writes a comment: the Responsible, Accountable and Consulted teams' members and
    /// admins; Informed teams and everyone else read only.
    pub async fn comment_on_work(
        &self,
        actor: &Actor,
        id: Uuid,
        input: &CommentInput,
    ) -> Result<CommentView> {
        let (_, program) = self.program_in_force().await?;
        let mut tx = self.db.write().await?;
        let item = load(&mut tx, actor, &program, id).await?;
        require(
            may_comment_on_work(actor.role, &item.route, &item.teams),
            "comments on this item are written by its responsible, accountable and consulted \
             teams; informed teams read them",
        )?;
        let author = actor
            .user_id
            .ok_or_else(|| Error::Forbidden("comments are written by a signed-in person".into()))?;
        let mut v = domain::Validation::new();
        let body = v.text("body", &input.body, true, 4_000);
        v.into_result().map_err(Error::Invalid)?;
        let now = store::now();
        let comment_id = store::work::insert_comment(&mut tx, id, author, &body, now).await?;
        record(
            &mut tx,
            actor,
            now,
            Change {
                partner_id: None,
                entity_type: "work_item",
                entity_id: id,
                action: "commented",
                summary: format!("Comment on work item: {}", item.row.title),
                before: None,
                after: None,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(CommentView {
            id: comment_id,
            author: actor.label.clone(),
            body,
            at: now,
        })
    }

    /// A member of the item's queue takes it for themselves; of two takers one wins, the
    /// other gets a 409.
    pub async fn take_work(
        &self,
        actor: &Actor,
        id: Uuid,
        input: &TakeInput,
    ) -> Result<WorkItemView> {
        let (_, program) = self.program_in_force().await?;
        let mut tx = self.db.write().await?;
        let item = load(&mut tx, actor, &program, id).await?;
        require(
            may_take_work(actor.role, &item.route, &item.teams),
            &format!(
                "this item is taken by members of the {} team",
                domain::teams::label(item.queue)
            ),
        )?;
        let me = actor.user_id.ok_or(Error::NotFound)?;
        // Said as it is: a second click on "Assign to me" finds the item already the
        // asker's (409, nothing written); one someone else holds names them.
        if item.row.closed_at.is_none() {
            match item.row.assignee_id {
                Some(holder) if holder == me => {
                    return Err(Error::Conflict(format!(
                        "'{}' is already yours",
                        item.row.title
                    )));
                }
                Some(holder) => {
                    let name = store::users::get(&mut tx, holder)
                        .await?
                        .map_or_else(|| "someone else".to_owned(), |u| u.name);
                    return Err(Error::Conflict(format!(
                        "'{}' is already taken by {name}",
                        item.row.title
                    )));
                }
                None => {}
            }
        }
        store::work::assign(&mut tx, id, input.version, me, true).await?;
        self.assigned(tx, actor, &program, item.row, me, "taken")
            .await
    }

    /// The queue's lead (or an admin) gives the item to a member of the queue.
    pub async fn assign_work(
        &self,
        actor: &Actor,
        id: Uuid,
        input: &AssignInput,
    ) -> Result<WorkItemView> {
        let (_, program) = self.program_in_force().await?;
        let mut tx = self.db.write().await?;
        let item = load(&mut tx, actor, &program, id).await?;
        let lead = store::teams::get(&mut tx, item.queue.key())
            .await?
            .and_then(|t| t.lead_user_id);
        require(
            may_assign_work(actor.role, lead.is_some() && lead == actor.user_id),
            &format!(
                "this item is assigned by the {} team's lead or an administrator",
                domain::teams::label(item.queue)
            ),
        )?;
        let members = team_members(&mut tx, item.queue).await?;
        let assignee = Uuid::parse_str(input.assignee_id.trim())
            .ok()
            .filter(|id| members.contains(id))
            .ok_or_else(|| {
                Error::field(
                    "assignee_id",
                    format!(
                        "choose a member of the {} team",
                        domain::teams::label(item.queue)
                    ),
                )
            })?;
        store::work::assign(&mut tx, id, input.version, assignee, false).await?;
        let link = format!("/work/{id}");
        let message = format!(
            "{} gave you work: {}",
            actor.label,
            views::named(&mut tx, &item.row).await?
        );
        notifications::notify(
            &mut tx,
            &[assignee],
            &store::notifications::NewNotification {
                partner_id: None,
                kind: "work_item",
                message: &message,
                link: &link,
            },
            store::now(),
        )
        .await?;
        self.assigned(tx, actor, &program, item.row, assignee, "assigned")
            .await
    }

    /// Audits an assignment written in `tx`, commits, and reads the item back.
    async fn assigned(
        &self,
        mut tx: store::Write,
        actor: &Actor,
        program: &Program,
        mut row: store::work::ItemRow,
        assignee: Uuid,
        action: &str,
    ) -> Result<WorkItemView> {
        let now = store::now();
        record(
            &mut tx,
            actor,
            now,
            Change {
                partner_id: None,
                entity_type: "work_item",
                entity_id: row.id,
                action,
                summary: format!("Work item {action}: {}", row.title),
                before: None,
                after: None,
            },
        )
        .await?;
        row.assignee_id = Some(assignee);
        row.version += 1;
        let view = self.item_view(&mut tx, program, row).await?;
        tx.commit().await?;
        Ok(view)
    }
}
