//! The OpenAPI document tried against the server it describes: schemathesis
//! generates requests from the schema (valid ones and deliberately broken ones,
//! every check on) and fails on any answer the document does not promise, a
//! valid request refused on its shape, a broken one accepted, or a 5xx. Staff
//! routes are included with a real token, and the application routes with a
//! real application key, so the generated requests reach the handlers' rules.

use std::process::Command;

use crate::serve::Server;
use crate::sh::{root, run};
use crate::{tools, upload_bench};

/// Test cases per operation: with about 30 operations, about a minute.
const EXAMPLES: &str = "100";

/// The generator's seed: fixed, so a failing run can be repeated exactly and CI
/// does not pass or fail by chance. `BIANMIN_SCHEMA_SEED=<n>` explores other data.
const SEED: &str = "20261201";

pub fn run_schema_checks() -> anyhow::Result<()> {
    let st = tools::ensure_schemathesis()?;
    let server = Server::start("schemathesis")?;
    let token = server.staff_token("县交通运输局")?;
    let key = upload_bench::application_key(server.port)?;
    println!("xtask: schemathesis against {}/api/openapi.json", server.url());
    run(Command::new(st)
        .arg("--config-file")
        .arg(root().join("xtask/schemathesis.toml"))
        .args(["run", &format!("{}/api/openapi.json", server.url())])
        .args(["--checks", "all", "--max-examples", EXAMPLES, "--workers", "2", "--no-color"])
        .args(["--seed", &std::env::var("BIANMIN_SCHEMA_SEED").unwrap_or_else(|_| SEED.to_owned())])
        .args(["--header", &format!("Authorization: Bearer {token}")])
        .env("BIANMIN_SCHEMA_APPLICATION_KEY", key)
        .current_dir(root()))
}
