//! 代办: a signed-in agent applies for someone else (the principal named in
//! the form, with the authorisation letter among the materials). The agent's
//! own verified name and ID number go in the agent's part; the case says who
//! applied for whom; it is in the agent's 我的办件 and, once the principal
//! signs in with their verified ID number, in the principal's — nobody else's.

use domain::catalog::checklist::Checklist;
use serde_json::{Value, json};

use bianmin::account::sessions::{self, COOKIE, CSRF_HEADER, NewSession};

use crate::accounts::person;
use crate::support::{PDF, TestApp, spawn_app, upload};

/// JT-001 for 李四, an agent applying: every material the checklist asks uploaded as a PDF.
async fn application_for_li(app: &TestApp) -> Value {
    let answers = json!({"applicant_type": "individual", "agent": true, "vehicles_owned": 0, "heavy": false});
    let url = format!("{}/api/services/JT-001/checklist", app.address);
    let checklist: Checklist = app.client.post(url).json(&answers).send().await.unwrap().json().await.unwrap();
    let mut files = serde_json::Map::new();
    for entry in &checklist.entries {
        let material = &entry.material;
        let needed = matches!(material.necessity, domain::Necessity::Required | domain::Necessity::Tolerated);
        if needed && domain::apply::materials::is_uploaded(material) {
            let id = upload(app, "JT-001", &material.id, &format!("{}.pdf", material.id), PDF).await;
            files.insert(material.id.clone(), json!([id]));
        }
    }
    assert!(files.contains_key("authorisation"), "the authorisation letter is asked for");
    json!({
        "answers": answers,
        "form": {
            "applicant": {"type": "person", "name": "李四", "id_number": "110101198805123010",
                          "phone": "13912345678", "address": "示范县和平街 6 号"},
            "agent": {"name": "随便写的", "id_number": "440304200002291236", "phone": "13812345678"},
            "fields": {"business_scope": "general", "planned_start": "2027-03-01", "vehicle_count": "2"},
            "delivery": {"method": "window"}
        },
        "files": files,
        "later": [],
        "pledge_accepted": false
    })
}

async fn mine(app: &TestApp, who: &NewSession) -> Vec<Value> {
    let response = reqwest::Client::new()
        .get(format!("{}/api/my/cases", app.address))
        .header("Cookie", format!("{COOKIE}={}", who.cookie))
        .send()
        .await
        .unwrap();
    response.json::<Vec<Value>>().await.unwrap()
}

#[tokio::test]
async fn an_agent_applies_for_a_principal_and_both_see_who_applied_for_whom() {
    let app = spawn_app().await;
    let agent = sessions::create(&app.state, &person("zhang", "张三丰", "11010519491231002X", 3)).await.unwrap();
    let body = application_for_li(&app).await;
    let made = app
        .client
        .post(format!("{}/api/services/JT-001/submissions", app.address))
        .header("Idempotency-Key", "on-behalf")
        .header("Cookie", format!("{COOKIE}={}", agent.cookie))
        .header(CSRF_HEADER, &agent.csrf)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(made.status(), 201, "{}", made.text().await.unwrap());
    let number = made.json::<Value>().await.unwrap()["case_number"].as_str().unwrap().to_owned();

    // The agent part is the verified agent's, whatever the page typed.
    let token = crate::support::staff_token(&app, "县交通运输局").await;
    let staff: Value = app.staff_get(&token, &format!("/api/staff/cases/{number}")).await.json().await.unwrap();
    assert_eq!(staff["application"]["form"]["agent"]["name"], "张三丰");
    assert_eq!(staff["application"]["form"]["applicant"]["name"], "李四");

    // In the agent's 我的办件, saying who applied for whom.
    let listed = mine(&app, &agent).await;
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["on_behalf"], "由代理人 张*丰 代 李* 申请");

    // The principal, signed in with the verified ID number: the same case, and it opens without a code.
    let principal = sessions::create(&app.state, &person("li", "李四", "110101198805123010", 2)).await.unwrap();
    let theirs = mine(&app, &principal).await;
    assert_eq!(theirs.iter().map(|c| c["case_number"].as_str().unwrap()).collect::<Vec<_>>(), [number.as_str()]);
    let opened = reqwest::Client::new()
        .post(format!("{}/api/cases/lookup", app.address))
        .header("Cookie", format!("{COOKIE}={}", principal.cookie))
        .header(CSRF_HEADER, &principal.csrf)
        .json(&json!({"case_number": number, "query_code": ""}))
        .send()
        .await
        .unwrap();
    assert_eq!(opened.status(), 200);

    // A sign-in that did not verify the number (a phone alone) sees nothing; nor does anyone else.
    let unverified = sessions::create(&app.state, &person("li-phone", "李四", "110101198805123010", 1)).await.unwrap();
    assert!(mine(&app, &unverified).await.is_empty());
    let stranger = sessions::create(&app.state, &person("wang", "王五", "440304200002291236", 3)).await.unwrap();
    assert!(mine(&app, &stranger).await.is_empty());

    // The principal deletes their account's data: the case stays, no longer listed for them.
    let deleted = reqwest::Client::new()
        .post(format!("{}/api/my/account/delete", app.address))
        .header("Cookie", format!("{COOKIE}={}", principal.cookie))
        .header(CSRF_HEADER, &principal.csrf)
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), 204);
    let again = sessions::create(&app.state, &person("li", "李四", "110101198805123010", 2)).await.unwrap();
    assert!(mine(&app, &again).await.is_empty());
    assert_eq!(mine(&app, &agent).await.len(), 1, "the agent's link is the agent's");
}
