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
use domain::apply::submission::{DUPLICATE_CONTENT, missing_sides};
use domain::apply::tus::fingerprint;
use domain::catalog::checklist::ChecklistEntry;
use domain::{FileType, Material, Necessity};
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;

use crate::shell::announce;
use crate::{photo, tus};

/// Said above every list of uploads (the task list, the supply page): what
/// this component keeps and retries.
pub const KEPT_HINT: &str =
    "上传好的文件会保存在本手机上，刷新页面或退出微信后再打开也不会丢失。网络不好时会自动重试，已传的部分不用重传。";

/// A file of this visit that is not finished: being checked, compressed or
/// uploaded, paused, or refused. Its name and status are its own signals, so a
/// progress tick redraws its row alone (the list is keyed by `id`).
#[derive(Clone, Copy)]
struct Row {
    id: u32,
    /// The named side it was picked for.
    slot: Option<u8>,
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
    /// SHA-256 of the file as picked ([`photo::digest`]).
    digest: String,
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
    fn add(&self, name: String, slot: Option<u8>) -> Row {
        let id = self.next_id.get_value() + 1;
        self.next_id.set_value(id);
        let row = self.owner.with_value(|owner| {
            owner.with(|| Row {
                id,
                slot,
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

    /// Whether a file on its way (not refused) has this content.
    fn holds(&self, except: u32, digest: &str) -> bool {
        self.rows.with_untracked(|all| {
            all.iter().any(|r| {
                r.id != except && r.retry.with_value(|retry| retry.as_ref().is_some_and(|t| t.digest == digest))
            })
        })
    }

    /// Whether a file on its way (not refused) fills this side.
    fn fills(&self, slot: u8) -> bool {
        self.rows.with(|all| all.iter().any(|r| r.slot == Some(slot) && !matches!(r.status.get(), Status::Problem(_))))
    }
}

thread_local! {
    /// Pictures of this visit's photos by upload id, for the thumbnails: the
    /// browser's own copy (an object URL), never fetched back from the server.
    static THUMBNAILS: std::cell::RefCell<std::collections::BTreeMap<String, String>> = Default::default();
}

fn thumbnail(upload: &str) -> Option<String> {
    THUMBNAILS.with(|t| t.borrow().get(upload).cloned())
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
            let Some(Retry { blob, name, original_size, fingerprint, digest }) = row.retry.get_value() else {
                return;
            };
            let (item, id) = (item.clone(), id.clone());
            busy.update(|n| *n += 1);
            row.progress.set((0, blob.size() as u64));
            row.status.set(Status::Uploading);
            announce::say(&format!("开始上传 {name}"));
            spawn_local(async move {
                // Heard at half way, not at every tick.
                let halfway = Rc::new(std::cell::Cell::new(false));
                let said = name.clone();
                let progress: Rc<dyn Fn(u64, u64)> = Rc::new(move |sent, total| {
                    row.progress.set((sent, total));
                    if total > 0 && sent * 2 >= total && sent < total && !halfway.replace(true) {
                        announce::say(&format!("{said} 已上传一半"));
                    }
                });
                let sending = tus::Sending {
                    item: &item,
                    material: &id,
                    slot: row.slot,
                    name: &name,
                    original_size,
                    fingerprint: &fingerprint,
                };
                let outcome = tus::upload(sending, &blob, progress).await;
                busy.update(|n| *n = n.saturating_sub(1));
                interrupted.update(|all| all.retain(|(f, _)| f != &fingerprint));
                match outcome {
                    tus::Outcome::Done(mut file) => {
                        file.digest = digest;
                        if blob.type_().starts_with("image/")
                            && let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob)
                        {
                            THUMBNAILS.with(|t| t.borrow_mut().insert(file.upload.clone(), url));
                        }
                        announce::say(&format!("{} 上传完成", file.name));
                        pending.remove(row.id);
                        materials.update(|m| m.files.entry(id).or_default().push(file));
                    }
                    tus::Outcome::Refused(message) => {
                        announce::alert(&message);
                        row.retry.set_value(None);
                        row.status.set(Status::Problem(message));
                    }
                    tus::Outcome::Paused => {
                        announce::alert(&format!(
                            "{name} 上传暂停了：网络不稳定，已传的部分不会丢失，可以点“继续上传”"
                        ));
                        row.status.set(Status::Paused);
                    }
                }
            });
        }
    };

    // Check a picked file as the server will, compress a big photo, then upload.
    let take = {
        let (item, material, run) = (item.clone(), material.clone(), run.clone());
        move |file: web_sys::File, slot: Option<u8>| {
            let name = safe_file_name(&file.name());
            let size = file.size() as u64;
            let row = pending.add(name.clone(), slot);
            let (item, material, run) = (item.clone(), material.clone(), run.clone());
            spawn_local(async move {
                let first = photo::first_bytes(&file).await;
                let compress = match check_picked(&material, &name, size, &first) {
                    Ok((_, compress)) => compress,
                    Err(message) => return row.status.set(Status::Problem(message)),
                };
                // The same photo picked twice (for both sides) is refused before a byte is sent.
                let digest = photo::digest(&file).await;
                let again = !digest.is_empty()
                    && (materials.with_untracked(|m| {
                        m.files.get(&material.id).is_some_and(|files| files.iter().any(|f| f.digest == digest))
                    }) || pending.holds(row.id, &digest));
                if again {
                    announce::alert(DUPLICATE_CONTENT);
                    return row.status.set(Status::Problem(DUPLICATE_CONTENT.to_owned()));
                }
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
                // A side is part of what is resumed: the same file for another side is another upload.
                let for_side = slot.map_or(material.id.clone(), |s| format!("{}#{s}", material.id));
                let fingerprint = fingerprint(&item, &for_side, &name, size, file.last_modified() as u64);
                row.retry.set_value(Some(Retry {
                    blob,
                    name: upload_name.clone(),
                    original_size,
                    fingerprint,
                    digest,
                }));
                row.name.set(upload_name);
                run(row);
            });
        }
    };
    // Files picked for a side (`slot`) or for the material as a whole.
    let on_pick = move |slot: Option<u8>| {
        let take = take.clone();
        move |ev: leptos::ev::Event| {
            let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) else {
                return;
            };
            if let Some(list) = input.files() {
                for i in 0..list.length() {
                    if let Some(file) = list.get(i) {
                        take(file, slot);
                    }
                }
            }
            // The same file may be picked again (to resume, or after fixing it).
            input.set_value("");
        }
    };

    let remove_done = {
        let id = id.clone();
        let item = item.clone();
        move |upload: String| {
            let item = item.clone();
            let (mut removed, mut reused) = (String::new(), false);
            materials.update(|m| {
                if let Some(files) = m.files.get_mut(&id) {
                    if let Some(file) = files.iter().find(|f| f.upload == upload) {
                        (removed, reused) = (file.name.clone(), file.reused);
                    }
                    files.retain(|f| f.upload != upload);
                }
                m.files.retain(|_, files| !files.is_empty());
            });
            announce::say(&format!("已删除 {removed}"));
            refocus(&id);
            // An earlier case's file is only let go here: that case keeps it.
            if !reused {
                spawn_local(async move { tus::discard(&item, &upload).await });
            }
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

    // A side still to come is not a problem with what is in: the sides list shows it.
    let sides_material = material.clone();
    let sides_missing = Memo::new(move |_| {
        done.with(|files| {
            let filled: Vec<_> = files.iter().map(UploadedFile::filled).collect();
            !missing_sides(&sides_material, &filled).is_empty()
        })
    });
    let tag = move || {
        let has_problem = problem.get().is_some() && !done.with(Vec::is_empty) && !later.get() && !sides_missing.get()
            || pending.any(|s| matches!(s, Status::Problem(_) | Status::Paused));
        let uploading = pending.any(Status::in_flight);
        if sides_missing.get() && !uploading && !has_problem {
            return ("还差一面", "tag");
        }
        state_tag(uploading, has_problem, later.get(), problem.get().is_none() && !done.with(Vec::is_empty))
    };
    let sides = material.slots.clone();
    let (for_dismiss, for_forget) = (id.clone(), id.clone());
    let section_id = format!("material-{id}");
    let heading_id = format!("{section_id}-title");
    let pick_id = format!("{section_id}-pick");
    let takes_photos = material.file_types.iter().any(|t| matches!(t, FileType::Jpg | FileType::Png));
    let types = material.file_types.iter().map(|t| t.label()).collect::<Vec<_>>().join("、");
    let limits = format!("{types}，每个文件不超过 {} MB，最多 {most} 个文件", material.max_file_mb);
    let title = entry.title();
    let optional = material.necessity == Necessity::Optional;
    let tolerated = material.necessity == Necessity::Tolerated;
    let accept = accept(&material);
    // One pair of buttons for the material, or one per named side (人像面、国徽面).
    let pickers = {
        let (title, on_pick) = (title.clone(), on_pick.clone());
        let slots = material.slots.clone();
        move || {
            if slots.is_empty() {
                let pick = on_pick(None);
                return view! {
                    <Pickers
                        id=pick_id.clone()
                        label=title.clone()
                        accept=accept.clone()
                        camera=takes_photos
                        multiple=true
                        pick
                    />
                }
                .into_any();
            }
            let sides = slots
                .iter()
                .enumerate()
                .map(|(i, side)| {
                    let slot = i as u8;
                    let filled =
                        move || done.with(|files| files.iter().any(|f| f.slot == Some(slot))) || pending.fills(slot);
                    let (id, label) = (format!("{pick_id}-{i}"), format!("{title}（{side}）"));
                    let (accept, pick) = (accept.clone(), on_pick(Some(slot)));
                    view! {
                        <li class="slot">
                            <span class="slot__name">{side.clone()}</span>
                            <Show
                                when=move || !filled()
                                fallback=|| view! { <span class="slot__done">"已选好"</span> }
                            >
                                <Pickers
                                    id=id.clone()
                                    label=label.clone()
                                    accept=accept.clone()
                                    camera=takes_photos
                                    multiple=false
                                    pick=pick.clone()
                                />
                            </Show>
                        </li>
                    }
                })
                .collect_view();
            view! { <ul class="slots">{sides}</ul> }.into_any()
        }
    };

    view! {
        <li class="material-task" id=section_id aria-labelledby=heading_id>
            <div class="material-task__head">
                <h3 id=heading_id.clone() tabindex="-1">
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
                    .filter(|_| !later.get() && !done.with(Vec::is_empty) && !sides_missing.get())
                    .map(|m| view! { <p class="field-error">{m}</p> })
            }}
            <ul class="file-list">
                <For
                    each=move || done.get()
                    key=|file| file.upload.clone()
                    children=move |file| {
                        let side = file.slot.and_then(|s| sides.get(usize::from(s)).cloned());
                        view! { <DoneFile file side remove=remove_done.clone() /> }
                    }
                />
                <For
                    each=move || pending.rows.get()
                    key=|row| row.id
                    children=move |row| {
                        let material = for_dismiss.clone();
                        let dismiss = move |row| {
                            pending.remove(row);
                            refocus(&material);
                        };
                        view! { <PendingFile row run=run.clone() dismiss /> }
                    }
                />
                <For
                    each=move || interrupted.get()
                    key=|(fingerprint, _)| fingerprint.clone()
                    children=move |(fingerprint, upload)| {
                        let material = for_forget.clone();
                        let forget = move |fingerprint: String| {
                            interrupted.update(|all| all.retain(|(f, _)| f != &fingerprint));
                            refocus(&material);
                        };
                        view! { <InterruptedFile fingerprint upload forget /> }
                    }
                />
            </ul>
            <Show when=move || !later.get()>{pickers.clone()}</Show>
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

/// The file picker and the camera, for a material or one of its sides.
#[component]
fn Pickers(
    id: String,
    /// What the buttons are for, read by screen readers after their words.
    label: String,
    accept: String,
    camera: bool,
    multiple: bool,
    pick: impl Fn(leptos::ev::Event) + Clone + 'static,
) -> impl IntoView {
    let camera_id = format!("{id}-camera");
    let (pick_label_for, camera_label_for) = (id.clone(), camera_id.clone());
    view! {
        <div class="upload-actions">
            // The real input covers its label, so the whole button is its target.
            <label for=pick_label_for class="button button--secondary file-button">
                "选择文件"
                <span class="visually-hidden">{format!("：{label}")}</span>
                <input type="file" id=id class="file-input" multiple=multiple accept=accept on:change=pick.clone() />
            </label>
            {camera
                .then(|| {
                    view! {
                        <label for=camera_label_for class="button button--secondary file-button">
                            "拍照上传"
                            <span class="visually-hidden">{format!("：{label}")}</span>
                            <input
                                type="file"
                                id=camera_id
                                class="file-input"
                                accept="image/jpeg,image/png"
                                capture="environment"
                                on:change=pick
                            />
                        </label>
                    }
                })}
        </div>
    }
}

/// A row's button is gone with its row: focus goes to the material's heading
/// (`material-{id}-title`), never to the page body.
fn refocus(material: &str) {
    let heading = format!("material-{material}-title");
    request_animation_frame(move || {
        if let Some(el) = document().get_element_by_id(&heading).and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let _ = el.focus();
        }
    });
}

/// A finished file, with its side, a thumbnail of this visit's photos, and its remove button.
#[component]
fn DoneFile(file: UploadedFile, side: Option<String>, remove: impl Fn(String) + 'static) -> impl IntoView {
    let shrunk = file.original_size.map(|o| format!("（已从 {} 压缩）", size_text(o)));
    let label = format!("删除 {}", file.name);
    let upload = file.upload.clone();
    let picture = thumbnail(&file.upload).map(|src| {
        let alt = format!("{}的缩略图", side.clone().unwrap_or_else(|| file.name.clone()));
        view! { <img class="file__thumb" src=src alt=alt width="64" height="64" /> }
    });
    view! {
        <li class="file file--done">
            {picture} {side.map(|side| view! { <span class="file__side">{side}</span> })}
            <span class="file__name">{file.name.clone()}</span>
            <span class="file__meta">
                {size_text(file.size)} {shrunk}
                {if file.reused { " · 以前提交过的材料" } else { " · 已上传" }}
            </span> <button type="button" class="link-button" aria-label=label on:click=move |_| remove(upload.clone())>
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
