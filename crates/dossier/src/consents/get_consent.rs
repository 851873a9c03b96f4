use plateforme_model::person::consent::Consent;
use plateforme_store::dossier::consents;

use super::{ConsentPath, not_found};
use crate::read_part::get_part;

get_part! {
    /// Read a consent
    ///
    /// One consent (consentement) of the person: its kind, the partner for a `dossier_sharing`
    /// consent, whether it is active, when it was given and when withdrawn. Journaled as
    /// `consents`.
    get_consent: "/persons/{id}/consents/{consent_id}", security(("oauth2" = ["dossier:read"])),
    ConsentPath { id, consent_id } -> Consent, journaled as Consents,
    find |conn| consents::find(conn, id, consent_id), else not_found(id, consent_id),
    view |consent| consent
}
