//! 上传材料并提交: the task list of an application. Every material of the
//! checklist with its state and uploads, the applicant details and delivery
//! choice, 容缺 with its pledge, and the way on to checking and submitting,
//! closed (with the reasons shown) until the application is complete.
//!
//! Completeness is decided by `domain::apply::materials::Materials::problems` and
//! `domain::apply::form::validate_application`: the very checks the server runs.

use domain::apply::materials::is_uploaded;
use domain::apply::submission::TOLERANCE_PLEDGE;
use domain::catalog::checklist::Checklist;
use leptos::prelude::*;

use crate::application;
use crate::apply::draft_save::DraftSave;
use crate::apply::earlier_files::EarlierFiles;
use crate::apply::subject_loader::SubjectLoader;
use crate::components::material_upload::MaterialUpload;
use crate::shell::router::{navigate, use_location};
use crate::shell::set_title;
use crate::subject::{Kind, Subject, answers_from, query};

#[component]
pub fn TasksPage(kind: Kind, code: String) -> impl IntoView {
    // While the applicant uploads, the review's bundle loads.
    crate::shell::prefetch::prefetch(crate::shell::handover::Bundle::Review);
    view! { <SubjectLoader kind code page=|subject| view! { <TaskList subject /> } /> }
}

/// The materials the applicant uploads, and those the centre deals with itself.
fn split(
    checklist: &Checklist,
) -> (Vec<domain::catalog::checklist::ChecklistEntry>, Vec<domain::catalog::checklist::ChecklistEntry>) {
    checklist.entries.iter().cloned().partition(|e| is_uploaded(&e.material))
}

#[component]
fn TaskList(subject: Subject) -> impl IntoView {
    let applying = subject.applying();
    let name = applying.name().to_owned();
    set_title(&format!("上传材料：{name}"));
    let location = use_location();
    let answers = answers_from(&location.get_untracked().pairs(), &applying.questions());
    let checklist = applying.checklist(&answers);
    let base = subject.base();
    let here = query(&answers, &[]);
    if let Some(first) = checklist.unanswered.first() {
        let url = format!("{base}/situation/{first}{here}");
        return view! {
            <h1>"还有问题没有回答"</h1>
            <p>"先回答办理情形的问题，才能知道要上传哪些材料。"</p>
            <p>
                <a class="button" href=url>
                    "去回答"
                </a>
            </p>
        }
        .into_any();
    }

    let code = applying.code().to_owned();
    let mut stored = application::materials(&code);
    // Answers changed since: files of materials no longer asked for are let go.
    for upload in stored.keep_only(&checklist) {
        let item = code.clone();
        leptos::task::spawn_local(async move { crate::tus::discard(&item, &upload).await });
    }
    let materials = RwSignal::new(stored);
    let item_code = code.clone();
    // Kept on this device at once: a reload loses no finished upload.
    Effect::new(move |_| materials.with(|m| application::save_materials(&code, m)));
    let busy = RwSignal::new(0usize);

    let details = application::form_problems(applying, &answers);
    let details_done = details.as_ref().is_some_and(Vec::is_empty);
    // The pledge names the soonest deadline of the materials that may come later.
    let later_days = checklist.tolerated().map(|e| applying.later_days(e)).min().unwrap_or(1);
    let (uploaded, handled) = split(&checklist);
    let problems = {
        let checklist = checklist.clone();
        Memo::new(move |_| materials.with(|m| m.problems(&checklist)))
    };
    let blockers = Memo::new(move |_| {
        let mut reasons = Vec::new();
        if !details_done {
            reasons.push("申请人信息和领取方式还没有填写完整".to_owned());
        }
        reasons.extend(problems.get().into_iter().map(|p| p.message));
        if busy.get() > 0 {
            reasons.push("还有文件正在上传，请等上传完成".to_owned());
        }
        reasons
    });
    let any_later = Memo::new(move |_| materials.with(|m| !m.later.is_empty()));

    let apply_url = format!("{base}/apply{here}");
    let review_url = format!("{base}/review{here}");
    let back = format!("{base}/checklist{here}");
    let total = uploaded.len();
    let wanted: Vec<(String, String)> =
        uploaded.iter().map(|e| (e.material.id.clone(), e.material.name.clone())).collect();
    let material_views = uploaded
        .into_iter()
        .map(|entry| {
            let id = entry.material.id.clone();
            let problem = Signal::derive(move || {
                problems.with(|all| all.iter().find(|p| p.material == id).map(|p| p.message.clone()))
            });
            let later_days = applying.later_days(&entry);
            let used_by: Vec<String> = if subject.kind() == Kind::Bundle {
                entry.items.iter().map(|code| subject.item_name(code)).collect()
            } else {
                Vec::new()
            };
            view! { <MaterialUpload item=item_code.clone() entry materials busy problem later_days used_by /> }
        })
        .collect_view();
    // Signed in: earlier cases' files offered for the materials still to upload.
    let earlier = view! { <EarlierFiles item=item_code.clone() wanted materials /> };
    let handled_view = (!handled.is_empty()).then(|| {
        view! {
            <h3>"这些材料不用上传"</h3>
            <ul class="plain-list">
                {handled
                    .into_iter()
                    .map(|entry| {
                        let why = if entry.material.not_needed_from_applicant() {
                            "政府部门已有，窗口直接调取"
                        } else {
                            "只需交纸质原件，到窗口时带上"
                        };
                        view! { <li>{entry.title()} <span class="hint">{format!("（{why}）")}</span></li> }
                    })
                    .collect_view()}
            </ul>
        }
    });
    let go_on = move |_| {
        if blockers.with_untracked(Vec::is_empty) {
            navigate(&review_url);
        }
    };

    view! {
        <p class="back">
            <a href=back>"返回材料清单"</a>
        </p>
        <p class="caption">{name}</p>
        <h1>"上传材料并提交"</h1>
        <p class="hint">{crate::components::material_upload::KEPT_HINT}</p>
        <ol class="task-list">
            <li class="task">
                <div class="task__head">
                    <h2>"1. 申请人信息和领取方式"</h2>
                    {if details_done {
                        view! { <span class="tag tag--done">"已完成"</span> }.into_any()
                    } else {
                        view! { <span class="tag">"未完成"</span> }.into_any()
                    }}
                </div>
                <p>
                    <a href=apply_url>
                        {if details.is_some() { "修改申请人信息" } else { "填写申请人信息" }}
                    </a>
                </p>
            </li>
            <li class="task">
                <div class="task__head">
                    <h2>{format!("2. 上传申请材料（{total} 项）")}</h2>
                </div>
                {earlier}
                <ul class="material-tasks">{material_views}</ul>
                {handled_view}
            </li>
        </ol>
        <Show when=move || any_later.get()>
            <section class="pledge" aria-labelledby="pledge-title">
                <h2 id="pledge-title">"容缺受理承诺书"</h2>
                <p>{TOLERANCE_PLEDGE}</p>
                <p class="hint">
                    {format!(
                        "容缺后补的材料，请在受理后 {later_days} 个工作日内补交，不会超过承诺办结时限。",
                    )}
                </p>
                <div class="checkbox">
                    <input
                        type="checkbox"
                        id="pledge"
                        prop:checked=move || materials.with(|m| m.pledge_accepted)
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            materials.update(|m| m.pledge_accepted = on)
                        }
                    />
                    <label for="pledge">"我已阅读并同意以上承诺"</label>
                </div>
            </section>
        </Show>
        <section class="submit-area" aria-labelledby="submit-title">
            <h2 id="submit-title">"3. 核对并提交"</h2>
            {move || {
                (!blockers.get().is_empty())
                    .then(|| {
                        view! {
                            <div class="notice" id="submit-blockers">
                                <p>"完成下面这些才能提交："</p>
                                <ul>{blockers.get().into_iter().map(|r| view! { <li>{r}</li> }).collect_view()}</ul>
                            </div>
                        }
                    })
            }}
            <button
                type="button"
                class="button"
                on:click=go_on
                disabled=move || !blockers.get().is_empty()
                aria-describedby=move || (!blockers.get().is_empty()).then_some("submit-blockers")
            >
                "核对申请内容"
            </button>
        </section>
        <DraftSave item=applying.code().to_owned() answers=answers.clone() />
    }
    .into_any()
}
