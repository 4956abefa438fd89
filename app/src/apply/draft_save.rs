//! 保存草稿: a copy of the application on the server, with a resume code to
//! continue on another device. What is sent is what this device keeps (the
//! form and the finished uploads), read from browser storage when asked.

use domain::api::DraftBody;
use domain::catalog::situation::Answers;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::components::alert::FieldAlert;
use crate::{api, application};

#[component]
pub fn DraftSave(item: String, answers: Answers) -> impl IntoView {
    let resume = RwSignal::new(application::resume(&item));
    let saving = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let save = move |_| {
        saving.set(true);
        let body = DraftBody {
            item: item.clone(),
            answers: answers.clone(),
            form: application::form(&item),
            materials: application::materials(&item),
        };
        let known = resume.get_untracked().map(|r| r.resume_code);
        let item = item.clone();
        spawn_local(async move {
            let Some(application_key) = application::application_key(&item).await else {
                error.set(Some("网络连接不稳定，草稿没有保存。请检查网络后再试。".to_owned()));
                saving.set(false);
                return;
            };
            match api::save_draft(known, &application_key, &body).await {
                Ok(saved) => {
                    crate::shell::announce::say(&format!(
                        "草稿已保存。恢复码是 {}",
                        crate::shell::announce::spelled(&saved.resume_code)
                    ));
                    application::save_resume(&item, &saved);
                    resume.set(Some(saved));
                    error.set(None);
                }
                Err(e) => error.set(Some(e.message)),
            }
            saving.set(false);
        });
    };
    view! {
        <section class="draft-save" aria-labelledby="draft-heading">
            <h2 id="draft-heading">"换个手机继续填写"</h2>
            <p class="hint">
                "保存草稿后会得到一个恢复码。在另一部手机或电脑上打开本网站，点“用恢复码继续填写”，输入恢复码即可接着填，已上传的文件不用重传。"
            </p>
            <button type="button" class="button button--secondary" disabled=move || saving.get() on:click=save>
                "保存草稿"
            </button>
            <FieldAlert message=error />
            {move || {
                resume
                    .get()
                    .map(|r| {
                        view! {
                            <div class="notice" role="status">
                                <p>"草稿已保存。请记下恢复码："</p>
                                <p class="resume-code">{r.resume_code.clone()}</p>
                                <button
                                    type="button"
                                    class="button button--secondary button--small"
                                    on:click=move |_| {
                                        let _ = window().navigator().clipboard().write_text(&r.resume_code);
                                        crate::shell::announce::say("恢复码已复制");
                                    }
                                >
                                    "复制恢复码"
                                </button>
                                <p class="hint">
                                    {format!(
                                        "草稿保存到 {} 为止；其间每次保存都会重新计算期限。",
                                        r.expires_at.get(..10).unwrap_or_default(),
                                    )}
                                </p>
                            </div>
                        }
                    })
            }}
        </section>
    }
}
