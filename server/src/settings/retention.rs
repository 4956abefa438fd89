//! How long personal data is kept: the settings of the retention policy.

use clap::Args;

use super::defaults::defaults;

/// How long personal data is kept (see README: Security and personal data).
#[derive(Clone, Debug, Args)]
pub struct Retention {
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

impl Default for Retention {
    fn default() -> Self {
        defaults()
    }
}
