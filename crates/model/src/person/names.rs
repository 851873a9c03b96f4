//! Names as the network matches them: the same person is written "Lefèvre-Dupont", "LEFEVRE
//! DUPONT" or "lefevre  dupont" by different organizations; all normalize to `LEFEVRE DUPONT`.

/// Uppercase ASCII letters, digits and single spaces: accents folded, hyphens and
/// apostrophes read as spaces, everything else dropped.
pub fn normalize(name: &str) -> String {
    let mut folded = String::with_capacity(name.len());
    for character in name.chars() {
        match fold(character) {
            Some(replacement) => folded.push_str(replacement),
            None if character.is_ascii_alphanumeric() => folded.push(character.to_ascii_uppercase()),
            // Letters of other scripts (Cyrillic, Arabic, Vietnamese…) are kept, uppercased:
            // dropping them would make some names empty and others collide.
            None if character.is_alphabetic() => folded.extend(character.to_uppercase()),
            None if character.is_whitespace() || "-'’‐‑–—".contains(character) => folded.push(' '),
            None => {}
        }
    }
    folded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The first given name, normalized: registrations differ in how many given names they carry.
pub fn first_given_name(given_names: &str) -> String {
    normalize(given_names).split(' ').next().unwrap_or_default().to_owned()
}

fn fold(character: char) -> Option<&'static str> {
    Some(match character {
        'à' | 'â' | 'ä' | 'á' | 'ã' | 'å' | 'À' | 'Â' | 'Ä' | 'Á' | 'Ã' | 'Å' => "A",
        'ç' | 'Ç' => "C",
        'é' | 'è' | 'ê' | 'ë' | 'É' | 'È' | 'Ê' | 'Ë' => "E",
        'î' | 'ï' | 'í' | 'ì' | 'Î' | 'Ï' | 'Í' | 'Ì' => "I",
        'ô' | 'ö' | 'ó' | 'ò' | 'õ' | 'Ô' | 'Ö' | 'Ó' | 'Ò' | 'Õ' => "O",
        'ù' | 'û' | 'ü' | 'ú' | 'Ù' | 'Û' | 'Ü' | 'Ú' => "U",
        'ÿ' | 'ý' | 'Ÿ' | 'Ý' => "Y",
        'ñ' | 'Ñ' => "N",
        'œ' | 'Œ' => "OE",
        'æ' | 'Æ' => "AE",
        'ß' => "SS",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_of_one_name_agree() {
        for spelling in ["Lefèvre-Dupont", "LEFEVRE DUPONT", "  lefevre   dupont ", "Lefèvre–Dupont", "l'efevre dupont"]
        {
            let expected = if spelling.contains('\'') { "L EFEVRE DUPONT" } else { "LEFEVRE DUPONT" };
            assert_eq!(normalize(spelling), expected, "{spelling}");
        }
        assert_eq!(normalize("Œdipe Çà"), "OEDIPE CA");
        assert_eq!(first_given_name("Marie-Hélène Louise"), "MARIE");
        assert_eq!(normalize("Иванова"), "ИВАНОВА");
        assert_eq!(normalize("Nguyễn"), "NGUYỄN");
    }
}
