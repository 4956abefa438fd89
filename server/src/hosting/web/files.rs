//! The built app read once at start: every file of `dist/` with its `.br` and
//! `.gz` twins, ready to answer (see [`Prepared`]).

use std::collections::HashMap;
use std::path::Path;

use axum::body::Bytes;

use crate::hosting::prepared::Prepared;

/// Files larger than this stay on disk and are streamed (a centre's scanned
/// sample form, say); the app's own files are far smaller.
const IN_MEMORY_UP_TO: u64 = 8 * 1024 * 1024;

/// Every file under `dist/`, by its URL path (`/app-….js`).
#[derive(Debug, Default)]
pub struct BuiltFiles {
    files: HashMap<String, Prepared>,
}

impl BuiltFiles {
    /// Read `dist`: a twin is used only when it is newer than its file, so a
    /// stale `.br` left by an earlier build is never sent.
    pub fn load(dist: &Path) -> std::io::Result<Self> {
        let mut files = HashMap::new();
        let mut pending = vec![dist.to_path_buf()];
        while let Some(dir) = pending.pop() {
            for entry in std::fs::read_dir(&dir)? {
                let entry = entry?;
                let path = entry.path();
                let kind = entry.file_type()?;
                if kind.is_dir() {
                    pending.push(path);
                    continue;
                }
                let name = path.to_string_lossy();
                if !kind.is_file() || name.ends_with(".br") || name.ends_with(".gz") {
                    continue;
                }
                let meta = entry.metadata()?;
                if meta.len() > IN_MEMORY_UP_TO {
                    continue;
                }
                let Some(url) = url_path(dist, &path) else { continue };
                let twin = |suffix: &str| -> std::io::Result<Option<Bytes>> {
                    let twin = std::path::PathBuf::from(format!("{name}.{suffix}"));
                    match std::fs::metadata(&twin) {
                        Ok(t) if t.modified()? >= meta.modified()? => Ok(Some(std::fs::read(&twin)?.into())),
                        _ => Ok(None),
                    }
                };
                let bytes = Bytes::from(std::fs::read(&path)?);
                let content_type = content_type(&url);
                let prepared = match (twin("br")?, twin("gz")?) {
                    (None, None) => Prepared::compress(bytes, content_type, cache_control(&url, content_type)),
                    (br, gzip) => {
                        Prepared::with_twins(bytes, br, gzip, content_type, cache_control(&url, content_type))
                    }
                };
                files.insert(url, prepared);
            }
        }
        Ok(Self { files })
    }

    /// The file at this URL path (`/` is `index.html`).
    pub fn get(&self, path: &str) -> Option<&Prepared> {
        let path = if path.ends_with('/') { format!("{path}index.html") } else { path.to_owned() };
        self.files.get(&path)
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

/// `/a/b.js` for `dist/a/b.js`; `None` for a name a URL cannot hold.
fn url_path(dist: &Path, file: &Path) -> Option<String> {
    let relative = file.strip_prefix(dist).ok()?;
    let mut url = String::new();
    for part in relative.components() {
        url.push('/');
        url.push_str(part.as_os_str().to_str()?);
    }
    Some(url)
}

/// What the file is, as the browser must be told (wasm must be
/// `application/wasm` for streaming compilation).
fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or_default() {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "wasm" => "application/wasm",
        "css" => "text/css; charset=utf-8",
        "json" => "application/json",
        "webmanifest" => "application/manifest+json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "pdf" => "application/pdf",
        "txt" => "text/plain; charset=utf-8",
        "woff2" => "font/woff2",
        "xml" => "application/xml",
        _ => "application/octet-stream",
    }
}

/// Hashed files never change (a year, immutable); the page and the manifest
/// that names the lazily loaded app are always revalidated.
fn cache_control(path: &str, content_type: &str) -> &'static str {
    if content_type.starts_with("text/html") || path.ends_with("/manifest.json") {
        "no-cache"
    } else if is_hashed(path) {
        "public, max-age=31536000, immutable"
    } else {
        "public, max-age=3600"
    }
}

/// Trunk names built files `name-<hash>.ext` (the wasm: `name-<hash>_bg.wasm`), the
/// hash being a 64-bit number in hex without leading zeros: up to 16 digits.
pub fn is_hashed(path: &str) -> bool {
    let file = path.rsplit('/').next().unwrap_or_default();
    let stem = file.split('.').next().unwrap_or_default().trim_end_matches("_bg");
    stem.rsplit_once('-')
        .is_some_and(|(_, hash)| (10..=16).contains(&hash.len()) && hash.chars().all(|c| c.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_twins_only_when_current() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("form")).unwrap();
        std::fs::write(dir.path().join("index.html"), "<p>便民</p>".repeat(50)).unwrap();
        std::fs::write(dir.path().join("index.html.br"), b"br twin").unwrap();
        std::fs::write(dir.path().join("form/manifest.json"), b"{}").unwrap();
        let files = BuiltFiles::load(dir.path()).unwrap();
        assert_eq!(files.len(), 2, "twins are not files of their own");
        assert!(files.get("/").is_some());
        assert!(files.get("/form/manifest.json").is_some());
        assert!(files.get("/index.html.br").is_none());
        assert_eq!(cache_control("/form/manifest.json", "application/json"), "no-cache");
        assert_eq!(content_type("/app-0123456789abcdef_bg.wasm"), "application/wasm");
    }
}
