//! Progress SMS goes only to a number the applicant proved with a one-time
//! code: sent through the provider's stand-in (which checks the signature as
//! the provider documents it), bound to one application, throttled per number
//! and per address, spent after five wrong tries, kept only as keyed hashes.

use std::sync::{Arc, Mutex};

use serde_json::{Value, json};
use sqlx::Row;

use crate::sms::{CODE, Provider, Seen, app_with_sms_as, last_code, stand_in};
use crate::support::{TestApp, applicant_client, complete_application, spawn_app};

const PHONE: &str = "13812345678";

async fn ask(app: &TestApp, client: &reqwest::Client, phone: &str) -> (u16, Value) {
    let response = client.post(format!("{}/api/phone-codes", app.address)).json(&json!({ "phone": phone }));
    let response = response.send().await.unwrap();
    (response.status().as_u16(), response.json().await.unwrap())
}

async fn answer(app: &TestApp, client: &reqwest::Client, code: &str) -> (u16, Value) {
    let body = json!({ "phone": PHONE, "code": code });
    let response = client.post(format!("{}/api/phone-codes/check", app.address)).json(&body).send().await.unwrap();
    (response.status().as_u16(), response.json().await.unwrap())
}

fn message(body: &Value) -> String {
    body["error"]["message"].as_str().unwrap_or_default().to_owned()
}

/// A code that is not the one sent (the last digit moved on).
fn wrong(code: &str) -> String {
    let last = code.as_bytes()[5] - b'0';
    format!("{}{}", &code[..5], (last + 1) % 10)
}

/// Move every code's sending time back, as if `secs` had passed.
async fn age_codes(app: &TestApp, secs: i64) {
    let db = app.db().await;
    for row in sqlx::query("SELECT id, sent_at FROM phone_codes").fetch_all(&db).await.unwrap() {
        let at: String = row.get("sent_at");
        let older = domain::time::date::rfc3339(domain::time::date::unix_secs(&at).unwrap() - secs);
        sqlx::query("UPDATE phone_codes SET sent_at = $1 WHERE id = $2")
            .bind(older)
            .bind(row.get::<String, _>("id"))
            .execute(&db)
            .await
            .unwrap();
    }
}

async fn sms_app(seen: &Arc<Mutex<Seen>>) -> TestApp {
    app_with_sms_as(Provider::Aliyun, stand_in(Provider::Aliyun, seen).await, None, 10, |_| {}).await
}

#[tokio::test]
async fn progress_sms_goes_only_to_a_number_this_application_proved() {
    let seen = Arc::new(Mutex::new(Seen::default()));
    let app = sms_app(&seen).await;
    let mut body = complete_application(&app).await;
    body["sms"] = json!(true);

    // Asked for without a proof: refused in place, nothing sent, nothing lost.
    let refused = app.submit("unproven", &body).await;
    assert_eq!(refused.status(), 422);
    let refused: Value = refused.json().await.unwrap();
    let fields = refused["problems"]["fields"].as_array().unwrap();
    assert_eq!(fields.len(), 1, "{refused}");
    assert_eq!(fields[0]["field"], "sms");
    assert_eq!(fields[0]["message"], domain::apply::phone_code::UNPROVEN);

    // The code: the verification template, the number, six digits and nothing else.
    let (status, sent) = ask(&app, &app.client, PHONE).await;
    assert_eq!((status, &sent["to"]), (201, &json!("138****5678")), "{sent}");
    let code = last_code(&seen);
    {
        let seen = seen.lock().unwrap();
        let request = &seen.codes[0];
        assert_eq!((request.template.as_str(), request.phone.as_str(), request.signed), (CODE, PHONE, true));
        assert_eq!(request.params.keys().collect::<Vec<_>>(), ["code"]);
    }
    assert!(code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()), "{code}");
    // Asked again at once: told to wait, no second SMS.
    let (status, again) = ask(&app, &app.client, PHONE).await;
    assert_eq!(status, 429);
    assert!(message(&again).contains("秒后再重新获取"), "{again}");
    assert_eq!(seen.lock().unwrap().codes.len(), 1);

    // Another application (another device) cannot use this application's code.
    let stranger = applicant_client(&app.address).await;
    let (status, other) = answer(&app, &stranger, &code).await;
    assert_eq!(status, 422, "{other}");
    // A wrong code says how many tries are left; the right one proves the number.
    let (status, mistyped) = answer(&app, &app.client, &wrong(&code)).await;
    assert_eq!(status, 422);
    assert!(message(&mistyped).contains("还可以再试 4 次"), "{mistyped}");
    let (status, proven) = answer(&app, &app.client, &format!(" {} ", code)).await;
    assert_eq!((status, &proven["to"]), (200, &json!("138****5678")), "{proven}");

    // The same application now submits with SMS; the receipt promises it and it goes.
    let receipt = app.submit("proven", &body).await;
    assert_eq!(receipt.status(), 201);
    let receipt: Value = receipt.json().await.unwrap();
    assert_eq!(receipt["notices"], json!([{"channel": "sms", "to": "138****5678"}]));
    let notices = crate::sms::wait_for(&seen, 1).await;
    assert_eq!(notices.len(), 1);
    // The stranger's application, naming the same number, is still refused.
    let mut theirs = crate::support::complete_application_as(&stranger, &app.address, crate::support::PDF).await;
    theirs["sms"] = json!(true);
    assert_eq!(app.submit_as(&stranger, "theirs", &theirs).await.status(), 422);

    // Neither the number nor the code is in the database in clear.
    let db = app.db().await;
    for row in sqlx::query("SELECT * FROM phone_codes").fetch_all(&db).await.unwrap() {
        for column in ["id", "application_hash", "phone_key", "code_hash", "sent_at"] {
            let value: String = row.get(column);
            assert!(!value.contains(PHONE) && !value.contains(&code), "{column}: {value}");
        }
    }
}

#[tokio::test]
async fn five_wrong_tries_spend_a_code_and_a_number_gets_five_codes_a_day() {
    let seen = Arc::new(Mutex::new(Seen::default()));
    let app = sms_app(&seen).await;
    assert_eq!(ask(&app, &app.client, PHONE).await.0, 201);
    let code = last_code(&seen);
    for left in (0..5).rev() {
        let (status, body) = answer(&app, &app.client, &wrong(&code)).await;
        assert_eq!(status, 422);
        let expected = if left > 0 { format!("还可以再试 {left} 次") } else { "重新获取".to_owned() };
        assert!(message(&body).contains(&expected), "{left}: {body}");
    }
    let (status, spent) = answer(&app, &app.client, &code).await;
    assert_eq!(status, 422, "the right code after five wrong ones: {spent}");
    assert!(message(&spent).contains("太多"), "{spent}");

    // A code older than ten minutes no longer proves anything.
    age_codes(&app, 61).await;
    assert_eq!(ask(&app, &app.client, PHONE).await.0, 201);
    let late = last_code(&seen);
    age_codes(&app, 10 * 60 + 1).await;
    let (status, expired) = answer(&app, &app.client, &late).await;
    assert_eq!(status, 422);
    assert!(message(&expired).contains("过期"), "{expired}");

    // Five a day per number, whichever application asks.
    for _ in 0..3 {
        let client = applicant_client(&app.address).await;
        assert_eq!(ask(&app, &client, PHONE).await.0, 201);
        age_codes(&app, 61).await;
    }
    let client = applicant_client(&app.address).await;
    let (status, enough) = ask(&app, &client, PHONE).await;
    assert_eq!(status, 429);
    assert!(message(&enough).contains("今天获取验证码的次数已用完"), "{enough}");
    assert_eq!(seen.lock().unwrap().codes.len(), 5);
    // Another number is not held up by this one.
    assert_eq!(ask(&app, &client, "13912345678").await.0, 201);
}

#[tokio::test]
async fn one_address_asks_for_a_few_codes_an_hour_and_bad_numbers_are_refused() {
    let seen = Arc::new(Mutex::new(Seen::default()));
    let app = app_with_sms_as(Provider::Tencent, stand_in(Provider::Tencent, &seen).await, None, 10, |s| {
        s.limits.phone_codes_per_hour = 2
    })
    .await;
    let (status, bad) = ask(&app, &app.client, "1381234567").await;
    assert_eq!(status, 422);
    assert!(message(&bad).contains("11位手机号码"), "{bad}");
    assert_eq!(ask(&app, &app.client, "13812345678").await.0, 201);
    assert_eq!(ask(&app, &app.client, "13912345678").await.0, 201);
    let (status, busy) = ask(&app, &app.client, "13712345678").await;
    assert_eq!(status, 429);
    assert!(message(&busy).contains("一小时后"), "{busy}");
    let seen = seen.lock().unwrap();
    assert_eq!(seen.codes.iter().map(|s| s.phone.as_str()).collect::<Vec<_>>(), ["+8613812345678", "+8613912345678"]);
    assert!(seen.codes.iter().all(|s| s.signed));
}

#[tokio::test]
async fn a_provider_refusing_our_signature_sends_nothing_and_the_applicant_is_told() {
    for provider in [Provider::Aliyun, Provider::Tencent] {
        let seen = Arc::new(Mutex::new(Seen::default()));
        let app = app_with_sms_as(provider, stand_in(provider, &seen).await, None, 10, |s| {
            s.notify.sms_key_secret = Some("not-the-secret".into())
        })
        .await;
        let (status, body) = ask(&app, &app.client, PHONE).await;
        assert_eq!(status, 503, "{body}");
        assert!(message(&body).contains("没有发出去"), "{body}");
        let seen = seen.lock().unwrap();
        assert_eq!(seen.codes.len(), 1);
        assert!(!seen.codes[0].signed, "the stand-in refuses a request signed with another secret");
        assert_eq!(seen.codes[0].answer, "bad_signature");
    }
}

#[tokio::test]
async fn without_sms_there_is_nothing_to_prove() {
    let app = spawn_app().await;
    let (status, body) = ask(&app, &app.client, PHONE).await;
    assert_eq!(status, 404, "{body}");
    let mut application = complete_application(&app).await;
    application["sms"] = json!(true);
    let receipt: Value = app.submit("no-sms", &application).await.json().await.unwrap();
    assert!(receipt["notices"].is_null(), "no notices promised: {receipt}");
}
