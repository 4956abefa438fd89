//! Drafts in browser storage: written on every change, so a WeChat reload or a
//! killed tab loses nothing typed. Personal data stays on this device (and out of
//! every address); a server copy with a resume code follows with submission.
//! Nothing stays for ever: the day each entry was last written is kept beside
//! it, and [`forget_old`] drops a draft a month unchanged (as the server does
//! its copy) and a receipt, with its query code, a year after it was given.

use serde::Serialize;
use serde::de::DeserializeOwned;

/// Days an entry is kept after it was last written: a draft as long as the
/// server keeps its copy (`--draft-days`' default), a receipt long enough to
/// follow, supplement and rate any case.
const DRAFT_DAYS: i64 = 30;
const RECEIPT_DAYS: i64 = 365;
const PREFIX: &str = "bianmin.draft.";
/// Beside each entry, the day it was last written (days since 1970, as text:
/// no JSON here, which keeps the parser out of the home page's wasm).
const WRITTEN: &str = "bianmin.written.";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

fn key(name: &str) -> String {
    format!("{PREFIX}{name}")
}

fn today() -> i64 {
    (js_sys::Date::now() / 86_400_000.0) as i64
}

fn written(storage: &web_sys::Storage, name: &str) -> Option<i64> {
    storage.get_item(&format!("{WRITTEN}{name}")).ok().flatten()?.parse().ok()
}

/// Note that `name` was written today (once a day: most saves change nothing here).
fn touch(storage: &web_sys::Storage, name: &str) {
    let today = today();
    if written(storage, name) != Some(today) {
        let _ = storage.set_item(&format!("{WRITTEN}{name}"), &today.to_string());
    }
}

/// Drop what this device has kept too long (see the module's notes). An entry
/// from before the days were kept starts counting now.
pub fn forget_old() {
    let Some(storage) = storage() else { return };
    let today = today();
    let keys: Vec<String> = (0..storage.length().unwrap_or(0)).filter_map(|i| storage.key(i).ok().flatten()).collect();
    for stored in keys {
        if let Some(name) = stored.strip_prefix(PREFIX) {
            let Some(day) = written(&storage, name) else {
                touch(&storage, name);
                continue;
            };
            let keep = if name.starts_with("receipt.") { RECEIPT_DAYS } else { DRAFT_DAYS };
            if today - day > keep {
                let _ = storage.remove_item(&stored);
                let _ = storage.remove_item(&format!("{WRITTEN}{name}"));
            }
        } else if let Some(name) = stored.strip_prefix(WRITTEN) {
            // The day of an entry removed some other way goes too.
            if storage.get_item(&key(name)).ok().flatten().is_none() {
                let _ = storage.remove_item(&stored);
            }
        }
    }
}

pub fn load<T: DeserializeOwned>(name: &str) -> Option<T> {
    let text = storage()?.get_item(&key(name)).ok().flatten()?;
    // The browser parses; `js_json` reads (no JSON parser in the wasm).
    crate::js_json::from_js(js_sys::JSON::parse(&text).ok()?).ok()
}

pub fn save<T: Serialize>(name: &str, value: &T) {
    if let Ok(text) = serde_json::to_string(value) {
        save_json(name, &text);
    }
}

/// Keep `json`, JSON already (as the server sent it), as `save` would.
pub fn save_json(name: &str, json: &str) {
    if let Some(storage) = storage() {
        let _ = storage.set_item(&key(name), json);
        touch(&storage, name);
    }
}

/// Whether anything is kept under `name`.
pub fn kept(name: &str) -> bool {
    storage().and_then(|s| s.get_item(&key(name)).ok().flatten()).is_some()
}

/// The case numbers of the receipts this device keeps, from the storage keys
/// alone (no JSON: the home page lists them without the parser).
pub fn kept_receipts() -> Vec<String> {
    let Some(storage) = storage() else { return Vec::new() };
    let prefix = key("receipt.");
    let mut numbers: Vec<String> = (0..storage.length().unwrap_or(0))
        .filter_map(|i| storage.key(i).ok().flatten())
        .filter_map(|k| k.strip_prefix(&prefix).map(str::to_owned))
        .collect();
    numbers.sort_unstable();
    numbers
}

pub fn remove(name: &str) {
    if let Some(storage) = storage() {
        let _ = storage.remove_item(&key(name));
    }
}
