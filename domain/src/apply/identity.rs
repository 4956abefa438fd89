//! Identifiers people type or paste: resident ID numbers (GB 11643-1999), unified
//! social credit codes (GB 32100-2015) and mainland mobile numbers.
//!
//! Each is checked exactly, in the browser and again on the server, with these
//! functions; each refusal is the sentence the applicant reads. Input is
//! normalised first, because people paste spaces, hyphens and a lower-case x.
//! No regex: the client build stays small.

/// Today's date as (year, month, day): birth dates may not be later.
pub type Today = (u16, u8, u8);

/// Remove the spaces (also full-width) and hyphens people paste, upper-case letters.
pub fn normalise(value: &str) -> String {
    value
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '-' | '－' | '—'))
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            c => c.to_ascii_uppercase(),
        })
        .collect()
}

/// What one typed text of a form must be, besides filled in.
#[derive(Clone, Copy, Debug)]
pub enum Rule {
    /// At most this many characters; the message when longer.
    Longest(usize, &'static str),
    ResidentId(Today),
    Mobile,
    CreditCode,
}

/// A person's name: at most 50 characters (every form that names someone).
pub const NAME_LENGTH: Rule = Rule::Longest(50, "姓名不能超过50个字");
/// An address: at most 200 characters.
pub const ADDRESS_LENGTH: Rule = Rule::Longest(200, "地址不能超过200个字");

/// One text of a form: its name, its value, what is said when it is empty,
/// and its rule.
pub type Typed<'a> = (&'static str, &'a str, &'static str, Rule);

/// The first problem of each text, in the order given: empty, else its rule.
/// (Plain code rather than a validation framework's maps: it runs in every
/// page that checks a form.)
pub fn typed_problems(texts: &[Typed<'_>]) -> Vec<(&'static str, &'static str)> {
    let problem = |value: &str, empty, rule| {
        if value.trim().is_empty() {
            return Some(empty);
        }
        match rule {
            Rule::Longest(most, message) => (value.chars().count() > most).then_some(message),
            Rule::ResidentId(today) => check_resident_id(value, today).err(),
            Rule::Mobile => check_mobile(value).err(),
            Rule::CreditCode => check_credit_code(value).err(),
        }
    };
    texts.iter().filter_map(|&(name, value, empty, rule)| problem(value, empty, rule).map(|p| (name, p))).collect()
}

/// 居民身份证号码: 18 characters, a real birth date not in the future, ISO 7064
/// MOD 11-2 check character. `today` is (year, month, day), so both sides decide alike.
pub fn check_resident_id(value: &str, today: (u16, u8, u8)) -> Result<(), &'static str> {
    let id = normalise(value);
    let chars: Vec<char> = id.chars().collect();
    if chars.len() != 18 {
        return Err("请输入18位身份证号码");
    }
    if !chars[..17].iter().all(char::is_ascii_digit) || !(chars[17].is_ascii_digit() || chars[17] == 'X') {
        return Err("身份证号码只能是数字，最后一位可以是X");
    }
    let digit = |i: usize| chars[i].to_digit(10).unwrap_or(0);
    let number = |from: usize, len: usize| (from..from + len).fold(0u32, |n, i| n * 10 + digit(i));
    let (year, month, day) = (number(6, 4), number(10, 2), number(12, 2));
    if !is_real_date(year, month, day) || year < 1880 {
        return Err("身份证号码中的出生日期不正确，请核对第7到14位");
    }
    if (year, month, day) > (u32::from(today.0), u32::from(today.1), u32::from(today.2)) {
        return Err("身份证号码中的出生日期晚于今天，请核对第7到14位");
    }
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = (0..17).map(|i| digit(i) * WEIGHTS[i]).sum();
    let expected = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'][(sum % 11) as usize];
    if chars[17] != expected {
        return Err("身份证号码校验位不正确，请核对最后一位");
    }
    Ok(())
}

/// Whether the calendar has this day (leap years included).
pub(crate) fn is_real_date(year: u32, month: u32, day: u32) -> bool {
    let leap = (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400);
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&day)
}

/// The characters of a unified social credit code, in value order (no I O S V Z).
const USCC_CHARS: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";

/// 统一社会信用代码: 18 characters from the code set; weights 3^i mod 31; the
/// check is 31 − (sum mod 31), where 31 stands for 0.
pub fn check_credit_code(value: &str) -> Result<(), &'static str> {
    let code = normalise(value);
    let values: Vec<Option<u32>> = code.chars().map(|c| USCC_CHARS.find(c).map(|i| i as u32)).collect();
    if values.len() != 18 {
        return Err("请输入18位统一社会信用代码");
    }
    if values.iter().any(Option::is_none) {
        return Err("统一社会信用代码只含数字和大写字母，不含 I、O、S、V、Z");
    }
    let values: Vec<u32> = values.into_iter().flatten().collect();
    let mut weight = 1;
    let mut sum = 0;
    for value in &values[..17] {
        sum += value * weight;
        weight = weight * 3 % 31;
    }
    let expected = (31 - sum % 31) % 31;
    if values[17] != expected {
        return Err("统一社会信用代码校验位不正确，请核对最后一位");
    }
    Ok(())
}

/// The mobile number as it should be stored: 11 digits, without +86.
pub fn normalise_mobile(value: &str) -> String {
    let mut number = normalise(value);
    for prefix in ["+86", "0086"] {
        if let Some(rest) = number.strip_prefix(prefix) {
            number = rest.to_owned();
        }
    }
    if number.len() == 13 && number.starts_with("86") {
        number.drain(..2);
    }
    number
}

/// 手机号码: 11 digits, 1 then 3–9.
pub fn check_mobile(value: &str) -> Result<(), &'static str> {
    let number = normalise_mobile(value);
    let bytes = number.as_bytes();
    if bytes.len() != 11 || !bytes.iter().all(u8::is_ascii_digit) {
        return Err("请输入11位手机号码");
    }
    if bytes[0] != b'1' || !(b'3'..=b'9').contains(&bytes[1]) {
        return Err("手机号码应以13到19开头，请核对");
    }
    Ok(())
}

/// `110***********002X`: first three and last four characters; for screens and logs.
pub fn mask_id(value: &str) -> String {
    mask(&normalise(value), 3, 4)
}

/// `138****5678`.
pub fn mask_mobile(value: &str) -> String {
    mask(&normalise_mobile(value), 3, 4)
}

/// `李*四`, `张*`: a name in a list, enough for a clerk to recognise the
/// person searched for, not enough to read a stranger's name off a screen.
pub fn mask_name(value: &str) -> String {
    let chars: Vec<char> = value.trim().chars().collect();
    match chars.len() {
        0 | 1 => chars.iter().collect(),
        2 => format!("{}*", chars[0]),
        n => format!("{}{}{}", chars[0], "*".repeat(n - 2), chars[n - 1]),
    }
}

/// Why an email address will not do, if it will not: one `@`, something before
/// it, a domain with a dot after it, no spaces, at most 254 characters.
pub fn email_problem(value: &str) -> Option<&'static str> {
    let value = value.trim();
    let Some((local, domain)) = value.split_once('@') else {
        return Some("邮箱地址要有 @，例如 zhangsan@example.com");
    };
    let bad = local.is_empty()
        || domain.contains('@')
        || !domain.contains('.')
        || domain.starts_with('.')
        || domain.ends_with('.')
        || value.chars().any(|c| c.is_whitespace() || c.is_control())
        || value.len() > 254;
    bad.then_some("邮箱地址不正确，请检查，例如 zhangsan@example.com")
}

/// `zh***@example.com`: the first two characters before the `@` and the domain.
pub fn mask_email(value: &str) -> String {
    match value.trim().split_once('@') {
        Some((local, domain)) => format!("{}***@{domain}", local.chars().take(2).collect::<String>()),
        None => "***".to_owned(),
    }
}

fn mask(value: &str, keep_start: usize, keep_end: usize) -> String {
    let chars: Vec<char> = value.chars().collect();
    if chars.len() <= keep_start + keep_end {
        return "*".repeat(chars.len());
    }
    chars
        .iter()
        .enumerate()
        .map(|(i, c)| if i < keep_start || i >= chars.len() - keep_end { *c } else { '*' })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_keep_their_first_and_last_characters() {
        assert_eq!(mask_name("李四"), "李*");
        assert_eq!(mask_name(" 欧阳娜娜 "), "欧**娜");
        assert_eq!(mask_name("王"), "王");
        assert_eq!(mask_name("示范县餐饮有限公司"), "示*******司");
    }

    const TODAY: (u16, u8, u8) = (2026, 11, 21);

    fn id(value: &str) -> Result<(), String> {
        check_resident_id(value, TODAY).map_err(str::to_owned)
    }

    #[test]
    fn accepts_the_public_sample_and_what_people_paste() {
        assert_eq!(id("11010519491231002X"), Ok(()));
        assert_eq!(id("11010519491231002x"), Ok(()), "lower-case x");
        assert_eq!(id(" 110105 19491231 002X "), Ok(()), "spaces");
        assert_eq!(id("110105-19491231-002X"), Ok(()), "hyphens");
        assert_eq!(id("440304200002291236"), Ok(()), "29 February of a leap year");
    }

    #[test]
    fn refuses_near_misses_with_specific_messages() {
        assert_eq!(id("110105194912310021"), Err("身份证号码校验位不正确，请核对最后一位".into()));
        assert_eq!(id("11010519491231002"), Err("请输入18位身份证号码".into()));
        assert_eq!(id("11010519491231002X1"), Err("请输入18位身份证号码".into()));
        assert_eq!(id("1101051949123100X2"), Err("身份证号码只能是数字，最后一位可以是X".into()));
        assert_eq!(
            id("110105194902300024"),
            Err("身份证号码中的出生日期不正确，请核对第7到14位".into()),
            "30 February"
        );
        assert_eq!(
            id("440304190002291236"),
            Err("身份证号码中的出生日期不正确，请核对第7到14位".into()),
            "1900 was no leap year"
        );
        assert_eq!(id("110105209912310022"), Err("身份证号码中的出生日期晚于今天，请核对第7到14位".into()));
    }

    fn credit(value: &str) -> Result<(), String> {
        check_credit_code(value).map_err(str::to_owned)
    }

    #[test]
    fn credit_codes() {
        assert_eq!(credit("91350100M000100Y43"), Ok(()));
        assert_eq!(credit("91110108551385082q"), Ok(()), "lower case");
        assert_eq!(credit("12100000400000624D"), Ok(()));
        assert_eq!(credit("9111010855138508R0"), Ok(()), "sum mod 31 = 0: the check is 0, not 31");
        assert_eq!(credit("91350100M000100Y44"), Err("统一社会信用代码校验位不正确，请核对最后一位".into()));
        assert_eq!(credit("91350100M000100I43"), Err("统一社会信用代码只含数字和大写字母，不含 I、O、S、V、Z".into()));
        assert_eq!(credit("91350100M000100Y4"), Err("请输入18位统一社会信用代码".into()));
    }

    fn mobile(value: &str) -> Result<(), String> {
        check_mobile(value).map_err(str::to_owned)
    }

    #[test]
    fn mobile_numbers() {
        for ok in [
            "13812345678",
            "138 1234 5678",
            "138-1234-5678",
            "+86 138 1234 5678",
            "8613812345678",
            "１３８１２３４５６７８",
        ] {
            assert_eq!(mobile(ok), Ok(()), "{ok}");
        }
        assert_eq!(normalise_mobile("+86 138-1234-5678"), "13812345678");
        assert_eq!(mobile("1381234567"), Err("请输入11位手机号码".into()));
        assert_eq!(mobile("12812345678"), Err("手机号码应以13到19开头，请核对".into()));
        assert_eq!(mobile("23812345678"), Err("手机号码应以13到19开头，请核对".into()));
    }

    #[test]
    fn masks_personal_data() {
        assert_eq!(mask_id("11010519491231002x"), "110***********002X");
        assert_eq!(mask_mobile("+86 138 1234 5678"), "138****5678");
        assert_eq!(mask_id("123"), "***");
    }

    #[test]
    fn email_addresses_are_checked_and_masked() {
        assert_eq!(email_problem("zhangsan@example.com"), None);
        assert_eq!(email_problem(" li.si+case@mail.example.cn "), None);
        for bad in ["zhangsan", "@example.com", "a@b", "a@@b.cn", "a b@c.cn", "a@.cn", "a@cn."] {
            assert!(email_problem(bad).is_some(), "{bad}");
        }
        assert_eq!(mask_email("zhangsan@example.com"), "zh***@example.com");
    }
}
