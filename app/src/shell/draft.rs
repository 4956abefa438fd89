//! Drafts in browser storage: written on every change, so a WeChat reload or a
//! killed tab loses nothing typed. Personal data stays on this device (and out of
//! every address); a server copy with a resume code follows with submission.
//! Nothing stays for ever: the day each entry was last written is kept beside
//! it, and [`forget_old`] drops a draft a month unchanged (as the server does
//! its copy) and a receipt, with its query code, a year after it was given.

use std::collections::BTreeMap;

use serde::Serialize;
use serde::de::DeserializeOwned;

/// Days an entry is kept after it was last written: a draft as long as the
/// server keeps its copy (`--draft-days`' default), a receipt long enough to
/// follow, supplement and rate any case.
const DRAFT_DAYS: i64 = 30;
const RECEIPT_DAYS: i64 = 365;
/// Where the day each entry was last written is kept (name → days since 1970).
const WRITTEN: &str = "bianmin.written";
const PREFIX: &str = "bianmin.draft.";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

fn key(name: &str) -> String {
    format!("{PREFIX}{name}")
}

fn today() -> i64 {
    (js_sys::Date::now() / 86_400_000.0) as i64
}

fn written(storage: &web_sys::Storage) -> BTreeMap<String, i64> {
    storage.get_item(WRITTEN).ok().flatten().and_then(|text| serde_json::from_str(&text).ok()).unwrap_or_default()
}

fn set_written(storage: &web_sys::Storage, days: &BTreeMap<String, i64>) {
    if let Ok(text) = serde_json::to_string(days) {
        let _ = storage.set_item(WRITTEN, &text);
    }
}

/// Note that `name` was written today (once a day: most saves change nothing here).
fn touch(storage: &web_sys::Storage, name: &str) {
    let mut days = written(storage);
    let today = today();
    if days.get(name) != Some(&today) {
        days.insert(name.to_owned(), today);
        set_written(storage, &days);
    }
}

/// Drop what this device has kept too long (see the module's notes). An entry
/// from before the days were kept starts counting now.
pub fn forget_old() {
    let Some(storage) = storage() else { return };
    let (mut days, today) = (written(&storage), today());
    let names: Vec<String> = (0..storage.length().unwrap_or(0))
        .filter_map(|i| storage.key(i).ok().flatten())
        .filter_map(|k| k.strip_prefix(PREFIX).map(str::to_owned))
        .collect();
    for name in names {
        let day = *days.entry(name.clone()).or_insert(today);
        let keep = if name.starts_with("receipt.") { RECEIPT_DAYS } else { DRAFT_DAYS };
        if today - day > keep {
            let _ = storage.remove_item(&key(&name));
            days.remove(&name);
        }
    }
    // Days of entries removed some other way go too.
    days.retain(|name, _| storage.get_item(&key(name)).ok().flatten().is_some());
    set_written(&storage, &days);
}

pub fn load<T: DeserializeOwned>(name: &str) -> Option<T> {
    let text = storage()?.get_item(&key(name)).ok().flatten()?;
    serde_json::from_str(&text).ok()
}

pub fn save<T: Serialize>(name: &str, value: &T) {
    if let (Some(storage), Ok(text)) = (storage(), serde_json::to_string(value)) {
        let _ = storage.set_item(&key(name), &text);
        touch(&storage, name);
    }
}

pub fn remove(name: &str) {
    if let Some(storage) = storage() {
        let _ = storage.remove_item(&key(name));
    }
}
