//! The caller's address, for the anonymous rate limits and the request log. Behind a load
//! balancer every TCP peer is the balancer: the address it saw is in the header it writes
//! (`X-Forwarded-For`, or `Forwarded` per RFC 7239). Any caller can write those headers too, so
//! they are read only when the TCP peer is a configured proxy, and only as far back as the chain
//! of configured proxies goes: the first address from the right that is not a proxy is the
//! caller (what a caller wrote further left is ignored).

use std::net::IpAddr;

use actix_web::http::header::HeaderMap;

/// An address block such as `10.0.0.0/8`, `192.0.2.7` (one address) or `fd00::/8`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    network: IpAddr,
    prefix: u8,
}

impl Cidr {
    pub fn parse(text: &str) -> Result<Cidr, String> {
        let (address, prefix) = match text.split_once('/') {
            Some((address, prefix)) => (address, Some(prefix)),
            None => (text, None),
        };
        let network: IpAddr = address.parse().map_err(|_| format!("{text:?} is not an address or a CIDR block"))?;
        let width = if network.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => width,
            Some(prefix) => prefix
                .parse::<u8>()
                .ok()
                .filter(|prefix| *prefix <= width)
                .ok_or_else(|| format!("{text:?}: the prefix length must be 0 to {width}"))?,
        };
        Ok(Cidr { network, prefix })
    }

    pub fn contains(&self, address: IpAddr) -> bool {
        let address = canonical(address);
        match (self.network, address) {
            (IpAddr::V4(network), IpAddr::V4(address)) => {
                same_prefix(u32::from(network).into(), u32::from(address).into(), self.prefix, 32)
            }
            (IpAddr::V6(network), IpAddr::V6(address)) => {
                same_prefix(u128::from(network), u128::from(address), self.prefix, 128)
            }
            _ => false,
        }
    }
}

fn same_prefix(network: u128, address: u128, prefix: u8, width: u8) -> bool {
    let ignored = u32::from(width - prefix);
    network.checked_shr(ignored).unwrap_or(0) == address.checked_shr(ignored).unwrap_or(0)
}

/// An IPv4 peer seen on an IPv6 socket (`::ffff:192.0.2.7`) is the IPv4 address.
fn canonical(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(address, IpAddr::V4),
        IpAddr::V4(_) => address,
    }
}

/// Which header the proxies write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ForwardedHeader {
    /// `X-Forwarded-For: client, proxy1, …` (HAProxy's `option forwardfor`, nginx, most ingresses).
    #[default]
    XForwardedFor,
    /// `Forwarded: for=client, for=proxy1` (RFC 7239).
    Forwarded,
}

/// The proxies whose forwarding header is believed; none by default.
#[derive(Debug, Clone, Default)]
pub struct TrustedProxies {
    pub blocks: Vec<Cidr>,
    pub header: ForwardedHeader,
}

impl TrustedProxies {
    fn trusts(&self, address: IpAddr) -> bool {
        self.blocks.iter().any(|block| block.contains(address))
    }

    /// The caller's address: the TCP peer, unless it is a trusted proxy; then the rightmost
    /// address of the forwarding chain that is not a trusted proxy. An unreadable entry (a
    /// name, `unknown`) ends the walk at the last trusted hop: nothing written before it is
    /// believed.
    pub fn client_address(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        let mut client = canonical(peer);
        if !self.trusts(client) {
            return client;
        }
        for hop in self.chain(headers).into_iter().rev() {
            match hop {
                Some(address) if self.trusts(address) => client = address,
                Some(address) => return address,
                None => return client,
            }
        }
        client
    }

    /// Every hop of the forwarding header(s), leftmost first (`None` where one cannot be read).
    fn chain(&self, headers: &HeaderMap) -> Vec<Option<IpAddr>> {
        let name = match self.header {
            ForwardedHeader::XForwardedFor => "x-forwarded-for",
            ForwardedHeader::Forwarded => "forwarded",
        };
        let mut hops = Vec::new();
        for value in headers.get_all(name) {
            let Ok(value) = value.to_str() else {
                hops.push(None);
                continue;
            };
            for element in value.split(',') {
                let hop = match self.header {
                    ForwardedHeader::XForwardedFor => parse_address(element),
                    ForwardedHeader::Forwarded => forwarded_for(element),
                };
                hops.push(hop);
            }
        }
        hops
    }
}

/// The `for=` of one element of `Forwarded` (`for=192.0.2.7;proto=https`, `for="[2001:db8::1]:443"`).
fn forwarded_for(element: &str) -> Option<IpAddr> {
    element.split(';').find_map(|pair| {
        let (key, value) = pair.split_once('=')?;
        key.trim().eq_ignore_ascii_case("for").then(|| parse_address(value.trim().trim_matches('"')))?
    })
}

/// An address, bare or with a port (`192.0.2.7:443`, `[2001:db8::1]:443`).
fn parse_address(text: &str) -> Option<IpAddr> {
    let text = text.trim();
    if let Ok(address) = text.parse::<IpAddr>() {
        return Some(canonical(address));
    }
    if let Ok(socket) = text.parse::<std::net::SocketAddr>() {
        return Some(canonical(socket.ip()));
    }
    text.strip_prefix('[').and_then(|rest| rest.strip_suffix(']')).and_then(|inner| inner.parse().ok()).map(canonical)
}

#[cfg(test)]
mod tests {
    use actix_web::http::header::{HeaderName, HeaderValue};

    use super::*;

    fn proxies(blocks: &[&str], header: ForwardedHeader) -> TrustedProxies {
        TrustedProxies { blocks: blocks.iter().map(|block| Cidr::parse(block).expect("a block")).collect(), header }
    }

    fn headers(name: &'static str, values: &[&str]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for value in values {
            map.append(HeaderName::from_static(name), HeaderValue::from_str(value).expect("a header value"));
        }
        map
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().expect("an address")
    }

    #[test]
    fn blocks_parse_and_contain() {
        let block = Cidr::parse("10.1.0.0/16").expect("a block");
        assert!(block.contains(ip("10.1.255.3")));
        assert!(!block.contains(ip("10.2.0.1")));
        assert!(block.contains(ip("::ffff:10.1.0.9")), "an IPv4-mapped peer is its IPv4 address");
        assert!(Cidr::parse("0.0.0.0/0").expect("all").contains(ip("203.0.113.9")));
        assert!(Cidr::parse("fd00::/8").expect("v6").contains(ip("fd12::1")));
        assert!(Cidr::parse("192.0.2.7").expect("one").contains(ip("192.0.2.7")));
        assert!(!Cidr::parse("192.0.2.7").expect("one").contains(ip("192.0.2.8")));
        assert!(Cidr::parse("10.0.0.0/33").is_err());
        assert!(Cidr::parse("proxy.internal").is_err());
    }

    #[test]
    fn an_untrusted_peer_is_the_caller_whatever_it_writes() {
        let trusted = proxies(&["10.0.0.0/8"], ForwardedHeader::XForwardedFor);
        let spoofed = headers("x-forwarded-for", &["198.51.100.1"]);
        assert_eq!(trusted.client_address(ip("203.0.113.5"), &spoofed), ip("203.0.113.5"));
        assert_eq!(TrustedProxies::default().client_address(ip("10.0.0.2"), &spoofed), ip("10.0.0.2"));
    }

    #[test]
    fn behind_trusted_proxies_the_rightmost_untrusted_hop_is_the_caller() {
        let trusted = proxies(&["10.0.0.0/8"], ForwardedHeader::XForwardedFor);
        // The caller wrote 198.51.100.1; the edge proxy appended what it saw, 203.0.113.5;
        // an inner proxy appended the edge's address.
        let chain = headers("x-forwarded-for", &["198.51.100.1, 203.0.113.5", "10.0.0.3"]);
        assert_eq!(trusted.client_address(ip("10.0.0.2"), &chain), ip("203.0.113.5"));
        let unreadable = headers("x-forwarded-for", &["198.51.100.1, unknown, 10.0.0.3"]);
        assert_eq!(trusted.client_address(ip("10.0.0.2"), &unreadable), ip("10.0.0.3"));
        assert_eq!(trusted.client_address(ip("10.0.0.2"), &HeaderMap::new()), ip("10.0.0.2"));
    }

    #[test]
    fn the_forwarded_header_is_read_when_configured() {
        let trusted = proxies(&["10.0.0.0/8"], ForwardedHeader::Forwarded);
        let chain = headers("forwarded", &["for=198.51.100.1, for=\"[2001:db8::7]:443\";proto=https"]);
        assert_eq!(trusted.client_address(ip("10.0.0.2"), &chain), ip("2001:db8::7"));
        let other_header = headers("x-forwarded-for", &["198.51.100.1"]);
        assert_eq!(trusted.client_address(ip("10.0.0.2"), &other_header), ip("10.0.0.2"));
    }
}
