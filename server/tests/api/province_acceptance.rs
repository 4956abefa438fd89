//! Reporting to a Ningbo-style acceptance platform (`acceptance-http`): the
//! platform numbers each case (`getPId`), the receipt says 已提交（待赋码）
//! until it has, and every record of a case walked through 补正, 受理, an
//! extension, a 现场核查 pause and 办结, then rated, is one validated call, in
//! order. While the platform is away nothing is lost; two instances then
//! send each call once; a call the platform refuses is kept with its reason.

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::json;

use crate::acceptance_platform::{APP_KEY, Platform, SECRET, Shared, start};
use crate::province_exchange::{all_delivered, province, reporting_catalog, walk};
use crate::support::{PNG, TestApp, spawn_app_with, spawn_with_settings, staff_token, upload};

/// A platform stand-in (away if `away`) and an app reporting to it, with `extra` settings.
async fn platform_app(
    root: &Path,
    away: bool,
    extra: impl FnOnce(&mut bianmin::settings::ServeSettings) + Send + 'static,
) -> (Shared, TestApp) {
    let platform: Shared = Arc::new(Mutex::new(Platform::default()));
    platform.lock().unwrap().away = away;
    let endpoint = start(&platform).await;
    let catalog = reporting_catalog(root);
    let app = spawn_app_with(move |s| {
        s.calendar = Some(crate::support::repo_catalog().parent().unwrap().join("calendar"));
        s.catalog = catalog;
        s.province.profile = "acceptance-http".into();
        s.province.endpoint = Some(endpoint);
        s.province.app_key = Some(APP_KEY.into());
        s.province.app_secret = Some(SECRET.into());
        s.notify.outbox_poll_ms = 50;
        s.notify.outbox_retry_secs = 1;
        s.today = Some("2026-12-07".into());
        extra(s);
    })
    .await;
    (platform, app)
}

fn methods(platform: &Shared, number: &str) -> Vec<String> {
    platform.lock().unwrap().taken_of(number).iter().map(|t| t.method.clone()).collect()
}

#[tokio::test]
async fn the_platform_numbers_the_case_and_takes_every_record_in_order_field_by_field() {
    let root = tempfile::TempDir::new().unwrap();
    let (platform, app) = platform_app(root.path(), true, |_| {}).await;
    let receipt = crate::steps::submit_complete(&app, "张三", "11010519491231002X", "13812345678").await;
    assert_eq!(receipt.province_number, None);
    assert!(receipt.province_pending, "the receipt says the number is on its way");
    let view = crate::steps::lookup(&app, &receipt).await;
    assert!(view.province_pending && view.province_number.is_none());
    platform.lock().unwrap().away = false;
    all_delivered(&app).await;
    let view = crate::steps::lookup(&app, &receipt).await;
    let number = view.province_number.clone().expect("numbered by the platform");
    assert!(!view.province_pending);
    assert!(number.len() == 21 && number.starts_with("330102"), "the region, the day, a serial: {number}");

    // 补正: asked for, then made.
    let token = staff_token(&app, "县交通运输局").await;
    let case = receipt.case_number.clone();
    let ask = json!({"action": "request_supplement", "items": [{"material": "photo", "reason": "照片背景不是白色"}]});
    crate::province_exchange::act(&app, &token, &case, ask).await;
    let mut body = crate::steps::key(&receipt);
    body["files"] = json!({"photo": [upload(&app, "JT-003", "photo", "新照片.png", PNG).await]});
    let supplied = app.post("/api/cases/supplement", &body).await;
    assert_eq!(supplied.status(), 200, "{}", supplied.text().await.unwrap());
    walk(&app, &case).await;
    let rated = app
        .post(
            "/api/cases/rating",
            &json!({"case_number": case, "query_code": receipt.query_code, "stage": "completion",
                    "channel": "mobile", "rating": {"overall": 5, "reason": ""}}),
        )
        .await;
    assert_eq!(rated.status(), 200, "{}", rated.text().await.unwrap());
    all_delivered(&app).await;

    assert_eq!(
        methods(&platform, &number),
        ["register", "handler", "handler", "accept", "handler", "handler", "handler", "handler", "over", "evaluate"],
        "every record once, in the order it happened"
    );
    let taken = platform.lock().unwrap().taken_of(&number);
    let register = &taken[0];
    assert_eq!(register.fields["APPLYNAME"], "张三");
    assert_eq!(register.fields["APPLY_CARDTYPE"], "111");
    assert_eq!(register.fields["APPLY_CARDNUMBER"], "11010519491231002X");
    assert_eq!(register.fields["SERVICECODE"], "JT-003");
    assert_eq!(register.fields["APPLYFROM"], "2", "a computer's browser: 电脑端");
    assert!(register.materials.iter().any(|m| m["NAME"] == "居民身份证" && m["ISRECEIVED"] == "1"));
    let asked = &taken[1];
    assert_eq!(
        (asked.fields["HANDLE_RESULT"].as_str(), asked.fields["OPINION"].contains("照片背景不是白色")),
        ("return", true)
    );
    let accept = &taken[3];
    assert_eq!(accept.fields["ACCEPT_STATE"], "0");
    assert_eq!(accept.fields["ACCEPT_DOCNO"], "县交通运输局受〔2026〕1号");
    assert!(accept.fields["PROMISE_DATE"].ends_with(" 23:59:59"), "{:?}", accept.fields["PROMISE_DATE"]);
    let extension = &taken[4];
    assert_eq!((extension.fields["SPECIAL_TYPE"].as_str(), extension.fields["SPECIAL_DAYS"].as_str()), ("1", "10"));
    let (begun, ended) = (&taken[6], &taken[7]);
    assert_eq!((begun.fields["NODENAME"].as_str(), begun.fields["SPECIAL_STATE"].as_str()), ("现场核查", "0"));
    assert_eq!((ended.fields["SPECIAL_STATE"].as_str(), ended.fields["SPECIAL_END"].is_empty()), ("1", false));
    let over = &taken[8];
    assert_eq!(
        [&over.fields["OVER_TYPE"], &over.fields["RESULT"], &over.fields["CERT_NO"], &over.fields["VALIDITY"]],
        ["1", "1", "3201002026000123", "2032-11-22"]
    );
    // Rated 非常满意: Zhejiang's scale says 5 (GB/T 39046's would say 1).
    assert_eq!(taken[9].fields["SATISFACTION"], "5");

    // The staff console shows the number, and each record as sent.
    let response = app.staff_get(&token, &format!("/api/staff/cases/{case}")).await;
    let text = response.text().await.unwrap();
    let staff: domain::case::view::StaffCase = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
    assert_eq!(staff.province_number.as_deref(), Some(number.as_str()));
    assert!(staff.notifications.iter().filter(|n| n.channel == "province").all(|n| n.state == "done"));
}

#[tokio::test]
async fn away_nothing_is_lost_two_instances_send_each_call_once_and_a_refusal_is_kept_with_its_reason() {
    let root = tempfile::TempDir::new().unwrap();
    let (platform, app) = platform_app(root.path(), true, |_| {}).await;
    let mut second = app.settings.clone();
    second.listen = "127.0.0.1:0".parse().unwrap();
    let other = spawn_with_settings(second).await;
    let receipt = crate::steps::submit_complete(&app, "张三", "11010519491231002X", "13812345678").await;
    let token = staff_token(&other, "县交通运输局").await;
    crate::province_exchange::act(&other, &token, &receipt.case_number, json!({"action": "accept"})).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let pool = app.db().await;
    let waiting: Vec<(String, String, Option<String>)> =
        sqlx::query_as("SELECT event, state, last_error FROM outbox WHERE channel = 'province' ORDER BY id")
            .fetch_all(&pool)
            .await
            .unwrap();
    let events: Vec<&str> = waiting.iter().map(|w| w.0.as_str()).collect();
    assert_eq!(events, ["赋码", "办事申请", "事项受理"]);
    assert!(waiting.iter().all(|w| w.1 == "pending"), "{waiting:?}");
    assert!(waiting[0].2.as_deref().unwrap_or_default().contains("省平台暂时不可用（HTTP 503）"), "{waiting:?}");
    let checked = province(&app, "check").await;
    assert!(!checked.status.success());
    let listed = String::from_utf8_lossy(&checked.stdout);
    assert!(listed.contains(&receipt.case_number) && listed.contains("待赋码"), "{listed}");

    // Back: both instances deliver, and the platform took each call once.
    platform.lock().unwrap().away = false;
    assert_eq!(all_delivered(&app).await, 3);
    tokio::time::sleep(Duration::from_millis(500)).await;
    let number = crate::steps::lookup(&app, &receipt).await.province_number.unwrap();
    assert_eq!(methods(&platform, &number), ["register", "accept"]);
    let numbered = platform.lock().unwrap().taken.iter().filter(|t| t.method == "getPId").count();
    assert_eq!(numbered, 1, "one number for one case");
    assert!(province(&app, "check").await.status.success());

    // A replay sends again; the platform knows each serial and takes nothing twice.
    let replayed = province(&app, "replay").await;
    assert!(replayed.status.success(), "{}", String::from_utf8_lossy(&replayed.stderr));
    assert_eq!(all_delivered(&app).await, 3);
    assert_eq!(methods(&platform, &number), ["register", "accept"]);

    // An item the province does not know: register is refused with the platform's
    // reason, the row given up at once and the case's later calls kept waiting.
    platform.lock().unwrap().unknown_items.push("JT-003".into());
    let refused = crate::steps::submit_complete(&app, "李四", "110105198001011238", "13912345678").await;
    let mut last = (String::new(), None::<String>);
    for _ in 0..100 {
        last = sqlx::query_as(
            "SELECT state, last_error FROM outbox WHERE channel = 'province' AND case_number = $1 AND event = '办事申请'",
        )
        .bind(&refused.case_number)
        .fetch_one(&pool)
        .await
        .unwrap();
        if last.0 == "dead" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(last.0, "dead");
    assert_eq!(last.1.as_deref(), Some("省平台拒收：实施编码 JT-003 未在省事项库登记"));
    let checked = province(&app, "check").await;
    assert!(String::from_utf8_lossy(&checked.stdout).contains(&refused.case_number));
}

#[tokio::test]
async fn a_joint_case_is_each_items_own_case_on_the_platform_walked_to_its_rating() {
    use crate::joint_cases::{file, supply_later};
    use crate::steps::moved;
    let root = tempfile::TempDir::new().unwrap();
    let (platform, app) = platform_app(root.path(), false, |_| {}).await;
    let body = crate::joint_cases::application(&app).await;
    let response = crate::joint_cases::submit(&app, "joint-platform", &body).await;
    assert_eq!(response.status(), 201, "{}", response.text().await.unwrap());
    let receipt: domain::apply::submission::Receipt = response.json().await.unwrap();
    assert!(receipt.parts.iter().all(|p| p.province_pending && p.province_number.is_none()));
    let whole = receipt.case_number.clone();
    let (lead, city, fire) = (
        staff_token(&app, "县市场监督管理局").await,
        staff_token(&app, "县城市管理局").await,
        staff_token(&app, "县消防救援大队").await,
    );
    let staff: domain::case::view::StaffCase =
        app.staff_get(&lead, &format!("/api/staff/cases/{whole}")).await.json().await.unwrap();
    let part_of =
        |department: &str| staff.parts.iter().find(|p| p.department == department).unwrap().case_number.clone();
    let (food, sign, safety) = (part_of("县市场监督管理局"), part_of("县城市管理局"), part_of("县消防救援大队"));

    // 补正 asked by one department, sent by the lead as one notice, answered once.
    let ask =
        json!({"action": "request_supplement", "items": [{"material": "rendering", "reason": "效果图没有标注尺寸"}]});
    moved(&app, &city, &sign, ask).await;
    moved(&app, &fire, &safety, json!({"action": "agree"})).await;
    moved(&app, &lead, &whole, json!({"action": "request_supplement", "items": []})).await;
    let supplied = app
        .post(
            "/api/cases/supplement",
            &json!({"case_number": whole, "query_code": receipt.query_code,
                    "files": {"CG-001.rendering": file(&app, "CG-001.rendering", "新效果图.png").await}}),
        )
        .await;
    assert_eq!(supplied.status(), 200, "{}", supplied.text().await.unwrap());
    moved(&app, &lead, &whole, json!({"action": "accept"})).await;
    // The sign: extended, inspected on site, granted.
    let extend = json!({"action": "extend", "days": 5, "approver": "赵局长", "reason": "需要会同交警部门核实"});
    moved(&app, &city, &sign, extend).await;
    moved(&app, &city, &sign, json!({"action": "start"})).await;
    moved(&app, &city, &sign, json!({"action": "suspend", "procedure": "inspection", "reason": "现场核查招牌位置"}))
        .await;
    moved(&app, &city, &sign, json!({"action": "resume"})).await;
    let granted = json!({"outcome": "granted", "document_number": "示城管许〔2026〕3号"});
    moved(&app, &city, &sign, json!({"action": "complete", "result": "准予设置", "decision": granted})).await;
    supply_later(&app, &receipt).await;
    moved(&app, &fire, &safety, json!({"action": "complete", "result": "检查合格，发给许可证"})).await;
    moved(&app, &lead, &food, json!({"action": "complete", "result": "准予许可"})).await;
    let rated = app
        .post(
            "/api/cases/rating",
            &json!({"case_number": whole, "query_code": receipt.query_code, "channel": "mobile",
                    "rating": {"overall": 2, "reason": "跑了两次窗口"}}),
        )
        .await;
    assert_eq!(rated.status(), 200, "{}", rated.text().await.unwrap());
    all_delivered(&app).await;

    // Each part is a case of its own on the platform, numbered by it, every record in order.
    let pool = app.db().await;
    let mut numbers = Vec::new();
    for part in [&food, &sign, &safety] {
        let number: Option<String> = sqlx::query_scalar("SELECT province_number FROM cases WHERE case_number = $1")
            .bind(part)
            .fetch_one(&pool)
            .await
            .unwrap();
        numbers.push(number.expect("numbered by the platform"));
    }
    let [food_no, sign_no, safety_no] = <[String; 3]>::try_from(numbers).unwrap();
    let refused: Vec<(String, Option<String>)> =
        sqlx::query_as("SELECT event, last_error FROM outbox WHERE channel = 'province' AND state <> 'done'")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert!(refused.is_empty(), "{refused:?}");
    assert_eq!(
        methods(&platform, &sign_no),
        [
            "register", "handler", "handler", "handler", "accept", "handler", "handler", "handler", "handler", "over",
            "evaluate"
        ],
        "the sign: 补正 asked, sent, made; 受理; extension; 办理; the pause begun and ended; 办结; 评价"
    );
    for number in [&food_no, &safety_no] {
        let calls = methods(&platform, number);
        assert_eq!(calls.first().map(String::as_str), Some("register"), "{calls:?}");
        assert!(calls.contains(&"accept".to_owned()), "{calls:?}");
        assert_eq!(&calls[calls.len() - 2..], ["over", "evaluate"], "{calls:?}");
    }
    // Rated 不满意 (2 of 5) as a whole: each part is rated so, on Zhejiang's scale, with the reason.
    for number in [&food_no, &sign_no, &safety_no] {
        let taken = platform.lock().unwrap().taken_of(number);
        let evaluation = taken.last().unwrap();
        assert_eq!(
            (evaluation.fields["SATISFACTION"].as_str(), evaluation.fields["REASON"].as_str()),
            ("2", "跑了两次窗口")
        );
        assert_eq!(taken[0].fields["APPLYNAME"], "李四");
    }
}

/// The province's signature over a rating it sends back.
fn signed(secret: &str, body: &str) -> String {
    use hmac::{Hmac, Mac};
    let mut mac = <Hmac<sha2::Sha256> as Mac>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(body.as_bytes());
    mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect()
}

#[tokio::test]
async fn where_the_province_collects_ratings_its_page_is_offered_and_its_rating_comes_back_once() {
    let root = tempfile::TempDir::new().unwrap();
    let (platform, app) = platform_app(root.path(), false, |s| {
        s.province.rating_url =
            Some("https://hcp.example.gov.cn/rate?projid={number}&code={code}&back={return}".into());
        s.province.rating_secret = Some("rating-secret".into());
        s.notify.public_url = "https://bianmin.example.gov.cn".into();
    })
    .await;
    let receipt = crate::steps::submit_complete(&app, "张三", "11010519491231002X", "13812345678").await;
    let token = staff_token(&app, "县交通运输局").await;
    let case = receipt.case_number.clone();
    for action in
        [json!({"action": "accept"}), json!({"action": "start"}), json!({"action": "complete", "result": "准予许可"})]
    {
        crate::province_exchange::act(&app, &token, &case, action).await;
    }
    all_delivered(&app).await;
    let view = crate::steps::lookup(&app, &receipt).await;
    let number = view.province_number.clone().unwrap();
    assert!(view.can_rate);
    assert_eq!(
        view.province_rating_url.as_deref(),
        Some(
            format!(
                "https://hcp.example.gov.cn/rate?projid={number}&code=JT-003&back=https%3A%2F%2Fbianmin.example.gov.cn%2Fcases%2F{case}"
            )
            .as_str()
        ),
        "the province's page, for this case, coming back to its status page"
    );

    // The province sends the rating back: 1 on Zhejiang's scale is 非常不满意.
    let body =
        json!({"projid": number, "satisfaction": 1, "channel": "2", "stage": "2", "reason": "等了很久"}).to_string();
    let send = |signature: String, body: String| {
        let app = &app;
        async move {
            app.client
                .post(format!("{}/api/province/ratings", app.address))
                .header("content-type", "application/json")
                .header("X-Province-Signature", signature)
                .body(body)
                .send()
                .await
                .unwrap()
        }
    };
    assert_eq!(send(signed("another secret", &body), body.clone()).await.status(), 401, "not the province's");
    assert_eq!(send(String::new(), body.clone()).await.status(), 401, "unsigned");
    let taken = send(signed("rating-secret", &body), body.clone()).await;
    assert_eq!(taken.status(), 200, "{}", taken.text().await.unwrap());
    let again = send(signed("rating-secret", &body), body.clone()).await;
    assert_eq!(again.status(), 409, "rated once");
    let unknown =
        json!({"projid": "330102202612079999999", "satisfaction": 5, "channel": "2", "stage": "2"}).to_string();
    assert_eq!(send(signed("rating-secret", &unknown), unknown).await.status(), 404);

    let view = crate::steps::lookup(&app, &receipt).await;
    assert_eq!(view.rating.as_ref().map(|r| r.overall), Some(1), "非常不满意, on Bianmin's scale");
    let orders: Vec<serde_json::Value> = app.staff_get(&token, "/api/staff/work-orders").await.json().await.unwrap();
    assert_eq!(orders.len(), 1, "a 差评 opens a work order as any other");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(!methods(&platform, &number).contains(&"evaluate".to_owned()), "the province has it already");
}
