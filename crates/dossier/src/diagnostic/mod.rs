//! The diagnostic of a person (diagnostic socio-professionnel). Its social part (freins
//! périphériques) is sensitive: it is read with `dossier.social:read` and written with
//! `dossier.social:write`, on top of the dossier scopes, and the journal names it when it was
//! read or written.

mod get_diagnostic;
mod set_diagnostic;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(config: &mut ServiceConfig) {
    config.service(get_diagnostic::get_diagnostic).service(set_diagnostic::set_diagnostic);
}

const SOCIAL_READ: &str = "dossier.social:read";
const SOCIAL_WRITE: &str = "dossier.social:write";

fn location(person_id: uuid::Uuid) -> String {
    format!("{}/diagnostic", crate::location(person_id))
}
