//! Requests that carry a key: a redirect to another origin is refused (the
//! key would go with it, whatever header carries it), and a transport
//! error is told in one line with its causes.

use reqwest::redirect::{Attempt, Policy};

use super::{error_chain, Redactor};

/// Most redirects followed (same origin only for a keyed service).
const MAX_REDIRECTS: usize = 10;

/// A redirect a keyed service is not followed on.
#[derive(Debug, thiserror::Error)]
#[error("redirected from {from} to {to}, another origin")]
pub struct CrossOrigin {
    pub from: String,
    pub to: String,
}

/// For services with a key: redirects within the origin the request was
/// sent to are followed, one to another origin is an error (the key would
/// go with it, whatever header carries it).
pub fn keyed_redirect_policy() -> Policy {
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

/// What went wrong on the way to a service, for a stage to put in its own
/// error type: the same three cases for every client.
#[derive(Debug)]
pub enum TransportFailure {
    /// A keyed request redirected to another origin (not followed).
    CrossOrigin {
        from: String,
        to: String,
    },
    Timeout,
    /// Anything else, in one line with its causes, the key redacted.
    Network(String),
}

impl TransportFailure {
    pub fn of(error: &reqwest::Error, redactor: Option<&Redactor>) -> TransportFailure {
        if let Some(refused) = cross_origin(error) {
            return TransportFailure::CrossOrigin {
                from: refused.from.clone(),
                to: refused.to.clone(),
            };
        }
        if error.is_timeout() {
            return TransportFailure::Timeout;
        }
        let message = error_chain(error);
        TransportFailure::Network(match redactor {
            Some(redactor) => redactor.redact(&message),
            None => message,
        })
    }
}

/// The refused redirect behind a transport error, if that is what it is.
pub fn cross_origin(error: &reqwest::Error) -> Option<&CrossOrigin> {
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        if let Some(found) = cause.downcast_ref::<CrossOrigin>() {
            return Some(found);
        }
        source = cause.source();
    }
    None
}
