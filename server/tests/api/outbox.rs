//! Notifications through the transactional outbox: a department's webhook
//! receiver (a real HTTP server on loopback, started here) verifies every
//! signature and sees each case event exactly once, though it fails the first
//! two deliveries and two instances run the worker. (The crash drill, a real
//! process killed between the commit and the delivery, is in `crash`.)

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use hmac::{Hmac, Mac};
use serde_json::Value;
use sqlx::Row;

use crate::support::{complete_application, spawn_app_with, spawn_with_settings, staff_token};

const SECRET: &str = "whsec_test_0123456789abcdef";

#[derive(Default)]
pub struct Received {
    pub requests: usize,
    /// (event id header, body) of every delivery answered with success.
    pub accepted: Vec<(String, Value)>,
    pub bad_signatures: usize,
}

/// Check `Bianmin-Signature` as a department's system would: HMAC-SHA-256 of
/// "<t>.<raw body>" with the shared secret, compared in constant time.
fn signed(headers: &HeaderMap, body: &[u8]) -> bool {
    let Some(header) = headers.get("bianmin-signature").and_then(|v| v.to_str().ok()) else { return false };
    let mut parts = header.split(',');
    let (Some(t), Some(v1)) =
        (parts.next().and_then(|p| p.strip_prefix("t=")), parts.next().and_then(|p| p.strip_prefix("v1=")))
    else {
        return false;
    };
    let Ok(given) =
        (0..v1.len()).step_by(2).map(|i| u8::from_str_radix(&v1[i..i + 2], 16)).collect::<Result<Vec<u8>, _>>()
    else {
        return false;
    };
    let mut mac = <Hmac<sha2::Sha256> as Mac>::new_from_slice(SECRET.as_bytes()).unwrap();
    mac.update(t.as_bytes());
    mac.update(b".");
    mac.update(body);
    let fresh = t.parse::<i64>().is_ok_and(|t| (bianmin::db::unix_now() - t).abs() < 300);
    fresh && mac.verify_slice(&given).is_ok()
}

async fn receive(State(seen): State<Arc<Mutex<Received>>>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let mut seen = seen.lock().unwrap();
    seen.requests += 1;
    if !signed(&headers, &body) {
        seen.bad_signatures += 1;
        return StatusCode::UNAUTHORIZED;
    }
    if seen.requests <= 2 {
        return StatusCode::SERVICE_UNAVAILABLE; // the department's system is down for a moment
    }
    let id = headers["bianmin-event-id"].to_str().unwrap().to_owned();
    seen.accepted.push((id, serde_json::from_slice(&body).unwrap()));
    StatusCode::NO_CONTENT
}

/// The department's system: a receiver on loopback answering as [`receive`] does; its URL.
pub async fn receiver(seen: &Arc<Mutex<Received>>) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hooks/bianmin", listener.local_addr().unwrap());
    let router = axum::Router::new().route("/hooks/bianmin", axum::routing::post(receive)).with_state(Arc::clone(seen));
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    url
}

/// A webhook file naming `url` for 县交通运输局 (kept while the directory lives).
pub fn webhook_file(url: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let config = tempfile::tempdir().unwrap();
    let file = config.path().join("webhooks.toml");
    std::fs::write(
        &file,
        format!("[[webhook]]\ndepartment = \"县交通运输局\"\nurl = \"{url}\"\nsecret = \"{SECRET}\"\n"),
    )
    .unwrap();
    (config, file)
}

#[tokio::test]
async fn each_case_event_reaches_the_departments_system_once_signed_despite_failures_and_two_workers() {
    let seen = Arc::new(Mutex::new(Received::default()));
    let (_config, file) = webhook_file(&receiver(&seen).await);
    let app = spawn_app_with(|s| {
        s.notify.webhooks = Some(file.clone());
        s.notify.outbox_poll_ms = 50;
        s.notify.outbox_retry_secs = 1;
    })
    .await;
    // A second instance on the same database: its worker competes for the same rows.
    let _second = {
        let mut settings = app.settings.clone();
        settings.listen = "127.0.0.1:0".parse().unwrap();
        spawn_with_settings(settings).await
    };

    let response = app.submit("outbox-1", &complete_application(&app).await).await;
    assert_eq!(response.status(), 201);
    let case_number = response.json::<Value>().await.unwrap()["case_number"].as_str().unwrap().to_owned();
    let token = staff_token(&app, "县交通运输局").await;
    let accepted = app
        .client
        .post(format!("{}/api/staff/cases/{case_number}/actions", app.address))
        .bearer_auth(&token)
        .json(&serde_json::json!({"action": "accept"}))
        .send()
        .await
        .unwrap();
    assert_eq!(accepted.status(), 200);

    for _ in 0..200 {
        if seen.lock().unwrap().accepted.len() >= 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // Time for a stray second delivery to show up, if there were one.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let seen = std::mem::take(&mut *seen.lock().unwrap());
    assert_eq!(seen.bad_signatures, 0);
    // Each once; not necessarily in order (a retried event may arrive after a later one: its `at` says when it happened).
    let mut kinds: Vec<&str> = seen.accepted.iter().map(|(_, body)| body["type"].as_str().unwrap()).collect();
    kinds.sort_unstable();
    assert_eq!(kinds, ["case.accept", "case.submit"], "each event once");
    let mut ids: Vec<&str> = seen.accepted.iter().map(|(id, _)| id.as_str()).collect();
    assert!(seen.accepted.iter().all(|(id, body)| body["id"] == *id));
    ids.dedup();
    assert_eq!(ids.len(), 2);
    assert_eq!(seen.requests, 4, "two failures, then one delivery of each");
    // The payload names the case, never the applicant.
    let text = serde_json::to_string(&seen.accepted).unwrap();
    for personal in ["张三", "11010519491231002X", "13812345678"] {
        assert!(!text.contains(personal));
    }
    let accept = seen.accepted.iter().find(|(_, b)| b["type"] == "case.accept").unwrap();
    assert_eq!(accept.1["case_number"], case_number.as_str());
    assert_eq!(accept.1["status"], "accepted");

    // Every attempt is recorded; both rows are done.
    let db = app.db().await;
    let attempts = sqlx::query("SELECT COUNT(*) AS n FROM outbox_attempts").fetch_one(&db).await.unwrap();
    assert_eq!(attempts.try_get::<i64, _>("n").unwrap(), 4);
    let open = sqlx::query("SELECT COUNT(*) AS n FROM outbox WHERE state <> 'done'").fetch_one(&db).await.unwrap();
    assert_eq!(open.try_get::<i64, _>("n").unwrap(), 0);
    let left = bianmin::notify::outbox::undelivered(&db).await.unwrap();
    assert!(left.is_empty(), "{:?}", left.iter().map(|e| (e.state.clone(), e.attempts)).collect::<Vec<_>>());

    // The staff see what was sent about the case, to whom and how it went.
    let staff: domain::case::view::StaffCase =
        app.staff_get(&token, &format!("/api/staff/cases/{case_number}")).await.json().await.unwrap();
    let mut sent: Vec<(&str, &str, &str)> =
        staff.notifications.iter().map(|n| (n.recipient.as_str(), n.event.as_str(), n.state.as_str())).collect();
    // (Both may be written within one second, the timestamps' resolution: their order is not asserted.)
    sent.sort();
    assert_eq!(sent, [("县交通运输局", "case.accept", "done"), ("县交通运输局", "case.submit", "done")]);
}

#[tokio::test]
async fn a_notification_that_keeps_failing_is_marked_dead_and_can_be_sent_again() {
    // The department's system answers 503 to the first two requests, then takes them.
    let seen = Arc::new(Mutex::new(Received::default()));
    let (_config, file) = webhook_file(&receiver(&seen).await);
    let app = spawn_app_with(|s| {
        s.notify.webhooks = Some(file.clone());
        s.notify.outbox_poll_ms = 50;
        s.notify.outbox_retry_secs = 1;
        s.notify.outbox_attempts = 2;
    })
    .await;
    let response = app.submit("outbox-2", &complete_application(&app).await).await;
    assert_eq!(response.status(), 201);
    let db = app.db().await;
    let mut entries = Vec::new();
    for _ in 0..100 {
        entries = bianmin::notify::outbox::undelivered(&db).await.unwrap();
        if entries.iter().all(|e| e.state == "dead") && !entries.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(entries.len(), 1);
    assert_eq!((entries[0].state.as_str(), entries[0].attempts), ("dead", 2));
    assert!(seen.lock().unwrap().accepted.is_empty(), "given up, not delivered");
    // Sent again on request: the third attempt is taken, and nothing is left undelivered.
    assert_eq!(bianmin::notify::outbox::retry(&db, None).await.unwrap(), 1);
    for _ in 0..100 {
        if seen.lock().unwrap().accepted.len() == 1
            && bianmin::notify::outbox::undelivered(&db).await.unwrap().is_empty()
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(seen.lock().unwrap().accepted.len(), 1, "delivered once after the retry");
    let left = bianmin::notify::outbox::undelivered(&db).await.unwrap();
    assert!(left.is_empty(), "{:?}", left.iter().map(|e| (e.state.clone(), e.attempts)).collect::<Vec<_>>());
}

#[tokio::test]
async fn a_webhook_that_redirects_is_not_followed() {
    // The department's URL answers with a redirect to another receiver: the signed
    // body must not travel on to wherever it points.
    let elsewhere = Arc::new(Mutex::new(Received { requests: 2, ..Received::default() }));
    let target = receiver(&elsewhere).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let redirecting = format!("http://{}/hooks/bianmin", listener.local_addr().unwrap());
    let router = axum::Router::new().route(
        "/hooks/bianmin",
        axum::routing::post(move || {
            let target = target.clone();
            async move { (StatusCode::TEMPORARY_REDIRECT, [(axum::http::header::LOCATION, target)]) }
        }),
    );
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    let (_config, file) = webhook_file(&redirecting);
    let app = spawn_app_with(|s| {
        s.notify.webhooks = Some(file.clone());
        s.notify.outbox_poll_ms = 50;
        s.notify.outbox_retry_secs = 1;
        s.notify.outbox_attempts = 1;
    })
    .await;
    assert_eq!(app.submit("redirect", &complete_application(&app).await).await.status(), 201);
    let db = app.db().await;
    for _ in 0..100 {
        let entries = bianmin::notify::outbox::undelivered(&db).await.unwrap();
        if entries.iter().any(|e| e.state == "dead") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let entries = bianmin::notify::outbox::undelivered(&db).await.unwrap();
    assert_eq!(entries.iter().map(|e| e.state.as_str()).collect::<Vec<_>>(), ["dead"], "a redirect is a failure");
    assert_eq!(elsewhere.lock().unwrap().requests, 2, "nothing reached the redirect's target");
}

#[tokio::test]
async fn departments_are_reminded_three_working_days_before_the_due_date_and_when_overdue() {
    let seen = Arc::new(Mutex::new(Received { requests: 2, ..Received::default() }));
    let (_config, file) = webhook_file(&receiver(&seen).await);
    let app = spawn_app_with(|s| {
        s.notify.webhooks = Some(file.clone());
        s.notify.outbox_poll_ms = 50;
        s.today = Some("2026-11-23".to_owned());
    })
    .await;
    let response = app.submit("outbox-4", &complete_application(&app).await).await;
    let case_number = response.json::<Value>().await.unwrap()["case_number"].as_str().unwrap().to_owned();
    let token = staff_token(&app, "县交通运输局").await;
    let act = |app: &crate::support::TestApp, action: Value| {
        let request = app
            .client
            .post(format!("{}/api/staff/cases/{case_number}/actions", app.address))
            .bearer_auth(&token)
            .json(&action);
        async move { assert_eq!(request.send().await.unwrap().status(), 200, "{action}") }
    };
    act(&app, serde_json::json!({"action": "accept"})).await; // due Monday 2026-11-30
    let kinds = |seen: &Arc<Mutex<Received>>| -> Vec<(String, String)> {
        seen.lock()
            .unwrap()
            .accepted
            .iter()
            .map(|(id, b)| (b["type"].as_str().unwrap().to_owned(), id.clone()))
            .collect()
    };
    let wait_for = |n: usize| {
        let seen = Arc::clone(&seen);
        async move {
            for _ in 0..100 {
                if seen.lock().unwrap().accepted.len() >= n {
                    return;
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
    };
    wait_for(2).await;

    // Wednesday: three working days left (Thursday, Friday, Monday).
    let wednesday = app.on_day("2026-11-25").await;
    wait_for(3).await;
    // Suspended on Wednesday, resumed on Friday: the due date moves to Wednesday 2026-12-02, and the reminder is planned anew.
    act(&wednesday, serde_json::json!({"action": "suspend", "reason": "现场核查"})).await;
    let friday = app.on_day("2026-11-27").await;
    act(&friday, serde_json::json!({"action": "resume"})).await;
    wait_for(6).await;
    // Thursday 2026-12-03: overdue.
    let _thursday = app.on_day("2026-12-03").await;
    wait_for(7).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;

    let got = kinds(&seen);
    let reminders: Vec<&(String, String)> =
        got.iter().filter(|(k, _)| k == "case.due_soon" || k == "case.overdue").collect();
    assert_eq!(reminders.len(), 3, "{got:?}");
    assert_eq!(reminders[0].1, format!("rem_due_soon_{}_2026-11-30", case_number.replace('-', "").to_lowercase()));
    assert_eq!(reminders[1].1, format!("rem_due_soon_{}_2026-12-02", case_number.replace('-', "").to_lowercase()));
    assert_eq!(reminders[2].0, "case.overdue");
    let mut ids: Vec<&String> = got.iter().map(|(_, id)| id).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), got.len(), "nothing twice");
}

#[tokio::test]
async fn a_second_instances_worker_delivers_what_the_first_wrote() {
    let seen = Arc::new(Mutex::new(Received::default()));
    let (_config, file) = webhook_file(&receiver(&seen).await);
    // The first instance writes the rows; its worker looks once at start, then not for an hour.
    let app = spawn_app_with(|s| {
        s.notify.webhooks = Some(file.clone());
        s.notify.outbox_poll_ms = 3_600_000;
        s.notify.outbox_retry_secs = 1;
    })
    .await;
    tokio::time::sleep(Duration::from_millis(200)).await; // past its first look
    let response = app.submit("second-worker", &complete_application(&app).await).await;
    assert_eq!(response.status(), 201);
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(seen.lock().unwrap().requests, 0, "the first instance's worker is not looking");
    // Only the second instance's worker can deliver it.
    let _second = {
        let mut settings = app.settings.clone();
        settings.listen = "127.0.0.1:0".parse().unwrap();
        settings.notify.outbox_poll_ms = 50;
        spawn_with_settings(settings).await
    };
    for _ in 0..200 {
        if !seen.lock().unwrap().accepted.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let seen = seen.lock().unwrap();
    let kinds: Vec<&str> = seen.accepted.iter().map(|(_, body)| body["type"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["case.submit"], "delivered by the second instance");
}
