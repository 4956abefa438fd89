//! The transactional outbox (migration 0010). A case event writes its
//! notifications in its own transaction ([`enqueue_case_event`]); the worker
//! ([`spawn`]) delivers what is due, records every attempt, retries with
//! exponential back-off and marks a notification dead after the last attempt.
//! A worker claims a row with one conditional update that sets its lease, so
//! any number of instances (PostgreSQL or SQLite) deliver each row once; a
//! lease left by a crashed worker runs out and the row is tried again.
//!
//! The channels: the departments' webhooks (every case event; the payload
//! names the case, never the applicant), and the applicant's email and SMS
//! ([`enqueue_notice`]); reminders to both are planned from the working-day
//! calendar ([`reminders`]).

use std::sync::Arc;
use std::time::Duration;

use domain::case::Status;
use serde::Serialize;
use sqlx::Row;

use domain::apply::submission::ReceiptNotice;

use crate::AppState;
use crate::db::{now_rfc3339, rfc3339_in, unix_now};
use crate::error::ApiError;
use crate::sms::Failure;

pub mod reminders;

/// How long a claimed row is the claimer's: far longer than one delivery's timeout.
const LEASE_SECS: i64 = 60;
const DELIVERY_TIMEOUT: Duration = Duration::from_secs(10);

/// What a department's system receives for one case event.
#[derive(Clone, Debug, Serialize, serde::Deserialize, PartialEq)]
pub struct CaseEventBody {
    /// The event id: the same for every retry of this event.
    pub id: String,
    /// `case.submit`, `case.accept`, `case.request_supplement`, …
    #[serde(rename = "type")]
    pub kind: String,
    pub case_number: String,
    /// A part of a joint case: the whole's number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub joint_number: Option<String>,
    pub department: String,
    pub item_code: String,
    pub status: Status,
    /// RFC 3339, UTC.
    pub at: String,
}

/// One case event's facts, as the transaction that records it knows them.
pub struct CaseEvent<'a> {
    pub case_number: &'a str,
    pub joint_number: Option<&'a str>,
    pub department: &'a str,
    pub item_code: &'a str,
    pub action: &'a str,
    pub status: Status,
    pub at: &'a str,
}

/// Write the notifications of one case event, inside its transaction: a
/// webhook to the department when it has one.
pub async fn enqueue_case_event(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    state: &AppState,
    event: CaseEvent<'_>,
) -> Result<(), ApiError> {
    if state.webhooks.of(event.department).is_none() {
        return Ok(());
    }
    let id = format!("evt_{}", crate::secret::random_reference(16)?.replace('-', "").to_lowercase());
    let body = CaseEventBody {
        id: id.clone(),
        kind: format!("case.{}", event.action),
        case_number: event.case_number.to_owned(),
        joint_number: event.joint_number.map(str::to_owned),
        department: event.department.to_owned(),
        item_code: event.item_code.to_owned(),
        status: event.status,
        at: event.at.to_owned(),
    };
    let payload = serde_json::to_string(&body).map_err(|e| ApiError::Internal(e.into()))?;
    sqlx::query(
        "INSERT INTO outbox (id, case_number, channel, recipient, event, payload, state, attempts, next_at, created_at) \
         VALUES ($1, $2, 'webhook', $3, $4, $5, 'pending', 0, $6, $6)",
    )
    .bind(&id)
    .bind(event.case_number)
    .bind(event.department)
    .bind(&body.kind)
    .bind(state.keys.seal("outbox.payload", &payload)?)
    .bind(event.at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Who is told of a case's events, and what every notice names.
pub struct NoticeTo<'a> {
    pub case_number: &'a str,
    /// The application as submitted: its email, its SMS choice and phone, its delivery.
    pub application: &'a domain::apply::submission::Submission,
    /// The item's or the bundle's name.
    pub title: &'a str,
    /// How the result is collected.
    pub collect: domain::case::notices::Collection,
}

/// Where an application's notices go besides the status page, masked: SMS to
/// the form's mobile number when the centre has a provider and the applicant
/// did not turn it off; email when the applicant gave an address and the
/// centre has a mail server.
pub fn channels(state: &AppState, application: &domain::apply::submission::Submission) -> Vec<ReceiptNotice> {
    use domain::apply::identity;
    let mut out = Vec::new();
    let phone = application.form.notice_phone();
    if state.sms.is_some() && application.sms && identity::check_mobile(phone).is_ok() {
        out.push(ReceiptNotice { channel: "sms".to_owned(), to: identity::mask_mobile(phone) });
    }
    let email = application.email.trim();
    if !email.is_empty() && crate::mail::configured(&state.notify) {
        out.push(ReceiptNotice { channel: "email".to_owned(), to: identity::mask_email(email) });
    }
    out
}

/// Write the applicant's notices of one case event, inside its transaction:
/// one row per channel ([`channels`]; SMS only for events with a registered
/// template). `id` names a planned notice (a reminder), so it is written once;
/// `None` for a case event's own. How many rows were written.
pub async fn enqueue_notice(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    state: &AppState,
    to: &NoticeTo<'_>,
    event: &domain::case::notices::NoticeEvent,
    id: Option<&str>,
) -> Result<usize, ApiError> {
    let mut written = 0;
    let status_url = format!("{}/cases/{}", state.notify.public_url.trim_end_matches('/'), to.case_number);
    for channel in channels(state, to.application) {
        let payload = match channel.channel.as_str() {
            "sms" => {
                let Some(template) = state.sms.as_ref().and_then(|p| p.template_id(event.name())) else { continue };
                let context = domain::case::sms::SmsContext {
                    item_name: to.title,
                    case_number: to.case_number,
                    collect: &to.collect.short,
                };
                let message = domain::case::sms::sms(event, &context);
                let phone = domain::apply::identity::normalise_mobile(to.application.form.notice_phone());
                serde_json::json!({"to": phone, "template": template, "params": message.params}).to_string()
            }
            _ => {
                let context = domain::case::notices::NoticeContext {
                    centre: &state.notify.centre_name,
                    item_name: to.title,
                    case_number: to.case_number,
                    status_url: &status_url,
                    collect: &to.collect.text,
                };
                let notice = domain::case::notices::notice(event, &context);
                let email = to.application.email.trim();
                serde_json::json!({"to": email, "subject": notice.subject, "body": notice.body}).to_string()
            }
        };
        let row_id = match id {
            Some(id) => format!("{id}_{}", channel.channel),
            None => format!("ntc_{}", crate::secret::random_reference(16)?.replace('-', "").to_lowercase()),
        };
        let now = now_rfc3339();
        let inserted = sqlx::query(
            "INSERT INTO outbox (id, case_number, channel, recipient, event, payload, state, attempts, next_at, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, 'pending', 0, $7, $7) ON CONFLICT (id) DO NOTHING",
        )
        .bind(&row_id)
        .bind(to.case_number)
        .bind(&channel.channel)
        .bind(&channel.to)
        .bind(format!("notice.{}", event.name()))
        .bind(state.keys.seal("outbox.payload", &payload)?)
        .bind(&now)
        .execute(&mut **tx)
        .await?;
        written += usize::try_from(inserted.rows_affected()).unwrap_or(0);
    }
    Ok(written)
}

/// How often reminders are planned (deliveries are looked for every poll).
const PLAN_EVERY: Duration = Duration::from_secs(60);

/// The delivery worker, polling every `poll`.
pub fn spawn(state: Arc<AppState>) {
    let poll = Duration::from_millis(state.notify.outbox_poll_ms.max(10));
    tokio::spawn(async move {
        let client = match reqwest::Client::builder().timeout(DELIVERY_TIMEOUT).build() {
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
                if let Err(error) = reminders::plan(&state).await {
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
    let payload = state.keys.open("outbox.payload", &row.try_get::<String, _>("payload")?)?;
    let result = send(state, client, &channel, &recipient, id, &payload).await;
    let now = now_rfc3339();
    let noted = match &result {
        Ok(status) => format!("ok {status}"),
        Err(failure) => format!("failed {}", failure.why),
    };
    sqlx::query("INSERT INTO outbox_attempts (outbox_id, attempt, at, result) VALUES ($1, $2, $3, $4)")
        .bind(id)
        .bind(attempts)
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
    match channel {
        "email" => {
            let mail: serde_json::Value =
                serde_json::from_str(payload).map_err(|_| Failure::permanent("内容无法读取"))?;
            let text = |key: &str| mail[key].as_str().unwrap_or_default().to_owned();
            crate::mail::send(&state.notify, &text("to"), &text("subject"), &text("body"))
                .await
                .map(|()| "250".to_owned())
                .map_err(Failure::retry)
        }
        "sms" => {
            let provider = state.sms.as_ref().ok_or_else(|| Failure::retry("短信服务已不在配置中"))?;
            let sms: serde_json::Value =
                serde_json::from_str(payload).map_err(|_| Failure::permanent("内容无法读取"))?;
            let params: Vec<(String, String)> = serde_json::from_value(sms["params"].clone()).unwrap_or_default();
            let (to, template) = (sms["to"].as_str().unwrap_or_default(), sms["template"].as_str().unwrap_or_default());
            provider.send(client, to, template, &params).await
        }
        _ => {
            let hook = state.webhooks.of(recipient).ok_or_else(|| Failure::retry("这个部门的 webhook 已不在配置中"))?;
            let sent = client
                .post(&hook.url)
                .header("Content-Type", "application/json")
                .header("Bianmin-Event-Id", id)
                .header("Bianmin-Signature", crate::webhooks::signature(&hook.secret, unix_now(), payload.as_bytes()))
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

/// What was sent about one case, oldest first, for the staff's view.
pub async fn of_case(
    db: &sqlx::AnyPool,
    case_number: &str,
) -> Result<Vec<domain::case::view::NotificationView>, ApiError> {
    let rows = sqlx::query(
        "SELECT channel, recipient, event, state, attempts, created_at, done_at, last_error FROM outbox \
         WHERE case_number = $1 ORDER BY created_at",
    )
    .bind(case_number)
    .fetch_all(db)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(domain::case::view::NotificationView {
                channel: r.try_get("channel")?,
                recipient: r.try_get("recipient")?,
                event: r.try_get("event")?,
                state: r.try_get("state")?,
                attempts: u32::try_from(r.try_get::<i64, _>("attempts")?).unwrap_or(0),
                created_at: r.try_get("created_at")?,
                done_at: r.try_get("done_at")?,
                last_error: r.try_get("last_error")?,
            })
        })
        .collect()
}

/// One row for `bianmin outbox`.
#[derive(Debug)]
pub struct Entry {
    pub id: String,
    pub case_number: String,
    pub channel: String,
    pub recipient: String,
    pub event: String,
    pub state: String,
    pub attempts: i64,
    pub next_at: String,
    pub last_error: Option<String>,
}

/// Undelivered (pending) and dead notifications, oldest first.
pub async fn undelivered(db: &sqlx::AnyPool) -> anyhow::Result<Vec<Entry>> {
    let rows = sqlx::query(
        "SELECT id, case_number, channel, recipient, event, state, attempts, next_at, last_error FROM outbox \
         WHERE state <> 'done' ORDER BY created_at",
    )
    .fetch_all(db)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Entry {
                id: r.try_get("id")?,
                case_number: r.try_get("case_number")?,
                channel: r.try_get("channel")?,
                recipient: r.try_get("recipient")?,
                event: r.try_get("event")?,
                state: r.try_get("state")?,
                attempts: r.try_get("attempts")?,
                next_at: r.try_get("next_at")?,
                last_error: r.try_get("last_error")?,
            })
        })
        .collect()
}

/// Send dead notifications (or the one with `id`) again, from the first attempt; how many.
pub async fn retry(db: &sqlx::AnyPool, id: Option<&str>) -> anyhow::Result<u64> {
    let done = sqlx::query(
        "UPDATE outbox SET state = 'pending', attempts = 0, next_at = $1, lease_until = NULL \
         WHERE state = 'dead' AND ($2 = '' OR id = $2)",
    )
    .bind(now_rfc3339())
    .bind(id.unwrap_or(""))
    .execute(db)
    .await?;
    Ok(done.rows_affected())
}

#[cfg(test)]
mod tests {
    #[test]
    fn retries_back_off_exponentially_up_to_an_hour() {
        let waits: Vec<i64> = (1..=9).map(|n| super::backoff(30, n)).collect();
        assert_eq!(waits, [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]);
    }
}
