//! The OpenAPI document covers the whole API, public and staff, and is whole
//! (every schema it refers to is in it).

use crate::support::spawn_app;
use serde_json::Value;

fn refs(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                match (key.as_str(), v) {
                    ("$ref", Value::String(r)) => out.push(r.clone()),
                    _ => refs(v, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
        _ => {}
    }
}

#[tokio::test]
async fn the_document_describes_every_route_and_is_complete() {
    let app = spawn_app().await;
    let response = app.get("/api/openapi.json").await;
    assert_eq!(response.status(), 200);
    let doc: Value = response.json().await.unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    assert_eq!(doc["servers"][0]["url"], "/api");
    let paths = doc["paths"].as_object().unwrap();
    for path in [
        "/health",
        "/services",
        "/services/{code}",
        "/services/{code}/checklist",
        "/services/{code}/form/check",
        "/services/{code}/submissions",
        "/bundles/{code}",
        "/bundles/{code}/checklist",
        "/drafts",
        "/drafts/save",
        "/drafts/resume",
        "/uploads",
        "/uploads/{id}",
        "/upload-checks",
        "/cases/lookup",
        "/cases/withdraw",
        "/cases/supplement",
        "/cases/rating",
        "/complaints",
        "/figures",
        "/staff/me",
        "/staff/cases",
        "/staff/cases/{case}",
        "/staff/cases/{case}/actions",
        "/staff/cases/{case}/files/{upload}",
    ] {
        assert!(paths.contains_key(path), "{path} is missing from the document");
    }
    // Both submission routes answer the same, the receipt when the case is made.
    for path in ["/services/{code}/submissions", "/bundles/{code}/submissions"] {
        let answers = &paths[path]["post"]["responses"];
        for status in ["201", "400", "403", "404", "409", "422"] {
            assert!(answers.get(status).is_some(), "{path} does not declare {status}");
        }
        assert_eq!(answers["201"]["content"]["application/json"]["schema"]["$ref"], "#/components/schemas/Receipt");
    }
    // Staff routes need the department token; public ones do not.
    assert_eq!(doc["components"]["securitySchemes"]["department_token"]["scheme"], "bearer");
    assert!(paths["/staff/cases/{case}/actions"]["post"]["security"].is_array());
    assert!(paths["/cases/lookup"]["post"].get("security").is_none());
    // Every reference resolves.
    let mut found = Vec::new();
    refs(&doc, &mut found);
    assert!(found.len() > 20);
    for reference in found {
        let name = reference.trim_start_matches("#/components/schemas/");
        assert!(doc["components"]["schemas"].get(name).is_some(), "{reference} does not resolve");
    }
    // The routes really are where the document says.
    assert_eq!(app.get("/api/figures").await.status(), 200);
    assert_eq!(app.get("/api/no-such-thing").await.status(), 404);
}
