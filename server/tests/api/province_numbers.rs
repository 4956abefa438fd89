//! The province's number of a case (办件编号), made by the province's pattern:
//! the item's code, the date and the day's serial, shared by every instance
//! (two instances submitting at once never hand out one number twice), on
//! the receipt, the status page and the staff's view; a joint case's parts
//! each get theirs; a pattern naming codes the catalog lacks stops the start.

use std::collections::BTreeSet;

use serde_json::Value;

use bianmin::startup::Server;

use crate::support::{TestApp, complete_application_as, spawn_app_with, spawn_with_settings};

async fn numbered() -> TestApp {
    spawn_app_with(|s| {
        s.province.number = Some("{code}{date}{serial:4}".into());
        s.today = Some("2026-12-07".into());
    })
    .await
}

async fn submit(app: &TestApp, key: &str) -> domain::apply::submission::Receipt {
    let client = crate::support::applicant_client(&app.address).await;
    let body = complete_application_as(&client, &app.address, crate::support::PDF).await;
    let response = client
        .post(format!("{}/api/services/JT-003/submissions", app.address))
        .header("Idempotency-Key", key)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201, "{}", response.text().await.unwrap());
    response.json().await.unwrap()
}

#[tokio::test]
async fn each_case_gets_the_provinces_number_once_across_instances() {
    let app = numbered().await;
    let first = submit(&app, "p-1").await;
    assert_eq!(first.province_number.as_deref(), Some("JT-003202612070001"));
    let view = crate::steps::lookup(&app, &first).await;
    assert_eq!(view.province_number, first.province_number, "on the status page");
    let token = crate::support::staff_token(&app, "县交通运输局").await;
    let staff: domain::case::view::StaffCase =
        app.staff_get(&token, &format!("/api/staff/cases/{}", first.case_number)).await.json().await.unwrap();
    assert_eq!(staff.province_number, first.province_number, "in the staff's view");

    // A second instance on the same database: both submit at once, every number once.
    let mut settings = app.settings.clone();
    settings.listen = "127.0.0.1:0".parse().unwrap();
    let other = spawn_with_settings(settings).await;
    let mut running = Vec::new();
    for n in 0..6 {
        let target = if n % 2 == 0 { app.address.clone() } else { other.address.clone() };
        running.push(tokio::spawn(async move {
            let client = crate::support::applicant_client(&target).await;
            let body = complete_application_as(&client, &target, crate::support::PDF).await;
            let response = client
                .post(format!("{target}/api/services/JT-003/submissions"))
                .header("Idempotency-Key", format!("p-at-once-{n}"))
                .json(&body)
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 201);
            response.json::<Value>().await.unwrap()["province_number"].as_str().unwrap().to_owned()
        }));
    }
    let mut numbers = BTreeSet::new();
    for task in running {
        numbers.insert(task.await.unwrap());
    }
    let expected: BTreeSet<String> = (2..=7).map(|n| format!("JT-00320261207{n:04}")).collect();
    assert_eq!(numbers, expected, "serials 2 to 7, each once");
}

#[tokio::test]
async fn a_joint_cases_parts_each_get_the_number_of_their_item() {
    let app = numbered().await;
    let body = crate::joint_cases::application(&app).await;
    let response = crate::joint_cases::submit(&app, "p-joint", &body).await;
    assert_eq!(response.status(), 201, "{}", response.text().await.unwrap());
    let receipt: domain::apply::submission::Receipt = response.json().await.unwrap();
    assert_eq!(receipt.province_number, None, "the whole is Bianmin's");
    let numbers: Vec<String> = receipt.parts.iter().map(|p| p.province_number.clone().unwrap()).collect();
    assert_eq!(numbers, ["SC-001202612070001", "CG-001202612070001", "XF-001202612070001"]);
}

#[tokio::test]
async fn a_pattern_naming_codes_the_catalog_lacks_stops_the_start_and_says_which() {
    let app = numbered().await;
    let mut settings = app.settings.clone();
    settings.listen = "127.0.0.1:0".parse().unwrap();
    settings.province.number = Some("{basic}{date}{serial:6}".into());
    let refused = Server::build(&settings).await.err().expect("refused").to_string();
    assert!(refused.contains("JT-003：没有基本编码"), "{refused}");
    settings.province.number = Some("{code}{serial:4}{date}".into());
    let refused = Server::build(&settings).await.err().expect("refused").to_string();
    assert!(refused.contains("最后"), "{refused}");
}
