//! `POST /v1/offers/batch`: NDJSON publication. The body is read as it arrives and published
//! in chunks, each chunk in one transaction; every line gets its own result, and a bad line
//! never rejects the good ones.

use actix_web::{HttpRequest, HttpResponse, post, web};
use futures_util::StreamExt;
use plateforme_api::openapi::CreateProblems;
use plateforme_api::{ApiError, BodyLimit, ErrorCode};
use plateforme_auth::Caller;
use plateforme_model::FieldError;
use plateforme_model::offer::{BatchSummary, Publication, SourceRef};
use plateforme_store::Store;
use plateforme_store::offers::publish::{self, Publisher, Submission};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::access::{check_employer, may_publish, publisher};
use crate::publish_offer::refused;
use crate::search_index::OffersIndex;

pub const NDJSON: &str = "application/x-ndjson";
/// Lines published per transaction.
const CHUNK: usize = 500;

/// The largest batch body, in bytes (a line is limited like a JSON body, by `BodyLimit`).
#[derive(Debug, Clone, Copy)]
pub struct BatchLimit(pub usize);

impl Default for BatchLimit {
    fn default() -> Self {
        BatchLimit(256 * 1024 * 1024)
    }
}

/// The result of one line.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"line": 2, "outcome": "merged", "source": {"system": "jobboard-rhone", "reference": "JB-2026-004512"},
    "offer_id": "01936b2e-8f3c-7a4e-9b1d-2f6c8e4a5b7d", "version": 2}))]
pub struct LineResult {
    /// Line number in the body, from 1 (empty lines are skipped but counted).
    pub line: usize,
    /// `created`, `merged`, `updated`, `unchanged` or `rejected`.
    pub outcome: String,
    /// The line's source, when it could be read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<SourceRef>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offer_id: Option<Uuid>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<i64>,
    /// Why a line was rejected: each rule broken, with the field and the rule's code.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BatchResult {
    pub summary: BatchSummary,
    /// One result per non-empty line, in order.
    pub results: Vec<LineResult>,
}

/// Publish offers in a batch (NDJSON)
///
/// Publishes many offers at once: the body is NDJSON (`application/x-ndjson`), one publication
/// per line, exactly as the body of `POST /v1/offers`. Each line is published like a single
/// offer (upsert by source, de-duplication across sources) and answered in `results` with its
/// line number and outcome; a line that breaks a rule — not JSON, a missing field, an unknown
/// ROME code, a line over the body limit (1 MiB by default, rule `line.too_long`)… — is
/// `rejected` with its errors,
/// and the other lines are published all the same. Sending the same batch again is idempotent:
/// every line comes back `unchanged`. Lines are committed in chunks of 500, in order; should
/// the service fail midway, the chunks before are published and sending the batch again
/// finishes the work. A batch holds at least one line: a body with none (or only blank lines)
/// is refused with 422 (rule `batch.empty`).
#[utoipa::path(
    tag = crate::TAG,
    security(("oauth2" = ["offers:write"])),
    // NDJSON is a sequence of JSON values, so its schema is the array of the lines' schema:
    // each item is one line, a `Publication` written on one line (OpenAPI 3.1's reading of a
    // sequential media type), which a tool can generate and check line by line.
    request_body(content = Vec<Publication>, content_type = "application/x-ndjson",
        description = "One publication (a `Publication`, as the body of `POST /v1/offers`) per line, each \
                       written as one line of JSON: the schema is the sequence of lines as an array, \
                       each item one line: the example is sent as two lines, \
                       `{\"source\":{\"system\":\"jobboard-rhone\",\"reference\":\"JB-1\"},\"offer\":{…}}` then the \
                       second publication, each ended by a line feed.",
        example = json!([
            {"source": {"system": "jobboard-rhone", "reference": "JB-1"},
             "offer": {"title": "Boulanger", "description": "Fabrication du pain.", "rome_code": "D1102",
                       "contract_type": "cdi", "workplace": {"commune": "69123"}}},
            {"source": {"system": "jobboard-rhone", "reference": "JB-2"},
             "offer": {"title": "Serveur", "description": "Service en salle.", "rome_code": "G1803",
                       "contract_type": "cdd", "contract_months": 6, "workplace": {"commune": "69123"}}}
        ])),
    responses(
        (status = 200, description = "Every line's result, and the count of each outcome.", body = BatchResult),
        CreateProblems,
    )
)]
#[post("/offers/batch")]
pub async fn publish_offer_batch(
    req: HttpRequest,
    index: web::Data<OffersIndex>,
    store: web::Data<Store>,
    caller: Caller,
    mut payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    plateforme_api::json::check_media_type(&req, &[NDJSON])?;
    may_publish(&caller)?;
    let publisher = publisher(&store, &caller).await?;
    let line_limit = req.app_data::<BodyLimit>().copied().unwrap_or_default().0;
    let batch_limit = req.app_data::<web::Data<BatchLimit>>().map(|limit| *limit.get_ref()).unwrap_or_default();
    let mut lines = Lines::new(line_limit);
    let mut batch = Batch { caller: &caller, publisher, store: &store, pending: Vec::new(), results: Vec::new() };
    let mut read = 0usize;
    while let Some(chunk) = payload.next().await {
        let chunk =
            chunk.map_err(|error| ApiError::new(ErrorCode::BadRequest, format!("reading the body failed: {error}")))?;
        read += chunk.len();
        if read > batch_limit.0 {
            return Err(ApiError::new(
                ErrorCode::PayloadTooLarge,
                format!("a batch holds at most {} bytes; split it", batch_limit.0),
            ));
        }
        for line in lines.feed(&chunk) {
            batch.take(line).await?;
        }
    }
    if let Some(line) = lines.finish() {
        batch.take(line).await?;
    }
    batch.flush().await?;
    if batch.results.is_empty() {
        return Err(ApiError::validation(vec![FieldError::new("body", "batch.empty", "the batch holds no line")]));
    }
    index.holds_the_writes_before(&batch.results.iter().filter_map(|result| result.offer_id).collect::<Vec<_>>()).await;
    Ok(HttpResponse::Ok().json(batch.into_result()))
}

/// One line of the body: its number, and its bytes or why they were not kept.
enum Line {
    Bytes(usize, Vec<u8>),
    TooLong(usize),
}

/// Splits the body into lines as it arrives, keeping no more than `limit` bytes of a line.
struct Lines {
    limit: usize,
    number: usize,
    current: Vec<u8>,
    too_long: bool,
}

impl Lines {
    fn new(limit: usize) -> Lines {
        Lines { limit, number: 0, current: Vec::new(), too_long: false }
    }

    fn feed(&mut self, mut bytes: &[u8]) -> Vec<Line> {
        let mut complete = Vec::new();
        while let Some(end) = bytes.iter().position(|byte| *byte == b'\n') {
            self.push(&bytes[..end]);
            complete.extend(self.end_line());
            bytes = &bytes[end + 1..];
        }
        self.push(bytes);
        complete
    }

    fn finish(&mut self) -> Option<Line> {
        if self.current.is_empty() && !self.too_long { None } else { self.end_line() }
    }

    fn push(&mut self, bytes: &[u8]) {
        if self.too_long {
            return;
        }
        if self.current.len() + bytes.len() > self.limit {
            self.too_long = true;
            self.current = Vec::new();
        } else {
            self.current.extend_from_slice(bytes);
        }
    }

    /// Ends the current line; empty lines (and a lone `\r`) give nothing.
    fn end_line(&mut self) -> Option<Line> {
        self.number += 1;
        let bytes = std::mem::take(&mut self.current);
        if std::mem::take(&mut self.too_long) {
            return Some(Line::TooLong(self.number));
        }
        let blank = bytes.iter().all(u8::is_ascii_whitespace);
        (!blank).then_some(Line::Bytes(self.number, bytes))
    }
}

/// The lines read so far: the valid ones wait to be published by chunks.
struct Batch<'a> {
    caller: &'a Caller,
    publisher: Publisher,
    store: &'a Store,
    pending: Vec<(usize, Submission)>,
    results: Vec<LineResult>,
}

impl Batch<'_> {
    async fn take(&mut self, line: Line) -> Result<(), ApiError> {
        match line {
            Line::TooLong(number) => self.reject(
                number,
                None,
                vec![FieldError::new("line", "line.too_long", "the line is over the body limit")],
            ),
            Line::Bytes(number, bytes) => match read_line(&bytes).and_then(|submission| self.own_job(submission)) {
                Ok(submission) => {
                    self.results.push(placeholder(number));
                    self.pending.push((self.results.len() - 1, submission));
                    if self.pending.len() >= CHUNK {
                        self.flush().await?;
                    }
                }
                Err((source, errors)) => self.reject(number, source, errors),
            },
        }
        Ok(())
    }

    /// An employer organization's line must name its own SIRET.
    fn own_job(&self, submission: Submission) -> Result<Submission, (Option<SourceRef>, Vec<FieldError>)> {
        match check_employer(&self.publisher, &submission.fields) {
            Ok(()) => Ok(submission),
            Err(error) => Err((Some(submission.source), vec![error])),
        }
    }

    fn reject(&mut self, line: usize, source: Option<SourceRef>, errors: Vec<FieldError>) {
        self.results.push(LineResult {
            line,
            outcome: "rejected".into(),
            source,
            offer_id: None,
            version: None,
            errors,
        });
    }

    /// Publishes the pending lines in one transaction and fills in their results.
    async fn flush(&mut self) -> Result<(), ApiError> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let pending = std::mem::take(&mut self.pending);
        let (slots, submissions): (Vec<usize>, Vec<Submission>) = pending.into_iter().unzip();
        let sources: Vec<SourceRef> = submissions.iter().map(|submission| submission.source.clone()).collect();
        let context = self.caller.write_context();
        let publisher = self.publisher.clone();
        let answers = self.store.run(move |conn| publish::publish_as(conn, &context, &publisher, submissions)).await?;
        for ((slot, source), answer) in slots.into_iter().zip(sources).zip(answers) {
            let result = &mut self.results[slot];
            result.source = Some(source);
            match answer {
                Ok(published) => {
                    result.outcome = published.outcome.as_str().to_owned();
                    result.offer_id = Some(published.offer_id);
                    result.version = Some(published.version);
                }
                Err(refusal) => {
                    let error = refused(&refusal);
                    result.outcome = "rejected".into();
                    result.offer_id = Some(refusal.offer_id());
                    result.errors = vec![FieldError::new("line", error.code.code(), error.detail)];
                }
            }
        }
        Ok(())
    }

    fn into_result(self) -> BatchResult {
        let mut summary = BatchSummary::default();
        for result in &self.results {
            summary.count(&result.outcome);
        }
        BatchResult { summary, results: self.results }
    }
}

fn placeholder(line: usize) -> LineResult {
    LineResult { line, outcome: String::new(), source: None, offer_id: None, version: None, errors: Vec::new() }
}

/// Reads one line into a submission, or the errors that reject it (with its source when the
/// line says it, so the sender can match the rejection to its offer).
fn read_line(bytes: &[u8]) -> Result<Submission, (Option<SourceRef>, Vec<FieldError>)> {
    let publication: Publication = match plateforme_api::json::parse_bytes(bytes) {
        Ok(publication) => publication,
        Err(error) => return Err((source_of(bytes), error.into_field_errors())),
    };
    let source = publication.source.clone();
    crate::prepare::prepare(publication).map_err(|errors| (Some(source), errors))
}

/// The `source` of a line that does not parse as a publication, if it has a readable one.
fn source_of(bytes: &[u8]) -> Option<SourceRef> {
    let value: serde_json::Value = serde_json::from_slice(bytes).ok()?;
    serde_json::from_value(value.get("source")?.clone()).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn numbers(lines: &[Line]) -> Vec<(usize, Option<String>)> {
        lines
            .iter()
            .map(|line| match line {
                Line::Bytes(number, bytes) => (*number, Some(String::from_utf8_lossy(bytes).into_owned())),
                Line::TooLong(number) => (*number, None),
            })
            .collect()
    }

    #[test]
    fn lines_are_split_across_chunks() {
        let mut lines = Lines::new(10);
        let mut all = lines.feed(b"ab\ncd");
        all.extend(lines.feed(b"ef\n\n  \ngh"));
        all.extend(lines.finish());
        assert_eq!(numbers(&all), [(1, Some("ab".into())), (2, Some("cdef".into())), (5, Some("gh".into()))]);
    }

    #[test]
    fn a_long_line_is_dropped_but_counted() {
        let mut lines = Lines::new(4);
        let mut all = lines.feed(b"abc\n0123");
        all.extend(lines.feed(b"456789\nok"));
        all.extend(lines.finish());
        assert_eq!(numbers(&all), [(1, Some("abc".into())), (2, None), (3, Some("ok".into()))]);
    }
}
