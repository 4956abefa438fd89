//! 使用以前提交过的材料 on the task list: signed in, and once the person
//! agrees, the files of their earlier cases (single or 一件事) that may stand
//! for this application's materials (an item's or a bundle's) — each to look
//! at first (预览) and to use (使用) or leave. A used file goes into the material like an upload of this visit,
//! marked as reused, and is sent as such; the server checks it again.

use domain::account::consent::Purpose;
use domain::apply::materials::{Materials, UploadedFile, size_text};
use domain::apply::reuse::EarlierFile;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::shell::session;

/// `wanted`: this checklist's materials to upload, by id and name; an offer is
/// shown under the checklist's id for its document (a bundle names a document
/// by the first item that needs it under these answers).
#[component]
pub fn EarlierFiles(item: String, wanted: Vec<(String, String)>, materials: RwSignal<Materials>) -> impl IntoView {
    let state = session::state();
    let offers = RwSignal::new(None::<Vec<EarlierFile>>);
    let asking = RwSignal::new(false);
    let load = {
        let item = item.clone();
        move || {
            let url = format!("/api/my/materials?item={}", js_sys::encode_uri_component(&item));
            spawn_local(async move {
                offers.set(Some(crate::api::get_json::<Vec<EarlierFile>>(&url).await.unwrap_or_default()));
            });
        }
    };
    Effect::new({
        let load = load.clone();
        move |loaded: Option<bool>| {
            if loaded == Some(true) || !session::agreed(Purpose::MaterialReuse) {
                return loaded.unwrap_or(false);
            }
            load();
            true
        }
    });
    let agree = move |_| {
        asking.set(true);
        spawn_local(async move {
            let _ = session::set_consent(Purpose::MaterialReuse, true).await;
            asking.set(false);
        });
    };
    let use_file = move |offer: EarlierFile| {
        materials.update(|m| {
            let files = m.files.entry(offer.material.clone()).or_default();
            if !files.iter().any(|f| f.upload == offer.upload) {
                files.push(UploadedFile {
                    upload: offer.upload.clone(),
                    name: offer.name.clone(),
                    size: offer.size,
                    slot: offer.slot,
                    reused: true,
                    ..UploadedFile::default()
                });
            }
        });
        crate::shell::announce::say(&format!("已使用以前提交过的{}", offer.material_name));
    };
    move || {
        let signed_in = state.with(|s| s.as_ref().is_some_and(|s| s.signed_in));
        if !signed_in {
            return None;
        }
        if !session::agreed(Purpose::MaterialReuse) {
            return Some(
                view! {
                    <section class="notice" aria-labelledby="earlier-heading">
                        <h3 id="earlier-heading">"以前提交过的材料"</h3>
                        <p>
                            "以前办事时提交过的材料（如身份证），这次可以直接选用，不用重新上传。"
                        </p>
                        <button type="button" class="button" disabled=move || asking.get() on:click=agree>
                            "同意并查看"
                        </button>
                    </section>
                }
                .into_any(),
            );
        }
        let list = offers.get()?;
        let unused: Vec<EarlierFile> = materials.with(|m| {
            list.into_iter()
                .filter_map(|o| {
                    let (id, _) = wanted.iter().find(|(id, name)| *id == o.material || *name == o.material_name)?;
                    Some(EarlierFile { material: id.clone(), ..o })
                })
                .filter(|o| !m.files.get(&o.material).is_some_and(|f| f.iter().any(|f| f.upload == o.upload)))
                .collect()
        });
        if unused.is_empty() {
            return None;
        }
        let item = item.clone();
        Some(
            view! {
                <section class="notice" aria-labelledby="earlier-heading">
                    <h3 id="earlier-heading">"以前提交过的材料"</h3>
                    <p class="hint">"先预览，确认无误再使用；不用的不必理会。"</p>
                    <ul class="facts earlier-files">
                        {unused
                            .into_iter()
                            .map(|offer| {
                                let preview = format!(
                                    "/api/my/materials/{}?item={}",
                                    js_sys::encode_uri_component(&offer.upload),
                                    js_sys::encode_uri_component(&item),
                                );
                                let label = format!("使用 {}：{}", offer.material_name, offer.name);
                                let preview_label = format!("预览 {}", offer.name);
                                let chosen = offer.clone();
                                view! {
                                    <li class="material-task">
                                        <p>
                                            <strong>{offer.material_name.clone()}</strong>
                                        </p>
                                        <p>{offer.name.clone()}</p>
                                        <p class="hint">
                                            {format!(
                                                "{} · {}（办件 {}）",
                                                size_text(offer.size),
                                                offer.item_name,
                                                offer.case_number,
                                            )}
                                        </p>
                                        <div class="actions">
                                            <a
                                                class="button button--secondary"
                                                href=preview
                                                target="_blank"
                                                rel="noopener"
                                                aria-label=preview_label
                                            >
                                                "预览"
                                            </a>
                                            <button
                                                type="button"
                                                class="button"
                                                aria-label=label
                                                on:click=move |_| use_file(chosen.clone())
                                            >
                                                "使用"
                                            </button>
                                        </div>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                </section>
            }
            .into_any(),
        )
    }
}
