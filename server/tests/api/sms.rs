//! SMS to applicants through Alibaba Cloud's and Tencent Cloud's documented
//! HTTP APIs. Each provider is stood in for by a receiver on loopback, started
//! here, that checks every request's signature the way the provider's
//! documentation says (its own code, not the server's) and answers as the
//! provider does: success, throttled, or a template it refuses.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use base64::Engine;
use hmac::{Hmac, Mac};
use serde_json::{Value, json};

use crate::support::{TestApp, complete_application, spawn_app_with, staff_token};

pub const KEY_ID: &str = "LTAI5tTestKeyId";
pub const KEY_SECRET: &str = "test-secret-0123456789";
const SIGN_NAME: &str = "示范县政务服务中心";
/// Answered "throttled" the first time, then taken.
const SUBMITTED: &str = "SMS_100001";
/// Refused as not approved, every time.
const ACCEPTED: &str = "SMS_100002";
const SUPPLEMENT: &str = "SMS_100003";
const LATER_SOON: &str = "SMS_100004";
const LATER_TODAY: &str = "SMS_100005";
/// The one-time code's verification template.
pub const CODE: &str = "SMS_100009";

#[derive(Clone, Copy, PartialEq)]
pub enum Provider {
    Aliyun,
    Tencent,
}

/// One request as the stand-in read it.
#[derive(Clone, Debug)]
pub struct Sent {
    pub phone: String,
    pub template: String,
    /// The variables: by name (Alibaba Cloud) or `1`, `2` … (Tencent Cloud).
    pub params: BTreeMap<String, String>,
    pub signed: bool,
    pub answer: &'static str,
}

/// What the stand-in received: progress notices, and one-time codes apart
/// (so the journeys count notices as before).
#[derive(Default)]
pub struct Seen {
    pub sent: Vec<Sent>,
    pub codes: Vec<Sent>,
}

/// `%XX` and `+` decoded, as a form body is.
fn form_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                out.push(u8::from_str_radix(&text[i + 1..i + 3], 16).unwrap());
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).unwrap()
}

/// Alibaba Cloud's RPC signature 1.0, written from its documentation: sorted
/// parameters, RFC 3986 encoding, `POST&%2F&…`, HMAC-SHA1 keyed `secret&`, Base64.
fn aliyun_signature_holds(params: &BTreeMap<String, String>) -> bool {
    fn encode(text: &str) -> String {
        text.bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                    (b as char).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect()
    }
    let Some(given) = params.get("Signature") else { return false };
    let query: Vec<String> =
        params.iter().filter(|(k, _)| *k != "Signature").map(|(k, v)| format!("{}={}", encode(k), encode(v))).collect();
    let to_sign = format!("POST&%2F&{}", encode(&query.join("&")));
    let mut mac = <Hmac<sha1::Sha1> as Mac>::new_from_slice(format!("{KEY_SECRET}&").as_bytes()).unwrap();
    mac.update(to_sign.as_bytes());
    let expected = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
    params.get("SignatureMethod").map(String::as_str) == Some("HMAC-SHA1") && *given == expected
}

fn hmac256(key: &[u8], data: &[u8]) -> Vec<u8> {
    let mut mac = <Hmac<sha2::Sha256> as Mac>::new_from_slice(key).unwrap();
    mac.update(data);
    mac.finalize().into_bytes().to_vec()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Tencent Cloud's TC3-HMAC-SHA256, written from its documentation, over the
/// headers the request names in SignedHeaders.
fn tencent_signature_holds(headers: &HeaderMap, body: &[u8]) -> bool {
    use sha2::Digest;
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    let authorization = header("authorization");
    let Some(rest) = authorization.strip_prefix("TC3-HMAC-SHA256 ") else { return false };
    let fields: BTreeMap<&str, &str> = rest.split(", ").filter_map(|f| f.split_once('=')).collect();
    let (Some(credential), Some(signed), Some(given)) =
        (fields.get("Credential"), fields.get("SignedHeaders"), fields.get("Signature"))
    else {
        return false;
    };
    let timestamp = header("x-tc-timestamp");
    let Ok(secs) = timestamp.parse::<i64>() else { return false };
    let date = domain::time::date::rfc3339(secs)[..10].to_owned();
    let canonical_headers: String =
        signed.split(';').map(|name| format!("{name}:{}\n", header(name).trim().to_lowercase())).collect();
    let canonical_request = format!("POST\n/\n\n{canonical_headers}\n{signed}\n{}", hex(&sha2::Sha256::digest(body)));
    let scope = format!("{date}/sms/tc3_request");
    let to_sign = format!("TC3-HMAC-SHA256\n{timestamp}\n{scope}\n{}", hex(&sha2::Sha256::digest(canonical_request)));
    let key =
        hmac256(&hmac256(&hmac256(format!("TC3{KEY_SECRET}").as_bytes(), date.as_bytes()), b"sms"), b"tc3_request");
    *credential == format!("{KEY_ID}/{scope}")
        && signed.split(';').any(|h| h == "host")
        && header("x-tc-action") == "SendSms"
        && (bianmin::db::unix_now() - secs).abs() < 300
        && *given == hex(&hmac256(&key, to_sign.as_bytes()))
}

/// How the provider answers a template's `n`-th request (from 1).
fn answer_for(template: &str, n: usize) -> &'static str {
    match (template, n) {
        (SUBMITTED, 1) => "throttled",
        (ACCEPTED, _) => "template_rejected",
        _ => "ok",
    }
}

fn aliyun_reply(answer: &str) -> Value {
    match answer {
        "ok" => {
            json!({"Code": "OK", "Message": "OK", "BizId": "900619746936498440^0", "RequestId": "F655A8D5-B967-440B-8683-DAD6FF8DE990"})
        }
        "throttled" => {
            json!({"Code": "isv.BUSINESS_LIMIT_CONTROL", "Message": "触发分钟级流控Permits:1", "RequestId": "A1"})
        }
        "template_rejected" => {
            json!({"Code": "isv.SMS_TEMPLATE_ILLEGAL", "Message": "模板不合法(不存在或被拉黑)", "RequestId": "A2"})
        }
        _ => {
            json!({"Code": "SignatureDoesNotMatch", "Message": "Specified signature is not matched with our calculation.", "RequestId": "A3"})
        }
    }
}

fn tencent_reply(answer: &str, phone: &str) -> Value {
    let status = |code: &str, message: &str| {
        json!({"Response": {"SendStatusSet": [{"SerialNo": if code == "Ok" { "5000:1045710669157053657849499619" } else { "" },
            "PhoneNumber": phone, "Fee": 1, "SessionContext": "", "Code": code, "Message": message, "IsoCode": "CN"}],
            "RequestId": "a0aabda6-cf91-4f3e-a81f-9198114a2279"}})
    };
    match answer {
        "ok" => status("Ok", "send success"),
        "throttled" => {
            json!({"Response": {"Error": {"Code": "RequestLimitExceeded", "Message": "请求的次数超过了频率限制。"}, "RequestId": "t1"}})
        }
        "template_rejected" => {
            status("FailedOperation.TemplateIncorrectOrUnapproved", "template is not approved or not exist")
        }
        _ => {
            json!({"Response": {"Error": {"Code": "AuthFailure.SignatureFailure", "Message": "签名错误"}, "RequestId": "t2"}})
        }
    }
}

async fn receive(
    State((provider, seen)): State<(Provider, Arc<Mutex<Seen>>)>,
    headers: HeaderMap,
    body: Bytes,
) -> axum::Json<Value> {
    let mut seen = seen.lock().unwrap();
    let (phone, template, params, signed) = match provider {
        Provider::Aliyun => {
            let form: BTreeMap<String, String> = std::str::from_utf8(&body)
                .unwrap()
                .split('&')
                .filter_map(|pair| pair.split_once('='))
                .map(|(k, v)| (form_decode(k), form_decode(v)))
                .collect();
            let params: BTreeMap<String, String> =
                serde_json::from_str(form.get("TemplateParam").map_or("{}", String::as_str)).unwrap();
            let ok = aliyun_signature_holds(&form)
                && form.get("Action").map(String::as_str) == Some("SendSms")
                && form.get("AccessKeyId").map(String::as_str) == Some(KEY_ID)
                && form.get("SignName").map(String::as_str) == Some(SIGN_NAME);
            (
                form.get("PhoneNumbers").cloned().unwrap_or_default(),
                form.get("TemplateCode").cloned().unwrap_or_default(),
                params,
                ok,
            )
        }
        Provider::Tencent => {
            let request: Value = serde_json::from_slice(&body).unwrap();
            let params = request["TemplateParamSet"]
                .as_array()
                .unwrap()
                .iter()
                .enumerate()
                .map(|(i, v)| ((i + 1).to_string(), v.as_str().unwrap().to_owned()))
                .collect();
            let ok = tencent_signature_holds(&headers, &body)
                && request["SmsSdkAppId"] == "1400006666"
                && request["SignName"] == SIGN_NAME;
            (
                request["PhoneNumberSet"][0].as_str().unwrap_or_default().to_owned(),
                request["TemplateId"].as_str().unwrap_or_default().to_owned(),
                params,
                ok,
            )
        }
    };
    let n = seen.sent.iter().filter(|s| s.template == template).count() + 1;
    let answer = if signed { answer_for(&template, n) } else { "bad_signature" };
    let sent = Sent { phone: phone.clone(), template, params, signed, answer };
    if sent.template == CODE {
        seen.codes.push(sent)
    } else {
        seen.sent.push(sent)
    }
    axum::Json(match provider {
        Provider::Aliyun => aliyun_reply(answer),
        Provider::Tencent => tencent_reply(answer, &phone),
    })
}

/// The provider's stand-in on loopback; its address.
pub async fn stand_in(provider: Provider, seen: &Arc<Mutex<Seen>>) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let router = axum::Router::new().route("/", axum::routing::post(receive)).with_state((provider, Arc::clone(seen)));
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    url
}

pub async fn app_with_sms(provider: Provider, endpoint: String, today: Option<&str>) -> TestApp {
    app_with_sms_capped(provider, endpoint, today, 10).await
}

async fn app_with_sms_capped(provider: Provider, endpoint: String, today: Option<&str>, cap: u32) -> TestApp {
    app_with_sms_as(provider, endpoint, today, cap, |_| {}).await
}

/// [`app_with_sms`] with the daily cap and any other settings changed.
pub async fn app_with_sms_as(
    provider: Provider,
    endpoint: String,
    today: Option<&str>,
    cap: u32,
    more: impl FnOnce(&mut bianmin::settings::ServeSettings),
) -> TestApp {
    let today = today.map(str::to_owned);
    spawn_app_with(move |s| {
        s.notify.sms_per_recipient_per_day = cap;
        s.notify.sms_provider = if provider == Provider::Aliyun { "aliyun" } else { "tencent" }.into();
        s.notify.sms_endpoint = Some(endpoint);
        s.notify.sms_key_id = Some(KEY_ID.into());
        s.notify.sms_key_secret = Some(KEY_SECRET.into());
        s.notify.sms_sign_name = Some(SIGN_NAME.into());
        s.notify.sms_app_id = Some("1400006666".into());
        s.notify.sms_templates = format!(
            "submitted={SUBMITTED},accepted={ACCEPTED},supplement_requested={SUPPLEMENT},\
             later_due_soon={LATER_SOON},later_due_today={LATER_TODAY},code={CODE}"
        );
        s.notify.outbox_poll_ms = 50;
        s.notify.outbox_retry_secs = 1;
        s.today = today;
        more(s);
    })
    .await
}

/// The last one-time code the stand-in received (sent while the request waited).
pub fn last_code(seen: &Arc<Mutex<Seen>>) -> String {
    let seen = seen.lock().unwrap();
    let sent = seen.codes.last().expect("a code was sent");
    sent.params.get("code").or_else(|| sent.params.get("1")).cloned().unwrap_or_default()
}

/// Prove the form's phone for `client`'s application: ask for a code, read it
/// off the provider's stand-in, type it back.
pub async fn prove(app: &TestApp, client: &reqwest::Client, seen: &Arc<Mutex<Seen>>) {
    let sent = client.post(format!("{}/api/phone-codes", app.address)).json(&json!({"phone": "13812345678"})).send();
    let sent = sent.await.unwrap();
    assert_eq!(sent.status(), 201, "{}", sent.text().await.unwrap());
    let code = last_code(seen);
    let checked = client
        .post(format!("{}/api/phone-codes/check", app.address))
        .json(&json!({"phone": "138 1234 5678", "code": code}));
    let checked = checked.send().await.unwrap();
    assert_eq!(checked.status(), 200, "{}", checked.text().await.unwrap());
}

/// A complete application that asks for progress by SMS.
async fn with_sms(app: &TestApp) -> Value {
    let mut body = complete_application(app).await;
    body["sms"] = json!(true);
    body
}

pub async fn wait_for(seen: &Arc<Mutex<Seen>>, count: usize) -> Vec<Sent> {
    for _ in 0..200 {
        if seen.lock().unwrap().sent.len() >= count {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    seen.lock().unwrap().sent.clone()
}

/// A staff action on a case, which must be taken.
pub async fn act(app: &TestApp, token: &str, case: &str, action: Value) {
    let response = app
        .client
        .post(format!("{}/api/staff/cases/{case}/actions", app.address))
        .bearer_auth(token)
        .json(&action)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "{action}: {}", response.text().await.unwrap());
}

/// The journey through one provider: the receipt throttled once then taken,
/// a supplement request with every material, an acceptance whose template the
/// provider refuses (dead at once, not retried), and what the staff see.
async fn journey(provider: Provider) {
    let seen = Arc::new(Mutex::new(Seen::default()));
    let app = app_with_sms(provider, stand_in(provider, &seen).await, None).await;
    let channels: Value = app.get("/api/notice-channels").await.json().await.unwrap();
    assert_eq!(channels, json!({"sms": true, "email": false}), "what the review page offers");
    prove(&app, &app.client, &seen).await;
    let code = seen.lock().unwrap().codes[0].clone();
    assert!(code.signed, "the code's request is signed too");
    let phone = if provider == Provider::Aliyun { "13812345678" } else { "+8613812345678" };
    assert_eq!(code.phone, phone);
    let response = app.submit("sms-1", &with_sms(&app).await).await;
    assert_eq!(response.status(), 201);
    let receipt: domain::apply::submission::Receipt = response.json().await.unwrap();
    let case = receipt.case_number.clone();
    assert_eq!(
        receipt.notices,
        [domain::apply::submission::ReceiptNotice { channel: "sms".into(), to: "138****5678".into() }],
        "the receipt says where progress goes"
    );
    let token = staff_token(&app, "县交通运输局").await;
    let first = wait_for(&seen, 2).await;
    act(
        &app,
        &token,
        &case,
        json!({"action": "request_supplement", "items": [
        {"material": "photo", "reason": "照片背景不是白色"}, {"material": "id_card", "reason": "背面不清晰"}]}),
    )
    .await;
    wait_for(&seen, 3).await;
    // A second application, accepted at once: the provider refuses that template.
    let other = app.submit("sms-2", &with_sms(&app).await).await;
    let other: domain::apply::submission::Receipt = other.json().await.unwrap();
    wait_for(&seen, 4).await;
    act(&app, &token, &other.case_number, json!({"action": "accept"})).await;
    let sent = wait_for(&seen, 5).await;
    tokio::time::sleep(Duration::from_millis(1500)).await; // room for a wrong retry to show
    let sent_now = seen.lock().unwrap().sent.clone();
    assert_eq!(sent_now.len(), 5, "{sent_now:?}");
    assert!(sent.iter().all(|s| s.signed), "every request is signed as the provider documents: {sent:?}");
    assert!(sent.iter().all(|s| s.phone == phone));
    let answers: Vec<(&str, &str)> = sent.iter().map(|s| (s.template.as_str(), s.answer)).collect();
    assert_eq!(
        answers,
        [
            (SUBMITTED, "throttled"),
            (SUBMITTED, "ok"),
            (SUPPLEMENT, "ok"),
            (SUBMITTED, "ok"),
            (ACCEPTED, "template_rejected")
        ]
    );
    assert_eq!(first.len(), 2);
    let values: Vec<&str> = sent[2].params.values().map(String::as_str).collect();
    let by_name = |name: &str, position: &str| -> String {
        sent[2].params.get(if provider == Provider::Aliyun { name } else { position }).cloned().unwrap_or_default()
    };
    assert_eq!(by_name("item", "1"), "道路货物运输驾驶员从业资格证核发");
    assert_eq!(by_name("case", "2"), case);
    assert_eq!(by_name("count", "3"), "2");
    assert_eq!(by_name("materials", "4"), "近期一寸免冠白底彩色照片、居民身份证", "{values:?}");
    let text = format!("{sent:?}");
    for personal in ["张三", "11010519491231002X", "人民路"] {
        assert!(!text.contains(personal), "no personal data in an SMS");
    }

    // The staff console: to whom (masked), what, how it went; the refused template is dead after one try.
    let staff: domain::case::view::StaffCase =
        app.staff_get(&token, &format!("/api/staff/cases/{case}")).await.json().await.unwrap();
    let sms = |staff: &domain::case::view::StaffCase| -> Vec<(String, String, String, u32)> {
        staff
            .notifications
            .iter()
            .filter(|n| n.channel == "sms")
            .map(|n| (n.recipient.clone(), n.event.clone(), n.state.clone(), n.attempts))
            .collect()
    };
    let (masked, done, dead) = ("138****5678".to_owned(), "done".to_owned(), "dead".to_owned());
    assert_eq!(
        sms(&staff),
        [
            (masked.clone(), "notice.submitted".to_owned(), done.clone(), 2),
            (masked.clone(), "notice.supplement_requested".to_owned(), done.clone(), 1)
        ]
    );
    let staff: domain::case::view::StaffCase =
        app.staff_get(&token, &format!("/api/staff/cases/{}", other.case_number)).await.json().await.unwrap();
    assert_eq!(
        sms(&staff),
        [
            (masked.clone(), "notice.submitted".to_owned(), done.clone(), 1),
            (masked.clone(), "notice.accepted".to_owned(), dead.clone(), 1)
        ]
    );
    let dead = staff.notifications.iter().find(|n| n.state == "dead").unwrap();
    assert!(dead.last_error.as_deref().unwrap().contains("短信模板不存在或未通过审核"), "{dead:?}");

    // An applicant who turned SMS off gets none, and the receipt does not promise one.
    let mut body = with_sms(&app).await;
    body["sms"] = json!(false);
    let receipt: domain::apply::submission::Receipt = app.submit("sms-3", &body).await.json().await.unwrap();
    assert!(receipt.notices.is_empty());
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(seen.lock().unwrap().sent.len(), 5);
}

#[tokio::test]
async fn alibaba_cloud_sms_is_signed_retried_when_throttled_and_given_up_when_the_template_is_refused() {
    journey(Provider::Aliyun).await;
}

#[tokio::test]
async fn tencent_cloud_sms_is_signed_retried_when_throttled_and_given_up_when_the_template_is_refused() {
    journey(Provider::Tencent).await;
}

#[tokio::test]
async fn the_applicant_is_reminded_of_later_materials_three_working_days_ahead_counting_holidays_and_on_the_day() {
    let seen = Arc::new(Mutex::new(Seen::default()));
    // Accepted Monday 2026-12-28: five working days on, over New Year's Day (a holiday), is Tuesday 2027-01-05.
    let app = app_with_sms(Provider::Aliyun, stand_in(Provider::Aliyun, &seen).await, Some("2026-12-28")).await;
    prove(&app, &app.client, &seen).await;
    let response = app.submit("sms-later", &with_sms(&app).await).await;
    let case = response.json::<Value>().await.unwrap()["case_number"].as_str().unwrap().to_owned();
    let token = staff_token(&app, "县交通运输局").await;
    act(&app, &token, &case, json!({"action": "accept"})).await;
    wait_for(&seen, 3).await; // the receipt (throttled, then sent) and the refused acceptance
    let reminders = |seen: &Arc<Mutex<Seen>>| -> Vec<Sent> {
        seen.lock()
            .unwrap()
            .sent
            .iter()
            .filter(|s| s.template == LATER_SOON || s.template == LATER_TODAY)
            .cloned()
            .collect()
    };

    // Tuesday 2026-12-29: four working days left (30, 31, 4, 5): no reminder yet.
    let tuesday = app.on_day("2026-12-29").await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert!(reminders(&seen).is_empty(), "{:?}", reminders(&seen));
    drop(tuesday);
    // Wednesday 2026-12-30: three working days left, the holiday not counted.
    let wednesday = app.on_day("2026-12-30").await;
    for _ in 0..100 {
        if !reminders(&seen).is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let soon = reminders(&seen);
    assert_eq!(soon.len(), 1, "{soon:?}");
    assert_eq!(soon[0].template, LATER_SOON);
    assert_eq!(soon[0].params["date"], "2027年1月5日");
    assert_eq!(soon[0].params["case"], case);
    drop(wednesday);
    // Thursday: planned again, nothing twice. Tuesday 2027-01-05: the last day.
    let _thursday = app.on_day("2026-12-31").await;
    let _last_day = app.on_day("2027-01-05").await;
    for _ in 0..100 {
        if reminders(&seen).len() >= 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tokio::time::sleep(Duration::from_millis(1000)).await;
    let got: Vec<String> = reminders(&seen).iter().map(|s| s.template.clone()).collect();
    assert_eq!(got, [LATER_SOON, LATER_TODAY]);
}

#[tokio::test]
async fn one_phone_gets_at_most_its_daily_share_whoever_submits() {
    let seen = Arc::new(Mutex::new(Seen::default()));
    let app = app_with_sms_capped(Provider::Aliyun, stand_in(Provider::Aliyun, &seen).await, None, 3).await;
    // Five applications naming the same (proven) phone.
    prove(&app, &app.client, &seen).await;
    for i in 0..5 {
        assert_eq!(app.submit(&format!("cap-{i}"), &with_sms(&app).await).await.status(), 201);
    }
    let rows = sqlx::query("SELECT COUNT(*) AS n FROM outbox WHERE channel = 'sms'").fetch_one(&app.db().await).await;
    assert_eq!(sqlx::Row::get::<i64, _>(&rows.unwrap(), "n"), 3, "three written, two not");
    let sent = wait_for(&seen, 4).await;
    assert!(sent.iter().filter(|s| s.answer == "ok").count() <= 3, "{sent:?}");
}
