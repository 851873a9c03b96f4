use plateforme_model::person::duties::Breach;
use plateforme_store::dossier::breaches;

use super::{BreachPath, not_found};
use crate::read_part::get_part;

get_part! {
    /// Read a breach
    ///
    /// One breach of the person's duties: the obligation agreed, the observation, the notice, the
    /// person's answer, the decision and its measure, its lifting. Needs `dossier.sanctions:read`
    /// besides `dossier:read`. Journaled as `duties`.
    get_breach: "/persons/{id}/breaches/{breach_id}", security(("oauth2" = ["dossier:read", "dossier.sanctions:read"])),
    BreachPath { id, breach_id } -> Breach, journaled as Duties,
    find |conn| breaches::find(conn, id, breach_id), else not_found(id, breach_id),
    view |breach| breach.view()
}
