//! Drafts in browser storage: written on every change, so a WeChat reload or a
//! killed tab loses nothing typed. Personal data stays on this device (and out of
//! every address); a server copy with a resume code follows with submission.

use serde::Serialize;
use serde::de::DeserializeOwned;

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

fn key(name: &str) -> String {
    format!("bianmin.draft.{name}")
}

pub fn load<T: DeserializeOwned>(name: &str) -> Option<T> {
    let text = storage()?.get_item(&key(name)).ok().flatten()?;
    serde_json::from_str(&text).ok()
}

pub fn save<T: Serialize>(name: &str, value: &T) {
    if let (Some(storage), Ok(text)) = (storage(), serde_json::to_string(value)) {
        let _ = storage.set_item(&key(name), &text);
    }
}

pub fn remove(name: &str) {
    if let Some(storage) = storage() {
        let _ = storage.remove_item(&key(name));
    }
}
