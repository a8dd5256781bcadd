//! `briefcast serve`: the embedded speech service on its own, until Ctrl-C.

use std::process::ExitCode;
use std::time::Duration;

use anyhow::{bail, Context, Result};

use crate::cli::ServeArgs;
use crate::{text, tts};

pub(crate) fn execute(args: ServeArgs) -> Result<ExitCode> {
    let mut options = tts::embedded::ServeOptions {
        text_limit: args.text_limit as usize,
        process_timeout: Duration::from_millis(args.timeout_ms),
        connections: tts::listen::ConnectionLimits {
            max_connections: args.max_connections as usize,
            header_timeout: Duration::from_millis(args.header_timeout_ms),
            body_timeout: Duration::from_millis(args.body_timeout_ms),
            write_timeout: Duration::from_millis(args.write_timeout_ms),
            ..Default::default()
        },
        ..Default::default()
    };
    options.neural.runtime = args.onnxruntime.clone();
    // Hanzi sent by other tools reach the Kokoro voices through briefcast's
    // own Mandarin front end (numbers read, then pinyin with tone changes).
    options.converter = Some(tts::embedded::TextConverter(std::sync::Arc::new(
        |written: &str| {
            text::spoken_form(
                written,
                text::Normalize::Zh,
                text::Form::PinyinWords,
                &text::Lexicon::default(),
            )
        },
    )));
    if let Some(n) = args.processes {
        options.processes = n as usize;
    }
    if let Some(name) = &args.token_env {
        match std::env::var(name) {
            Ok(token) if !token.trim().is_empty() => options.token = Some(token),
            _ => bail!("--token-env {name}: the environment variable {name} is not set or empty"),
        }
    }
    if !args.addr.ip().is_loopback() {
        let guard = if options.token.is_some() {
            "requests need the token"
        } else {
            "anyone who can reach it may use it; set --token-env to require a token"
        };
        eprintln!(
            "briefcast serve: warning: {} is not a loopback address, so other machines can reach the service; {guard}",
            args.addr.ip()
        );
    }
    let version = tts::embedded::espeak_version()?;
    let runtime = crate::util::runtime()?;
    runtime.block_on(async {
        let server = tts::embedded::start_with(args.addr, options).await?;
        eprintln!(
            "briefcast serve: {version} on http://{}/v1/audio/speech (Ctrl-C to stop)",
            server.addr
        );
        tokio::signal::ctrl_c()
            .await
            .context("waiting for Ctrl-C")?;
        Ok(ExitCode::SUCCESS)
    })
}
