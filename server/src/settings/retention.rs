//! The retention policy (PIPL arts. 19 and 47: kept only as long as needed):
//! how long each kind of personal data is kept, answered here and nowhere
//! else. The periods a centre may set are flags; the others are fixed.

use std::time::Duration;

use clap::Args;

use super::defaults::defaults;

const DAY: i64 = 86_400;

/// How long personal data is kept (see README: Security and personal data).
#[derive(Clone, Debug, Args)]
pub struct Retention {
    /// Days a draft is kept after its last save (0: drafts expire at once).
    #[arg(long, env = "BIANMIN_DRAFT_DAYS", default_value_t = 30)]
    pub draft_days: u32,
    /// Days an upload no case holds is kept (longer while its application's draft lives).
    #[arg(long, env = "BIANMIN_UNATTACHED_UPLOAD_DAYS", default_value_t = 3)]
    pub unattached_upload_days: u32,
    /// Days the files of a withdrawn, refused or terminated case are kept after it ended.
    #[arg(long, env = "BIANMIN_CLOSED_CASE_FILE_DAYS", default_value_t = 90)]
    pub closed_case_file_days: u32,
    /// Years a case and its files are kept after it ended (the archive period).
    #[arg(long, env = "BIANMIN_CASE_YEARS", default_value_t = 10)]
    pub case_years: u32,
}

impl Retention {
    /// An unfinished upload, after its last byte (tus expiration).
    pub const UNFINISHED_UPLOAD: Duration = Duration::from_secs(24 * 3600);
    /// An idempotency record (it holds the sealed receipt, query code included):
    /// a retry comes within minutes.
    pub const IDEMPOTENCY_SECS: i64 = DAY;
    /// Wrong-code counters and upload records nobody owns (a deletion half done).
    pub const COUNTERS_SECS: i64 = DAY;
    /// A notice sent or given up, after it was written: the console shows it while
    /// the case is worked, and its payload holds a sealed phone or email.
    pub const NOTICE_SECS: i64 = 90 * DAY;
    /// An application key nothing uses any more.
    pub const UNUSED_KEY_SECS: i64 = 30 * DAY;

    /// A draft, after its last save.
    pub fn draft_secs(&self) -> i64 {
        i64::from(self.draft_days) * DAY
    }

    /// An upload no case holds (and no live draft keeps).
    pub fn unattached_upload_secs(&self) -> i64 {
        i64::from(self.unattached_upload_days) * DAY
    }

    /// The files of a case that ended without a result, after it ended.
    pub fn closed_case_file_secs(&self) -> i64 {
        i64::from(self.closed_case_file_days) * DAY
    }

    /// A case, its files, events and rating, after it ended.
    pub fn case_secs(&self) -> i64 {
        i64::from(self.case_years) * 365 * DAY
    }
}

impl Default for Retention {
    fn default() -> Self {
        defaults()
    }
}
