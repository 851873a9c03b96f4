use plateforme_model::person::consent::Consent;
use plateforme_store::dossier::consents;

use crate::read_part::list_part;

plateforme_api::paging_query! {
    pub struct ConsentsQuery {
        /// `true` for the active consents only, `false` for the withdrawn ones only; both when left out.
        active: Option<bool>,
    }
    limit: "Consents per page, 1 to 100 (20 by default)."
}

list_part! {
    /// List a person's consents
    ///
    /// The consents (consentements) the person gave, oldest first, active or withdrawn, each with
    /// the time it was given and, once withdrawn, the time of the withdrawal. Journaled as
    /// `consents`.
    list_consents: "/persons/{id}/consents", security(("oauth2" = ["dossier:read"])),
    ConsentsQuery { active } -> Consent, "One page of consents.", journaled as Consents,
    list |conn, id, page| consents::list(conn, id, active, &page),
    view |consent| consent
}
