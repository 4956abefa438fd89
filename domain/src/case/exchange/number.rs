//! The province's number of a case (办件编号), computed by the pattern a
//! province prescribes: most number a case as its 实施编码 (or the deciding
//! unit's codes) followed by the date and a serial of that day. A pattern is
//! text with placeholders: `{code}` 实施编码, `{basic}` 基本编码, `{credit}` the
//! unit's credit code, `{region}` its region code, `{date}` the Beijing date
//! `YYYYMMDD`, and `{serial:N}` the day's serial, N digits (last, once).

use crate::time::date::Date;

/// One piece of a pattern.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Piece {
    Text(String),
    Code,
    Basic,
    Credit,
    Region,
    Date,
}

/// A parsed pattern: the pieces before the serial, and the serial's width.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pattern {
    pieces: Vec<Piece>,
    width: usize,
}

/// What a case's number is made of.
pub struct NumberFacts<'a> {
    pub code: &'a str,
    pub basic: &'a str,
    pub credit: &'a str,
    pub region: &'a str,
    pub date: Date,
}

impl Pattern {
    /// Read a pattern; why not, in words naming the placeholder.
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut pieces = Vec::new();
        let mut width = None;
        let mut rest = text;
        while let Some(start) = rest.find('{') {
            if width.is_some() {
                return Err("办件编号的格式里 {serial:N} 要放在最后".to_owned());
            }
            if start > 0 {
                pieces.push(Piece::Text(rest[..start].to_owned()));
            }
            let end = rest[start..].find('}').ok_or_else(|| format!("办件编号的格式“{text}”少了 }}"))? + start;
            let name = &rest[start + 1..end];
            match name {
                "code" => pieces.push(Piece::Code),
                "basic" => pieces.push(Piece::Basic),
                "credit" => pieces.push(Piece::Credit),
                "region" => pieces.push(Piece::Region),
                "date" => pieces.push(Piece::Date),
                other => {
                    let digits = other.strip_prefix("serial:").and_then(|n| n.parse::<usize>().ok());
                    match digits {
                        Some(n @ 1..=12) => width = Some(n),
                        _ => {
                            return Err(format!(
                                "办件编号的格式里不认识“{{{other}}}”：可用 {{code}} {{basic}} {{credit}} {{region}} {{date}} {{serial:N}}"
                            ));
                        }
                    }
                }
            }
            rest = &rest[end + 1..];
        }
        if !rest.is_empty() {
            if width.is_some() {
                return Err("办件编号的格式里 {serial:N} 要放在最后".to_owned());
            }
            pieces.push(Piece::Text(rest.to_owned()));
        }
        let width = width.ok_or("办件编号的格式要以当日序号 {serial:N} 结尾".to_owned())?;
        Ok(Self { pieces, width })
    }

    /// Whether it names the 基本编码, and whether the deciding unit's codes:
    /// what every item must then have in the catalog.
    pub fn needs(&self) -> (bool, bool) {
        let basic = self.pieces.contains(&Piece::Basic);
        let unit = self.pieces.iter().any(|p| matches!(p, Piece::Credit | Piece::Region));
        (basic, unit)
    }

    /// Everything before the serial: the serial counts per this prefix.
    pub fn prefix(&self, facts: &NumberFacts<'_>) -> String {
        self.pieces
            .iter()
            .map(|piece| match piece {
                Piece::Text(text) => text.clone(),
                Piece::Code => facts.code.to_owned(),
                Piece::Basic => facts.basic.to_owned(),
                Piece::Credit => facts.credit.to_owned(),
                Piece::Region => facts.region.to_owned(),
                Piece::Date => facts.date.compact(),
            })
            .collect()
    }

    /// The number with serial `n`; `None` once the day's serials are used up.
    pub fn number(&self, prefix: &str, n: u64) -> Option<String> {
        let limit = 10u64.checked_pow(u32::try_from(self.width).ok()?)?;
        (n >= 1 && n < limit).then(|| format!("{prefix}{n:0width$}", width = self.width))
    }
}

/// What the applicant and the clerk are shown as the province's number: the
/// number, 已提交（待赋码） while the province has not yet given it, or nothing
/// where the centre does not report to a province.
pub fn shown(number: Option<&str>, pending: bool) -> Option<String> {
    match (number, pending) {
        (Some(number), _) => Some(number.to_owned()),
        (None, true) => Some("已提交（待赋码）".to_owned()),
        (None, false) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_number_not_yet_given_is_said_to_be_on_its_way() {
        assert_eq!(shown(Some("330100123456789012345"), true).as_deref(), Some("330100123456789012345"));
        assert_eq!(shown(None, true).as_deref(), Some("已提交（待赋码）"));
        assert_eq!(shown(None, false), None);
    }

    fn facts() -> NumberFacts<'static> {
        NumberFacts {
            code: "11330102002505300C4000117002001",
            basic: "000105410000",
            credit: "11330102002505300C",
            region: "330102",
            date: Date::new(2026, 12, 6).unwrap(),
        }
    }

    #[test]
    fn a_guangdong_style_number_is_the_code_the_date_and_the_days_serial() {
        let pattern = Pattern::parse("{code}{date}{serial:4}").unwrap();
        let prefix = pattern.prefix(&facts());
        assert_eq!(prefix, "11330102002505300C400011700200120261206");
        assert_eq!(pattern.number(&prefix, 7).unwrap(), "11330102002505300C4000117002001202612060007");
        assert_eq!(pattern.number(&prefix, 10_000), None, "the day's serials are used up");
        let dashed = Pattern::parse("{region}-{date}-{serial:6}").unwrap();
        assert_eq!(dashed.number(&dashed.prefix(&facts()), 1).unwrap(), "330102-20261206-000001");
    }

    #[test]
    fn a_pattern_without_a_final_serial_or_with_an_unknown_placeholder_is_refused() {
        assert!(Pattern::parse("{code}{date}").unwrap_err().contains("{serial:N}"));
        assert!(Pattern::parse("{serial:4}{code}").unwrap_err().contains("最后"));
        assert!(Pattern::parse("{code}{day}{serial:4}").unwrap_err().contains("{day}"));
        assert!(Pattern::parse("{code}{serial:0}").is_err());
        assert!(Pattern::parse("{code").is_err());
    }
}
