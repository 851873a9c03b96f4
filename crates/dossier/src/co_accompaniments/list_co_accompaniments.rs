use plateforme_model::person::co_accompaniment::CoAccompaniment;
use plateforme_store::dossier::co_accompaniments;

use crate::read_part::list_part;

plateforme_api::paging_query! {
    pub struct CoAccompanimentsQuery {}
    limit: "Co-accompaniments per page, 1 to 100 (20 by default)."
}

list_part! {
    /// List a person's co-accompaniments
    ///
    /// The organizations that accompany (or accompanied) the person beside the référent, oldest
    /// first, each with its role and days. Journaled as `co_accompaniment`.
    list_co_accompaniments: "/persons/{id}/co-accompaniments", security(("oauth2" = ["dossier:read"])),
    CoAccompanimentsQuery {} -> CoAccompaniment, "One page of co-accompaniments.", journaled as CoAccompaniment,
    list |conn, id, page| co_accompaniments::list(conn, id, &page),
    view |found| found.view()
}
