//! From a publication as sent to what the store writes: the rules that need the referentials
//! (the ROME code, the commune and the NAF code must exist) and the workplace placed on the map.

use plateforme_model::offer::{OfferLocation, Publication};
use plateforme_model::{FieldError, Validate, ValidationErrors};
use plateforme_store::offers::publish::Submission;

/// Checks a publication and places its workplace; every broken rule is reported at once.
pub fn prepare(publication: Publication) -> Result<Submission, Vec<FieldError>> {
    let mut errors = publication.validate().err().unwrap_or_default();
    let offer = &publication.offer;
    if plateforme_reference_data::rome(offer.rome_code.as_str()).is_none() {
        errors.push(FieldError::new(
            "offer.rome_code",
            "rome.unknown",
            format!("{} is not a ROME 4.0 code (see /v1/referentials/rome)", offer.rome_code),
        ));
    }
    let commune = plateforme_reference_data::commune(offer.workplace.commune.as_str());
    if commune.is_none() {
        errors.push(FieldError::new(
            "offer.workplace.commune",
            "commune.unknown",
            format!("{} is not a current commune code (see /v1/referentials/communes)", offer.workplace.commune),
        ));
    }
    check_naf(&publication, &mut errors);
    let Some(commune) = commune.filter(|_| errors.is_empty()) else { return Err(errors.into_vec()) };
    let given = offer.workplace.point();
    let location = OfferLocation {
        commune_name: commune.name.clone(),
        departement: commune.departement.clone(),
        region: commune.region.clone(),
        latitude: given.map(|(latitude, _)| latitude).or(commune.latitude),
        longitude: given.map(|(_, longitude)| longitude).or(commune.longitude),
        precise: given.is_some(),
    };
    Ok(Submission { source: publication.source, fields: publication.offer, location })
}

fn check_naf(publication: &Publication, errors: &mut ValidationErrors) {
    let Some(naf) = &publication.offer.employer.naf else { return };
    if plateforme_reference_data::naf(naf.as_str()).is_none() {
        errors.push(FieldError::new(
            "offer.employer.naf",
            "naf.unknown",
            format!("{naf} is not a NAF rév. 2 sub-class (see /v1/referentials/naf)"),
        ));
    }
}
