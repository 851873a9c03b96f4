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
