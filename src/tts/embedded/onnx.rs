//! ONNX Runtime for the neural engines: the shared library loaded once per
//! process from the path found at start-up, with one pool of intra-op
//! threads (one per core) that every session shares; and sessions built
//! from model files.

use std::path::{Path, PathBuf};
use std::sync::{Condvar, Mutex, OnceLock};

use ort::environment::GlobalThreadPoolOptions;
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
        // One pool for the process: two syntheses at once share the cores
        // instead of each spinning up a pool of its own. Its size is what
        // each session had alone, so every run splits its work as before.
        let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
        let pool = GlobalThreadPoolOptions::default()
            .with_intra_threads(threads)
            .map_err(|e| format!("ONNX Runtime's thread pool: {e}"))?;
        builder
            .with_name("briefcast")
            .with_global_thread_pool(pool)
            .commit();
        Ok(path.to_owned())
    });
    loaded.as_ref().map(|_| ()).map_err(Clone::clone)
}

/// A session over `model`, on the process's thread pool: requests take
/// turns on it.
pub(super) fn session(runtime: &Path, model: &Path) -> Result<Mutex<Session>, String> {
    build(runtime, model, &[]).map(Mutex::new)
}

/// A session over `model`, with the intermediate tensors named in
/// `outputs` returned after the model's own outputs.
fn build(runtime: &Path, model: &Path, outputs: &[&str]) -> Result<Session, String> {
    init(runtime)?;
    let failed = |e: String| format!("cannot load the model {}: {e}", model.display());
    if outputs.is_empty() {
        return Session::builder()
            .and_then(|mut b| b.commit_from_file(model))
            .map_err(|e| failed(e.to_string()));
    }
    let bytes = fs_err::read(model).map_err(|e| failed(e.to_string()))?;
    let bytes = with_outputs(bytes, outputs);
    Session::builder()
        .and_then(|mut b| b.commit_from_memory(&bytes))
        .map_err(|e| failed(e.to_string()))
}

/// An ONNX model (a protobuf `ModelProto`) that also outputs the tensors
/// `names`: protobuf merges a repeated occurrence of a message field into
/// the first, so a `graph` (field 7) appended with only `output`s (field
/// 12, a `ValueInfoProto` with just its `name`, field 1) adds them to the
/// model's graph. Nothing else of the model changes.
pub(super) fn with_outputs(mut model: Vec<u8>, names: &[&str]) -> Vec<u8> {
    fn field(out: &mut Vec<u8>, number: u64, payload: &[u8]) {
        varint(out, number << 3 | 2);
        varint(out, payload.len() as u64);
        out.extend_from_slice(payload);
    }
    fn varint(out: &mut Vec<u8>, mut value: u64) {
        while value >= 0x80 {
            out.push(value as u8 | 0x80);
            value >>= 7;
        }
        out.push(value as u8);
    }
    let mut graph = Vec::new();
    for name in names {
        let mut value_info = Vec::new();
        field(&mut value_info, 1, name.as_bytes());
        field(&mut graph, 12, &value_info);
    }
    field(&mut model, 7, &graph);
    model
}

/// Sessions over one model, as many as may run at once: a run takes an idle
/// one, or builds another while fewer than `most` exist, or waits for one.
/// ONNX Runtime's `Run` wants its session to itself, so concurrent
/// requests need sessions of their own; the second is built only when two
/// requests first overlap, so a single client costs one model in memory.
pub(super) struct Sessions {
    runtime: PathBuf,
    model: PathBuf,
    outputs: &'static [&'static str],
    most: usize,
    /// Idle sessions and how many exist.
    idle: Mutex<(Vec<Session>, usize)>,
    returned: Condvar,
}

impl Sessions {
    /// The first session over `model` (so a model that cannot load fails
    /// here), and room for one per core; each also returns the
    /// intermediate tensors named in `outputs`.
    pub(super) fn new(
        runtime: &Path,
        model: &Path,
        outputs: &'static [&'static str],
    ) -> Result<Sessions, String> {
        let first = build(runtime, model, outputs)?;
        let most = std::thread::available_parallelism().map_or(2, |n| n.get());
        Ok(Sessions {
            runtime: runtime.to_owned(),
            model: model.to_owned(),
            outputs,
            most,
            idle: Mutex::new((vec![first], 1)),
            returned: Condvar::new(),
        })
    }

    /// `run` with a session of its own.
    pub(super) fn with<T>(&self, run: impl FnOnce(&mut Session) -> T) -> Result<T, String> {
        let mut session = Lent {
            session: Some(self.take()?),
            sessions: self,
        };
        Ok(run(session.session.as_mut().expect("lent")))
    }

    fn take(&self) -> Result<Session, String> {
        let failed = || "an ONNX Runtime session failed earlier".to_owned();
        let mut idle = self.idle.lock().map_err(|_| failed())?;
        loop {
            if let Some(session) = idle.0.pop() {
                return Ok(session);
            }
            if idle.1 < self.most {
                idle.1 += 1;
                drop(idle);
                let built = build(&self.runtime, &self.model, self.outputs);
                if built.is_err() {
                    self.idle.lock().map_err(|_| failed())?.1 -= 1;
                }
                return built;
            }
            idle = self.returned.wait(idle).map_err(|_| failed())?;
        }
    }
}

/// A session out of its pool, put back when dropped (after a panic too).
struct Lent<'a> {
    session: Option<Session>,
    sessions: &'a Sessions,
}

impl Drop for Lent<'_> {
    fn drop(&mut self) {
        if let (Some(session), Ok(mut idle)) = (self.session.take(), self.sessions.idle.lock()) {
            idle.0.push(session);
            self.sessions.returned.notify_one();
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn an_output_is_added_as_one_more_graph_field() {
        let model = vec![0x08, 0x07]; // ir_version 7
        let added = super::with_outputs(model, &["/encoder/Round_output_0"]);
        let name = b"/encoder/Round_output_0";
        let mut expected = vec![0x08, 0x07, 0x3a, 27, 0x62, 25, 0x0a, 23];
        expected.extend_from_slice(name);
        assert_eq!(added, expected);
        // Lengths past 127 take two varint bytes.
        let long = "x".repeat(200);
        let added = super::with_outputs(Vec::new(), &[long.as_str()]);
        assert_eq!(&added[..8], &[0x3a, 206, 1, 0x62, 203, 1, 0x0a, 200]);
        assert_eq!(added[8], 1);
        assert_eq!(added.len(), 9 + 200);
    }
}
