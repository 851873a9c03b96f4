use std::collections::BTreeSet;

use actix_web::{HttpResponse, get, web};
use plateforme_api::openapi::ListProblems;
use plateforme_api::{ApiError, ErrorCode, ValidQuery};
use plateforme_auth::Caller;
use plateforme_auth::policy::{self, IndicatorsAccess, Operation, Principal, Resource};
use plateforme_model::codes::{DepartementCode, RegionCode};
use plateforme_model::organization::OrganizationKind;
use plateforme_store::Store;
use plateforme_store::indicators::orientation_decisions::{self, Count, CountRequest};
use rustc_hash::FxHashMap;
use serde::Serialize;
use utoipa::ToSchema;

use crate::Secrecy;
use crate::published::Patterns;
use crate::query::{ByParam, Checked, LevelParam, OrientationDecisionsQuery, PeriodParam, period_of};
use plateforme_model::secrecy::Role;
use plateforme_model::secrecy::cube::{self, Entry, NATION, TOTAL};

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
    /// The first month counted, `YYYY-MM`: the first month of `from`'s quarter when `period` is
    /// `quarter`.
    pub from: String,
    /// The last month counted, `YYYY-MM`: the last month of `to`'s quarter when `period` is
    /// `quarter`.
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
    /// give such a one away through the sums between the cells (totals, quarters, territories).
    pub hidden: bool,
}

/// Orientation decisions for the employment committees
///
/// Counts the orientation decisions decided from `from` to `to` (months), per territory at
/// `level`, per month or quarter, and per category of `by`: the path decided, who decided, the
/// referent's kind, the ground, or a criterion of the arrêté of 21 November 2024 (employment
/// situation, qualification, aspirations, difficulties). Counts only, never a person: a cell of
/// fewer decisions than `threshold` is hidden, and so are the cells that would give it away from
/// any other cell of the breakdown — the row's `total`, the other months of its quarter, the
/// other territories of the level above — read in any number of calls: each hidden cell stays
/// uncertain by at least the threshold. What is hidden is decided over every territory, month and
/// quarter of the quarters asked, whatever the call's level, period or territories; a row's total
/// counting fewer than the threshold plus 9 decisions is hidden, alike in every breakdown. Below
/// the national level only the territories your organization may read are listed; asking for a
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
    patterns: web::Data<FeedPatterns>,
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
    // The whole table of the quarters asked, every territory: what is hidden must not depend on
    // the caller's cut of it, or two cuts would give each other away.
    let whole = CountRequest {
        level: LevelParam::Departement,
        breakdown: checked.by,
        from_month: quarter_months(&checked.request.from_month).0,
        to_month: quarter_months(&checked.request.to_month).1,
        region: None,
        departement: None,
    };
    let counts = store.run_stale(move |conn| orientation_decisions::count(conn, &whole)).await?;
    let threshold = threshold_for(&secrecy, principal.kind);
    let additive = checked.by != ByParam::Difficulty;
    let cut = Cut {
        level: checked.level,
        period: checked.period,
        from: checked.request.from_month.clone(),
        to: checked.request.to_month.clone(),
    };
    let thresholds = secrecy.up_to(threshold);
    let patterns = patterns.0.clone();
    // Seconds over five years of a national table: off the async workers.
    let protected = web::block(move || protected_cells(counts, &cut, &thresholds, additive, &patterns))
        .await
        .map_err(ApiError::internal)?;
    let cells = protected
        .into_iter()
        .filter(|cell| within(&checked, &cell.territory) && may_read(&principal, checked.level, &cell.territory))
        .collect();
    let (from, to) = match checked.period {
        PeriodParam::Month => (checked.request.from_month.clone(), checked.request.to_month.clone()),
        PeriodParam::Quarter => {
            (quarter_months(&checked.request.from_month).0, quarter_months(&checked.request.to_month).1)
        }
    };
    Ok(HttpResponse::Ok().json(OrientationDecisionTable {
        level: checked.level,
        by: checked.by,
        period: checked.period,
        from,
        to,
        threshold,
        cells,
    }))
}

/// The first and the last month of the quarter of a `YYYY-MM` month.
fn quarter_months(month: &str) -> (String, String) {
    let (year, number) = month.split_once('-').unwrap_or((month, "01"));
    let first = (number.parse::<u32>().unwrap_or(1) - 1) / 3 * 3 + 1;
    (format!("{year}-{first:02}"), format!("{year}-{:02}", first + 2))
}

/// Whether `territory` (of the level asked) lies within the `region` and `departement` asked.
fn within(checked: &Checked, territory: &str) -> bool {
    let in_region = |region: &RegionCode| match checked.level {
        LevelParam::National => true,
        LevelParam::Region => territory == region.as_str(),
        LevelParam::Departement => cube::region_of(territory) == region.as_str(),
    };
    let in_departement = |departement: &DepartementCode| match checked.level {
        LevelParam::National => true,
        LevelParam::Region => territory == RegionCode::of_departement(departement).as_str(),
        LevelParam::Departement => territory == departement.as_str(),
    };
    checked.region.as_ref().is_none_or(in_region) && checked.departement.as_ref().is_none_or(in_departement)
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

/// What a call asks of the whole table: a level, months or quarters, from a month to a month.
struct Cut {
    level: LevelParam,
    period: PeriodParam,
    from: String,
    to: String,
}

/// The whole table the caller's cells are cut from: every territory (département, région, the
/// nation; the unknown département and région counted but never published), the months and the
/// quarter of each quarter counted, every category and the total, protected at once with each
/// threshold up to the caller's; then the caller's level, period, months and territories.
fn protected_cells(
    counts: Vec<Count>,
    cut: &Cut,
    thresholds: &[i64],
    additive: bool,
    patterns: &Patterns,
) -> Vec<OrientationDecisionCell> {
    let table = Table::of(counts, additive);
    let hidden = table.protect_each_quarter(thresholds, patterns);
    let level = cut.level.as_str();
    let period = cut.period;
    let (from, to) = (cut.from.as_str(), cut.to.as_str());
    table
        .entries()
        .zip(hidden)
        .filter(|(entry, _)| entry.level == level && is_period(entry.period, period))
        .filter(|(entry, _)| {
            let (first, last) = months_of(entry.period);
            first.as_str() <= to && last.as_str() >= from
        })
        .map(|(entry, hidden)| OrientationDecisionCell {
            territory: entry.territory.to_owned(),
            period: entry.period.to_owned(),
            category: entry.category.to_owned(),
            decisions: (!hidden).then_some(entry.units),
            hidden,
        })
        .collect()
}

/// The counts of every level, month and quarter, category and total, in the order of the
/// response (territory, period, category; `total` last).
struct Table {
    keys: Vec<(String, String, String, String)>,
    units: Vec<i64>,
    additive: bool,
}

impl Table {
    fn of(counts: Vec<Count>, additive: bool) -> Table {
        // Keyed by the counts' own strings (and each count's région and quarter, worked out
        // once): building a national table of five years key by owned key took most of a read
        // once its secrecy pattern was kept.
        let regions: Vec<String> = counts.iter().map(|count| cube::region_of(&count.territory)).collect();
        let quarters: Vec<String> = counts.iter().map(|count| period_of(&count.month, PeriodParam::Quarter)).collect();
        let categories: BTreeSet<&str> = counts.iter().map(|count| count.category.as_str()).collect();
        let mut cells: FxHashMap<(&str, &str, &str, &str), i64> = FxHashMap::default();
        for ((count, region), quarter) in counts.iter().zip(&regions).zip(&quarters) {
            for (level, territory) in
                [("departement", count.territory.as_str()), ("region", region), ("national", NATION)]
            {
                for period in [count.month.as_str(), quarter] {
                    *cells.entry((level, territory, period, &count.category)).or_default() += count.decisions;
                    if additive {
                        *cells.entry((level, territory, period, TOTAL)).or_default() += count.decisions;
                    }
                }
            }
        }
        // Every category in every row, zero where none.
        let rows: BTreeSet<(&str, &str, &str)> =
            cells.keys().map(|&(level, territory, period, _)| (level, territory, period)).collect();
        for (level, territory, period) in rows {
            for category in &categories {
                cells.entry((level, territory, period, category)).or_default();
            }
        }
        let mut ordered: Vec<_> = cells.into_iter().collect();
        ordered.sort_unstable_by(|((l1, t1, p1, c1), _), ((l2, t2, p2, c2), _)| {
            (t1, p1, *c1 == TOTAL, c1, l1).cmp(&(t2, p2, *c2 == TOTAL, c2, l2))
        });
        let (keys, units) = ordered
            .into_iter()
            .map(|((level, territory, period, category), units)| {
                ((level.to_owned(), territory.to_owned(), period.to_owned(), category.to_owned()), units)
            })
            .unzip();
        Table { keys, units, additive }
    }

    fn entries(&self) -> impl Iterator<Item = Entry<'_>> {
        self.keys.iter().zip(&self.units).map(|((level, territory, period, category), &units)| Entry {
            level,
            territory,
            period,
            category,
            units,
        })
    }

    /// [`Table::protect`] quarter by quarter, each quarter's pattern kept in `patterns` (see
    /// [`Patterns::each_quarter`]; whether the categories add up to the total is the digest's
    /// salt).
    fn protect_each_quarter(&self, thresholds: &[i64], patterns: &Patterns) -> Vec<bool> {
        let entries: Vec<Entry<'_>> = self.entries().collect();
        let salt = [u8::from(self.additive)];
        patterns.each_quarter(FEED_PATTERNS, &salt, &entries, thresholds, &|cells, threshold, already| {
            self.protect(cells, &[threshold], already)
        })
    }

    /// Every threshold in turn, the totals first when the categories add up to them (see
    /// [`cube::protect_totals_first`]), holding the pattern `already` worked out.
    fn protect(&self, entries: &[Entry<'_>], thresholds: &[i64], already: &[bool]) -> Vec<bool> {
        if self.additive {
            cube::protect_totals_first(entries, thresholds, &published_role, already)
        } else {
            cube::protect(entries, thresholds, &published_role, already)
        }
    }
}

/// The feed's patterns, a quarter of a table each (see [`Table::protect_each_quarter`]): a
/// table of the feed has about 2,000 cells a quarter at national scale, so this keeps the 20
/// quarters of the 27 tables at two sets of thresholds about four times over.
#[derive(Debug, Clone)]
pub struct FeedPatterns(pub Patterns);

/// The cells of the feed's patterns kept (a byte each).
const FEED_CELLS_KEPT: usize = 8_000_000;

/// The name of the feed's patterns among the kept patterns' keys.
const FEED_PATTERNS: &str = "orientation-decisions";

impl Default for FeedPatterns {
    fn default() -> Self {
        FeedPatterns(Patterns::within(FEED_CELLS_KEPT))
    }
}

/// The unknown département and région are counted but published to nobody.
fn published_role(_: usize, entry: &Entry<'_>) -> Role {
    if entry.territory == cube::UNKNOWN { Role::Unpublished } else { cube::kept_totals(0, entry) }
}

fn is_period(period: &str, asked: PeriodParam) -> bool {
    period.contains("-Q") == (asked == PeriodParam::Quarter)
}

/// The first and the last month of a month or quarter, `YYYY-MM`.
fn months_of(period: &str) -> (String, String) {
    match period.split_once("-Q") {
        Some((year, quarter)) => quarter_months(&format!("{year}-{:02}", quarter.parse::<u32>().unwrap_or(1) * 3)),
        None => (period.to_owned(), period.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count(territory: &str, category: &str, decisions: i64) -> Count {
        count_in("2026-11", territory, category, decisions)
    }

    fn count_in(month: &str, territory: &str, category: &str, decisions: i64) -> Count {
        Count { territory: territory.to_owned(), month: month.to_owned(), category: category.to_owned(), decisions }
    }

    /// Two quarters of three départements, small counts in a few months.
    fn two_quarters(extra: i64) -> Vec<Count> {
        let mut counts = Vec::new();
        for (month, base) in [("2026-07", 1), ("2026-08", 5), ("2026-09", 2), ("2026-10", 3), ("2026-11", 8)] {
            for (territory, more) in [("69", 4), ("38", 1), ("75", 0)] {
                counts.push(count_in(month, territory, "emploi", base + more));
                counts.push(count_in(month, territory, "social", (base * more) % 4));
            }
        }
        counts.push(count_in("2026-12", "38", "social", extra));
        counts
    }

    /// The feed protects quarter by quarter with their patterns kept: the same pattern as the
    /// whole table at once, the second read protects nothing anew, new counts in one quarter
    /// have it alone protected again, and the lower thresholds' patterns are kept on the way.
    #[test]
    fn each_quarter_is_protected_as_in_the_whole_table_and_kept() {
        let patterns = Patterns::within(1_000_000);
        let table = Table::of(two_quarters(1), true);
        let entries: Vec<Entry<'_>> = table.entries().collect();
        let whole = table.protect(&entries, &[3, 5], &[]);
        assert!(whole.iter().any(|hidden| *hidden) && whole.iter().any(|hidden| !*hidden));
        assert_eq!(table.protect_each_quarter(&[3, 5], &patterns), whole);
        assert_eq!(patterns.len(), 4, "one pattern per quarter and threshold: 3, then 5 on top");
        assert_eq!(table.protect_each_quarter(&[3, 5], &patterns), whole);
        assert_eq!(patterns.len(), 4, "read again: kept");
        let moved = Table::of(two_quarters(2), true);
        let moved_entries: Vec<Entry<'_>> = moved.entries().collect();
        assert_eq!(moved.protect_each_quarter(&[3, 5], &patterns), moved.protect(&moved_entries, &[3, 5], &[]));
        assert_eq!(patterns.len(), 6, "the fourth quarter protected anew, the third kept");
        assert_eq!(table.protect_each_quarter(&[3], &patterns), table.protect(&entries, &[3], &[]));
        assert_eq!(patterns.len(), 6, "the committees' threshold alone: kept on the way to 5");
        assert_eq!(table.protect_each_quarter(&[5], &patterns).len(), whole.len());
        assert_eq!(patterns.len(), 8, "other thresholds, other patterns");
    }

    /// The API test's population: Lyon 4 emploi, 2 socio-professionnel, 1 social; Grenoble 3
    /// emploi; Paris 2 social. At the committees' threshold 3, every total below the nation's
    /// (fewer than 3 + 9) is hidden, and with them every category that they would give away: the
    /// nation's 12 stays, and the Rhône's emploi 4; the attack finds every hidden cell at least 3
    /// wide.
    #[test]
    fn a_small_population_keeps_its_national_total() {
        let counts = vec![
            count("69", "emploi", 4),
            count("69", "socio_professionnel", 2),
            count("69", "social", 1),
            count("38", "emploi", 3),
            count("75", "social", 2),
        ];
        let table = Table::of(counts, true);
        let entries: Vec<Entry<'_>> = table.entries().collect();
        let hidden = table.protect(&entries, &[3], &[]);
        let published: Vec<String> = entries
            .iter()
            .zip(&hidden)
            .filter(|(entry, hidden)| !**hidden && entry.units > 0)
            .map(|(entry, _)| format!("{}/{}/{}", entry.territory, entry.period, entry.category))
            .collect();
        assert_eq!(published, ["69/2026-11/emploi", "69/2026-Q4/emploi", "FR/2026-11/total", "FR/2026-Q4/total"]);
        let bounds = cube::attack_exactly(&entries, &hidden, true);
        for ((entry, bounds), _) in entries.iter().zip(bounds).zip(&hidden).filter(|(_, hidden)| **hidden) {
            assert!(bounds.width() >= 3, "{entry:?}: {bounds:?}");
        }
    }
}
