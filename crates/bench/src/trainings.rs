//! The `trainings-import` scenario (issue 15, item 6): a national training catalogue of the
//! dataset generator (LHEO 2.3, real communes and ROME codes) imported through
//! `POST /v1/trainings/lheo`, in parts of `part` formations each (`snapshot=false`, so that
//! the parts add up), one after the other. Each part is written to a temporary file first and
//! sent from it as a stream: neither the bench nor the measured time holds or writes the
//! catalogue. It reports formations and sessions imported per second, and the server's peak
//! resident memory during the imports (VmHWM, reset before when the kernel allows, and the
//! highest VmRSS sampled every 20 ms).

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use plateforme_dataset::rng::Rng;
use plateforme_dataset::trainings::{Catalogue, CatalogueCounts};

use crate::BenchError;
use crate::http::Connection;
use crate::offers::percent_encode;
use crate::server::Memory;

pub const NAME: &str = "trainings-import";

/// What the scenario measured.
#[derive(Debug, Clone)]
pub struct ImportResult {
    pub counts: CatalogueCounts,
    /// Imports sent (parts of the catalogue).
    pub imports: u64,
    /// Formations the server created (the rest were already there, unchanged).
    pub created: u64,
    /// Time spent in the imports (sending and the server's work), the generation excluded.
    pub elapsed: Duration,
    /// Resident memory of the server before the first import, and its peak during them.
    pub resident_before: u64,
    pub peak_resident: u64,
    /// The size of the largest part sent, in bytes.
    pub largest_document: u64,
}

impl ImportResult {
    pub fn formations_per_second(&self) -> f64 {
        self.counts.formations as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }

    pub fn sessions_per_second(&self) -> f64 {
        self.counts.sessions as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }
}

pub async fn run(
    address: SocketAddr,
    server_pid: u32,
    seed: u64,
    formations: u64,
    part: u64,
) -> Result<ImportResult, BenchError> {
    let catalogue = Catalogue::new(seed).map_err(|error| BenchError::new(error.to_string()))?;
    let path = std::env::temp_dir().join(format!("plateforme-bench-lheo-{}.xml", std::process::id()));
    let resident_before = Memory::of(server_pid)?.resident;
    // Writing 5 to clear_refs resets VmHWM (Linux ≥ 4.0): the peak then is the imports' own.
    let peak_reset = std::fs::write(format!("/proc/{server_pid}/clear_refs"), "5").is_ok();
    let sampled = Arc::new(AtomicU64::new(resident_before));
    let sampling = Arc::new(AtomicBool::new(true));
    let sampler = tokio::spawn(sample(server_pid, sampled.clone(), sampling.clone()));
    let result = import_parts(address, &catalogue, &path, formations, part.max(1)).await;
    sampling.store(false, Ordering::Relaxed);
    let _ = sampler.await;
    let _ = std::fs::remove_file(&path);
    let (counts, imports, created, elapsed, largest_document) = result?;
    let high_water = if peak_reset { Memory::of(server_pid)?.peak } else { 0 };
    Ok(ImportResult {
        counts,
        imports,
        created,
        elapsed,
        resident_before,
        peak_resident: high_water.max(sampled.load(Ordering::Relaxed)),
        largest_document,
    })
}

/// (counts, imports, formations created, time in the imports, largest part in bytes).
type Imported = (CatalogueCounts, u64, u64, Duration, u64);

async fn import_parts(
    address: SocketAddr,
    catalogue: &Catalogue,
    path: &std::path::Path,
    formations: u64,
    part: u64,
) -> Result<Imported, BenchError> {
    let mut connection = Connection::open(address).await?;
    let (mut counts, mut imports, mut created, mut elapsed, mut largest) =
        (CatalogueCounts::default(), 0, 0, Duration::ZERO, 0);
    let mut start = 0;
    while start < formations {
        let end = (start + part).min(formations);
        let written = write_part(catalogue, path, start..end)?;
        let length = std::fs::metadata(path)?.len();
        largest = largest.max(length);
        let mut file = std::fs::File::open(path)?;
        // A national catalogue outlasts a token: a fresh one per document.
        let authorization = format!("Bearer {}", crate::token(address).await?);
        let headers = [("Authorization", authorization.as_str()), ("Content-Type", "application/xml")];
        let began = Instant::now();
        let response = connection
            .send_streamed("POST", "/v1/trainings/lheo?snapshot=false", &headers, &mut file, length)
            .await
            .map_err(|error| BenchError::new(format!("importing formations {start}..{end}: {error}")))?;
        elapsed += began.elapsed();
        if response.status != 200 {
            return Err(BenchError::new(format!(
                "importing formations {start}..{end} answered {}: {}",
                response.status,
                String::from_utf8_lossy(&response.body[..response.body.len().min(2_000)])
            )));
        }
        let report: serde_json::Value = serde_json::from_slice(&response.body).unwrap_or_default();
        let summary = &report["summary"]["formations"];
        let rejected = summary["rejected"].as_u64().unwrap_or(0);
        if rejected > 0 {
            return Err(BenchError::new(format!("{rejected} generated formations of {start}..{end} were rejected")));
        }
        created += summary["created"].as_u64().unwrap_or(0);
        counts.formations += written.formations;
        counts.actions += written.actions;
        counts.sessions += written.sessions;
        imports += 1;
        start = end;
        eprintln!("bench: {NAME}: {} of {formations} formations imported", counts.formations);
        if response.closing {
            connection = Connection::open(address).await?;
        }
    }
    Ok((counts, imports, created, elapsed, largest))
}

fn write_part(
    catalogue: &Catalogue,
    path: &std::path::Path,
    formations: std::ops::Range<u64>,
) -> Result<CatalogueCounts, BenchError> {
    let mut out = std::io::BufWriter::with_capacity(1 << 16, std::fs::File::create(path)?);
    let counts = catalogue.write(&mut out, formations)?;
    std::io::Write::flush(&mut out)?;
    Ok(counts)
}

/// Keeps the highest resident size of the server seen while `running`.
async fn sample(pid: u32, highest: Arc<AtomicU64>, running: Arc<AtomicBool>) {
    while running.load(Ordering::Relaxed) {
        if let Ok(memory) = Memory::of(pid) {
            highest.fetch_max(memory.resident, Ordering::Relaxed);
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// The `trainings-search` scenario (issue 15): public searches (`GET /v1/trainings`) over the
/// catalogue `trainings-import` loads, each drawn from one formation of it — so most find
/// something at any size — read back from the generator's own document.
pub const SEARCH: &str = "trainings-search";

/// Formations of the catalogue the searches are drawn from, spread over its numbers.
const SEARCHED_FORMATIONS: u64 = 1_000;

/// One session of a formation, as a search can aim at it.
#[derive(Debug, Clone)]
struct SessionFacts {
    /// The INSEE code of its action's training site.
    commune: String,
    start: chrono::NaiveDate,
    open_recruitment: bool,
    /// Its action's funder (LHEO `code-financeur`).
    funder: String,
}

/// What a search can ask of one formation of the catalogue.
#[derive(Debug, Clone)]
pub struct FormationFacts {
    formacode: String,
    rome: String,
    /// The words of its title but `Formation`, lowercased, four letters or more.
    words: Vec<String>,
    sessions: Vec<SessionFacts>,
}

/// The facts of formations of the catalogue of `seed` and size `formations`, up to
/// [`SEARCHED_FORMATIONS`] of them spread evenly over it.
pub fn searched_formations(seed: u64, formations: u64) -> Result<Vec<FormationFacts>, BenchError> {
    let catalogue = Catalogue::new(seed).map_err(|error| BenchError::new(error.to_string()))?;
    let count = formations.min(SEARCHED_FORMATIONS);
    let mut facts = Vec::with_capacity(count as usize);
    for index in 0..count {
        let number = index * formations / count;
        let mut document = Vec::new();
        catalogue.write(&mut document, number..number + 1)?;
        let document = String::from_utf8_lossy(&document);
        let read = formation_facts(&document)
            .ok_or_else(|| BenchError::new(format!("formation {number} of the catalogue could not be read back")))?;
        facts.push(read);
    }
    Ok(facts)
}

/// Reads a formation's facts back from the generator's LHEO (one formation per document).
fn formation_facts(document: &str) -> Option<FormationFacts> {
    let title = unescape(element(document, "<intitule-formation>")?);
    let words = title
        .split(|character: char| !character.is_alphanumeric())
        .filter(|word| word.chars().count() >= 4 && *word != "Formation")
        .map(str::to_lowercase)
        .collect();
    let mut sessions = Vec::new();
    for action in document.split("<action ").skip(1) {
        let commune = element(action, "<code-INSEE-commune>")?.to_owned();
        let funder = element(action, "<code-financeur>")?.to_owned();
        for session in action.split("<session ").skip(1) {
            sessions.push(SessionFacts {
                commune: commune.clone(),
                start: chrono::NaiveDate::parse_from_str(element(session, "<debut>")?, "%Y%m%d").ok()?,
                open_recruitment: element(session, "<etat-recrutement>")? == "1",
                funder: funder.clone(),
            });
        }
    }
    Some(FormationFacts {
        formacode: element(document, r#"<code-FORMACODE ref="V14">"#)?.to_owned(),
        rome: element(document, r#"<code-ROME ref="V4">"#)?.to_owned(),
        words,
        sessions: (!sessions.is_empty()).then_some(sessions)?,
    })
}

/// The text after the first `opening` up to the next tag.
fn element<'a>(xml: &'a str, opening: &str) -> Option<&'a str> {
    let start = xml.find(opening)? + opening.len();
    let length = xml[start..].find('<')?;
    Some(&xml[start..start + length])
}

/// Undoes the generator's escaping (`&`, `<`, `>`).
fn unescape(text: &str) -> String {
    text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
}

/// A search of the mix, aimed at one session of one formation: 30 % a title word, 10 % a word
/// around the session's commune (30 km), 10 % its FORMACODE, 10 % its ROME code around the
/// commune, 10 % the ROME code in a start window (the session's start, 0 to 30 days before, to
/// 60 days after), 10 % a word in that window with open recruitment (when the session's is),
/// 10 % the FORMACODE with the action's funder, 10 % the commune (20 km) in the window with the
/// funder and open recruitment.
pub fn search_path(formations: &[FormationFacts], random: &mut Rng) -> String {
    let formation = &formations[random.index(formations.len())];
    let session = &formation.sessions[random.index(formation.sessions.len())];
    // A title word (its ROME code for a title without one).
    let text = match formation.words.get(random.index(formation.words.len().max(1))) {
        Some(drawn) => {
            let mut text = "q=".to_owned();
            percent_encode(drawn, &mut text);
            text
        }
        None => format!("rome={}", formation.rome),
    };
    let from = session.start - chrono::Duration::days(random.between(0, 30));
    let window = format!("start_from={from}&start_to={}", session.start + chrono::Duration::days(60));
    let open = if session.open_recruitment { "&open_recruitment=true" } else { "" };
    let (formacode, rome, commune, funder) = (&formation.formacode, &formation.rome, &session.commune, &session.funder);
    let query = match random.below(10) {
        0..=2 => text,
        3 => format!("{text}&commune={commune}&radius_km=30"),
        4 => format!("formacode={formacode}"),
        5 => format!("rome={rome}&commune={commune}&radius_km=30"),
        6 => format!("rome={rome}&{window}"),
        7 => format!("{text}&{window}{open}"),
        8 => format!("formacode={formacode}&funding={funder}"),
        _ => format!("commune={commune}&radius_km=20&{window}&funding={funder}{open}"),
    };
    format!("/v1/trainings?{query}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn searches_are_drawn_from_formations_read_back_from_the_catalogue() {
        let formations = searched_formations(1, 20).expect("the generator's catalogue");
        assert_eq!(formations.len(), 20);
        for formation in &formations {
            assert_eq!(formation.formacode.len(), 5, "{formation:?}");
            assert_eq!(formation.rome.len(), 5, "{formation:?}");
            assert!(!formation.words.is_empty(), "{formation:?}");
            assert!(formation.sessions.iter().all(|session| session.commune.len() == 5), "{formation:?}");
        }
        let draw = || {
            let mut random = Rng::new(1, "requests");
            (0..50).map(|_| search_path(&formations, &mut random)).collect::<Vec<_>>()
        };
        let paths = draw();
        assert_eq!(paths, draw());
        assert!(paths.iter().all(|path| path.starts_with("/v1/trainings?") && path.is_ascii()), "{paths:?}");
        assert!(paths.iter().any(|path| path.contains("start_from=")), "{paths:?}");
    }
}
