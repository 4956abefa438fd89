//! What one client or one application may do.

use clap::Args;

use super::defaults::defaults;

/// What one client or one application may do, so nobody can fill the disk.
#[derive(Clone, Debug, Args)]
pub struct Limits {
    /// New uploads one client address may start per minute (per instance; a
    /// service hall's terminals may share one address).
    #[arg(long, env = "BIANMIN_UPLOADS_PER_MINUTE", default_value_t = 120)]
    pub uploads_per_minute: u32,
    /// Application keys one client address may be given per minute (per instance).
    #[arg(long, env = "BIANMIN_KEYS_PER_MINUTE", default_value_t = 60)]
    pub keys_per_minute: u32,
    /// Uploads one application may hold at once.
    #[arg(long, env = "BIANMIN_UPLOADS_PER_APPLICATION", default_value_t = 100)]
    pub uploads_per_application: i64,
    /// New drafts one client address may keep an hour (per instance): each holds
    /// personal data for a month, so a script must not fill the database with them.
    #[arg(long, env = "BIANMIN_DRAFTS_PER_HOUR", default_value_t = 60)]
    pub drafts_per_hour: u32,
    /// Applications one client address may submit an hour (per instance; a
    /// service hall's terminals may share one address).
    #[arg(long, env = "BIANMIN_SUBMISSIONS_PER_HOUR", default_value_t = 60)]
    pub submissions_per_hour: u32,
    /// SMS one-time codes one client address may ask for an hour (per instance;
    /// each number has its own daily limit besides, `domain::apply::phone_code`).
    #[arg(long, env = "BIANMIN_PHONE_CODES_PER_HOUR", default_value_t = 10)]
    pub phone_codes_per_hour: u32,
    /// Bytes one client address may start uploading an hour (per instance; default
    /// 5 GB): a new application key each time does not get round the budget per application.
    #[arg(long, env = "BIANMIN_UPLOAD_BYTES_PER_CLIENT_PER_HOUR", default_value_t = 5 * 1_073_741_824)]
    pub upload_bytes_per_client_per_hour: u64,
    /// Bytes one application's uploads may add up to (default 500 MB).
    #[arg(long, env = "BIANMIN_BYTES_PER_APPLICATION", default_value_t = 500 * 1_048_576)]
    pub bytes_per_application: i64,
}

impl Default for Limits {
    fn default() -> Self {
        defaults()
    }
}
