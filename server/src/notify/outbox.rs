//! The transactional outbox (migration 0010). A case event writes its
//! notifications in its own transaction ([`enqueue_case_event`]); the worker
//! (`notify::worker`) delivers what is due, records every attempt, retries with
//! exponential back-off and marks a notification dead after the last attempt.
//! A worker claims a row with one conditional update that sets its lease, so
//! any number of instances (PostgreSQL or SQLite) deliver each row once; a
//! lease left by a crashed worker runs out and the row is tried again.
//!
//! The channels: the departments' webhooks (every case event; the payload
//! names the case, never the applicant), and the applicant's email, SMS and
//! WeChat ([`enqueue_notice`]); reminders to both are planned from the working-day
//! calendar ([`reminders`]).

use domain::case::Status;
use serde::Serialize;
use sqlx::Row;

use domain::apply::submission::{ReceiptNotice, ReceiptParty};

use crate::AppState;
use crate::db::now_rfc3339;
use crate::error::ApiError;
use crate::notify::Channel;

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
pub struct EventFacts<'a> {
    pub case_number: &'a str,
    pub joint_number: Option<&'a str>,
    pub department: &'a str,
    pub item_code: &'a str,
    pub event: domain::case::event::CaseEvent,
    pub status: Status,
    pub at: &'a str,
}

/// Write the notifications of one case event, inside its transaction: a
/// webhook to the department when it has one.
pub async fn enqueue_case_event(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    state: &AppState,
    event: EventFacts<'_>,
) -> Result<(), ApiError> {
    let Some(kind) = event.event.webhook_type() else { return Ok(()) };
    if state.webhooks.of(event.department).is_none() {
        return Ok(());
    }
    let id = format!("evt_{}", crate::secret::random_reference(16)?.replace('-', "").to_lowercase());
    let body = CaseEventBody {
        id: id.clone(),
        kind: kind.to_owned(),
        case_number: event.case_number.to_owned(),
        joint_number: event.joint_number.map(str::to_owned),
        department: event.department.to_owned(),
        item_code: event.item_code.to_owned(),
        status: event.status,
        at: event.at.to_owned(),
    };
    let payload = serde_json::to_string(&body).map_err(|e| ApiError::Internal(e.into()))?;
    let row = OutboxRow {
        id: &id,
        case_number: event.case_number,
        channel: Channel::Webhook,
        recipient: event.department,
        recipient_key: None,
        event: &body.kind,
        sealed_payload: state.keys.seal(crate::at_rest::column::Column::OutboxPayload, &id, &payload)?,
        at: event.at,
    };
    insert(&mut **tx, row).await?;
    Ok(())
}

/// One notification as the outbox keeps it (its payload already sealed).
pub struct OutboxRow<'a> {
    /// Names the notification: a planned one (a reminder) is written once by it.
    pub id: &'a str,
    pub case_number: &'a str,
    pub channel: Channel,
    /// Masked for people, or the department's name for a webhook.
    pub recipient: &'a str,
    /// The person's keyed hash (phone or email), for the daily caps; none for a department.
    pub recipient_key: Option<String>,
    pub event: &'a str,
    pub sealed_payload: String,
    /// When it was written, and is first due.
    pub at: &'a str,
}

/// Write one notification, pending from its time; how many rows were written
/// (0: one with that id was there already).
pub async fn insert<'e, E: sqlx::Executor<'e, Database = sqlx::Any>>(
    executor: E,
    row: OutboxRow<'_>,
) -> Result<u64, sqlx::Error> {
    let done = sqlx::query(
        "INSERT INTO outbox (id, case_number, channel, recipient, event, payload, state, attempts, next_at, created_at, \
         recipient_key) VALUES ($1, $2, $3, $4, $5, $6, 'pending', 0, $7, $7, $8) ON CONFLICT (id) DO NOTHING",
    )
    .bind(row.id)
    .bind(row.case_number)
    .bind(row.channel.as_str())
    .bind(row.recipient)
    .bind(row.event)
    .bind(row.sealed_payload)
    .bind(row.at)
    .bind(row.recipient_key)
    .execute(executor)
    .await?;
    Ok(done.rows_affected())
}

/// Who is told of a case's events, and what every notice names.
pub struct NoticeTo<'a> {
    pub case_number: &'a str,
    /// The application as submitted: its email, its SMS choice and phone, its delivery.
    pub application: &'a domain::apply::submission::Submission,
    /// The item's or the bundle's name.
    pub title: &'a str,
    /// The item's or the bundle's code: what the application is for.
    pub code: &'a str,
    /// How the result is collected.
    pub collect: domain::case::notices::Collection,
}

/// Where an application's notices go besides the status page, masked: SMS to
/// the form's mobile number when the centre has a provider and the applicant
/// did not turn it off; email when the applicant gave an address and the
/// centre has a mail server; WeChat when the applicant signed in with WeChat
/// and the centre has a 模板消息 template.
pub fn channels(
    state: &AppState,
    application: &domain::apply::submission::Submission,
    signed_in: Option<&domain::account::identity::Identity>,
) -> Vec<ReceiptNotice> {
    let mut out: Vec<ReceiptNotice> = applicant_channels(state, application)
        .into_iter()
        .map(|(channel, to, _)| ReceiptNotice { channel: channel.as_str().to_owned(), to })
        .collect();
    if state.wechat.is_some() && signed_in.and_then(|i| i.wechat_openid()).is_some() {
        out.push(ReceiptNotice { channel: Channel::Wechat.as_str().to_owned(), to: WECHAT_RECIPIENT.to_owned() });
    }
    out
}

/// How a WeChat recipient is shown (an openid means nothing to a person).
const WECHAT_RECIPIENT: &str = "您登录的微信";

/// [`channels`], typed: each channel with its masked recipient and the address itself.
fn applicant_channels<'a>(
    state: &AppState,
    application: &'a domain::apply::submission::Submission,
) -> Vec<(Channel, String, &'a str)> {
    use domain::apply::identity;
    let mut out = Vec::new();
    let phone = application.form.notice_phone();
    if state.sms.is_some() && application.sms && identity::check_mobile(phone).is_ok() {
        out.push((Channel::Sms, identity::mask_mobile(phone), phone));
    }
    let email = application.email.trim();
    if !email.is_empty() && crate::notify::email::configured(&state.notify) {
        out.push((Channel::Email, identity::mask_email(email), email));
    }
    out
}

/// Write the applicant's notices of one case event, inside its transaction:
/// one row per channel ([`channels`]; SMS only for events with a registered
/// template), and one per WeChat account the case is bound to. `id` names a planned notice (a reminder), so it is written once;
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
    let parties: Vec<ReceiptParty> = state
        .catalog
        .applying(to.code)
        .map(|a| a.named_parties(&to.application.form).iter().map(ReceiptParty::from_named).collect())
        .unwrap_or_default();
    let parties = domain::apply::submission::parties_line(&parties);
    let province_number = crate::case::province_number::number(tx, to.case_number).await?;
    let mut messages: Vec<(Channel, String, String, String)> = Vec::new();
    for (channel, recipient, address) in applicant_channels(state, to.application) {
        let payload = match channel {
            Channel::Sms => {
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
            // Webhooks are the departments' (`enqueue_case_event`), records the province's
            // (`crate::exchange`); WeChat's are below.
            Channel::Webhook | Channel::Province | Channel::Wechat => continue,
            Channel::Email => {
                let context = domain::case::notices::NoticeContext {
                    centre: &state.notify.centre_name,
                    item_name: to.title,
                    case_number: to.case_number,
                    province_number: province_number.as_deref(),
                    status_url: &status_url,
                    collect: &to.collect.text,
                    parties: &parties,
                };
                let notice = domain::case::notices::notice(event, &context);
                let email = to.application.email.trim();
                serde_json::json!({"to": email, "subject": notice.subject, "body": notice.body}).to_string()
            }
        };
        messages.push((channel, recipient, address.to_owned(), payload));
    }
    if let Some(wechat) = &state.wechat {
        let now = now_rfc3339();
        let at = domain::time::date::beijing_time(&now).unwrap_or_default();
        let context = domain::case::wechat::WechatContext { item_name: to.title, case_number: to.case_number, at: &at };
        let facts = domain::case::wechat::message(event, &context);
        for openid in crate::account::owners::wechat_of(tx, state, to.case_number).await? {
            let body = wechat.body(&openid, &status_url, &facts);
            messages.push((Channel::Wechat, WECHAT_RECIPIENT.to_owned(), openid, body));
        }
    }
    for (n, (channel, recipient, address, payload)) in messages.iter().enumerate() {
        let (channel, recipient, address, payload) = (*channel, recipient, address, payload);
        // The second WeChat account of one case (two people claimed it) is its own planned row.
        let nth = messages[..n].iter().filter(|m| m.0 == channel).count();
        let recipient_key = crate::notify::caps::recipient_key(state, channel, address);
        if let Some(key) = &recipient_key
            && crate::notify::caps::reached(tx, state, channel, key).await?
        {
            continue;
        }
        let row_id = match id {
            Some(id) if nth == 0 => format!("{id}_{}", channel.as_str()),
            Some(id) => format!("{id}_{}_{nth}", channel.as_str()),
            None => format!("ntc_{}", crate::secret::random_reference(16)?.replace('-', "").to_lowercase()),
        };
        let now = now_rfc3339();
        let row = OutboxRow {
            id: &row_id,
            case_number: to.case_number,
            channel,
            recipient,
            recipient_key,
            event: &format!("notice.{}", event.name()),
            sealed_payload: state.keys.seal(crate::at_rest::column::Column::OutboxPayload, &row_id, payload)?,
            at: &now,
        };
        written += usize::try_from(insert(&mut **tx, row).await?).unwrap_or(0);
    }
    Ok(written)
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
