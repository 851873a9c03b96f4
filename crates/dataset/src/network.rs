//! The network's organizations across every département, placed on the real communes: France
//! Travail agencies and missions locales in proportion to the population (about 900 agencies
//! and 440 missions locales nationally), seated in the most populous communes by the
//! D'Hondt method, each covering the communes nearer to its seat than to another's; one Cap
//! emploi and one conseil départemental per département; one conseil régional per région.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use plateforme_model::codes::{CommuneCode, DepartementCode, RegionCode, Siret};
use plateforme_model::organization::{OrganizationFields, OrganizationKind, Territory};
use plateforme_reference_data::territories::{DEPARTEMENTS, REGIONS};
use plateforme_reference_data::{Commune, communes, haversine_km};
use uuid::Uuid;

use super::DatasetError;
use super::rng::{Rng, WeightedTable};

/// France Travail agencies in the whole country (about 900 in 2024).
const NATIONAL_AGENCIES: f64 = 900.0;
/// Missions locales in the whole country (about 440 in 2024).
const NATIONAL_MISSIONS_LOCALES: f64 = 440.0;

/// An organization of the generated network.
#[derive(Debug, Clone)]
pub struct GeneratedOrganization {
    pub id: Uuid,
    pub fields: OrganizationFields,
    pub created_at: DateTime<Utc>,
    /// The commune (an index into `communes()`) of its reception site, if it receives people.
    pub seat: Option<usize>,
}

/// Organizations seated in one commune, and the communes they cover.
#[derive(Debug, Clone, Default)]
struct Seat {
    organizations: Vec<usize>,
}

#[derive(Debug, Clone)]
struct DepartementNetwork {
    departement_org: usize,
    cap_emploi: usize,
    agencies: Vec<Seat>,
    missions_locales: Vec<Seat>,
    /// The département's communes (indexes into `communes()`), weighted by population.
    births: Option<(Vec<usize>, WeightedTable)>,
}

/// Where a commune stands in the network.
#[derive(Debug, Clone, Copy)]
struct CommuneLink {
    departement: usize,
    agency_seat: usize,
    mission_locale_seat: usize,
}

/// The generated network, and the links from each commune to the organizations serving it.
#[derive(Debug)]
pub struct Network {
    pub organizations: Vec<GeneratedOrganization>,
    departements: Vec<DepartementNetwork>,
    /// Indexed like `communes()`; `None` for communes outside the départements (collectivités
    /// d'outre-mer).
    links: Vec<Option<CommuneLink>>,
    /// Communes where people live: populated, with a postal code, in a département.
    residences: WeightedTable,
}

impl Network {
    /// Builds the network; `created_at` dates the organizations (their ids carry it).
    pub fn build(seed: u64, created_at: DateTime<Utc>) -> Result<Network, DatasetError> {
        let mut rng = Rng::new(seed, "organizations");
        let all = communes();
        let departement_names: HashMap<&str, &str> = DEPARTEMENTS.iter().copied().collect();

        // The communes of each département, in INSEE order of the départements.
        let mut by_departement: Vec<(DepartementCode, Vec<usize>)> =
            DepartementCode::all().map(|code| (code, Vec::new())).collect();
        let position: HashMap<String, usize> =
            by_departement.iter().enumerate().map(|(index, (code, _))| (code.to_string(), index)).collect();
        for (index, commune) in all.iter().enumerate() {
            if let Some(&departement) = position.get(&commune.departement) {
                by_departement[departement].1.push(index);
            }
        }
        let national: u64 = by_departement.iter().flat_map(|(_, members)| members).map(|&i| population(&all[i])).sum();
        if national == 0 {
            return Err(DatasetError::Invalid("the communes referential has no population".into()));
        }

        let mut builder = Builder { rng: &mut rng, organizations: Vec::new(), created_at, legal_units: 0 };
        for (region, name) in REGIONS {
            let territory = Territory { regions: vec![region_code(region)?], ..Territory::default() };
            builder.add(OrganizationKind::Region, format!("Région {name}"), territory, None, None)?;
        }
        // All agencies are establishments of one legal unit, France Travail.
        let france_travail = builder.next_legal_unit();
        let mut agency_number = 0u32;
        let mut departements = Vec::with_capacity(by_departement.len());
        let mut links: Vec<Option<CommuneLink>> = vec![None; all.len()];
        for (departement_index, (code, members)) in by_departement.iter().enumerate() {
            let region = RegionCode::of_departement(code);
            let of = departement_names.get(code.as_str()).copied().unwrap_or("");
            let in_departement =
                |communes| Territory { regions: vec![region.clone()], departements: vec![code.clone()], communes };
            let whole = in_departement(Vec::new());
            // The département's services and Cap emploi receive people in its largest town.
            let largest = members.iter().copied().max_by_key(|&i| (population(&all[i]), std::cmp::Reverse(i)));
            let departement_org = builder.add(
                OrganizationKind::Departement,
                format!("Conseil départemental {of}"),
                whole.clone(),
                None,
                largest,
            )?;
            let cap_emploi =
                builder.add(OrganizationKind::CapEmploi, format!("Cap emploi {of}"), whole, None, largest)?;
            let share = members.iter().map(|&i| population(&all[i])).sum::<u64>() as f64 / national as f64;
            let agency_seats = seats(all, members, count(NATIONAL_AGENCIES * share));
            let mission_seats = seats(all, members, count(NATIONAL_MISSIONS_LOCALES * share));
            let agency_of = nearest_seats(all, members, &agency_seats);
            let mission_of = nearest_seats(all, members, &mission_seats);
            for (position, &commune) in members.iter().enumerate() {
                links[commune] = Some(CommuneLink {
                    departement: departement_index,
                    agency_seat: agency_of[position],
                    mission_locale_seat: mission_of[position],
                });
            }
            let covered = |seat_index: usize, of_seat: &[usize]| -> Result<Vec<CommuneCode>, DatasetError> {
                let mut codes: Vec<&str> = members
                    .iter()
                    .zip(of_seat)
                    .filter(|(_, seat)| **seat == seat_index)
                    .map(|(&commune, _)| all[commune].code.as_str())
                    .collect();
                codes.sort_unstable();
                codes.into_iter().map(commune_code).collect()
            };
            let mut agencies = Vec::with_capacity(agency_seats.len());
            for (seat_index, &(commune, how_many)) in agency_seats.iter().enumerate() {
                let territory = in_departement(covered(seat_index, &agency_of)?);
                let next_agency = || {
                    agency_number += 1;
                    Some((france_travail, agency_number))
                };
                let town = &all[commune].name;
                let kind = OrganizationKind::FranceTravail;
                agencies.push(builder.seat(
                    kind,
                    ("France Travail", commune),
                    town,
                    how_many,
                    territory,
                    next_agency,
                )?);
            }
            let mut missions_locales = Vec::with_capacity(mission_seats.len());
            for (seat_index, &(commune, how_many)) in mission_seats.iter().enumerate() {
                let territory = in_departement(covered(seat_index, &mission_of)?);
                let town = &all[commune].name;
                let kind = OrganizationKind::MissionLocale;
                let prefix = ("Mission locale de", commune);
                missions_locales.push(builder.seat(kind, prefix, town, how_many, territory, || None)?);
            }
            let births =
                WeightedTable::new(members.iter().map(|&i| population(&all[i]))).map(|table| (members.clone(), table));
            departements.push(DepartementNetwork { departement_org, cap_emploi, agencies, missions_locales, births });
        }
        let organizations = builder.organizations;
        let residences = WeightedTable::new(all.iter().enumerate().map(|(index, commune)| {
            let lives = links[index].is_some() && !commune.postal_codes.is_empty();
            if lives { population(commune) } else { 0 }
        }))
        .ok_or_else(|| DatasetError::Invalid("no commune to live in".into()))?;
        Ok(Network { organizations, departements, links, residences })
    }

    /// A commune drawn by population: where a person lives (or, later, where an offer is).
    pub fn residence(&self, rng: &mut Rng) -> usize {
        self.residences.draw(rng)
    }

    /// A birth commune: often in the département of residence, otherwise anywhere, by
    /// population.
    pub fn birth_commune(&self, rng: &mut Rng, residence: usize) -> usize {
        if rng.chance(0.45)
            && let Some(link) = self.links[residence]
            && let Some((members, table)) = &self.departements[link.departement].births
        {
            return members[table.draw(rng)];
        }
        self.residences.draw(rng)
    }

    fn link(&self, commune: usize) -> Result<CommuneLink, DatasetError> {
        self.links
            .get(commune)
            .copied()
            .flatten()
            .ok_or_else(|| DatasetError::Invalid(format!("commune #{commune} is outside the network")))
    }

    /// One of the France Travail agencies serving the commune.
    pub fn agency(&self, rng: &mut Rng, commune: usize) -> Result<usize, DatasetError> {
        let link = self.link(commune)?;
        Ok(*rng.pick(&self.departements[link.departement].agencies[link.agency_seat].organizations))
    }

    /// One of the missions locales serving the commune.
    pub fn mission_locale(&self, rng: &mut Rng, commune: usize) -> Result<usize, DatasetError> {
        let link = self.link(commune)?;
        Ok(*rng.pick(&self.departements[link.departement].missions_locales[link.mission_locale_seat].organizations))
    }

    /// The Cap emploi of the commune's département.
    pub fn cap_emploi(&self, commune: usize) -> Result<usize, DatasetError> {
        Ok(self.departements[self.link(commune)?.departement].cap_emploi)
    }

    /// The conseil départemental of the commune's département.
    pub fn departement(&self, commune: usize) -> Result<usize, DatasetError> {
        Ok(self.departements[self.link(commune)?.departement].departement_org)
    }

    pub fn id(&self, organization: usize) -> Uuid {
        self.organizations[organization].id
    }

    pub fn kind(&self, organization: usize) -> OrganizationKind {
        self.organizations[organization].fields.kind
    }
}

/// Creates the organizations in order, with ids and SIRETs that depend only on that order.
struct Builder<'a> {
    rng: &'a mut Rng,
    organizations: Vec<GeneratedOrganization>,
    created_at: DateTime<Utc>,
    legal_units: u32,
}

impl Builder<'_> {
    /// The organizations of `kind` seated in one town (the commune `seat`), all covering
    /// `territory`: named "{prefix} {town}", numbered when the town has more than one;
    /// `establishment` gives each its legal unit and establishment number (`None`: a legal unit
    /// of its own).
    fn seat(
        &mut self,
        kind: OrganizationKind,
        (prefix, commune): (&str, usize),
        town: &str,
        how_many: usize,
        territory: Territory,
        mut establishment: impl FnMut() -> Option<(u32, u32)>,
    ) -> Result<Seat, DatasetError> {
        let mut seat = Seat::default();
        for number in 1..=how_many {
            let name = if how_many > 1 { format!("{prefix} {town} {number}") } else { format!("{prefix} {town}") };
            seat.organizations.push(self.add(kind, name, territory.clone(), establishment(), Some(commune))?);
        }
        Ok(seat)
    }

    fn next_legal_unit(&mut self) -> u32 {
        self.legal_units += 1;
        self.legal_units
    }

    /// Adds an organization; `establishment` is (legal unit, establishment number) for the
    /// establishments of a shared legal unit, else the organization is a legal unit of its own.
    fn add(
        &mut self,
        kind: OrganizationKind,
        name: String,
        territory: Territory,
        establishment: Option<(u32, u32)>,
        seat: Option<usize>,
    ) -> Result<usize, DatasetError> {
        let (unit, number) = match establishment {
            Some(pair) => pair,
            None => (self.next_legal_unit(), 1),
        };
        let index = self.organizations.len();
        // One millisecond apart: ids sort in creation order.
        let created_at = self.created_at + chrono::Duration::milliseconds(index as i64);
        let id = self.rng.uuid_v7(created_at.timestamp_millis());
        let siret = siret(DATASET_SIRENS, unit, number)?;
        self.organizations.push(GeneratedOrganization {
            id,
            fields: OrganizationFields { kind, name, siret, territory },
            created_at,
            seat,
        });
        Ok(index)
    }
}

/// The first digit of the SIRENs the dataset generates (organizations and offers' employers):
/// apart from the demo data's (9…) and the benchmark's imported employers (7…).
pub const DATASET_SIRENS: u8 = 8;

/// A SIRET that passes the Luhn check, as does its SIREN: SIREN `series` + 7 digits of the
/// legal unit (modulo 10^7) + key, then NIC of 4 digits of the establishment (modulo 10^4) +
/// key. Each generator has its own `series`, so that their employers never meet by chance.
pub fn siret(series: u8, unit: u32, establishment: u32) -> Result<Siret, DatasetError> {
    let (unit, establishment) = (unit % 10_000_000, establishment % 10_000);
    Siret::with_keys(&format!("{series}{unit:07}"), &format!("{establishment:04}"))
        .map_err(|error| DatasetError::Invalid(format!("generated SIRET of unit {unit}: {error}")))
}

fn population(commune: &Commune) -> u64 {
    commune.population.unwrap_or(0)
}

/// At least one of each per département.
fn count(exact: f64) -> usize {
    (exact.round() as usize).max(1)
}

/// `total` seats shared among the département's most populous communes by the D'Hondt method:
/// (commune index, seats), most populous first.
fn seats(all: &[Commune], members: &[usize], total: usize) -> Vec<(usize, usize)> {
    let mut candidates: Vec<usize> = members.to_vec();
    candidates.sort_by(|a, b| population(&all[*b]).cmp(&population(&all[*a])).then_with(|| a.cmp(b)));
    candidates.truncate(total);
    if candidates.is_empty() {
        return Vec::new();
    }
    let mut won = vec![0usize; candidates.len()];
    for _ in 0..total {
        let mut best = 0;
        for index in 1..candidates.len() {
            let quotient = |i: usize| population(&all[candidates[i]]) as f64 / (won[i] + 1) as f64;
            if quotient(index) > quotient(best) {
                best = index;
            }
        }
        won[best] += 1;
    }
    candidates.into_iter().zip(won).filter(|(_, seats)| *seats > 0).collect()
}

/// For each member commune, its own seat or the seat nearest to it (the first seat when
/// either has no position).
fn nearest_seats(all: &[Commune], members: &[usize], seats: &[(usize, usize)]) -> Vec<usize> {
    members
        .iter()
        .map(|&commune| {
            // A seat covers at least its own commune, with or without a position.
            if let Some(own) = seats.iter().position(|&(seat, _)| seat == commune) {
                return own;
            }
            let here = &all[commune];
            let mut best = (0, f64::INFINITY);
            for (index, &(seat, _)) in seats.iter().enumerate() {
                let there = &all[seat];
                if let (Some(lat_a), Some(lon_a), Some(lat_b), Some(lon_b)) =
                    (here.latitude, here.longitude, there.latitude, there.longitude)
                {
                    let distance = haversine_km(lat_a, lon_a, lat_b, lon_b);
                    if distance < best.1 {
                        best = (index, distance);
                    }
                }
            }
            best.0
        })
        .collect()
}

fn region_code(code: &str) -> Result<RegionCode, DatasetError> {
    RegionCode::parse(code).map_err(|error| DatasetError::Invalid(error.to_string()))
}

fn commune_code(code: &str) -> Result<CommuneCode, DatasetError> {
    CommuneCode::parse(code).map_err(|error| DatasetError::Invalid(error.to_string()))
}

#[cfg(test)]
mod tests {
    use plateforme_model::Validate;

    use super::*;

    fn network() -> Network {
        let created_at = DateTime::parse_from_rfc3339("2022-01-01T00:00:00Z").expect("date").to_utc();
        Network::build(1, created_at).expect("the network builds")
    }

    #[test]
    fn every_departement_has_its_network_and_every_organization_is_valid() {
        let network = network();
        let count = |kind| network.organizations.iter().filter(|o| o.fields.kind == kind).count();
        let departements = DepartementCode::all().count();
        assert_eq!(count(OrganizationKind::Region), 18);
        assert_eq!(count(OrganizationKind::Departement), departements);
        assert_eq!(count(OrganizationKind::CapEmploi), departements);
        let agencies = count(OrganizationKind::FranceTravail);
        let missions = count(OrganizationKind::MissionLocale);
        assert!((880..=980).contains(&agencies), "{agencies} agencies");
        assert!((420..=520).contains(&missions), "{missions} missions locales");
        let mut sirets = std::collections::HashSet::new();
        for organization in &network.organizations {
            organization.fields.validate().unwrap_or_else(|e| panic!("{}: {e:?}", organization.fields.name));
            assert!(sirets.insert(organization.fields.siret.clone()), "{} twice", organization.fields.siret);
        }
        assert!(network.organizations.windows(2).all(|w| w[0].id < w[1].id), "ids in creation order");
        // Every agency and mission locale covers at least its own seat.
        assert!(
            network
                .organizations
                .iter()
                .all(|o| !matches!(o.fields.kind, OrganizationKind::FranceTravail | OrganizationKind::MissionLocale)
                    || !o.fields.territory.communes.is_empty())
        );
    }

    #[test]
    fn people_are_served_where_they_live() {
        let network = network();
        let mut rng = Rng::new(3, "test");
        for _ in 0..2_000 {
            let commune = network.residence(&mut rng);
            let code = &communes()[commune].code;
            let agency = &network.organizations[network.agency(&mut rng, commune).expect("agency")];
            assert!(agency.fields.territory.communes.iter().any(|c| c.as_str() == code), "{code}");
            let mission = &network.organizations[network.mission_locale(&mut rng, commune).expect("ml")];
            assert!(mission.fields.territory.communes.iter().any(|c| c.as_str() == code), "{code}");
            let departement = &network.organizations[network.departement(commune).expect("département")];
            assert_eq!(departement.fields.territory.departements[0].as_str(), communes()[commune].departement);
        }
    }

    #[test]
    fn sirets_pass_the_luhn_check() {
        for series in [7, DATASET_SIRENS] {
            for unit in [0, 1, 2, 999, 1_234_567, 9_999_999, 12_345_678] {
                for establishment in [1, 2, 950, 9_000, 10_001] {
                    let siret = siret(series, unit, establishment).expect("valid").to_string();
                    assert_eq!(siret.len(), 14, "{siret}");
                    assert!(siret.starts_with(&series.to_string()), "{siret}");
                    assert_eq!(Siret::luhn_key(&siret[..8]), u32::from(siret.as_bytes()[8] - b'0'), "SIREN {siret}");
                }
            }
        }
        assert!(siret(10, 1, 1).is_err(), "a series is one digit");
    }
}
