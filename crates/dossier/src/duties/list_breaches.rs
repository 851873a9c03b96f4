use plateforme_model::person::duties::Breach;
use plateforme_store::dossier::breaches;

use crate::read_part::list_part;

plateforme_api::paging_query! {
    pub struct BreachesQuery {}
    limit: "Breaches per page, 1 to 100 (20 by default)."
}

list_part! {
    /// List a person's breaches
    ///
    /// The breaches of the person's duties, oldest first, each with its exchange and measure.
    /// Needs `dossier.sanctions:read` besides `dossier:read`. Journaled as `duties`.
    list_breaches: "/persons/{id}/breaches", security(("oauth2" = ["dossier:read", "dossier.sanctions:read"])),
    BreachesQuery {} -> Breach, "One page of breaches.", journaled as Duties,
    list |conn, id, page| breaches::list(conn, id, &page),
    view |breach| breach.view()
}
