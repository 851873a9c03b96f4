//! The reads of one part of a dossier — a contract, a consent, a review — differ only by
//! names: the path and its ids, the scope, the part's type, the journal section, the store's
//! `find`, the problem of a missing part and the view. [`get_part!`] writes such a handler from
//! those, so the sequence (the request bundle, `access::read_part`, 200 with `ETag` or 304) and
//! its annotation stand once; each invocation keeps the operation's doc comment and scopes.

/// Writes `pub async fn $name`, the `GET $path` of one part of a person's dossier:
///
/// ```ignore
/// get_part! {
///     /// Summary
///     ///
///     /// Description.
///     get_contract: "/persons/{id}/contracts/{contract_id}", security(("oauth2" = ["dossier:read"])),
///     ContractPath { id, contract_id } -> Contract, journaled as Contract,
///     find |conn| contracts::find(conn, id, contract_id), else contract_not_found(id, contract_id),
///     view |contract| contract_view(&contract)
/// }
/// ```
///
/// The first id of the path is the person's: the part is read under the policy for that person
/// (`access::read_part`), journaled as the section named, and answered with its `ETag`.
macro_rules! get_part {
    (
        $(#[doc = $doc:tt])*
        $name:ident: $path:tt, security($($security:tt)*),
        $Path:ident { $person:ident $(, $id:ident)* } -> $Part:ident, journaled as $section:ident,
        find |$conn:ident| $find:expr, else $missing:expr,
        view |$found:ident| $view:expr
    ) => {
        // utoipa finds the method by the attribute's own name, `get`.
        use actix_web::get;

        $(#[doc = $doc])*
        #[utoipa::path(
            tag = crate::TAG,
            security($($security)*),
            params($Path, plateforme_api::IfNoneMatch),
            responses(plateforme_api::ReadOne<$Part>, plateforme_api::openapi::ReadProblems)
        )]
        #[get($path)]
        pub async fn $name(
            read: plateforme_api::Read<plateforme_auth::Caller, $Path>,
        ) -> Result<actix_web::HttpResponse, plateforme_api::ApiError> {
            let $Path { $person $(, $id)* } = read.path;
            let find = move |$conn: &mut plateforme_store::DbConnection| $find;
            let section = plateforme_auth::JournalSection::$section;
            let $found = crate::access::read_part(&read.store, &read.caller, $person, section, find, || $missing).await?;
            Ok(read.answer($found.version, &$view))
        }
    };
}

pub(crate) use get_part;
