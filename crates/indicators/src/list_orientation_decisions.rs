use std::collections::{BTreeMap, BTreeSet};

use actix_web::{HttpResponse, get, web};
use plateforme_api::openapi::ListProblems;
use plateforme_api::{ApiError, ErrorCode, ValidQuery};
use plateforme_auth::Caller;
use plateforme_auth::policy::{self, IndicatorsAccess, Operation, Principal, Resource};
use plateforme_model::codes::{DepartementCode, RegionCode};
use plateforme_model::organization::OrganizationKind;
use plateforme_store::indicators::orientation_decisions::{self, Count, CountRequest};
use plateforme_store::indicators::vintages::Cell;
use plateforme_store::{DbConnection, Store, StoreError};
use serde::Serialize;
use utoipa::ToSchema;

use crate::Secrecy;
use crate::published::hidden_cells;
use crate::query::{ByParam, Checked, LevelParam, OrientationDecisionsQuery, PeriodParam, period_of};

/// The category of a row's total.
pub const TOTAL: &str = "total";

/// The orientation decisions of a period, counted per territory, period and category.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"level": "departement", "by": "path_type", "period": "month", "from": "2026-11",
    "to": "2026-11", "threshold": 5, "cells": [
    {"territory": "69", "period": "2026-11", "category": "emploi", "decisions": 42, "hidden": false},
    {"territory": "69", "period": "2026-11", "category": "social", "decisions": null, "hidden": true},
    {"territory": "69", "period": "2026-11", "category": "socio_professionnel", "decisions": null, "hidden": true},
    {"territory": "69", "period": "2026-11", "category": "total", "decisions": 57, "hidden": false}]}))]
pub struct OrientationDecisionTable {
    pub level: LevelParam,
    pub by: ByParam,
    pub period: PeriodParam,
    /// The first month counted, `YYYY-MM`.
    pub from: String,
    /// The last month counted, `YYYY-MM`.
    pub to: String,
    /// The least number of decisions a published cell counts (secret statistique): 11 for the
    /// public, less for the organizations of the employment committees.
    pub threshold: i64,
    /// Per territory and period, a cell per category and one `total` (but for `by=difficulty`,
    /// whose cells do not add up), territory then period then category in order.
    pub cells: Vec<OrientationDecisionCell>,
}

/// One count of decisions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct OrientationDecisionCell {
    /// `FR` at the national level; the INSEE code of the région or département below it.
    pub territory: String,
    /// `YYYY-MM` or `YYYY-Qn`.
    pub period: String,
    /// A value of the breakdown (`emploi`, `france_travail`, `mobility`…), or `total`.
    pub category: String,
    /// The number of decisions; `null` when hidden.
    pub decisions: Option<i64>,
    /// Hidden by statistical secrecy: fewer decisions than the threshold, or a cell that would
    /// give such a one away through the sums linking the cells (total, levels, quarters).
    pub hidden: bool,
}

/// Orientation decisions for the employment committees
///
/// Counts the orientation decisions decided from `from` to `to` (months), per territory at
/// `level`, per month or quarter, and per category of `by`: the path decided, who decided, the
/// referent's kind, the ground, or a criterion of the arrêté of 21 November 2024 (employment
/// situation, qualification, aspirations, difficulties). Counts only, never a person: a cell of
/// fewer decisions than `threshold` is hidden, and so are the cells that would give it away
/// through the sums that link this table to the feed's other answers: the categories to the
/// row's `total` (but for `by=difficulty`, whose categories overlap), each département to its
/// région and each région to the nation, the months to their quarter. The cells are protected
/// over the whole country at every level for the months asked, then cut to what is asked, so
/// the same months read at another level or as quarters hide consistently. Below the
/// national level only the territories your organization may read are listed; asking for a
/// `region` or `departement` it may not read answers 403. Decisions of persons with no known
/// residence count at the national level only.
#[utoipa::path(
    tag = crate::TAG,
    security(("oauth2" = ["indicators:read"])),
    params(OrientationDecisionsQuery),
    responses((status = 200, description = "The counts.", body = OrientationDecisionTable), ListProblems)
)]
#[get("/orientation-decisions")]
pub async fn list_orientation_decisions(
    store: web::Data<Store>,
    secrecy: web::Data<Secrecy>,
    caller: Caller,
    ValidQuery(query): ValidQuery<OrientationDecisionsQuery>,
) -> Result<HttpResponse, ApiError> {
    let checked = query.check()?;
    let principal = caller.principal().clone();
    let asked = IndicatorsAccess { region: checked.region.clone(), departement: checked.departement.clone() };
    if !policy::allows(&principal, Operation::Read, Resource::Indicators(&asked)) {
        return Err(ApiError::new(
            ErrorCode::Forbidden,
            "your organization may not read the indicators of this territory",
        ));
    }
    let request = checked.request.clone();
    let counts = store.run_stale(move |conn| count_every_level(conn, &request)).await?;
    let threshold = threshold_for(&secrecy, principal.kind);
    let additive = checked.by != ByParam::Difficulty;
    let cells = protected_cells(&counts, &checked, threshold, additive)
        .into_iter()
        .filter(|cell| may_read(&principal, checked.level, &cell.territory))
        .collect();
    Ok(HttpResponse::Ok().json(OrientationDecisionTable {
        level: checked.level,
        by: checked.by,
        period: checked.period,
        from: checked.request.from_month.clone(),
        to: checked.request.to_month.clone(),
        threshold,
        cells,
    }))
}

/// The organizations that sit in the employment committees see finer cells than the public.
pub(crate) fn threshold_for(secrecy: &Secrecy, kind: OrganizationKind) -> i64 {
    match kind {
        OrganizationKind::Partner | OrganizationKind::Employer | OrganizationKind::TrainingProvider => {
            secrecy.public_threshold
        }
        _ => secrecy.committee_threshold,
    }
}

/// Whether the caller may read the cells of `territory` at `level`: the national ones always,
/// those of a région or département as the indicators policy says, those of no known territory
/// never below the national level.
pub(crate) fn may_read(principal: &Principal, level: LevelParam, territory: &str) -> bool {
    let access = match level {
        LevelParam::National => return true,
        LevelParam::Region => match RegionCode::parse(territory) {
            Ok(region) => IndicatorsAccess { region: Some(region), departement: None },
            Err(_) => return false,
        },
        LevelParam::Departement => match DepartementCode::parse(territory) {
            Ok(departement) => IndicatorsAccess {
                region: Some(RegionCode::of_departement(&departement)),
                departement: Some(departement),
            },
            Err(_) => return false,
        },
    };
    policy::allows(principal, Operation::Read, Resource::Indicators(&access))
}

/// The levels of the feed, the coarsest first.
const LEVELS: [LevelParam; 3] = [LevelParam::National, LevelParam::Region, LevelParam::Departement];

/// The counts of the whole country at every level for the request's months and breakdown: the
/// set a caller may read parts of, in this call or others, and so the set protected as one.
fn count_every_level(conn: &mut DbConnection, request: &CountRequest) -> Result<Vec<Vec<Count>>, StoreError> {
    LEVELS
        .iter()
        .map(|&level| {
            let whole = CountRequest { level, region: None, departement: None, ..request.clone() };
            orientation_decisions::count(conn, &whole)
        })
        .collect()
}

/// The cells the query asks for, protected with every level, month and quarter of the request's
/// months (and, but for `by=difficulty` whose categories overlap, every row's total), territory
/// then period then category in order, every category in each row (zero where none).
fn protected_cells(
    counts: &[Vec<Count>],
    checked: &Checked,
    threshold: i64,
    additive: bool,
) -> Vec<OrientationDecisionCell> {
    let mut sums: BTreeMap<(&'static str, String, String, String), i64> = BTreeMap::new();
    for (level, counts) in LEVELS.iter().zip(counts) {
        for count in counts {
            let periods = [count.month.clone(), period_of(&count.month, PeriodParam::Quarter)];
            let categories: &[&str] = if additive { &[&count.category, TOTAL] } else { &[&count.category] };
            for (period, category) in periods.iter().flat_map(|period| categories.iter().map(move |c| (period, c))) {
                let key = (level_name(*level), count.territory.clone(), period.clone(), (*category).to_owned());
                *sums.entry(key).or_default() += count.decisions;
            }
        }
    }
    let cells: Vec<Cell> = sums
        .into_iter()
        .map(|((level, territory, period, category), units)| Cell {
            indicator: String::new(),
            level: level.to_owned(),
            territory,
            period,
            category,
            units,
            value: units as f64,
        })
        .collect();
    let hidden = hidden_cells(&cells, threshold);
    let categories: BTreeSet<&str> = cells.iter().map(|cell| cell.category.as_str()).filter(|c| *c != TOTAL).collect();
    let mut rows: BTreeMap<(String, &str), BTreeMap<&str, Option<i64>>> = BTreeMap::new();
    for (cell, hidden) in cells.iter().zip(hidden) {
        let quarter = cell.period.contains('Q');
        if quarter != (checked.period == PeriodParam::Quarter) {
            continue;
        }
        if let Some(territory) = asked_as(checked, &cell.level, &cell.territory) {
            let row = rows.entry((territory, cell.period.as_str())).or_default();
            row.insert(cell.category.as_str(), (!hidden).then_some(cell.units));
        }
    }
    let mut published = Vec::new();
    for ((territory, period), row) in rows {
        let columns = categories.iter().chain(additive.then_some(&TOTAL));
        published.extend(columns.map(|category| {
            let decisions = row.get(category).copied().unwrap_or(Some(0));
            OrientationDecisionCell {
                territory: territory.clone(),
                period: period.to_owned(),
                category: (*category).to_owned(),
                decisions,
                hidden: decisions.is_none(),
            }
        }));
    }
    published
}

fn level_name(level: LevelParam) -> &'static str {
    match level {
        LevelParam::National => "national",
        LevelParam::Region => "region",
        LevelParam::Departement => "departement",
    }
}

/// The territory a cell of the whole set answers the query as, if it does: the cells of the
/// asked level, or — with a `region` or `departement` — of that territory, named by the asked
/// level (`FR` at the national level: the counts of the territory asked).
fn asked_as(checked: &Checked, level: &str, territory: &str) -> Option<String> {
    let region_of = |code: &str| DepartementCode::parse(code).ok().map(|code| RegionCode::of_departement(&code));
    match (&checked.departement, &checked.region, checked.level) {
        (Some(departement), _, asked) => {
            (level == "departement" && territory == departement.as_str()).then(|| match asked {
                LevelParam::National => "FR".to_owned(),
                LevelParam::Region => RegionCode::of_departement(departement).as_str().to_owned(),
                LevelParam::Departement => territory.to_owned(),
            })
        }
        (None, Some(region), LevelParam::Departement) => {
            (level == "departement" && region_of(territory).as_ref() == Some(region)).then(|| territory.to_owned())
        }
        (None, Some(region), asked) => (level == "region" && territory == region.as_str())
            .then(|| if asked == LevelParam::National { "FR".to_owned() } else { territory.to_owned() }),
        (None, None, asked) => (level == level_name(asked)).then(|| territory.to_owned()),
    }
}
