//! Where a webhook may be sent: an `https` URL whose host resolves to public addresses only.
//! Loopback, private (RFC 1918, fc00::/7), link-local (169.254/16, fe80::/10), CGNAT
//! (100.64/10), unspecified, multicast and broadcast addresses are refused — the platform must
//! not be made to call into its own network (SSRF) — unless the host is in the configured
//! development allow-list (`webhook_allowed_hosts`), where `http` is accepted too. The check is
//! made when a subscription is written and again at each delivery, by the resolver the
//! deliveries connect through ([`GuardedResolver`]), so a name that resolves elsewhere later
//! (DNS rebinding) is refused then. Redirects are never followed.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use plateforme_model::FieldError;
use reqwest::Url;

/// Why a target is refused: a field error of `url`.
fn refused(rule: &str, message: impl Into<String>) -> FieldError {
    FieldError::new("url", rule, message)
}

/// Whether an address is one the platform must not call.
pub fn forbidden(address: IpAddr) -> bool {
    match address {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_multicast()
                || v4.is_broadcast()
                || v4.is_documentation()
                || (a == 100 && (64..128).contains(&b))
                || a == 0
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return forbidden(IpAddr::V4(v4));
            }
            let first = v6.segments()[0];
            v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80
        }
    }
}

/// The hosts of the development allow-list.
#[derive(Debug, Clone, Default)]
pub struct AllowList(pub Arc<Vec<String>>);

impl AllowList {
    pub fn allows(&self, host: &str) -> bool {
        self.0.iter().any(|allowed| allowed.eq_ignore_ascii_case(host))
    }
}

/// The URL, if its form is one a webhook may be sent to: parsed, `https` (or `http` for an
/// allow-listed host), without credentials, and, when its host is an address, not a forbidden
/// one. A name is resolved apart ([`resolve_checked`]).
pub fn check_form(text: &str, allowed: &AllowList) -> Result<Url, FieldError> {
    let url =
        Url::parse(text).map_err(|error| refused("webhook.url.invalid", format!("not an absolute URL: {error}")))?;
    let host = url.host_str().unwrap_or_default().trim_start_matches('[').trim_end_matches(']').to_owned();
    if host.is_empty() {
        return Err(refused("webhook.url.invalid", "the URL has no host"));
    }
    let listed = allowed.allows(&host);
    match url.scheme() {
        "https" => {}
        "http" if listed => {}
        other => {
            return Err(refused("webhook.url.https_required", format!("deliveries go over https only; got {other}:")));
        }
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(refused(
            "webhook.url.credentials",
            "a URL may not hold credentials: authenticate deliveries by their signature",
        ));
    }
    if url.fragment().is_some() {
        return Err(refused("webhook.url.invalid", "a URL may not hold a fragment (#…)"));
    }
    if !listed
        && let Ok(address) = host.parse::<IpAddr>()
        && forbidden(address)
    {
        return Err(private(&host, address));
    }
    Ok(url)
}

fn private(host: &str, address: IpAddr) -> FieldError {
    refused(
        "webhook.url.private_address",
        format!(
            "{host} is (or resolves to) {address}, a loopback, private, link-local or otherwise non-public \
             address: deliveries go to public addresses only"
        ),
    )
}

/// Checks the URL's form, then resolves its host and refuses it when any address is forbidden.
pub async fn check(text: &str, allowed: &AllowList) -> Result<Url, FieldError> {
    let url = check_form(text, allowed)?;
    let host = url.host_str().unwrap_or_default().to_owned();
    if allowed.allows(&host) || host.starts_with('[') || host.parse::<IpAddr>().is_ok() {
        return Ok(url);
    }
    let port = url.port_or_known_default().unwrap_or(443);
    let addresses: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), port))
        .await
        .map_err(|error| refused("webhook.url.unresolvable", format!("{host} does not resolve: {error}")))?
        .collect();
    if let Some(bad) = addresses.iter().find(|address| forbidden(address.ip())) {
        return Err(private(&host, bad.ip()));
    }
    if addresses.is_empty() {
        return Err(refused("webhook.url.unresolvable", format!("{host} resolves to no address")));
    }
    Ok(url)
}

/// The resolver the deliveries connect through: a name resolving to a forbidden address is
/// refused at each connection (an allow-listed one is not checked).
#[derive(Debug, Clone)]
pub struct GuardedResolver {
    pub allowed: AllowList,
}

impl reqwest::dns::Resolve for GuardedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let allowed = self.allowed.clone();
        Box::pin(async move {
            let host = name.as_str().to_owned();
            let addresses: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            if !allowed.allows(&host)
                && let Some(bad) = addresses.iter().find(|address| forbidden(address.ip()))
            {
                return Err(format!("{host} resolves to {}, a non-public address", bad.ip()).into());
            }
            let addresses: reqwest::dns::Addrs = Box::new(addresses.into_iter());
            Ok(addresses)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn non_public_addresses_are_forbidden_and_public_ones_are_not() {
        for bad in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "224.0.0.1",
            "255.255.255.255",
            "::1",
            "::",
            "fc00::1",
            "fd12::1",
            "fe80::1",
            "::ffff:10.0.0.1",
        ] {
            assert!(forbidden(bad.parse().expect("an address")), "{bad}");
        }
        for good in ["8.8.8.8", "100.128.0.1", "2001:4860:4860::8888", "193.51.24.1"] {
            assert!(!forbidden(good.parse().expect("an address")), "{good}");
        }
    }

    #[test]
    fn the_form_of_a_url_is_checked_before_any_resolution() {
        let none = AllowList::default();
        let rule = |text: &str, allowed: &AllowList| check_form(text, allowed).err().map(|error| error.rule);
        assert_eq!(rule("https://partner.example/hooks", &none), None);
        assert_eq!(rule("http://partner.example/hooks", &none).as_deref(), Some("webhook.url.https_required"));
        assert_eq!(rule("https://10.0.0.8/hooks", &none).as_deref(), Some("webhook.url.private_address"));
        assert_eq!(rule("https://[::1]:8443/", &none).as_deref(), Some("webhook.url.private_address"));
        assert_eq!(rule("https://user:pw@partner.example/", &none).as_deref(), Some("webhook.url.credentials"));
        assert_eq!(rule("partner.example/hooks", &none).as_deref(), Some("webhook.url.invalid"));
        let local = AllowList(Arc::new(vec!["127.0.0.1".into()]));
        assert_eq!(rule("http://127.0.0.1:9000/hooks", &local), None);
        assert_eq!(rule("http://127.0.0.2:9000/hooks", &local).as_deref(), Some("webhook.url.https_required"));
    }
}
