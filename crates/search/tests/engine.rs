//! The engine on a small kind of its own: words, typos, filters, sorts, pages, facets and
//! completions, as any domain would use them.

use plateforme_search::{Circle, Document, Engine, Filter, Kind, Query, Sort, Value, ValueTest};
use uuid::Uuid;

fn kind() -> Kind {
    Kind::new("things", "thing", 1)
        .text("title", 10.0)
        .text("body", 1.0)
        .facet("category")
        .integer("date")
        .float("latitude")
        .float("longitude")
        .flag("flagged")
        .completion("phrase")
}

fn document(n: u128, title: &str, category: &str, date: i64, position: (f64, f64)) -> Document {
    Document::new(Uuid::from_u128(n), format!("{{\"n\":{n}}}"))
        .with("title", Value::Text(title.into()))
        .with("body", Value::Text("Un poste au sein d'une équipe.".into()))
        .with("category", Value::Keyword(category.into()))
        .with("date", Value::Integer(date))
        .with("latitude", Value::Float(position.0))
        .with("longitude", Value::Float(position.1))
        .with("flagged", Value::Flag(n.is_multiple_of(2)))
        .with("phrase", Value::Completion(title.into()))
}

const LYON: (f64, f64) = (45.7578, 4.8320);
const VILLEURBANNE: (f64, f64) = (45.7719, 4.8902);
const MARSEILLE: (f64, f64) = (43.2965, 5.3698);

fn engine(folder: &std::path::Path) -> Engine {
    let opened = Engine::open(folder, kind()).expect("open");
    assert!(opened.position.is_none(), "a new index must be built");
    let engine = opened.engine;
    {
        let mut writer = engine.writer(1).expect("writer");
        for document in [
            document(1, "Développeur web", "cdi", 10, LYON),
            document(2, "Développeuse Java", "cdd", 20, VILLEURBANNE),
            document(3, "Boulangère", "cdi", 30, MARSEILLE),
            document(4, "Développeurs mobiles", "cdi", 40, MARSEILLE),
            document(5, "Boulanger pâtissier", "cdd", 50, LYON),
        ] {
            writer.upsert(&document).expect("upsert");
        }
        writer.commit("42").expect("commit");
        writer.close().expect("close");
    }
    engine
}

fn query(text: Option<&str>) -> Query {
    Query {
        text: text.map(str::to_owned),
        filters: Vec::new(),
        sort: Sort::Relevance { then: "date" },
        offset: 0,
        limit: 10,
        facets: vec!["category"],
    }
}

fn ids(results: &plateforme_search::Results) -> Vec<u128> {
    results.hits.iter().map(|hit| hit.id.as_u128()).collect()
}

#[test]
fn words_meet_whatever_their_gender_accents_plural_or_one_typo() {
    let folder = tempfile::tempdir().expect("folder");
    let engine = engine(folder.path());
    for text in ["développeuse", "DEVELOPPEURS", "devloppeur", "développeur"] {
        let results = engine.search(&query(Some(text))).expect("search");
        let mut found = ids(&results);
        found.sort_unstable();
        assert_eq!(found, vec![1, 2, 4], "{text}");
        assert_eq!(results.total, 3);
        assert_eq!(results.facets[0], vec![("cdi".to_owned(), 2), ("cdd".to_owned(), 1)]);
    }
    assert_eq!(ids(&engine.search(&query(Some("boulanger"))).expect("search")).len(), 2);
    assert_eq!(engine.search(&query(Some("dev"))).expect("search").total, 0, "a short word is matched exactly");
    assert_eq!(engine.search(&query(Some("le la"))).expect("search").total, 5, "stop words filter nothing");
}

#[test]
fn filters_sorts_and_pages() {
    let folder = tempfile::tempdir().expect("folder");
    let engine = engine(folder.path());
    let circle = Circle {
        latitude_field: "latitude",
        longitude_field: "longitude",
        latitude: LYON.0,
        longitude: LYON.1,
        radius_km: 10.0,
    };
    let mut near = query(None);
    near.filters = vec![Filter::Within(circle)];
    near.sort = Sort::Nearest(circle);
    assert_eq!(ids(&engine.search(&near).expect("search")), vec![1, 5, 2], "nearest first, then the smallest id");
    let mut newest = query(None);
    newest.sort = Sort::Greatest("date");
    newest.filters = vec![
        Filter::AnyOf { field: "category", values: vec!["cdi".into()] },
        Filter::Above { field: "date", value: 10 },
    ];
    assert_eq!(ids(&engine.search(&newest).expect("search")), vec![4, 3]);
    let mut flagged = query(None);
    flagged.sort = Sort::Greatest("date");
    flagged.filters = vec![Filter::Flagged { field: "flagged" }];
    assert_eq!(ids(&engine.search(&flagged).expect("search")), vec![4, 2]);
    let mut page = query(None);
    page.sort = Sort::Greatest("date");
    page.limit = 2;
    let first = engine.search(&page).expect("search");
    assert_eq!((ids(&first), first.more, first.total), (vec![5, 4], true, 5));
    page.offset = 4;
    let last = engine.search(&page).expect("search");
    assert_eq!((ids(&last), last.more), (vec![1], false));
}

/// Documents holding several packed values (a flag times 100, plus a place), written in two
/// commits so that the test runs over two segments.
const PARTS: [(u128, &[i64]); 5] = [(1, &[101, 2]), (2, &[1]), (3, &[103, 102]), (4, &[3]), (5, &[])];

#[test]
fn a_value_test_passes_exactly_the_documents_with_a_passing_value() {
    let folder = tempfile::tempdir().expect("folder");
    let opened =
        Engine::open(folder.path(), Kind::new("parts", "part", 1).integer("part").integer("date")).expect("open");
    let engine = opened.engine;
    let mut writer = engine.writer(1).expect("writer");
    for (n, values) in PARTS {
        let mut document = Document::new(Uuid::from_u128(n), "{}".into()).with("date", Value::Integer(0));
        for value in values {
            document = document.with("part", Value::Integer(*value));
        }
        writer.upsert(&document).expect("upsert");
        if n == 2 {
            writer.commit("1").expect("commit");
        }
    }
    writer.commit("2").expect("commit");
    writer.close().expect("close");
    let tests: [(&str, &[u128], ValueTest); 4] = [
        ("flagged in place 2", &[3], ValueTest::new(|value| value == 102)),
        ("flagged", &[1, 3], ValueTest::new(|value| value >= 100)),
        ("in place 1 or 3, flagged or not", &[1, 2, 3, 4], ValueTest::new(|value| [1, 3].contains(&(value % 100)))),
        ("none", &[], ValueTest::new(|_| false)),
    ];
    for (name, expected, test) in tests {
        let mut search = query(None);
        search.sort = Sort::Greatest("date");
        search.facets = Vec::new();
        search.filters = vec![Filter::AnyValue { field: "part", test }];
        let results = engine.search(&search).expect("search");
        let mut found = ids(&results);
        found.sort_unstable();
        assert_eq!(found, expected, "{name}");
        assert_eq!(results.total, expected.len() as u64, "{name}");
    }
}

#[test]
fn completions_and_the_position_survive_a_reopening() {
    let folder = tempfile::tempdir().expect("folder");
    drop(engine(folder.path()));
    let opened = Engine::open(folder.path(), kind()).expect("reopen");
    assert_eq!(opened.position.as_deref(), Some("42"));
    let completions = opened.engine.suggest("phrase", "dév", 5).expect("suggest");
    let texts: Vec<&str> = completions.iter().map(|completion| completion.text.as_str()).collect();
    assert_eq!(texts, vec!["Développeur web", "Développeurs mobiles", "Développeuse Java"]);
    let changed = Kind { version: 2, ..kind() };
    assert!(Engine::open(folder.path(), changed).expect("reopen").position.is_none(), "another schema is rebuilt");
}

#[test]
fn a_second_writer_is_refused() {
    let folder = tempfile::tempdir().expect("folder");
    let engine = engine(folder.path());
    let _writer = engine.writer(1).expect("first writer");
    let other = Engine::open(folder.path(), kind()).expect("open").engine;
    assert!(matches!(other.writer(1), Err(plateforme_search::SearchError::Busy(_))));
}
