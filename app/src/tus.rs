//! A small tus 1.0 client: create, PATCH in chunks with progress, resume from
//! the server's offset after a dropped connection or a reload, retry with
//! back-off, and finally ask the server to check the file's content.
//!
//! The rules (chunk size, back-off, which failures are worth a retry, the
//! metadata header) are plain functions in `domain::apply::tus`; this file only
//! talks to the browser. XHR rather than fetch, because only XHR reports upload
//! progress in the browsers applicants have.

use std::collections::BTreeMap;
use std::rc::Rc;

use domain::apply::materials::UploadedFile;
use domain::apply::tus::{is_retryable, metadata_header, next_chunk, retry_delay_ms};
use serde::{Deserialize, Serialize};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{Blob, XmlHttpRequest};

use crate::shell::draft;

const TUS_VERSION: &str = "1.0.0";
const PENDING: &str = "uploads.pending";

/// An upload begun and not finished, kept in browser storage by fingerprint so
/// a reload (or a killed WeChat tab) resumes it when the same file is picked.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Pending {
    pub url: String,
    pub item: String,
    pub material: String,
    pub name: String,
    pub size: u64,
    /// The last offset the server acknowledged (for showing progress only:
    /// resuming asks the server).
    pub offset: u64,
}

pub fn pending() -> BTreeMap<String, Pending> {
    draft::load(PENDING).unwrap_or_default()
}

fn remember(fingerprint: &str, upload: &Pending) {
    let mut all = pending();
    all.insert(fingerprint.to_owned(), upload.clone());
    draft::save(PENDING, &all);
}

pub fn forget(fingerprint: &str) {
    let mut all = pending();
    if all.remove(fingerprint).is_some() {
        draft::save(PENDING, &all);
    }
}

/// How an upload ended.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    /// Every byte is in and the server's content check passed.
    Done(UploadedFile),
    /// The server refused the file; the message says why.
    Refused(String),
    /// The network stayed down through every retry; picking up again resumes.
    Paused,
}

/// What a finished XHR said; status 0 is a network failure or a timeout.
struct Reply {
    status: u16,
    xhr: XmlHttpRequest,
}

impl Reply {
    fn header(&self, name: &str) -> Option<String> {
        self.xhr.get_response_header(name).ok().flatten()
    }

    fn number(&self, name: &str) -> Option<u64> {
        self.header(name)?.trim().parse().ok()
    }

    fn text(&self) -> String {
        self.xhr.response_text().ok().flatten().unwrap_or_default()
    }
}

/// What a request carries.
enum Body<'a> {
    Empty,
    Bytes(&'a Blob),
    Json(&'a str),
}

/// One request. Never fails: trouble comes back as status 0.
async fn send(
    method: &str,
    url: &str,
    headers: &[(&str, String)],
    body: Body<'_>,
    progress: Option<Rc<dyn Fn(f64)>>,
) -> Reply {
    let xhr = XmlHttpRequest::new().unwrap_throw();
    let _ = xhr.open(method, url);
    for (name, value) in headers {
        let _ = xhr.set_request_header(name, value);
    }
    // A chunk on a weak signal may take minutes; a stuck one is cut after five.
    xhr.set_timeout(if matches!(body, Body::Bytes(_)) { 300_000 } else { 30_000 });
    let on_progress = progress.map(|report| {
        Closure::<dyn Fn(web_sys::ProgressEvent)>::new(move |event: web_sys::ProgressEvent| report(event.loaded()))
    });
    if let (Some(closure), Ok(upload)) = (&on_progress, xhr.upload()) {
        upload.set_onprogress(Some(closure.as_ref().unchecked_ref()));
    }
    let done = js_sys::Promise::new(&mut |resolve, _| xhr.set_onloadend(Some(&resolve)));
    let sent = match body {
        Body::Empty => xhr.send(),
        Body::Bytes(blob) => xhr.send_with_opt_blob(Some(blob)),
        Body::Json(text) => xhr.send_with_opt_str(Some(text)),
    };
    if sent.is_ok() {
        let _ = wasm_bindgen_futures::JsFuture::from(done).await;
    }
    // Unhook before the closure goes, so a late event finds nothing.
    if let Ok(upload) = xhr.upload() {
        upload.set_onprogress(None);
    }
    xhr.set_onloadend(None);
    drop(on_progress);
    let status = if sent.is_ok() { xhr.status().unwrap_or(0) } else { 0 };
    Reply { status, xhr }
}

/// Every tus request carries the application's key: the server answers an
/// upload only to the application that made it.
fn tus_headers(key: &str) -> Vec<(&'static str, String)> {
    vec![("Tus-Resumable", TUS_VERSION.to_owned()), ("Application-Key", key.to_owned())]
}

/// The applicant's words for a refusal: the server's own message when it wrote
/// one for people (a hook rejection), else what the status means.
fn refusal(reply: &Reply, name: &str) -> String {
    let text = reply.text();
    if let Some(message) = text.strip_prefix("hook rejected: ") {
        return message.to_owned();
    }
    let parsed =
        js_sys::JSON::parse(&text).ok().and_then(|v| crate::js_json::from_js::<domain::api::ErrorBody>(v).ok());
    if let Some(body) = parsed {
        return body.error.message;
    }
    match reply.status {
        413 => format!("“{name}”超过了上传大小的上限，请压缩或拆分后再传"),
        460 => format!("“{name}”在传输中出错，请重新上传"),
        _ => format!("“{name}”上传没有成功，请重新选择这个文件再试"),
    }
}

/// The server's offset of an upload, or `None` when the server no longer has
/// it (expired or deleted) or it is not this file. `Err` is network trouble.
async fn offset_of(url: &str, size: u64, key: &str) -> Result<Option<u64>, ()> {
    let reply = send("HEAD", url, &tus_headers(key), Body::Empty, None).await;
    match reply.status {
        200 | 204 if reply.number("Upload-Length") == Some(size) => Ok(reply.number("Upload-Offset")),
        200 | 204 | 404 | 410 | 403 => Ok(None),
        status if is_retryable(status) => Err(()),
        _ => Ok(None),
    }
}

/// Run `attempt` until it stops asking for a retry, waiting longer each time.
/// `None` once the back-off is used up.
async fn with_retries<T>(mut attempt: impl AsyncFnMut() -> Result<T, ()>) -> Option<T> {
    let mut tries = 0;
    loop {
        if let Ok(value) = attempt().await {
            return Some(value);
        }
        crate::shell::timer::sleep(retry_delay_ms(tries)?).await;
        tries += 1;
    }
}

/// What is sent: for which item, material and side, under which name.
pub struct Sending<'a> {
    pub item: &'a str,
    pub material: &'a str,
    /// The named side (`Material::slots`), told to the server at creation.
    pub slot: Option<u8>,
    pub name: &'a str,
    /// The size before compression, when it was compressed.
    pub original_size: Option<u64>,
    pub fingerprint: &'a str,
}

/// Upload `blob` for a material of an item, resuming an earlier attempt with
/// the same fingerprint. `progress(sent, total)` follows the bytes.
pub async fn upload(sending: Sending<'_>, blob: &Blob, progress: Rc<dyn Fn(u64, u64)>) -> Outcome {
    let Sending { item, material, slot, name, original_size, fingerprint } = sending;
    let size = blob.size() as u64;
    let Some(key) = crate::application::application_key(item).await else { return Outcome::Paused };
    let key = key.as_str();
    // Resume what the server already has, if anything.
    let mut known = pending().remove(fingerprint);
    let mut offset = 0;
    if let Some(earlier) = &known {
        match with_retries(async || offset_of(&earlier.url, size, key).await).await {
            Some(Some(at)) => offset = at,
            Some(None) => known = None,
            None => return Outcome::Paused,
        }
    }
    let mut upload = match known {
        Some(earlier) => earlier,
        None => {
            forget(fingerprint);
            let mut headers = tus_headers(key);
            headers.push(("Upload-Length", size.to_string()));
            let side = slot.map(|s| s.to_string());
            let mut metadata = vec![("item", item), ("material", material), ("filename", name)];
            if let Some(side) = &side {
                metadata.push(("slot", side));
            }
            headers.push(("Upload-Metadata", metadata_header(&metadata)));
            let mut refused = None;
            let created = with_retries(async || {
                let reply = send("POST", "/api/uploads", &headers, Body::Empty, None).await;
                match reply.status {
                    201 => Ok(reply.header("Location")),
                    status if is_retryable(status) => Err(()),
                    _ => {
                        refused = Some(refusal(&reply, name));
                        Ok(None)
                    }
                }
            })
            .await;
            let url = match created {
                Some(Some(url)) => url,
                Some(None) => {
                    return Outcome::Refused(
                        refused.unwrap_or_else(|| format!("“{name}”上传没有成功，请重新选择这个文件再试")),
                    );
                }
                None => return Outcome::Paused,
            };
            Pending {
                url,
                item: item.to_owned(),
                material: material.to_owned(),
                name: name.to_owned(),
                size,
                offset: 0,
            }
        }
    };
    remember(fingerprint, &upload);
    progress(offset, size);

    let mut tries = 0;
    while offset < size {
        let (start, end) = next_chunk(offset, size);
        let Ok(chunk) = blob.slice_with_f64_and_f64(start as f64, end as f64) else { return Outcome::Paused };
        let mut headers = tus_headers(key);
        headers.push(("Upload-Offset", start.to_string()));
        headers.push(("Content-Type", "application/offset+octet-stream".to_owned()));
        let report = Rc::clone(&progress);
        let report: Rc<dyn Fn(f64)> = Rc::new(move |loaded: f64| report(start + loaded as u64, size));
        let reply = send("PATCH", &upload.url, &headers, Body::Bytes(&chunk), Some(report)).await;
        match reply.status {
            204 | 200 => {
                offset = reply.number("Upload-Offset").unwrap_or(end);
                upload.offset = offset;
                remember(fingerprint, &upload);
                tries = 0;
            }
            404 | 410 => {
                forget(fingerprint);
                return Outcome::Refused(format!("“{name}”的上传已过期，请重新选择这个文件"));
            }
            status if is_retryable(status) => {
                let Some(wait) = retry_delay_ms(tries) else { return Outcome::Paused };
                tries += 1;
                crate::shell::timer::sleep(wait).await;
                // Ask where the server is rather than guess.
                match offset_of(&upload.url, size, key).await {
                    Ok(Some(at)) => offset = at,
                    Ok(None) => {
                        forget(fingerprint);
                        return Outcome::Refused(format!("“{name}”的上传已过期，请重新选择这个文件"));
                    }
                    Err(()) => {}
                }
            }
            _ => {
                forget(fingerprint);
                return Outcome::Refused(refusal(&reply, name));
            }
        }
        progress(offset, size);
    }

    // Every byte is in: the server reads the first bytes and checks them.
    let id = upload.url.rsplit('/').next().unwrap_or_default().to_owned();
    #[derive(Serialize)]
    struct Check<'a> {
        upload: &'a str,
    }
    let body = serde_json::to_string(&Check { upload: &id }).unwrap_or_default();
    let mut refused = None;
    let checked = with_retries(async || {
        let reply = send(
            "POST",
            "/api/upload-checks",
            &[("Content-Type", "application/json".to_owned()), ("Application-Key", key.to_owned())],
            Body::Json(&body),
            None,
        )
        .await;
        match reply.status {
            200 => Ok(true),
            status if is_retryable(status) => Err(()),
            _ => {
                refused = Some(refusal(&reply, name));
                Ok(false)
            }
        }
    })
    .await;
    match checked {
        Some(true) => {
            forget(fingerprint);
            Outcome::Done(UploadedFile {
                upload: id,
                name: name.to_owned(),
                size,
                original_size,
                slot,
                digest: String::new(),
                reused: false,
            })
        }
        Some(false) => {
            forget(fingerprint);
            Outcome::Refused(refused.unwrap_or_default())
        }
        None => Outcome::Paused,
    }
}

/// Let the server discard an upload the applicant removed (best effort: the
/// server expires unfinished uploads anyway).
/// A file a submitted case holds is refused by the server and stays.
pub async fn discard(item: &str, upload: &str) {
    let url = format!("/api/uploads/{}", js_sys::encode_uri_component(upload));
    discard_url(item, &url).await;
}

/// Discard an unfinished upload by its address.
pub async fn discard_url(item: &str, url: &str) {
    let Some(key) = crate::application::stored_application_key(item) else { return };
    let _ = send("DELETE", url, &tus_headers(&key), Body::Empty, None).await;
}
