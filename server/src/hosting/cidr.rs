//! Address ranges (`10.0.0.0/8`), for the proxies we trust.

use std::net::IpAddr;

/// An address range written `10.0.0.0/8`, `::1/128` or a bare address.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cidr {
    network: IpAddr,
    prefix: u8,
}

impl Cidr {
    pub fn parse(text: &str) -> Result<Self, String> {
        let (address, prefix) = text.trim().split_once('/').map_or((text.trim(), None), |(a, p)| (a, Some(p)));
        let network: IpAddr = address.parse().map_err(|_| format!("不是 IP 地址：{address}"))?;
        let most = if network.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            Some(p) => p.parse::<u8>().ok().filter(|p| *p <= most).ok_or_else(|| format!("前缀长度不对：{text}"))?,
            None => most,
        };
        Ok(Self { network, prefix })
    }

    pub fn contains(&self, address: IpAddr) -> bool {
        let address = match address {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(IpAddr::V6(v6), IpAddr::V4),
            v4 => v4,
        };
        match (self.network, address) {
            (IpAddr::V4(net), IpAddr::V4(a)) => {
                masked(u32::from(net).into(), self.prefix, 32) == masked(u32::from(a).into(), self.prefix, 32)
            }
            (IpAddr::V6(net), IpAddr::V6(a)) => {
                masked(u128::from(net), self.prefix, 128) == masked(u128::from(a), self.prefix, 128)
            }
            _ => false,
        }
    }
}

fn masked(bits: u128, prefix: u8, width: u32) -> u128 {
    if prefix == 0 { 0 } else { bits >> (width - u32::from(prefix)) }
}

/// `a, b, c`: every range in a comma-separated list.
pub fn parse_list(text: &str) -> Result<Vec<Cidr>, String> {
    text.split(',').filter(|part| !part.trim().is_empty()).map(Cidr::parse).collect()
}

/// This machine's own addresses, trusted when `--behind-proxy` names no list.
pub fn loopback() -> Vec<Cidr> {
    vec![Cidr::parse("127.0.0.0/8").expect("valid"), Cidr::parse("::1/128").expect("valid")]
}
