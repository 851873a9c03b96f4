//! Renders the Markdown of `docs/` to HTML at build time: the repository's Markdown is the one
//! source of the guides, and the binary serves them with no file beside it.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd, html};

// The changelog compares the contract's versions with the crate's own comparison.
#[allow(dead_code)]
#[path = "src/changes.rs"]
mod changes;
#[allow(dead_code)]
#[path = "src/contract.rs"]
mod contract;

/// Read first, in this order; the other guides follow in alphabetical order.
const FIRST: &[&str] = &["demarrage", "integration", "api-conventions"];
/// Not guides for a partner's developer: the index of the folder.
const SKIPPED: &[&str] = &["README"];

fn main() {
    let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs");
    println!("cargo::rerun-if-changed={}", docs.display());
    let mut guides = guide_files(&docs);
    guides.sort_by_key(|(slug, _)| (FIRST.iter().position(|first| first == slug).unwrap_or(FIRST.len()), slug.clone()));
    let mut code = String::from(
        "/// The guides of `docs/`, rendered: (slug, title, HTML).\npub static GUIDES: &[(&str, &str, &str)] = &[\n",
    );
    for (slug, path) in guides {
        println!("cargo::rerun-if-changed={}", path.display());
        let markdown = std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display()));
        let (title, html) = render(&markdown);
        let _ = writeln!(code, "    ({slug:?}, {title:?}, {html:?}),");
    }
    code.push_str("];\n");
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    std::fs::write(out.join("guides.rs"), code).unwrap_or_else(|error| panic!("guides.rs: {error}"));
    let changelog = changelog(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../.."));
    std::fs::write(out.join("changelog.rs"), changelog).unwrap_or_else(|error| panic!("changelog.rs: {error}"));
}

const CONTRACT: &str = "openapi/openapi.json";

/// The changelog of the contract, from the history of its committed file: for each commit that
/// changed it, what was added, deprecated, removed and broken. Empty where there is no history
/// (a source archive without `.git`): the page says so.
fn changelog(repository: &Path) -> String {
    println!("cargo::rerun-if-changed={}", repository.join(CONTRACT).display());
    let git = |args: &[&str]| {
        std::process::Command::new("git")
            .arg("-C")
            .arg(repository)
            .args(args)
            .output()
            .ok()
            .filter(|output| output.status.success())
            .map(|output| output.stdout)
    };
    let commits =
        git(&["log", "--first-parent", "--reverse", "--format=%H %h %cs", "--", CONTRACT]).unwrap_or_default();
    let mut entries = Vec::new();
    let mut previous: Option<serde_json::Value> = None;
    for line in String::from_utf8_lossy(&commits).lines() {
        let mut fields = line.split(' ');
        let (Some(hash), Some(short), Some(date)) = (fields.next(), fields.next(), fields.next()) else { continue };
        let Some(text) = git(&["show", &format!("{hash}:{CONTRACT}")]) else { continue };
        let Ok(current) = serde_json::from_slice::<serde_json::Value>(&text) else { continue };
        let changes = match &previous {
            Some(before) => changes::compare(before, &current, date),
            None => changes::Changes {
                added: vec![format!("{} operations", contract::operations(&current).len())],
                ..Default::default()
            },
        };
        if !changes.is_empty() {
            entries.push(format!(
                "    ContractVersion {{ date: {date:?}, commit: {short:?}, added: &{:?}, deprecated: &{:?}, removed: &{:?}, breaking: &{:?} }},",
                changes.added, changes.deprecated, changes.removed, changes.breaking
            ));
        }
        previous = Some(current);
    }
    entries.reverse();
    format!(
        "/// The contract's changes, newest first.\npub static CHANGELOG: &[ContractVersion] = &[\n{}\n];\n",
        entries.join("\n")
    )
}

fn guide_files(docs: &Path) -> Vec<(String, PathBuf)> {
    let entries = std::fs::read_dir(docs).unwrap_or_else(|error| panic!("{}: {error}", docs.display()));
    entries
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|extension| extension == "md"))
        .filter_map(|path| Some((path.file_stem()?.to_str()?.to_owned(), path)))
        .filter(|(slug, _)| !SKIPPED.contains(&slug.as_str()))
        .collect()
}

/// The guide's title (its first heading) and its HTML: links between guides lead to the
/// portal's pages, and every heading has the id GitHub would give it, so anchors still work.
fn render(markdown: &str) -> (String, String) {
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    let events: Vec<Event> = Parser::new_ext(markdown, options).collect();
    let mut title = None;
    let mut output = Vec::with_capacity(events.len());
    let mut index = 0;
    while index < events.len() {
        match &events[index] {
            Event::Start(Tag::Heading { level, .. }) => {
                let end = events[index..].iter().position(|event| matches!(event, Event::End(TagEnd::Heading(_))));
                let end = index + end.expect("a heading ends");
                let text: String = events[index + 1..end]
                    .iter()
                    .filter_map(|event| match event {
                        Event::Text(text) | Event::Code(text) => Some(text.as_ref()),
                        _ => None,
                    })
                    .collect();
                if title.is_none() && *level == HeadingLevel::H1 {
                    title = Some(text.clone());
                }
                output.push(Event::Start(Tag::Heading {
                    level: *level,
                    id: Some(CowStr::from(anchor_of(&text))),
                    classes: Vec::new(),
                    attrs: Vec::new(),
                }));
                output.extend(events[index + 1..=end].iter().cloned().map(relink));
                index = end + 1;
            }
            event => {
                output.push(relink(event.clone()));
                index += 1;
            }
        }
    }
    let mut html = String::new();
    html::push_html(&mut html, output.into_iter());
    (title.unwrap_or_default(), html)
}

/// `dossier.md#consents` → `/portail/guides/dossier#consents`; the repository's other files
/// (`../crates/…`) are not served: their links become plain text.
fn relink(event: Event) -> Event {
    match event {
        Event::Start(Tag::Link { link_type, dest_url, title, id }) => {
            let url = dest_url.to_string();
            let (file, anchor) = url.split_once('#').map_or((url.as_str(), ""), |(file, anchor)| (file, anchor));
            let dest = if let Some(stem) = file.strip_suffix(".md").filter(|stem| !stem.contains('/')) {
                let anchor = if anchor.is_empty() { String::new() } else { format!("#{anchor}") };
                format!("/portail/guides/{stem}{anchor}")
            } else if file.starts_with("../") || file.starts_with("./") {
                "#".to_owned()
            } else {
                url
            };
            Event::Start(Tag::Link { link_type, dest_url: CowStr::from(dest), title, id })
        }
        other => other,
    }
}

/// GitHub's anchor of a heading: lower case, spaces to `-`, punctuation dropped.
fn anchor_of(text: &str) -> String {
    text.trim()
        .chars()
        .filter_map(|character| match character {
            ' ' => Some('-'),
            '-' | '_' => Some(character),
            _ if character.is_alphanumeric() => Some(character),
            _ => None,
        })
        .flat_map(char::to_lowercase)
        .collect()
}
