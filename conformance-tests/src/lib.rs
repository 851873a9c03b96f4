//! A black-box conformance suite for any Plateforme deployment: it calls the API through the
//! typed client, as a partner would, with one client per organization kind, and checks the
//! answers against the contract the deployment publishes and the conventions of
//! docs/api-conventions.md and docs/security.md.
//!
//! [`run`] runs everything; the check modules are public so that tests can run a part against
//! a deliberately broken server.

pub mod checks;
pub mod contract;
pub mod fixtures;
pub mod formats;
pub mod recorder;
pub mod report;
pub mod schema;
pub mod settings;
pub mod suite;

pub use report::{CheckResult, Outcome, Report};
pub use settings::{ClientSpec, Kind, Settings};
pub use suite::Suite;

/// Runs every check against the deployment `settings` names.
pub async fn run(settings: &Settings) -> Report {
    let mut report = Report::new(settings.echo);
    let suite = match Suite::connect(settings, &mut report).await {
        Ok(suite) => suite,
        Err(why) => {
            report.record("suite.setup", Err(why));
            return report;
        }
    };
    checks::discovery::run(&suite, &mut report).await;
    checks::tokens::run(&suite, &mut report).await;
    checks::problems::run(&suite, &mut report).await;
    let organization = checks::organizations::run(&suite, &mut report).await;
    checks::pagination::run(&suite, &mut report).await;
    checks::strict_parsing::run(&suite, &mut report).await;
    let person = checks::persons::run(&suite, &mut report).await.map(|registered| registered.id);
    checks::dossier::run(&suite, person, &mut report).await;
    // Inbound sync.
    checks::inbound::run(&suite, &mut report).await;
    checks::access::run(&suite, organization.as_ref(), &mut report).await;
    checks::journal::run(&suite, person, &mut report).await;
    checks::changes::run(&suite, person, &mut report).await;
    checks::webhooks::run(&suite, &mut report).await;
    checks::exports::run(&suite, person, &mut report).await;
    checks::me::run(&suite, person, &mut report).await;
    checks::offers::run(&suite, &mut report).await;
    checks::training::run(&suite, &mut report).await;
    checks::roles::run(&suite, &mut report).await;
    checks::responses::run(&suite, &mut report).await;
    checks::indicators::run(&suite, &mut report).await;
    checks::profiles::run(&suite, &mut report).await;
    // Last: it spends this address's public search quota.
    checks::rate_limits::run(&suite, &mut report).await;
    report
}
