//! Whole numbers as decimal text without `core::fmt`: the browser's home page
//! build writes numbers with this, and leaves the formatting machinery out of
//! its wasm (see BENCHMARKS.md); sizes in megabytes likewise, without floats.

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

/// Bytes as megabytes with one decimal, "12.4 MB": the tenths rounded half to
/// even, as `format!("{:.1} MB", bytes as f64 / 1_048_576.0)` writes them, but
/// with whole numbers, so no bundle that shows a size carries float formatting.
pub fn megabytes(bytes: u64) -> String {
    const MB: u128 = 1_048_576;
    let scaled = u128::from(bytes) * 10;
    let (whole, rest) = (scaled / MB, scaled % MB);
    let up = rest * 2 > MB || (rest * 2 == MB && whole % 2 == 1);
    let tenths = whole + u128::from(up);
    [decimal((tenths / 10) as u64), ".".into(), decimal((tenths % 10) as u64), " MB".into()].concat()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn megabytes_read_as_float_formatting_wrote_them() {
        let float = |bytes: u64| format!("{:.1} MB", bytes as f64 / 1_048_576.0);
        let mut samples = vec![0, 1, 52_428, 52_429, 104_857, 1_048_575, 1_048_576, 1_310_720, 13_002_342, 1 << 40];
        samples.extend((0..5000u64).map(|i| i * 26_215));
        samples.extend((1..400u64).map(|i| i * 524_288));
        samples.extend((1..400u64).map(|i| i * 524_288 + 1));
        for bytes in samples {
            assert_eq!(megabytes(bytes), float(bytes), "{bytes}");
        }
    }

    #[test]
    fn writes_like_display() {
        for n in [0u64, 7, 10, 99, 100, 12345, u64::MAX] {
            assert_eq!(decimal(n), n.to_string());
        }
        assert_eq!(count(42), "42");
    }
}
