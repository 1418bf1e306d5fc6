//! The client's address, for per-IP budgets. The TCP peer, unless the peer is a configured
//! trusted proxy (`limits.trusted_proxies`): then the nearest address in `X-Forwarded-For`
//! that is not itself a trusted proxy. By default no proxy is trusted, so a client cannot pick
//! its own address by sending the header.

use super::AppState;
use crate::error::AppError;
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{Extensions, HeaderMap};
use ipnet::IpNet;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};

/// The client address a request is charged to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClientIp(pub IpAddr);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        Ok(state.proxies.client_ip(&parts.extensions, &parts.headers))
    }
}

/// The proxies whose `X-Forwarded-For` is believed.
#[derive(Clone, Debug, Default)]
pub struct TrustedProxies(Vec<IpNet>);

impl TrustedProxies {
    /// Addresses (`10.0.0.1`) or networks (`10.0.0.0/8`); the config check has validated them.
    pub fn parse(entries: &[String]) -> Result<Self, String> {
        entries
            .iter()
            .map(|entry| parse_net(entry))
            .collect::<Result<Vec<_>, _>>()
            .map(TrustedProxies)
    }

    fn trusts(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        self.0.iter().any(|net| net.contains(&ip))
    }

    pub fn client_ip(&self, extensions: &Extensions, headers: &HeaderMap) -> ClientIp {
        // Without connection info (never in the served app) every request shares one budget.
        let peer = extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|info| canonical(info.0.ip()))
            .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
        ClientIp(self.resolve(peer, headers))
    }

    fn resolve(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        if !self.trusts(peer) {
            return peer;
        }
        // Each proxy appends the address it received from; read from the nearest hop back.
        let hops: Vec<&str> = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .filter(|hop| !hop.is_empty())
            .collect();
        let mut client = peer;
        for hop in hops.iter().rev() {
            match hop.parse::<IpAddr>() {
                Ok(ip) => {
                    client = canonical(ip);
                    if !self.trusts(client) {
                        return client;
                    }
                }
                // A garbled hop: the last address a trusted proxy vouched for stands.
                Err(_) => return client,
            }
        }
        client
    }
}

/// `::ffff:a.b.c.d` is the IPv4 client it wraps.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

pub fn parse_net(entry: &str) -> Result<IpNet, String> {
    let entry = entry.trim();
    entry
        .parse::<IpNet>()
        .or_else(|_| entry.parse::<IpAddr>().map(IpNet::from))
        .map_err(|_| format!("{entry:?} is not an IP address or network (e.g. 10.0.0.0/8)"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn xff(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert("x-forwarded-for", value.parse().unwrap());
        headers
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn forwarded_for_is_ignored_unless_the_peer_is_trusted() {
        let none = TrustedProxies::default();
        assert_eq!(
            none.resolve(ip("198.51.100.7"), &xff("203.0.113.9")),
            ip("198.51.100.7")
        );
        let proxies = TrustedProxies::parse(&["10.0.0.0/8".into(), "127.0.0.1".into()]).unwrap();
        assert_eq!(
            proxies.resolve(ip("198.51.100.7"), &xff("203.0.113.9")),
            ip("198.51.100.7"),
            "an untrusted peer's header is not believed"
        );
        assert_eq!(
            proxies.resolve(ip("127.0.0.1"), &xff("203.0.113.9")),
            ip("203.0.113.9")
        );
        assert_eq!(
            proxies.resolve(ip("::ffff:127.0.0.1"), &xff("203.0.113.9")),
            ip("203.0.113.9")
        );
    }

    #[test]
    fn the_nearest_untrusted_hop_is_the_client() {
        let proxies = TrustedProxies::parse(&["10.0.0.0/8".into()]).unwrap();
        // The client forged the first entry; our proxies appended the real ones.
        let headers = xff("1.2.3.4, 203.0.113.9, 10.0.0.2");
        assert_eq!(proxies.resolve(ip("10.0.0.1"), &headers), ip("203.0.113.9"));
        assert_eq!(
            proxies.resolve(ip("10.0.0.1"), &HeaderMap::new()),
            ip("10.0.0.1")
        );
        assert_eq!(
            proxies.resolve(ip("10.0.0.1"), &xff("garbage, 10.0.0.3")),
            ip("10.0.0.3")
        );
    }

    #[test]
    fn bad_entries_are_named() {
        let err = TrustedProxies::parse(&["10.0.0.0/33".into()]).unwrap_err();
        assert!(err.contains("10.0.0.0/33"), "{err}");
    }
}
