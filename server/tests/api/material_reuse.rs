//! 材料复用: a signed-in person who agreed to it is offered the files of an
//! earlier case for a new application; a reused file is the same stored file
//! (two cases refer to it, nothing copied), no one can delete it through the
//! upload routes, nobody else can use it, and a material the department wants
//! new (the photo) is never offered.

use serde_json::{Value, json};

use bianmin::account::sessions::{self, COOKIE, CSRF_HEADER, NewSession};

use crate::accounts::person;
use crate::support::{PNG, TestApp, applicant_client, complete_application_as, spawn_app};

fn signed(request: reqwest::RequestBuilder, who: &NewSession) -> reqwest::RequestBuilder {
    request.header("Cookie", format!("{COOKIE}={}", who.cookie)).header(CSRF_HEADER, &who.csrf)
}

async fn submit(
    app: &TestApp,
    client: &reqwest::Client,
    key: &str,
    body: &Value,
    who: &NewSession,
) -> reqwest::Response {
    let request =
        client.post(format!("{}/api/services/JT-003/submissions", app.address)).header("Idempotency-Key", key);
    signed(request, who).json(body).send().await.unwrap()
}

async fn agree(app: &TestApp, who: &NewSession) {
    let request = reqwest::Client::new().post(format!("{}/api/my/consents", app.address));
    let given = signed(request, who).json(&json!({"purpose": "material_reuse", "given": true})).send().await.unwrap();
    assert_eq!(given.status(), 200);
}

async fn offered(app: &TestApp, who: &NewSession) -> reqwest::Response {
    let request = reqwest::Client::new().get(format!("{}/api/my/materials?item=JT-003", app.address));
    signed(request, who).send().await.unwrap()
}

#[tokio::test]
async fn a_reused_material_is_the_same_stored_file_and_no_second_case_can_delete_it() {
    let app = spawn_app().await;
    let zhang = sessions::create(&app.state, &person("zhang", "张三", "11010519491231002X", 3)).await.unwrap();
    // The first case, made signed in: it is the person's.
    let first_client = applicant_client(&app.address).await;
    let first = complete_application_as(&first_client, &app.address, crate::support::PDF).await;
    let made = submit(&app, &first_client, "first", &first, &zhang).await;
    assert_eq!(made.status(), 201, "{}", made.text().await.unwrap());
    let first_number = made.json::<Value>().await.unwrap()["case_number"].as_str().unwrap().to_owned();

    // Not before the person agrees to it.
    assert_eq!(offered(&app, &zhang).await.status(), 403);
    agree(&app, &zhang).await;
    let list: Value = offered(&app, &zhang).await.json().await.unwrap();
    let materials: Vec<&str> = list.as_array().unwrap().iter().map(|f| f["material"].as_str().unwrap()).collect();
    assert!(materials.contains(&"id_card"), "{list}");
    assert!(!materials.contains(&"photo"), "a photo is taken new for every application");
    let id_card: Vec<String> =
        first["files"]["id_card"].as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_owned()).collect();
    assert!(list.as_array().unwrap().iter().all(|f| f["case_number"] == first_number.as_str()));

    // A preview: the person's own file, as stored.
    let preview = reqwest::Client::new().get(format!("{}/api/my/materials/{}?item=JT-003", app.address, id_card[0]));
    let preview = signed(preview, &zhang).send().await.unwrap();
    assert_eq!(preview.status(), 200);
    let previewed = preview.bytes().await.unwrap();
    assert!(previewed.starts_with(&PNG[..8]));

    // A second application on another device: new uploads, the ID card reused.
    let second_client = applicant_client(&app.address).await;
    let mut second = complete_application_as(&second_client, &app.address, crate::support::PDF).await;
    second["files"].as_object_mut().unwrap().remove("id_card");
    second["reused"] = json!({"id_card": id_card});
    let made = submit(&app, &second_client, "second", &second, &zhang).await;
    assert_eq!(made.status(), 201, "{}", made.text().await.unwrap());
    let second_number = made.json::<Value>().await.unwrap()["case_number"].as_str().unwrap().to_owned();

    // Both cases refer to the same stored file; nothing was copied.
    let pool = app.db().await;
    for upload in &id_card {
        let holders: Vec<String> =
            sqlx::query_scalar("SELECT case_number FROM case_files WHERE upload = $1 ORDER BY case_number")
                .bind(upload)
                .fetch_all(&pool)
                .await
                .unwrap();
        let mut expected = vec![first_number.clone(), second_number.clone()];
        expected.sort();
        assert_eq!(holders, expected);
    }
    let token = crate::support::staff_token(&app, "县交通运输局").await;
    let staff: Value = app.staff_get(&token, &format!("/api/staff/cases/{second_number}")).await.json().await.unwrap();
    let uploads: Vec<&str> = staff["files"].as_array().unwrap().iter().map(|f| f["upload"].as_str().unwrap()).collect();
    assert!(id_card.iter().all(|u| uploads.contains(&u.as_str())), "{uploads:?}");

    // Neither application's key deletes it; the first case still has it whole.
    for client in [&first_client, &second_client] {
        let url = format!("{}/api/uploads/{}", app.address, id_card[0]);
        let status = client.delete(url).header("Tus-Resumable", "1.0.0").send().await.unwrap().status().as_u16();
        assert!(status == 403 || status == 404, "{status}");
    }
    let download = app.staff_get(&token, &format!("/api/staff/cases/{first_number}/files/{}", id_card[0])).await;
    assert_eq!(download.status(), 200);
    assert_eq!(download.bytes().await.unwrap(), previewed, "the one stored file");
}

#[tokio::test]
async fn nobody_else_reuses_a_persons_file_and_a_new_photo_is_always_needed() {
    let app = spawn_app().await;
    let zhang = sessions::create(&app.state, &person("zhang", "张三", "11010519491231002X", 3)).await.unwrap();
    let li = sessions::create(&app.state, &person("li", "李四", "110101198805123010", 3)).await.unwrap();
    let first_client = applicant_client(&app.address).await;
    let first = complete_application_as(&first_client, &app.address, crate::support::PDF).await;
    assert_eq!(submit(&app, &first_client, "first", &first, &zhang).await.status(), 201);
    agree(&app, &zhang).await;
    agree(&app, &li).await;
    let id_card = first["files"]["id_card"].clone();
    let photo = first["files"]["photo"].clone();

    // Someone else names the person's files: refused, by material, in words.
    let other_client = applicant_client(&app.address).await;
    let mut theirs = complete_application_as(&other_client, &app.address, crate::support::PDF).await;
    theirs["files"].as_object_mut().unwrap().remove("id_card");
    theirs["reused"] = json!({"id_card": id_card});
    let refused = submit(&app, &other_client, "theirs", &theirs, &li).await;
    assert_eq!(refused.status(), 422);
    let body: Value = refused.json().await.unwrap();
    assert!(
        body["problems"]["materials"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["material"] == "id_card" && p["message"] == domain::apply::reuse::NOT_OFFERED),
        "{body}"
    );

    // The person, for the photo: never offered, so never taken.
    let again_client = applicant_client(&app.address).await;
    let mut again = complete_application_as(&again_client, &app.address, crate::support::PDF).await;
    again["files"].as_object_mut().unwrap().remove("photo");
    again["reused"] = json!({"photo": photo});
    let refused = submit(&app, &again_client, "again", &again, &zhang).await;
    assert_eq!(refused.status(), 422);

    // Without signing in, a reuse names nothing of anyone's.
    let mut anonymous = complete_application_as(&again_client, &app.address, crate::support::PDF).await;
    anonymous["reused"] = json!({"id_card": first["files"]["id_card"].clone()});
    let response = again_client
        .post(format!("{}/api/services/JT-003/submissions", app.address))
        .header("Idempotency-Key", "anonymous")
        .json(&anonymous)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 422);
    let body: Value = response.json().await.unwrap();
    assert!(
        body["problems"]["materials"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["material"] == "id_card" && p["message"].as_str().unwrap().contains("请先登录")),
        "{body}"
    );
}

async fn submit_bundle(app: &TestApp, key: &str, body: &Value, who: &NewSession) -> reqwest::Response {
    let request =
        app.client.post(format!("{}/api/bundles/KB-001/submissions", app.address)).header("Idempotency-Key", key);
    signed(request, who).json(body).send().await.unwrap()
}

#[tokio::test]
async fn a_joint_applications_files_are_offered_once_and_reused_by_the_next_one() {
    let app = spawn_app().await;
    let zhang = sessions::create(&app.state, &person("zhang", "张三", "11010519491231002X", 3)).await.unwrap();
    let first = crate::joint_cases::application(&app).await;
    let made = submit_bundle(&app, "bundle-1", &first, &zhang).await;
    assert_eq!(made.status(), 201, "{}", made.text().await.unwrap());
    let whole = made.json::<Value>().await.unwrap()["case_number"].as_str().unwrap().to_owned();
    agree(&app, &zhang).await;

    // The ID card the three parts share is offered once, named by the whole's number.
    let request = reqwest::Client::new().get(format!("{}/api/my/materials?item=KB-001", app.address));
    let list: Value = signed(request, &zhang).send().await.unwrap().json().await.unwrap();
    let id_card: Vec<String> = first["files"]["SC-001.applicant_id"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect();
    let offered: Vec<&Value> =
        list.as_array().unwrap().iter().filter(|f| f["material"] == "SC-001.applicant_id").collect();
    assert_eq!(offered.len(), 2, "both sides, once each: {list}");
    assert!(
        offered
            .iter()
            .all(|f| f["case_number"] == whole.as_str() && id_card.contains(&f["upload"].as_str().unwrap().to_owned()))
    );
    let preview = reqwest::Client::new().get(format!("{}/api/my/materials/{}?item=KB-001", app.address, id_card[0]));
    assert_eq!(signed(preview, &zhang).send().await.unwrap().status(), 200);

    // The next restaurant: the same ID card, not uploaded again.
    let mut second = crate::joint_cases::application(&app).await;
    second["files"].as_object_mut().unwrap().remove("SC-001.applicant_id");
    second["reused"] = json!({"SC-001.applicant_id": id_card});
    let made = submit_bundle(&app, "bundle-2", &second, &zhang).await;
    assert_eq!(made.status(), 201, "{}", made.text().await.unwrap());
    let next = made.json::<Value>().await.unwrap()["case_number"].as_str().unwrap().to_owned();
    let pool = app.db().await;
    for upload in &id_card {
        let wholes: Vec<String> = sqlx::query_scalar(
            "SELECT DISTINCT c.joint_number FROM case_files f JOIN cases c ON c.case_number = f.case_number \
             WHERE f.upload = $1 ORDER BY c.joint_number",
        )
        .bind(upload)
        .fetch_all(&pool)
        .await
        .unwrap();
        let mut expected = vec![whole.clone(), next.clone()];
        expected.sort();
        assert_eq!(wholes, expected, "the one stored file, in both joint cases' parts");
    }
    // The application key that uploaded it first still cannot delete it.
    let url = format!("{}/api/uploads/{}", app.address, id_card[0]);
    let status = app.client.delete(url).header("Tus-Resumable", "1.0.0").send().await.unwrap().status().as_u16();
    assert!(status == 403 || status == 404, "{status}");
}
