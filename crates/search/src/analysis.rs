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
    text.split(|c: char| !c.is_alphanumeric()).filter(|word| !word.is_empty()).map(|word| {
        let mut folded = String::with_capacity(word.len());
        fold_into(word, &mut folded);
        folded
    })
}

/// `text` folded: its words lowercased without accents, separated by single spaces.
pub fn fold(text: &str) -> String {
    folded_words(text).collect::<Vec<_>>().join(" ")
}

/// Writes `word` lowercased with its accents folded into `out` (which it clears).
fn fold_into(word: &str, out: &mut String) {
    out.clear();
    if word.is_ascii() {
        out.extend(word.bytes().map(|byte| char::from(byte.to_ascii_lowercase())));
    } else {
        out.extend(normalize(word).chars().filter(|c| *c != ' ').flat_map(char::to_lowercase));
    }
}

fn is_stop_word(folded: &str) -> bool {
    static SET: LazyLock<std::collections::HashSet<&'static str>> =
        LazyLock::new(|| STOP_WORDS.iter().copied().collect());
    SET.contains(folded)
}

/// The searchable words of `text`: stop words left out, each with its term.
pub fn words(text: &str) -> Vec<Word> {
    folded_words(text)
        .filter(|word| !is_stop_word(word))
        .map(|folded| Word { term: term_of(&folded), folded })
        .collect()
}

/// The term a folded word is indexed and searched under.
pub fn term_of(folded: &str) -> String {
    let mut word = folded.to_owned();
    to_masculine(&mut word);
    STEMMER.stem(&word).into_owned()
}

/// Makes a folded word its singular masculine: the stemmer reads `boulangers` and `boulanger`
/// apart (its plural rule and its verb rule differ), so a plural `s` goes first.
fn to_masculine(word: &mut String) {
    if word.len() >= 4 && word.ends_with('s') && !word[..word.len() - 1].ends_with('s') {
        word.pop();
    }
    for (feminine, masculine) in FEMININE {
        if word.ends_with(feminine) && word.len() - feminine.len() >= 3 {
            word.truncate(word.len() - feminine.len());
            word.push_str(masculine);
            return;
        }
    }
}

/// The analyzer as a tantivy tokenizer: one token per searchable word. Its buffers are kept
/// from one text to the next, so that indexing allocates nothing per word but the stems.
#[derive(Clone, Default)]
pub struct FrenchTokenizer {
    tokens: Vec<Token>,
    folded: String,
}

pub struct FrenchTokenStream<'a> {
    tokens: &'a mut [Token],
    /// How many tokens were advanced over: the current one is the last of them.
    advanced: usize,
}

impl Tokenizer for FrenchTokenizer {
    type TokenStream<'a> = FrenchTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> FrenchTokenStream<'a> {
        let mut used = 0;
        let mut position = 0;
        let mut start = None;
        for (offset, character) in text.char_indices().chain(std::iter::once((text.len(), ' '))) {
            match (character.is_alphanumeric(), start) {
                (true, None) => start = Some(offset),
                (false, Some(from)) => {
                    start = None;
                    fold_into(&text[from..offset], &mut self.folded);
                    if !is_stop_word(&self.folded) {
                        to_masculine(&mut self.folded);
                        if used == self.tokens.len() {
                            self.tokens.push(Token::default());
                        }
                        let token = &mut self.tokens[used];
                        token.text.clear();
                        token.text.push_str(&STEMMER.stem(&self.folded));
                        (token.offset_from, token.offset_to, token.position) = (from, offset, position);
                        token.position_length = 1;
                        used += 1;
                    }
                    position += 1;
                }
                _ => {}
            }
        }
        // A stream is read after `advance` answered true; the spare token keeps a careless
        // reader of an empty text from indexing out of bounds.
        if used == 0 {
            if self.tokens.is_empty() {
                self.tokens.push(Token::default());
            }
            return FrenchTokenStream { tokens: &mut self.tokens[..1], advanced: 1 };
        }
        FrenchTokenStream { tokens: &mut self.tokens[..used], advanced: 0 }
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
