//! Text as the offer search reads it. Both backends see the same folded text: lowercase,
//! accents folded, one space between words. PostgreSQL's `french` configuration then drops
//! stop words and stems; for SQLite, which has no French stemmer, [`stems`] does the same in
//! Rust with the same Snowball algorithm, so "développeurs" and "developpeur" meet on both.

use std::sync::LazyLock;

use plateforme_model::person::names::normalize;
use rust_stemmers::{Algorithm, Stemmer};

static FRENCH: LazyLock<Stemmer> = LazyLock::new(|| Stemmer::create(Algorithm::French));

/// PostgreSQL's French stop words (`french.stop`), folded: words too common to search for.
const STOP_WORDS: &[&str] = &[
    "au", "aux", "avec", "ce", "ces", "dans", "de", "des", "du", "elle", "en", "et", "eux", "il", "ils", "je", "la",
    "le", "les", "leur", "lui", "ma", "mais", "me", "meme", "mes", "moi", "mon", "ne", "nos", "notre", "nous", "on",
    "ou", "par", "pas", "pour", "qu", "que", "qui", "sa", "se", "ses", "son", "sur", "ta", "te", "tes", "toi", "ton",
    "tu", "un", "une", "vos", "votre", "vous", "c", "d", "j", "l", "a", "m", "n", "s", "t", "y", "ete", "etee",
    "etees", "etes", "etant", "suis", "es", "est", "sommes", "sont", "serai", "sera", "etais", "etait", "fus", "fut",
    "sois", "soit", "ai", "as", "avons", "avez", "ont", "aurai", "aura", "avais", "avait", "eu", "eut", "ayant",
];

/// Lowercase, accents folded, words separated by single spaces; punctuation is a separator.
pub fn fold(text: &str) -> String {
    let words: String = text.chars().map(|c| if c.is_alphanumeric() { c } else { ' ' }).collect();
    normalize(&words).to_lowercase()
}

/// The stems of a folded text's words, stop words left out, separated by spaces.
pub fn stems(folded: &str) -> String {
    let mut out = String::with_capacity(folded.len());
    for word in folded.split(' ').filter(|word| !word.is_empty() && !STOP_WORDS.contains(word)) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&FRENCH.stem(word));
    }
    out
}

/// A search query for SQLite's FTS5: every stem must match (implicit AND), each quoted so that
/// no word is read as an FTS5 operator. `None` when the query has no searchable word.
pub fn fts5_query(query: &str) -> Option<String> {
    let stems = stems(&fold(query));
    let terms: Vec<String> =
        stems.split(' ').filter(|stem| !stem.is_empty()).map(|stem| format!("\"{stem}\"")).collect();
    if terms.is_empty() { None } else { Some(terms.join(" ")) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folded_texts_meet_whatever_their_accents_and_plurals() {
        assert_eq!(fold("Développeur·se WEB (H/F) — Lyon 3e"), "developpeur se web h f lyon 3e");
        assert_eq!(stems(&fold("Développeurs")), stems(&fold("developpeur")));
        assert_eq!(stems(&fold("la boulangère et le boulanger")), "boulanger boulang");
    }

    #[test]
    fn queries_quote_every_stem() {
        assert_eq!(fts5_query("Développeurs OR web").as_deref(), Some("\"developpeur\" \"or\" \"web\""));
        assert_eq!(fts5_query("le la des"), None);
        assert_eq!(fts5_query("\"*^"), None);
    }
}
