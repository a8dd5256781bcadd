//! How an answer is read: never more than the text could need, and never
//! with a key following a redirect to another origin.
//!
//! A successful answer may hold at most the audio of the longest plausible
//! clip (`max-seconds-per-char` times the characters sent, at the format's
//! byte rate, with room for base64 and JSON around it), and never more than
//! [`HARD_CEILING`]. A declared `Content-Length` beyond that is refused
//! before a byte is read; a body without one is counted while it streams
//! in and dropped the moment it passes the limit. Error bodies are read up
//! to [`ERROR_BODY_LIMIT`] only.

use reqwest::redirect::{Attempt, Policy};
use reqwest::Response;

use crate::model::{ClipFormat, PcmSample};

/// No answer is ever larger than this.
pub(crate) const HARD_CEILING: u64 = 128 << 20;
/// What is kept of an error body (the message is one line anyway).
pub(crate) const ERROR_BODY_LIMIT: u64 = 64 << 10;
/// Bytes per second of the richest WAV a speech service sends: 48 kHz,
/// two channels, 32-bit samples.
const WAV_BYTES_PER_SECOND: f64 = 48_000.0 * 2.0 * 4.0;
/// Most redirects followed (same origin only for a keyed service).
const MAX_REDIRECTS: usize = 10;

/// The largest successful answer accepted for `chars` characters.
pub(crate) fn body_limit(format: ClipFormat, chars: f64, max_seconds_per_char: f64) -> u64 {
    let bytes_per_second = match format {
        ClipFormat::Wav => WAV_BYTES_PER_SECOND,
        ClipFormat::Pcm {
            rate,
            channels,
            sample,
        } => f64::from(rate) * f64::from(channels) * sample_bytes(sample),
    };
    let seconds = max_seconds_per_char * chars + 2.0;
    // Base64 in JSON takes 4/3; headers and JSON fields a little more.
    let bytes = seconds * bytes_per_second * 1.4 + 65_536.0;
    if bytes.is_finite() {
        (bytes as u64).min(HARD_CEILING)
    } else {
        HARD_CEILING
    }
}

fn sample_bytes(sample: PcmSample) -> f64 {
    match sample {
        PcmSample::U8 => 1.0,
        PcmSample::S16le => 2.0,
        PcmSample::S24le => 3.0,
        PcmSample::S32le | PcmSample::F32le => 4.0,
    }
}

/// Why a body was not read whole.
#[derive(Debug)]
pub(crate) enum BodyError {
    TooLarge { bytes: u64, declared: bool },
    Transport(reqwest::Error),
}

impl BodyError {
    pub(crate) fn describe(bytes: u64, declared: bool, limit: u64) -> String {
        let what = if declared {
            format!("the answer declares {bytes} bytes")
        } else {
            format!("the answer passed {bytes} bytes")
        };
        format!("{what}, more than the {limit} bytes this text could need; not read")
    }
}

/// The whole body, if it stays within `limit` bytes.
pub(crate) async fn read_bounded(mut response: Response, limit: u64) -> Result<Vec<u8>, BodyError> {
    if let Some(declared) = response.content_length() {
        if declared > limit {
            return Err(BodyError::TooLarge {
                bytes: declared,
                declared: true,
            });
        }
    }
    let capacity = response
        .content_length()
        .unwrap_or(0)
        .min(limit)
        .min(1 << 20);
    let mut body = Vec::with_capacity(capacity as usize);
    while let Some(chunk) = response.chunk().await.map_err(BodyError::Transport)? {
        let total = (body.len() + chunk.len()) as u64;
        if total > limit {
            return Err(BodyError::TooLarge {
                bytes: total,
                declared: false,
            });
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// At most the first `limit` bytes of a body (an error message).
pub(crate) async fn read_prefix(mut response: Response, limit: u64) -> Vec<u8> {
    let mut body = Vec::new();
    while let Ok(Some(chunk)) = response.chunk().await {
        body.extend_from_slice(&chunk);
        if body.len() as u64 >= limit {
            body.truncate(limit as usize);
            break;
        }
    }
    body
}

/// A redirect a keyed service is not followed on.
#[derive(Debug, thiserror::Error)]
#[error("redirected from {from} to {to}, another origin")]
pub(crate) struct CrossOrigin {
    pub(crate) from: String,
    pub(crate) to: String,
}

/// For services with a key: redirects within the origin the request was
/// sent to are followed, one to another origin is an error (the key would
/// go with it, whatever header carries it).
pub(crate) fn keyed_redirect_policy() -> Policy {
    Policy::custom(|attempt: Attempt| {
        let first = attempt.previous()[0].origin();
        let next = attempt.url().origin();
        if next != first {
            let error = CrossOrigin {
                from: first.ascii_serialization(),
                to: next.ascii_serialization(),
            };
            attempt.error(error)
        } else if attempt.previous().len() > MAX_REDIRECTS {
            attempt.error("too many redirects")
        } else {
            attempt.follow()
        }
    })
}

/// The refused redirect behind a transport error, if that is what it is.
pub(crate) fn cross_origin(error: &reqwest::Error) -> Option<&CrossOrigin> {
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        if let Some(found) = cause.downcast_ref::<CrossOrigin>() {
            return Some(found);
        }
        source = cause.source();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_follow_the_text_and_the_format_and_stop_at_the_ceiling() {
        let short = body_limit(ClipFormat::Wav, 10.0, 2.0);
        assert!(short > (22.0 * WAV_BYTES_PER_SECOND) as u64, "{short}");
        assert!(short < 16 << 20, "{short}");
        let pcm = ClipFormat::Pcm {
            rate: 24_000,
            channels: 1,
            sample: PcmSample::S16le,
        };
        assert!(body_limit(pcm, 10.0, 2.0) < short / 4);
        assert_eq!(body_limit(ClipFormat::Wav, 1e6, 2.0), HARD_CEILING);
        assert_eq!(
            body_limit(ClipFormat::Wav, 1.0, f64::INFINITY),
            HARD_CEILING
        );
    }
}
