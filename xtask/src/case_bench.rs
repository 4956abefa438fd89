//! Case throughput: submissions (each re-checked in full: form, checklist,
//! every file's first bytes, the idempotency claim, the case and its events)
//! and status look-ups per second, on SQLite and on PostgreSQL side by side,
//! against the release server on loopback with 8 concurrent clients.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use anyhow::bail;

use crate::serve::Server;
use crate::upload_bench::{b64, request, request_body};

const CLIENTS: usize = 8;
const APPLICATIONS: usize = 400;
const LOOKUPS: usize = 4000;

const PNG: &[u8] = &[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3, 4];
/// The ID card's other side (the same bytes twice would be refused as one file sent twice).
const PNG_BACK: &[u8] = &[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 5, 6, 7, 8];
/// A real one-page form (the centre's own blank form for JT-003).
const PDF: &[u8] = include_bytes!("../../public/forms/driver-qualification-application.pdf");

/// One file uploaded by tus for JT-003's `material` (into `slot`, for a material with sides); its id.
pub fn upload(
    port: u16,
    key: &str,
    material: &str,
    slot: Option<u8>,
    name: &str,
    body: &[u8],
) -> anyhow::Result<String> {
    let mut metadata = format!("item {},material {},filename {}", b64("JT-003"), b64(material), b64(name));
    if let Some(slot) = slot {
        metadata.push_str(&format!(",slot {}", b64(&slot.to_string())));
    }
    let tus = ("Tus-Resumable", "1.0.0".to_owned());
    let key = ("Application-Key", key.to_owned());
    let (status, location) = request(
        port,
        "POST",
        "/api/uploads",
        &[tus.clone(), key.clone(), ("Upload-Length", body.len().to_string()), ("Upload-Metadata", metadata)],
        &[],
    )?;
    if status != 201 || location.is_empty() {
        bail!("create: {status}");
    }
    let path = location.find("/api/").map_or(location.clone(), |i| location[i..].to_owned());
    let patch =
        [tus, key, ("Upload-Offset", "0".to_owned()), ("Content-Type", "application/offset+octet-stream".to_owned())];
    let (status, _, _) = request_body(port, "PATCH", &path, &patch, body)?;
    if status != 204 {
        bail!("patch: {status}");
    }
    Ok(path.rsplit('/').next().unwrap_or_default().to_owned())
}

/// An application's key and body, with its own freshly uploaded files.
fn application(port: u16) -> anyhow::Result<(String, String)> {
    let key = crate::upload_bench::application_key(port)?;
    let files = serde_json::json!({
        "application": [upload(port, &key, "application", None, "申请表.pdf", PDF)?],
        "id_card": [
            upload(port, &key, "id_card", Some(0), "人像面.png", PNG)?,
            upload(port, &key, "id_card", Some(1), "国徽面.png", PNG_BACK)?,
        ],
        "photo": [upload(port, &key, "photo", None, "照片.png", PNG)?],
        "safe_driving_record": [upload(port, &key, "safe_driving_record", None, "记录.pdf", PDF)?],
    });
    let body = serde_json::json!({
        "answers": {},
        "form": {"applicant": {"type": "person", "name": "张三", "id_number": "11010519491231002X",
                                "phone": "13812345678", "address": "示范县人民路 88 号"},
                 "fields": {"licence_class": "B2", "licence_first_issued": "2015-06-01", "category": "general"},
                 "delivery": {"method": "window"}},
        "files": files,
    })
    .to_string();
    Ok((key, body))
}

/// One submitted case: its number and query code.
pub fn submitted_case(port: u16) -> anyhow::Result<(String, String)> {
    let (key, body) = application(port)?;
    let headers = [
        ("Idempotency-Key", "lighthouse".to_owned()),
        ("Application-Key", key),
        ("Content-Type", "application/json".to_owned()),
    ];
    let (status, _, body) = request_body(port, "POST", "/api/services/JT-003/submissions", &headers, body.as_bytes())?;
    if status != 201 {
        bail!("submission: {status} {body}");
    }
    let receipt: serde_json::Value = serde_json::from_str(&body)?;
    let field = |name: &str| receipt[name].as_str().map(str::to_owned).ok_or_else(|| anyhow::anyhow!("no {name}"));
    Ok((field("case_number")?, field("query_code")?))
}

/// Run `work(i)` for i in 0..n on `CLIENTS` threads; operations per second.
fn throughput(n: usize, work: impl Fn(usize) -> anyhow::Result<()> + Send + Sync + 'static) -> anyhow::Result<f64> {
    let work = Arc::new(work);
    let next = Arc::new(AtomicUsize::new(0));
    let start = Instant::now();
    let threads: Vec<_> = (0..CLIENTS)
        .map(|_| {
            let (work, next) = (Arc::clone(&work), Arc::clone(&next));
            std::thread::spawn(move || -> anyhow::Result<()> {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= n {
                        return Ok(());
                    }
                    work(i)?;
                }
            })
        })
        .collect();
    for thread in threads {
        thread.join().map_err(|_| anyhow::anyhow!("a client panicked"))??;
    }
    Ok(n as f64 / start.elapsed().as_secs_f64())
}

/// Submissions and look-ups per second on one server.
fn measure(server: &Server) -> anyhow::Result<(f64, f64)> {
    let port = server.port;
    let bodies: Vec<(String, String)> = (0..APPLICATIONS).map(|_| application(port)).collect::<anyhow::Result<_>>()?;
    let bodies = Arc::new(bodies);
    let keys = Arc::new(std::sync::Mutex::new(Vec::new()));
    let submitted = {
        let (bodies, keys) = (Arc::clone(&bodies), Arc::clone(&keys));
        throughput(APPLICATIONS, move |i| {
            let (key, body) = &bodies[i];
            let headers = [
                ("Idempotency-Key", format!("bench-{i}")),
                ("Application-Key", key.clone()),
                ("Content-Type", "application/json".to_owned()),
            ];
            let (status, _, body) =
                request_body(port, "POST", "/api/services/JT-003/submissions", &headers, body.as_bytes())?;
            if status != 201 {
                bail!("submission: {status} {body}");
            }
            let receipt: serde_json::Value = serde_json::from_str(&body)?;
            let key = serde_json::json!({"case_number": receipt["case_number"], "query_code": receipt["query_code"]})
                .to_string();
            keys.lock().map_err(|_| anyhow::anyhow!("poisoned"))?.push(key);
            Ok(())
        })?
    };
    let keys = Arc::new(keys.lock().map_err(|_| anyhow::anyhow!("poisoned"))?.clone());
    let looked_up = throughput(LOOKUPS, move |i| {
        let headers = [("Content-Type", "application/json".to_owned())];
        let (status, _, body) =
            request_body(port, "POST", "/api/cases/lookup", &headers, keys[i % keys.len()].as_bytes())?;
        if status != 200 {
            bail!("look-up: {status} {body}");
        }
        Ok(())
    })?;
    Ok((submitted, looked_up))
}

/// A fresh PostgreSQL database for the benchmark, made with psql, when one is
/// named; its URL and the command that drops it afterwards.
fn postgres_database() -> Option<(String, std::process::Command)> {
    let admin = std::env::var("BIANMIN_TEST_DATABASE_URL").ok().filter(|u| !u.is_empty())?;
    let name = format!("bianmin_bench_{}", std::process::id());
    let made =
        std::process::Command::new("psql").arg(&admin).args(["-q", "-c", &format!("CREATE DATABASE {name}")]).status();
    if !made.is_ok_and(|s| s.success()) {
        eprintln!("xtask: could not create a PostgreSQL database with psql; PostgreSQL skipped");
        return None;
    }
    let (base, query) = admin.split_once('?').map_or((admin.as_str(), None), |(b, q)| (b, Some(q)));
    let server = base.rsplit_once('/').map_or(base, |(s, _)| s);
    let mut drop = std::process::Command::new("psql");
    drop.arg(&admin).args(["-q", "-c", &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")]);
    Some((format!("{server}/{name}{}", query.map(|q| format!("?{q}")).unwrap_or_default()), drop))
}

pub fn report() -> anyhow::Result<()> {
    let unlimited = ("BIANMIN_LOOKUPS_PER_MINUTE", "1000000".to_owned());
    let sqlite = {
        let server = Server::start_with("case-bench-sqlite", std::slice::from_ref(&unlimited))?;
        measure(&server)?
    };
    let postgres = match postgres_database() {
        Some((url, mut drop)) => {
            let measured = {
                let server = Server::start_with("case-bench-postgres", &[unlimited, ("DATABASE_URL", url)])?;
                measure(&server)
            };
            let _ = drop.status();
            Some(measured?)
        }
        None => None,
    };
    let pg = |f: fn(&(f64, f64)) -> f64| {
        postgres.as_ref().map_or("— (set BIANMIN_TEST_DATABASE_URL)".to_owned(), |p| format!("{:.0}", f(p)))
    };
    println!("| cases, {CLIENTS} concurrent clients, loopback | SQLite | PostgreSQL |\n|---|---:|---:|");
    println!(
        "| submissions per second ({APPLICATIONS}, 4 files each, all checked again) | {:.0} | {} |",
        sqlite.0,
        pg(|p| p.0)
    );
    println!("| status look-ups per second ({LOOKUPS}) | {:.0} | {} |\n", sqlite.1, pg(|p| p.1));
    Ok(())
}
