//! One application in progress on this device: the form, the finished uploads
//! and 容缺 choice, the submission's idempotency key, and the receipts kept
//! afterwards. All of it lives in browser storage (see [`crate::shell::draft`]) so a
//! reload, a killed tab or a second tab sees the same application.

use domain::apply::form::{ApplicationForm, FieldError};
use domain::apply::materials::Materials;
use domain::apply::submission::Receipt;
use domain::catalog::applying::Applying;
use domain::catalog::situation::Answers;

use crate::shell::draft;

fn materials_key(item: &str) -> String {
    format!("{item}.materials")
}

fn submission_key(item: &str) -> String {
    format!("{item}.submission-key")
}

fn resume_key(item: &str) -> String {
    format!("{item}.resume")
}

fn application_key_key(item: &str) -> String {
    format!("{item}.application-key")
}

thread_local! {
    /// Whether a task is already asking the server for a key (two uploads
    /// started together must end up with the same one).
    static ASKING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// The key that makes this application's uploads its own (the server's
/// `Application-Key`): asked for once, then kept on this device. `None` when
/// the server cannot be reached.
pub async fn application_key(item: &str) -> Option<String> {
    loop {
        if let Some(key) = stored_application_key(item) {
            return Some(key);
        }
        if !ASKING.with(|asking| asking.replace(true)) {
            break;
        }
        crate::shell::timer::sleep(50).await;
    }
    let issued = crate::api::application_key().await;
    ASKING.with(|asking| asking.set(false));
    let key = issued.ok()?;
    adopt_application_key(item, &key);
    Some(key)
}

/// The key kept on this device, if there is one (never asks the server).
pub fn stored_application_key(item: &str) -> Option<String> {
    draft::load(&application_key_key(item))
}

/// Take over the key of a draft resumed from another device.
pub fn adopt_application_key(item: &str, key: &str) {
    draft::save(&application_key_key(item), &key);
}

pub fn form(item: &str) -> Option<ApplicationForm> {
    draft::load(item)
}

pub fn save_form(item: &str, form: &ApplicationForm) {
    draft::save(item, form);
}

pub fn materials(item: &str) -> Materials {
    draft::load(&materials_key(item)).unwrap_or_default()
}

pub fn save_materials(item: &str, materials: &Materials) {
    draft::save(&materials_key(item), materials);
}

/// The saved server draft's resume code and expiry, if one was saved.
pub fn resume(item: &str) -> Option<domain::api::DraftSaved> {
    draft::load(&resume_key(item))
}

pub fn save_resume(item: &str, saved: &domain::api::DraftSaved) {
    draft::save(&resume_key(item), saved);
}

/// The `Idempotency-Key` of this application: made once and kept, so a double
/// tap, a retry after a timeout or a second tab sends the same key.
pub fn idempotency_key(item: &str) -> String {
    if let Some(key) = draft::load::<String>(&submission_key(item)) {
        return key;
    }
    let mut bytes = [0u8; 16];
    let crypto = web_sys::window().and_then(|w| w.crypto().ok());
    if let Some(crypto) = crypto {
        let _ = crypto.get_random_values_with_u8_array(&mut bytes);
    }
    let key: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    draft::save(&submission_key(item), &key);
    key
}

/// After a successful submission: the application is done on this device,
/// its receipt (JSON as the server sent it) kept.
pub fn finish(item: &str, case_number: &str, receipt: &str) {
    let (email, sms) = (format!("{item}.email"), format!("{item}.sms"));
    for key in [
        proven_key(item),
        item.to_owned(),
        materials_key(item),
        submission_key(item),
        resume_key(item),
        application_key_key(item),
        email,
        sms,
    ] {
        draft::remove(&key);
    }
    draft::save_json(&format!("receipt.{case_number}"), receipt);
    // Back from the receipt lands on the review page: it forwards to the receipt.
    draft::save(&submitted_key(item), &case_number);
}

fn submitted_key(item: &str) -> String {
    format!("{item}.submitted")
}

/// The case this device last submitted for `item`, while no new draft is begun.
pub fn submitted(item: &str) -> Option<String> {
    draft::load(&submitted_key(item))
}

/// Where this device remembers the number the applicant proved for SMS (the
/// server decides; this only spares asking again after a reload).
pub fn proven_key(item: &str) -> String {
    format!("{item}.sms_proven")
}

/// The receipt kept on this phone (`app/case-early.js` reads its query code
/// under the same name, before the wasm).
pub fn receipt(case_number: &str) -> Option<Receipt> {
    draft::load(&format!("receipt.{case_number}"))
}

/// Whether this phone keeps the receipt of `case_number` (without reading it).
pub fn has_receipt(case_number: &str) -> bool {
    draft::kept(&format!("receipt.{case_number}"))
}

/// Whether the situation says an agent applies.
pub fn needs_agent(answers: &Answers) -> bool {
    domain::apply::form::needs_agent(answers)
}

/// Today's date where the browser is (the server checks again with China's date).
pub fn today() -> (u16, u8, u8) {
    let now = js_sys::Date::new_0();
    (now.get_full_year() as u16, now.get_month() as u8 + 1, now.get_date() as u8)
}

/// What is still wrong with the stored form, by the same rules as the server;
/// `None` when nothing was typed yet.
pub fn form_problems(applying: Applying<'_>, answers: &Answers) -> Option<Vec<FieldError>> {
    let form = form(applying.code())?;
    Some(applying.form_problems(&form, answers, today()))
}
