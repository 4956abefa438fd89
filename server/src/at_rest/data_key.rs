//! Personal data at rest is encrypted with the data key.
//!
//! Values (application forms, drafts, complaint contacts, the stored receipt,
//! file names) are sealed with an AEAD — SM4-GCM, the national algorithm, or
//! AES-256-GCM — as `enc2:<key id>:<base64 of nonce and ciphertext>`, bound to
//! the table, column and row they live in. Files are encrypted as they stream in, with a key
//! derived for each file from the data key (HMAC-SHA-256 over the file's name)
//! in CTR mode, which keeps offsets, so resumable appends and range reads work.
//!
//! The key file holds one key a line, `<id> <algorithm> <base64 of 32 bytes>`,
//! the first being the one new values are sealed with; the others stay to read
//! older values until `bianmin keys rotate` has sealed them again. A line with
//! the algorithm `hmac-sha256` is the lookup key, which keys the hashes of
//! bearer codes ([`crate::at_rest::lookup`]) and is never rotated.

use std::path::Path;

use aes_gcm::aead::consts::U12;
use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, AesGcm};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use ctr::cipher::{KeyIvInit, StreamCipher, StreamCipherSeek};
use hmac::{Hmac, Mac};

pub use crate::at_rest::column::Column;

type Sm4Gcm = AesGcm<sm4::Sm4, U12>;
type Aes256Ctr = ctr::Ctr128BE<aes::Aes256>;

/// Sealed and bound to table, column and row.
const PREFIX: &str = "enc2:";
/// Sealed and bound to table and column only (before rows were bound).
const LEGACY_PREFIX: &str = "enc1:";
/// The algorithm name that marks the lookup key's line.
const LOOKUP: &str = "hmac-sha256";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Algorithm {
    Sm4Gcm,
    Aes256Gcm,
}

impl Algorithm {
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "sm4-gcm" => Some(Self::Sm4Gcm),
            "aes-256-gcm" => Some(Self::Aes256Gcm),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Sm4Gcm => "sm4-gcm",
            Self::Aes256Gcm => "aes-256-gcm",
        }
    }
}

#[derive(Clone)]
struct Key {
    id: String,
    algorithm: Algorithm,
    bytes: [u8; 32],
}

/// The keys, the first of which seals new values.
#[derive(Clone)]
pub struct DataKeys {
    keys: Vec<Key>,
    lookup: Option<[u8; 32]>,
}

impl std::fmt::Debug for DataKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the key bytes.
        let ids: Vec<&str> = self.keys.iter().map(|k| k.id.as_str()).collect();
        f.debug_struct("DataKeys").field("ids", &ids).finish()
    }
}

impl DataKeys {
    /// Keys from the key file's text; every problem says its line.
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut keys: Vec<Key> = Vec::new();
        let mut lookup = None;
        for (number, line) in text.lines().enumerate().map(|(n, l)| (n + 1, l.trim())) {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let parts: Vec<&str> = line.split_whitespace().collect();
            let [id, algorithm, key] = parts[..] else {
                return Err(format!("第 {number} 行应为“编号 算法 密钥”三项"));
            };
            let algorithm = match algorithm {
                LOOKUP => None,
                other => Some(Algorithm::parse(other).ok_or_else(|| {
                    format!("第 {number} 行：算法只能是 sm4-gcm、aes-256-gcm 或 {LOOKUP}，不是 {other}")
                })?),
            };
            let bytes: [u8; 32] = B64
                .decode(key)
                .ok()
                .and_then(|b| b.try_into().ok())
                .ok_or_else(|| format!("第 {number} 行：密钥应为 32 字节的 base64"))?;
            let Some(algorithm) = algorithm else {
                if lookup.replace(bytes).is_some() {
                    return Err(format!("第 {number} 行：查询码密钥（{LOOKUP}）只能有一行"));
                }
                continue;
            };
            if id.contains(':') || keys.iter().any(|k| k.id == id) {
                return Err(format!("第 {number} 行：密钥编号 {id} 重复或含冒号"));
            }
            keys.push(Key { id: id.to_owned(), algorithm, bytes });
        }
        if keys.is_empty() {
            return Err("没有密钥".to_owned());
        }
        Ok(Self { keys, lookup })
    }

    /// The key bearer-code hashes are made with: the key file's lookup line,
    /// else one derived from its last (oldest) key, which stays while any is.
    pub fn lookup(&self) -> crate::at_rest::lookup::LookupKey {
        let bytes = self.lookup.unwrap_or_else(|| {
            let oldest = self.keys.last().expect("parse refuses a file without keys");
            let mut mac = <Hmac<sha2::Sha256> as Mac>::new_from_slice(&oldest.bytes).expect("any key length");
            mac.update(b"bianmin lookup key\0");
            mac.finalize().into_bytes().into()
        });
        crate::at_rest::lookup::LookupKey::new(bytes)
    }

    /// A new lookup key line with random bytes (written once, with the first key).
    pub fn new_lookup_line() -> anyhow::Result<String> {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
        Ok(format!("lookup {LOOKUP} {}\n", B64.encode(bytes)))
    }

    /// A new key line with random bytes.
    pub fn new_line(id: &str, algorithm: Algorithm) -> anyhow::Result<String> {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
        Ok(format!("{id} {} {}\n", algorithm.name(), B64.encode(bytes)))
    }

    /// The keys the settings name: `BIANMIN_DATA_KEY`, else the key file, else
    /// (the embedded default) [`default_path`] beside the data directory, made
    /// on first start. A key file inside the data directory is refused: that
    /// directory is what gets backed up and copied, and a copy must open nothing.
    pub fn load(explicit: Option<&str>, file: Option<&Path>, data_dir: &Path) -> anyhow::Result<Self> {
        if let Some(text) = explicit.filter(|t| !t.trim().is_empty()) {
            return Self::parse(text).map_err(|e| anyhow::anyhow!("BIANMIN_DATA_KEY: {e}"));
        }
        let path = match file {
            Some(path) => path.to_path_buf(),
            None => {
                // The old default: refused with how to move it, never replaced by a new key.
                refuse_inside(&data_dir.join("data.key"), data_dir)
                    .or_else(|e| if data_dir.join("data.key").exists() { Err(e) } else { Ok(()) })?;
                default_path(data_dir)?
            }
        };
        refuse_inside(&path, data_dir)?;
        if file.is_none() && !path.exists() {
            let text = format!("{}{}", Self::new_line("k1", Algorithm::Sm4Gcm)?, Self::new_lookup_line()?);
            write_private(&path, &text)?;
            tracing::warn!(
                path = %path.display(),
                "made a data key beside the data directory; keep a copy somewhere safe and apart from backups \
                 of the data (without it nothing can be read)"
            );
        }
        let text = std::fs::read_to_string(&path)
            .map_err(|e| anyhow::anyhow!("cannot read the data key file {}: {e}", path.display()))?;
        Self::parse(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))
    }

    fn current(&self) -> &Key {
        &self.keys[0]
    }

    pub fn current_id(&self) -> &str {
        &self.current().id
    }

    fn key(&self, id: &str) -> Option<&Key> {
        self.keys.iter().find(|k| k.id == id)
    }

    /// `plain` sealed for its place: the column and the row it is kept in.
    pub fn seal(&self, column: Column, row: &str, plain: &str) -> anyhow::Result<String> {
        let key = self.current();
        let mut nonce = [0u8; 12];
        getrandom::fill(&mut nonce).map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
        let aad = column.bound(row);
        let payload = Payload { msg: plain.as_bytes(), aad: aad.as_bytes() };
        let sealed = match key.algorithm {
            Algorithm::Sm4Gcm => Sm4Gcm::new_from_slice(&key.bytes[..16])?.encrypt((&nonce).into(), payload),
            Algorithm::Aes256Gcm => Aes256Gcm::new_from_slice(&key.bytes)?.encrypt((&nonce).into(), payload),
        }
        .map_err(|_| anyhow::anyhow!("sealing failed"))?;
        Ok(format!("{PREFIX}{}:{}", key.id, B64.encode([&nonce[..], &sealed].concat())))
    }

    /// The plain text of the value stored in this column and row. Anything
    /// else is refused: a value from another row or column, an altered one, a
    /// value written in clear, one sealed the old way (see [`Self::open_legacy`]).
    pub fn open(&self, column: Column, row: &str, stored: &str) -> anyhow::Result<String> {
        let Some(rest) = stored.strip_prefix(PREFIX) else {
            anyhow::bail!("{} of {row} is not sealed (written in clear, or sealed the old way)", column.context());
        };
        self.open_with(rest, &column.bound(row))
            .map_err(|e| anyhow::anyhow!("{e}: {} of {row} altered, or moved from another row", column.context()))
    }

    /// A value kept before values were bound to their row: sealed for the
    /// column only (`enc1:`), or, before encryption, in clear. Only the
    /// one-off sealing again at start and `keys rotate --legacy` read these.
    pub(crate) fn open_legacy(&self, column: Column, stored: &str) -> anyhow::Result<String> {
        match stored.strip_prefix(LEGACY_PREFIX) {
            Some(rest) => self.open_with(rest, &column.context()),
            None => Ok(stored.to_owned()),
        }
    }

    /// Whether a stored value was sealed before rows were bound.
    pub(crate) fn is_legacy(stored: &str) -> bool {
        !stored.starts_with(PREFIX)
    }

    fn open_with(&self, rest: &str, aad: &str) -> anyhow::Result<String> {
        let (id, data) = rest.split_once(':').ok_or_else(|| anyhow::anyhow!("a sealed value without its key id"))?;
        let key = self.key(id).ok_or_else(|| anyhow::anyhow!("the data key {id} is not in the key file"))?;
        let data = B64.decode(data)?;
        if data.len() < 12 {
            anyhow::bail!("a sealed value too short");
        }
        let (nonce, sealed) = data.split_at(12);
        let payload = Payload { msg: sealed, aad: aad.as_bytes() };
        let plain = match key.algorithm {
            Algorithm::Sm4Gcm => Sm4Gcm::new_from_slice(&key.bytes[..16])?.decrypt(nonce.into(), payload),
            Algorithm::Aes256Gcm => Aes256Gcm::new_from_slice(&key.bytes)?.decrypt(nonce.into(), payload),
        }
        .map_err(|_| anyhow::anyhow!("a sealed value does not open with key {id}"))?;
        Ok(String::from_utf8(plain)?)
    }

    /// Whether a stored value is sealed, bound to its row, with the current key
    /// (else `keys rotate` seals it again).
    pub fn is_current(&self, stored: &str) -> bool {
        stored.strip_prefix(PREFIX).and_then(|rest| rest.split_once(':')).is_some_and(|(id, _)| id == self.current_id())
    }

    /// The authenticator key of one stored file (see [`crate::at_rest::file_mac`]).
    pub fn file_mac(&self, key_id: &str, file: &str) -> Option<crate::at_rest::file_mac::FileMac> {
        let key = self.key(key_id)?;
        let mut mac = <Hmac<sha2::Sha256> as Mac>::new_from_slice(&key.bytes).ok()?;
        mac.update(b"bianmin file mac\0");
        mac.update(file.as_bytes());
        Some(crate::at_rest::file_mac::FileMac::new(mac.finalize().into_bytes().into()))
    }

    /// The cipher of one stored file, by the key id recorded with it.
    pub fn file_cipher(&self, key_id: &str, file: &str) -> Option<FileCipher> {
        let key = self.key(key_id)?;
        let mut mac = <Hmac<sha2::Sha256> as Mac>::new_from_slice(&key.bytes).ok()?;
        mac.update(b"bianmin file key\0");
        mac.update(file.as_bytes());
        let file_key: [u8; 32] = mac.finalize().into_bytes().into();
        // The key is the file's alone, so a fixed IV never repeats a key stream across files.
        Some(match key.algorithm {
            Algorithm::Sm4Gcm => FileCipher::Sm4(crate::at_rest::sm4_ctr::Sm4Ctr::new(
                file_key[..16].try_into().expect("16 of the 32 bytes"),
            )),
            Algorithm::Aes256Gcm => {
                FileCipher::Aes256(Box::new(Aes256Ctr::new((&file_key).into(), (&[0u8; 16]).into())))
            }
        })
    }
}

/// The default key file: beside the data directory, named after it
/// (`./data` → `./data.key`), so a backup of the directory never carries it.
pub fn default_path(data_dir: &Path) -> anyhow::Result<std::path::PathBuf> {
    let absolute = std::path::absolute(data_dir)?;
    let name = absolute.file_name().ok_or_else(|| {
        anyhow::anyhow!("数据目录 {} 没有上级目录，请用 --data-key-file 指定密钥文件", data_dir.display())
    })?;
    let parent = absolute.parent().unwrap_or(Path::new("/"));
    Ok(parent.join(format!("{}.key", name.to_string_lossy())))
}

/// Refuse a key file inside the data directory (the old default was
/// `<data-dir>/data.key`: move it out, as the message says).
fn refuse_inside(key: &Path, data_dir: &Path) -> anyhow::Result<()> {
    let (Ok(key_abs), Ok(dir_abs)) = (std::path::absolute(key), std::path::absolute(data_dir)) else { return Ok(()) };
    let canonical = |p: &Path| p.canonicalize().unwrap_or_else(|_| p.to_path_buf());
    let parent = key_abs.parent().map(canonical).unwrap_or_default();
    if parent.starts_with(canonical(&dir_abs)) {
        let beside = default_path(data_dir).map(|p| p.display().to_string()).unwrap_or_default();
        anyhow::bail!(
            "数据密钥文件 {} 在数据目录里：数据目录的备份或拷贝会连同密钥一起泄露。\
             请把它移到数据目录之外（例如 mv {} {beside}），或用 --data-key-file 指定位置",
            key.display(),
            key.display()
        );
    }
    Ok(())
}

/// A file only its owner may read (0600 on Unix).
fn write_private(path: &Path, text: &str) -> anyhow::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    std::io::Write::write_all(&mut options.open(path)?, text.as_bytes())?;
    Ok(())
}

/// A file's own key stream: XOR at any byte offset, in place. The key schedule
/// is done once a file (a request), not once a chunk.
#[derive(Clone)]
pub enum FileCipher {
    Sm4(crate::at_rest::sm4_ctr::Sm4Ctr),
    /// At offset 0; each use works on a copy moved to its offset.
    Aes256(Box<Aes256Ctr>),
}

impl FileCipher {
    /// Encrypt or decrypt `data`, which stands at `offset` in the file.
    pub fn apply(&self, offset: u64, data: &mut [u8]) {
        match self {
            Self::Sm4(cipher) => cipher.apply(offset, data),
            Self::Aes256(at_start) => {
                let mut cipher = Aes256Ctr::clone(at_start);
                cipher.seek(offset);
                cipher.apply_keystream(data);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(lines: &[(&str, Algorithm)]) -> DataKeys {
        let text: String = lines.iter().map(|(id, a)| DataKeys::new_line(id, *a).unwrap()).collect();
        DataKeys::parse(&text).unwrap()
    }

    #[test]
    fn sealed_values_open_only_in_their_place_and_with_their_key() {
        const ID: &str = "身份证 11010519491231002X";
        for algorithm in [Algorithm::Sm4Gcm, Algorithm::Aes256Gcm] {
            let k = keys(&[("k1", algorithm)]);
            let sealed = k.seal(Column::CaseApplication, "CASE-1", ID).unwrap();
            assert!(sealed.starts_with("enc2:k1:") && !sealed.contains("11010519491231002X"));
            assert_eq!(k.open(Column::CaseApplication, "CASE-1", &sealed).unwrap(), ID);
            assert!(k.open(Column::DraftForm, "CASE-1", &sealed).is_err(), "bound to its column");
            let swapped = k.open(Column::CaseApplication, "CASE-2", &sealed).unwrap_err().to_string();
            assert!(swapped.contains("CASE-2"), "bound to its row: {swapped}");
            assert_ne!(sealed, k.seal(Column::CaseApplication, "CASE-1", ID).unwrap(), "a fresh nonce");
            let mut altered = sealed.clone();
            altered.replace_range(sealed.len() - 3.., "AAA");
            assert!(k.open(Column::CaseApplication, "CASE-1", &altered).is_err());
            // Written in clear, or sealed the old way: refused, read only by the one-off sealing again.
            assert!(k.open(Column::CaseApplication, "CASE-1", "{\"name\":\"forged\"}").is_err());
            let old = old_seal(&k, Column::CaseApplication, ID);
            assert!(k.open(Column::CaseApplication, "CASE-1", &old).is_err());
            assert_eq!(k.open_legacy(Column::CaseApplication, &old).unwrap(), ID);
            assert_eq!(k.open_legacy(Column::CaseApplication, "in clear").unwrap(), "in clear");
            assert!(DataKeys::is_legacy(&old) && !DataKeys::is_legacy(&sealed));
        }
    }

    /// A value as versions before row binding sealed it.
    fn old_seal(k: &DataKeys, column: Column, plain: &str) -> String {
        let key = k.current();
        let nonce = [3u8; 12];
        let aad = column.context();
        let payload = Payload { msg: plain.as_bytes(), aad: aad.as_bytes() };
        let sealed = match key.algorithm {
            Algorithm::Sm4Gcm => Sm4Gcm::new_from_slice(&key.bytes[..16]).unwrap().encrypt((&nonce).into(), payload),
            Algorithm::Aes256Gcm => Aes256Gcm::new_from_slice(&key.bytes).unwrap().encrypt((&nonce).into(), payload),
        }
        .unwrap();
        format!("{LEGACY_PREFIX}{}:{}", key.id, B64.encode([&nonce[..], &sealed].concat()))
    }

    #[test]
    fn an_older_key_still_opens_what_it_sealed() {
        let old = keys(&[("k1", Algorithm::Sm4Gcm)]);
        let sealed = old.seal(Column::ComplaintBody, "c", "text").unwrap();
        let text = format!(
            "{}{}",
            DataKeys::new_line("k2", Algorithm::Aes256Gcm).unwrap(),
            DataKeys::new_line("k1", Algorithm::Sm4Gcm).unwrap()
        );
        let mut both = DataKeys::parse(&text).unwrap();
        both.keys[1].bytes = old.keys[0].bytes;
        assert_eq!(both.open(Column::ComplaintBody, "c", &sealed).unwrap(), "text");
        assert!(!both.is_current(&sealed) && both.is_current(&both.seal(Column::ComplaintBody, "c", "text").unwrap()));
    }

    #[test]
    fn a_file_decrypts_from_any_offset() {
        let k = keys(&[("k1", Algorithm::Sm4Gcm)]);
        let cipher = k.file_cipher("k1", "upload-1").unwrap();
        let plain: Vec<u8> = (0..1000u32).map(|i| (i % 251) as u8).collect();
        let mut stored = plain.clone();
        cipher.apply(0, &mut stored[..333]);
        cipher.apply(333, &mut stored[333..]);
        assert_ne!(stored, plain);
        let mut part = stored[500..700].to_vec();
        cipher.apply(500, &mut part);
        assert_eq!(part, plain[500..700]);
        let other = k.file_cipher("k1", "upload-2").unwrap();
        let mut again = plain.clone();
        other.apply(0, &mut again);
        assert_ne!(again, stored, "each file its own key");
    }

    #[test]
    fn the_key_file_lives_beside_the_data_never_inside() {
        let root = std::env::temp_dir().join(format!("bianmin-key-{}", crate::secret::random_hex(6).unwrap()));
        let data = root.join("data");
        std::fs::create_dir_all(&data).unwrap();
        let made = DataKeys::load(None, None, &data).unwrap();
        let beside = root.join("data.key");
        assert!(beside.exists(), "made beside the data directory");
        #[cfg(unix)]
        assert_eq!(
            std::os::unix::fs::PermissionsExt::mode(&std::fs::metadata(&beside).unwrap().permissions()) & 0o777,
            0o600
        );
        assert!(made.lookup.is_some(), "a new file has its own lookup key");
        assert_eq!(DataKeys::load(None, None, &data).unwrap().current_id(), made.current_id(), "and is read again");
        let inside = data.join("keys").join("data.key");
        let refused = DataKeys::load(None, Some(&inside), &data).unwrap_err().to_string();
        assert!(refused.contains("在数据目录里"), "{refused}");
        std::fs::remove_file(&beside).unwrap();
        std::fs::write(data.join("data.key"), DataKeys::new_line("k1", Algorithm::Sm4Gcm).unwrap()).unwrap();
        let legacy = DataKeys::load(None, None, &data).unwrap_err().to_string();
        assert!(legacy.contains("mv ") && !beside.exists(), "the old place is refused, no new key made: {legacy}");
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn bad_key_files_say_which_line() {
        assert!(DataKeys::parse("").is_err());
        assert_eq!(
            DataKeys::parse("k1 des AAAA").err().unwrap(),
            "第 1 行：算法只能是 sm4-gcm、aes-256-gcm 或 hmac-sha256，不是 des"
        );
        assert!(DataKeys::parse("# comment\nk1 sm4-gcm c2hvcnQ=").err().unwrap().starts_with("第 2 行"));
    }
}
