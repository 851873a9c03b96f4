//! From a `formation` element to the catalogue's model, with LHEO's rules. An element is
//! rejected only for what makes it unusable (no numero, no title, no usable session period, a
//! code of the wrong shape or unknown, a site in an unknown commune); what is odd but usable is
//! kept with a data-quality warning. Every finding names its rule, its element and its line.

use std::collections::HashSet;

use plateforme_model::codes::Siret;

use super::date::{Bound, LheoDate};
use super::places::{self, Strictness};
use crate::model::{
    Action, Certification, Coded, Domain, Entries, Formation, Funder, Recruitment, ResponsibleOrganization, Session,
    Site, TeachingMode, Warning, XmlNode,
};

/// The longest `@numero` kept as a key.
const MAX_NUMERO: usize = 100;
/// LHEO's length of `intitule-formation`.
const MAX_TITLE: usize = 255;
/// LHEO's length of the formation's long texts.
const MAX_TEXT: usize = 3000;

/// One rule broken (or one oddity noticed) on one element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub element: String,
    pub rule: String,
    pub message: String,
    pub line: u64,
}

/// What reading one element found: errors make it unusable, warnings do not.
#[derive(Debug, Default)]
pub struct Findings {
    pub errors: Vec<Finding>,
    pub warnings: Vec<Finding>,
}

impl Findings {
    pub fn error(&mut self, element: &str, rule: &str, message: impl Into<String>, line: u64) {
        self.errors.push(Finding { element: element.into(), rule: rule.into(), message: message.into(), line });
    }

    pub fn warn(&mut self, element: &str, rule: &str, message: impl Into<String>, line: u64) {
        self.warnings.push(Finding { element: element.into(), rule: rule.into(), message: message.into(), line });
    }
}

/// The level of the LHEO tree an element is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Formation,
    Action,
    Session,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Formation => "formation",
            Self::Action => "action",
            Self::Session => "session",
        }
    }
}

/// An element left out, and why.
#[derive(Debug, Clone)]
pub struct Rejected {
    pub level: Level,
    pub numero: Option<String>,
    /// The formation it belongs to (for actions and sessions).
    pub formation: Option<String>,
    pub line: u64,
    pub errors: Vec<Finding>,
}

/// The line of each kept action and session, in the order of the formation's.
#[derive(Debug, Clone)]
pub struct ActionLines {
    pub line: u64,
    pub sessions: Vec<u64>,
}

/// A formation read and checked, identifiers not yet given.
#[derive(Debug, Clone)]
pub struct Draft {
    pub formation: Formation,
    pub line: u64,
    /// The région of its first placed site, if any.
    pub region: Option<String>,
    /// Warnings, with their lines (the record keeps them without).
    pub warnings: Vec<Finding>,
    /// Its actions and sessions left out.
    pub rejected: Vec<Rejected>,
    pub lines: Vec<ActionLines>,
}

/// Who may place an action in a région (`None`: no site placed): the writer's policy.
pub type MayPlace<'a> = &'a dyn Fn(Option<&str>) -> bool;

/// Reads a `formation` element.
/// A rejected formation comes first, then its actions and sessions rejected for their own reasons.
pub fn formation(node: &XmlNode, may_place: MayPlace<'_>) -> Result<Draft, Vec<Rejected>> {
    let mut findings = Findings::default();
    let numero = numero_of(node, "formation", &mut findings);
    let title = node.text_of("intitule-formation");
    if title.is_none() {
        findings.error(
            "formation/intitule-formation",
            "formation.title.required",
            "the formation has no title",
            node.line,
        );
    }
    let title = title.unwrap_or_default();
    if title.chars().count() > MAX_TITLE {
        findings.warn(
            "formation/intitule-formation",
            "formation.title.length",
            format!("longer than LHEO's {MAX_TITLE} characters"),
            node.line,
        );
    }
    let texts = [
        ("objectif-formation", "objective"),
        ("resultats-attendus", "expected_results"),
        ("contenu-formation", "content"),
    ]
    .map(|(element, rule)| long_text(node, element, rule, &mut findings));
    let [objective, expected_results, content] = texts;
    let certifying = match node.text_of("certifiante").as_deref() {
        Some("1") => true,
        Some("0") | None => false,
        Some(other) => {
            findings.warn(
                "formation/certifiante",
                "formation.certifying.value",
                format!("{other:?} is not 0 or 1: read as 0"),
                node.line,
            );
            false
        }
    };
    let domain = domain(node, &mut findings);
    let certifications = node.all("certification").map(|element| certification(element, &mut findings)).collect();
    let responsible_organization =
        node.child("organisme-formation-responsable").map(|element| responsible(element, &mut findings));
    let mut draft = Draft {
        formation: Formation {
            numero: numero.clone().unwrap_or_default(),
            title,
            objective,
            expected_results,
            content,
            certifying,
            domain,
            certifications,
            responsible_organization,
            actions: Vec::new(),
            extras: node.all("extras").cloned().collect(),
            warnings: Vec::new(),
        },
        line: node.line,
        region: None,
        warnings: Vec::new(),
        rejected: Vec::new(),
        lines: Vec::new(),
    };
    let mut numeros = HashSet::new();
    for element in node.all("action") {
        match action(element, draft.formation.numero.as_str(), may_place, &mut numeros) {
            Ok((action, region, lines, rejected, warnings)) => {
                draft.region = draft.region.or(region);
                draft.formation.actions.push(action);
                draft.lines.push(lines);
                draft.rejected.extend(rejected);
                findings.warnings.extend(warnings);
            }
            Err(rejected) => draft.rejected.push(rejected),
        }
    }
    if draft.formation.actions.is_empty() && findings.errors.is_empty() {
        findings.error("formation", "formation.no_action", "the formation has no usable action", node.line);
    }
    if !findings.errors.is_empty() {
        let formation =
            Rejected { level: Level::Formation, numero, formation: None, line: node.line, errors: findings.errors };
        return Err(std::iter::once(formation).chain(draft.rejected).collect());
    }
    draft.formation.warnings = findings.warnings.iter().map(warning_of).collect();
    draft.warnings = findings.warnings;
    Ok(draft)
}

fn warning_of(finding: &Finding) -> Warning {
    Warning { element: finding.element.clone(), rule: finding.rule.clone(), message: finding.message.clone() }
}

fn numero_of(node: &XmlNode, level: &str, findings: &mut Findings) -> Option<String> {
    let numero = node.attribute("numero").map(str::trim).filter(|numero| !numero.is_empty());
    match numero {
        None => {
            findings.error(
                level,
                &format!("{level}.numero.required"),
                format!("the {level} has no @numero: it cannot be kept up to date"),
                node.line,
            );
            None
        }
        Some(numero) if numero.chars().count() > MAX_NUMERO => {
            findings.error(
                level,
                &format!("{level}.numero.length"),
                format!("its @numero is longer than {MAX_NUMERO} characters"),
                node.line,
            );
            None
        }
        Some(numero) => Some(numero.to_owned()),
    }
}

fn long_text(node: &XmlNode, element: &str, rule: &str, findings: &mut Findings) -> Option<String> {
    let path = format!("formation/{element}");
    let Some(text) = node.text_of(element) else {
        findings.warn(&path, &format!("formation.{rule}.missing"), format!("LHEO requires {element}"), node.line);
        return None;
    };
    if text.chars().count() > MAX_TEXT {
        findings.warn(
            &path,
            &format!("formation.{rule}.length"),
            format!("longer than LHEO's {MAX_TEXT} characters"),
            node.line,
        );
    }
    Some(text)
}

fn domain(node: &XmlNode, findings: &mut Findings) -> Domain {
    let Some(element) = node.child("domaine-formation") else {
        findings.warn(
            "formation/domaine-formation",
            "formation.domain.missing",
            "LHEO requires domaine-formation",
            node.line,
        );
        return Domain::default();
    };
    let codes = |name: &str, rule: &str, max: usize, shape: fn(&str) -> bool, findings: &mut Findings| {
        let path = format!("formation/domaine-formation/{name}");
        let codes: Vec<Coded> = element
            .all(name)
            .map(|code| Coded { code: code.text.trim().to_owned(), version: code.attribute("ref").map(str::to_owned) })
            .collect();
        for code in &codes {
            if !shape(&code.code) {
                findings.error(
                    &path,
                    &format!("{rule}.format"),
                    format!("{:?} is not a {name} code", code.code),
                    element.line,
                );
            }
        }
        if codes.len() > max {
            findings.error(
                &path,
                &format!("{rule}.too_many"),
                format!("{} codes where LHEO allows {max}", codes.len()),
                element.line,
            );
        }
        codes
    };
    let formacode = codes("code-FORMACODE", "formacode", 5, |code| code.len() == 5 && digits(code), findings);
    let nsf = codes("code-NSF", "nsf", 3, is_nsf, findings);
    let rome = codes("code-ROME", "rome", 5, |code| plateforme_model::codes::RomeCode::parse(code).is_ok(), findings);
    for code in &rome {
        if plateforme_model::codes::RomeCode::parse(&code.code).is_ok()
            && plateforme_reference_data::rome(&code.code).is_none()
        {
            findings.error(
                "formation/domaine-formation/code-ROME",
                "rome.unknown",
                format!("{} is not a ROME 4.0 code (see /v1/referentials/rome)", code.code),
                element.line,
            );
        }
    }
    Domain { formacode, nsf, rome }
}

fn digits(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|byte| byte.is_ascii_digit())
}

/// An NSF code: three digits, then perhaps a letter (`221`, `221u`).
fn is_nsf(code: &str) -> bool {
    let (number, rest) = code.split_at(code.len().min(3));
    number.len() == 3 && digits(number) && rest.len() <= 1 && rest.bytes().all(|byte| byte.is_ascii_alphabetic())
}

fn certification(element: &XmlNode, findings: &mut Findings) -> Certification {
    let mut code = |name: &str, prefix: &str, rule: &str| {
        let text = element.text_of(name)?;
        let bare = text.strip_prefix(prefix).unwrap_or(&text).trim().to_owned();
        if !digits(&bare) || bare.len() > 9 {
            findings.error(
                &format!("formation/certification/{name}"),
                rule,
                format!("{text:?} is not a {name}"),
                element.line,
            );
        }
        Some(bare)
    };
    let rncp = code("code-RNCP", "RNCP", "rncp.format");
    let rs = code("code-RS", "RS", "rs.format");
    let certifinfo = code("code-CERTIFINFO", "", "certifinfo.format");
    if rncp.is_none() && rs.is_none() && certifinfo.is_none() {
        findings.warn("formation/certification", "certification.empty", "a certification with no code", element.line);
    }
    Certification { rncp, rs, certifinfo }
}

fn responsible(element: &XmlNode, findings: &mut Findings) -> ResponsibleOrganization {
    let siret = element.child("SIRET-organisme-formation").and_then(|wrapper| wrapper.text_of("SIRET"));
    if let Some(siret) = &siret {
        check_siret(
            siret,
            "formation/organisme-formation-responsable/SIRET-organisme-formation",
            element.line,
            findings,
        );
    }
    ResponsibleOrganization {
        numero: element.attribute("numero").map(str::to_owned),
        activity_number: element.text_of("numero-activite"),
        siret,
        name: element.text_of("raison-sociale").or_else(|| element.text_of("nom-organisme")),
    }
}

/// A SIRET is kept as given; a placeholder or an invalid one is worth a warning, not a refusal.
fn check_siret(siret: &str, path: &str, line: u64, findings: &mut Findings) {
    let compact: String = siret.chars().filter(|character| !character.is_whitespace()).collect();
    let first = compact.chars().next();
    if !compact.is_empty() && compact.chars().all(|character| Some(character) == first) {
        findings.warn(path, "siret.placeholder", format!("{siret} is a placeholder, not a SIRET"), line);
    } else if let Err(error) = Siret::parse(siret) {
        findings.warn(path, error.rule, error.message, line);
    }
}

type ActionRead = (Action, Option<String>, ActionLines, Vec<Rejected>, Vec<Finding>);

fn action(
    node: &XmlNode,
    formation: &str,
    may_place: MayPlace<'_>,
    numeros: &mut HashSet<String>,
) -> Result<ActionRead, Rejected> {
    let mut findings = Findings::default();
    let numero = numero_of(node, "action", &mut findings);
    if let Some(numero) = &numero
        && !numeros.insert(numero.clone())
    {
        findings.error(
            "action",
            "action.numero.duplicate",
            format!("another action of the formation is numbered {numero}"),
            node.line,
        );
    }
    let path = format!("action[{}]", numero.as_deref().unwrap_or("?"));
    let teaching_mode = match node.text_of("modalites-enseignement").as_deref() {
        None => None,
        Some("0") => Some(TeachingMode::Presential),
        Some("1") => Some(TeachingMode::Mixed),
        Some("2") => Some(TeachingMode::Distance),
        Some(other) => {
            findings.warn(
                &format!("{path}/modalites-enseignement"),
                "action.teaching_mode.value",
                format!("{other:?} is not 0, 1 or 2"),
                node.line,
            );
            None
        }
    };
    let entries = match node.text_of("modalites-entrees-sorties").as_deref() {
        None => None,
        Some("0") => Some(Entries::Fixed),
        Some("1") => Some(Entries::Permanent),
        Some(other) => {
            findings.warn(
                &format!("{path}/modalites-entrees-sorties"),
                "action.entries.value",
                format!("{other:?} is not 0 or 1"),
                node.line,
            );
            None
        }
    };
    let mut hours = |name: &str| {
        let text = node.text_of(name)?;
        let parsed = text.parse::<u32>().ok();
        if parsed.is_none() {
            findings.warn(
                &format!("{path}/{name}"),
                "action.hours.format",
                format!("{text:?} is not a whole number of hours"),
                node.line,
            );
        }
        parsed
    };
    let hours_in_centre = hours("nombre-heures-centre");
    let hours_in_company = hours("nombre-heures-entreprise");
    let total_price = node.text_of("prix-total-TTC").filter(|price| {
        let usable = price.replace(',', ".").parse::<f64>().is_ok_and(|value| value >= 0.0);
        if !usable {
            findings.warn(
                &format!("{path}/prix-total-TTC"),
                "action.price.format",
                format!("{price:?} is not a price"),
                node.line,
            );
        }
        usable
    });
    let funders = node
        .all("organisme-financeur")
        .filter_map(|funder| {
            let code = funder.text_of("code-financeur")?;
            Some(Funder { code, places: funder.text_of("nb-places-financees").and_then(|places| places.parse().ok()) })
        })
        .collect();
    let sites: Vec<Site> = node
        .all("lieu-de-formation")
        .enumerate()
        .filter_map(|(index, site)| {
            let coordinates = site.child("coordonnees")?;
            let place = format!("{path}/lieu-de-formation[{index}]/coordonnees/adresse");
            let address = coordinates
                .child("adresse")
                .map(|address| places::address(address, &place, Strictness::Reject, &mut findings))?;
            Some(Site { name: coordinates.text_of("nom"), address })
        })
        .collect();
    let region = sites.iter().find_map(|site| site.address.region.clone());
    if !may_place(region.as_deref()) {
        findings.error(
            &path,
            "action.outside_region",
            format!(
                "its training site is in région {}, outside the catalogue the caller writes",
                region.as_deref().unwrap_or("(none)")
            ),
            node.line,
        );
    }
    let provider_siret = node
        .child("organisme-formateur")
        .and_then(|provider| provider.child("SIRET-formateur"))
        .and_then(|wrapper| wrapper.text_of("SIRET"));
    if let Some(siret) = &provider_siret {
        check_siret(siret, &format!("{path}/organisme-formateur/SIRET-formateur"), node.line, &mut findings);
    }
    let mut action = Action {
        id: uuid::Uuid::nil(),
        numero: numero.clone().unwrap_or_default(),
        target_publics: node
            .all("code-public-vise")
            .map(|code| code.text.trim().to_owned())
            .filter(|code| !code.is_empty())
            .collect(),
        teaching_mode,
        entries,
        hours_in_centre,
        hours_in_company,
        total_price,
        funders,
        sites,
        disability_access: node.text_of("acces-handicapes"),
        provider_siret,
        sessions: Vec::new(),
        extras: node.all("extras").cloned().collect(),
    };
    let mut lines = ActionLines { line: node.line, sessions: Vec::new() };
    let mut rejected = Vec::new();
    let mut session_numeros = HashSet::new();
    for element in node.all("session") {
        match session(element, &path, &mut session_numeros, &mut findings) {
            Ok(session) => {
                action.sessions.push(session);
                lines.sessions.push(element.line);
            }
            Err(errors) => rejected.push(Rejected {
                level: Level::Session,
                numero: element.attribute("numero").map(str::to_owned),
                formation: Some(formation.to_owned()),
                line: element.line,
                errors,
            }),
        }
    }
    if action.sessions.is_empty() && findings.errors.is_empty() {
        findings.error(&path, "action.no_session", "the action has no usable session", node.line);
    }
    if !findings.errors.is_empty() {
        // Its sessions go with it: the action's rejection says why.
        return Err(Rejected {
            level: Level::Action,
            numero,
            formation: Some(formation.to_owned()),
            line: node.line,
            errors: findings.errors,
        });
    }
    Ok((action, region, lines, rejected, findings.warnings))
}

fn session(
    node: &XmlNode,
    action: &str,
    numeros: &mut HashSet<String>,
    warnings: &mut Findings,
) -> Result<Session, Vec<Finding>> {
    let mut findings = Findings::default();
    let numero = numero_of(node, "session", &mut findings);
    if let Some(numero) = &numero
        && !numeros.insert(numero.clone())
    {
        findings.error(
            "session",
            "session.numero.duplicate",
            format!("another session of the action is numbered {numero}"),
            node.line,
        );
    }
    let path = format!("{action}/session[{}]", numero.as_deref().unwrap_or("?"));
    let period = node.child("periode");
    let bound = |name: &str, bound: Bound, findings: &mut Findings| {
        let element = period.and_then(|period| period.child(name));
        let Some(text) = element.map(|element| element.text.trim().to_owned()) else {
            findings.error(
                &format!("{path}/periode/{name}"),
                "session.period.required",
                format!("the session's period has no {name}"),
                node.line,
            );
            return None;
        };
        LheoDate::parse(&text, bound)
            .map_err(|error| {
                findings.error(
                    &format!("{path}/periode/{name}"),
                    error.rule,
                    error.message,
                    element.map_or(node.line, |element| element.line),
                )
            })
            .ok()
    };
    let start = bound("debut", Bound::Start, &mut findings);
    let end = bound("fin", Bound::End, &mut findings);
    if let (Some(start), Some(end)) = (&start, &end)
        && let (Some(first), Some(last)) = (start.earliest(), end.latest())
        && last < first
    {
        findings.error(
            &format!("{path}/periode"),
            "session.ends_before_start",
            format!("the session ends ({}) before it starts ({})", end.lheo, start.lheo),
            node.line,
        );
    }
    let recruitment = match node.text_of("etat-recrutement").as_deref() {
        None => None,
        Some("1") => Some(Recruitment::Open),
        Some("2") => Some(Recruitment::Closed),
        Some("3") => Some(Recruitment::Suspended),
        Some(other) => {
            findings.warn(
                &format!("{path}/etat-recrutement"),
                "session.recruitment.value",
                format!("{other:?} is not 1, 2 or 3"),
                node.line,
            );
            None
        }
    };
    let registration_address =
        node.child("adresse-inscription").and_then(|element| element.child("adresse")).map(|address| {
            places::address(address, &format!("{path}/adresse-inscription/adresse"), Strictness::Warn, &mut findings)
        });
    match (start, end, numero) {
        (Some(start), Some(end), Some(numero)) if findings.errors.is_empty() => {
            warnings.warnings.extend(findings.warnings);
            Ok(Session {
                id: uuid::Uuid::nil(),
                numero,
                start,
                end,
                registration_address,
                recruitment,
                extras: node.all("extras").cloned().collect(),
            })
        }
        _ => Err(findings.errors),
    }
}
