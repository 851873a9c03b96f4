//! An LHEO import, from the stored document to the catalogue: formations are read one by one,
//! decided in batches against what the publisher already has (created, updated, unchanged),
//! and written in one transaction with the closure of the formations a full import no longer
//! has. A document that breaks midway rolls the whole transaction back: nothing is
//! half-written, and the report says what the good part would have done.

use std::collections::{HashMap, HashSet};
use std::io::BufRead;

use chrono::{DateTime, Utc};
use plateforme_model::ids::{new_id, now};
use plateforme_model::merge_patch;
use plateforme_store::training::import::{self as store_import, Change};
use plateforme_store::training::{StoredTraining, TrainingStatus};
use plateforme_store::write::{self, WriteContext};
use plateforme_store::{DbConnection, StoreError};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::lheo::map::{self, Draft, Finding, Level, MayPlace, Rejected};
use crate::lheo::read::{LheoReader, ReadError};
use crate::model::{Action, Formation};
use crate::report::{Counts, ImportReport, Outcome, ReportEntry, ReportIssue};

/// Formations decided and written together.
const BATCH: usize = 200;

/// Who imports: the organization whose catalogue it is, and the région its formations without
/// a placed site fall in.
pub struct Publisher<'a> {
    pub organization_id: Uuid,
    pub fallback_region: String,
    /// Whether the caller may place an action in a région (the policy).
    pub may_place: MayPlace<'a>,
}

/// Imports a document: the report, or where the document broke with the report of the part
/// before (nothing written).
pub fn import(
    conn: &mut DbConnection,
    context: &WriteContext,
    publisher: &Publisher<'_>,
    input: impl BufRead,
    snapshot: bool,
) -> Result<Result<ImportReport, (ReadError, ImportReport)>, StoreError> {
    let mut broken = None;
    let done = write::transaction(conn, |conn| {
        let mut run = Run::new(publisher, snapshot);
        match run.read_all(conn, context, input) {
            Ok(()) => Ok(run.report),
            Err(Stop::Store(error)) => Err(error),
            Err(Stop::Broken(error)) => {
                broken = Some((error, run.report));
                Err(StoreError::Corrupt("the LHEO document broke: rolled back".into()))
            }
        }
    });
    match (done, broken) {
        (_, Some(broken)) => Ok(Err(broken)),
        (Ok(report), None) => Ok(Ok(report)),
        (Err(error), None) => Err(error),
    }
}

enum Stop {
    Store(StoreError),
    Broken(ReadError),
}

impl From<StoreError> for Stop {
    fn from(error: StoreError) -> Self {
        Stop::Store(error)
    }
}

struct Run<'a, 'b> {
    publisher: &'a Publisher<'b>,
    snapshot: bool,
    time: DateTime<Utc>,
    /// The formation numeros of the document (rejected ones too: a formation sent broken is
    /// not closed for it).
    seen: HashSet<String>,
    report: ImportReport,
}

impl<'a, 'b> Run<'a, 'b> {
    fn new(publisher: &'a Publisher<'b>, snapshot: bool) -> Self {
        Run { publisher, snapshot, time: now(), seen: HashSet::new(), report: ImportReport::new(snapshot) }
    }

    fn read_all(&mut self, conn: &mut DbConnection, context: &WriteContext, input: impl BufRead) -> Result<(), Stop> {
        let mut reader = LheoReader::open(input).map_err(Stop::Broken)?;
        self.report.lheo_version = reader.version().as_str().to_owned();
        let mut batch = Vec::with_capacity(BATCH);
        loop {
            let node = match reader.next_formation() {
                Ok(Some(node)) => node,
                Ok(None) => break,
                Err(broken) => {
                    // The formations read before the break are decided, for the report only:
                    // the transaction is rolled back.
                    self.decide(conn, context, batch)?;
                    return Err(Stop::Broken(broken));
                }
            };
            let numero = node.attribute("numero").map(|numero| numero.trim().to_owned());
            let read = map::formation(&node, self.publisher.may_place);
            let read = match (read, numero) {
                (Ok(draft), Some(numero)) if !self.seen.insert(numero.clone()) => Err(vec![duplicate(&draft, numero)]),
                (Err(rejected), Some(numero)) => {
                    self.seen.insert(numero);
                    Err(rejected)
                }
                (read, _) => read,
            };
            match read {
                Ok(draft) => batch.push(draft),
                Err(rejected) => rejected.into_iter().for_each(|rejected| self.reject(rejected)),
            }
            if batch.len() == BATCH {
                self.decide(conn, context, std::mem::take(&mut batch))?;
            }
        }
        self.decide(conn, context, batch)?;
        if self.snapshot {
            let closed =
                store_import::close_absent(conn, context, self.publisher.organization_id, &self.seen, self.time)?;
            for training in closed {
                self.report.summary.formations.closed += 1;
                self.report.entries.push(ReportEntry::closed(Level::Formation, &training.numero, None, training.id));
            }
        }
        Ok(())
    }

    fn reject(&mut self, rejected: Rejected) {
        self.report.count(rejected.level, Outcome::Rejected);
        self.report.entries.push(ReportEntry::rejected(&rejected));
    }

    fn decide(
        &mut self,
        conn: &mut DbConnection,
        context: &WriteContext,
        drafts: Vec<Draft>,
    ) -> Result<(), StoreError> {
        if drafts.is_empty() {
            return Ok(());
        }
        let numeros: Vec<String> = drafts.iter().map(|draft| draft.formation.numero.clone()).collect();
        let mut existing = store_import::existing(conn, self.publisher.organization_id, &numeros)?;
        let mut created = Vec::new();
        let mut changed = Vec::new();
        for draft in drafts {
            let before = existing.remove(&draft.formation.numero);
            match self.decide_one(draft, before)? {
                Decision::Created(training) => created.push(training),
                Decision::Changed(change) => changed.push(change),
                Decision::Unchanged => {}
            }
        }
        store_import::write(conn, context, &created, &changed)
    }

    fn decide_one(&mut self, draft: Draft, before: Option<StoredTraining>) -> Result<Decision, StoreError> {
        let hash = content_hash(&draft.formation)?;
        for rejected in &draft.rejected {
            self.reject(rejected.clone());
        }
        let region = draft.region.clone().unwrap_or_else(|| self.publisher.fallback_region.clone());
        let Some(before) = before else {
            let id = new_id();
            let formation = with_new_ids(draft.formation.clone(), None);
            self.report_formation(&draft, &formation, None, id, Outcome::Created);
            let training = self.stored(id, formation, region, hash, 1, self.time)?;
            return Ok(Decision::Created(training));
        };
        if before.content_hash == hash && before.status == TrainingStatus::Active {
            self.report_formation(&draft, &draft.formation, None, before.id, Outcome::Unchanged);
            return Ok(Decision::Unchanged);
        }
        let previous: Formation = serde_json::from_value(before.record.clone()).map_err(crate::corrupt)?;
        let formation = with_new_ids(draft.formation.clone(), Some(&previous));
        self.report_formation(&draft, &formation, Some(&previous), before.id, Outcome::Updated);
        let training = self.stored(before.id, formation, region, hash, before.version + 1, before.created_at)?;
        let changes = merge_patch::diff(
            &with_status(&before.record, before.status),
            &with_status(&training.record, training.status),
        );
        Ok(Decision::Changed(Change { training, committed_version: before.version, changes }))
    }

    fn stored(
        &self,
        id: Uuid,
        formation: Formation,
        region: String,
        content_hash: String,
        version: i64,
        created_at: DateTime<Utc>,
    ) -> Result<StoredTraining, StoreError> {
        Ok(StoredTraining {
            id,
            organization_id: self.publisher.organization_id,
            numero: formation.numero.clone(),
            status: TrainingStatus::Active,
            title: formation.title.clone(),
            region,
            content_hash,
            record: serde_json::to_value(&formation).map_err(crate::corrupt)?,
            version,
            created_at,
            updated_at: self.time,
        })
    }

    /// The report of a formation kept, and of its actions and sessions against the previous
    /// version (`None`: all new).
    fn report_formation(
        &mut self,
        draft: &Draft,
        formation: &Formation,
        previous: Option<&Formation>,
        id: Uuid,
        outcome: Outcome,
    ) {
        self.report.count(Level::Formation, outcome);
        let warnings = draft.warnings.iter().map(issue).collect();
        self.report.push(ReportEntry::kept(
            Level::Formation,
            &formation.numero,
            None,
            draft.line,
            outcome,
            id,
            warnings,
        ));
        let old_actions: HashMap<&str, &Action> = previous
            .map(|previous| previous.actions.iter().map(|action| (action.numero.as_str(), action)).collect())
            .unwrap_or_default();
        for (action, lines) in formation.actions.iter().zip(&draft.lines) {
            let old = old_actions.get(action.numero.as_str()).copied();
            let action_outcome = level_outcome(outcome, old.map(without_sessions), &without_sessions(action));
            self.report.count(Level::Action, action_outcome);
            self.report.push(ReportEntry::kept(
                Level::Action,
                &action.numero,
                Some(&formation.numero),
                lines.line,
                action_outcome,
                action.id,
                Vec::new(),
            ));
            for (session, line) in action.sessions.iter().zip(&lines.sessions) {
                let old_session = old.and_then(|old| old.sessions.iter().find(|old| old.numero == session.numero));
                let session_outcome = level_outcome(outcome, old_session.map(|old| json!(old)), &json!(session));
                self.report.count(Level::Session, session_outcome);
                self.report.push(ReportEntry::kept(
                    Level::Session,
                    &session.numero,
                    Some(&formation.numero),
                    *line,
                    session_outcome,
                    session.id,
                    Vec::new(),
                ));
            }
            if let Some(old) = old {
                for gone in old
                    .sessions
                    .iter()
                    .filter(|old| !action.sessions.iter().any(|session| session.numero == old.numero))
                {
                    self.report.summary.sessions.closed += 1;
                    self.report.entries.push(ReportEntry::closed(
                        Level::Session,
                        &gone.numero,
                        Some(&formation.numero),
                        gone.id,
                    ));
                }
            }
        }
        for (numero, gone) in
            old_actions.iter().filter(|(numero, _)| !formation.actions.iter().any(|action| action.numero == **numero))
        {
            self.report.summary.actions.closed += 1;
            self.report.entries.push(ReportEntry::closed(Level::Action, numero, Some(&formation.numero), gone.id));
        }
    }
}

enum Decision {
    Created(StoredTraining),
    Changed(Change),
    Unchanged,
}

fn duplicate(draft: &Draft, numero: String) -> Rejected {
    Rejected {
        level: Level::Formation,
        numero: Some(numero.clone()),
        formation: None,
        line: draft.line,
        errors: vec![Finding {
            element: "formation".into(),
            rule: "formation.numero.duplicate".into(),
            message: format!("another formation of the document is numbered {numero}: the first one is kept"),
            line: draft.line,
        }],
    }
}

fn issue(finding: &Finding) -> ReportIssue {
    ReportIssue {
        element: finding.element.clone(),
        rule: finding.rule.clone(),
        message: finding.message.clone(),
        line: finding.line,
    }
}

/// An action or session's outcome: new when its formation is, else against its old version.
fn level_outcome(formation: Outcome, old: Option<Value>, new: &Value) -> Outcome {
    match (formation, old) {
        (Outcome::Unchanged, _) => Outcome::Unchanged,
        (_, None) => Outcome::Created,
        (_, Some(old)) if old == *new => Outcome::Unchanged,
        _ => Outcome::Updated,
    }
}

fn without_sessions(action: &Action) -> Value {
    json!(Action { sessions: Vec::new(), ..action.clone() })
}

/// SHA-256 of the formation as read (identifiers not yet given, warnings without lines).
fn content_hash(formation: &Formation) -> Result<String, StoreError> {
    let bytes = serde_json::to_vec(formation).map_err(crate::corrupt)?;
    Ok(Sha256::digest(&bytes).iter().map(|byte| format!("{byte:02x}")).collect())
}

/// Gives each action and session its identifier: the previous version's for the same numero,
/// a new one otherwise.
fn with_new_ids(mut formation: Formation, previous: Option<&Formation>) -> Formation {
    for action in &mut formation.actions {
        let old = previous.and_then(|previous| previous.actions.iter().find(|old| old.numero == action.numero));
        action.id = old.map_or_else(new_id, |old| old.id);
        for session in &mut action.sessions {
            let old_session = old.and_then(|old| old.sessions.iter().find(|old| old.numero == session.numero));
            session.id = old_session.map_or_else(new_id, |old| old.id);
        }
    }
    formation
}

fn with_status(record: &Value, status: TrainingStatus) -> Value {
    let mut document = record.clone();
    if let Value::Object(fields) = &mut document {
        fields.insert("status".into(), json!(status.as_str()));
    }
    document
}

impl ImportReport {
    fn count(&mut self, level: Level, outcome: Outcome) {
        let counts: &mut Counts = match level {
            Level::Formation => &mut self.summary.formations,
            Level::Action => &mut self.summary.actions,
            Level::Session => &mut self.summary.sessions,
        };
        counts.add(outcome);
    }

    /// Lists an entry, except the unchanged ones without warnings (only counted).
    fn push(&mut self, entry: ReportEntry) {
        if entry.outcome != Outcome::Unchanged.as_str() || !entry.warnings.is_empty() {
            self.entries.push(entry);
        }
    }
}
