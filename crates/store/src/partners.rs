//! Partner organisations.

use crate::{Backend, Read, Result, Sql, Write, choice, json_list, sql};
use domain::Choice;
use domain::partners::{Partner, PartnerFields, RegionFilter};
use time::OffsetDateTime;
use uuid::Uuid;

#[derive(sqlx::FromRow)]
struct PartnerRow {
    id: Uuid,
    legal_name: String,
    display_name: String,
    domains: String,
    partner_type: String,
    gtm_model: String,
    regions: String,
    industries: String,
    tier: String,
    stage: String,
    owner_id: Option<Uuid>,
    owner_name: Option<String>,
    our_exec_sponsor: String,
    partner_exec_sponsor: String,
    notes: String,
    archived_at: Option<OffsetDateTime>,
    created_at: OffsetDateTime,
    updated_at: OffsetDateTime,
}

impl PartnerRow {
    fn into_partner(self) -> Result<Partner> {
        Ok(Partner {
            id: self.id,
            legal_name: self.legal_name,
            display_name: self.display_name,
            domains: json_list("domains", &self.domains)?,
            partner_type: choice("partner_type", &self.partner_type)?,
            gtm_model: choice("gtm_model", &self.gtm_model)?,
            regions: json_list("regions", &self.regions)?,
            industries: json_list("industries", &self.industries)?,
            tier: self.tier,
            stage: choice("stage", &self.stage)?,
            owner_id: self.owner_id,
            owner_name: self.owner_name,
            our_exec_sponsor: self.our_exec_sponsor,
            partner_exec_sponsor: self.partner_exec_sponsor,
            notes: self.notes,
            archived_at: self.archived_at,
            created_at: self.created_at,
            updated_at: self.updated_at,
        })
    }
}

const SELECT: &str = "SELECT p.id, p.legal_name, p.display_name, p.domains, p.partner_type, p.gtm_model, \
     p.regions, p.industries, p.tier, p.stage, p.owner_id, u.name AS owner_name, p.our_exec_sponsor, \
     p.partner_exec_sponsor, p.notes, p.archived_at, p.created_at, p.updated_at \
     FROM partners p LEFT JOIN users u ON u.id = p.owner_id";

fn to_json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).expect("lists of strings serialise")
}

/// What search matches: names and domains, lower-cased.
fn search_text(fields: &PartnerFields) -> String {
    let mut text = format!("{} {}", fields.display_name, fields.legal_name);
    for domain in &fields.domains {
        text.push(' ');
        text.push_str(domain);
    }
    text.to_lowercase()
}

pub async fn insert(
    tx: &mut Write,
    id: Uuid,
    fields: &PartnerFields,
    at: OffsetDateTime,
) -> Result<()> {
    tx.execute(sql!(
        "INSERT INTO partners (id, legal_name, display_name, sort_name, search_text, domains, partner_type, \
         gtm_model, regions, industries, tier, stage, owner_id, our_exec_sponsor, partner_exec_sponsor, notes, \
         created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $17)",
        id,
        &fields.legal_name,
        &fields.display_name,
        fields.display_name.to_lowercase(),
        search_text(fields),
        to_json(&fields.domains),
        fields.partner_type.to_string(),
        fields.gtm_model.to_string(),
        to_json(&fields.regions),
        to_json(&fields.industries),
        &fields.tier,
        fields.stage.to_string(),
        fields.owner_id,
        &fields.our_exec_sponsor,
        &fields.partner_exec_sponsor,
        &fields.notes,
        at,
    ))
    .await?;
    Ok(())
}

/// Stores every editable field (the stage changes only through [`set_stage`]).
pub async fn update(
    tx: &mut Write,
    id: Uuid,
    fields: &PartnerFields,
    at: OffsetDateTime,
) -> Result<()> {
    tx.execute(sql!(
        "UPDATE partners SET legal_name = $2, display_name = $3, sort_name = $4, search_text = $5, domains = $6, \
         partner_type = $7, gtm_model = $8, regions = $9, industries = $10, tier = $11, owner_id = $12, \
         our_exec_sponsor = $13, partner_exec_sponsor = $14, notes = $15, updated_at = $16 WHERE id = $1",
        id,
        &fields.legal_name,
        &fields.display_name,
        fields.display_name.to_lowercase(),
        search_text(fields),
        to_json(&fields.domains),
        fields.partner_type.to_string(),
        fields.gtm_model.to_string(),
        to_json(&fields.regions),
        to_json(&fields.industries),
        &fields.tier,
        fields.owner_id,
        &fields.our_exec_sponsor,
        &fields.partner_exec_sponsor,
        &fields.notes,
        at,
    ))
    .await?;
    Ok(())
}

/// Moves a partner from lifecycle stage `from` to `to`; [`crate::Error::Changed`] when it is
/// no longer in `from`.
pub async fn set_stage(
    tx: &mut Write,
    id: Uuid,
    from: domain::partners::LifecycleStage,
    to: domain::partners::LifecycleStage,
    at: OffsetDateTime,
) -> Result<()> {
    let rows = tx
        .execute(sql!(
            "UPDATE partners SET stage = $2, updated_at = $3 WHERE id = $1 AND stage = $4",
            id,
            to.to_string(),
            at,
            from.to_string()
        ))
        .await?;
    crate::changed_one(rows, "partner's stage")?;
    crate::rollups::partner_state_changed(tx, id).await
}

/// Moves a partner from tier `from` to `to`; [`crate::Error::Changed`] when it no longer
/// holds `from`.
pub async fn set_tier(
    tx: &mut Write,
    id: Uuid,
    from: &str,
    to: &str,
    at: OffsetDateTime,
) -> Result<()> {
    let rows = tx
        .execute(sql!(
            "UPDATE partners SET tier = $2, updated_at = $3 WHERE id = $1 AND tier = $4",
            id,
            to,
            at,
            from
        ))
        .await?;
    crate::changed_one(rows, "partner's tier")
}

/// Archives or restores a partner, provided it is still as read (`read_archived_at`), else
/// [`crate::Error::Changed`].
pub async fn set_archived(
    tx: &mut Write,
    id: Uuid,
    read_archived_at: Option<OffsetDateTime>,
    archived_at: Option<OffsetDateTime>,
    at: OffsetDateTime,
) -> Result<()> {
    let rows = tx
        .execute(sql!(
            "UPDATE partners SET archived_at = $2, updated_at = $3 \
             WHERE id = $1 AND archived_at IS NOT DISTINCT FROM $4",
            id,
            archived_at,
            at,
            read_archived_at
        ))
        .await?;
    crate::changed_one(rows, "partner")?;
    crate::rollups::partner_state_changed(tx, id).await
}

pub async fn get(tx: &mut Read, id: Uuid) -> Result<Option<Partner>> {
    let mut query = Sql::new(SELECT);
    query.push(" WHERE p.id = ").push_bind(id);
    tx.optional::<PartnerRow>(query)
        .await?
        .map(PartnerRow::into_partner)
        .transpose()
}

/// The partners with these ids (those that exist), a thousand per query.
pub async fn get_many(tx: &mut Read, ids: &[Uuid]) -> Result<Vec<Partner>> {
    let mut found = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(1_000) {
        let mut query = Sql::new(SELECT);
        query
            .push(" WHERE p.id IN ")
            .push_bind_list(chunk.iter().copied());
        for row in tx.all::<PartnerRow>(query).await? {
            found.push(row.into_partner()?);
        }
    }
    Ok(found)
}

/// How a partner list is ordered; every order ends with the id so pages never overlap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PartnerSort {
    #[default]
    Name,
    NameDesc,
    Updated,
    UpdatedDesc,
}

/// Where the previous page ended: the sort key and id of its last row.
#[derive(Debug, Clone, PartialEq)]
pub enum PartnerAfter {
    Name(String, Uuid),
    Updated(OffsetDateTime, Uuid),
}

#[derive(Debug, Clone, Default)]
pub struct PartnerFilter {
    /// Matches names and domains, case-insensitively.
    pub search: Option<String>,
    /// A tier key.
    pub tier: Option<String>,
    pub stage: Option<domain::partners::LifecycleStage>,
    pub partner_type: Option<domain::partners::PartnerType>,
    pub region: Option<RegionFilter>,
    pub owner_id: Option<Uuid>,
    pub include_archived: bool,
    /// Only partners in the program: neither archived nor exited.
    pub in_program: bool,
    /// Only partners of the latest daily health run in this band (its key), or with no band
    /// (`None`: no component had data).
    pub health_band: Option<Option<String>>,
    /// Limits the list to one organisation (a partner user's own).
    pub only_partner: Option<Uuid>,
    pub sort: PartnerSort,
    pub after: Option<PartnerAfter>,
    pub limit: i64,
}

/// Escapes LIKE wildcards so a search for "50%" finds that text, not everything.
fn like_pattern(text: &str) -> String {
    let escaped = text
        .to_lowercase()
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

pub async fn list(tx: &mut Read, filter: &PartnerFilter) -> Result<Vec<Partner>> {
    let mut query = Sql::new(SELECT);
    query.push(" WHERE 1 = 1");
    if !filter.include_archived {
        query.push(" AND p.archived_at IS NULL");
    }
    if let Some(search) = filter
        .search
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        let search = search.to_lowercase();
        // SQLite answers substrings of three or more characters from its trigram index.
        if tx.backend() == Backend::Sqlite && search.chars().count() >= 3 {
            let phrase = format!("\"{}\"", search.replace('"', "\"\""));
            query
                .push(" AND p.rowid IN (SELECT rowid FROM partners_fts WHERE partners_fts MATCH ")
                .push_bind(phrase)
                .push(")");
        } else {
            query
                .push(" AND p.search_text LIKE ")
                .push_bind(like_pattern(&search))
                .push(" ESCAPE '\\'");
        }
    }
    if let Some(tier) = &filter.tier {
        query.push(" AND p.tier = ").push_bind(tier);
    }
    if let Some(stage) = filter.stage {
        query.push(" AND p.stage = ").push_bind(stage.to_string());
    }
    if let Some(partner_type) = filter.partner_type {
        query
            .push(" AND p.partner_type = ")
            .push_bind(partner_type.to_string());
    }
    if let Some(regions) = &filter.region {
        push_regions(&mut query, regions);
    }
    if let Some(owner) = filter.owner_id {
        query.push(" AND p.owner_id = ").push_bind(owner);
    }
    if filter.in_program {
        query
            .push(" AND p.archived_at IS NULL AND p.stage <> ")
            .push_bind(domain::partners::LifecycleStage::Exited.to_string());
    }
    if let Some(band) = &filter.health_band {
        query.push(
            " AND p.id IN (SELECT h.partner_id FROM partner_health h WHERE h.computed_on = \
             (SELECT MAX(computed_on) FROM partner_health) AND h.band",
        );
        match band {
            Some(band) => query.push(" = ").push_bind(band.as_str()),
            None => query.push(" IS NULL"),
        };
        query.push(")");
    }
    if let Some(partner) = filter.only_partner {
        query.push(" AND p.id = ").push_bind(partner);
    }
    match &filter.after {
        Some(PartnerAfter::Name(name, id)) => {
            let op = if filter.sort == PartnerSort::NameDesc {
                "<"
            } else {
                ">"
            };
            query
                .push(" AND (p.sort_name, p.id) ")
                .push(op)
                .push(" (")
                .push_bind(name.as_str())
                .push(", ")
                .push_bind(*id)
                .push(")");
        }
        Some(PartnerAfter::Updated(at, id)) => {
            let op = if filter.sort == PartnerSort::UpdatedDesc {
                "<"
            } else {
                ">"
            };
            query
                .push(" AND (p.updated_at, p.id) ")
                .push(op)
                .push(" (")
                .push_bind(*at)
                .push(", ")
                .push_bind(*id)
                .push(")");
        }
        None => {}
    }
    query.push(match filter.sort {
        PartnerSort::Name => " ORDER BY p.sort_name, p.id",
        PartnerSort::NameDesc => " ORDER BY p.sort_name DESC, p.id DESC",
        PartnerSort::Updated => " ORDER BY p.updated_at, p.id",
        PartnerSort::UpdatedDesc => " ORDER BY p.updated_at DESC, p.id DESC",
    });
    query.push(" LIMIT ").push_bind(filter.limit);
    tx.all::<PartnerRow>(query)
        .await?
        .into_iter()
        .map(PartnerRow::into_partner)
        .collect()
}

/// The key a page ending at `partner` continues after, for the given sort.
pub fn after(partner: &Partner, sort: PartnerSort) -> PartnerAfter {
    match sort {
        PartnerSort::Name | PartnerSort::NameDesc => {
            PartnerAfter::Name(partner.display_name.to_lowercase(), partner.id)
        }
        PartnerSort::Updated | PartnerSort::UpdatedDesc => {
            PartnerAfter::Updated(partner.updated_at, partner.id)
        }
    }
}

pub async fn count(tx: &mut Read) -> Result<i64> {
    #[derive(sqlx::FromRow)]
    struct Count {
        n: i64,
    }
    Ok(tx
        .one::<Count>(Sql::new("SELECT COUNT(*) AS n FROM partners"))
        .await?
        .n)
}

/// How many active (not archived) partners sit in each tier, by tier key.
pub async fn tier_counts(tx: &mut Read) -> Result<Vec<(String, i64)>> {
    #[derive(sqlx::FromRow)]
    struct TierCount {
        tier: String,
        n: i64,
    }
    let rows: Vec<TierCount> = tx
        .all(Sql::new(
            "SELECT tier, COUNT(*) AS n FROM partners WHERE archived_at IS NULL GROUP BY tier",
        ))
        .await?;
    Ok(rows.into_iter().map(|r| (r.tier, r.n)).collect())
}

/// ` AND …` keeping the partners (aliased `p`) that `filter` keeps by their regions: `regions`
/// is the JSON list of keys as written, `[]` for none; a key never holds a quote or a wildcard.
pub(crate) fn push_regions(query: &mut Sql, filter: &RegionFilter) {
    match filter {
        RegionFilter::NoRegion => {
            query.push(" AND p.regions = '[]'");
        }
        RegionFilter::Covering(regions) => {
            for region in regions {
                query
                    .push(" AND p.regions LIKE ")
                    .push_bind(format!("%\"{}\"%", region.as_str()));
            }
        }
    }
}
