//! How many notices one person may be sent a day, whoever asks: a stranger
//! who types someone's phone or email into ten applications must not make the
//! centre send them ten messages. People are counted by a keyed hash of their
//! phone, address or WeChat openid (never kept in clear), over the last 24 hours, across
//! every instance (the outbox is shared).

use crate::AppState;
use crate::at_rest::lookup::Purpose;
use crate::db::rfc3339_in;
use crate::error::ApiError;
use crate::notify::Channel;

/// The keyed hash a person's notices are counted under.
pub fn recipient_key(state: &AppState, channel: Channel, address: &str) -> Option<String> {
    let normal = match channel {
        Channel::Sms => domain::apply::identity::normalise_mobile(address),
        Channel::Email => address.trim().to_lowercase(),
        Channel::Wechat => address.trim().to_owned(),
        Channel::Webhook | Channel::Province => return None,
    };
    Some(state.keys.lookup().hash(Purpose::Recipient, &format!("{}:{normal}", channel.as_str())))
}

/// The most notices of `channel` one person is sent in a day.
fn daily_cap(state: &AppState, channel: Channel) -> Option<i64> {
    match channel {
        Channel::Sms => Some(i64::from(state.notify.sms_per_recipient_per_day)),
        Channel::Email => Some(i64::from(state.notify.email_per_recipient_per_day)),
        Channel::Wechat => Some(i64::from(state.notify.wechat_per_recipient_per_day)),
        Channel::Webhook | Channel::Province => None,
    }
}

/// Whether this person has had their share of `channel` today.
pub async fn reached(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    state: &AppState,
    channel: Channel,
    key: &str,
) -> Result<bool, ApiError> {
    let Some(cap) = daily_cap(state, channel) else { return Ok(false) };
    let row = sqlx::query("SELECT COUNT(*) AS sent FROM outbox WHERE recipient_key = $1 AND created_at > $2")
        .bind(key)
        .bind(rfc3339_in(-86_400))
        .fetch_one(&mut **tx)
        .await?;
    let sent: i64 = sqlx::Row::try_get(&row, "sent")?;
    if sent >= cap {
        tracing::warn!(
            channel = channel.as_str(),
            cap,
            "a recipient's daily notices are used up: this one is not sent"
        );
    }
    Ok(sent >= cap)
}
