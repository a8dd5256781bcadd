//! A deadline for writing an answer: a connection whose writes are still
//! waiting for the client when the deadline passes fails with `TimedOut`,
//! so hyper closes it and the answer it held is dropped. Reads are left
//! alone (hyper's own header timeout and the body deadline bound them).

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::{Instant, Sleep};

/// When the answer being written must be out; shared between a
/// connection's service (which arms it) and its socket (which obeys it).
#[derive(Debug, Default)]
pub(super) struct WriteDeadline(Mutex<Option<Instant>>);

impl WriteDeadline {
    /// The answer just made must be written within `within`.
    pub(super) fn arm(&self, within: Duration) {
        *self.lock() = Some(Instant::now() + within);
    }

    /// Nothing is being written.
    pub(super) fn disarm(&self) {
        *self.lock() = None;
    }

    fn at(&self) -> Option<Instant> {
        *self.lock()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<Instant>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// A socket whose writes obey a [`WriteDeadline`].
pub(super) struct Deadlined<IO> {
    io: IO,
    deadline: Arc<WriteDeadline>,
    /// Wakes a write that waits for the client at the deadline.
    timer: Pin<Box<Sleep>>,
}

impl<IO> Deadlined<IO> {
    pub(super) fn new(io: IO, deadline: Arc<WriteDeadline>) -> Deadlined<IO> {
        Deadlined {
            io,
            deadline,
            timer: Box::pin(tokio::time::sleep(Duration::ZERO)),
        }
    }

    /// `poll` as it is while the deadline has not passed; a write still
    /// waiting once it has is an error.
    fn bounded<T>(
        &mut self,
        cx: &mut Context<'_>,
        poll: Poll<io::Result<T>>,
    ) -> Poll<io::Result<T>> {
        if poll.is_ready() {
            return poll;
        }
        let Some(at) = self.deadline.at() else {
            return Poll::Pending;
        };
        if self.timer.deadline() != at {
            self.timer.as_mut().reset(at);
        }
        match self.timer.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(Err(io::Error::new(
                io::ErrorKind::TimedOut,
                "the client did not read its answer in time",
            ))),
            Poll::Pending => Poll::Pending,
        }
    }
}

impl<IO: AsyncRead + Unpin> AsyncRead for Deadlined<IO> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_read(cx, buf)
    }
}

impl<IO: AsyncWrite + Unpin> AsyncWrite for Deadlined<IO> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let poll = Pin::new(&mut this.io).poll_write(cx, buf);
        this.bounded(cx, poll)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let poll = Pin::new(&mut this.io).poll_write_vectored(cx, bufs);
        this.bounded(cx, poll)
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let poll = Pin::new(&mut this.io).poll_flush(cx);
        this.bounded(cx, poll)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let poll = Pin::new(&mut this.io).poll_shutdown(cx);
        this.bounded(cx, poll)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    #[tokio::test]
    async fn a_write_the_reader_never_takes_fails_at_the_deadline() {
        // A pipe holding 1 KiB: the answer cannot all fit.
        let (near, mut far) = tokio::io::duplex(1024);
        let deadline = Arc::new(WriteDeadline::default());
        let mut socket = Deadlined::new(near, Arc::clone(&deadline));
        deadline.arm(Duration::from_millis(50));
        let answer = vec![7u8; 64 * 1024];
        let written = tokio::time::timeout(Duration::from_secs(10), socket.write_all(&answer))
            .await
            .expect("the deadline ends the write");
        assert_eq!(written.unwrap_err().kind(), io::ErrorKind::TimedOut);

        // Disarmed, a write waits for its reader as long as it takes.
        deadline.disarm();
        let mut socket = Deadlined::new(socket.io, Arc::clone(&deadline));
        let reader = tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(100)).await;
            let mut all = Vec::new();
            far.read_to_end(&mut all).await.map(|_| all.len())
        });
        socket.write_all(&answer).await.unwrap();
        socket.shutdown().await.unwrap();
        drop(socket);
        // What the first write got out before its deadline, then all of it.
        assert!(reader.await.unwrap().unwrap() >= answer.len());
    }
}
