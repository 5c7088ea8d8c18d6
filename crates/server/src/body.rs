//! Response bodies that help keep memory bounded: [`Chunked`] sends a buffered answer in small
//! frames, so hyper asks for the next one only when it has written the last, [`Channel`] sends
//! what another task produces (a log stream), and [`Held`]
//! keeps a permit (a concurrency slot) until the body has been sent or dropped.

use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use http_body::{Body, Frame, SizeHint};
use tokio::sync::OwnedSemaphorePermit;

/// The size of the frames a buffered answer is sent in.
pub const FRAME: usize = 16 * 1024;

/// A buffered answer, sent [`FRAME`] bytes at a time; its exact length is known, so it goes out
/// with a `Content-Length`.
pub(crate) struct Chunked {
    rest: Bytes,
}

impl Chunked {
    pub(crate) fn new(bytes: Bytes) -> Chunked {
        Chunked { rest: bytes }
    }
}

impl Body for Chunked {
    type Data = Bytes;
    type Error = std::convert::Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        if self.rest.is_empty() {
            return Poll::Ready(None);
        }
        let take = self.rest.len().min(FRAME);
        let frame = self.rest.split_to(take);
        Poll::Ready(Some(Ok(Frame::data(frame))))
    }

    fn is_end_stream(&self) -> bool {
        self.rest.is_empty()
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::with_exact(self.rest.len() as u64)
    }
}

/// `inner`, holding `permit` until the last frame has been taken or the body is dropped
/// (the client went away).
pub(crate) struct Held<B> {
    inner: B,
    permit: Option<OwnedSemaphorePermit>,
}

impl<B> Held<B> {
    pub(crate) fn new(inner: B, permit: OwnedSemaphorePermit) -> Held<B> {
        Held {
            inner,
            permit: Some(permit),
        }
    }
}

impl<B: Body + Unpin> Body for Held<B> {
    type Data = B::Data;
    type Error = B::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<B::Data>, B::Error>>> {
        let polled = Pin::new(&mut self.inner).poll_frame(cx);
        if matches!(polled, Poll::Ready(None)) {
            self.permit = None;
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// The frames another task sends; ends when that task drops its sender.
pub(crate) struct Channel {
    rx: tokio::sync::mpsc::Receiver<Bytes>,
}

impl Channel {
    pub(crate) fn new(rx: tokio::sync::mpsc::Receiver<Bytes>) -> Channel {
        Channel { rx }
    }
}

impl Body for Channel {
    type Data = Bytes;
    type Error = std::convert::Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        self.rx
            .poll_recv(cx)
            .map(|data| data.map(|data| Ok(Frame::data(data))))
    }
}
