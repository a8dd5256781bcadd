//! Test support: a temporary project builder and fake TTS services.

pub mod dev;
pub mod fake;
pub mod faults;
pub mod project;
pub mod recorder;
pub mod transcriber;
pub mod whisper;

pub use fake::{FakeService, Reply};
pub use project::Project;

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
