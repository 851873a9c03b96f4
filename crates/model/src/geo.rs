//! Distances on the Earth's surface.

/// Great-circle distance in kilometres between two WGS 84 positions given in degrees
/// (haversine, mean Earth radius).
pub fn haversine_km(lat_a: f64, lon_a: f64, lat_b: f64, lon_b: f64) -> f64 {
    const EARTH_RADIUS_KM: f64 = 6371.0088;
    let (phi_a, phi_b) = (lat_a.to_radians(), lat_b.to_radians());
    let half_phi = (phi_b - phi_a) / 2.0;
    let half_lambda = (lon_b - lon_a).to_radians() / 2.0;
    let h = half_phi.sin().powi(2) + phi_a.cos() * phi_b.cos() * half_lambda.sin().powi(2);
    2.0 * EARTH_RADIUS_KM * h.sqrt().min(1.0).asin()
}
