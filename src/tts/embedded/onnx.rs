//! ONNX Runtime for the neural engines: the shared library loaded once per
//! process from the path found at start-up, sessions built from model
//! files, and the float audio they return written as 16-bit WAV.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use ort::session::Session;

static RUNTIME: OnceLock<Result<PathBuf, String>> = OnceLock::new();

/// Load the library at `path` into the process (the first call decides;
/// later calls with another path get the first one's outcome).
pub(super) fn init(path: &Path) -> Result<(), String> {
    let loaded = RUNTIME.get_or_init(|| {
        let builder = ort::init_from(path).map_err(|e| {
            format!(
                "cannot load the ONNX Runtime library {}: {e}",
                path.display()
            )
        })?;
        builder.with_name("briefcast").commit();
        Ok(path.to_owned())
    });
    loaded.as_ref().map(|_| ()).map_err(Clone::clone)
}

/// A session over `model`, one intra-op thread per core: requests take
/// turns on it (the server runs no more syntheses than there are cores).
pub(super) fn session(runtime: &Path, model: &Path) -> Result<Mutex<Session>, String> {
    init(runtime)?;
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    let session = Session::builder()
        .and_then(|b| b.with_intra_threads(threads).map_err(Into::into))
        .and_then(|mut b| b.commit_from_file(model))
        .map_err(|e| format!("cannot load the model {}: {e}", model.display()))?;
    Ok(Mutex::new(session))
}

/// Mono float samples as a 16-bit PCM WAV file (clipped, rounded: the same
/// samples always give the same bytes).
pub(super) fn wav(samples: &[f32], rate: u32) -> Result<Vec<u8>, String> {
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: rate,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut out = std::io::Cursor::new(Vec::with_capacity(44 + samples.len() * 2));
    let mut writer = hound::WavWriter::new(&mut out, spec).map_err(|e| e.to_string())?;
    for &s in samples {
        let s = if s.is_finite() { s } else { 0.0 };
        let v = (s.clamp(-1.0, 1.0) * 32767.0).round() as i16;
        writer.write_sample(v).map_err(|e| e.to_string())?;
    }
    writer.finalize().map_err(|e| e.to_string())?;
    Ok(out.into_inner())
}
