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
}
