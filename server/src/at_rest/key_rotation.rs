//! Sealing stored values again.
//!
//! `bianmin keys rotate`: every sealed value sealed again with the current data
//! key (the first line of the key file), so an old key can leave the file.
//! Stored files keep the key they were written with (their handle names it):
//! keep old keys in the file until the retention rules have removed those files.
//!
//! Values kept before rows were bound (`enc1:`, or in clear before encryption)
//! are sealed again, bound to their rows, once: at the first start of a
//! version that binds rows, while no value in the database is bound yet. After
//! that such a value is refused wherever it is read — it can only have been
//! written by someone with the database and without the key — unless the
//! centre says otherwise with `keys rotate --legacy` (after an interrupted
//! first start).

use sqlx::{AnyPool, Row};

use crate::at_rest::column::Column;
use crate::at_rest::data_key::DataKeys;

/// Which stored values to seal again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Which {
    /// Bound values not sealed with the current key.
    NotCurrent,
    /// Values kept before rows were bound (enc1 and clear), bound now.
    Legacy,
}

/// Seal again what `which` names; how many values changed.
pub async fn rotate(db: &AnyPool, keys: &DataKeys, which: Which) -> anyhow::Result<usize> {
    rotate_columns(db, keys, which, &Column::ALL).await
}

/// At start: seal what columns an older version kept in clear still hold in
/// clear (before the legacy check, which would refuse them).
pub async fn seal_once_clear(db: &AnyPool, keys: &DataKeys) -> anyhow::Result<()> {
    let changed = rotate_columns(db, keys, Which::Legacy, &Column::ONCE_CLEAR).await?;
    if changed > 0 {
        tracing::info!(values = changed, "values an older version kept in clear sealed");
    }
    Ok(())
}

async fn rotate_columns(db: &AnyPool, keys: &DataKeys, which: Which, columns: &[Column]) -> anyhow::Result<usize> {
    let mut changed = 0;
    for &column in columns {
        let (table, id, name) = column.names();
        let rows = sqlx::query(&format!("SELECT {id} AS id, {name} AS value FROM {table} WHERE {name} IS NOT NULL"))
            .fetch_all(db)
            .await?;
        for row in rows {
            let (key, value): (String, String) = (row.try_get("id")?, row.try_get("value")?);
            let plain = match (which, DataKeys::is_legacy(&value)) {
                (Which::NotCurrent, false) if !keys.is_current(&value) => keys.open(column, &key, &value)?,
                (Which::Legacy, true) => keys.open_legacy(column, &value)?,
                (Which::NotCurrent | Which::Legacy, _) => continue,
            };
            let sealed = keys.seal(column, &key, &plain)?;
            // Only if nobody changed it meanwhile (a draft saved during the rotation keeps its newer value).
            sqlx::query(&format!("UPDATE {table} SET {name} = $1 WHERE {id} = $2 AND {name} = $3"))
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

/// At start: bind the values an older version kept, if this database has no
/// bound value yet (its first start on this version). Otherwise legacy values
/// are left to be refused, and said so.
pub async fn bind_legacy_at_start(db: &AnyPool, keys: &DataKeys) -> anyhow::Result<()> {
    let mut bound = 0i64;
    let mut legacy = 0i64;
    for column in Column::ALL {
        let (table, _, name) = column.names();
        let row = sqlx::query(&format!(
            "SELECT COALESCE(SUM(CASE WHEN {name} LIKE 'enc2:%' THEN 1 ELSE 0 END), 0) AS bound, \
             COALESCE(SUM(CASE WHEN {name} LIKE 'enc2:%' THEN 0 ELSE 1 END), 0) AS legacy \
             FROM {table} WHERE {name} IS NOT NULL"
        ))
        .fetch_one(db)
        .await?;
        bound += row.try_get::<i64, _>("bound")?;
        legacy += row.try_get::<i64, _>("legacy")?;
    }
    if legacy == 0 {
        return Ok(());
    }
    if bound > 0 {
        tracing::error!(
            values = legacy,
            "stored values not bound to their rows are refused: written without the data key, or left by an \
             interrupted upgrade (then run `bianmin keys rotate --legacy`)"
        );
        return Ok(());
    }
    let changed = rotate(db, keys, Which::Legacy).await?;
    tracing::info!(values = changed, "stored values sealed again, bound to their rows");
    Ok(())
}
