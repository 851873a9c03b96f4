//! `plateforme probe`: asks this host's server for `/health/live`, for a container's
//! `HEALTHCHECK` (the image holds no shell and no curl: the binary probes itself).

use std::io::{Read, Write};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, TcpStream};
use std::time::Duration;

use crate::config::Config;

const TIMEOUT: Duration = Duration::from_secs(5);

/// Where the server of `config` answers on this host: its `listen` address, with an
/// unspecified address (`0.0.0.0`, `[::]`) replaced by the loopback.
pub fn local_address(config: &Config) -> Result<SocketAddr, String> {
    let mut address: SocketAddr =
        config.listen.parse().map_err(|_| format!("listen is not an address: {:?}", config.listen))?;
    if address.ip().is_unspecified() {
        let loopback = match address.ip() {
            IpAddr::V4(_) => IpAddr::V4(Ipv4Addr::LOCALHOST),
            IpAddr::V6(_) => IpAddr::V6(Ipv6Addr::LOCALHOST),
        };
        address.set_ip(loopback);
    }
    Ok(address)
}

/// `Ok` when `GET /health/live` at `address` answers 200 within 5 seconds.
pub fn live(address: SocketAddr) -> Result<(), String> {
    let failed = |error: std::io::Error| format!("{address}: {error}");
    let mut stream = TcpStream::connect_timeout(&address, TIMEOUT).map_err(failed)?;
    stream.set_read_timeout(Some(TIMEOUT)).map_err(failed)?;
    stream.set_write_timeout(Some(TIMEOUT)).map_err(failed)?;
    let request = format!("GET /health/live HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).map_err(failed)?;
    let mut status_line = [0u8; 12];
    stream.read_exact(&mut status_line).map_err(failed)?;
    match &status_line {
        b"HTTP/1.1 200" => Ok(()),
        other => Err(format!("{address}/health/live answered {:?}", String::from_utf8_lossy(other))),
    }
}
