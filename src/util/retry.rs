//! When to try a request again, and how long to wait first: the same rules
//! for every stage that calls a service (synthesis, transcription).
//!
//! 408, 429 and 5xx, connection failures, timeouts and rejected audio are
//! retried with exponential backoff and full jitter; a server's
//! `retry-after-ms` or `Retry-After` (seconds or HTTP date) wins over the
//! computed wait; whatever it says (`1e30`, `inf`, a date in 2099) is read
//! without panicking, and the client fails a segment whose service asks for
//! more than `max-retry-after-ms`. Other 4xx fail at once.

use std::time::{Duration, SystemTime};

use reqwest::header::HeaderMap;

/// The first backoff step; doubles per attempt up to [`MAX_BACKOFF`].
pub const BASE_BACKOFF: Duration = Duration::from_millis(500);
pub const MAX_BACKOFF: Duration = Duration::from_secs(30);

/// Whether an HTTP status is worth another attempt.
pub fn is_retryable_status(status: u16) -> bool {
    matches!(status, 408 | 429) || (500..600).contains(&status)
}

/// Full jitter: a uniformly random wait in [0, min(MAX, BASE·2^attempt)].
pub fn backoff(attempt: u32) -> Duration {
    let ceiling = BASE_BACKOFF
        .saturating_mul(1u32 << attempt.min(16))
        .min(MAX_BACKOFF);
    ceiling.mul_f64(rand::random::<f64>())
}

/// A number of seconds as a wait: negative is now, beyond what a
/// `Duration` holds (`1e30`, `inf`) is [`Duration::MAX`], NaN is no wait asked.
fn wait_of(seconds: f64) -> Option<Duration> {
    if seconds.is_nan() {
        return None;
    }
    Some(Duration::try_from_secs_f64(seconds.max(0.0)).unwrap_or(Duration::MAX))
}

/// The wait a response asks for, from `retry-after-ms` or `Retry-After`,
/// as asked (the caller decides whether it is too long).
pub fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let text = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
    };
    if let Some(ms) = text("retry-after-ms").and_then(|v| v.parse::<f64>().ok()) {
        if let Some(wait) = wait_of(ms / 1000.0) {
            return Some(wait);
        }
    }
    let value = text("retry-after")?;
    match value.parse::<f64>() {
        Ok(seconds) => wait_of(seconds),
        Err(_) => Some(
            httpdate::parse_http_date(value)
                .ok()?
                .duration_since(now)
                .unwrap_or(Duration::ZERO),
        ),
    }
}

/// Runs `attempt` until it succeeds, fails for good, or `retries` more
/// attempts have failed. Each failure waits for what the server asked
/// (the attempt's second value), else [`backoff`], scaled by `time_scale`.
pub async fn with_retries<T, E, F, Fut>(
    retries: u32,
    time_scale: f64,
    retryable: impl Fn(&E) -> bool,
    mut attempt: F,
) -> Result<T, E>
where
    E: std::fmt::Display,
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = (Result<T, E>, Option<Duration>)>,
{
    let mut done = 0;
    loop {
        let (result, asked_wait) = attempt().await;
        let error = match result {
            Ok(value) => return Ok(value),
            Err(error) => error,
        };
        if !retryable(&error) || done >= retries {
            return Err(error);
        }
        let wait = asked_wait.unwrap_or_else(|| backoff(done));
        tracing::debug!("{error}; attempt {} in {wait:?}", done + 2);
        tokio::time::sleep(wait.mul_f64(time_scale)).await;
        done += 1;
    }
}

/// `BRIEFCAST_TIME_SCALE` multiplies every wait (tests shorten them); 1 by default.
pub fn time_scale() -> f64 {
    std::env::var("BRIEFCAST_TIME_SCALE")
        .ok()
        .and_then(|v| v.parse::<f64>().ok())
        .filter(|s| s.is_finite() && *s >= 0.0)
        .unwrap_or(1.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_str(value).unwrap());
        }
        map
    }

    #[test]
    fn statuses() {
        for status in [408, 429, 500, 502, 503, 599] {
            assert!(is_retryable_status(status), "{status}");
        }
        for status in [400, 401, 403, 404, 413, 422] {
            assert!(!is_retryable_status(status), "{status}");
        }
    }

    #[test]
    fn backoff_stays_under_its_ceiling() {
        for attempt in 0..40 {
            let ceiling = BASE_BACKOFF
                .saturating_mul(1 << attempt.min(16))
                .min(MAX_BACKOFF);
            assert!(backoff(attempt) <= ceiling);
        }
    }

    #[test]
    fn retry_after_forms() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000_000);
        assert_eq!(
            retry_after(&headers(&[("retry-after", "3")]), now),
            Some(Duration::from_secs(3))
        );
        assert_eq!(
            retry_after(
                &headers(&[("retry-after", "3"), ("retry-after-ms", "250")]),
                now
            ),
            Some(Duration::from_millis(250))
        );
        let date = httpdate::fmt_http_date(now + Duration::from_secs(7));
        assert_eq!(
            retry_after(&headers(&[("retry-after", &date)]), now),
            Some(Duration::from_secs(7))
        );
        assert_eq!(retry_after(&headers(&[("retry-after", "soon")]), now), None);
        assert_eq!(
            retry_after(&headers(&[("retry-after", "99999")]), now),
            Some(Duration::from_secs(99999))
        );
        for huge in ["1e20", "inf", "1e400"] {
            assert_eq!(
                retry_after(&headers(&[("retry-after", huge)]), now),
                Some(Duration::MAX),
                "{huge}"
            );
        }
        assert_eq!(
            retry_after(&headers(&[("retry-after-ms", "1e30")]), now),
            Some(Duration::MAX)
        );
        assert_eq!(
            retry_after(&headers(&[("retry-after", "-5")]), now),
            Some(Duration::ZERO)
        );
        assert_eq!(retry_after(&headers(&[("retry-after", "NaN")]), now), None);
        assert_eq!(retry_after(&HeaderMap::new(), now), None);
    }
}
