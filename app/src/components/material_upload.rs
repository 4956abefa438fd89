//! One material on the task list: its state, its files with progress, the file
//! picker and camera, and 容缺后补 where the catalog allows it.
//!
//! A picked file is checked in the browser with `domain::apply::files` (name, size,
//! first bytes) before a byte is sent; a big photo is compressed first; then the
//! tus client uploads it, resuming an earlier attempt at the same file.

use std::rc::Rc;

use domain::apply::files::{check_file, safe_file_name};
use domain::apply::materials::{Materials, UploadedFile, size_text};
use domain::apply::photo::{check_picked, compressed_name};
use domain::apply::tus::fingerprint;
use domain::catalog::checklist::ChecklistEntry;
use domain::{FileType, Material, Necessity};
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;

use crate::{photo, tus};

/// A file of this visit that is not finished: being checked, compressed or
/// uploaded, paused, or refused. Its name and status are its own signals, so a
/// progress tick redraws its row alone (the list is keyed by `id`).
#[derive(Clone, Copy)]
struct Row {
    id: u32,
    name: RwSignal<String>,
    status: RwSignal<Status>,
    /// Bytes sent of all, while uploading: ticks change this, not the status.
    progress: RwSignal<(u64, u64)>,
    /// What a paused upload needs to go on (browser objects stay out of signals).
    retry: StoredValue<Option<Retry>, LocalStorage>,
}

#[derive(Clone, Debug, PartialEq)]
enum Status {
    Checking,
    Compressing,
    /// How far: [`Row::progress`].
    Uploading,
    Paused,
    Problem(String),
}

impl Status {
    fn in_flight(&self) -> bool {
        matches!(self, Self::Checking | Self::Compressing | Self::Uploading)
    }
}

/// The bytes of a checked file, ready to go (again).
#[derive(Clone)]
struct Retry {
    blob: web_sys::Blob,
    name: String,
    original_size: Option<u64>,
    fingerprint: String,
}

/// The unfinished files of one material, in the order they were picked.
#[derive(Clone, Copy)]
struct Unfinished {
    rows: RwSignal<Vec<Row>>,
    next_id: StoredValue<u32>,
    /// The component's owner: rows made in an event handler belong to it.
    owner: StoredValue<Owner, LocalStorage>,
}

impl Unfinished {
    fn new() -> Self {
        let owner = Owner::current().expect("inside a component");
        Self { rows: RwSignal::new(Vec::new()), next_id: StoredValue::new(0), owner: StoredValue::new_local(owner) }
    }

    /// A new row being checked.
    fn add(&self, name: String) -> Row {
        let id = self.next_id.get_value() + 1;
        self.next_id.set_value(id);
        let row = self.owner.with_value(|owner| {
            owner.with(|| Row {
                id,
                name: RwSignal::new(name),
                status: RwSignal::new(Status::Checking),
                progress: RwSignal::new((0, 0)),
                retry: StoredValue::new_local(None),
            })
        });
        self.rows.update(|all| all.push(row));
        row
    }

    /// Drop a row and the file it holds.
    fn remove(&self, id: u32) {
        self.rows.update(|all| {
            all.retain(|r| {
                if r.id == id {
                    r.retry.set_value(None);
                }
                r.id != id
            })
        });
    }

    /// Rows that count against the material's file limit (all but `except` and the refused).
    fn counted(&self, except: u32) -> usize {
        self.rows.with_untracked(|all| {
            all.iter().filter(|r| r.id != except && !matches!(r.status.get_untracked(), Status::Problem(_))).count()
        })
    }

    fn any(&self, test: impl Fn(&Status) -> bool) -> bool {
        self.rows.with(|all| all.iter().any(|r| r.status.with(&test)))
    }
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
    /// In a bundle: the names of the items that use this document (uploaded once for all).
    #[prop(optional)]
    used_by: Vec<String>,
) -> impl IntoView {
    let material = entry.material.clone();
    let id = material.id.clone();
    let most = usize::from(material.max_files) * entry.count as usize;
    let pending = Unfinished::new();
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
    // Upload one checked (and maybe compressed) file, resuming where it stopped.
    // Plain closures, cloned where they are used: they live as long as what holds
    // them (an arena Callback can outlive the signals of a redrawn view).
    let run = {
        let (item, id) = (item.clone(), id.clone());
        move |row: Row| {
            let Some(Retry { blob, name, original_size, fingerprint }) = row.retry.get_value() else {
                return;
            };
            let (item, id) = (item.clone(), id.clone());
            busy.update(|n| *n += 1);
            row.progress.set((0, blob.size() as u64));
            row.status.set(Status::Uploading);
            spawn_local(async move {
                let progress: Rc<dyn Fn(u64, u64)> = Rc::new(move |sent, total| row.progress.set((sent, total)));
                let outcome = tus::upload(&item, &id, &blob, &name, original_size, &fingerprint, progress).await;
                busy.update(|n| *n = n.saturating_sub(1));
                interrupted.update(|all| all.retain(|(f, _)| f != &fingerprint));
                match outcome {
                    tus::Outcome::Done(file) => {
                        pending.remove(row.id);
                        materials.update(|m| m.files.entry(id).or_default().push(file));
                    }
                    tus::Outcome::Refused(message) => {
                        row.retry.set_value(None);
                        row.status.set(Status::Problem(message));
                    }
                    tus::Outcome::Paused => row.status.set(Status::Paused),
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
            let row = pending.add(name.clone());
            let (item, material, run) = (item.clone(), material.clone(), run.clone());
            spawn_local(async move {
                let first = photo::first_bytes(&file).await;
                let compress = match check_picked(&material, &name, size, &first) {
                    Ok((_, compress)) => compress,
                    Err(message) => return row.status.set(Status::Problem(message)),
                };
                let finished = materials.with_untracked(|m| m.files.get(&material.id).map_or(0, Vec::len));
                if finished + pending.counted(row.id) + 1 > most {
                    let message = format!("“{}”最多上传 {most} 个文件，请先删除不要的文件", material.name);
                    return row.status.set(Status::Problem(message));
                }
                let blob: web_sys::Blob = file.clone().into();
                let mut upload = (blob, name.clone(), None);
                if compress {
                    row.status.set(Status::Compressing);
                    if let Some(smaller) = photo::compress(&file).await.filter(|b| (b.size() as u64) < size) {
                        upload = (smaller, compressed_name(&name), Some(size));
                    }
                    // The limit holds for what is sent.
                    let head = photo::first_bytes(&upload.0).await;
                    if let Err(message) = check_file(&material, &upload.1, upload.0.size() as u64, &head) {
                        return row.status.set(Status::Problem(message));
                    }
                }
                let (blob, upload_name, original_size) = upload;
                let fingerprint = fingerprint(&item, &material.id, &name, size, file.last_modified() as u64);
                row.retry.set_value(Some(Retry { blob, name: upload_name.clone(), original_size, fingerprint }));
                row.name.set(upload_name);
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

    let tag = move || {
        let has_problem = problem.get().is_some() && !done.with(Vec::is_empty) && !later.get()
            || pending.any(|s| matches!(s, Status::Problem(_) | Status::Paused));
        let uploading = pending.any(Status::in_flight);
        state_tag(uploading, has_problem, later.get(), problem.get().is_none() && !done.with(Vec::is_empty))
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
                <h3 id=heading_id
                    .clone()>
                    {title.clone()}
                    {optional.then(|| view! { <span class="hint">"（非必要，有就上传）"</span> })}
                </h3>
                <span class=move || tag().1>{move || tag().0}</span>
            </div>
            {(used_by.len() > 1)
                .then(|| {
                    view! {
                        <p class="hint">
                            <strong>{format!("传一次，{}都用这份", used_by.join("、"))}</strong>
                        </p>
                    }
                })}
            {(!material.standard.is_empty()).then(|| view! { <p class="hint">{material.standard.clone()}</p> })}
            <p class="hint">{limits}</p>
            // What is missing is listed by the submit button; here only what is wrong with files already in.
            {move || {
                problem
                    .get()
                    .filter(|_| !later.get() && !done.with(Vec::is_empty))
                    .map(|m| view! { <p class="field-error">{m}</p> })
            }}
            <ul class="file-list">
                <For
                    each=move || done.get()
                    key=|file| file.upload.clone()
                    children=move |file| view! { <DoneFile file remove=remove_done.clone() /> }
                />
                <For
                    each=move || pending.rows.get()
                    key=|row| row.id
                    children=move |row| {
                        view! { <PendingFile row run=run.clone() dismiss=move |id| pending.remove(id) /> }
                    }
                />
                <For
                    each=move || interrupted.get()
                    key=|(fingerprint, _)| fingerprint.clone()
                    children=move |(fingerprint, upload)| {
                        let forget = move |fingerprint: String| {
                            interrupted.update(|all| all.retain(|(f, _)| f != &fingerprint));
                        };
                        view! { <InterruptedFile fingerprint upload forget /> }
                    }
                />
            </ul>
            <Show when=move || !later.get()>
                <div class="upload-actions">
                    // The real input covers its label, so the whole button is its target.
                    <label for=pick_id.clone() class="button button--secondary file-button">
                        "选择文件"
                        <span class="visually-hidden">{format!("：{name_for_labels}")}</span>
                        <input
                            type="file"
                            id=pick_id.clone()
                            class="file-input"
                            multiple
                            accept=accept.clone()
                            on:change=on_pick.clone()
                        />
                    </label>
                    {takes_photos
                        .then(|| {
                            view! {
                                <label for=camera_id.clone() class="button button--secondary file-button">
                                    "拍照上传"
                                    <span class="visually-hidden">{format!("：{name_for_labels}")}</span>
                                    <input
                                        type="file"
                                        id=camera_id.clone()
                                        class="file-input"
                                        accept="image/jpeg,image/png"
                                        capture="environment"
                                        on:change=on_pick.clone()
                                    />
                                </label>
                            }
                        })}
                </div>
            </Show>
            {tolerated
                .then(|| {
                    view! {
                        <div class="checkbox">
                            <input
                                type="checkbox"
                                id=format!("later-{id}")
                                prop:checked=move || later.get()
                                on:change=toggle_later.clone()
                            />
                            <label for=format!(
                                "later-{id}",
                            )>
                                {format!(
                                    "现在没有，容缺后补（受理后 {later_days} 个工作日内补交）",
                                )}
                            </label>
                        </div>
                    }
                })}
        </li>
    }
}

/// A finished file, with its remove button.
#[component]
fn DoneFile(file: UploadedFile, remove: impl Fn(String) + 'static) -> impl IntoView {
    let shrunk = file.original_size.map(|o| format!("（已从 {} 压缩）", size_text(o)));
    let label = format!("删除 {}", file.name);
    let upload = file.upload.clone();
    view! {
        <li class="file file--done">
            <span class="file__name">{file.name.clone()}</span>
            <span class="file__meta">{size_text(file.size)} {shrunk} " · 已上传"</span>
            <button type="button" class="link-button" aria-label=label on:click=move |_| remove(upload.clone())>
                "删除"
            </button>
        </li>
    }
}

/// A file of this visit on its way: what is happening to it, and what the applicant can do.
#[component]
fn PendingFile(
    row: Row,
    run: impl Fn(Row) + Clone + Send + Sync + 'static,
    dismiss: impl Fn(u32) + Clone + Send + Sync + 'static,
) -> impl IntoView {
    // The markup follows the status; progress ticks update the bar and its words in place.
    let sent_total = move || row.progress.get();
    let body = move || match row.status.get() {
        Status::Checking => view! { <span class="file__meta">"正在检查……"</span> }.into_any(),
        Status::Compressing => view! { <span class="file__meta">"照片较大，正在压缩……"</span> }.into_any(),
        Status::Uploading => view! {
            <progress
                max=move || sent_total().1.to_string()
                value=move || sent_total().0.to_string()
                aria-label=move || format!("{} 上传进度", row.name.get())
            ></progress>
            <span class="file__meta">
                {move || {
                    let (sent, total) = sent_total();
                    format!("已上传 {}%（{} / {}）", percent(sent, total), size_text(sent), size_text(total))
                }}
            </span>
        }
        .into_any(),
        Status::Paused => {
            let run = run.clone();
            view! {
                <p class="field-error">"网络不稳定，上传暂停了。已传的部分不会丢失。"</p>
                <button type="button" class="button button--secondary button--small" on:click=move |_| run(row)>
                    "继续上传"
                </button>
            }
            .into_any()
        }
        Status::Problem(message) => {
            let dismiss = dismiss.clone();
            view! {
                <p class="field-error" role="alert">
                    {message}
                </p>
                <button type="button" class="link-button" on:click=move |_| dismiss(row.id)>
                    "知道了"
                </button>
            }
            .into_any()
        }
    };
    view! {
        <li class="file">
            <span class="file__name">{move || row.name.get()}</span>
            {body}
        </li>
    }
}

/// An upload an earlier visit began: pick the file again to go on, or let it go.
#[component]
fn InterruptedFile(fingerprint: String, upload: tus::Pending, forget: impl Fn(String) + 'static) -> impl IntoView {
    let progress = format!(
        "上次传到 {}% 时中断了。请再选一次这个文件，会从中断的地方接着传。",
        percent(upload.offset, upload.size)
    );
    let name = upload.name.clone();
    let on_forget = move |_| {
        tus::forget(&fingerprint);
        let (url, item) = (upload.url.clone(), upload.item.clone());
        spawn_local(async move { tus::discard_url(&item, &url).await });
        forget(fingerprint.clone());
    };
    view! {
        <li class="file file--interrupted">
            <span class="file__name">{name}</span>
            <span class="file__meta">{progress}</span>
            <button type="button" class="link-button" on:click=on_forget>
                "不要了"
            </button>
        </li>
    }
}
