//! Whole numbers as decimal text without `core::fmt`: the browser's home page
//! build writes numbers with this, and leaves the formatting machinery out of
//! its wasm (see BENCHMARKS.md).

/// `1234` → `"1234"`.
pub fn decimal(n: impl Into<u64>) -> String {
    let mut n: u64 = n.into();
    let mut digits = [0u8; 20];
    let mut start = digits.len();
    loop {
        start -= 1;
        digits[start] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    digits[start..].iter().map(|&d| d as char).collect()
}

/// A count (`usize`) as decimal text.
pub fn count(n: usize) -> String {
    decimal(n as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_like_display() {
        for n in [0u64, 7, 10, 99, 100, 12345, u64::MAX] {
            assert_eq!(decimal(n), n.to_string());
        }
        assert_eq!(count(42), "42");
    }
}
