//! Where "开始网上申请" leads until online application opens for this item.

use leptos::prelude::*;

use crate::shell::set_title;
use crate::subject::Kind;

#[component]
pub fn ApplySoon(kind: Kind, code: String) -> impl IntoView {
    set_title("网上申请");
    let guide = kind.base(&code);
    view! {
        <p class="back">
            <a href=guide.clone()>"返回办事指南"</a>
        </p>
        <h1>"网上申请"</h1>
        <p>"本事项的网上申请功能正在开通中。"</p>
        <p>
            "您现在可以按办事指南准备好材料，在办理时间内到办理地点的窗口提交；有疑问请拨打指南中的咨询电话。"
        </p>
        <p>
            <a href=guide class="button">
                "查看办事指南和材料清单"
            </a>
        </p>
    }
}
