//! The sandbox (`serve --demo` only): the reference's "Authorize" pre-filled with a demo
//! client of the partner kind chosen here, so every operation can be tried in the browser on
//! demo data. The server gives the demo clients only outside the production profile; without
//! them these pages do not exist (404), and the reference is not pre-filled.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use plateforme_api::ApiError;

use crate::families::Text;
use crate::page::{Lang, escape, layout};

/// The cookie that carries the chosen demo client to the reference's settings.
pub const COOKIE: &str = "plateforme_bac_a_sable";

/// A demo client: its partner kind, id and secret (demo secrets are public by design).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoClient {
    pub kind: String,
    pub id: String,
    pub secret: String,
}

/// The demo clients offered; none when the sandbox is off.
#[derive(Debug, Clone, Default)]
pub struct Sandbox {
    clients: Vec<DemoClient>,
}

impl Sandbox {
    pub fn off() -> Sandbox {
        Sandbox::default()
    }

    /// The demo clients offered on a demo server; none under the production profile, whatever
    /// the caller asks.
    pub fn offered(production: bool, clients: Vec<DemoClient>) -> Sandbox {
        if production { Sandbox::off() } else { Sandbox { clients } }
    }

    pub fn enabled(&self) -> bool {
        !self.clients.is_empty()
    }

    /// The demo client the request's cookie chose, if the sandbox is on and knows it.
    pub fn chosen(&self, request: &HttpRequest) -> Option<&DemoClient> {
        let cookies = request.headers().get(header::COOKIE)?.to_str().ok()?;
        let chosen = cookies.split(';').find_map(|pair| pair.trim().strip_prefix(COOKIE)?.strip_prefix('='))?;
        self.find(chosen)
    }

    fn find(&self, id: &str) -> Option<&DemoClient> {
        self.clients.iter().find(|client| client.id == id)
    }
}

fn off() -> ApiError {
    ApiError::new(
        plateforme_api::ErrorCode::RouteNotFound,
        "the sandbox runs only on a demo server (`plateforme serve --demo`), never under the production profile",
    )
}

pub(crate) async fn page(request: HttpRequest, sandbox: web::Data<Sandbox>) -> Result<HttpResponse, ApiError> {
    if !sandbox.enabled() {
        return Err(off());
    }
    let lang = Lang::of_query(request.query_string());
    let t = |fr: &'static str, en: &'static str| lang.pick(Text { fr, en });
    let mut body = format!(
        "<p>{}</p>\n<table>\n<thead><tr><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead>\n<tbody>\n",
        t(
            "Ce serveur de démonstration tient des données fictives. Choisissez le partenaire dont vous voulez prendre la place : la référence s'ouvre avec ses identifiants déjà saisis dans « Authorize », puis « Try it out » envoie chaque appel avec son jeton.",
            "This demo server holds made-up data. Choose the partner whose place you take: the reference opens with its credentials already in \"Authorize\", then \"Try it out\" sends each call with its token.",
        ),
        t("Partenaire", "Partner"),
        t("Client", "Client"),
        t("Essayer", "Try"),
    );
    for client in &sandbox.clients {
        body.push_str(&format!(
            "<tr><td>{}</td><td><code>{}</code></td><td><a href=\"/portail/bac-a-sable/{}\">{} {}</a></td></tr>\n",
            escape(&client.kind),
            escape(&client.id),
            escape(&client.id),
            t("Ouvrir la référence en tant que", "Open the reference as"),
            escape(&client.kind),
        ));
    }
    body.push_str("</tbody>\n</table>\n");
    Ok(crate::html(layout(lang, "/portail/bac-a-sable", t("Bac à sable", "Sandbox"), &body, true)))
}

/// Remembers the chosen client for the reference, then opens it.
pub(crate) async fn choose(id: web::Path<String>, sandbox: web::Data<Sandbox>) -> Result<HttpResponse, ApiError> {
    let client = sandbox.find(&id).ok_or_else(off)?;
    // Demo ids are `[a-z-]`: nothing to quote in the cookie.
    let cookie = format!("{COOKIE}={}; Path=/docs; SameSite=Strict; HttpOnly", client.id);
    Ok(HttpResponse::SeeOther()
        .insert_header((header::SET_COOKIE, cookie))
        .insert_header((header::LOCATION, "/docs/"))
        .finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn demo() -> Vec<DemoClient> {
        vec![DemoClient { kind: "mission_locale".into(), id: "demo-mission-locale".into(), secret: "s".into() }]
    }

    #[test]
    fn the_production_profile_never_offers_a_sandbox() {
        assert!(!Sandbox::offered(true, demo()).enabled());
        assert!(Sandbox::offered(false, demo()).enabled());
    }

    #[test]
    fn only_a_known_demo_client_is_chosen_by_the_cookie() {
        let sandbox = Sandbox::offered(false, demo());
        let chosen = |cookie: &str| {
            let request =
                actix_web::test::TestRequest::default().insert_header((header::COOKIE, cookie)).to_http_request();
            sandbox.chosen(&request).map(|client| client.id.clone())
        };
        assert_eq!(chosen("a=b; plateforme_bac_a_sable=demo-mission-locale").as_deref(), Some("demo-mission-locale"));
        assert_eq!(chosen("plateforme_bac_a_sable=demo-admin"), None);
        assert_eq!(chosen("plateforme_bac_a_sable=\"><script>"), None);
    }
}
