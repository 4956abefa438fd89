//! Hosting the built app: files from `dist/`, the SPA fallback, caching and security headers.

pub mod files;

use std::path::Path;
use std::sync::Arc;

use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use base64::Engine;
use sha2::{Digest, Sha256};
use tower_http::services::ServeDir;

/// The Content-Security-Policy for every response, allowing the inline
/// scripts of `index.html` and of every bundle's `page.html`.
pub fn content_security_policy_for(dist: &Path) -> String {
    let mut pages = vec![std::fs::read_to_string(dist.join("index.html")).unwrap_or_default()];
    if let Ok(entries) = std::fs::read_dir(dist) {
        for entry in entries.flatten() {
            if let Ok(page) = std::fs::read_to_string(entry.path().join("page.html")) {
                pages.push(page);
            }
        }
    }
    content_security_policy(&pages.concat())
}

/// The Content-Security-Policy for every response.
///
/// Trunk's loader is an inline module script, so the policy allows exactly the
/// inline scripts the pages hold (by hash) and nothing else; wasm needs
/// `'wasm-unsafe-eval'`. WeChat shows pages top-level or in its own web-view, so
/// framing is limited to this site.
pub fn content_security_policy(index_html: &str) -> String {
    let mut hashes = String::new();
    for script in inline_scripts(index_html) {
        let digest = Sha256::digest(script.as_bytes());
        let hash = format!(" 'sha256-{}'", base64::engine::general_purpose::STANDARD.encode(digest));
        // The pages share some scripts (elderly mode before the first paint).
        if !hashes.contains(&hash) {
            hashes.push_str(&hash);
        }
    }
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'{hashes}; style-src 'self'; \
         img-src 'self' data: blob:; connect-src 'self'; font-src 'self'; object-src 'none'; \
         base-uri 'self'; form-action 'self'; frame-ancestors 'self'"
    )
}

/// The text of every `<script>` without a `src`, as the browser hashes it.
fn inline_scripts(html: &str) -> Vec<&str> {
    let mut scripts = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<script") {
        rest = &rest[start..];
        let Some(tag_end) = rest.find('>') else { break };
        let tag = &rest[..tag_end];
        let body = &rest[tag_end + 1..];
        let Some(close) = body.find("</script>") else { break };
        if !tag.contains(" src=") {
            scripts.push(&body[..close]);
        }
        rest = &body[close..];
    }
    scripts
}

/// Routes for the app: real files from `dist/` (read once, see [`files`]),
/// every other path gets `index.html`.
pub fn app_routes(dist: &Path) -> Router {
    let index = dist.join("index.html");
    if !index.is_file() {
        return Router::new().fallback(get(not_built));
    }
    let built = match files::BuiltFiles::load(dist) {
        Ok(built) => Arc::new(built),
        Err(error) => {
            tracing::error!(%error, dist = %dist.display(), "cannot read the built app");
            return Router::new().fallback(get(not_built));
        }
    };
    // Anything not read into memory (a large file) is streamed from disk.
    let on_disk = ServeDir::new(dist).precompressed_br().precompressed_gzip();
    Router::new()
        .fallback_service(on_disk)
        .layer(axum::middleware::from_fn(move |request, next| serve_built(Arc::clone(&built), request, next)))
        .layer(axum::middleware::from_fn(cache_control))
}

/// A file of the built app from memory; app routes (`/services/JT-001`) are not
/// files: they get `index.html`. A missing file with an extension
/// (`/forms/x.pdf`, `/app.js`) stays a 404, so a broken link is never "fixed"
/// by the app's HTML.
async fn serve_built(built: Arc<files::BuiltFiles>, request: Request, next: Next) -> Response {
    let method = request.method().clone();
    if method != Method::GET && method != Method::HEAD {
        return next.run(request).await;
    }
    if let Some(file) = built.get(request.uri().path()) {
        return file.respond(&method, request.headers());
    }
    let path = request.uri().path().to_owned();
    let is_route = !path.rsplit('/').next().unwrap_or_default().contains('.');
    let headers = request.headers().clone();
    let response = next.run(request).await;
    if response.status() != StatusCode::NOT_FOUND || !is_route {
        return response;
    }
    let Some(page) = app_page(&built, &path) else { return response };
    let mut response = page.respond(&method, &headers);
    // The item or bundle the page reads first: fetched beside the wasm, not after it.
    if let Some(data) = domain::bundles::catalog_data(&path)
        && let Ok(link) = HeaderValue::from_str(&format!("<{data}>; rel=preload; as=fetch; crossorigin"))
    {
        response.headers_mut().insert(header::LINK, link);
    }
    response
}

/// The page that starts the bundle showing `path` (see `domain::bundles`), so
/// a shared link loads that bundle alone; `index.html` when it was not built.
fn app_page<'a>(built: &'a files::BuiltFiles, path: &str) -> Option<&'a crate::hosting::prepared::Prepared> {
    let bundle = domain::bundles::bundle_for(path);
    let page = match bundle.dir() {
        "" => None,
        dir => built.get(&["/", dir, "/page.html"].concat()),
    };
    page.or_else(|| built.get("/index.html"))
}

async fn not_built() -> impl IntoResponse {
    (
        StatusCode::SERVICE_UNAVAILABLE,
        Html(
            "<!doctype html><meta charset=utf-8><title>便民</title><p>应用尚未构建。请先运行 <code>cargo xtask build</code>。</p>",
        ),
    )
}

/// Files streamed from disk: hashed files never change (a year, immutable);
/// the page itself is always revalidated. (Prepared files carry their own.)
async fn cache_control(request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    let mut response = next.run(request).await;
    if response.headers().contains_key(header::CACHE_CONTROL) {
        return response;
    }
    let is_html = response.headers().get(header::CONTENT_TYPE).is_some_and(|v| v.as_bytes().starts_with(b"text/html"));
    // The page and the manifest that names the lazily loaded app must always be fresh.
    let value = if is_html || path.ends_with("/manifest.json") {
        "no-cache"
    } else if files::is_hashed(&path) {
        "public, max-age=31536000, immutable"
    } else {
        "public, max-age=3600"
    };
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_only_inline_scripts() {
        let html = "<script src=\"/a.js\"></script><script type=\"module\">\nimport x;\n</script><script>b()</script>";
        assert_eq!(inline_scripts(html), ["\nimport x;\n", "b()"]);
        let csp = content_security_policy(html);
        assert_eq!(csp.matches("'sha256-").count(), 2);
        assert!(csp.contains("'wasm-unsafe-eval'"));
    }

    #[test]
    fn recognises_trunk_hashes() {
        assert!(files::is_hashed("/app-2b6ba4ea9a1c0f4d_bg.wasm"));
        assert!(files::is_hashed("/app-2b6ba4ea9a1c0f4d.js"));
        assert!(files::is_hashed("/style-0123456789abcdef.css"));
        assert!(files::is_hashed("/main-d9a782c6862e6a6.css"), "15 digits: a leading zero dropped");
        assert!(!files::is_hashed("/index.html"));
        assert!(!files::is_hashed("/forms/road-freight-application.pdf"));
    }
}
