//! Test support: a temporary project builder and fake TTS services.

pub mod dev;
pub mod fake;
pub mod faults;
pub mod playout;
pub mod project;
pub mod recorder;
pub mod s3;
pub mod transcriber;
pub mod voices;
pub mod whisper;

pub use fake::{FakeService, Reply};
pub use project::Project;

/// The briefcast binary under test, with an empty voice data folder, so
/// neural voices installed on this machine change no test; a test that
/// installs voices sets `XDG_DATA_HOME` again.
pub fn briefcast() -> std::process::Command {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_briefcast"));
    command.env("XDG_DATA_HOME", no_voices());
    command
}

/// [`briefcast`] run by `prlimit` with at most `files` open files.
pub fn briefcast_with_open_files(files: u32) -> std::process::Command {
    let mut command = std::process::Command::new("prlimit");
    command
        .arg(format!("--nofile={files}:{files}"))
        .arg("--")
        .arg(env!("CARGO_BIN_EXE_briefcast"))
        .env("XDG_DATA_HOME", no_voices());
    command
}

/// A data folder with no voices installed.
fn no_voices() -> &'static std::path::Path {
    static NO_VOICES: std::sync::OnceLock<tempfile::TempDir> = std::sync::OnceLock::new();
    NO_VOICES
        .get_or_init(|| tempfile::tempdir().unwrap())
        .path()
}

/// Runs `serve(listener)` on a thread and runtime of its own, bound to an
/// ephemeral port on 127.0.0.1; returns the address once it listens.
pub fn serve_in_background<F, Fut>(serve: F) -> std::net::SocketAddr
where
    F: FnOnce(tokio::net::TcpListener) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = ()>,
{
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            tx.send(listener.local_addr().unwrap()).unwrap();
            serve(listener).await;
        });
    });
    rx.recv().unwrap()
}

/// A port on 127.0.0.1 nothing listens on (for a server about to start).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind((std::net::Ipv4Addr::LOCALHOST, 0))
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}
