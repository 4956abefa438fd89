//! The style gates of `cargo xtask test`: rustfmt-clean, the app's `view!`
//! macros leptosfmt-clean (rustfmt leaves macro bodies alone), and clippy-clean
//! with `-D warnings`, over every crate and target of the workspace; and no
//! import cycles among modules (`modgraph`).

use std::path::Path;
use std::process::Command;

use anyhow::bail;

/// Every gate over the workspace at `root`; the first failure says what to run.
pub fn check(root: &Path) -> anyhow::Result<()> {
    fmt(root)?;
    crate::modgraph::check(root)?;
    views(root)?;
    clippy(root)
}

/// The `view!` macros of `app/src` as leptosfmt writes them (`leptosfmt.toml`).
pub fn views(root: &Path) -> anyhow::Result<()> {
    crate::tools::ensure_leptosfmt()?;
    let status = Command::new("leptosfmt")
        .args(["--quiet", "--check", "--config-file", "leptosfmt.toml", "app/src"])
        .current_dir(root)
        .status()?;
    if !status.success() {
        bail!(
            "leptosfmt found view! macros that are not formatted: run `leptosfmt -c leptosfmt.toml app/src`, \
             then `cargo fmt --all`, and commit"
        );
    }
    Ok(())
}

pub fn fmt(root: &Path) -> anyhow::Result<()> {
    let status = Command::new("cargo").args(["fmt", "--all", "--check"]).current_dir(root).status()?;
    if !status.success() {
        bail!("cargo fmt --all --check found code that is not formatted: run `cargo fmt --all` and commit");
    }
    Ok(())
}

pub fn clippy(root: &Path) -> anyhow::Result<()> {
    let status = Command::new("cargo")
        .args(["clippy", "--workspace", "--all-targets", "--", "-D", "warnings"])
        .current_dir(root)
        .status()?;
    if !status.success() {
        bail!("cargo clippy --workspace --all-targets -- -D warnings found warnings: fix them (see above)");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A throwaway crate outside the workspace, with its own target directory.
    fn probe(source: &str) -> std::path::PathBuf {
        use std::sync::atomic::{AtomicU32, Ordering};
        static N: AtomicU32 = AtomicU32::new(0);
        let dir = std::env::temp_dir().join(format!(
            "bianmin-lint-probe-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(dir.join("src")).unwrap();
        std::fs::write(
            dir.join("Cargo.toml"),
            "[package]\nname = \"lint-probe\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\n[workspace]\n",
        )
        .unwrap();
        std::fs::write(dir.join("src/lib.rs"), source).unwrap();
        dir
    }

    #[test]
    fn the_gates_fail_on_unformatted_code_and_on_a_clippy_warning() {
        let unformatted = probe("pub fn answer( )->u32{ 42 }\n");
        assert!(fmt(&unformatted).is_err(), "unformatted code fails the gate");
        // The same clippy invocation as the gate, in the probe's own target directory.
        let clippy_passes = |dir: &Path| {
            Command::new("cargo")
                .args(["clippy", "--all-targets", "--", "-D", "warnings"])
                .env("CARGO_TARGET_DIR", dir.join("target"))
                .current_dir(dir)
                // The probe's expected errors would only confuse the log.
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .status()
                .unwrap()
                .success()
        };
        let warned = probe("pub fn answer() -> u32 {\n    return 42;\n}\n");
        assert!(fmt(&warned).is_ok());
        assert!(!clippy_passes(&warned), "a clippy warning (needless return) fails the gate");
        let clean = probe("pub fn answer() -> u32 {\n    42\n}\n");
        assert!(fmt(&clean).is_ok());
        assert!(clippy_passes(&clean), "clean code passes both");
        for dir in [unformatted, warned, clean] {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}
