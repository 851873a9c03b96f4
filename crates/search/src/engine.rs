//! One kind's Tantivy index in its folder: opened (or made anew when missing or built for
//! another schema), searched, completed, and written by the one [`Writer`] the indexer holds.
//! The index's commit payload records, with the documents it commits, the schema they were
//! built for and the change-feed position they reflect: a crash cannot separate them.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use tantivy::collector::Count;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, FuzzyTermQuery, Occur, Query as TantivyQuery, TermQuery,
};
use tantivy::schema::{
    FAST, Field, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions, Value as _,
};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, Searcher, TantivyDocument, Term};
use uuid::Uuid;

use crate::SearchError;
use crate::analysis::{self, FRENCH, FrenchTokenizer};
use crate::collect::Pass;
use crate::query::{Completion, Filter, Hit, Query, Results, Sort};
use crate::schema::{Document, FieldKind, Kind, Value};

/// Raised whenever the engine lays its fields out otherwise: every index is rebuilt.
/// 2: documents stored in blocks of [`STORE_BLOCK_BYTES`].
pub const ENGINE_VERSION: u32 = 2;
pub(crate) const ID: &str = "_id";
pub(crate) const ID_HIGH: &str = "_id_high";
pub(crate) const ID_LOW: &str = "_id_low";
const SOURCE: &str = "_source";
/// Separates a completion's folded text (what is matched) from its text as written.
const COMPLETION_SEPARATOR: char = '\0';
/// Terms of a completion field read per segment before ranking them: bounds the cost of a
/// one-letter prefix.
const COMPLETION_SCAN: usize = 5_000;
/// The indexing memory of a writer's thread before it writes a segment (Tantivy's least is
/// 15 MB): the indexer commits often and small, so a larger arena would only hold memory.
const WRITER_HEAP_BYTES: usize = 20_000_000;
/// The stored documents are compressed by blocks of about this size: a hit decompresses its
/// whole block, and Tantivy's default (16 KiB, some ten offers) made reading a page's hits the
/// largest cost of a search (docs/performance.md, "The offer search's CPU").
const STORE_BLOCK_BYTES: usize = 4_096;
/// Words of five letters or more are matched with one typo when no document has them.
const TYPO_MIN_LETTERS: usize = 5;

/// What an index's last commit recorded beside its documents.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Payload {
    schema: String,
    position: String,
}

/// A kind's index, ready to search.
pub struct Engine {
    kind: Kind,
    folder: PathBuf,
    index: Index,
    reader: IndexReader,
    fields: HashMap<&'static str, Field>,
    id: Field,
    source: Field,
}

/// An index opened: the engine, and the feed position its documents reflect — `None` when it
/// was made anew (missing, or built for another schema), so it must be rebuilt.
pub struct Opened {
    pub engine: Engine,
    pub position: Option<String>,
}

impl Engine {
    /// Opens the index of `kind` in `folder`, or makes a new, empty one there.
    pub fn open(folder: &Path, kind: Kind) -> Result<Opened, SearchError> {
        let (schema, fields) = schema_of(&kind);
        std::fs::create_dir_all(folder).map_err(|error| SearchError::io(folder, error))?;
        let directory = tantivy::directory::MmapDirectory::open(folder)?;
        let mut position = None;
        let index = if Index::exists(&directory)? {
            let index = Index::open(directory)?;
            let payload: Option<Payload> =
                index.load_metas()?.payload.as_deref().and_then(|text| serde_json::from_str(text).ok());
            match payload {
                Some(payload) if payload.schema == kind.fingerprint() && index.schema() == schema => {
                    position = Some(payload.position);
                    index
                }
                _ => {
                    drop(index);
                    tracing::info!(kind = kind.name, folder = %folder.display(), "search index of another schema: rebuilt");
                    std::fs::remove_dir_all(folder).map_err(|error| SearchError::io(folder, error))?;
                    std::fs::create_dir_all(folder).map_err(|error| SearchError::io(folder, error))?;
                    Index::create(tantivy::directory::MmapDirectory::open(folder)?, schema, index_settings())?
                }
            }
        } else {
            Index::create(directory, schema, index_settings())?
        };
        index.tokenizers().register(FRENCH, TextAnalyzer::from(FrenchTokenizer::default()));
        let reader = index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into()?;
        let id = field(&index.schema(), ID)?;
        let source = field(&index.schema(), SOURCE)?;
        let engine = Engine { kind, folder: folder.to_owned(), index, reader, fields, id, source };
        Ok(Opened { engine, position })
    }

    pub fn kind(&self) -> &Kind {
        &self.kind
    }

    pub fn folder(&self) -> &Path {
        &self.folder
    }

    /// The only writer of this index (Tantivy refuses a second one, even in another process:
    /// two replicas cannot share a folder). `threads` index in parallel.
    pub fn writer(&self, threads: usize) -> Result<Writer<'_>, SearchError> {
        let threads = threads.max(1);
        let writer =
            self.index.writer_with_num_threads(threads, threads * WRITER_HEAP_BYTES).map_err(|error| match error {
                tantivy::TantivyError::LockFailure(..) => SearchError::Busy(self.folder.clone()),
                other => other.into(),
            })?;
        Ok(Writer { engine: self, writer })
    }

    /// Documents searchable now.
    pub fn documents(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// The folder's size on disk, in bytes.
    pub fn size_bytes(&self) -> u64 {
        std::fs::read_dir(&self.folder)
            .map(|entries| entries.filter_map(|entry| entry.ok()?.metadata().ok()).map(|meta| meta.len()).sum())
            .unwrap_or(0)
    }

    fn field(&self, name: &str) -> Result<Field, SearchError> {
        self.fields.get(name).copied().ok_or_else(|| SearchError::UnknownField(name.to_owned()))
    }

    /// Runs `query`: the page, the total and the facets, from one pass over the matches.
    pub fn search(&self, query: &Query) -> Result<Results, SearchError> {
        let searcher = self.reader.searcher();
        let mut clauses: Vec<(Occur, Box<dyn TantivyQuery>)> = Vec::new();
        let text = match &query.text {
            Some(text) => self.text_query(&searcher, text)?,
            None => None,
        };
        let scored = text.is_some() && matches!(query.sort, Sort::Relevance { .. });
        if let Some(text) = text {
            clauses.push((Occur::Must, text));
        }
        for filter in &query.filters {
            if let Filter::AnyOf { field, values } = filter {
                let field = self.field(field)?;
                clauses.push((Occur::Must, any_of(field, values)));
            }
        }
        let matcher: Box<dyn TantivyQuery> =
            if clauses.is_empty() { Box::new(AllQuery) } else { Box::new(BooleanQuery::new(clauses)) };
        let keep = query.offset.saturating_add(query.limit).saturating_add(1);
        let pass = Pass { filters: &query.filters, sort: query.sort, scored, keep, facets: &query.facets };
        let found = searcher.search(matcher.as_ref(), &pass)?;
        let more = found.best.len() > query.offset + query.limit;
        let mut hits = Vec::with_capacity(query.limit);
        for (_, address) in found.best.into_iter().skip(query.offset).take(query.limit) {
            hits.push(self.hit(&searcher, address)?);
        }
        let facets = found
            .facets
            .into_iter()
            .map(|counts| {
                let mut counts: Vec<(String, u64)> = counts.into_iter().collect();
                counts.sort_by(|(a, a_count), (b, b_count)| b_count.cmp(a_count).then_with(|| a.cmp(b)));
                counts
            })
            .collect();
        Ok(Results { hits, more, total: found.total, facets })
    }

    fn hit(&self, searcher: &Searcher, address: tantivy::DocAddress) -> Result<Hit, SearchError> {
        let document: TantivyDocument = searcher.doc(address)?;
        let text = |field: Field| document.get_first(field).and_then(|value| value.as_str()).map(str::to_owned);
        let id = text(self.id).and_then(|id| id.parse().ok()).ok_or(SearchError::Corrupt("a document without id"))?;
        let source = text(self.source).ok_or(SearchError::Corrupt("a document without source"))?;
        Ok(Hit { id, source })
    }

    /// Every searchable word must match one of the text fields, each weighed by its boost. A
    /// word of five letters or more that no document holds matches its terms one edit away.
    fn text_query(&self, searcher: &Searcher, text: &str) -> Result<Option<Box<dyn TantivyQuery>>, SearchError> {
        let words = analysis::words(text);
        if words.is_empty() {
            return Ok(None);
        }
        let texts: Vec<(Field, f32)> = self
            .kind
            .fields
            .iter()
            .filter_map(|def| match def.kind {
                FieldKind::Text { boost } => Some((self.fields.get(def.name).copied()?, boost)),
                _ => None,
            })
            .collect();
        let mut must: Vec<(Occur, Box<dyn TantivyQuery>)> = Vec::new();
        for word in words {
            let terms: Vec<(Term, f32)> =
                texts.iter().map(|(field, boost)| (Term::from_field_text(*field, &word.term), *boost)).collect();
            let mut known = false;
            for (term, _) in &terms {
                known |= searcher.doc_freq(term)? > 0;
            }
            let typo = !known && word.folded.chars().count() >= TYPO_MIN_LETTERS;
            let any_field: Vec<(Occur, Box<dyn TantivyQuery>)> = terms
                .into_iter()
                .map(|(term, boost)| {
                    let query: Box<dyn TantivyQuery> = if typo {
                        Box::new(FuzzyTermQuery::new(term, 1, true))
                    } else {
                        Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs))
                    };
                    (Occur::Should, Box::new(BoostQuery::new(query, boost)) as Box<dyn TantivyQuery>)
                })
                .collect();
            must.push((Occur::Must, Box::new(BooleanQuery::new(any_field))));
        }
        Ok(Some(Box::new(BooleanQuery::new(must))))
    }

    /// Completions of `typed` from a completion field: the phrases whose folded text starts with
    /// the folded `typed`, most documents first, as written by the most documents.
    pub fn suggest(&self, field: &str, typed: &str, limit: usize) -> Result<Vec<Completion>, SearchError> {
        let field = self.field(field)?;
        let prefix = analysis::fold(typed);
        if prefix.is_empty() || limit == 0 {
            return Ok(Vec::new());
        }
        let searcher = self.reader.searcher();
        let mut candidates: HashMap<Vec<u8>, u64> = HashMap::new();
        for segment in searcher.segment_readers() {
            let terms = segment.inverted_index(field)?;
            let mut stream = terms.terms().range().ge(prefix.as_bytes()).into_stream()?;
            let mut scanned = 0;
            while scanned < COMPLETION_SCAN && stream.advance() {
                if !stream.key().starts_with(prefix.as_bytes()) {
                    break;
                }
                *candidates.entry(stream.key().to_vec()).or_default() += u64::from(stream.value().doc_freq);
                scanned += 1;
            }
        }
        // Document frequencies count deleted documents until their segment merges: rank by
        // them, then count the live ones of the few kept.
        let mut ranked: Vec<(Vec<u8>, u64)> = candidates.into_iter().collect();
        ranked.sort_by(|(a, a_count), (b, b_count)| b_count.cmp(a_count).then_with(|| a.cmp(b)));
        ranked.truncate(limit * 4);
        let mut phrases: HashMap<String, (String, u64, u64)> = HashMap::new();
        for (key, _) in ranked {
            let Ok(key) = String::from_utf8(key) else { continue };
            let live = searcher
                .search(&TermQuery::new(Term::from_field_text(field, &key), IndexRecordOption::Basic), &Count)?
                as u64;
            let Some((folded, written)) = key.split_once(COMPLETION_SEPARATOR) else { continue };
            if live == 0 {
                continue;
            }
            let entry = phrases.entry(folded.to_owned()).or_insert_with(|| (written.to_owned(), 0, 0));
            if live > entry.2 {
                *entry = (written.to_owned(), entry.1, live);
            }
            entry.1 += live;
        }
        let mut completions: Vec<Completion> =
            phrases.into_values().map(|(text, count, _)| Completion { text, count }).collect();
        completions.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.text.cmp(&b.text)));
        completions.truncate(limit);
        Ok(completions)
    }

    /// Makes what the writer committed searchable.
    fn reload(&self) -> Result<(), SearchError> {
        Ok(self.reader.reload()?)
    }
}

/// The one writer of an index.
pub struct Writer<'a> {
    engine: &'a Engine,
    writer: IndexWriter,
}

impl Writer<'_> {
    /// Adds the document, replacing any with its id.
    pub fn upsert(&mut self, document: &Document) -> Result<(), SearchError> {
        self.delete(document.id);
        let engine = self.engine;
        let mut indexed = TantivyDocument::default();
        indexed.add_text(engine.id, document.id.to_string());
        let (high, low) = document.id.as_u64_pair();
        indexed.add_u64(engine.field(ID_HIGH)?, high);
        indexed.add_u64(engine.field(ID_LOW)?, low);
        indexed.add_text(engine.source, &document.source);
        for (name, value) in &document.values {
            let field = engine.field(name)?;
            match value {
                Value::Text(text) | Value::Keyword(text) => indexed.add_text(field, text),
                Value::Integer(number) => indexed.add_i64(field, *number),
                Value::Float(number) => indexed.add_f64(field, *number),
                Value::Flag(flag) => indexed.add_bool(field, *flag),
                Value::Completion(text) => {
                    indexed.add_text(field, format!("{}{COMPLETION_SEPARATOR}{text}", analysis::fold(text)));
                }
            }
        }
        self.writer.add_document(indexed)?;
        Ok(())
    }

    pub fn delete(&mut self, id: Uuid) {
        self.writer.delete_term(Term::from_field_text(self.engine.id, &id.to_string()));
    }

    /// Removes every document (a rebuild starts so).
    pub fn clear(&mut self) -> Result<(), SearchError> {
        self.writer.delete_all_documents()?;
        Ok(())
    }

    /// Commits what was written with the feed position it reflects, then makes it searchable.
    pub fn commit(&mut self, position: &str) -> Result<(), SearchError> {
        let payload = Payload { schema: self.engine.kind.fingerprint(), position: position.to_owned() };
        let payload = serde_json::to_string(&payload).map_err(|_| SearchError::Corrupt("payload"))?;
        let mut prepared = self.writer.prepare_commit()?;
        prepared.set_payload(&payload);
        prepared.commit()?;
        self.engine.reload()
    }

    /// Waits for the merges under way, releasing the index's lock.
    pub fn close(self) -> Result<(), SearchError> {
        self.writer.wait_merging_threads()?;
        Ok(())
    }
}

fn index_settings() -> tantivy::IndexSettings {
    tantivy::IndexSettings { docstore_blocksize: STORE_BLOCK_BYTES, ..tantivy::IndexSettings::default() }
}

fn field(schema: &Schema, name: &str) -> Result<Field, SearchError> {
    schema.get_field(name).map_err(|_| SearchError::UnknownField(name.to_owned()))
}

/// Documents holding one of `values` in the keyword `field`, each scoring 1 as a
/// `TermSetQuery` does (so relevance is unchanged), without the automaton that query builds
/// for every search: most filters name one to twenty values (a training's start window, one per
/// day, and the communes within a radius name a few hundred).
fn any_of(field: Field, values: &[String]) -> Box<dyn TantivyQuery> {
    let terms: Vec<(Occur, Box<dyn TantivyQuery>)> = values
        .iter()
        .map(|value| {
            let term = TermQuery::new(Term::from_field_text(field, value), IndexRecordOption::Basic);
            (Occur::Should, Box::new(term) as Box<dyn TantivyQuery>)
        })
        .collect();
    Box::new(ConstScoreQuery::new(Box::new(BooleanQuery::new(terms)), 1.0))
}

/// The Tantivy schema of a kind, and its fields by name.
fn schema_of(kind: &Kind) -> (Schema, HashMap<&'static str, Field>) {
    let mut builder = Schema::builder();
    let mut fields = HashMap::new();
    fields.insert(ID, builder.add_text_field(ID, STRING | STORED));
    fields.insert(ID_HIGH, builder.add_u64_field(ID_HIGH, FAST));
    fields.insert(ID_LOW, builder.add_u64_field(ID_LOW, FAST));
    fields.insert(SOURCE, builder.add_text_field(SOURCE, STORED));
    for def in &kind.fields {
        let field = match def.kind {
            FieldKind::Text { .. } => {
                let indexing =
                    TextFieldIndexing::default().set_tokenizer(FRENCH).set_index_option(IndexRecordOption::WithFreqs);
                builder.add_text_field(def.name, TextOptions::default().set_indexing_options(indexing))
            }
            FieldKind::Keyword { facet: true } => builder.add_text_field(def.name, STRING | FAST),
            FieldKind::Keyword { facet: false } | FieldKind::Completion => builder.add_text_field(def.name, STRING),
            FieldKind::Integer => builder.add_i64_field(def.name, FAST),
            FieldKind::Float => builder.add_f64_field(def.name, FAST),
            FieldKind::Flag => builder.add_bool_field(def.name, FAST),
        };
        fields.insert(def.name, field);
    }
    (builder.build(), fields)
}
