//! Secrets and their hashes, written once: random references (case numbers,
//! query codes, resume codes, tokens, application keys), SHA-256 as hex, and
//! comparison in constant time.

use sha2::{Digest, Sha256};

/// SHA-256 of `bytes` as lowercase hex: how every secret is kept at rest.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// Bytes as lowercase hex (digests and signatures).
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// `len` characters of `domain::reference`'s unambiguous alphabet, from the
/// operating system's randomness (about 5 bits a character).
pub fn random_reference(len: usize) -> anyhow::Result<String> {
    let mut bytes = vec![0u8; len * 4];
    getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
    domain::reference::from_random(&bytes, len).ok_or_else(|| anyhow::anyhow!("too few random bytes"))
}

/// `len` random bytes as lowercase hex (lock owners, file names).
pub fn random_hex(len: usize) -> anyhow::Result<String> {
    let mut bytes = vec![0u8; len];
    getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// Equal bytes, in time that does not depend on where they differ.
pub fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_and_compares() {
        assert_eq!(sha256_hex(b"abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assert!(same(b"abc", b"abc"));
        assert!(!same(b"abc", b"abd"));
        assert!(!same(b"abc", b"ab"));
        let a = random_reference(12).unwrap();
        assert_eq!(a.replace('-', "").len(), 12);
        assert_ne!(a, random_reference(12).unwrap());
        assert_eq!(random_hex(16).unwrap().len(), 32);
    }
}
