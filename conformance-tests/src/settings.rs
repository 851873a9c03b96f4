//! What the suite is told: the deployment's base URL and one client per organization kind.

use std::fmt;
use std::str::FromStr;

use plateforme_client::OrganizationKind;

/// The kinds of client the suite can be given: one of the organization kinds, and an
/// administrator (a client with the `admin` scope, whatever its organization).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Of(OrganizationKind),
    Admin,
}

impl Kind {
    /// Every kind, in the order the organization kinds are listed, then the administrator.
    pub fn all() -> impl Iterator<Item = Kind> {
        OrganizationKind::ALL.into_iter().map(Kind::Of).chain(std::iter::once(Kind::Admin))
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Of(kind) => kind.as_str(),
            Kind::Admin => "admin",
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Kind {
    type Err = String;

    fn from_str(name: &str) -> Result<Kind, String> {
        Kind::all().find(|kind| kind.as_str() == name).ok_or_else(|| {
            let known: Vec<&str> = Kind::all().map(Kind::as_str).collect();
            format!("unknown kind {name:?}; expected one of {}", known.join(", "))
        })
    }
}

/// `KIND=ID:SECRET`: a client of the deployment.
#[derive(Clone, PartialEq, Eq)]
pub struct ClientSpec {
    pub kind: Kind,
    pub client_id: String,
    pub secret: String,
}

impl FromStr for ClientSpec {
    type Err = String;

    fn from_str(spec: &str) -> Result<ClientSpec, String> {
        let shape = || format!("{spec:?} is not KIND=ID:SECRET");
        let (kind, credentials) = spec.split_once('=').ok_or_else(shape)?;
        // Client ids are letters, digits, `-` and `_`: the first colon ends them.
        let (client_id, secret) = credentials.split_once(':').ok_or_else(shape)?;
        if client_id.is_empty() || secret.is_empty() {
            return Err(shape());
        }
        Ok(ClientSpec { kind: kind.parse()?, client_id: client_id.to_owned(), secret: secret.to_owned() })
    }
}

/// Never prints the secret: CI logs are widely read.
impl fmt::Debug for ClientSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}={}:<redacted>", self.kind, self.client_id)
    }
}

/// A run's settings.
#[derive(Debug, Clone)]
pub struct Settings {
    pub base_url: String,
    pub clients: Vec<ClientSpec>,
    /// Print each result line as it comes (the binary does; tests read the report instead).
    pub echo: bool,
}

impl Settings {
    /// Refuses two clients of one kind: each check uses the one client of its kind.
    pub fn new(base_url: impl Into<String>, clients: Vec<ClientSpec>) -> Result<Settings, String> {
        let mut kinds: Vec<Kind> = clients.iter().map(|client| client.kind).collect();
        kinds.sort_by_key(|kind| kind.as_str());
        if let Some(pair) = kinds.windows(2).find(|pair| pair[0] == pair[1]) {
            return Err(format!("two {} clients given; give one per kind", pair[0]));
        }
        Ok(Settings { base_url: base_url.into(), clients, echo: false })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_specs_are_read() {
        let spec: ClientSpec = "mission_locale=demo-mission-locale:demo-mission-locale-secret".parse().expect("spec");
        assert_eq!(spec.kind, Kind::Of(OrganizationKind::MissionLocale));
        assert_eq!(
            (spec.client_id.as_str(), spec.secret.as_str()),
            ("demo-mission-locale", "demo-mission-locale-secret")
        );
        assert_eq!(format!("{spec:?}"), "mission_locale=demo-mission-locale:<redacted>");
        assert!("mission-locale=a:b".parse::<ClientSpec>().is_err());
        assert!("admin=a".parse::<ClientSpec>().is_err());
        assert!("admin=:b".parse::<ClientSpec>().is_err());
        let two = vec![spec.clone(), spec];
        assert!(Settings::new("http://x", two).is_err());
    }
}
