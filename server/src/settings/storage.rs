//! Where uploaded files are kept.

use clap::Args;

use super::defaults::defaults;
use super::secret::Secret;

/// Where uploaded files are kept: the filesystem under the data directory, or
/// an S3-compatible bucket (MinIO, Alibaba OSS, Tencent COS, Huawei OBS, AWS).
#[derive(Clone, Debug, Args)]
pub struct StorageSettings {
    /// `fs` (default) or `s3`.
    #[arg(long = "storage", env = "BIANMIN_STORAGE", default_value = "fs")]
    pub kind: String,
    /// The S3 endpoint, e.g. `https://oss-cn-hangzhou.aliyuncs.com` or `http://minio:9000`.
    #[arg(long, env = "BIANMIN_S3_ENDPOINT")]
    pub s3_endpoint: Option<String>,
    #[arg(long, env = "BIANMIN_S3_BUCKET")]
    pub s3_bucket: Option<String>,
    #[arg(long, env = "BIANMIN_S3_REGION", default_value = "us-east-1")]
    pub s3_region: String,
    #[arg(long, env = "BIANMIN_S3_ACCESS_KEY_ID")]
    pub s3_access_key_id: Option<String>,
    #[arg(long, env = "BIANMIN_S3_SECRET_ACCESS_KEY", hide_env_values = true)]
    pub s3_secret_access_key: Option<Secret>,
    /// A prefix inside the bucket, so several systems can share one.
    #[arg(long, env = "BIANMIN_S3_ROOT", default_value = "/bianmin")]
    pub s3_root: String,
    /// Virtual-hosted-style addresses (`bucket.endpoint`), which OSS and COS require.
    #[arg(long, env = "BIANMIN_S3_VIRTUAL_HOST", default_value_t = false, action = clap::ArgAction::Set)]
    pub s3_virtual_host: bool,
}

impl Default for StorageSettings {
    fn default() -> Self {
        defaults()
    }
}
