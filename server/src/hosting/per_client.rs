//! Open connections counted per client address, so one host cannot hold the
//! whole pool. IPv6 clients are counted per /64 (one host has a /64 to pick
//! addresses from). A trusted proxy's many clients share its address: it is
//! not counted here (the per-request limits see the client behind it).

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};

use crate::hosting::cidr::Cidr;

#[derive(Clone)]
pub struct PerClient {
    counts: Arc<Mutex<HashMap<IpAddr, usize>>>,
    max: usize,
    trusted: Arc<Vec<Cidr>>,
}

/// One open connection of a client; leaving frees it.
pub struct Slot {
    counts: Arc<Mutex<HashMap<IpAddr, usize>>>,
    key: Option<IpAddr>,
}

/// The address a client is counted under.
pub fn key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6((u128::from(v6) & !((1u128 << 64) - 1)).into()),
        },
    }
}

impl PerClient {
    pub fn new(max: usize, trusted: Vec<Cidr>) -> Self {
        Self { counts: Arc::default(), max: max.max(1), trusted: Arc::new(trusted) }
    }

    /// A slot for a connection from `ip`, or `None` when it holds its share.
    pub fn enter(&self, ip: IpAddr) -> Option<Slot> {
        if self.trusted.iter().any(|cidr| cidr.contains(ip)) {
            return Some(Slot { counts: Arc::clone(&self.counts), key: None });
        }
        let key = key(ip);
        let mut counts = self.counts.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let count = counts.entry(key).or_default();
        if *count >= self.max {
            return None;
        }
        *count += 1;
        Some(Slot { counts: Arc::clone(&self.counts), key: Some(key) })
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let Some(key) = self.key else { return };
        let mut counts = self.counts.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(count) = counts.get_mut(&key) {
            *count -= 1;
            if *count == 0 {
                counts.remove(&key);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_client_gets_its_share_and_gives_it_back() {
        let proxy = Cidr::parse("10.0.0.1/32").unwrap();
        let limit = PerClient::new(2, vec![proxy]);
        let one: IpAddr = "192.0.2.1".parse().unwrap();
        let (a, b) = (limit.enter(one).unwrap(), limit.enter(one).unwrap());
        assert!(limit.enter(one).is_none(), "its share is taken");
        assert!(limit.enter("192.0.2.2".parse().unwrap()).is_some(), "another client is not affected");
        drop(a);
        assert!(limit.enter(one).is_some(), "given back");
        drop(b);
        let v6a: IpAddr = "2001:db8::1".parse().unwrap();
        let v6b: IpAddr = "2001:db8::ffff:1".parse().unwrap();
        let _held = (limit.enter(v6a).unwrap(), limit.enter(v6b).unwrap());
        assert!(limit.enter("2001:db8::2".parse().unwrap()).is_none(), "one /64 is one client");
        let proxied: Vec<_> = (0..10).map(|_| limit.enter("10.0.0.1".parse().unwrap())).collect();
        assert!(proxied.iter().all(Option::is_some), "a trusted proxy is not capped");
    }
}
