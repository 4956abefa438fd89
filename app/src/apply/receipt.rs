//! 回执: what the applicant keeps after submitting: the case number and query
//! code, when it was submitted, the promise, what happens next and whom to
//! call. Printable on one A4 page. Read from this device's storage: the query
//! code is never put in an address.

use domain::apply::submission::Receipt;
use domain::time::date::beijing_time;
use leptos::prelude::*;

use crate::application;
use crate::apply::receipt_image::ReceiptImage;
use crate::components::masked::Masked;
use crate::shell::set_title;

#[component]
pub fn ReceiptPage(case_number: String) -> impl IntoView {
    set_title("申请已提交");
    match application::receipt(&case_number) {
        Some(receipt) => view! { <ReceiptView receipt /> }.into_any(),
        None => view! {
            <h1>"没有找到这份回执"</h1>
            <p>
                "回执只保存在提交申请的那部手机（或电脑）上。请在那台设备上打开，或拨打办理部门的咨询电话，凭办件编号查询。"
            </p>
            <p>
                <a href="/">"返回首页"</a>
            </p>
        }
        .into_any(),
    }
}

#[component]
fn ReceiptView(receipt: Receipt) -> impl IntoView {
    let submitted = beijing_time(&receipt.submitted_at).unwrap_or_else(|| receipt.submitted_at.clone());
    let promise = if receipt.promised_limit_days == 0 {
        "受理后当场办结".to_owned()
    } else {
        format!("受理后 {} 个工作日内办结（不含法定节假日）", receipt.promised_limit_days)
    };
    let print = move |_| {
        let _ = window().print();
    };
    let phone = format!("tel:{}", receipt.consult_phone);
    // What the picture WeChat users save holds: what they need to follow the case.
    let mut image_rows = vec![
        ("办件编号".to_owned(), receipt.case_number.clone()),
        ("查询码".to_owned(), receipt.query_code.clone()),
        ("申请事项".to_owned(), receipt.item_name.clone()),
        ("办理部门".to_owned(), receipt.department.clone()),
        ("提交时间".to_owned(), submitted.clone()),
        ("承诺时限".to_owned(), promise.clone()),
        ("咨询电话".to_owned(), receipt.consult_phone.clone()),
    ];
    let province = domain::case::exchange::number::shown(receipt.province_number.as_deref(), receipt.province_pending);
    if let Some(number) = &province {
        image_rows.insert(2, ("省平台办件编号".to_owned(), number.clone()));
    }
    if !receipt.parties.is_empty() {
        image_rows.insert(3, ("申请各方".to_owned(), domain::apply::submission::parties_line(&receipt.parties)));
    }
    let progress = progress_view(&receipt.notices);
    view! {
        <div class="notice notice--ok receipt-banner" role="status">
            <h1>"申请已提交"</h1>
            <p>"办件编号"</p>
            <p class="case-number">{receipt.case_number.clone()}</p>
        </div>
        <section class="receipt" aria-labelledby="receipt-title">
            <h2 id="receipt-title">"申请回执"</h2>
            <dl class="answers">
                <div>
                    <dt>"办件编号"</dt>
                    <dd class="case-number--small">{receipt.case_number.clone()}</dd>
                </div>
                <div>
                    <dt>"查询码"</dt>
                    <dd class="case-number--small">{receipt.query_code.clone()}</dd>
                </div>
                {province.clone().map(crate::components::fact::province_number_fact)}
                <div>
                    <dt>"申请事项"</dt>
                    <dd>{receipt.item_name.clone()}</dd>
                </div>
                <div>
                    <dt>{if receipt.parts.is_empty() { "办理部门" } else { "牵头部门" }}</dt>
                    <dd>{receipt.department.clone()}</dd>
                </div>
                {(!receipt.parts.is_empty())
                    .then(|| {
                        view! {
                            <div>
                                <dt>"各部门同时办理"</dt>
                                <dd>
                                    <ul class="plain-list">
                                        {receipt
                                            .parts
                                            .iter()
                                            .map(|p| {
                                                let number = domain::case::exchange::number::shown(
                                                        p.province_number.as_deref(),
                                                        p.province_pending,
                                                    )
                                                    .map(|n| format!("（省平台办件编号 {n}）"))
                                                    .unwrap_or_default();
                                                view! {
                                                    <li>{format!("{}：{}{number}", p.item_name, p.department)}</li>
                                                }
                                            })
                                            .collect_view()}
                                    </ul>
                                </dd>
                            </div>
                        }
                    })}
                {(!receipt.parties.is_empty())
                    .then(|| {
                        view! {
                            <div>
                                <dt>"申请各方"</dt>
                                <dd>{domain::apply::submission::parties_line(&receipt.parties)}</dd>
                            </div>
                        }
                    })}
                <div>
                    <dt>"提交时间"</dt>
                    <dd>{submitted}</dd>
                </div>
                <div>
                    <dt>"承诺时限"</dt>
                    <dd>{promise}</dd>
                </div>
                <div>
                    <dt>"咨询电话"</dt>
                    <dd>
                        <a href=phone>{receipt.consult_phone.clone()}</a>
                    </dd>
                </div>
            </dl>
            <p class="hint">
                "请记下办件编号和查询码（或截图、保存为图片、打印本页）。凭这两项可以查询办理进度；查询码只显示这一次，不要告诉别人。"
            </p>
            <figure class="receipt__qr">
                <img
                    src=format!("/api/cases/{}/rating-qr", receipt.case_number)
                    alt="二维码：用手机扫码查看办理进度、评价服务"
                    width="160"
                    height="160"
                />
                <figcaption>
                    "用手机扫码：查看办理进度、评价服务（还要输入查询码）"
                </figcaption>
            </figure>
            {(!receipt.later.is_empty())
                .then(|| {
                    view! {
                        <div class="notice notice--warn">
                            <p>
                                {format!(
                                    "您选择了容缺受理：请在受理后 {} 个工作日内补交 {} 项材料，逾期未补交的，本次申请终止。",
                                    receipt.later_due_days,
                                    receipt.later.len(),
                                )}
                            </p>
                        </div>
                    }
                })}
            <h2>"接下来会怎样"</h2>
            <ol class="steps">
                <li>
                    "工作人员审查您提交的材料。材料齐全的予以受理；需要补充的，会一次性告诉您要补什么。"
                </li>
                <li>{progress}</li>
                <li>"办结后按您选择的方式领取结果。"</li>
            </ol>
        </section>
        <div class="no-print receipt__actions">
            <a class="button" href=format!("/cases/{}", receipt.case_number)>
                "查看办理进度"
            </a>
            " "
            {if crate::shell::wechat::is_wechat() {
                view! { <ReceiptImage title="申请回执".to_owned() rows=image_rows /> }.into_any()
            } else {
                view! {
                    <button type="button" class="button button--secondary" on:click=print>
                        "打印回执"
                    </button>
                }
                    .into_any()
            }}
        </div>
        <p class="no-print">
            <a href="/">"返回首页"</a>
        </p>
    }
}

/// What the receipt promises about progress notices: only the channels the
/// server will really use for this case (a masked phone read as 尾号).
fn progress_view(notices: &[domain::apply::submission::ReceiptNotice]) -> AnyView {
    if notices.is_empty() {
        return "受理后开始计算承诺时限。请用办件编号和查询码查看办理进度。".into_any();
    }
    let ways = notices
        .iter()
        .enumerate()
        .map(|(i, n)| {
            let and = if i == 0 { "" } else { "，并" };
            match n.channel.as_str() {
                "sms" => view! {
                    {and}
                    "发短信到 "
                    <Masked shown=n.to.clone() />
                }
                .into_any(),
                "wechat" => format!("{and}发微信消息到{}", n.to).into_any(),
                _ => format!("{and}发邮件到 {}", n.to).into_any(),
            }
        })
        .collect_view();
    view! {
        "受理后开始计算承诺时限。办理进度会"
        {ways}
        "，也可以用办件编号和查询码查看。"
    }
    .into_any()
}
