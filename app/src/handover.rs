//! Lazy loading: the light app hands the page over to the full app.
//!
//! The home page's budget is 150 KB, so its wasm holds only search and guides.
//! The first time the applicant opens any other page, the light app reads
//! `/full/manifest.json` (written by `cargo xtask build`), imports the full
//! app's module, stops its own router, unmounts itself, and starts the full app,
//! which then shows the page at the same address and handles every later one.

use std::any::Any;
use std::cell::{Cell, RefCell};

use leptos::prelude::*;
use leptos::task::spawn_local;
use serde::Deserialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

thread_local! {
    static MOUNTED: RefCell<Option<Box<dyn Any>>> = RefCell::new(None);
    static STARTED: Cell<bool> = const { Cell::new(false) };
    static HANDED_OVER: Cell<bool> = const { Cell::new(false) };
}

#[wasm_bindgen(inline_js = "export function import_module(url) { return import(url); }")]
extern "C" {
    fn import_module(url: &str) -> js_sys::Promise;
}

/// Where the full app's files are (their names carry content hashes).
#[derive(Deserialize)]
struct Manifest {
    js: String,
    wasm: String,
}

/// Keep the mounted app alive until a hand-over unmounts it.
pub fn keep(handle: impl Any) {
    MOUNTED.with_borrow_mut(|slot| *slot = Some(Box::new(handle)));
}

/// True once this (light) app has given the page to the full app: its router
/// must then ignore clicks and history changes.
pub fn handed_over() -> bool {
    HANDED_OVER.get()
}

/// Start loading the full app (once) and show a loading line meanwhile.
pub fn hand_over() -> AnyView {
    let failed = RwSignal::new(false);
    if !STARTED.replace(true) {
        spawn_local(async move {
            if load_full_app().await.is_err() {
                STARTED.set(false);
                failed.set(true);
            }
        });
    }
    view! {
        {move || if failed.get() {
            view! {
                <div class="notice notice--error" role="alert">
                    <p>"网络连接不稳定，页面没能打开。请检查网络后重试。"</p>
                    <button type="button" class="button button--secondary" on:click=|_| { let _ = window().location().reload(); }>"重新加载"</button>
                </div>
            }.into_any()
        } else {
            view! { <p class="loading" role="status">"正在打开……"</p> }.into_any()
        }}
    }
    .into_any()
}

async fn load_full_app() -> Result<(), JsValue> {
    let failed = |_| JsValue::from_str("manifest");
    let manifest: Manifest = gloo_net::http::Request::get("/full/manifest.json")
        .send()
        .await
        .map_err(failed)?
        .json()
        .await
        .map_err(failed)?;
    let module = JsFuture::from(import_module(&manifest.js)).await?;
    let init: js_sys::Function = js_sys::Reflect::get(&module, &"default".into())?.dyn_into()?;
    HANDED_OVER.set(true);
    // Unmount only now: until the module has arrived, the light app stays usable.
    MOUNTED.with_borrow_mut(|slot| slot.take());
    let options = js_sys::Object::new();
    js_sys::Reflect::set(&options, &"module_or_path".into(), &manifest.wasm.into())?;
    let started = init.call1(&JsValue::NULL, &options)?.dyn_into::<js_sys::Promise>()?;
    JsFuture::from(started).await?;
    Ok(())
}
