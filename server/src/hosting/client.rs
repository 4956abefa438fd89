//! The client's address, for the limits per address: the connection's peer, or
//! — only when that peer is one of our own proxies (`--trusted-proxies`) — the
//! address the proxies recorded in `X-Forwarded-For`. A client cannot make
//! itself look like someone else by sending the header itself: entries are read
//! from the right, past our own proxies, and the first one that is not ours is
//! the client.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::extract::ConnectInfo;
use axum::http::{Extensions, HeaderMap};

use crate::AppState;
use crate::hosting::cidr::Cidr;

/// The client's address (see the module's documentation).
pub struct Client(pub IpAddr);

impl axum::extract::FromRequestParts<Arc<AppState>> for Client {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &Arc<AppState>,
    ) -> Result<Self, Self::Rejection> {
        Ok(Client(address_of(&state.trusted_proxies, &parts.extensions, &parts.headers)))
    }
}

/// [`Client`] for a whole request (middleware).
pub fn client_address(state: &AppState, request: &axum::extract::Request) -> IpAddr {
    address_of(&state.trusted_proxies, request.extensions(), request.headers())
}

pub fn address_of(trusted: &[Cidr], extensions: &Extensions, headers: &HeaderMap) -> IpAddr {
    let peer = extensions.get::<ConnectInfo<SocketAddr>>().map_or(IpAddr::from([0, 0, 0, 0]), |c| c.0.ip());
    let is_trusted = |address: IpAddr| trusted.iter().any(|range| range.contains(address));
    if !is_trusted(peer) {
        return peer;
    }
    let entries: Vec<IpAddr> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .filter_map(|entry| entry.trim().parse().ok())
        .collect();
    entries.iter().rev().copied().find(|address| !is_trusted(*address)).or(entries.first().copied()).unwrap_or(peer)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hosting::cidr::parse_list;

    fn headers(xff: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert("x-forwarded-for", xff.parse().unwrap());
        headers
    }

    fn from(peer: &str) -> Extensions {
        let mut extensions = Extensions::new();
        extensions.insert(ConnectInfo(SocketAddr::new(peer.parse().unwrap(), 1)));
        extensions
    }

    #[test]
    fn ranges_contain_what_they_should() {
        let range = Cidr::parse("10.1.0.0/16").unwrap();
        assert!(range.contains("10.1.200.3".parse().unwrap()));
        assert!(!range.contains("10.2.0.1".parse().unwrap()));
        assert!(range.contains("::ffff:10.1.0.9".parse().unwrap()), "IPv4 seen as IPv6");
        assert!(Cidr::parse("::1").unwrap().contains("::1".parse().unwrap()));
        assert!(Cidr::parse("0.0.0.0/0").unwrap().contains("8.8.8.8".parse().unwrap()));
        assert!(Cidr::parse("10.0.0.0/33").is_err() && Cidr::parse("nonsense").is_err());
        assert_eq!(parse_list("127.0.0.1, 10.0.0.0/8").unwrap().len(), 2);
    }

    #[test]
    fn forwarded_for_is_believed_only_from_our_proxies() {
        let trusted = parse_list("10.0.0.0/8").unwrap();
        let xff = headers("198.51.100.7, 203.0.113.5, 10.0.0.3");
        // From our proxy: past our own proxies, the first address that is not ours.
        assert_eq!(address_of(&trusted, &from("10.0.0.2"), &xff), "203.0.113.5".parse::<IpAddr>().unwrap());
        // From anyone else: the header is theirs to invent, so the peer counts.
        assert_eq!(address_of(&trusted, &from("198.51.100.9"), &xff), "198.51.100.9".parse::<IpAddr>().unwrap());
        assert_eq!(address_of(&[], &from("10.0.0.2"), &xff), "10.0.0.2".parse::<IpAddr>().unwrap());
    }
}
