//! Sending one notice: `POST /cgi-bin/message/template/send` with the shared
//! access token, and WeChat's `errcode` read as the outbox needs it.

use crate::AppState;
use crate::notify::Failure;
use crate::notify::wechat::config::{Answer, WechatNotices};
use crate::notify::wechat::token;

impl WechatNotices {
    /// Send one notice's body; WeChat's message id when it took it. A token
    /// WeChat no longer takes is forgotten and a fresh one tried, once.
    pub async fn send(&self, state: &AppState, client: &reqwest::Client, body: &str) -> Result<String, Failure> {
        let used = token::current(state, self, client).await?;
        match self.post(client, &used, body).await? {
            Posted::Taken(id) => Ok(id),
            Posted::TokenRefused(code) => {
                token::forget(state, self, &used).await;
                let fresh = token::current(state, self, client).await?;
                match self.post(client, &fresh, body).await? {
                    Posted::Taken(id) => Ok(id),
                    Posted::TokenRefused(again) => {
                        Err(Failure::retry(format!("微信不接受刚取得的 access_token（{code}，{again}）")))
                    }
                }
            }
        }
    }

    async fn post(&self, client: &reqwest::Client, access_token: &str, body: &str) -> Result<Posted, Failure> {
        let answer = client
            .post(format!("{}/cgi-bin/message/template/send", self.api_url))
            .query(&[("access_token", access_token)])
            .header("Content-Type", "application/json")
            .body(body.to_owned())
            .send()
            .await
            .map_err(|e| Failure::retry(if e.is_timeout() { "微信接口超时" } else { "连不上微信接口" }))?;
        let status = answer.status().as_u16();
        let unread = || Failure::retry(format!("微信接口没有给出结果（HTTP {status}）"));
        let bytes = answer.bytes().await.map_err(|_| unread())?;
        verdict(serde_json::from_slice(&bytes).map_err(|_| unread())?)
    }
}

enum Posted {
    Taken(String),
    /// The token is invalid (40001, 40014) or expired (42001): WeChat's code.
    TokenRefused(i64),
}

/// WeChat's `errcode` read as the outbox needs it: sent, a token to renew,
/// a refusal no retry changes, or a failure to try again later.
fn verdict(answer: Answer) -> Result<Posted, Failure> {
    let Answer { errcode, errmsg, msgid } = answer;
    let permanent = |why: &str| Err(Failure::permanent(format!("{why}（{errcode}）")));
    match errcode {
        0 => Ok(Posted::Taken(msgid.map(|m| m.to_string()).unwrap_or_default())),
        40001 | 40014 | 42001 => Ok(Posted::TokenRefused(errcode)),
        43004 => permanent("收件人没有关注本中心的公众号，微信不能发给他"),
        43101 => permanent("收件人拒收本中心公众号的消息"),
        40003 => permanent("收件人的 openid 不属于本中心的公众号"),
        40037 => permanent("模板消息的 template_id 不对，请检查 BIANMIN_WECHAT_TEMPLATE_ID"),
        47003 => permanent(&format!("模板消息的字段不对，请检查 BIANMIN_WECHAT_TEMPLATE_FIELDS：{errmsg}")),
        // -1 busy, 45009 the day's quota, anything else: later.
        _ => Err(Failure::retry(format!("微信暂时没有发送（{errcode} {errmsg}）"))),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_refusal_no_retry_changes_is_permanent_and_a_busy_wechat_retried() {
        let answer = |errcode: i64| crate::notify::wechat::config::Answer { errcode, errmsg: "x".into(), msgid: None };
        assert!(!super::verdict(answer(43004)).err().unwrap().retry);
        assert!(super::verdict(answer(-1)).err().unwrap().retry);
        assert!(super::verdict(answer(45009)).err().unwrap().retry);
        assert!(matches!(super::verdict(answer(42001)), Ok(super::Posted::TokenRefused(42001))));
    }
}
