//! What every request handler can reach. It names only the pieces it holds,
//! never a route, so any module may use it.

use std::sync::Arc;

use sqlx::AnyPool;

use crate::at_rest::data_key;
use crate::catalog::Catalog;
use crate::hosting::limits;
use crate::notify::{sms, webhook as webhooks};
use crate::{apply, db, settings};

/// What every request handler can reach.
pub struct AppState {
    pub catalog: Arc<Catalog>,
    pub db: AnyPool,
    /// How long each kind of personal data is kept.
    pub retention: crate::settings::Retention,
    /// Finished uploads, read back for the content checks.
    pub uploads: apply::uploads::store::UploadFiles,
    /// Working days, for deadlines.
    pub calendar: domain::time::calendar::Calendar,
    /// A fixed "today" for tests and demonstrations; `None`: the date in China.
    pub today: Option<domain::time::date::Date>,
    /// Attempts at the status look-up.
    pub limiter: limits::Limiter,
    pub lookups_per_minute: u32,
    /// Our own proxies: only from them is `X-Forwarded-For` believed.
    pub trusted_proxies: Vec<crate::hosting::cidr::Cidr>,
    /// Uploads per client and per application.
    pub limits: settings::Limits,
    /// Seals personal data at rest.
    pub keys: Arc<data_key::DataKeys>,
    /// The departments' webhooks, and how the outbox delivers.
    pub webhooks: webhooks::Webhooks,
    /// The SMS provider, when the centre has one.
    pub sms: Option<sms::SmsProvider>,
    /// WeChat 模板消息 to applicants signed in with WeChat, when the centre has a template.
    pub wechat: Option<crate::notify::wechat::WechatNotices>,
    pub notify: settings::Notify,
    /// The virus scanner, when the centre has one.
    pub clamd: Option<apply::uploads::virus_scan::Clamd>,
    /// The public figures last computed, and when (they read every case).
    pub figures: tokio::sync::Mutex<Option<(std::time::Instant, domain::case::view::PublicFigures)>>,
    pub figures_max_age: std::time::Duration,
    /// Days after completion when an unrated case is rated by default.
    pub default_rating_days: u16,
    /// The statutory documents' review authority and font.
    pub documents: settings::DocumentSettings,
    /// The documents' font, read on the first PDF (`None` inside: not readable).
    pub document_font: std::sync::OnceLock<Option<Arc<Vec<u8>>>>,
    /// Where the province's records go, when the centre reports cases upward.
    pub exchange: Option<crate::exchange::Exchange>,
    /// The province's case-number pattern, when the centre numbers cases for it.
    pub province_number: Option<domain::case::exchange::number::Pattern>,
    /// How people sign in (none configured: everyone applies anonymously).
    pub sign_in: settings::SignInSettings,
    /// The OpenID Connect provider's metadata, discovered on the first sign-in.
    pub oidc: tokio::sync::OnceCell<crate::account::provider::Provider>,
}

impl AppState {
    /// Today's date in China (deadlines count in Beijing dates).
    pub fn today(&self) -> domain::time::date::Date {
        self.today.unwrap_or_else(db::china_date)
    }
}
