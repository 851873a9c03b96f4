//! The plan for distributing the schema with Citus (docs/scaling.md, the table between the
//! `citus-plan` markers) stays true to the schema (`src/schema.rs`): every table is planned once,
//! every column the plan names exists, a distribution column is `NOT NULL` and in the primary
//! key Citus will need, and co-located tables are distributed by columns of the same type.

use std::collections::BTreeMap;

/// A table of `schema.rs`: its columns and their diesel types.
struct Table {
    columns: BTreeMap<String, String>,
}

/// One row of the plan.
struct Planned {
    table: String,
    kind: String,
    distribution_column: Option<String>,
    colocated_with: Option<String>,
    primary_key: Vec<String>,
}

fn read(relative: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("read {}: {error}", path.display()))
}

/// The `table!` blocks of schema.rs: `name (key…) { column -> Type, … }`.
fn schema_tables(schema: &str) -> BTreeMap<String, Table> {
    let mut tables = BTreeMap::new();
    for block in schema.split("table! {").skip(1) {
        let Some(end) = block.find("\n}") else { continue };
        let mut lines = block[..end].lines().map(str::trim).filter(|line| !line.is_empty());
        let Some(header) = lines.next() else { continue };
        let name = header.split_whitespace().next().unwrap_or_default().to_owned();
        let columns = lines
            .filter_map(|line| line.split_once("->"))
            .map(|(column, kind)| (column.trim().to_owned(), kind.trim().trim_end_matches(',').to_owned()))
            .collect();
        tables.insert(name, Table { columns });
    }
    tables
}

fn optional(cell: &str) -> Option<String> {
    (cell != "—" && !cell.is_empty()).then(|| cell.to_owned())
}

fn plan(doc: &str) -> Vec<Planned> {
    let start = doc.find("<!-- citus-plan: start -->").expect("the plan's start marker");
    let end = doc.find("<!-- citus-plan: end -->").expect("the plan's end marker");
    doc[start..end]
        .lines()
        .filter(|line| line.starts_with('|'))
        .skip(2)
        .map(|line| {
            let cells: Vec<&str> = line.trim_matches('|').split('|').map(str::trim).collect();
            assert_eq!(cells.len(), 6, "a row of the plan has six cells: {line}");
            Planned {
                table: cells[0].to_owned(),
                kind: cells[1].to_owned(),
                distribution_column: optional(cells[2]),
                colocated_with: optional(cells[3]),
                primary_key: cells[4].split(',').map(|column| column.trim().to_owned()).collect(),
            }
        })
        .collect()
}

#[test]
fn the_citus_plan_names_every_table_and_columns_that_exist() {
    let tables = schema_tables(&read("src/schema.rs"));
    let plan = plan(&read("../../docs/scaling.md"));
    assert!(tables.len() >= 16, "the schema's tables are read: {}", tables.len());

    let planned: Vec<&str> = plan.iter().map(|row| row.table.as_str()).collect();
    for name in tables.keys() {
        let times = planned.iter().filter(|planned| **planned == name.as_str()).count();
        assert_eq!(times, 1, "table {name} is planned once in docs/scaling.md (found {times} times)");
    }
    let mut problems = Vec::new();
    for row in &plan {
        let Some(table) = tables.get(&row.table) else {
            problems.push(format!("{}: not a table of schema.rs", row.table));
            continue;
        };
        for column in &row.primary_key {
            if !table.columns.contains_key(column) {
                problems.push(format!("{}: primary key column {column} does not exist", row.table));
            }
        }
        match (row.kind.as_str(), &row.distribution_column) {
            ("distributed", Some(column)) => match table.columns.get(column) {
                None => problems.push(format!("{}: distribution column {column} does not exist", row.table)),
                Some(kind) if kind.starts_with("Nullable<") => {
                    problems.push(format!("{}: distribution column {column} is nullable", row.table));
                }
                Some(_) if !row.primary_key.contains(column) => {
                    problems.push(format!("{}: the primary key must hold the distribution column {column}", row.table));
                }
                Some(_) => {}
            },
            ("reference" | "coordinator", None) => {}
            (kind, column) => problems.push(format!("{}: kind {kind} with distribution column {column:?}", row.table)),
        }
    }
    problems.extend(colocation_problems(&plan, &tables));
    assert!(problems.is_empty(), "docs/scaling.md's Citus plan disagrees with schema.rs:\n{}", problems.join("\n"));
}

/// Co-located tables are distributed by columns of the type of their group's table's column.
fn colocation_problems(plan: &[Planned], tables: &BTreeMap<String, Table>) -> Vec<String> {
    let type_of = |row: &Planned| {
        let column = row.distribution_column.as_ref()?;
        tables.get(&row.table)?.columns.get(column).cloned()
    };
    let mut problems = Vec::new();
    for row in plan {
        let Some(group) = &row.colocated_with else { continue };
        let Some(anchor) = plan.iter().find(|other| &other.table == group) else {
            problems.push(format!("{}: co-located with {group}, which is not planned", row.table));
            continue;
        };
        if anchor.kind != "distributed" || type_of(anchor) != type_of(row) {
            problems.push(format!(
                "{}: co-located with {group} but distributed by a {:?}, not {:?}",
                row.table,
                type_of(row),
                type_of(anchor)
            ));
        }
    }
    problems
}
