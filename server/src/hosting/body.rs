//! Request bodies that must keep coming: a body that sends nothing for
//! [`Pace::idle`] (a phone that lost its signal), or that falls below
//! [`Pace::min_bytes_per_sec`] on average after [`Pace::grace`] (a client
//! trickling a byte every half minute to hold an upload slot), is given up.

use std::time::Duration;

use tokio::time::Instant;

/// How fast a request body must come.
#[derive(Clone, Copy, Debug)]
pub struct Pace {
    pub idle: Duration,
    pub grace: Duration,
    pub min_bytes_per_sec: u64,
}

impl Default for Pace {
    fn default() -> Self {
        Self { idle: Duration::from_secs(60), grace: Duration::from_secs(30), min_bytes_per_sec: 1024 }
    }
}

/// A body under [`Pace`], keeping the inner body's size hint and end (tus
/// tells an empty creation request from one with bytes by them).
pub struct PacedBody {
    inner: axum::body::Body,
    pace: Pace,
    start: Instant,
    received: u64,
    sleep: std::pin::Pin<Box<tokio::time::Sleep>>,
}

impl PacedBody {
    pub fn new(inner: axum::body::Body, pace: Pace) -> Self {
        let start = Instant::now();
        let mut body = Self { inner, pace, start, received: 0, sleep: Box::pin(tokio::time::sleep(pace.idle)) };
        let first = body.deadline(start);
        body.sleep.as_mut().reset(first);
        body
    }

    /// The earlier of: `idle` after the last bytes, and the moment the
    /// average would fall below the minimum rate.
    fn deadline(&self, now: Instant) -> Instant {
        let rate = self.pace.min_bytes_per_sec.max(1);
        let earned = Duration::from_millis(self.received.saturating_mul(1000) / rate);
        (now + self.pace.idle).min(self.start + self.pace.grace + earned)
    }
}

impl http_body::Body for PacedBody {
    type Data = axum::body::Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<http_body::Frame<Self::Data>, Self::Error>>> {
        use std::future::Future;
        use std::task::Poll;
        let this = &mut *self;
        match std::pin::Pin::new(&mut this.inner).poll_frame(cx) {
            Poll::Ready(frame) => {
                if let Some(Ok(data)) = frame.as_ref().map(|f| f.as_ref().map(http_body::Frame::data_ref)) {
                    this.received += data.map_or(0, |d| d.len() as u64);
                }
                let next = this.deadline(Instant::now());
                this.sleep.as_mut().reset(next);
                Poll::Ready(frame)
            }
            Poll::Pending if this.sleep.as_mut().poll(cx).is_ready() => {
                tracing::info!(received = this.received, "a request body came too slowly: given up");
                Poll::Ready(Some(Err(axum::Error::new("the request body did not come fast enough"))))
            }
            Poll::Pending => Poll::Pending,
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.inner.size_hint()
    }
}

/// Middleware: every request body under [`PacedBody`].
pub async fn paced(
    axum::extract::State(pace): axum::extract::State<Pace>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let request = request.map(|body| axum::body::Body::new(PacedBody::new(body, pace)));
    next.run(request).await
}
