//! The reads of one part of a dossier — a contract, a consent, a review — differ only by
//! names: the path and its ids, the scope, the part's type, the journal section, the store's
//! `find`, the problem of a missing part and the view. [`get_part!`] writes such a handler from
//! those, so the sequence (the request bundle, `access::read_part`, 200 with `ETag` or 304) and
//! its annotation stand once; each invocation keeps the operation's doc comment and scopes.
//! The lists under a person (contracts, consents, the timeline) likewise: [`list_part!`].

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
            responses(plateforme_api::ReadOne<$Part>, plateforme_api::openapi::ReadProblems,
                plateforme_api::openapi::LimitedProblems)
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

/// Writes `pub async fn $name`, the `GET $path` of one page of a list under a person's dossier:
///
/// ```ignore
/// list_part! {
///     /// Summary
///     ///
///     /// Description.
///     list_consents: "/persons/{id}/consents", security(("oauth2" = ["dossier:read"])),
///     ConsentsQuery { active } -> Consent, "One page of consents.", journaled as Consents,
///     list |conn, id, page| consents::list(conn, id, active, &page),
///     view |consent| consent
/// }
/// ```
///
/// The path's one id is the person's; the query's filters named in braces are handed to
/// `list` by value, and so is the caller when `list` names a fourth argument (`|conn, id, page,
/// caller|`). The person is read under the policy (`access::read_list`), the read
/// journaled once as the section named, and the page answered with its `Link`.
macro_rules! list_part {
    (
        $(#[doc = $doc:tt])*
        $name:ident: $path:tt, security($($security:tt)*),
        $Query:ident { $($filter:ident),* } -> $Item:ident, $described:literal, journaled as $section:ident,
        list |$conn:ident, $person:ident, $page:ident $(, $caller:ident)?| $list:expr,
        view |$item:ident| $view:expr
    ) => {
        // utoipa finds the method by the attribute's own name, `get`.
        use actix_web::get;

        $(#[doc = $doc])*
        #[utoipa::path(
            tag = crate::TAG,
            security($($security)*),
            params(("id" = uuid::Uuid, Path, description = "Identifier of the person"), $Query),
            responses((status = 200, description = $described, body = plateforme_api::PageBody<$Item>),
                plateforme_api::openapi::ReadProblems, plateforme_api::openapi::LimitedProblems)
        )]
        #[get($path)]
        pub async fn $name(
            list: plateforme_api::List<plateforme_auth::Caller, $Query, uuid::Uuid>,
        ) -> Result<actix_web::HttpResponse, plateforme_api::ApiError> {
            let ($person, $page) = (list.path, list.query.page_request()?);
            $(let $filter = list.query.$filter.clone();)*
            $(let $caller = list.caller.clone();)?
            let read = move |$conn: &mut plateforme_store::DbConnection| $list;
            let section = plateforme_auth::JournalSection::$section;
            let listed = crate::access::read_list(&list.store, &list.caller, $person, section, read).await?;
            Ok(list.page(listed.map(|$item| $view)))
        }
    };
}

pub(crate) use list_part;
