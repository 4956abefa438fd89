//! Installing what the build needs, from the package registries only.
//!
//! Trunk runs offline and finds wasm-bindgen and wasm-opt on PATH; this module
//! makes sure the right versions are there. Debian's binaryen (wasm-opt 108)
//! produces wasm that Chromium rejects, so wasm-opt comes from the npm package
//! `binaryen`, pinned in `xtask/package.json` (with terser, see `minify`).

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, bail};

use crate::sh::{output_of, root, run};

pub const TRUNK_VERSION: &str = "0.21.14";

/// Everything `cargo xtask build` needs; returns the PATH to run Trunk with.
pub fn ensure_build_tools() -> anyhow::Result<String> {
    ensure_wasm_target()?;
    ensure_cargo_tool("trunk", "trunk", TRUNK_VERSION, &["--locked"])?;
    let bindgen = wasm_bindgen_version()?;
    ensure_cargo_tool("wasm-bindgen", "wasm-bindgen-cli", &bindgen, &[])?;
    let node_bin = ensure_npm_packages(&root().join("xtask"))?;
    let path = std::env::var("PATH").unwrap_or_default();
    Ok(format!("{}:{}", node_bin.display(), path))
}

fn ensure_wasm_target() -> anyhow::Result<()> {
    let installed = output_of(Command::new("rustup").args(["target", "list", "--installed"]))?;
    if !installed.lines().any(|l| l.trim() == "wasm32-unknown-unknown") {
        run(Command::new("rustup").args(["target", "add", "wasm32-unknown-unknown"]))?;
    }
    Ok(())
}

/// `cargo install` a tool unless `<binary> --version` already shows `version`.
fn ensure_cargo_tool(binary: &str, krate: &str, version: &str, extra: &[&str]) -> anyhow::Result<()> {
    let current = Command::new(binary).arg("--version").output().ok().filter(|o| o.status.success());
    if let Some(out) = current
        && String::from_utf8_lossy(&out.stdout).split_whitespace().any(|word| word == version)
    {
        return Ok(());
    }
    eprintln!("xtask: installing {krate} {version} (once; this takes a few minutes)");
    run(Command::new("cargo").args(["install", krate, "--version", version]).args(extra))
}

/// leptosfmt, for the `view!` gate.
pub fn ensure_leptosfmt() -> anyhow::Result<()> {
    ensure_cargo_tool("leptosfmt", "leptosfmt", "0.1.33", &["--locked"])
}

/// The wasm-bindgen version in Cargo.lock: the CLI must match it exactly.
pub fn wasm_bindgen_version() -> anyhow::Result<String> {
    let lock = std::fs::read_to_string(root().join("Cargo.lock")).context("reading Cargo.lock")?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line == "name = \"wasm-bindgen\""
            && let Some(version) = lines.next().and_then(|l| l.strip_prefix("version = \""))
        {
            return Ok(version.trim_end_matches('"').to_owned());
        }
    }
    bail!("Cargo.lock has no wasm-bindgen entry")
}

/// `npm ci` in `dir` when its node_modules is missing or stale; returns its `.bin`.
pub fn ensure_npm_packages(dir: &Path) -> anyhow::Result<PathBuf> {
    if Command::new("npm").arg("--version").output().is_err() {
        bail!(
            "npm was not found. Install Node.js 20 or newer (Debian: apt-get install nodejs npm), then run this again."
        );
    }
    let modules = dir.join("node_modules");
    let stamp = modules.join(".package-lock.json");
    let lock = dir.join("package-lock.json");
    let fresh = match (std::fs::metadata(&stamp), std::fs::metadata(&lock)) {
        (Ok(s), Ok(l)) => s.modified()? >= l.modified()?,
        _ => false,
    };
    if !fresh {
        run(Command::new("npm").args(["ci", "--no-audit", "--no-fund"]).current_dir(dir))?;
    }
    Ok(modules.join(".bin"))
}

/// A Chinese font, so pages render (and measure) as applicants see them.
const CJK_FONT: &str = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc";

/// The Chinese font the statutory documents' PDFs embed (the server's default
/// `--document-font`); installed with apt-get when we are root, else said.
pub fn ensure_cjk_font() -> anyhow::Result<()> {
    if Path::new(CJK_FONT).exists() {
        return Ok(());
    }
    let root_user = output_of(Command::new("id").arg("-u")).map(|id| id.trim() == "0").unwrap_or(false);
    if !root_user {
        eprintln!(
            "xtask: the Chinese font for the documents' PDFs is missing (sudo apt-get install fonts-noto-cjk); \
             until then documents print as web pages only"
        );
        return Ok(());
    }
    eprintln!("xtask: installing Debian's fonts-noto-cjk for the documents' PDFs");
    run(Command::new("apt-get").arg("update"))?;
    run(Command::new("apt-get")
        .args(["install", "-y", "--no-install-recommends", "fonts-noto-cjk"])
        .env("DEBIAN_FRONTEND", "noninteractive"))
}

/// Debian's Chromium and a Chinese font for the end-to-end tests; installed with
/// apt-get when we are root.
pub fn ensure_chromium() -> anyhow::Result<PathBuf> {
    let path = PathBuf::from("/usr/bin/chromium");
    if path.exists() && Path::new(CJK_FONT).exists() {
        return Ok(path);
    }
    let root_user = output_of(Command::new("id").arg("-u")).map(|id| id.trim() == "0").unwrap_or(false);
    if !root_user {
        bail!(
            "Chromium or the Chinese font is missing. Install them (sudo apt-get install chromium fonts-noto-cjk), then run this again."
        );
    }
    eprintln!("xtask: installing Debian's chromium for the end-to-end tests");
    run(Command::new("apt-get").arg("update"))?;
    run(Command::new("apt-get")
        .args(["install", "-y", "--no-install-recommends", "chromium", "fonts-noto-cjk"])
        .env("DEBIAN_FRONTEND", "noninteractive"))?;
    Ok(path)
}

/// ClamAV's daemon for the virus-scanning tests (they run it with a signature
/// database they write themselves); installed with apt-get when we are root.
pub fn ensure_clamd() -> anyhow::Result<()> {
    if Path::new("/usr/sbin/clamd").exists() {
        return Ok(());
    }
    let root_user = output_of(Command::new("id").arg("-u")).map(|id| id.trim() == "0").unwrap_or(false);
    if !root_user {
        bail!("clamd is missing. Install it (sudo apt-get install clamav-daemon), then run this again.");
    }
    eprintln!("xtask: installing Debian's clamav-daemon for the virus-scanning tests");
    run(Command::new("apt-get").arg("update"))?;
    run(Command::new("apt-get")
        .args(["install", "-y", "--no-install-recommends", "clamav-daemon"])
        .env("DEBIAN_FRONTEND", "noninteractive"))?;
    // Debian starts it with its own (empty) database; the tests run their own.
    let _ = Command::new("systemctl").args(["disable", "--now", "clamav-daemon"]).status();
    Ok(())
}

/// The schemathesis release the schema run is pinned to.
const SCHEMATHESIS: &str = "4.32.5";

/// schemathesis from PyPI, in its own virtual environment under `target/`, so
/// the machine's Python is left as it was; returns the `st` command.
pub fn ensure_schemathesis() -> anyhow::Result<PathBuf> {
    let venv = root().join("target/schemathesis");
    let st = venv.join("bin/st");
    let installed = output_of(Command::new(&st).arg("--version")).unwrap_or_default();
    if installed.contains(SCHEMATHESIS) {
        return Ok(st);
    }
    eprintln!("xtask: installing schemathesis {SCHEMATHESIS} from PyPI into {}", venv.display());
    run(Command::new("python3").arg("-m").arg("venv").arg(&venv))
        .context("python3 with its venv module is needed for the schema run (Debian: apt-get install python3-venv)")?;
    run(Command::new(venv.join("bin/pip")).args(["install", "--quiet", &format!("schemathesis=={SCHEMATHESIS}")]))?;
    Ok(st)
}

/// The aiosmtpd release the email tests' SMTP server is pinned to.
const AIOSMTPD: &str = "1.4.6";

/// aiosmtpd from PyPI in its own virtual environment under `target/`: the real
/// SMTP server the server's email tests start; returns its Python.
pub fn ensure_aiosmtpd() -> anyhow::Result<PathBuf> {
    let venv = root().join("target/smtpd");
    let python = venv.join("bin/python");
    let installed = output_of(Command::new(&python).args(["-c", "import aiosmtpd; print(aiosmtpd.__version__)"]))
        .unwrap_or_default();
    if installed.trim() == AIOSMTPD {
        return Ok(python);
    }
    eprintln!("xtask: installing aiosmtpd {AIOSMTPD} from PyPI into {}", venv.display());
    run(Command::new("python3").arg("-m").arg("venv").arg(&venv))
        .context("python3 with its venv module is needed for the email tests (Debian: apt-get install python3-venv)")?;
    run(Command::new(venv.join("bin/pip")).args(["install", "--quiet", &format!("aiosmtpd=={AIOSMTPD}")]))?;
    Ok(python)
}
