//! 工作人员办件台: a minimal console over the staff API for centres without
//! their own approval system. Sign in with the department's token (kept for
//! this browser tab only), list the cases, open one with its files, and move
//! it: every action the API has, each asking for what it needs.

use domain::apply::form::Applicant;
use domain::case::Action;
use domain::case::clock::Procedure;
use domain::case::joint::Consult;
use domain::case::origin::FileOrigin;
use domain::case::view::StaffCase;
use domain::time::date::beijing_time;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::staff as api;
use crate::components::alert::ErrorNotice;
use crate::components::fact::fact;
use crate::components::timeline::timeline_entry;
use crate::follow::decision::{ConfirmMove, focus_soon, is_decisive};
use crate::follow::documents::StaffDocuments;
use crate::follow::staff_application::ApplicationFacts;
use crate::follow::staff_clock::{ExtendForm, ProcedureChoice};
use crate::follow::staff_decision::{DecisionDraft, DecisionFields};
use crate::follow::staff_feedback::WorkOrders;
use crate::follow::staff_file::CaseFileRow;
use crate::follow::staff_session::{SignIn, signed_in, token, who};
use crate::follow::staff_supplement::{Ask, JointNotice, SupplementRequest};
use crate::shell::router::navigate;
use crate::shell::set_title;

#[component]
pub fn StaffCasePage(case_number: String) -> impl IntoView {
    set_title(&format!("办件 {case_number}"));
    let department = signed_in();
    let case = RwSignal::new(None::<Result<StaffCase, String>>);
    // A decisive move waiting for its confirmation: kept while the case is
    // drawn again (a late answer redraws it), so the question stays asked.
    let pending = RwSignal::new(None::<Action>);
    // Why the last move was refused: kept the same way, so a redraw between the
    // refusal and its display never drops the clerk's message.
    let error = RwSignal::new(None::<String>);
    let number = case_number.clone();
    Effect::new(move |_| {
        if department.get().is_some() {
            let number = number.clone();
            spawn_local(async move {
                case.set(Some(api::case(&token().unwrap_or_default(), &number).await.map_err(|e| e.message)));
            });
        }
    });
    view! {
        <p class="back">
            <a href="/staff">"返回办件台"</a>
            {move || department.get().map(|me| view! { <span class="signed-in">{format!(" · {}", who(&me))}</span> })}
        </p>
        {move || match (department.get(), case.get()) {
            (None, _) => view! { <SignIn signed_in=department /> }.into_any(),
            (_, None) => view! { <p class="loading">"正在加载……"</p> }.into_any(),
            (_, Some(Err(message))) => {
                view! {
                    <p class="notice notice--error" role="alert">
                        {message}
                    </p>
                }
                    .into_any()
            }
            (_, Some(Ok(found))) => view! { <CaseDetail case=found store=case pending error /> }.into_any(),
        }}
    }
}

fn applicant_text(applicant: &Applicant) -> Vec<(&'static str, String)> {
    match applicant {
        Applicant::Person(p) => vec![
            ("申请人", p.name.clone()),
            ("身份证号码", p.id_number.clone()),
            ("手机号码", p.phone.clone()),
            ("地址", p.address.clone()),
        ],
        Applicant::Organisation(o) => vec![
            ("单位", o.name.clone()),
            ("统一社会信用代码", o.credit_code.clone()),
            ("法定代表人", o.legal_representative.clone()),
            ("联系人", format!("{} {}", o.contact_name, o.phone)),
            ("地址", o.address.clone()),
        ],
    }
}

/// A button's style: refusing warns, the steps before a decision are secondary.
fn button_class(action: &Action) -> &'static str {
    match action {
        Action::Refuse { .. } => "button button--warning",
        Action::PreReview | Action::Suspend { .. } | Action::Extend { .. } => "button button--secondary",
        Action::Agree => "button",
        Action::Accept
        | Action::DeemAccept
        | Action::RequestSupplement { .. }
        | Action::Resubmit
        | Action::Start
        | Action::Resume
        | Action::Complete { .. }
        | Action::Withdraw
        | Action::Terminate { .. } => "button",
    }
}

#[component]
fn CaseDetail(
    case: StaffCase,
    store: RwSignal<Option<Result<StaffCase, String>>>,
    pending: RwSignal<Option<Action>>,
    error: RwSignal<Option<String>>,
) -> impl IntoView {
    let number = case.case_number.clone();
    // A plain closure, cloned into each button: it lives exactly as long as the
    // buttons that hold it (an arena Callback outlived a redrawn page's signals).
    let run = move |action: Action| {
        let number = number.clone();
        spawn_local(async move {
            match api::act(&token().unwrap_or_default(), &number, &action).await {
                Ok(next) => {
                    error.set(None);
                    store.set(Some(Ok(next)));
                    // The new status is read out; no button keeps the focus to become the next action.
                    focus_soon("case-status");
                }
                Err(e) => error.set(Some(e.message)),
            }
        });
    };
    let note = RwSignal::new(String::new());
    let procedure = RwSignal::new(Procedure::Other);
    let may_pause = case.actions.iter().any(|a| a == "suspend");
    let may_extend = case.actions.iter().any(|a| a == "extend");
    let may_complete = case.actions.iter().any(|a| a == "complete");
    let draft = DecisionDraft::default();
    let asks = Ask::for_case(&case);
    let may_ask = case.actions.iter().any(|a| a == "request_supplement");
    // The whole of a joint case: the lead sends every part's requests as one notice.
    let whole = !case.parts.is_empty();
    // The other actions, in the order the API lists them, each a button.
    let buttons = case
        .actions
        .iter()
        .filter_map(|name| Action::with_note(name, String::new()))
        .map(|action| {
            let (name, run) = (action.name(), run.clone());
            view! {
                <button
                    type="button"
                    class=button_class(&action)
                    on:click=move |_| {
                        if let Some(mut action) = Action::with_note(name, note.get_untracked()) {
                            if let Action::Suspend { procedure: chosen, .. } = &mut action {
                                *chosen = procedure.get_untracked();
                            }
                            if let Action::Complete { decision, .. } = &mut action {
                                *decision = draft.decision();
                            }
                            if is_decisive(&action) {
                                pending.set(Some(action));
                                focus_soon("confirm-move");
                            } else {
                                run(action);
                            }
                        }
                    }
                >
                    {action.label()}
                </button>
            }
        })
        .collect_view();
    view! {
        <h1>{format!("办件 {}", case.case_number)}</h1>
        <p class="caption">
            {case.item_name.clone()}
            {domain::case::exchange::number::shown(case.province_number.as_deref(), case.province_pending)
                .map(|n| format!(" · 省平台办件编号 {n}"))}
        </p>
        <p class="status-panel__label" id="case-status" tabindex="-1">
            {case.status_label.clone()}
            {case.due.map(|d| format!(" · 承诺 {} 前办结", d.chinese()))}
            {case.light.map(|l| format!(" · {}", l.label()))}
            {case
                .supply_by
                .map(|d| format!(" · 申请人须在 {} 前补正，逾期视为撤回申请", d.chinese()))}
            {case
                .consult_by
                .filter(|_| !case.parts.is_empty())
                .map(|d| format!(" · 各部门须在 {} 前答复，逾期按缺席默认视为同意", d.chinese()))}
            {case
                .answer_by
                .map(|d| {
                    format!(
                        " · 请在 {} 前受理、不予受理或一次性告知补正，逾期视为受理",
                        d.chinese(),
                    )
                })}
        </p>
        <ErrorNotice message=error />
        {case
            .joint_number
            .clone()
            .map(|joint| {
                view! {
                    <p class="notice">
                        {format!(
                            "这是联办件 {joint} 的一部分：由牵头部门统一受理，受理后本部门办理自己的部分。",
                        )}
                    </p>
                }
            })}
        {case
            .consult
            .filter(|c| *c == Consult::Awaited)
            .zip(case.consult_by)
            .map(|(_, by)| {
                view! {
                    <p class="notice notice--warn">
                        {format!(
                            "请在 {} 前答复牵头部门：没有补正要求的，点“无补正意见，同意受理”；要补正的，发送补正要求。逾期未答复的，按缺席默认视为同意受理。",
                            by.chinese(),
                        )}
                    </p>
                }
            })}
        {(!case.pending.is_empty())
            .then(|| {
                view! {
                    <p class="notice">
                        {format!(
                            "本部门已提出 {} 项补正要求，等待牵头部门合并后一次告知申请人。",
                            case.pending.len(),
                        )}
                    </p>
                }
            })}
        {whole.then(|| view! { <JointParts case=case.clone() /> })}
        <h2>"申请信息"</h2>
        <dl class="answers">
            {applicant_text(&case.application.form.applicant).into_iter().map(|(k, v)| fact(k, v)).collect_view()}
        </dl>
        <ApplicationFacts case=case.clone() />
        <h2>"材料"</h2>
        <ul class="file-list">
            {case
                .files
                .iter()
                .map(|f| {
                    let origin = FileOrigin::of(&f.added_at, &case.timeline);
                    view! { <CaseFileRow file=f.clone() origin /> }
                })
                .collect_view()}
        </ul>
        {(!case.actions.is_empty())
            .then(|| {
                view! {
                    <h2>"办理"</h2>
                    <div class="field">
                        <label for="action-note">"原因、结果或说明"</label>
                        <p class="hint" id="action-note-hint">
                            "不予受理、暂停要写原因；办结要写办理结果。"
                        </p>
                        <textarea
                            id="action-note"
                            rows="2"
                            aria-describedby="action-note-hint"
                            prop:value=move || note.get()
                            on:input=move |ev| note.set(event_target_value(&ev))
                        ></textarea>
                    </div>
                    {may_pause.then(|| view! { <ProcedureChoice procedure /> })}
                    {may_complete.then(|| view! { <DecisionFields draft /> })}
                    <div class="staff-actions">{buttons}</div>
                    {
                        let run = run.clone();
                        move || {
                            pending
                                .get()
                                .map(|action| {
                                    let run = run.clone();
                                    view! { <ConfirmMove action pending run /> }
                                })
                        }
                    }
                    {(whole && may_ask).then(|| view! { <JointNotice pending /> })}
                    {(may_ask && !whole)
                        .then(|| {
                            let part = case.joint_number.is_some();
                            view! { <SupplementRequest asks pending part run=run.clone() /> }
                        })}
                    {may_extend.then(|| view! { <ExtendForm pending /> })}
                }
            })}
        <StaffDocuments case_number=case.case_number.clone() documents=case.documents.clone() />
        {(!case.work_orders.is_empty()).then(|| view! { <WorkOrders case=case.clone() store /> })}
        {(!case.notifications.is_empty()).then(|| view! { <Notifications list=case.notifications.clone() /> })}
        <h2>"办理记录"</h2>
        <ol class="timeline">{case.timeline.iter().map(timeline_entry).collect_view()}</ol>
        <p>
            <button type="button" class="link-button" on:click=move |_| navigate("/staff")>
                "返回列表"
            </button>
        </p>
    }
}

/// What was sent about the case: to whom, when, and how it went.
#[component]
fn Notifications(list: Vec<domain::case::view::NotificationView>) -> impl IntoView {
    view! {
        <h2>"已发送的通知"</h2>
        <ul class="plain-list">
            {list
                .into_iter()
                .map(|n| {
                    let channel = match n.channel.as_str() {
                        "webhook" => "部门系统",
                        "sms" => "短信",
                        "wechat" => "微信",
                        "province" => "省平台",
                        "email" => "邮件",
                        other => other,
                    };
                    let event = domain::case::notices::label(&n.event).unwrap_or(n.event.as_str());
                    let outcome = match n.state.as_str() {
                        "done" => {
                            format!(
                                "已送达（{}）",
                                n.done_at.as_deref().and_then(beijing_time).unwrap_or_default(),
                            )
                        }
                        "dead" => format!("发送失败，已放弃：{}", n.last_error.clone().unwrap_or_default()),
                        _ if n.attempts > 0 => format!("第 {} 次发送未成功，稍后重试", n.attempts),
                        _ => "等待发送".to_owned(),
                    };
                    view! { <li>{format!("{channel} {} · {event} · {outcome}", n.recipient)}</li> }
                })
                .collect_view()}
        </ul>
    }
}

/// The parts of a joint case side by side, for the lead department: each
/// department's item, status, open supplement requests and every document
/// (to read before accepting for everyone; each department moves its own).
#[component]
fn JointParts(case: StaffCase) -> impl IntoView {
    view! {
        <h2>"各部门的部分"</h2>
        <ul class="facts parts">
            {case
                .parts
                .iter()
                .map(|part| {
                    let own = part.department == case.department;
                    let href = format!("/staff/cases/{}", part.case_number);
                    let pending = part
                        .pending
                        .iter()
                        .map(|p| {
                            let name = part
                                .files
                                .iter()
                                .find(|f| f.material == p.material)
                                .map_or(p.material.clone(), |f| f.material_name.clone());
                            view! { <li>{format!("{name}：{}", p.reason)}</li> }
                        })
                        .collect_view();
                    view! {
                        <li class="material-task part">
                            <p>
                                <strong>{part.item_name.clone()}</strong>
                            </p>
                            <p class="hint">{format!("{} · 子件 {}", part.department, part.case_number)}</p>
                            <p>
                                <strong>{part.status_label.clone()}</strong>
                                {part
                                    .consult
                                    .filter(|_| part.department != case.department)
                                    .map(|c| format!(" · 征求意见：{}", c.label()))}
                            </p>
                            {(!part.pending.is_empty())
                                .then(|| {
                                    view! {
                                        <p class="hint">"待告知的补正要求："</p>
                                        <ul class="plain-list">{pending}</ul>
                                    }
                                })}
                            <ul class="file-list">
                                {part
                                    .files
                                    .iter()
                                    .map(|f| {
                                        let origin = FileOrigin::of(&f.added_at, &part.timeline);
                                        view! { <CaseFileRow file=f.clone() origin /> }
                                    })
                                    .collect_view()}
                            </ul>
                            {own.then(|| view! { <a href=href>"办理本部门的部分"</a> })}
                        </li>
                    }
                })
                .collect_view()}
        </ul>
        {(!case.notice.is_empty())
            .then(|| {
                view! {
                    <h3>"已发出的补正告知"</h3>
                    <ul class="plain-list">
                        {case
                            .notice
                            .iter()
                            .map(|n| view! { <li>{format!("{}（{}）：{}", n.department, n.item, n.reason)}</li> })
                            .collect_view()}
                    </ul>
                }
            })}
    }
}
