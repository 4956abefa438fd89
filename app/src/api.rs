//! Calls to our own JSON API, with the server's error message kept for the reader.

use domain::api::{ErrorBody, ServiceList};
use domain::catalog::bundle::BundleDetail;
use gloo_net::http::Request;
use serde::de::DeserializeOwned;
use wasm_bindgen::JsCast;

use crate::subject::{Kind, Subject};

/// What went wrong, in words for the applicant.
#[derive(Clone, Debug, PartialEq)]
pub struct ApiError {
    pub message: String,
    pub not_found: bool,
}

impl ApiError {
    fn network() -> Self {
        Self {
            message: "网络连接不稳定，没能加载内容。请检查网络后重试。".into(), not_found: false
        }
    }
}

/// A response's JSON, parsed by the browser (`Response.json()`) and read into
/// `T` from the JavaScript value (see `js_json`): no JSON parser or float
/// formatting in the wasm, which keeps the home page's bundle small.
pub async fn read_json<T: DeserializeOwned>(response: web_sys::Response) -> Result<T, ()> {
    let promise = response.json().map_err(|_| ())?;
    let value = wasm_bindgen_futures::JsFuture::from(promise).await.map_err(|_| ())?;
    crate::js_json::from_js(value).map_err(|_| ())
}

/// GET with the browser's own `fetch` (the light app's requests: gloo-net's
/// builder and error types stay out of the home page's wasm).
async fn fetch_get<T: DeserializeOwned>(url: &str) -> Result<T, ApiError> {
    let window = web_sys::window().ok_or_else(ApiError::network)?;
    let response =
        wasm_bindgen_futures::JsFuture::from(window.fetch_with_str(url)).await.map_err(|_| ApiError::network())?;
    answer(response.unchecked_into()).await
}

async fn get<T: DeserializeOwned>(request: Request) -> Result<T, ApiError> {
    let response = request.send().await.map_err(|_| ApiError::network())?;
    answer(response.into()).await
}

/// The answer's JSON, or the server's message when it refused.
async fn answer<T: DeserializeOwned>(response: web_sys::Response) -> Result<T, ApiError> {
    if response.ok() {
        return read_json::<T>(response).await.map_err(|_| ApiError::network());
    }
    let not_found = response.status() == 404;
    let message = match read_json::<ErrorBody>(response).await {
        Ok(body) => body.error.message,
        Err(_) => "服务暂时不可用，请稍后再试。".into(),
    };
    Err(ApiError { message, not_found })
}

thread_local! {
    /// The session's CSRF token, once the page has read it (see `shell::session`).
    static CSRF: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
}

/// Keep (or forget, on signing out) the token changes made while signed in carry.
pub fn set_csrf(token: Option<String>) {
    CSRF.with_borrow_mut(|t| *t = token);
}

/// A POST to our API, with the session's CSRF token when signed in: the
/// server refuses (or treats as anonymous) a change the cookie alone makes.
fn post(url: &str) -> gloo_net::http::RequestBuilder {
    let request = Request::post(url);
    match CSRF.with_borrow(Clone::clone) {
        Some(token) => request.header("X-CSRF-Token", &token),
        None => request,
    }
}

/// GET some JSON from our API.
pub async fn get_json<T: DeserializeOwned>(url: &str) -> Result<T, ApiError> {
    get(Request::get(url).build().map_err(|_| ApiError::network())?).await
}

/// A POST whose answer has no body (204), with the CSRF token.
pub async fn post_empty(url: &str) -> Result<(), ApiError> {
    let response = post(url).build().map_err(|_| ApiError::network())?.send().await.map_err(|_| ApiError::network())?;
    if response.ok() {
        return Ok(());
    }
    answer::<serde::de::IgnoredAny>(response.into()).await.map(|_| ())
}

/// The search the home page shows.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Search {
    pub q: String,
    pub department: String,
    pub applicant: String,
    pub page: usize,
}

pub async fn services(search: Search) -> Result<ServiceList, ApiError> {
    let page = domain::decimal::count(search.page.max(1));
    let mut url = String::from("/api/services?");
    for (key, value) in
        [("q=", search.q.as_str()), ("&department=", &search.department), ("&applicant=", &search.applicant)]
    {
        url.push_str(key);
        url.push_str(&String::from(js_sys::encode_uri_component(value)));
    }
    url.push_str("&page=");
    url.push_str(&page);
    fetch_get(&url).await
}

/// An item, for its guide: read as the questionnaire and the notice read it
/// (one reader in the bundle), and kept, so the questions after the guide
/// cost no second request.
pub async fn item(code: String) -> Result<std::sync::Arc<domain::ServiceItem>, ApiError> {
    match subject(Kind::Service, code).await? {
        Subject::Item(item) => Ok(item),
        // A service's address answers with an item; never a bundle.
        Subject::Bundle(_) => Err(ApiError::network()),
    }
}

thread_local! {
    /// Items and bundles already fetched: moving between the questions of one
    /// questionnaire costs no request on a weak network.
    static SUBJECTS: std::cell::RefCell<Vec<Subject>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// An item or a bundle, from the cache when it was fetched before.
pub async fn subject(kind: Kind, code: String) -> Result<Subject, ApiError> {
    let cached = SUBJECTS.with_borrow(|all| all.iter().find(|s| s.kind() == kind && s.code() == code).cloned());
    if let Some(subject) = cached {
        return Ok(subject);
    }
    // The browser's own fetch, as the home page's: no request builder in the guide's wasm.
    let url = ["/api", &kind.base(&code)].concat();
    let subject = match kind {
        Kind::Service => Subject::Item(fetch_get::<domain::ServiceItem>(&url).await?.into()),
        Kind::Bundle => Subject::Bundle(fetch_get::<BundleDetail>(&url).await?.into()),
    };
    SUBJECTS.with_borrow_mut(|all| all.push(subject.clone()));
    Ok(subject)
}

/// The server's check of a form: the same domain rules, run again where nothing
/// the browser says is trusted.
pub async fn check_form(
    kind: Kind,
    code: &str,
    answers: &domain::catalog::situation::Answers,
    form: &domain::apply::form::ApplicationForm,
) -> Result<Vec<domain::apply::form::FieldError>, ApiError> {
    let url = format!("/api{}/form/check", kind.base(code));
    let body = domain::api::FormCheck { answers: answers.clone(), form: form.clone() };
    let request = post(&url).json(&body).map_err(|_| ApiError::network())?;
    get(request).await
}

pub async fn post_json<B: serde::Serialize, T: DeserializeOwned>(url: &str, body: &B) -> Result<T, ApiError> {
    get(post(url).json(body).map_err(|_| ApiError::network())?).await
}

/// A new application key (see `application::application_key`).
pub async fn application_key() -> Result<String, ApiError> {
    let issued: domain::api::IssuedKey =
        get(post("/api/application-keys").build().map_err(|_| ApiError::network())?).await?;
    Ok(issued.application_key)
}

/// Keep a draft on the server: a new one, or the one with this resume code,
/// with the application's key so its uploads go on working on another device.
pub async fn save_draft(
    resume_code: Option<String>,
    application_key: &str,
    draft: &domain::api::DraftBody,
) -> Result<domain::api::DraftSaved, ApiError> {
    let url = if resume_code.is_some() { "/api/drafts/save" } else { "/api/drafts" };
    let request = post(url).header("Application-Key", application_key);
    match resume_code {
        None => get(request.json(draft).map_err(|_| ApiError::network())?).await,
        Some(resume_code) => {
            let body = domain::api::SaveRequest { resume_code, draft: draft.clone() };
            get(request.json(&body).map_err(|_| ApiError::network())?).await
        }
    }
}

/// A draft by its resume code (sent in the body, never in the address).
pub async fn resume_draft(resume_code: String) -> Result<domain::api::DraftLoaded, ApiError> {
    post_json("/api/drafts/resume", &domain::api::ResumeRequest { resume_code }).await
}

/// Why a submission did not make a case.
#[derive(Clone, Debug, PartialEq)]
pub enum SubmitError {
    /// Fields and materials to fix, each in its place.
    Invalid(String, domain::apply::submission::SubmissionProblems),
    /// Anything else, in words (network trouble, the same application in flight…).
    Other(String),
}

/// A POST whose refusal may list fields and materials to fix.
async fn post_checked<B: serde::Serialize, T: DeserializeOwned>(
    request: gloo_net::http::RequestBuilder,
    body: &B,
) -> Result<T, SubmitError> {
    let value = post_answer(request, body).await?;
    crate::js_json::from_js(value).map_err(|_| unsent())
}

/// A change the server may refuse with problems: its answer as the browser
/// parsed it, or the refusal in words.
async fn post_answer<B: serde::Serialize>(
    request: gloo_net::http::RequestBuilder,
    body: &B,
) -> Result<wasm_bindgen::JsValue, SubmitError> {
    let response = request.json(body).map_err(|_| unsent())?.send().await.map_err(|_| unsent())?;
    if response.ok() {
        let parsed = web_sys::Response::from(response).json().map_err(|_| unsent())?;
        return wasm_bindgen_futures::JsFuture::from(parsed).await.map_err(|_| unsent());
    }
    match read_json::<ErrorBody>(response.into()).await {
        Ok(ErrorBody { error, problems: Some(problems) }) => Err(SubmitError::Invalid(error.message, problems)),
        Ok(body) => Err(SubmitError::Other(body.error.message)),
        Err(_) => Err(SubmitError::Other("服务暂时不可用，请稍后再试。您填写的内容没有丢失。".into())),
    }
}

fn unsent() -> SubmitError {
    SubmitError::Other("网络连接不稳定，没有提交成功。请检查网络后再试一次，不会重复提交。".into())
}

/// What the server answered a submission with: the case number, and the
/// receipt as it was sent, kept for the receipt page (the review's bundle
/// never reads or writes a whole receipt: that code is the receipt's).
pub struct Submitted {
    pub case_number: String,
    pub receipt: String,
}

/// Submit the application once. The same `key` for every retry of it: the
/// server answers a repeat with the same receipt instead of a second case.
pub async fn submit(
    kind: Kind,
    code: &str,
    key: &str,
    application_key: &str,
    submission: &domain::apply::submission::Submission,
) -> Result<Submitted, SubmitError> {
    let url = format!("/api{}/submissions", kind.base(code));
    let request = post(&url).header("Idempotency-Key", key).header("Application-Key", application_key);
    let receipt = post_answer(request, submission).await?;
    let case_number = js_sys::Reflect::get(&receipt, &"case_number".into()).ok().and_then(|n| n.as_string());
    match (case_number, js_sys::JSON::stringify(&receipt).ok().and_then(|t| t.as_string())) {
        (Some(case_number), Some(receipt)) => Ok(Submitted { case_number, receipt }),
        _ => Err(unsent()),
    }
}

/// A case by its number and query code (in the body, never the address), read
/// as the page needs it (the whole `CaseView`, or a part of it).
pub async fn case_lookup<T: DeserializeOwned>(key: &domain::case::view::CaseKey) -> Result<T, ApiError> {
    match early(&["lookup ", &key.case_number].concat()).await {
        Some(answered) => answered,
        None => post_json("/api/cases/lookup", key).await,
    }
}

/// The answer to a request a page's first view made while its wasm loaded
/// (`window.bianminEarly`, see `case-early.js`), so it is not one more round
/// trip after the wasm (the server cannot name it in a preload: the key is
/// the page's, not the address's). Taken once: a later read asks again.
async fn early<T: DeserializeOwned>(name: &str) -> Option<Result<T, ApiError>> {
    let early = js_sys::Reflect::get(&web_sys::window()?.into(), &"bianminEarly".into()).ok()?;
    let asked = js_sys::Reflect::get(&early, &name.into()).ok()?.dyn_into::<js_sys::Promise>().ok()?;
    let _ = js_sys::Reflect::delete_property(early.unchecked_ref::<js_sys::Object>(), &name.into());
    Some(match wasm_bindgen_futures::JsFuture::from(asked).await {
        Ok(response) => answer(response.unchecked_into()).await,
        Err(_) => Err(ApiError::network()),
    })
}

/// Whether a key opens its case, without reading the case (the look-up page
/// hands the case to the bundle that shows it).
pub async fn case_check(key: &domain::case::view::CaseKey) -> Result<(), ApiError> {
    post_json::<_, serde::de::IgnoredAny>("/api/cases/lookup", key).await.map(|_| ())
}

/// 找回查询码, step one: a code to the case's phone (the same answer if it is not the case's).
pub async fn recovery_code(
    request: &domain::case::recovery::RecoveryRequest,
) -> Result<domain::case::recovery::RecoverySent, ApiError> {
    post_json("/api/cases/recovery-codes", request).await
}

/// 找回查询码, step two: the SMS code for a new query code.
pub async fn recover(check: &domain::case::recovery::RecoveryCheck) -> Result<domain::case::view::CaseKey, ApiError> {
    post_json("/api/cases/recovery", check).await
}

/// The applicant's copy of a document of the case (the key in the body, never the address).
pub async fn case_document(request: &domain::case::view::DocumentRequest) -> Result<web_sys::Blob, ApiError> {
    let request = post("/api/cases/documents").json(request).map_err(|_| ApiError::network())?;
    blob(request.send().await.map_err(|_| ApiError::network())?).await
}

/// A download's bytes as a Blob, or the server's own words for why not.
async fn blob(response: gloo_net::http::Response) -> Result<web_sys::Blob, ApiError> {
    if !response.ok() {
        let not_found = response.status() == 404;
        let message = match read_json::<domain::api::ErrorBody>(response.into()).await {
            Ok(body) => body.error.message,
            Err(_) => "文件下载失败，请稍后再试".into(),
        };
        return Err(ApiError { message, not_found });
    }
    let bytes = response.binary().await.map_err(|_| ApiError::network())?;
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes.as_slice()));
    web_sys::Blob::new_with_u8_array_sequence(&parts).map_err(|_| ApiError::network())
}

pub async fn case_withdraw(key: &domain::case::view::CaseKey) -> Result<domain::case::view::CaseView, ApiError> {
    post_json("/api/cases/withdraw", key).await
}

pub async fn case_supplement(
    body: &domain::case::view::SupplementBody,
    application_key: &str,
) -> Result<domain::case::view::CaseView, SubmitError> {
    post_checked(post("/api/cases/supplement").header("Application-Key", application_key), body).await
}

pub async fn case_rate(body: &domain::case::view::RatingBody) -> Result<domain::case::view::CaseView, SubmitError> {
    post_checked(post("/api/cases/rating"), body).await
}

pub async fn complain(body: &domain::case::view::ComplaintBody) -> Result<domain::api::ComplaintReceived, SubmitError> {
    post_checked(post("/api/complaints"), body).await
}

/// Send a one-time code to the form's mobile number, for this application.
pub async fn send_phone_code(
    application_key: &str,
    phone: &str,
) -> Result<domain::apply::phone_code::CodeSent, ApiError> {
    let body = domain::apply::phone_code::CodeRequest { phone: phone.to_owned() };
    let request = post("/api/phone-codes").header("Application-Key", application_key);
    get(request.json(&body).map_err(|_| ApiError::network())?).await
}

/// The code the applicant typed back: the number is proven for this application.
pub async fn check_phone_code(
    application_key: &str,
    phone: &str,
    code: &str,
) -> Result<domain::apply::phone_code::NumberProven, ApiError> {
    let body = domain::apply::phone_code::CodeCheck { phone: phone.to_owned(), code: code.to_owned() };
    let request = post("/api/phone-codes/check").header("Application-Key", application_key);
    get(request.json(&body).map_err(|_| ApiError::network())?).await
}

/// Whether this centre sends SMS and email (the review page offers only those).
pub async fn notice_channels() -> Result<domain::api::NoticeChannels, ApiError> {
    get(Request::get("/api/notice-channels").build().map_err(|_| ApiError::network())?).await
}

pub async fn figures() -> Result<domain::case::view::PublicFigures, ApiError> {
    get(Request::get("/api/figures").build().map_err(|_| ApiError::network())?).await
}

/// The staff API, with the department's token.
pub mod staff {
    use domain::case::Action;
    use domain::case::search::{CaseSearch, CaseSearchPage};
    use domain::case::view::StaffCase;
    use gloo_net::http::Request;

    use super::{ApiError, get};

    fn bearer(token: &str) -> String {
        format!("Bearer {}", token.trim())
    }

    pub async fn me(token: &str) -> Result<domain::api::Me, ApiError> {
        get(Request::get("/api/staff/me")
            .header("Authorization", &bearer(token))
            .build()
            .map_err(|_| ApiError::network())?)
        .await
    }

    /// One page of the department's cases as the clerk searched and filtered them.
    pub async fn search(token: &str, search: &CaseSearch) -> Result<CaseSearchPage, ApiError> {
        let request = Request::post("/api/staff/cases/search").header("Authorization", &bearer(token));
        get(request.json(search).map_err(|_| ApiError::network())?).await
    }

    /// Answer a 差评 or a complaint (a work order), once.
    pub async fn reply(token: &str, id: &str, reply: &str) -> Result<domain::case::work_order::WorkOrder, ApiError> {
        let url = format!("/api/staff/work-orders/{}/reply", js_sys::encode_uri_component(id));
        let body = domain::case::work_order::ReplyBody { reply: reply.to_owned() };
        let request = Request::post(&url).header("Authorization", &bearer(token));
        get(request.json(&body).map_err(|_| ApiError::network())?).await
    }

    /// A rating given on the window's pad.
    pub async fn pad_rating(
        token: &str,
        number: &str,
        body: &domain::case::view::PadRating,
    ) -> Result<domain::case::view::PadRated, ApiError> {
        let url = format!("/api/staff/cases/{}/rating", js_sys::encode_uri_component(number));
        let request = Request::post(&url).header("Authorization", &bearer(token));
        get(request.json(body).map_err(|_| ApiError::network())?).await
    }

    /// Record the 回访 of an answered work order, once.
    pub async fn visit(
        token: &str,
        id: &str,
        body: &domain::case::work_order::VisitBody,
    ) -> Result<domain::case::work_order::WorkOrder, ApiError> {
        let url = format!("/api/staff/work-orders/{}/visit", js_sys::encode_uri_component(id));
        let request = Request::post(&url).header("Authorization", &bearer(token));
        get(request.json(body).map_err(|_| ApiError::network())?).await
    }

    pub async fn case(token: &str, number: &str) -> Result<StaffCase, ApiError> {
        let url = format!("/api/staff/cases/{}", js_sys::encode_uri_component(number));
        get(Request::get(&url).header("Authorization", &bearer(token)).build().map_err(|_| ApiError::network())?).await
    }

    pub async fn act(token: &str, number: &str, action: &Action) -> Result<StaffCase, ApiError> {
        let url = format!("/api/staff/cases/{}/actions", js_sys::encode_uri_component(number));
        let request = Request::post(&url)
            .header("Authorization", &bearer(token))
            .json(action)
            .map_err(|_| ApiError::network())?;
        get(request).await
    }

    /// A case file's bytes (the address needs the token, so no plain link).
    pub async fn download(token: &str, url: &str) -> Result<web_sys::Blob, ApiError> {
        let response =
            Request::get(url).header("Authorization", &bearer(token)).send().await.map_err(|_| ApiError::network())?;
        // The server's own words (a damaged file says so), else a plain failure.
        super::blob(response).await
    }
}
