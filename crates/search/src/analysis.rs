//! French text as the engine reads it, on both sides (documents and queries): words split on
//! anything that is not a letter or a digit, lowercased with accents folded (`Développeur` →
//! `developpeur`), French stop words left out, feminine forms brought to the masculine
//! (`développeuse` → `développeur`, `boulangère` → `boulanger`), then the French Snowball stem
//! (`développeurs` → `developpeur`). Registered in every index under [`FRENCH`].

use std::sync::LazyLock;

use plateforme_model::person::names::normalize;
use rust_stemmers::{Algorithm, Stemmer};
use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

/// The name of the analyzer in an index's tokenizer manager.
pub const FRENCH: &str = "plateforme_french";

/// Raised whenever the analysis changes: every index built with another one is rebuilt.
pub const ANALYSIS_VERSION: u32 = 1;

static STEMMER: LazyLock<Stemmer> = LazyLock::new(|| Stemmer::create(Algorithm::French));

/// French stop words, folded: too common to search for (PostgreSQL's `french.stop` list).
const STOP_WORDS: &[&str] = &[
    "au", "aux", "avec", "ce", "ces", "dans", "de", "des", "du", "elle", "en", "et", "eux", "il", "ils", "je", "la",
    "le", "les", "leur", "lui", "ma", "mais", "me", "meme", "mes", "moi", "mon", "ne", "nos", "notre", "nous", "on",
    "ou", "par", "pas", "pour", "qu", "que", "qui", "sa", "se", "ses", "son", "sur", "ta", "te", "tes", "toi", "ton",
    "tu", "un", "une", "vos", "votre", "vous", "c", "d", "j", "l", "a", "m", "n", "s", "t", "y", "ete", "etee",
    "etees", "etes", "etant", "suis", "es", "est", "sommes", "sont", "serai", "sera", "etais", "etait", "fus", "fut",
    "sois", "soit", "ai", "as", "avons", "avez", "ont", "aurai", "aura", "avais", "avait", "eu", "eut", "ayant",
];

/// Feminine endings and the masculine they stand for, longest first. The Snowball stemmer
/// leaves `développeuse` and `développeur` apart; job titles are written in both genders, so
/// both sides meet on the masculine before stemming. A plural `s` is read through.
const FEMININE: &[(&str, &str)] =
    &[("trice", "teur"), ("ienne", "ien"), ("euse", "eur"), ("elle", "el"), ("ere", "er"), ("ive", "if")];

/// One word of a text: its folded form (for typo tolerance and completions) and its term.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    pub folded: String,
    pub term: String,
}

/// The words of `text`, lowercased and accents folded, in order (stop words included).
pub fn folded_words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric()).filter(|word| !word.is_empty()).map(fold_word)
}

/// `text` folded: its words lowercased without accents, separated by single spaces.
pub fn fold(text: &str) -> String {
    folded_words(text).collect::<Vec<_>>().join(" ")
}

fn fold_word(word: &str) -> String {
    if word.is_ascii() { word.to_ascii_lowercase() } else { normalize(word).replace(' ', "").to_lowercase() }
}

/// The searchable words of `text`: stop words left out, each with its term.
pub fn words(text: &str) -> Vec<Word> {
    folded_words(text)
        .filter(|word| !STOP_WORDS.contains(&word.as_str()))
        .map(|folded| Word { term: term_of(&folded), folded })
        .collect()
}

/// The term a folded word is indexed and searched under.
pub fn term_of(folded: &str) -> String {
    STEMMER.stem(&masculine(folded)).into_owned()
}

/// The singular masculine of a folded word: the stemmer reads `boulangers` and `boulanger`
/// apart (its plural rule and its verb rule differ), so a plural `s` goes first.
fn masculine(word: &str) -> String {
    let singular = match word.strip_suffix('s') {
        Some(singular) if singular.len() >= 3 && !singular.ends_with('s') => singular,
        _ => word,
    };
    for (feminine, masculine) in FEMININE {
        if let Some(stem) = singular.strip_suffix(feminine)
            && stem.len() >= 3
        {
            return format!("{stem}{masculine}");
        }
    }
    singular.to_owned()
}

/// The analyzer as a tantivy tokenizer: one token per searchable word.
#[derive(Clone, Default)]
pub struct FrenchTokenizer {
    tokens: Vec<Token>,
}

pub struct FrenchTokenStream<'a> {
    tokens: &'a mut [Token],
    /// How many tokens were advanced over: the current one is the last of them.
    advanced: usize,
}

impl Tokenizer for FrenchTokenizer {
    type TokenStream<'a> = FrenchTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> FrenchTokenStream<'a> {
        self.tokens.clear();
        let mut position = 0;
        let mut start = None;
        for (offset, character) in text.char_indices().chain(std::iter::once((text.len(), ' '))) {
            match (character.is_alphanumeric(), start) {
                (true, None) => start = Some(offset),
                (false, Some(from)) => {
                    start = None;
                    let folded = fold_word(&text[from..offset]);
                    if !STOP_WORDS.contains(&folded.as_str()) {
                        self.tokens.push(Token {
                            offset_from: from,
                            offset_to: offset,
                            position,
                            text: term_of(&folded),
                            position_length: 1,
                        });
                    }
                    position += 1;
                }
                _ => {}
            }
        }
        // A stream is read after `advance` answered true; the empty token keeps a careless
        // reader of an empty text from indexing out of bounds.
        if self.tokens.is_empty() {
            self.tokens.push(Token::default());
            return FrenchTokenStream { tokens: &mut self.tokens[..], advanced: 1 };
        }
        FrenchTokenStream { tokens: &mut self.tokens[..], advanced: 0 }
    }
}

impl FrenchTokenStream<'_> {
    fn current(&self) -> usize {
        self.advanced.clamp(1, self.tokens.len()) - 1
    }
}

impl TokenStream for FrenchTokenStream<'_> {
    fn advance(&mut self) -> bool {
        if self.advanced >= self.tokens.len() {
            return false;
        }
        self.advanced += 1;
        true
    }

    fn token(&self) -> &Token {
        &self.tokens[self.current()]
    }

    fn token_mut(&mut self) -> &mut Token {
        let current = self.current();
        &mut self.tokens[current]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(text: &str) -> Vec<String> {
        words(text).into_iter().map(|word| word.term).collect()
    }

    #[test]
    fn accents_case_and_plurals_meet() {
        assert_eq!(terms("Développeurs"), terms("developpeur"));
        assert_eq!(terms("DÉVELOPPEUR"), terms("développeur"));
        assert_eq!(fold("Développeur·se WEB (H/F) — Lyon 3e"), "developpeur se web h f lyon 3e");
    }

    #[test]
    fn feminine_forms_meet_the_masculine() {
        for (feminine, masculine) in [
            ("développeuse", "développeur"),
            ("développeuses", "développeurs"),
            ("boulangère", "boulanger"),
            ("directrice", "directeur"),
            ("technicienne", "technicien"),
            ("conseillère", "conseiller"),
            ("commerciale", "commercial"),
            ("professionnelle", "professionnel"),
            ("boulangers", "boulanger"),
            ("conseillères", "conseiller"),
        ] {
            assert_eq!(terms(feminine), terms(masculine), "{feminine} / {masculine}");
        }
    }

    #[test]
    fn stop_words_are_left_out() {
        assert_eq!(terms("le la des"), Vec::<String>::new());
        assert_eq!(terms("l'équipe").len(), 1);
    }

    #[test]
    fn the_tokenizer_gives_the_terms_of_words() {
        let mut tokenizer = FrenchTokenizer::default();
        let mut stream = tokenizer.token_stream("La Boulangère de Lyon");
        let mut seen = Vec::new();
        while stream.advance() {
            seen.push(stream.token().text.clone());
        }
        assert_eq!(seen, terms("boulanger lyon"));
    }
}
