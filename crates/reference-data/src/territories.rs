//! The names of the régions and départements (code officiel géographique), and where each
//! département lies: the mean position of its communes — the referential holds no boundary, so a
//! map draws a département as a point there.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use crate::communes::communes;

/// Each département with the form its name takes after "de" (Conseil départemental du Rhône,
/// Cap emploi de l'Ain…).
pub const DEPARTEMENTS: &[(&str, &str)] = &[
    ("01", "de l'Ain"),
    ("02", "de l'Aisne"),
    ("03", "de l'Allier"),
    ("04", "des Alpes-de-Haute-Provence"),
    ("05", "des Hautes-Alpes"),
    ("06", "des Alpes-Maritimes"),
    ("07", "de l'Ardèche"),
    ("08", "des Ardennes"),
    ("09", "de l'Ariège"),
    ("10", "de l'Aube"),
    ("11", "de l'Aude"),
    ("12", "de l'Aveyron"),
    ("13", "des Bouches-du-Rhône"),
    ("14", "du Calvados"),
    ("15", "du Cantal"),
    ("16", "de la Charente"),
    ("17", "de la Charente-Maritime"),
    ("18", "du Cher"),
    ("19", "de la Corrèze"),
    ("2A", "de la Corse-du-Sud"),
    ("2B", "de la Haute-Corse"),
    ("21", "de la Côte-d'Or"),
    ("22", "des Côtes-d'Armor"),
    ("23", "de la Creuse"),
    ("24", "de la Dordogne"),
    ("25", "du Doubs"),
    ("26", "de la Drôme"),
    ("27", "de l'Eure"),
    ("28", "d'Eure-et-Loir"),
    ("29", "du Finistère"),
    ("30", "du Gard"),
    ("31", "de la Haute-Garonne"),
    ("32", "du Gers"),
    ("33", "de la Gironde"),
    ("34", "de l'Hérault"),
    ("35", "d'Ille-et-Vilaine"),
    ("36", "de l'Indre"),
    ("37", "d'Indre-et-Loire"),
    ("38", "de l'Isère"),
    ("39", "du Jura"),
    ("40", "des Landes"),
    ("41", "de Loir-et-Cher"),
    ("42", "de la Loire"),
    ("43", "de la Haute-Loire"),
    ("44", "de la Loire-Atlantique"),
    ("45", "du Loiret"),
    ("46", "du Lot"),
    ("47", "de Lot-et-Garonne"),
    ("48", "de la Lozère"),
    ("49", "de Maine-et-Loire"),
    ("50", "de la Manche"),
    ("51", "de la Marne"),
    ("52", "de la Haute-Marne"),
    ("53", "de la Mayenne"),
    ("54", "de Meurthe-et-Moselle"),
    ("55", "de la Meuse"),
    ("56", "du Morbihan"),
    ("57", "de la Moselle"),
    ("58", "de la Nièvre"),
    ("59", "du Nord"),
    ("60", "de l'Oise"),
    ("61", "de l'Orne"),
    ("62", "du Pas-de-Calais"),
    ("63", "du Puy-de-Dôme"),
    ("64", "des Pyrénées-Atlantiques"),
    ("65", "des Hautes-Pyrénées"),
    ("66", "des Pyrénées-Orientales"),
    ("67", "du Bas-Rhin"),
    ("68", "du Haut-Rhin"),
    ("69", "du Rhône"),
    ("70", "de la Haute-Saône"),
    ("71", "de Saône-et-Loire"),
    ("72", "de la Sarthe"),
    ("73", "de la Savoie"),
    ("74", "de la Haute-Savoie"),
    ("75", "de Paris"),
    ("76", "de la Seine-Maritime"),
    ("77", "de Seine-et-Marne"),
    ("78", "des Yvelines"),
    ("79", "des Deux-Sèvres"),
    ("80", "de la Somme"),
    ("81", "du Tarn"),
    ("82", "de Tarn-et-Garonne"),
    ("83", "du Var"),
    ("84", "de Vaucluse"),
    ("85", "de la Vendée"),
    ("86", "de la Vienne"),
    ("87", "de la Haute-Vienne"),
    ("88", "des Vosges"),
    ("89", "de l'Yonne"),
    ("90", "du Territoire de Belfort"),
    ("91", "de l'Essonne"),
    ("92", "des Hauts-de-Seine"),
    ("93", "de la Seine-Saint-Denis"),
    ("94", "du Val-de-Marne"),
    ("95", "du Val-d'Oise"),
    ("971", "de la Guadeloupe"),
    ("972", "de la Martinique"),
    ("973", "de la Guyane"),
    ("974", "de La Réunion"),
    ("976", "de Mayotte"),
];

/// The 18 régions since 2016.
pub const REGIONS: &[(&str, &str)] = &[
    ("01", "Guadeloupe"),
    ("02", "Martinique"),
    ("03", "Guyane"),
    ("04", "La Réunion"),
    ("06", "Mayotte"),
    ("11", "Île-de-France"),
    ("24", "Centre-Val de Loire"),
    ("27", "Bourgogne-Franche-Comté"),
    ("28", "Normandie"),
    ("32", "Hauts-de-France"),
    ("44", "Grand Est"),
    ("52", "Pays de la Loire"),
    ("53", "Bretagne"),
    ("75", "Nouvelle-Aquitaine"),
    ("76", "Occitanie"),
    ("84", "Auvergne-Rhône-Alpes"),
    ("93", "Provence-Alpes-Côte d'Azur"),
    ("94", "Corse"),
];

/// A département's name without its article: "Rhône" for "du Rhône", "Eure-et-Loir" for "d'Eure-et-Loir", "La Réunion" for
/// "de La Réunion".
pub fn departement_name(code: &str) -> Option<&'static str> {
    let (_, after_de) = DEPARTEMENTS.iter().find(|(departement, _)| *departement == code)?;
    ["de la ", "de l'", "d'", "du ", "des ", "de "].iter().find_map(|article| after_de.strip_prefix(article))
}

/// A région's name.
pub fn region_name(code: &str) -> Option<&'static str> {
    REGIONS.iter().find(|(region, _)| *region == code).map(|(_, name)| *name)
}

/// Each département's mean position (latitude, longitude) over its communes that have one.
static CENTRES: LazyLock<BTreeMap<&'static str, (f64, f64)>> = LazyLock::new(|| {
    let mut sums: BTreeMap<&str, (f64, f64, f64)> = BTreeMap::new();
    for commune in communes() {
        let Some((latitude, longitude)) = commune.position() else { continue };
        let sum = sums.entry(commune.departement.as_str()).or_insert((0.0, 0.0, 0.0));
        *sum = (sum.0 + latitude, sum.1 + longitude, sum.2 + 1.0);
    }
    sums.into_iter().map(|(code, (latitude, longitude, count))| (code, (latitude / count, longitude / count))).collect()
});

/// Where a département lies: the mean position of its communes.
pub fn departement_centre(code: &str) -> Option<(f64, f64)> {
    CENTRES.get(code).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_departement_has_a_name_and_a_centre() {
        assert_eq!(DEPARTEMENTS.len(), 101);
        for (code, _) in DEPARTEMENTS {
            assert!(departement_name(code).is_some_and(|name| !name.is_empty()), "{code}");
            assert!(departement_centre(code).is_some(), "{code}");
        }
        assert_eq!(departement_name("69"), Some("Rhône"));
        assert_eq!(departement_name("974"), Some("La Réunion"));
        assert_eq!(region_name("84"), Some("Auvergne-Rhône-Alpes"));
        let (latitude, longitude) = departement_centre("69").expect("the Rhône");
        assert!((45.5..46.3).contains(&latitude) && (4.2..5.2).contains(&longitude), "{latitude} {longitude}");
    }
}
