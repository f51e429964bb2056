//! The client's address, as login throttling counts it: the peer of the connection, or, when that
//! peer is a proxy listed in `TRUSTED_PROXIES`, the nearest address in `X-Forwarded-For` that is
//! not one of ours (anyone can write that header; only our proxies' word is taken). An IPv6
//! client counts by its /64 network, which one subscriber usually gets whole.

use std::future::{ready, Ready};
use std::net::IpAddr;

use actix_web::dev::Payload;
use actix_web::{web, FromRequest, HttpRequest};

pub use crate::cidr::{parse_list, Cidr};
use crate::error::AppError;
use crate::state::AppState;

/// The client's address: the peer's, unless the peer is trusted; then `X-Forwarded-For` is read
/// from the right (each proxy appends the address it saw), skipping our own proxies.
pub fn client_address(
    peer: Option<IpAddr>,
    forwarded_for: &[&str],
    trusted: &[Cidr],
) -> Option<IpAddr> {
    let is_trusted = |ip: IpAddr| trusted.iter().any(|net| net.contains(ip));
    let mut nearest = peer?.to_canonical();
    if !is_trusted(nearest) {
        return Some(nearest);
    }
    let hops = forwarded_for
        .iter()
        .flat_map(|value| value.split(','))
        .map(str::trim)
        .collect::<Vec<_>>();
    for hop in hops.into_iter().rev() {
        let Ok(ip) = hop.parse::<IpAddr>() else {
            // Garbage in the header: the last address we could vouch for is all we know.
            break;
        };
        nearest = ip.to_canonical();
        if !is_trusted(nearest) {
            break;
        }
    }
    Some(nearest)
}

/// The key a client's failures are counted under: an IPv4 address, or an IPv6 /64 network.
pub fn throttle_key(ip: IpAddr) -> String {
    match ip.to_canonical() {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => {
            let network = u128::from(v6) & (u128::MAX << 64);
            format!("{}/64", std::net::Ipv6Addr::from(network))
        }
    }
}

/// The calling client, for throttling (see the module's documentation).
#[derive(Clone, Debug)]
pub struct ClientIp {
    /// What failures are counted under.
    pub key: String,
}

impl FromRequest for ClientIp {
    type Error = AppError;
    type Future = Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let trusted = req
            .app_data::<web::Data<AppState>>()
            .map(|state| state.config.trusted_proxies.as_slice())
            .unwrap_or_default();
        let forwarded: Vec<&str> = req
            .headers()
            .get_all("x-forwarded-for")
            .filter_map(|v| v.to_str().ok())
            .collect();
        let ip = client_address(req.peer_addr().map(|a| a.ip()), &forwarded, trusted);
        ready(Ok(ClientIp {
            key: ip.map_or_else(|| "unknown".to_string(), throttle_key),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn networks_contain_their_addresses_only() {
        let net: Cidr = "10.1.0.0/16".parse().unwrap();
        assert!(net.contains(ip("10.1.200.3")));
        assert!(!net.contains(ip("10.2.0.1")));
        assert!(!net.contains(ip("::1")));
        let one: Cidr = "192.168.1.7".parse().unwrap();
        assert!(one.contains(ip("192.168.1.7")));
        assert!(one.contains(ip("::ffff:192.168.1.7")), "IPv4-mapped IPv6");
        assert!(!one.contains(ip("192.168.1.8")));
        assert!("0.0.0.0/0".parse::<Cidr>().unwrap().contains(ip("8.8.8.8")));
        assert!("fd00::/8".parse::<Cidr>().unwrap().contains(ip("fd12::1")));
        for bad in ["nginx", "10.0.0.0/33", "::/129", "10.0.0.0/x", ""] {
            assert!(bad.parse::<Cidr>().is_err(), "{bad}");
        }
        assert_eq!(parse_list(" 127.0.0.1, 10.0.0.0/8 ,").unwrap().len(), 2);
        assert!(parse_list("127.0.0.1,nope").is_err());
    }

    #[test]
    fn forwarded_for_is_believed_from_trusted_proxies_only() {
        let trusted = parse_list("127.0.0.1,10.0.0.0/8").unwrap();
        let peer = Some(ip("127.0.0.1"));
        type Case<'a> = (Option<IpAddr>, &'a [&'a str], &'a [Cidr], &'a str);
        let cases: [Case; 8] = [
            // No proxy trusted: the header is anybody's word.
            (peer, &["203.0.113.7"], &[], "127.0.0.1"),
            // A stranger cannot claim another address.
            (
                Some(ip("198.51.100.9")),
                &["203.0.113.7"],
                &trusted,
                "198.51.100.9",
            ),
            (peer, &["203.0.113.7"], &trusted, "203.0.113.7"),
            // The client wrote a fake first hop; nginx appended the real one.
            (peer, &["1.2.3.4, 203.0.113.7"], &trusted, "203.0.113.7"),
            // Two proxies of ours, and the header split over two lines.
            (peer, &["203.0.113.7", "10.0.0.5"], &trusted, "203.0.113.7"),
            // Only our own proxies: the farthest one.
            (peer, &["10.0.0.6, 10.0.0.5"], &trusted, "10.0.0.6"),
            // Garbage: the last address vouched for.
            (peer, &["203.0.113.7, garbage"], &trusted, "127.0.0.1"),
            (peer, &[], &trusted, "127.0.0.1"),
        ];
        for (peer, header, trusted, expected) in cases {
            assert_eq!(
                client_address(peer, header, trusted),
                Some(ip(expected)),
                "{peer:?} {header:?}"
            );
        }
    }

    #[test]
    fn ipv6_clients_count_by_their_slash_64() {
        assert_eq!(
            throttle_key(ip("2001:db8:1:2:aaaa::1")),
            "2001:db8:1:2::/64"
        );
        assert_eq!(
            throttle_key(ip("2001:db8:1:2:bbbb::9")),
            "2001:db8:1:2::/64"
        );
        assert_eq!(throttle_key(ip("::ffff:203.0.113.7")), "203.0.113.7");
    }
}
