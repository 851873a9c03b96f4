//! The portal's HTML: one layout (skip link, navigation, language switch, `main`), text
//! escaped, no script. French first; `?lang=en` for English.

use crate::families::Text;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Fr,
    En,
}

impl Lang {
    /// The language a query asks for: `lang=en`, else French.
    pub fn of_query(query: &str) -> Lang {
        let asks_english = query.split('&').any(|pair| pair == "lang=en");
        if asks_english { Lang::En } else { Lang::Fr }
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::Fr => "fr",
            Lang::En => "en",
        }
    }

    pub fn pick(self, text: Text) -> &'static str {
        match self {
            Lang::Fr => text.fr,
            Lang::En => text.en,
        }
    }

    /// A portal link in this language.
    pub fn link(self, path: &str) -> String {
        match self {
            Lang::Fr => path.to_owned(),
            Lang::En => format!("{path}?lang=en"),
        }
    }
}

pub fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for character in text.chars() {
        match character {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            _ => escaped.push(character),
        }
    }
    escaped
}

/// A whole page: `path` is the page's own path, for the language switch.
pub fn layout(lang: Lang, path: &str, title: &str, body: &str, sandbox: bool) -> String {
    let (other, other_name) = match lang {
        Lang::Fr => (Lang::En.link(path), "English"),
        Lang::En => (Lang::Fr.link(path), "Français"),
    };
    let other_code = if lang == Lang::Fr { "en" } else { "fr" };
    let switch =
        format!("<li><a href=\"{other}\" hreflang=\"{other_code}\" lang=\"{other_code}\">{other_name}</a></li>\n");
    page(lang, &switch, title, body, sandbox)
}

/// A whole page written in French only (the committees' dashboard): no language switch.
pub fn layout_in_french(title: &str, body: &str, sandbox: bool) -> String {
    page(Lang::Fr, "", title, body, sandbox)
}

fn page(lang: Lang, switch: &str, title: &str, body: &str, sandbox: bool) -> String {
    let t = |fr: &'static str, en: &'static str| lang.pick(Text { fr, en });
    let sandbox_link = if sandbox {
        format!("<li><a href=\"{}\">{}</a></li>", lang.link("/portail/bac-a-sable"), t("Bac à sable", "Sandbox"))
    } else {
        String::new()
    };
    format!(
        "<!DOCTYPE html>\n<html lang=\"{code}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{title} — Plateforme</title>\n<link rel=\"stylesheet\" href=\"/portail/portail.css\">\n</head>\n<body>\n\
         <a class=\"skip\" href=\"#contenu\">{skip}</a>\n\
         <header>\n<p class=\"brand\"><a href=\"{home}\">Plateforme</a></p>\n\
         <nav aria-label=\"{nav}\"><ul>\n<li><a href=\"{home}\">{home_name}</a></li>\n\
         <li><a href=\"{guides}\">{guides_name}</a></li>\n<li><a href=\"/docs/\">{reference}</a></li>\n{sandbox_link}\
         <li><a href=\"{changes}\">{changes_name}</a></li>\n<li><a href=\"{status}\">{status_name}</a></li>\n\
         <li><a href=\"/dashboard\" hreflang=\"fr\">{dashboard_name}</a></li>\n{switch}</ul></nav>\n</header>\n\
         <main id=\"contenu\">\n<h1>{title}</h1>\n{body}\n</main>\n\
         <footer><p>{footer}</p></footer>\n</body>\n</html>\n",
        code = lang.code(),
        title = escape(title),
        skip = t("Aller au contenu", "Skip to content"),
        home = lang.link("/portail/"),
        nav = t("Navigation principale", "Main navigation"),
        home_name = t("Accueil", "Home"),
        guides = lang.link("/portail/guides/"),
        guides_name = t("Guides", "Guides"),
        reference = t("Référence de l'API", "API reference"),
        changes = lang.link("/portail/changements"),
        changes_name = t("Versions et changements", "Versions and changes"),
        status = lang.link("/status"),
        status_name = t("État du service", "Service status"),
        dashboard_name = t("Tableau de bord des indicateurs", "Indicators dashboard (in French)"),
        footer = t(
            "Plateforme — le socle de données partagé du réseau pour l'emploi. Code sous licence EUPL 1.2.",
            "Plateforme — the shared data platform of the employment network. Code under the EUPL 1.2 licence.",
        ),
    )
}
