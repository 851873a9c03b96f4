//! `conformance-tests --base-url URL --client KIND=ID:SECRET …`: prints one line per check and
//! `N passed, M failed`; exits 1 when a check failed.

use std::process::ExitCode;

use clap::Parser;
use plateforme_conformance_tests::{ClientSpec, Settings, run};

/// Checks a Plateforme deployment against its contract and conventions. It writes records
/// (named "conformance …") and cannot delete them: see conformance-tests/README.md.
#[derive(Parser)]
#[command(version)]
struct Arguments {
    /// The deployment's base URL, e.g. http://127.0.0.1:8080.
    #[arg(long, env = "CONFORMANCE_BASE_URL")]
    base_url: String,
    /// A client: KIND=ID:SECRET, KIND among france_travail, mission_locale, cap_emploi,
    /// departement, region, partner, employer, admin. Repeat for each kind; checks needing a
    /// kind not given are skipped. CONFORMANCE_CLIENTS (space-separated) keeps secrets out of
    /// the process list.
    #[arg(long = "client", env = "CONFORMANCE_CLIENTS", value_delimiter = ' ')]
    clients: Vec<ClientSpec>,
}

#[tokio::main]
async fn main() -> ExitCode {
    let arguments = Arguments::parse();
    let mut settings = match Settings::new(arguments.base_url, arguments.clients) {
        Ok(settings) => settings,
        Err(why) => {
            eprintln!("conformance-tests: {why}");
            return ExitCode::from(2);
        }
    };
    settings.echo = true;
    let report = run(&settings).await;
    println!("{}", report.summary());
    if report.failed() == 0 { ExitCode::SUCCESS } else { ExitCode::FAILURE }
}
