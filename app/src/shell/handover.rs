//! Lazy loading: the light app hands the page over to a bigger bundle.
//!
//! The home page's budget is 150 KB, so its wasm holds only search and guides.
//! The first time the applicant opens any other page, the light app reads the
//! bundle's `manifest.json` (written by `cargo xtask build`), imports its
//! module, stops its own router, unmounts itself, and starts it; the bundle then
//! shows the page at the same address and handles every later one.
//!
//! There are two bundles: `full` (questionnaires, notices, applying) and
//! `follow` (a case after submission, public figures, the staff console), so an
//! applicant filling in a form never downloads the staff console. When a
//! bundle meets a page of the other one, it reloads the address: the light app
//! (cached) starts again and hands over to the right bundle.

use std::any::Any;
use std::cell::{Cell, RefCell};

use leptos::prelude::*;
use leptos::task::spawn_local;
use serde::Deserialize;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
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

/// The lazily loaded bundles.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Bundle {
    Full,
    Follow,
}

impl Bundle {
    fn manifest(self) -> &'static str {
        match self {
            Self::Full => "/full/manifest.json",
            Self::Follow => "/follow/manifest.json",
        }
    }
}

/// Start loading a bundle (once) and show a loading line meanwhile.
pub fn hand_over(bundle: Bundle) -> AnyView {
    let failed = RwSignal::new(false);
    if !STARTED.replace(true) {
        spawn_local(async move {
            if load_bundle(bundle).await.is_err() {
                STARTED.set(false);
                failed.set(true);
            }
        });
    }
    view! {
        {move || {
            if failed.get() {
                view! {
                    <div class="notice notice--error" role="alert">
                        <p>"网络连接不稳定，页面没能打开。请检查网络后重试。"</p>
                        <button
                            type="button"
                            class="button button--secondary"
                            on:click=|_| {
                                let _ = window().location().reload();
                            }
                        >
                            "重新加载"
                        </button>
                    </div>
                }
                    .into_any()
            } else {
                view! {
                    <p class="loading" role="status">
                        "正在打开……"
                    </p>
                }
                    .into_any()
            }
        }}
    }
    .into_any()
}

/// From inside a bundle: the page belongs to the other one, so load the address
/// afresh (the light app starts and hands over to the right bundle).
pub fn reload() -> AnyView {
    let _ = window().location().reload();
    view! {
        <p class="loading" role="status">
            "正在打开……"
        </p>
    }
    .into_any()
}

async fn load_bundle(bundle: Bundle) -> Result<(), JsValue> {
    let failed = |_| JsValue::from_str("manifest");
    let manifest: Manifest =
        gloo_net::http::Request::get(bundle.manifest()).send().await.map_err(failed)?.json().await.map_err(failed)?;
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
