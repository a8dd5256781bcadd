//! The Piper engine: Piper (VITS) voices through ONNX Runtime.
//!
//! Text becomes espeak-ng IPA in the voice's espeak-ng language, each
//! symbol the ids of the model's `phoneme_id_map` (`^` first, `_` after
//! every symbol, `$` last), and the model's float audio a WAV at the rate
//! its `.onnx.json` names. Piper adds random noise to pitch and timing; the
//! noise scales are fixed at zero so a request always gives the same bytes.
//! Each voice loads on its first request and serves every later one.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};

use ort::session::Session;
use ort::value::Tensor;
use serde::Deserialize;

use super::engine::{Engine, Failure, Synthesis};
use super::{clip, ipa, onnx, Available};

pub struct Piper {
    inner: Arc<Inner>,
}

struct Inner {
    available: Available,
    loaded: Mutex<HashMap<String, Arc<Voice>>>,
}

struct Voice {
    session: Mutex<Session>,
    config: VoiceConfig,
}

/// What briefcast reads of a voice's `.onnx.json`.
#[derive(Debug, Deserialize)]
pub(super) struct VoiceConfig {
    pub audio: AudioConfig,
    pub espeak: EspeakConfig,
    #[serde(default)]
    pub inference: InferenceConfig,
    pub phoneme_id_map: HashMap<String, Vec<i64>>,
}

#[derive(Debug, Deserialize)]
pub(super) struct AudioConfig {
    pub sample_rate: u32,
}

#[derive(Debug, Deserialize)]
pub(super) struct EspeakConfig {
    pub voice: String,
}

#[derive(Debug, Deserialize)]
pub(super) struct InferenceConfig {
    #[serde(default = "one")]
    pub length_scale: f32,
}

fn one() -> f32 {
    1.0
}

impl Default for InferenceConfig {
    fn default() -> Self {
        InferenceConfig { length_scale: 1.0 }
    }
}

impl VoiceConfig {
    /// The model's input ids for an IPA string; symbols it lacks are dropped.
    pub(super) fn ids(&self, ipa: &str) -> Vec<i64> {
        let id = |s: &str| self.phoneme_id_map.get(s).cloned().unwrap_or_default();
        let pad = id("_");
        let mut ids = id("^");
        ids.extend_from_slice(&pad);
        let mut buffer = [0u8; 4];
        for c in ipa.chars() {
            if let Some(symbol) = self.phoneme_id_map.get(&*c.encode_utf8(&mut buffer)) {
                ids.extend_from_slice(symbol);
                ids.extend_from_slice(&pad);
            }
        }
        ids.extend(id("$"));
        ids
    }
}

impl Piper {
    pub fn new(available: Available) -> Piper {
        Piper {
            inner: Arc::new(Inner {
                available,
                loaded: Mutex::new(HashMap::new()),
            }),
        }
    }
}

impl Inner {
    fn voice(&self, name: &str) -> Result<Arc<Voice>, String> {
        let mut loaded = self
            .loaded
            .lock()
            .map_err(|_| "a Piper voice failed to load")?;
        if let Some(voice) = loaded.get(name) {
            return Ok(Arc::clone(voice));
        }
        let (runtime, dirs) = self.available.paths(name)?;
        let dir = &dirs.model;
        let config = read_config(&dir.join(format!("{name}.onnx.json")))?;
        let session = onnx::session(runtime, &dir.join(format!("{name}.onnx")))?;
        let voice = Arc::new(Voice { session, config });
        loaded.insert(name.to_owned(), Arc::clone(&voice));
        Ok(voice)
    }
}

fn read_config(path: &Path) -> Result<VoiceConfig, String> {
    let text = fs_err::read_to_string(path).map_err(|e| e.to_string())?;
    serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
}

impl Engine for Piper {
    fn name(&self) -> &'static str {
        "piper"
    }

    fn program(&self) -> &'static str {
        "Piper"
    }

    fn check_voice(&self, voice: &str) -> Result<(), String> {
        self.inner.available.check(voice)
    }

    fn synthesize<'a>(&'a self, text: &'a str, voice: &'a str, speed: f32) -> Synthesis<'a> {
        Box::pin(async move {
            // Loading reads a large model: off the async threads.
            let inner = Arc::clone(&self.inner);
            let name = voice.to_owned();
            let voice = tokio::task::spawn_blocking(move || inner.voice(&name))
                .await
                .map_err(|e| Failure::Other(format!("Piper stopped: {e}")))??;
            let language = voice.config.espeak.voice.clone();
            if !language
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '+'))
            {
                return Err(Failure::Other(format!(
                    "the voice's espeak-ng language {language:?} is not a plain name"
                )));
            }
            let ipa = ipa::espeak_ipa(text, &language, false).await?;
            tokio::task::spawn_blocking(move || speak(&voice, &ipa, speed))
                .await
                .map_err(|e| Failure::Other(format!("Piper stopped: {e}")))?
        })
    }
}

fn speak(voice: &Voice, ipa: &str, speed: f32) -> Result<Vec<u8>, Failure> {
    let ids = voice.config.ids(ipa);
    if ids.len() <= 3 {
        return Err(Failure::BadInput("nothing to say in this text".into()));
    }
    let n = ids.len();
    let length = voice.config.inference.length_scale / speed;
    let tensor = |r: ort::Result<Tensor<_>>| r.map_err(|e| Failure::Other(e.to_string()));
    let input = tensor(Tensor::from_array(([1usize, n], ids)))?;
    let lengths = tensor(Tensor::from_array(([1usize], vec![n as i64])))?;
    let scales = Tensor::from_array(([3usize], vec![0.0f32, length, 0.0]))
        .map_err(|e| Failure::Other(e.to_string()))?;
    let mut session = voice
        .session
        .lock()
        .map_err(|_| "the Piper session failed earlier")?;
    let outputs = session
        .run(ort::inputs!["input" => input, "input_lengths" => lengths, "scales" => scales])
        .map_err(|e| Failure::Other(format!("Piper: {e}")))?;
    let (_, samples) = outputs[0]
        .try_extract_tensor::<f32>()
        .map_err(|e| Failure::Other(format!("Piper's output: {e}")))?;
    clip::wav_f32(samples, voice.config.audio.sample_rate, &[]).map_err(Failure::Other)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipa_becomes_the_models_ids() {
        let config: VoiceConfig = serde_json::from_str(
            r#"{"audio": {"sample_rate": 22050}, "espeak": {"voice": "en-us"},
                "phoneme_id_map": {"_": [0], "^": [1], "$": [2], " ": [3],
                                   "h": [20], "ə": [59], "l": [24], "ˈ": [120], "o": [27], "ʊ": [100]}}"#,
        )
        .unwrap();
        // espeak-ng -q --ipa -v en-us: "hello" → həlˈoʊ
        assert_eq!(
            config.ids("həlˈoʊ"),
            vec![1, 0, 20, 0, 59, 0, 24, 0, 120, 0, 27, 0, 100, 0, 2]
        );
        // Symbols the model lacks are dropped, not guessed.
        assert_eq!(config.ids("h☃"), vec![1, 0, 20, 0, 2]);
        assert_eq!(config.inference.length_scale, 1.0);
    }
}
