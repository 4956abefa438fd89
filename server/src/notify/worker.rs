//! The delivery worker every instance runs: it plans the reminders, claims
//! due outbox rows with a lease (one conditional update, so exactly one
//! instance delivers each), sends each by its channel, records every attempt,
//! backs off exponentially and marks a row dead after the last attempt.

use std::sync::Arc;
use std::time::Duration;

use sqlx::Row;

use crate::AppState;
use crate::db::{now_rfc3339, rfc3339_in, unix_now};
use crate::notify::{Channel, Failure};

/// How long a claimed row is the claimer's: far longer than one delivery's timeout.
const LEASE_SECS: i64 = 60;
const DELIVERY_TIMEOUT: Duration = Duration::from_secs(10);

/// How often reminders are planned (deliveries are looked for every poll).
const PLAN_EVERY: Duration = Duration::from_secs(60);

/// The delivery worker, polling every `poll`.
pub fn spawn(state: Arc<AppState>) {
    let poll = Duration::from_millis(state.notify.outbox_poll_ms.max(10));
    tokio::spawn(async move {
        let client = match reqwest::Client::builder()
            .timeout(DELIVERY_TIMEOUT)
            // A redirect is a failure: the signed body goes to the configured address only.
            .redirect(reqwest::redirect::Policy::none())
            .build()
        {
            Ok(client) => client,
            Err(error) => {
                tracing::error!(%error, "no HTTP client: notifications stay in the outbox");
                return;
            }
        };
        let mut tick = tokio::time::interval(poll);
        let mut planned_at: Option<tokio::time::Instant> = None;
        loop {
            tick.tick().await;
            if planned_at.is_none_or(|at| at.elapsed() >= PLAN_EVERY.min(poll * 20)) {
                planned_at = Some(tokio::time::Instant::now());
                if let Err(error) = crate::notify::reminders::plan(&state).await {
                    tracing::warn!(%error, "planning reminders failed; trying again");
                }
            }
            if let Err(error) = deliver_due(&state, &client).await {
                tracing::warn!(%error, "outbox delivery failed; trying again");
            }
        }
    });
}

/// Deliver every due row this worker can claim; how many it delivered.
pub async fn deliver_due(state: &AppState, client: &reqwest::Client) -> anyhow::Result<usize> {
    let now = now_rfc3339();
    let due = sqlx::query(
        "SELECT id FROM outbox WHERE state = 'pending' AND next_at <= $1 \
         AND (lease_until IS NULL OR lease_until < $1) ORDER BY next_at LIMIT 20",
    )
    .bind(&now)
    .fetch_all(&state.db)
    .await?;
    let mut delivered = 0;
    for row in due {
        let id: String = row.try_get("id")?;
        // The claim: whoever sets the lease first delivers; the others see no row changed.
        let claimed = sqlx::query(
            "UPDATE outbox SET lease_until = $1, attempts = attempts + 1 WHERE id = $2 AND state = 'pending' \
             AND (lease_until IS NULL OR lease_until < $3)",
        )
        .bind(rfc3339_in(LEASE_SECS))
        .bind(&id)
        .bind(&now)
        .execute(&state.db)
        .await?;
        if claimed.rows_affected() == 1 && deliver_one(state, client, &id).await? {
            delivered += 1;
        }
    }
    Ok(delivered)
}

/// Send one claimed row and record how it went.
async fn deliver_one(state: &AppState, client: &reqwest::Client, id: &str) -> anyhow::Result<bool> {
    let row = sqlx::query("SELECT channel, recipient, payload, attempts FROM outbox WHERE id = $1")
        .bind(id)
        .fetch_one(&state.db)
        .await?;
    let (channel, recipient, attempts): (String, String, i64) =
        (row.try_get("channel")?, row.try_get("recipient")?, row.try_get("attempts")?);
    let payload =
        state.keys.open(crate::at_rest::column::Column::OutboxPayload, id, &row.try_get::<String, _>("payload")?)?;
    let result = send(state, client, &channel, &recipient, id, &payload).await;
    let now = now_rfc3339();
    let noted = match &result {
        Ok(status) => format!("ok {status}"),
        Err(failure) => format!("failed {}", failure.why),
    };
    // Numbered after every earlier attempt, so a row sent again after `outbox retry`
    // (which starts its count again) keeps its whole history.
    sqlx::query(
        "INSERT INTO outbox_attempts (outbox_id, attempt, at, result) \
         VALUES ($1, (SELECT COALESCE(MAX(attempt), 0) + 1 FROM outbox_attempts WHERE outbox_id = $1), $2, $3)",
    )
    .bind(id)
    .bind(&now)
    .bind(&noted)
    .execute(&state.db)
    .await?;
    match result {
        Ok(_) => {
            sqlx::query(
                "UPDATE outbox SET state = 'done', done_at = $1, lease_until = NULL, last_error = NULL WHERE id = $2",
            )
            .bind(&now)
            .bind(id)
            .execute(&state.db)
            .await?;
            tracing::info!(event = id, attempts, "notification delivered");
            Ok(true)
        }
        Err(failure) => {
            // A refusal that no retry can change (a template the provider refused) is dead at once.
            let dead = !failure.retry || attempts >= i64::from(state.notify.outbox_attempts);
            let wait = backoff(state.notify.outbox_retry_secs, attempts);
            sqlx::query(
                "UPDATE outbox SET state = $1, next_at = $2, lease_until = NULL, last_error = $3 WHERE id = $4",
            )
            .bind(if dead { "dead" } else { "pending" })
            .bind(rfc3339_in(wait))
            .bind(&failure.why)
            .bind(id)
            .execute(&state.db)
            .await?;
            tracing::warn!(event = id, attempts, dead, "notification not delivered");
            Ok(false)
        }
    }
}

/// Deliver one notification by its channel: what the peer answered, or why it did not take it.
async fn send(
    state: &AppState,
    client: &reqwest::Client,
    channel: &str,
    recipient: &str,
    id: &str,
    payload: &str,
) -> Result<String, Failure> {
    let Some(channel) = Channel::parse(channel) else {
        return Err(Failure::permanent(format!("未知的发送渠道 {channel}")));
    };
    match channel {
        Channel::Email => {
            let mail: serde_json::Value =
                serde_json::from_str(payload).map_err(|_| Failure::permanent("内容无法读取"))?;
            let text = |key: &str| mail[key].as_str().unwrap_or_default().to_owned();
            crate::notify::email::send(&state.notify, &text("to"), &text("subject"), &text("body"))
                .await
                .map(|()| "250".to_owned())
                .map_err(Failure::retry)
        }
        Channel::Sms => {
            let provider = state.sms.as_ref().ok_or_else(|| Failure::retry("短信服务已不在配置中"))?;
            let sms: serde_json::Value =
                serde_json::from_str(payload).map_err(|_| Failure::permanent("内容无法读取"))?;
            let params: Vec<(String, String)> = serde_json::from_value(sms["params"].clone()).unwrap_or_default();
            let (to, template) = (sms["to"].as_str().unwrap_or_default(), sms["template"].as_str().unwrap_or_default());
            provider.send(client, to, template, &params).await
        }
        Channel::Province => {
            let exchange = state.exchange.as_ref().ok_or_else(|| Failure::retry("向省里上报已不在配置中"))?;
            exchange.deliver(&state.db, client, id, payload).await
        }
        Channel::Wechat => {
            let wechat = state.wechat.as_ref().ok_or_else(|| Failure::retry("微信消息已不在配置中"))?;
            wechat.send(state, client, payload).await
        }
        Channel::Webhook => {
            let hook = state.webhooks.of(recipient).ok_or_else(|| Failure::retry("这个部门的 webhook 已不在配置中"))?;
            let sent = client
                .post(&hook.url)
                .header("Content-Type", "application/json")
                .header("Bianmin-Event-Id", id)
                .header(
                    "Bianmin-Signature",
                    crate::notify::webhook::signature(&hook.secret, unix_now(), payload.as_bytes()),
                )
                .body(payload.to_owned())
                .send()
                .await;
            match sent {
                Ok(response) if response.status().is_success() => Ok(response.status().as_u16().to_string()),
                Ok(response) => Err(Failure::retry(format!("HTTP {}", response.status().as_u16()))),
                Err(error) => Err(Failure::retry(if error.is_timeout() { "超时" } else { "连接失败" })),
            }
        }
    }
}

/// Seconds before retry number `attempts` + 1: `base`, doubling, at most an hour.
pub fn backoff(base: u64, attempts: i64) -> i64 {
    let factor = 1u64 << attempts.clamp(1, 20).saturating_sub(1);
    i64::try_from(base.saturating_mul(factor).min(3600)).unwrap_or(3600)
}

#[cfg(test)]
mod tests {
    #[test]
    fn retries_back_off_exponentially_up_to_an_hour() {
        let waits: Vec<i64> = (1..=9).map(|n| super::backoff(30, n)).collect();
        assert_eq!(waits, [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]);
    }
}
