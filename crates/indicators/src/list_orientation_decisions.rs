use std::collections::{BTreeMap, BTreeSet};

use actix_web::{HttpResponse, get, web};
use plateforme_api::openapi::ListProblems;
use plateforme_api::{ApiError, ErrorCode, ValidQuery};
use plateforme_auth::Caller;
use plateforme_auth::policy::{self, IndicatorsAccess, Operation, Principal, Resource};
use plateforme_model::codes::{DepartementCode, RegionCode};
use plateforme_model::organization::OrganizationKind;
use plateforme_store::Store;
use plateforme_store::indicators::orientation_decisions::{self, Count};
use serde::Serialize;
use utoipa::ToSchema;

use crate::Secrecy;
use crate::query::{ByParam, LevelParam, OrientationDecisionsQuery, PeriodParam, period_of};
use crate::secrecy::protect_row;

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
    /// give such a one away from the total.
    pub hidden: bool,
}

/// Orientation decisions for the employment committees
///
/// Counts the orientation decisions decided from `from` to `to` (months), per territory at
/// `level`, per month or quarter, and per category of `by`: the path decided, who decided, the
/// referent's kind, the ground, or a criterion of the arrêté of 21 November 2024 (employment
/// situation, qualification, aspirations, difficulties). Counts only, never a person: a cell of
/// fewer decisions than `threshold` is hidden, and so are the cells that would give it away from
/// the row's `total` (each hidden cell stays uncertain by at least the threshold). Below the
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
    let counts = store.run_stale(move |conn| orientation_decisions::count(conn, &request)).await?;
    let readable: Vec<Count> =
        counts.into_iter().filter(|count| may_read(&principal, checked.level, &count.territory)).collect();
    let threshold = threshold_for(&secrecy, principal.kind);
    let additive = checked.by != ByParam::Difficulty;
    Ok(HttpResponse::Ok().json(OrientationDecisionTable {
        level: checked.level,
        by: checked.by,
        period: checked.period,
        from: checked.request.from_month.clone(),
        to: checked.request.to_month.clone(),
        threshold,
        cells: protected_cells(readable, checked.period, threshold, additive),
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

/// The counts as rows per territory and period (months added into quarters), every category of
/// the table in each row (zero where none), each row protected.
fn protected_cells(
    counts: Vec<Count>,
    period: PeriodParam,
    threshold: i64,
    additive: bool,
) -> Vec<OrientationDecisionCell> {
    let categories: BTreeSet<String> = counts.iter().map(|count| count.category.clone()).collect();
    let mut rows: BTreeMap<(String, String), BTreeMap<String, i64>> = BTreeMap::new();
    for count in counts {
        let row = rows.entry((count.territory, period_of(&count.month, period))).or_default();
        *row.entry(count.category).or_default() += count.decisions;
    }
    let mut cells = Vec::new();
    for ((territory, period), row) in rows {
        let values: Vec<i64> = categories.iter().map(|category| row.get(category).copied().unwrap_or(0)).collect();
        let cell = |category: &str, decisions: Option<i64>| OrientationDecisionCell {
            territory: territory.clone(),
            period: period.clone(),
            category: category.to_owned(),
            decisions,
            hidden: decisions.is_none(),
        };
        if additive {
            let protected = protect_row(&values, threshold);
            cells.extend(categories.iter().zip(protected.cells).map(|(category, decisions)| cell(category, decisions)));
            cells.push(cell(TOTAL, protected.total));
        } else {
            let small = |count: i64| count > 0 && count < threshold;
            cells.extend(
                categories.iter().zip(values).map(|(category, count)| cell(category, (!small(count)).then_some(count))),
            );
        }
    }
    cells
}
