//! Who a person is (état civil), and the keys that find them again.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::names;
use crate::codes::CommuneCode;
use crate::validation::{FieldError, ValidationErrors};

/// Identity (état civil).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"family_name": "Martin", "given_names": "Léa Marie", "birth_date": "2006-03-14",
    "birth_commune": "69123", "birth_country": "FR"}))]
pub struct Identity {
    /// Family name (nom de naissance), 1 to 100 characters (rule `name.too_long`), holding at
    /// least one letter or digit (rule `name.empty`).
    #[schema(min_length = 1, max_length = 100, pattern = r"\S")]
    pub family_name: String,
    /// Given names (prénoms), space-separated, 1 to 200 characters (rule `name.too_long`),
    /// holding at least one letter or digit (rule `name.empty`).
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    pub given_names: String,
    /// Birth date (date de naissance), not in the future (rule `birth_date.future`) and at most
    /// 120 years ago (rule `birth_date.implausible`).
    #[serde(deserialize_with = "crate::date::strict")]
    pub birth_date: NaiveDate,
    /// INSEE code of the birth commune (commune de naissance), for people born in France. Give
    /// it or the birth country (rule `birth_place.required`).
    #[serde(default)]
    pub birth_commune: Option<CommuneCode>,
    /// ISO 3166-1 alpha-2 code of the birth country (pays de naissance); `FR` for France, and
    /// only `FR` with a birth commune (rules `birth_country.format`, `birth_place.inconsistent`).
    #[serde(default)]
    #[schema(example = "FR", pattern = "^[A-Z]{2}$")]
    pub birth_country: Option<String>,
}

impl Identity {
    /// Checks the identity as of `today`.
    pub fn check(&self, today: NaiveDate, errors: &mut ValidationErrors) {
        check_name("identity.family_name", &self.family_name, 100, errors);
        check_name("identity.given_names", &self.given_names, 200, errors);
        if self.birth_date > today {
            errors.push(FieldError::new(
                "identity.birth_date",
                "birth_date.future",
                format!("the birth date {} is in the future", self.birth_date),
            ));
        } else if age_on(self.birth_date, today) > 120 {
            errors.push(FieldError::new(
                "identity.birth_date",
                "birth_date.implausible",
                "the person would be over 120",
            ));
        }
        match (&self.birth_commune, self.birth_country.as_deref()) {
            (None, None) => errors.push(FieldError::new(
                "identity.birth_commune",
                "birth_place.required",
                "give the birth commune (born in France) or the birth country",
            )),
            (Some(_), Some(country)) if country != "FR" => errors.push(FieldError::new(
                "identity.birth_country",
                "birth_place.inconsistent",
                format!("a birth commune is given, so the birth country is FR, not {country}"),
            )),
            (_, Some(country)) if !(country.len() == 2 && country.bytes().all(|b| b.is_ascii_uppercase())) => errors
                .push(FieldError::new(
                    "identity.birth_country",
                    "birth_country.format",
                    format!("{country:?} is not an ISO 3166-1 alpha-2 code such as FR"),
                )),
            _ => {}
        }
    }

    /// Family name, first given name and birth date: what two registrations of the same
    /// person always share.
    pub fn match_key(&self) -> String {
        format!(
            "{}|{}|{}",
            names::normalize(&self.family_name),
            names::first_given_name(&self.given_names),
            self.birth_date
        )
    }

    /// The match key and the birth place: unique in the network.
    pub fn identity_key(&self) -> String {
        let place = match (&self.birth_commune, &self.birth_country) {
            (Some(commune), _) => commune.to_string(),
            (None, Some(country)) => country.clone(),
            (None, None) => String::new(),
        };
        format!("{}|{place}", self.match_key())
    }
}

/// Full years between two dates.
pub fn age_on(birth_date: NaiveDate, day: NaiveDate) -> u32 {
    day.years_since(birth_date).unwrap_or(0)
}

fn check_name(field: &str, value: &str, max: usize, errors: &mut ValidationErrors) {
    let length = value.trim().chars().count();
    if length == 0 || names::normalize(value).is_empty() {
        errors.push(FieldError::new(field, "name.empty", format!("{field} must contain letters")));
    } else if length > max {
        errors.push(FieldError::new(field, "name.too_long", format!("{field} has {length} characters; at most {max}")));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn identity() -> Identity {
        Identity {
            family_name: "Lefèvre".into(),
            given_names: "Léa Marie".into(),
            birth_date: NaiveDate::from_ymd_opt(2006, 3, 14).expect("date"),
            birth_commune: Some(CommuneCode::parse("69123").expect("commune")),
            birth_country: None,
        }
    }

    fn rules(identity: &Identity) -> Vec<String> {
        let mut errors = ValidationErrors::new();
        identity.check(NaiveDate::from_ymd_opt(2026, 11, 24).expect("date"), &mut errors);
        errors.into_vec().into_iter().map(|error| error.rule).collect()
    }

    #[test]
    fn keys_ignore_spelling_and_extra_given_names() {
        let other = Identity { family_name: "LEFEVRE".into(), given_names: "lea".into(), ..identity() };
        assert_eq!(identity().match_key(), other.match_key());
        assert_eq!(identity().identity_key(), "LEFEVRE|LEA|2006-03-14|69123");
    }

    #[test]
    fn each_rule_is_named() {
        assert!(rules(&identity()).is_empty());
        let future = Identity { birth_date: NaiveDate::from_ymd_opt(2030, 1, 1).expect("date"), ..identity() };
        assert_eq!(rules(&future), ["birth_date.future"]);
        assert_eq!(rules(&Identity { birth_commune: None, ..identity() }), ["birth_place.required"]);
        assert_eq!(rules(&Identity { birth_country: Some("DZ".into()), ..identity() }), ["birth_place.inconsistent"]);
        let abroad = Identity { birth_commune: None, birth_country: Some("dz".into()), ..identity() };
        assert_eq!(rules(&abroad), ["birth_country.format"]);
        assert_eq!(rules(&Identity { family_name: " - ".into(), ..identity() }), ["name.empty"]);
    }
}
