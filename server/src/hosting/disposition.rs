//! `Content-Disposition` for a download named in Chinese (RFC 6266, RFC 8187):
//! the UTF-8 name, percent-encoded, so every browser saves it as named.

/// How the browser treats the file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Disposition {
    /// Save it (a case's file).
    Attachment,
    /// Show it if it can (a document to read or print).
    Inline,
}

/// The header's value for a file called `name`.
pub fn content_disposition(disposition: Disposition, name: &str) -> String {
    let encoded: String = name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._".contains(&b) { (b as char).to_string() } else { format!("%{b:02X}") }
        })
        .collect();
    let kind = match disposition {
        Disposition::Attachment => "attachment",
        Disposition::Inline => "inline",
    };
    format!("{kind}; filename*=UTF-8''{encoded}")
}

#[cfg(test)]
mod tests {
    #[test]
    fn chinese_names_are_percent_encoded() {
        let value = super::content_disposition(super::Disposition::Attachment, "申请表 1.pdf");
        assert_eq!(value, "attachment; filename*=UTF-8''%E7%94%B3%E8%AF%B7%E8%A1%A8%201.pdf");
    }
}
