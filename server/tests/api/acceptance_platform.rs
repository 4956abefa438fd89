//! A stand-in for a Ningbo-style provincial acceptance platform, written
//! from the profile's interface (README, "Reporting to the province") and
//! GB/T 39046's code lists, not from Bianmin's code: it reads the GB18030
//! form body byte by byte, checks the HMAC-SHA256 signature over the values
//! as sent, parses the XML `data` and validates every field — lengths, code
//! lists, time formats, the Zhejiang satisfaction scale — and answers as such
//! platforms do: `00` taken, `02` a serial it already has, `01` refused with a
//! reason, or HTTP 503 while "away".

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use hmac::{Hmac, Mac};

pub const APP_KEY: &str = "bianmin-county";
pub const SECRET: &str = "s3cret-from-the-province";

/// One call the platform took.
#[derive(Clone, Debug)]
pub struct Taken {
    pub method: String,
    pub fields: BTreeMap<String, String>,
    pub materials: Vec<BTreeMap<String, String>>,
}

#[derive(Default)]
pub struct Platform {
    pub away: bool,
    /// Every call taken, in order (a repeated serial is not taken again).
    pub taken: Vec<Taken>,
    /// Answers already given, by serial.
    answers: HashMap<String, String>,
    /// How many calls came at all, repeats included.
    pub received: usize,
    /// Case numbers given, and whether each is registered / finished.
    issued: HashMap<String, (bool, bool)>,
    next: u64,
    /// 实施编码 the province does not know: `register` is refused.
    pub unknown_items: Vec<String>,
}

impl Platform {
    pub fn taken_of(&self, number: &str) -> Vec<Taken> {
        self.taken.iter().filter(|t| t.fields.get("PROJID").map(String::as_str) == Some(number)).cloned().collect()
    }
}

pub type Shared = Arc<Mutex<Platform>>;

/// The platform on loopback; its endpoint.
pub async fn start(platform: &Shared) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/acceptance", listener.local_addr().unwrap());
    let router = axum::Router::new()
        .route("/acceptance/{method}", axum::routing::post(receive))
        .with_state(Arc::clone(platform));
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    url
}

fn answer(code: &str, msg: &str, data: serde_json::Value) -> String {
    serde_json::json!({"code": code, "msg": msg, "data": data}).to_string()
}

/// The answer as the platform sends it: JSON in GB18030.
fn reply(status: StatusCode, text: &str) -> Response {
    let (bytes, _, _) = encoding_rs::GB18030.encode(text);
    (status, [("content-type", "application/json; charset=GB18030")], bytes.into_owned()).into_response()
}

/// `%XX` and `+` back to bytes.
fn unescape(text: &str) -> Vec<u8> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < b.len() => {
                out.push(u8::from_str_radix(std::str::from_utf8(&b[i + 1..i + 3]).unwrap(), 16).unwrap());
                i += 2;
            }
            c => out.push(c),
        }
        i += 1;
    }
    out
}

async fn receive(
    State(platform): State<Shared>,
    Path(method): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let mut p = platform.lock().unwrap();
    p.received += 1;
    if p.away {
        return (StatusCode::SERVICE_UNAVAILABLE, "维护中").into_response();
    }
    let content_type = headers.get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default();
    if content_type != "application/x-www-form-urlencoded; charset=GB18030" {
        return reply(
            StatusCode::OK,
            &answer("01", &format!("编码应为 GB18030：{content_type}"), serde_json::Value::Null),
        );
    }
    let body = std::str::from_utf8(&body).expect("a form body is ASCII");
    let mut form: BTreeMap<String, String> = BTreeMap::new();
    for pair in body.split('&') {
        let (k, v) = pair.split_once('=').unwrap();
        let bytes = unescape(v);
        let (text, _, bad) = encoding_rs::GB18030.decode(&bytes);
        assert!(!bad, "{k} is not GB18030");
        form.insert(k.to_owned(), text.into_owned());
    }
    let sign = form.remove("sign").unwrap_or_default();
    let names: Vec<&str> = form.keys().map(String::as_str).collect();
    assert_eq!(names, ["appKey", "data", "method", "serial", "timestamp"], "exactly the interface's fields");
    let canonical: Vec<String> = form.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let mut mac = <Hmac<sha2::Sha256> as Mac>::new_from_slice(SECRET.as_bytes()).unwrap();
    mac.update(&encoding_rs::GB18030.encode(&canonical.join("&")).0);
    let expected: String = mac.finalize().into_bytes().iter().map(|b| format!("{b:02X}")).collect();
    if sign != expected || form["appKey"] != APP_KEY {
        return reply(StatusCode::OK, &answer("01", "签名验证失败", serde_json::Value::Null));
    }
    assert_eq!(form["method"], method);
    let timestamp = &form["timestamp"];
    assert!(timestamp.len() == 14 && timestamp.bytes().all(|b| b.is_ascii_digit()), "{timestamp}");
    let serial = form["serial"].clone();
    if let Some(earlier) = p.answers.get(&serial) {
        let mut again: serde_json::Value = serde_json::from_str(earlier).unwrap();
        again["code"] = "02".into();
        again["msg"] = "重复提交，已受理".into();
        return reply(StatusCode::OK, &again.to_string());
    }
    let (fields, materials) = parse(&form["data"]);
    let data = match validate(&mut p, &method, &fields, &materials) {
        Ok(data) => data,
        Err(why) => return reply(StatusCode::OK, &answer("01", &why, serde_json::Value::Null)),
    };
    let text = answer("00", "成功", data);
    p.answers.insert(serial, text.clone());
    p.taken.push(Taken { method, fields, materials });
    reply(StatusCode::OK, &text)
}

/// The XML `data`: the fields of `<DATA>`, and each `<MATERIAL>`'s.
fn parse(xml: &str) -> (BTreeMap<String, String>, Vec<BTreeMap<String, String>>) {
    use quick_xml::events::Event;
    assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"GB18030\"?>"), "{xml}");
    let mut reader = quick_xml::Reader::from_str(xml);
    let (mut fields, mut materials) = (BTreeMap::new(), Vec::new());
    let mut path: Vec<String> = Vec::new();
    let mut text = String::new();
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Start(e) => {
                let name = e.name().as_ref().to_owned();
                if name == "MATERIAL" {
                    materials.push(BTreeMap::new());
                }
                path.push(name);
                text.clear();
            }
            Event::Text(t) => text.push_str(&t),
            Event::GeneralRef(r) => {
                let name: &str = &r;
                text.push_str(match name {
                    "amp" => "&",
                    "lt" => "<",
                    "gt" => ">",
                    "quot" => "\"",
                    "apos" => "'",
                    other => panic!("unknown entity {other}"),
                });
            }
            Event::End(_) => {
                let name = path.pop().unwrap();
                match path.last().map(String::as_str) {
                    Some("DATA") if name != "MATERIALS" => {
                        fields.insert(name, std::mem::take(&mut text));
                    }
                    Some("MATERIAL") => {
                        materials.last_mut().unwrap().insert(name, std::mem::take(&mut text));
                    }
                    _ => {}
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    (fields, materials)
}

/// `yyyy-MM-dd HH:mm:ss`.
fn time(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() == 19
        && b.iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            10 => *c == b' ',
            13 | 16 => *c == b':',
            _ => c.is_ascii_digit(),
        })
}

fn field<'a>(fields: &'a BTreeMap<String, String>, name: &str, max: usize) -> Result<&'a str, String> {
    let value = fields.get(name).map(String::as_str).unwrap_or_default();
    if value.is_empty() {
        return Err(format!("{name} 不能为空"));
    }
    if value.chars().count() > max {
        return Err(format!("{name} 超长"));
    }
    Ok(value)
}

fn one_of(fields: &BTreeMap<String, String>, name: &str, list: &[&str]) -> Result<(), String> {
    let value = fields.get(name).map(String::as_str).unwrap_or_default();
    if list.contains(&value) { Ok(()) } else { Err(format!("{name} 取值不在代码表中：{value}")) }
}

fn a_time(fields: &BTreeMap<String, String>, name: &str) -> Result<(), String> {
    if time(fields.get(name).map(String::as_str).unwrap_or_default()) {
        Ok(())
    } else {
        Err(format!("{name} 时间格式应为 yyyy-MM-dd HH:mm:ss"))
    }
}

fn validate(
    p: &mut Platform,
    method: &str,
    f: &BTreeMap<String, String>,
    materials: &[BTreeMap<String, String>],
) -> Result<serde_json::Value, String> {
    if method == "getPId" {
        field(f, "SERVICECODE", 50)?;
        let area = field(f, "AREACODE", 6)?;
        if area.len() != 6 || !area.bytes().all(|b| b.is_ascii_digit()) {
            return Err("AREACODE 应为 6 位行政区划代码".into());
        }
        a_time(f, "APPLYDATE")?;
        p.next += 1;
        let day = f["APPLYDATE"][..10].replace('-', "");
        let number = format!("{area}{day}{:07}", p.next);
        assert_eq!(number.len(), 21);
        p.issued.insert(number.clone(), (false, false));
        return Ok(serde_json::json!({ "pId": number }));
    }
    let number = field(f, "PROJID", 21)?;
    let Some((registered, over)) = p.issued.get(number).copied() else {
        return Err(format!("申报号不存在：{number}"));
    };
    match method {
        "register" => {
            if registered {
                return Err("该申报号已登记".into());
            }
            let code = field(f, "SERVICECODE", 50)?;
            if p.unknown_items.iter().any(|c| c == code) {
                return Err(format!("实施编码 {code} 未在省事项库登记"));
            }
            field(f, "SERVICENAME", 200)?;
            field(f, "PROJECTNAME", 200)?;
            one_of(f, "INFOTYPE", &["1", "2", "9"])?;
            one_of(f, "APPLYFROM", &["1", "2", "3", "4", "9"])?;
            a_time(f, "APPLYDATE")?;
            field(f, "APPLYNAME", 100)?;
            one_of(f, "APPLY_CARDTYPE", &["111", "001"])?;
            let id = field(f, "APPLY_CARDNUMBER", 18)?;
            if id.len() != 18 {
                return Err("APPLY_CARDNUMBER 应为 18 位".into());
            }
            let phone = field(f, "APPLY_TELPHONE", 20)?;
            if !phone.bytes().all(|b| b.is_ascii_digit() || b == b'-') {
                return Err("APPLY_TELPHONE 格式不对".into());
            }
            if materials.is_empty() {
                return Err("至少要有一份材料".into());
            }
            for m in materials {
                field(m, "NAME", 200)?;
                one_of(m, "ISRECEIVED", &["0", "1"])?;
                one_of(m, "RECEIVETYPE", &["1", "2", "3"])?;
                if m.get("FILECOUNT").is_none_or(|n| n.parse::<u32>().is_err()) {
                    return Err("FILECOUNT 应为数字".into());
                }
            }
            p.issued.insert(number.to_owned(), (true, false));
        }
        _ if !registered => return Err(format!("办件 {number} 尚未登记")),
        _ if over && method != "evaluate" => return Err(format!("办件 {number} 已办结")),
        "accept" => {
            one_of(f, "ACCEPT_STATE", &["0", "1"])?;
            field(f, "ACCEPT_DEPT", 100)?;
            if field(f, "ACCEPT_DEPTCODE", 18)?.len() != 18 {
                return Err("ACCEPT_DEPTCODE 应为 18 位统一社会信用代码".into());
            }
            field(f, "ACCEPT_MAN", 50)?;
            a_time(f, "ACCEPT_TIME")?;
            one_of(f, "INFOTYPE", &["1", "2", "9"])?;
            if f["ACCEPT_STATE"] == "0" {
                a_time(f, "PROMISE_DATE")?;
                field(f, "ACCEPT_DOCNO", 100)?;
            } else {
                field(f, "REASON", 500)?;
            }
        }
        "handler" => {
            field(f, "NODENAME", 50)?;
            one_of(f, "HANDLE_RESULT", &["submit", "return", "other"])?;
            field(f, "HANDLER", 50)?;
            a_time(f, "HANDLE_TIME")?;
            if f.contains_key("SPECIAL_TYPE") {
                one_of(f, "SPECIAL_TYPE", &["1", "2"])?;
                one_of(f, "SPECIAL_STATE", &["0", "1"])?;
                a_time(f, "SPECIAL_START")?;
                if f["SPECIAL_STATE"] == "1" && f["SPECIAL_TYPE"] == "2" {
                    a_time(f, "SPECIAL_END")?;
                }
                if f["SPECIAL_TYPE"] == "1" && f.get("SPECIAL_DAYS").is_none_or(|d| d.parse::<u16>().is_err()) {
                    return Err("延长审批应写明天数".into());
                }
            }
        }
        "over" => {
            one_of(f, "OVER_TYPE", &["1", "2", "3", "4"])?;
            if f["OVER_TYPE"] == "1" {
                one_of(f, "RESULT", &["0", "1"])?;
            }
            a_time(f, "OVER_TIME")?;
            field(f, "HANDLER", 50)?;
            let validity = f.get("VALIDITY").map(String::as_str).unwrap_or_default();
            if !validity.is_empty() && !time(&format!("{validity} 00:00:00")) {
                return Err("VALIDITY 应为 yyyy-MM-dd".into());
            }
            one_of(f, "POSTED", &["0", "1"])?;
            p.issued.insert(number.to_owned(), (true, true));
        }
        "evaluate" => {
            // Zhejiang's scale: 1 非常不满意 … 5 非常满意; 不满意 needs its reason.
            one_of(f, "SATISFACTION", &["1", "2", "3", "4", "5"])?;
            if matches!(f["SATISFACTION"].as_str(), "1" | "2") {
                field(f, "REASON", 500)?;
            }
            one_of(f, "CHANNEL", &["1", "2", "3", "4", "5", "6", "7", "9"])?;
            one_of(f, "TIMES", &["1", "2"])?;
            one_of(f, "STAGE", &["1", "2"])?;
            a_time(f, "EVAL_TIME")?;
        }
        other => return Err(format!("没有这个接口：{other}")),
    }
    Ok(serde_json::Value::Null)
}
