//! One material on the task list: its state, its files with progress, the file
//! picker and camera, and 容缺后补 where the catalog allows it.
//!
//! A picked file is checked in the browser with `domain::apply::files` (name, size,
//! first bytes) before a byte is sent; a big photo is compressed first; then the
//! tus client uploads it, resuming an earlier attempt at the same file.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use domain::apply::files::{check_file, safe_file_name};
use domain::apply::materials::{Materials, size_text};
use domain::apply::photo::{check_picked, compressed_name};
use domain::apply::tus::fingerprint;
use domain::catalog::checklist::ChecklistEntry;
use domain::{FileType, Material, Necessity};
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;

use crate::{photo, tus};

/// A file of this visit that is not finished: being checked, compressed or
/// uploaded, paused, or refused.
#[derive(Clone, Debug, PartialEq)]
struct Row {
    id: u32,
    name: String,
    status: Status,
}

#[derive(Clone, Debug, PartialEq)]
enum Status {
    Checking,
    Compressing,
    Uploading { sent: u64, total: u64 },
    Paused,
    Problem(String),
}

/// What a paused upload needs to go on (browser objects stay out of signals).
struct Retry {
    blob: web_sys::Blob,
    name: String,
    original_size: Option<u64>,
    fingerprint: String,
}

thread_local! {
    static RETRIES: RefCell<HashMap<u32, Retry>> = RefCell::new(HashMap::new());
    static NEXT_ROW: RefCell<u32> = const { RefCell::new(0) };
}

fn next_row() -> u32 {
    NEXT_ROW.with_borrow_mut(|n| {
        *n += 1;
        *n
    })
}

fn accept(material: &Material) -> String {
    let mut accept = Vec::new();
    for kind in &material.file_types {
        accept.extend_from_slice(match kind {
            FileType::Pdf => &[".pdf", "application/pdf"][..],
            FileType::Jpg => &[".jpg", ".jpeg", "image/jpeg"][..],
            FileType::Png => &[".png", "image/png"][..],
        });
    }
    accept.join(",")
}

fn percent(sent: u64, total: u64) -> u64 {
    (sent * 100).checked_div(total).unwrap_or(100)
}

/// The words of a material's state, and its tag's style.
fn state_tag(uploading: bool, problem: bool, later: bool, done: bool) -> (&'static str, &'static str) {
    match () {
        _ if uploading => ("上传中", "tag tag--busy"),
        _ if problem => ("有问题", "tag tag--problem"),
        _ if later => ("容缺后补", "tag tag--later"),
        _ if done => ("已完成", "tag tag--done"),
        _ => ("未上传", "tag"),
    }
}

#[component]
pub fn MaterialUpload(
    item: String,
    entry: ChecklistEntry,
    materials: RwSignal<Materials>,
    /// Files in flight on the whole page (submission waits for them).
    busy: RwSignal<usize>,
    /// The server's or the checklist's problem with this material, if any.
    problem: Signal<Option<String>>,
    later_days: u16,
) -> impl IntoView {
    let material = entry.material.clone();
    let id = material.id.clone();
    let most = usize::from(material.max_files) * entry.count as usize;
    let rows = RwSignal::new(Vec::<Row>::new());
    // Uploads an earlier visit began (before a reload) that the server still has part of.
    let interrupted = RwSignal::new(
        tus::pending().into_iter().filter(|(_, p)| p.item == item && p.material == id).collect::<Vec<_>>(),
    );
    let done = {
        let id = id.clone();
        Memo::new(move |_| materials.with(|m| m.files.get(&id).cloned().unwrap_or_default()))
    };
    let later = {
        let id = id.clone();
        Memo::new(move |_| materials.with(|m| m.later.contains(&id)))
    };
    let set_row = move |row: u32, status: Status| {
        rows.update(|all| {
            if let Some(r) = all.iter_mut().find(|r| r.id == row) {
                r.status = status;
            }
        })
    };

    // Upload one checked (and maybe compressed) file, resuming where it stopped.
    let run = {
        let (item, id) = (item.clone(), id.clone());
        move |row: u32| {
            let Some((blob, name, original_size, fingerprint)) = RETRIES.with_borrow(|r| {
                r.get(&row).map(|r| (r.blob.clone(), r.name.clone(), r.original_size, r.fingerprint.clone()))
            }) else {
                return;
            };
            let (item, id) = (item.clone(), id.clone());
            busy.update(|n| *n += 1);
            set_row(row, Status::Uploading { sent: 0, total: blob.size() as u64 });
            spawn_local(async move {
                let progress: Rc<dyn Fn(u64, u64)> =
                    Rc::new(move |sent, total| set_row(row, Status::Uploading { sent, total }));
                let outcome = tus::upload(&item, &id, &blob, &name, original_size, &fingerprint, progress).await;
                busy.update(|n| *n = n.saturating_sub(1));
                interrupted.update(|all| all.retain(|(f, _)| f != &fingerprint));
                match outcome {
                    tus::Outcome::Done(file) => {
                        RETRIES.with_borrow_mut(|r| r.remove(&row));
                        rows.update(|all| all.retain(|r| r.id != row));
                        materials.update(|m| m.files.entry(id).or_default().push(file));
                    }
                    tus::Outcome::Refused(message) => {
                        RETRIES.with_borrow_mut(|r| r.remove(&row));
                        set_row(row, Status::Problem(message));
                    }
                    tus::Outcome::Paused => set_row(row, Status::Paused),
                }
            });
        }
    };

    // Check a picked file as the server will, compress a big photo, then upload.
    let take = {
        let (item, material, run) = (item.clone(), material.clone(), run.clone());
        move |file: web_sys::File| {
            let name = safe_file_name(&file.name());
            let size = file.size() as u64;
            let row = next_row();
            rows.update(|all| all.push(Row { id: row, name: name.clone(), status: Status::Checking }));
            let (item, material, run) = (item.clone(), material.clone(), run.clone());
            spawn_local(async move {
                let first = photo::first_bytes(&file).await;
                let compress = match check_picked(&material, &name, size, &first) {
                    Ok((_, compress)) => compress,
                    Err(message) => return set_row(row, Status::Problem(message)),
                };
                let finished = materials.with_untracked(|m| m.files.get(&material.id).map_or(0, Vec::len));
                let going = rows.with_untracked(|all| {
                    all.iter().filter(|r| r.id != row && !matches!(r.status, Status::Problem(_))).count()
                });
                if finished + going + 1 > most {
                    return set_row(
                        row,
                        Status::Problem(format!("“{}”最多上传 {most} 个文件，请先删除不要的文件", material.name)),
                    );
                }
                let blob: web_sys::Blob = file.clone().into();
                let mut upload = (blob, name.clone(), None);
                if compress {
                    set_row(row, Status::Compressing);
                    if let Some(smaller) = photo::compress(&file).await.filter(|b| (b.size() as u64) < size) {
                        upload = (smaller, compressed_name(&name), Some(size));
                    }
                    // The limit holds for what is sent.
                    let head = photo::first_bytes(&upload.0).await;
                    if let Err(message) = check_file(&material, &upload.1, upload.0.size() as u64, &head) {
                        return set_row(row, Status::Problem(message));
                    }
                }
                let (blob, upload_name, original_size) = upload;
                let fingerprint = fingerprint(&item, &material.id, &name, size, file.last_modified() as u64);
                RETRIES.with_borrow_mut(|r| {
                    r.insert(row, Retry { blob, name: upload_name.clone(), original_size, fingerprint })
                });
                rows.update(|all| {
                    if let Some(r) = all.iter_mut().find(|r| r.id == row) {
                        r.name = upload_name;
                    }
                });
                run(row);
            });
        }
    };
    let on_pick = move |ev: leptos::ev::Event| {
        let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) else { return };
        if let Some(list) = input.files() {
            for i in 0..list.length() {
                if let Some(file) = list.get(i) {
                    take(file);
                }
            }
        }
        // The same file may be picked again (to resume, or after fixing it).
        input.set_value("");
    };

    let remove_done = {
        let id = id.clone();
        let item = item.clone();
        move |upload: String| {
            let item = item.clone();
            materials.update(|m| {
                if let Some(files) = m.files.get_mut(&id) {
                    files.retain(|f| f.upload != upload);
                }
                m.files.retain(|_, files| !files.is_empty());
            });
            spawn_local(async move { tus::discard(&item, &upload).await });
        }
    };
    let toggle_later = {
        let id = id.clone();
        move |ev: leptos::ev::Event| {
            let checked = event_target_checked(&ev);
            materials.update(|m| {
                m.later.retain(|l| l != &id);
                if checked {
                    m.later.push(id.clone());
                }
                if m.later.is_empty() {
                    m.pledge_accepted = false;
                }
            });
        }
    };

    let uploading = move || {
        rows.with(|all| {
            all.iter().any(|r| matches!(r.status, Status::Checking | Status::Compressing | Status::Uploading { .. }))
        })
    };
    let tag = move || {
        let has_problem = problem.get().is_some() && !done.with(Vec::is_empty) && !later.get()
            || rows.with(|all| all.iter().any(|r| matches!(r.status, Status::Problem(_) | Status::Paused)));
        state_tag(uploading(), has_problem, later.get(), problem.get().is_none() && !done.with(Vec::is_empty))
    };
    let section_id = format!("material-{id}");
    let heading_id = format!("{section_id}-title");
    let pick_id = format!("{section_id}-pick");
    let camera_id = format!("{section_id}-camera");
    let takes_photos = material.file_types.iter().any(|t| matches!(t, FileType::Jpg | FileType::Png));
    let types = material.file_types.iter().map(|t| t.label()).collect::<Vec<_>>().join("、");
    let limits = format!("{types}，每个文件不超过 {} MB，最多 {most} 个文件", material.max_file_mb);
    let title = entry.title();
    let optional = material.necessity == Necessity::Optional;
    let tolerated = material.necessity == Necessity::Tolerated;
    let accept = accept(&material);
    let name_for_labels = title.clone();

    view! {
        <li class="material-task" id=section_id aria-labelledby=heading_id>
            <div class="material-task__head">
                <h3 id=heading_id.clone()>{title.clone()} {optional.then(|| view! { <span class="hint">"（非必要，有就上传）"</span> })}</h3>
                <span class=move || tag().1>{move || tag().0}</span>
            </div>
            {(!material.standard.is_empty()).then(|| view! { <p class="hint">{material.standard.clone()}</p> })}
            <p class="hint">{limits}</p>
            // What is missing is listed by the submit button; here only what is wrong with files already in.
            {move || problem.get().filter(|_| !later.get() && !done.with(Vec::is_empty)).map(|m| view! { <p class="field-error">{m}</p> })}
            <ul class="file-list">
                {move || done.get().into_iter().map(|file| {
                    let upload = file.upload.clone();
                    let remove_done = remove_done.clone();
                    let shrunk = file.original_size.map(|o| format!("（已从 {} 压缩）", size_text(o)));
                    let label = format!("删除 {}", file.name);
                    view! {
                        <li class="file file--done">
                            <span class="file__name">{file.name.clone()}</span>
                            <span class="file__meta">{size_text(file.size)} {shrunk} " · 已上传"</span>
                            <button type="button" class="link-button" aria-label=label on:click=move |_| remove_done(upload.clone())>"删除"</button>
                        </li>
                    }
                }).collect_view()}
                {move || rows.get().into_iter().map(|row| {
                    let run = run.clone();
                    let row_id = row.id;
                    let dismiss = move |_| {
                        RETRIES.with_borrow_mut(|r| r.remove(&row_id));
                        rows.update(|all| all.retain(|r| r.id != row_id));
                    };
                    let body = match row.status {
                        Status::Checking => view! { <span class="file__meta">"正在检查……"</span> }.into_any(),
                        Status::Compressing => view! { <span class="file__meta">"照片较大，正在压缩……"</span> }.into_any(),
                        Status::Uploading { sent, total } => view! {
                            <progress max=total.to_string() value=sent.to_string() aria-label=format!("{} 上传进度", row.name)></progress>
                            <span class="file__meta">{format!("已上传 {}%（{} / {}）", percent(sent, total), size_text(sent), size_text(total))}</span>
                        }.into_any(),
                        Status::Paused => view! {
                            <p class="field-error">"网络不稳定，上传暂停了。已传的部分不会丢失。"</p>
                            <button type="button" class="button button--secondary button--small" on:click=move |_| run(row_id)>"继续上传"</button>
                        }.into_any(),
                        Status::Problem(message) => view! {
                            <p class="field-error" role="alert">{message}</p>
                            <button type="button" class="link-button" on:click=dismiss>"知道了"</button>
                        }.into_any(),
                    };
                    view! {
                        <li class="file">
                            <span class="file__name">{row.name.clone()}</span>
                            {body}
                        </li>
                    }
                }).collect_view()}
                {move || interrupted.get().into_iter().map(|(fp, p)| {
                    let forget = move |_| {
                        tus::forget(&fp);
                        let url = p.url.clone();
                        let item = p.item.clone();
                        spawn_local(async move { tus::discard_url(&item, &url).await });
                        let fp = fp.clone();
                        interrupted.update(|all| all.retain(|(f, _)| f != &fp));
                    };
                    view! {
                        <li class="file file--interrupted">
                            <span class="file__name">{p.name.clone()}</span>
                            <span class="file__meta">{format!("上次传到 {}% 时中断了。请再选一次这个文件，会从中断的地方接着传。", percent(p.offset, p.size))}</span>
                            <button type="button" class="link-button" on:click=forget>"不要了"</button>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <Show when=move || !later.get()>
                <div class="upload-actions">
                    // The real input covers its label, so the whole button is its target.
                    <label for=pick_id.clone() class="button button--secondary file-button">
                        "选择文件" <span class="visually-hidden">{format!("：{name_for_labels}")}</span>
                        <input type="file" id=pick_id.clone() class="file-input" multiple accept=accept.clone() on:change=on_pick.clone()/>
                    </label>
                    {takes_photos.then(|| view! {
                        <label for=camera_id.clone() class="button button--secondary file-button">
                            "拍照上传" <span class="visually-hidden">{format!("：{name_for_labels}")}</span>
                            <input type="file" id=camera_id.clone() class="file-input" accept="image/jpeg,image/png" capture="environment" on:change=on_pick.clone()/>
                        </label>
                    })}
                </div>
            </Show>
            {tolerated.then(|| view! {
                <div class="checkbox">
                    <input type="checkbox" id=format!("later-{id}") prop:checked=move || later.get() on:change=toggle_later.clone()/>
                    <label for=format!("later-{id}")>{format!("现在没有，容缺后补（受理后 {later_days} 个工作日内补交）")}</label>
                </div>
            })}
        </li>
    }
}
