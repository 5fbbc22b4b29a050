//! What the binary's integration tests share: the repository root and a fake archive serving
//! `tests/fixtures/demo` on 127.0.0.1 for the duration of a test.

#![allow(dead_code)] // Each test binary uses its own part of this module.

pub mod corpus_archive;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use fake_wayback::{FakeWayback, FixtureSet};

/// The repository root.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A fake archive running on its own thread for the duration of a test.
pub struct Archive {
    server: Option<FakeWayback>,
    runtime: tokio::runtime::Runtime,
}

impl Archive {
    /// Serves `tests/fixtures/demo`.
    pub fn demo() -> Archive {
        Archive::serving(
            FixtureSet::load(&repo().join("tests/fixtures/demo")).expect("demo fixtures"),
        )
    }

    /// Serves the given captures.
    pub fn serving(set: FixtureSet) -> Archive {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("runtime");
        let server = runtime.block_on(FakeWayback::start(set)).expect("server");
        Archive {
            server: Some(server),
            runtime,
        }
    }

    /// The running server.
    pub fn server(&self) -> &FakeWayback {
        self.server.as_ref().expect("running")
    }

    /// Its base URL.
    pub fn url(&self) -> String {
        self.server().base_url()
    }
}

impl Drop for Archive {
    fn drop(&mut self) {
        if let Some(server) = self.server.take() {
            self.runtime.block_on(server.shutdown());
        }
    }
}

/// Bytes as text, for assertion messages.
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// `crawler` with the environment that could change its behaviour removed.
pub fn crawler() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_crawler"));
    command
        .env_remove("CRAWLER_ARCHIVE")
        .env_remove("CRAWLER_CONFIG")
        .env_remove("CRAWLER_DB")
        .env_remove("CRAWLER_DOMAINS_FILE")
        .env_remove("RUST_LOG")
        .env_remove("NO_COLOR");
    command
}

/// Crawls the demo archive's domains into `db` with fast limits; panics unless it succeeds.
pub fn crawl_demo(archive: &Archive, dir: &Path, db: &Path) {
    crawl_domains(
        archive,
        dir,
        db,
        &repo().join("tests/fixtures/demo/domains.txt"),
    );
}

/// Runs SQL on a store through the system sqlite3 (`.ci/run` installs it): writes the tool
/// itself would never make.
pub fn sqlite3_write(db: &Path, sql: &str) {
    let output = Command::new("sqlite3")
        .arg(db)
        .arg(sql)
        .output()
        .expect("the system sqlite3 runs (.ci/run installs it)");
    assert!(output.status.success(), "{}", text(&output.stderr));
}

/// The canonical dump of a store ([`store::Store::write_canonical_dump`]).
pub fn dump(db: &Path) -> String {
    let store = store::Store::open_read_only(db).expect("store opens");
    let mut out = Vec::new();
    store.write_canonical_dump(&mut out).expect("dump");
    String::from_utf8(out).expect("utf-8")
}

/// Writes `dir/fast-crawl.toml`, a configuration with rate limits fit for a loopback archive,
/// and gives its path.
pub fn fast_config(dir: &Path) -> PathBuf {
    let config = dir.join("fast-crawl.toml");
    std::fs::write(
        &config,
        "[archive]\ncdx_requests_per_minute = 6000\nplayback_requests_per_second = 200.0\nretry_base_delay = 0.02\n",
    )
    .expect("write config");
    config
}

/// Crawls the domains listed in `domains_file` from `archive` into `db` with fast limits; panics
/// unless it succeeds.
pub fn crawl_domains(archive: &Archive, dir: &Path, db: &Path, domains_file: &Path) {
    crawl_domains_with(archive, dir, db, domains_file, &[]);
}

/// [`crawl_domains`] with more `crawl` arguments (`--resolution 30d`...).
pub fn crawl_domains_with(
    archive: &Archive,
    dir: &Path,
    db: &Path,
    domains_file: &Path,
    crawl_args: &[&str],
) {
    let config = fast_config(dir);
    let output = crawler()
        .arg("--config")
        .arg(&config)
        .arg("--archive")
        .arg(archive.url())
        .arg("--db")
        .arg(db)
        .arg("crawl")
        .arg("--domains-file")
        .arg(domains_file)
        .args(crawl_args)
        .output()
        .expect("crawler runs");
    assert!(output.status.success(), "{}", text(&output.stderr));
}

/// `crawler export --format markdown --out out` of `db`; panics unless it succeeds.
pub fn export_markdown(db: &Path, out: &Path) {
    let output = crawler()
        .arg("--db")
        .arg(db)
        .arg("export")
        .arg("--format")
        .arg("markdown")
        .arg("--out")
        .arg(out)
        .output()
        .expect("crawler runs");
    assert!(output.status.success(), "{}", text(&output.stderr));
}

/// The pywb virtualenv (`tools/pywb-env/venv`, or `CRAWLER_PYWB_VENV`) when it holds each of
/// `tools` under `bin/`. Without them the test is skipped, unless `CRAWLER_REQUIRE_PYWB=1` (as
/// `.ci/run` sets), when it fails.
pub fn pywb_venv(tools: &[&str]) -> Option<PathBuf> {
    let venv = std::env::var_os("CRAWLER_PYWB_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join("tools/pywb-env/venv"));
    let missing: Vec<&str> = tools
        .iter()
        .copied()
        .filter(|tool| !venv.join("bin").join(tool).is_file())
        .collect();
    if missing.is_empty() {
        return Some(venv);
    }
    assert!(
        std::env::var("CRAWLER_REQUIRE_PYWB").as_deref() != Ok("1"),
        "{missing:?} required (CRAWLER_REQUIRE_PYWB=1) but missing from {}/bin: run tools/setup-pywb.sh",
        venv.display()
    );
    None
}

/// Runs `command` and asserts it succeeded (its output in the message otherwise).
pub fn run_ok(command: &mut Command) -> Output {
    let output = command.output().expect("command runs");
    assert!(
        output.status.success(),
        "{command:?} failed: {}{}",
        text(&output.stdout),
        text(&output.stderr)
    );
    output
}
