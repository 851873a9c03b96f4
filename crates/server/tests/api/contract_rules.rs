//! The contract states the rules the server enforces (issue 20, defect 7): a client generated
//! from `openapi.json` alone learns the codes' patterns, the search's ranges and exclusive
//! parameters, and the NDJSON batch's line schema. The parsers' side of each code's pattern is
//! held by the model's unit tests; these check that the contract carries them.

use plateforme_server::openapi;
use serde_json::Value;

fn contract() -> Value {
    serde_json::from_str(&openapi::to_json(&openapi::document()).expect("serialize")).expect("parse")
}

#[test]
fn every_code_states_its_pattern_and_length() {
    let contract = contract();
    let codes = ["CommuneCode", "DepartementCode", "RegionCode", "PostalCode", "RomeCode", "NafCode", "Siret", "Phone"];
    for code in codes {
        let schema = &contract["components"]["schemas"][code];
        assert!(schema["pattern"].as_str().is_some_and(|p| p.starts_with('^') && p.ends_with('$')), "{code}");
        assert!(schema["minLength"].is_u64() && schema["maxLength"].is_u64(), "{code}: {schema}");
    }
    assert_eq!(contract["components"]["schemas"]["Email"]["maxLength"], 254);
    let siret = contract["components"]["schemas"]["Siret"]["description"].as_str().unwrap_or("");
    assert!(siret.contains("Luhn"), "the SIRET's key is stated: {siret}");
}

fn search_parameter(contract: &Value, name: &str) -> Value {
    let parameters = contract["paths"]["/v1/offers"]["get"]["parameters"].as_array().cloned().unwrap_or_default();
    parameters.into_iter().find(|parameter| parameter["name"] == name).unwrap_or_else(|| panic!("no {name}"))
}

#[test]
fn the_search_states_its_ranges_and_exclusive_centres() {
    let contract = contract();
    let bounds = |name: &str| {
        let schema = search_parameter(&contract, name)["schema"].clone();
        (schema["minimum"].as_f64().or(schema["exclusiveMinimum"].as_f64()), schema["maximum"].as_f64())
    };
    assert_eq!(bounds("latitude"), (Some(-90.0), Some(90.0)));
    assert_eq!(bounds("longitude"), (Some(-180.0), Some(180.0)));
    assert_eq!(bounds("radius_km"), (Some(0.0), Some(200.0)));
    assert_eq!(bounds("min_quality"), (Some(0.0), Some(100.0)));
    assert_eq!(bounds("limit"), (Some(1.0), Some(100.0)));
    let says = |name: &str, other: &str| {
        let description = search_parameter(&contract, name)["description"].as_str().unwrap_or("").to_owned();
        assert!(description.contains(&format!("Not with `{other}`")), "{name}: {description}");
    };
    says("near_commune", "latitude");
    says("latitude", "near_commune");
    says("longitude", "near_commune");
}

#[test]
fn each_line_of_a_batch_is_a_publication() {
    let contract = contract();
    let body = &contract["paths"]["/v1/offers/batch"]["post"]["requestBody"]["content"]["application/x-ndjson"];
    assert_eq!(body["schema"]["type"], "array");
    assert_eq!(body["schema"]["items"]["$ref"], "#/components/schemas/Publication");
}

/// Every rule the server's code answers with is named in the contract: the rule of each
/// `FieldError::new(field, "rule", …)` and `CodeError::new("rule", …)` written in the crates'
/// sources (outside their tests). A rule built at run time (`format!("{rule}.empty")`, a
/// constant) is not seen here; the contract fuzzer meets those.
#[test]
fn every_rule_of_the_code_is_named_in_the_contract() {
    let text = contract().to_string();
    let crates = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut rules = std::collections::BTreeSet::new();
    for source in rust_sources(&crates) {
        let code = std::fs::read_to_string(&source).unwrap_or_default();
        let code = code.split("#[cfg(test)]").next().unwrap_or_default();
        rules.extend(rule_literals(code).into_iter().map(|rule| (rule, source.display().to_string())));
    }
    assert!(rules.len() > 100, "the scan finds the rules: {}", rules.len());
    let unnamed: Vec<String> = rules
        .into_iter()
        .filter(|(rule, _)| !text.contains(&format!("`{rule}`")) && !NOT_FROM_REQUESTS.contains(&rule.as_str()))
        .map(|(rule, source)| format!("{rule} ({source})"))
        .collect();
    assert!(unnamed.is_empty(), "rules the contract does not name:\n{}", unnamed.join("\n"));
}

/// Rules of values no request carries: a NIR's keyed hash is read from the database only.
const NOT_FROM_REQUESTS: &[&str] = &["nir_hash.format"];

/// The `.rs` files under `crates/*/src`.
fn rust_sources(crates: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut pending: Vec<std::path::PathBuf> =
        std::fs::read_dir(crates).into_iter().flatten().flatten().map(|entry| entry.path().join("src")).collect();
    let mut sources = Vec::new();
    while let Some(path) = pending.pop() {
        if path.is_dir() {
            pending.extend(std::fs::read_dir(&path).into_iter().flatten().flatten().map(|entry| entry.path()));
        } else if path.extension().is_some_and(|extension| extension == "rs") {
            sources.push(path);
        }
    }
    sources
}

/// The literal rules of `FieldError::new(field, "rule", …)` (the second argument) and
/// `CodeError::new("rule", …)` (the first) in `code`.
fn rule_literals(code: &str) -> Vec<String> {
    let mut rules = Vec::new();
    for (call, skipped) in [("FieldError::new(", 1), ("CodeError::new(", 0)] {
        for (start, _) in code.match_indices(call) {
            let arguments = &code[start + call.len()..];
            let Some(argument) = nth_argument(arguments, skipped) else { continue };
            let argument = argument.trim();
            if let Some(rule) = argument.strip_prefix('"').and_then(|rest| rest.strip_suffix('"')) {
                rules.push(rule.to_owned());
            }
        }
    }
    rules
}

/// The `n`th top-level argument of a call whose arguments start `arguments`.
fn nth_argument(arguments: &str, n: usize) -> Option<&str> {
    let (mut depth, mut index, mut start, mut quoted) = (0usize, 0usize, 0usize, false);
    for (position, character) in arguments.char_indices() {
        match character {
            '"' => quoted = !quoted,
            _ if quoted => {}
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' if depth == 0 => return (index == n).then(|| &arguments[start..position]),
            ')' | ']' | '}' => depth -= 1,
            ',' if depth == 0 => {
                if index == n {
                    return Some(&arguments[start..position]);
                }
                index += 1;
                start = position + 1;
            }
            _ => {}
        }
    }
    None
}

#[test]
fn a_client_registration_lists_the_grantable_scopes() {
    let contract = contract();
    let declared = contract["components"]["securitySchemes"]["oauth2"]["flows"]["clientCredentials"]["scopes"]
        .as_object()
        .map(|scopes| scopes.keys().filter(|scope| *scope != "me").cloned().collect::<Vec<_>>())
        .unwrap_or_default();
    let scopes = &contract["components"]["schemas"]["ClientRegistration"]["properties"]["scopes"];
    let mut grantable: Vec<String> = scopes["items"]["enum"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|s| s.as_str().map(str::to_owned))
        .collect();
    grantable.sort();
    let mut declared = declared;
    declared.sort();
    assert_eq!(grantable, declared);
    assert_eq!(scopes["minItems"], 1);
    let client_id = &contract["components"]["schemas"]["ClientRegistration"]["properties"]["client_id"];
    assert_eq!(client_id["maxLength"], 64, "{client_id}");
}

#[test]
fn the_search_lists_carry_their_codes_patterns() {
    let contract = contract();
    for (name, code) in
        [("rome", "RomeCode"), ("commune", "CommuneCode"), ("departement", "DepartementCode"), ("region", "RegionCode")]
    {
        let list = search_parameter(&contract, name)["schema"]["pattern"].as_str().unwrap_or("").to_owned();
        let item = contract["components"]["schemas"][code]["pattern"].as_str().unwrap_or("");
        let item = item.trim_start_matches('^').trim_end_matches('$');
        assert!(list.starts_with(&format!("^(?:{item})(?:,")) && list.ends_with("{0,19}$"), "{name}: {list}");
    }
    let kinds = search_parameter(&contract, "contract_type")["schema"]["pattern"].as_str().unwrap_or("").to_owned();
    for kind in contract["components"]["schemas"]["ContractType"]["enum"].as_array().into_iter().flatten() {
        assert!(kinds.contains(kind.as_str().unwrap_or("?")), "{kind} in {kinds}");
    }
}
