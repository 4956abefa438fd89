//! 用恢复码继续: open a draft saved on another device.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api;
use crate::application;
use crate::shell::router::navigate;
use crate::shell::set_title;
use crate::subject::{Kind, query};

#[component]
pub fn ResumePage() -> impl IntoView {
    set_title("用恢复码继续填写");
    let code = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let dropped = RwSignal::new(None::<(Vec<String>, Vec<String>, String)>);
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let typed = code.get_untracked();
        let Some(parsed) = domain::reference::ResumeCode::parse(&typed) else {
            error.set(Some("请输入恢复码，例如 ABCD-EFGH-JKLM（字母和数字，不区分大小写）".to_owned()));
            return;
        };
        busy.set(true);
        spawn_local(async move {
            let loaded_code = parsed.into_string();
            match api::resume_draft(typed).await {
                Ok(loaded) => {
                    let item = loaded.draft.item.clone();
                    if let Some(form) = &loaded.draft.form {
                        application::save_form(&item, form);
                    }
                    application::save_materials(&item, &loaded.draft.materials);
                    if let Some(key) = &loaded.application_key {
                        application::adopt_application_key(&item, key);
                    }
                    application::save_resume(
                        &item,
                        &domain::api::DraftSaved { resume_code: loaded_code, expires_at: loaded.expires_at.clone() },
                    );
                    let kind = if loaded.bundle { Kind::Bundle } else { Kind::Service };
                    let base = kind.base(&item);
                    // Where the other device left off: the task list once files were uploaded there.
                    let step = if loaded.draft.materials.files.is_empty() { "apply" } else { "tasks" };
                    let url = format!("{base}/{step}{}", query(&loaded.draft.answers, &[]));
                    if loaded.dropped.is_empty() && loaded.dropped_files.is_empty() {
                        navigate(&url);
                    } else {
                        // Say what must be given again before going on.
                        let again = if loaded.dropped.is_empty() {
                            url
                        } else {
                            format!("{base}/checklist{}", query(&loaded.draft.answers, &[]))
                        };
                        dropped.set(Some((loaded.dropped, loaded.dropped_files, again)));
                    }
                }
                Err(e) => error.set(Some(e.message)),
            }
            busy.set(false);
        });
    };
    view! {
        <p class="back">
            <a href="/">"返回首页"</a>
        </p>
        <h1>"用恢复码继续填写"</h1>
        {move || {
            dropped
                .get()
                .map(|(questions, files, again)| {
                    view! {
                        <div class="notice notice--warn" role="alert">
                            {(!questions.is_empty())
                                .then(|| {
                                    view! {
                                        <p>
                                            "办事要求有了调整，下面这些问题需要重新回答，其余内容都已保留："
                                        </p>
                                        <ul>{questions.into_iter().map(|q| view! { <li>{q}</li> }).collect_view()}</ul>
                                    }
                                })}
                            {(!files.is_empty())
                                .then(|| {
                                    view! {
                                        <p>
                                            "下面这些文件已过保存期限或不再需要，需要的话请重新上传："
                                        </p>
                                        <ul>{files.into_iter().map(|f| view! { <li>{f}</li> }).collect_view()}</ul>
                                    }
                                })}
                            <p>
                                <a href=again class="button">
                                    "继续填写"
                                </a>
                            </p>
                        </div>
                    }
                })
        }}
        <form on:submit=submit novalidate>
            <div class=move || if error.get().is_some() { "field field--error" } else { "field" }>
                <label for="resume-code">"恢复码"</label>
                <p class="hint" id="resume-code-hint">
                    "保存草稿时页面上显示的 12 位字母和数字"
                </p>
                {move || {
                    error
                        .get()
                        .map(|m| {
                            view! {
                                <p class="field-error" id="resume-code-error" role="alert">
                                    {m}
                                </p>
                            }
                        })
                }}
                <input
                    id="resume-code"
                    type="text"
                    autocomplete="off"
                    autocapitalize="characters"
                    aria-describedby=move || {
                        if error.get().is_some() { "resume-code-hint resume-code-error" } else { "resume-code-hint" }
                    }
                    prop:value=move || code.get()
                    on:input=move |ev| code.set(event_target_value(&ev))
                />
            </div>
            <button type="submit" class="button" disabled=move || busy.get()>
                "继续填写"
            </button>
        </form>
    }
}
