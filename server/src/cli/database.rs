//! The database a maintenance command works on.

use crate::settings::DatabaseArgs;

/// Open the database the arguments name (its data directory made private first).
pub async fn open(database: &DatabaseArgs) -> anyhow::Result<sqlx::AnyPool> {
    crate::create_private_dir(&database.data_dir)?;
    crate::db::connect(&database.url()).await
}
