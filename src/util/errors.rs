//! An error and its causes as one line, each message once.
//!
//! Many errors quote their cause in their own message (`writing X: {source}`)
//! and also return it as their source; printing the whole chain would then
//! say the same thing twice. A cause whose text already ends the line is
//! left out.

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
}
