//! `bianmin keys rotate`: every sealed value sealed again with the current data
//! key (the first line of the key file), so an old key can leave the file.
//! Values stored before encryption are sealed too. Stored files keep the key
//! they were written with (their handle names it): keep old keys in the file
//! until the retention rules have removed those files.

use sqlx::{AnyPool, Row};

use crate::at_rest::data_key::DataKeys;

/// Every sealed column: table, its key column, the column.
const SEALED: [(&str, &str, &str); 8] = [
    ("cases", "case_number", "application"),
    ("case_files", "upload", "name"),
    ("drafts", "resume_code", "form"),
    ("drafts", "resume_code", "materials"),
    ("drafts", "resume_code", "application_key"),
    ("complaints", "id", "body"),
    ("idempotency_keys", "idempotency_key", "response_body"),
    ("upload_states", "id", "state"),
];

/// Seal again whatever is not sealed with the current key; how many values changed.
pub async fn rotate(db: &AnyPool, keys: &DataKeys) -> anyhow::Result<usize> {
    let mut changed = 0;
    for (table, id, column) in SEALED {
        let context = format!("{table}.{column}");
        let rows =
            sqlx::query(&format!("SELECT {id} AS id, {column} AS value FROM {table} WHERE {column} IS NOT NULL"))
                .fetch_all(db)
                .await?;
        for row in rows {
            let (key, value): (String, String) = (row.try_get("id")?, row.try_get("value")?);
            if keys.is_current(&value) {
                continue;
            }
            let sealed = keys.seal(&context, &keys.open(&context, &value)?)?;
            // Only if nobody changed it meanwhile (a draft saved during the rotation keeps its newer value).
            sqlx::query(&format!("UPDATE {table} SET {column} = $1 WHERE {id} = $2 AND {column} = $3"))
                .bind(sealed)
                .bind(&key)
                .bind(&value)
                .execute(db)
                .await?;
            changed += 1;
        }
    }
    Ok(changed)
}
