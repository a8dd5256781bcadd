//! The embedded service's accept loop, bounded so no client can hold it:
//! at most `max_connections` connections are served at once (later ones
//! wait in the listen queue instead of taking file descriptors), and each
//! phase of a request has a deadline after which the connection is closed
//! and its slot is free again:
//!
//! - `header_timeout`: the request head (and, on a kept-alive connection,
//!   the next one), so idle half-sent requests cannot hold the server; the
//!   token check only runs once headers are in;
//! - `body_timeout`: the whole request body, counted from the head's
//!   arrival; it is read before the handler runs, at most `body_limit` + 1
//!   bytes (the handler answers a larger one with 413), so a client
//!   trickling its body a byte at a time is answered 408;
//! - `write_timeout`: the whole answer, counted from when it is ready; a
//!   client that does not read it loses the connection, and the answer's
//!   memory is freed with it ([`deadline`]).
//!
//! A connection thus holds at most its read buffer, the body limit and one
//! answer (bounded by the text limit), each for a bounded time.

mod deadline;

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::http::{header, HeaderValue, Request, StatusCode};
use axum::response::Response;
use axum::Router;
use futures::StreamExt;
use hyper::body::Incoming;
use hyper::service::Service as _;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

use self::deadline::{Deadlined, WriteDeadline};

/// How many clients, and how patiently.
#[derive(Debug, Clone, Copy)]
pub struct ConnectionLimits {
    pub max_connections: usize,
    /// To send a request head.
    pub header_timeout: Duration,
    /// To send the whole request body, once the head is in.
    pub body_timeout: Duration,
    /// To read the whole answer, once it is ready.
    pub write_timeout: Duration,
    /// Request body bytes read; the handler refuses a larger body.
    pub body_limit: usize,
}

impl Default for ConnectionLimits {
    fn default() -> Self {
        ConnectionLimits {
            max_connections: 256,
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(10),
            write_timeout: Duration::from_secs(60),
            body_limit: super::embedded::BODY_LIMIT,
        }
    }
}

/// Room for a request head beside the body in a connection's read buffer.
const HEAD_ROOM: usize = 16 * 1024;

/// Serves `app` on `listener` until the task is dropped.
pub(crate) async fn serve_bounded(listener: TcpListener, app: Router, limits: ConnectionLimits) {
    let slots = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    loop {
        let slot = Arc::clone(&slots)
            .acquire_owned()
            .await
            .expect("never closed");
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            Err(error) => {
                // Out of descriptors or a reset before accept: wait, go on.
                tracing::debug!("accept failed: {error}");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let app = app.clone();
        tokio::spawn(async move {
            let _slot = slot;
            let deadline = Arc::new(WriteDeadline::default());
            let io = TokioIo::new(Deadlined::new(stream, Arc::clone(&deadline)));
            let service = hyper::service::service_fn(move |request: Request<Incoming>| {
                let (app, deadline) = (app.clone(), Arc::clone(&deadline));
                async move {
                    // A new request: the last answer was written.
                    deadline.disarm();
                    let response = answer(app, request, limits).await;
                    deadline.arm(limits.write_timeout);
                    Ok::<_, Infallible>(response)
                }
            });
            let connection = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(limits.header_timeout)
                .max_buf_size((limits.body_limit + HEAD_ROOM).max(8192))
                .serve_connection(io, service);
            if let Err(error) = connection.await {
                tracing::debug!("connection ended: {error}");
            }
        });
    }
}

/// The app's answer to `request`, once its body is in within the deadline;
/// else 408, and the connection is closed.
async fn answer(app: Router, request: Request<Incoming>, limits: ConnectionLimits) -> Response {
    let (parts, body) = request.into_parts();
    let read = read_body(body, limits.body_limit);
    let body = match tokio::time::timeout(limits.body_timeout, read).await {
        Ok(Ok(body)) => body,
        Ok(Err(error)) => {
            // The client went away mid-body: no one reads the answer.
            tracing::debug!("request body: {error}");
            let mut response = super::embedded::error(
                StatusCode::BAD_REQUEST,
                "the request body was cut off".into(),
            );
            close(&mut response);
            return response;
        }
        Err(_) => {
            let mut response = super::embedded::error(
                StatusCode::REQUEST_TIMEOUT,
                format!(
                    "the request body did not arrive within {} ms",
                    limits.body_timeout.as_millis()
                ),
            );
            close(&mut response);
            return response;
        }
    };
    let request = Request::from_parts(parts, Body::from(body));
    match TowerToHyperService::new(app).call(request).await {
        Ok(response) => response,
        Err(never) => match never {},
    }
}

/// Asks hyper to close the connection once `response` is written.
fn close(response: &mut Response) {
    (response.headers_mut()).insert(header::CONNECTION, HeaderValue::from_static("close"));
}

/// The body's bytes, at most `limit` + 1 of them: one more than the limit
/// is enough for the handler to refuse it, and nothing more is held.
async fn read_body(body: Incoming, limit: usize) -> Result<Vec<u8>, axum::Error> {
    let mut stream = Body::new(body).into_data_stream();
    let mut bytes = Vec::new();
    while let Some(chunk) = stream.next().await {
        bytes.extend_from_slice(&chunk?);
        if bytes.len() > limit {
            bytes.truncate(limit + 1);
            break;
        }
    }
    Ok(bytes)
}
