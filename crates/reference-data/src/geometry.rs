//! Distances on the Earth's surface, between communes or positions.

use crate::communes::Commune;

/// Great-circle distance in kilometres between two communes' positions (haversine, mean
/// Earth radius); `None` when either has no position.
pub fn distance_km(a: &Commune, b: &Commune) -> Option<f64> {
    let (lat_a, lon_a) = a.position()?;
    let (lat_b, lon_b) = b.position()?;
    Some(haversine_km(lat_a, lon_a, lat_b, lon_b))
}

pub use plateforme_model::geo::haversine_km;

/// Kilometres per degree of latitude (and of longitude at the equator).
const KM_PER_DEGREE: f64 = 111.195;

/// The latitudes and longitudes (each a closed range, in degrees) of a box that holds every
/// position within `radius_km` of the point: what a search reads through an index before it
/// measures each candidate's distance.
pub fn bounding_box(latitude: f64, longitude: f64, radius_km: f64) -> ((f64, f64), (f64, f64)) {
    let latitude_span = radius_km / KM_PER_DEGREE;
    let cosine = latitude.to_radians().cos().max(0.01);
    let longitude_span = radius_km / (KM_PER_DEGREE * cosine);
    ((latitude - latitude_span, latitude + latitude_span), (longitude - longitude_span, longitude + longitude_span))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commune;

    #[test]
    fn distances() {
        let lyon = commune("69123").unwrap();
        let villeurbanne = commune("69266").unwrap();
        let marseille = commune("13055").unwrap();
        assert!(distance_km(lyon, villeurbanne).unwrap() < 10.0);
        assert!(distance_km(lyon, marseille).unwrap() > 250.0);
        assert_eq!(distance_km(lyon, lyon), Some(0.0));
        let paris = commune("75056").unwrap();
        let paris_lyon = distance_km(paris, lyon).unwrap();
        assert!((385.0..400.0).contains(&paris_lyon), "{paris_lyon}");
    }

    #[test]
    fn the_box_holds_the_circle() {
        let (lat, lon) = commune("69123").unwrap().position().unwrap();
        let ((south, north), (west, east)) = bounding_box(lat, lon, 5.0);
        for (dlat, dlon) in [(north, lon), (south, lon), (lat, east), (lat, west)] {
            let edge = haversine_km(lat, lon, dlat, dlon);
            assert!((4.9..5.2).contains(&edge), "{edge}");
        }
    }
}
