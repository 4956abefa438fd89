//! The 公众号's access_token, shared by every instance. WeChat's
//! `/cgi-bin/stable_token` (not `/cgi-bin/token`) is used: asked in its normal
//! mode it hands every caller the same token while that is valid, so two
//! instances asking at once do not make each other's token invalid. The token
//! is kept sealed in the database until a minute before it expires; an
//! instance WeChat tells "invalid" forgets only the token it used.

use serde::Deserialize;
use sqlx::Row;

use crate::AppState;
use crate::at_rest::column::Column;
use crate::notify::Failure;
use crate::notify::wechat::config::{Answer, WechatNotices};

/// A token this close to its end is not used: a new one is asked for.
const MARGIN_SECS: i64 = 60;

/// What `/cgi-bin/stable_token` answers.
#[derive(Deserialize)]
struct Issued {
    #[serde(default)]
    access_token: Option<String>,
    #[serde(default)]
    expires_in: i64,
    #[serde(flatten)]
    refusal: Answer,
}

/// A token good for another minute: the one kept, or a new one from WeChat.
pub async fn current(state: &AppState, wechat: &WechatNotices, client: &reqwest::Client) -> Result<String, Failure> {
    if let Some(kept) = kept(state, wechat).await.map_err(|e| Failure::retry(format!("读不出微信凭证：{e}")))? {
        return Ok(kept);
    }
    let answer = client
        .post(format!("{}/cgi-bin/stable_token", wechat.api_url))
        .header("Content-Type", "application/json")
        .body(
            serde_json::json!({
                "grant_type": "client_credential",
                "appid": wechat.appid,
                "secret": wechat.secret.expose(),
                "force_refresh": false,
            })
            .to_string(),
        )
        .send()
        .await
        .map_err(|e| Failure::retry(if e.is_timeout() { "微信接口超时" } else { "连不上微信接口" }))?;
    let bytes = answer.bytes().await.map_err(|_| Failure::retry("微信没有发放 access_token"))?;
    let issued: Issued = serde_json::from_slice(&bytes).map_err(|_| Failure::retry("微信没有发放 access_token"))?;
    let Some(token) = issued.access_token.filter(|t| !t.is_empty()) else {
        let Answer { errcode, errmsg, .. } = issued.refusal;
        // A wrong AppSecret, or this server's address not on the 公众号's IP whitelist (40164): the centre's to fix.
        return Err(Failure::retry(format!(
            "微信拒绝发放 access_token（{errcode} {errmsg}），请检查公众号的 AppID、AppSecret 和 IP 白名单"
        )));
    };
    keep(state, wechat, &token, issued.expires_in).await.map_err(|e| Failure::retry(format!("存不下微信凭证：{e}")))?;
    Ok(token)
}

async fn kept(state: &AppState, wechat: &WechatNotices) -> anyhow::Result<Option<String>> {
    let row = sqlx::query("SELECT token FROM wechat_tokens WHERE appid = $1 AND expires_at > $2")
        .bind(&wechat.appid)
        .bind(crate::db::unix_now() + MARGIN_SECS)
        .fetch_optional(&state.db)
        .await?;
    let Some(row) = row else { return Ok(None) };
    Ok(Some(state.keys.open(Column::WechatToken, &wechat.appid, &row.try_get::<String, _>("token")?)?))
}

async fn keep(state: &AppState, wechat: &WechatNotices, token: &str, expires_in: i64) -> anyhow::Result<()> {
    sqlx::query(
        "INSERT INTO wechat_tokens (appid, token, token_hash, expires_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (appid) DO UPDATE SET token = excluded.token, token_hash = excluded.token_hash, \
         expires_at = excluded.expires_at",
    )
    .bind(&wechat.appid)
    .bind(state.keys.seal(Column::WechatToken, &wechat.appid, token)?)
    .bind(crate::secret::sha256_hex(token.as_bytes()))
    .bind(crate::db::unix_now() + expires_in.clamp(0, 7200))
    .execute(&state.db)
    .await?;
    Ok(())
}

/// Forget `token` if it is still the one kept (another instance may have a newer one already).
pub async fn forget(state: &AppState, wechat: &WechatNotices, token: &str) {
    let forgotten = sqlx::query("DELETE FROM wechat_tokens WHERE appid = $1 AND token_hash = $2")
        .bind(&wechat.appid)
        .bind(crate::secret::sha256_hex(token.as_bytes()))
        .execute(&state.db)
        .await;
    if let Err(error) = forgotten {
        tracing::warn!(%error, "could not forget a WeChat token WeChat refused");
    }
}
