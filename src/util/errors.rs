//! An error and its causes as one line, each message once.
//!
//! Many errors quote their cause in their own message (`writing X: {source}`)
//! and also return it as their source; printing the whole chain would then
//! say the same thing twice. A cause whose text already ends the line is
//! left out.
//!
//! Errors are the user's to fix (exit code 2) unless marked [`Internal`]:
//! briefcast's own failures or the machine's (a panicked task, the async
//! runtime, a file the build keeps for itself that cannot be written),
//! exit code 3.

/// `error: cause: cause`, every cause after it that the line does not yet end with.
pub fn error_chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut causes = Vec::new();
    let mut source = error.source();
    while let Some(cause) = source {
        causes.push(cause.to_string());
        source = cause.source();
    }
    joined(error.to_string(), causes)
}

/// [`error_chain`] for an `anyhow::Error` and the contexts around it.
pub fn anyhow_chain(error: &anyhow::Error) -> String {
    let mut messages = error.chain().map(ToString::to_string);
    let first = messages.next().unwrap_or_default();
    joined(first, messages.collect())
}

/// The mark of an error that is not the user's input: see the module notes.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct Internal(pub String);

/// Whether `error`, or any context around it, is marked [`Internal`].
pub fn is_internal(error: &anyhow::Error) -> bool {
    error.chain().any(|e| e.is::<Internal>()) || error.downcast_ref::<Internal>().is_some()
}

/// `.internal("what failed")`: context that marks the error [`Internal`].
pub trait InternalContext<T> {
    fn internal(self, what: &str) -> anyhow::Result<T>;
}

impl<T, E> InternalContext<T> for Result<T, E>
where
    E: std::error::Error + Send + Sync + 'static,
{
    fn internal(self, what: &str) -> anyhow::Result<T> {
        anyhow::Context::context(self, Internal(what.to_owned()))
    }
}

/// The one multi-threaded async runtime a command runs its network work on.
pub fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .internal("cannot start the async runtime")
}

fn joined(mut line: String, causes: Vec<String>) -> String {
    for cause in causes {
        if !line.ends_with(&cause) {
            line = format!("{line}: {cause}");
        }
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, thiserror::Error)]
    #[error("writing episode.wav: {source}")]
    struct Quoting {
        source: std::io::Error,
    }

    #[test]
    fn a_cause_quoted_by_its_error_is_said_once() {
        let io = || std::io::Error::new(std::io::ErrorKind::StorageFull, "No space left on device");
        let error = Quoting { source: io() };
        assert_eq!(
            error_chain(&error),
            "writing episode.wav: No space left on device"
        );
        let wrapped = anyhow::Error::new(Quoting { source: io() }).context("liuzhou");
        assert_eq!(
            anyhow_chain(&wrapped),
            "liuzhou: writing episode.wav: No space left on device"
        );
        let plain = anyhow::Error::new(io()).context("writing episode.wav");
        assert_eq!(
            anyhow_chain(&plain),
            "writing episode.wav: No space left on device"
        );
    }

    #[test]
    fn internal_errors_are_marked_through_further_context() {
        let io = std::io::Error::new(std::io::ErrorKind::StorageFull, "No space left on device");
        let failed: Result<(), _> = Err(io);
        let error = failed
            .internal("cannot write audio/manifest.json")
            .unwrap_err();
        assert!(is_internal(&error));
        assert!(is_internal(&error.context("build")));
        let user = anyhow::anyhow!("voices.toml:3:1: unknown key");
        assert!(!is_internal(&user.context("build")));
    }
}
