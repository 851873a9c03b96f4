use actix_web::{HttpResponse, get, web};
use plateforme_api::openapi::ReadProblems;
use plateforme_api::query::parse_query;
use plateforme_api::{ApiError, ErrorCode};
use plateforme_auth::policy::Operation;
use plateforme_auth::{Caller, JournalSection};
use plateforme_model::FieldError;
use plateforme_model::offer::{Offer, OfferStatus};
use plateforme_model::organization::OrganizationKind;
use plateforme_search::{Circle, Filter, Query, Sort};
use plateforme_store::profiles::ShownProfile;
use plateforme_store::{Store, access::journal, offers, profiles};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::pseudonym::{OrganizationPseudonyms, PseudonymKey};
use crate::recruiter_view::{self, Place, RecruiterProfile};
use crate::search_index::{LATITUDE, LONGITUDE, ProfilesIndex, ROME_CODE, UPDATED_AT};

/// How many profiles seeking the offer's job, nearest first, the ranking scores.
const POOL: usize = 200;
const DEFAULT_RADIUS_KM: f64 = 50.0;
const MAX_RADIUS_KM: f64 = 200.0;

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CandidatesQuery {
    /// Candidates living within this distance of the workplace, in km: above 0, at most 200
    /// (rule `radius.range`); 50 by default.
    #[param(example = 30, exclusive_minimum = 0, maximum = 200)]
    pub radius_km: Option<f64>,
    /// How many candidates, best first: 1 to 50 (rule `limit.range`); 20 by default.
    #[param(minimum = 1, maximum = 50)]
    pub limit: Option<i64>,
}

/// Why a candidate ranks where it does.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"jobs_matched": ["M1805"], "skills_shared": ["SQL"], "skills_missing": ["Java"], "distance_km": 4.0}))]
pub struct MatchReasons {
    /// The offer's ROME code, among the jobs the candidate seeks.
    pub jobs_matched: Vec<String>,
    /// The offer's skills the candidate lists (case and accents ignored).
    pub skills_shared: Vec<String>,
    /// The offer's skills the candidate does not list.
    pub skills_missing: Vec<String>,
    /// Distance between the candidate's commune and the workplace, in km, when both are known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub distance_km: Option<f64>,
}

/// A candidate for an offer: the recruiter's view of the profile, its score and reasons.
#[derive(Debug, Serialize, ToSchema)]
pub struct Candidate {
    /// Whose profile it is: journaled, never answered.
    #[serde(skip)]
    #[schema(ignore)]
    pub person_id: Uuid,
    #[serde(flatten)]
    pub profile: RecruiterProfile,
    /// 0 to 100: 50 for the job sought, up to 30 for the offer's skills shared, up to 20 for
    /// nearness within the radius.
    pub score: u32,
    pub reasons: MatchReasons,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CandidatesResponse {
    pub offer_id: Uuid,
    /// The candidates, best score first (then the nearest).
    pub items: Vec<Candidate>,
}

/// Rank candidates for an offer
///
/// Ranks the profile bank's visible profiles (consent standing, not paused) of persons seeking
/// the offer's job (its ROME code) and living within `radius_km` of its workplace, each with a
/// score and its reasons: the job matched, the offer's skills shared and missing, the distance.
/// Each candidate is the recruiter's view (see `GET /v1/profiles`): a pseudonym for your
/// organization, never the identity. Only the organizations that publish the offer (its owner
/// and its sources) and France Travail rank candidates for it (403 otherwise); the offer must
/// be open (409 `invalid_transition`). Every candidate answered is journaled as a read of the
/// person's `profile`, visible to them in `/v1/me/journal`.
#[utoipa::path(
    tag = crate::TAG,
    security(("oauth2" = ["profiles:read"])),
    params(("id" = Uuid, Path, description = "Identifier of the offer"), CandidatesQuery),
    responses(
        (status = 200, description = "The best candidates.", body = CandidatesResponse),
        (status = 409, description = "Problem (RFC 9457). `invalid_transition`: the offer is not open.",
            content_type = "application/problem+json", body = plateforme_api::Problem),
        ReadProblems,
    )
)]
#[get("/offers/{id}/candidates")]
pub async fn rank_candidates(
    req: actix_web::HttpRequest,
    store: web::Data<Store>,
    caller: Caller,
    id: web::Path<Uuid>,
    index: web::Data<ProfilesIndex>,
    key: web::Data<PseudonymKey>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let (radius_km, limit) = checked(parse_query::<CandidatesQuery>(req.query_string())?)?;
    let offer = store
        .run(move |conn| offers::find(conn, id))
        .await?
        .ok_or_else(|| ApiError::not_found(format!("offer {id}")))?;
    check_publisher(&caller, &offer)?;
    let workplace = offer
        .location
        .latitude
        .zip(offer.location.longitude)
        .map(|(latitude, longitude)| Place { latitude, longitude });
    let query = pool_query(&offer, workplace, radius_km);
    let index = index.into_inner();
    let hits = web::block(move || index.0.engine().search(&query))
        .await
        .map_err(|error| ApiError::internal(format!("the search did not run: {error}")))?
        .map_err(|error| ApiError::internal(format!("the search failed: {error}")))?
        .hits;
    let ids: Vec<Uuid> = hits.iter().map(|hit| hit.id).collect();
    // The database decides: a profile paused or withdrawn since the index caught up is left out.
    let visible = store.run(move |conn| profiles::shown_among(conn, &ids)).await?;
    let wanted = Wanted::of(&offer);
    let mut ranked: Vec<Ranked> = visible.into_iter().map(|profile| wanted.rank(profile, workplace)).collect();
    ranked.sort_by(|a, b| {
        b.score.cmp(&a.score).then(a.distance_km.unwrap_or(f64::MAX).total_cmp(&b.distance_km.unwrap_or(f64::MAX)))
    });
    ranked.truncate(usize::try_from(limit).unwrap_or(0));
    // The pool is scored; only the candidates shown get a view, a pseudonym and their reasons.
    let pseudonyms = key.of_organization(caller.principal().organization_id);
    let items: Vec<Candidate> =
        ranked.into_iter().map(|ranked| wanted.candidate(ranked, workplace, &pseudonyms)).collect();
    let accesses =
        items.iter().map(|item| caller.access(item.person_id, JournalSection::Profile, Operation::Read)).collect();
    journal::append_durably(&store, accesses).await?;
    Ok(HttpResponse::Ok().json(CandidatesResponse { offer_id: id, items }))
}

fn checked(query: CandidatesQuery) -> Result<(f64, i64), ApiError> {
    let radius = query.radius_km.unwrap_or(DEFAULT_RADIUS_KM);
    let limit = query.limit.unwrap_or(20);
    let mut errors = Vec::new();
    if !(radius > 0.0 && radius <= MAX_RADIUS_KM) {
        errors.push(FieldError::new(
            "radius_km",
            "radius.range",
            format!("the radius is above 0 and at most {MAX_RADIUS_KM} km"),
        ));
    }
    if !(1..=50).contains(&limit) {
        errors.push(FieldError::new("limit", "limit.range", format!("limit is 1 to 50; got {limit}")));
    }
    if errors.is_empty() {
        return Ok((radius, limit));
    }
    let detail =
        errors.iter().map(|error| format!("{}: {}", error.field, error.message)).collect::<Vec<_>>().join("; ");
    Err(ApiError::new(ErrorCode::InvalidQuery, detail).with_errors(errors))
}

/// Only who publishes the offer (and France Travail) ranks candidates for it, and only while
/// it is open.
fn check_publisher(caller: &Caller, offer: &Offer) -> Result<(), ApiError> {
    let principal = caller.principal();
    let publishes = offer.owner_organization_id == principal.organization_id
        || offer.source_organizations().contains(&principal.organization_id)
        || principal.kind == OrganizationKind::FranceTravail;
    if !publishes {
        return Err(ApiError::new(
            ErrorCode::Forbidden,
            format!("only the organizations publishing offer {} rank candidates for it", offer.id),
        ));
    }
    if offer.status != OfferStatus::Open {
        return Err(ApiError::new(
            ErrorCode::InvalidTransition,
            format!("offer {} is not open: candidates are ranked for open offers only", offer.id),
        ));
    }
    Ok(())
}

/// The profiles seeking the offer's job, nearest the workplace first (newest without one).
fn pool_query(offer: &Offer, workplace: Option<Place>, radius_km: f64) -> Query {
    let mut filters =
        vec![Filter::AnyOf { field: ROME_CODE, values: vec![offer.fields.rome_code.as_str().to_owned()] }];
    let circle = workplace.map(|place| Circle {
        latitude_field: LATITUDE,
        longitude_field: LONGITUDE,
        latitude: place.latitude,
        longitude: place.longitude,
        radius_km,
    });
    filters.extend(circle.map(Filter::Within));
    let sort = circle.map_or(Sort::Greatest(UPDATED_AT), Sort::Nearest);
    Query { text: None, filters, sort, offset: 0, limit: POOL, facets: Vec::new() }
}

/// What the offer asks, as each profile of the pool is compared with it: its skills folded once
/// per request, not once per profile.
struct Wanted<'a> {
    rome: &'a str,
    skills: &'a [String],
    /// `skills`, each as compared.
    comparable_skills: Vec<String>,
}

/// A profile of the pool, scored: what its reasons are made of, should it be shown.
struct Ranked {
    profile: ShownProfile,
    /// How many of the jobs sought are the offer's.
    jobs_matched: usize,
    /// For each of the offer's skills, whether the candidate lists it.
    skills_held: Vec<bool>,
    distance_km: Option<f64>,
    score: u32,
}

impl Wanted<'_> {
    fn of(offer: &Offer) -> Wanted<'_> {
        Wanted {
            rome: offer.fields.rome_code.as_str(),
            skills: &offer.fields.skills,
            comparable_skills: offer.fields.skills.iter().map(|skill| comparable(skill)).collect(),
        }
    }

    /// The candidate's score: 50 for the job, 30 × the share of the offer's skills the
    /// candidate lists (30 when the offer lists none), 20 × nearness within the radius (10 when
    /// a distance is unknown).
    fn rank(&self, profile: ShownProfile, workplace: Option<Place>) -> Ranked {
        let fields = &profile.fields;
        let jobs_matched = fields.target_jobs.iter().filter(|job| job.rome.as_str() == self.rome).count();
        let held: Vec<String> = fields.skills.iter().map(|skill| comparable(skill)).collect();
        let skills_held: Vec<bool> = self.comparable_skills.iter().map(|skill| held.contains(skill)).collect();
        let shared = skills_held.iter().filter(|held| **held).count();
        let distance_km = recruiter_view::distance_km(fields, workplace);
        let radius = f64::from(fields.mobility_radius_km).max(DEFAULT_RADIUS_KM);
        let score = score_of(jobs_matched > 0, shared, self.skills.len(), distance_km, radius);
        Ranked { profile, jobs_matched, skills_held, distance_km, score }
    }

    /// A candidate shown: the recruiter's view of the profile, its score and its reasons.
    fn candidate(&self, ranked: Ranked, workplace: Option<Place>, pseudonyms: &OrganizationPseudonyms) -> Candidate {
        let person_id = ranked.profile.person_id;
        let (mut skills_shared, mut skills_missing) = (Vec::new(), Vec::new());
        for (skill, held) in self.skills.iter().zip(&ranked.skills_held) {
            let reasons = if *held { &mut skills_shared } else { &mut skills_missing };
            reasons.push(skill.clone());
        }
        Candidate {
            person_id,
            profile: RecruiterProfile::of(&ranked.profile.fields, pseudonyms.pseudonym(person_id), workplace),
            score: ranked.score,
            reasons: MatchReasons {
                jobs_matched: vec![self.rome.to_owned(); ranked.jobs_matched],
                skills_shared,
                skills_missing,
                distance_km: ranked.distance_km,
            },
        }
    }
}

/// The score of a match, 0 to 100: 50 for the job, 30 × the share of the offer's skills held
/// (30 when the offer lists none), 20 × nearness within `radius_km` (10 when the distance is
/// unknown). One formula for both directions of the matching.
pub(crate) fn score_of(job: bool, shared: usize, wanted: usize, distance_km: Option<f64>, radius_km: f64) -> u32 {
    let skills_points = match wanted {
        0 => 30.0,
        wanted => 30.0 * shared as f64 / wanted as f64,
    };
    let near_points = distance_km.map_or(10.0, |distance| 20.0 * (1.0 - (distance / radius_km).min(1.0)));
    let job_points = if job { 50.0 } else { 0.0 };
    (job_points + skills_points + near_points).round().clamp(0.0, 100.0) as u32
}

/// A skill as compared: uppercase, accents folded, spaces trimmed.
pub(crate) fn comparable(skill: &str) -> String {
    plateforme_model::person::names::normalize(skill)
}
