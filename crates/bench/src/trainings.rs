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

use plateforme_dataset::trainings::{Catalogue, CatalogueCounts};

use crate::BenchError;
use crate::http::Connection;
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
    authorization: &str,
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
    let result = import_parts(address, authorization, &catalogue, &path, formations, part.max(1)).await;
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
    authorization: &str,
    catalogue: &Catalogue,
    path: &std::path::Path,
    formations: u64,
    part: u64,
) -> Result<Imported, BenchError> {
    let mut connection = Connection::open(address).await?;
    let headers = [("Authorization", authorization), ("Content-Type", "application/xml")];
    let (mut counts, mut imports, mut created, mut elapsed, mut largest) =
        (CatalogueCounts::default(), 0, 0, Duration::ZERO, 0);
    let mut start = 0;
    while start < formations {
        let end = (start + part).min(formations);
        let written = write_part(catalogue, path, start..end)?;
        let length = std::fs::metadata(path)?.len();
        largest = largest.max(length);
        let mut file = std::fs::File::open(path)?;
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
