use plateforme_model::person::co_accompaniment::CoAccompaniment;
use plateforme_store::dossier::co_accompaniments;

use super::{CoAccompanimentPath, not_found};
use crate::read_part::get_part;

get_part! {
    /// Read a co-accompaniment
    ///
    /// One organization co-accompanying the person: its role, since when, until when, and for a
    /// delegated operator the organization it acts for. Journaled as `co_accompaniment`.
    get_co_accompaniment: "/persons/{id}/co-accompaniments/{co_accompaniment_id}", security(("oauth2" = ["dossier:read"])),
    CoAccompanimentPath { id, co_accompaniment_id } -> CoAccompaniment, journaled as CoAccompaniment,
    find |conn| co_accompaniments::find(conn, id, co_accompaniment_id), else not_found(id, co_accompaniment_id),
    view |found| found.view()
}
