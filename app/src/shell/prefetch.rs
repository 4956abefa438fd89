//! Loading a bundle before it is needed: a guide, a 一件事 overview and a
//! notice fetch the form's bundle into the browser's cache, so 开始网上申请
//! opens at once; the form fetches the uploads' bundle, the uploads the
//! review's. Its own module: the home page never calls it.

use std::cell::Cell;

use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use crate::shell::handover::{Bundle, Manifest, manifest};

/// Fetch a bundle's files into the browser's cache once the page has loaded
/// (once), so the tap that opens it (a guide's 开始网上申请) feels
/// immediate; skipped when the phone asks to save data or is on 2G.
pub fn prefetch(bundle: Bundle) {
    thread_local! {
        static PREFETCHED: Cell<bool> = const { Cell::new(false) };
    }
    if PREFETCHED.replace(true) || saves_data() {
        return;
    }
    spawn_local(async move {
        // Idle enough: the page's own requests have been made by then.
        crate::shell::timer::sleep(1500).await;
        let Ok(response) = JsFuture::from(window().fetch_with_str(&manifest(bundle))).await else { return };
        let Ok(manifest) = crate::api::read_json::<Manifest>(response.unchecked_into()).await else { return };
        for url in [manifest.js, manifest.wasm] {
            if let Ok(response) = JsFuture::from(window().fetch_with_str(&url)).await
                && let Ok(body) = response.unchecked_into::<web_sys::Response>().array_buffer()
            {
                let _ = JsFuture::from(body).await;
            }
        }
    });
}

/// The phone asks to save data, or is on 2G (`navigator.connection`, where
/// the browser has it).
fn saves_data() -> bool {
    let get = |on: &JsValue, key: &str| js_sys::Reflect::get(on, &key.into()).unwrap_or(JsValue::UNDEFINED);
    let connection = get(&window().navigator(), "connection");
    get(&connection, "saveData").is_truthy()
        || get(&connection, "effectiveType").as_string().is_some_and(|t| t.ends_with("2g"))
}
