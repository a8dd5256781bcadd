//! The Piper engine: Piper (VITS) voices through ONNX Runtime.
//!
//! Text becomes espeak-ng IPA in the voice's espeak-ng language, each
//! symbol the ids of the model's `phoneme_id_map` (`^` first, `_` after
//! every symbol, `$` last), and the model's float audio a WAV at the rate
//! its `.onnx.json` names. Piper adds random noise to pitch and timing; the
//! noise scales are fixed at zero so a request always gives the same bytes.
//! Each voice loads on its first request and serves every later one.
//!
//! Every answer carries its words' times (`piper_words`): the graph
//! computes each input id's length in frames (`/Ceil_output_0`, the
//! rounded-up durations VITS decodes with), asked for as a second output
//! as Kokoro's are (`onnx::with_outputs`), so the audio is unchanged.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};

use ort::session::Session;
use ort::value::Tensor;
use serde::Deserialize;

use super::engine::{Engine, Failure, Synthesis};
use super::kokoro_words::{self, Owner, Timed};
use super::{clip, ipa, onnx, piper_words, Available};

/// The graph's tensor of each input id's length in frames.
const DURATIONS: &[&str] = &["/Ceil_output_0"];

pub struct Piper {
    inner: Arc<Inner>,
}

struct Inner {
    available: Available,
    /// Whether voices load with their durations as an output.
    word_times: bool,
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
    #[cfg(test)]
    pub(super) fn ids(&self, ipa: &str) -> Vec<i64> {
        self.owned_ids(ipa, &[]).0
    }

    /// The ids with, for each, the word of the IPA char it comes from
    /// (`owner`, one per char; a pad goes with its symbol). A space
    /// between two words (not after punctuation) goes with the next word:
    /// Piper makes the silence of a word's first stop consonant there, so
    /// a word timed from its first phoneme is heard a median 55 ms before
    /// it starts (44 stop-initial words of `en_US-joe-medium`, measured
    /// against where the closure begins); after punctuation the space is
    /// the pause, and the word starts after it.
    pub(super) fn owned_ids(
        &self,
        ipa: &str,
        owner: &[Option<usize>],
    ) -> (Vec<i64>, Vec<Option<usize>>) {
        let id = |s: &str| self.phoneme_id_map.get(s).cloned().unwrap_or_default();
        let pad = id("_");
        let mut ids = id("^");
        ids.extend_from_slice(&pad);
        let mut owners = vec![None; ids.len()];
        let mut buffer = [0u8; 4];
        // Where the space between two words begins, while the next
        // word has not yet started.
        let mut between: Option<usize> = None;
        let mut last_owner: Option<usize> = None;
        for (k, c) in ipa.chars().enumerate() {
            if let Some(symbol) = self.phoneme_id_map.get(&*c.encode_utf8(&mut buffer)) {
                let word = owner.get(k).copied().flatten();
                if let (Some(_), Some(from)) = (word, between.take()) {
                    owners[from..].fill(word);
                }
                if c == ' ' && last_owner.is_some() {
                    between = Some(ids.len());
                }
                last_owner = word;
                ids.extend_from_slice(symbol);
                ids.extend_from_slice(&pad);
                owners.resize(ids.len(), word);
            }
        }
        ids.extend(id("$"));
        owners.resize(ids.len(), None);
        (ids, owners)
    }
}

impl Piper {
    pub fn new(available: Available) -> Piper {
        Piper {
            inner: Arc::new(Inner {
                available,
                word_times: true,
                loaded: Mutex::new(HashMap::new()),
            }),
        }
    }

    /// The voices exactly as installed, with no output added and no word
    /// times in the answers: what the added output is compared against.
    pub fn without_word_times(self) -> Piper {
        let inner = Arc::try_unwrap(self.inner).unwrap_or_else(|_| unreachable!("not shared yet"));
        Piper {
            inner: Arc::new(Inner {
                word_times: false,
                ..inner
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
        let outputs = if self.word_times { DURATIONS } else { &[] };
        let session = onnx::session(runtime, &dir.join(format!("{name}.onnx")), outputs)?;
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
            let words = piper_words::attribute(text, &ipa, &language).await?;
            tokio::task::spawn_blocking(move || speak(&voice, &ipa, &words, speed))
                .await
                .map_err(|e| Failure::Other(format!("Piper stopped: {e}")))?
        })
    }
}

fn speak(
    voice: &Voice,
    ipa: &str,
    words: &piper_words::Words,
    speed: f32,
) -> Result<Vec<u8>, Failure> {
    let (ids, owners) = voice.config.owned_ids(ipa, &words.owner);
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
    let rate = voice.config.audio.sample_rate;
    let durations = outputs
        .get(DURATIONS[0])
        .and_then(|d| d.try_extract_tensor::<f32>().ok())
        .map(|(_, d)| d.to_vec())
        .filter(|d| d.len() == n);
    let times = match durations {
        // word_times reads the first id as a frame and owners from the second.
        Some(durations) => kokoro_words::word_times(
            &[Timed {
                owners: owners[1..].iter().map(|&o| Owner::from(o)).collect(),
                durations,
                samples: samples.len(),
            }],
            &words.ranges,
            rate,
            0.0,
        ),
        None => Vec::new(),
    };
    clip::wav_f32(samples, rate, &times).map_err(Failure::Other)
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

    #[test]
    fn a_space_between_words_goes_with_the_next_but_not_after_punctuation() {
        let config: VoiceConfig = serde_json::from_str(
            r#"{"audio": {"sample_rate": 22050}, "espeak": {"voice": "en-us"},
                "phoneme_id_map": {"_": [0], "^": [1], "$": [2], " ": [3], ",": [8],
                                   "h": [20], "ə": [59], "l": [24], "o": [27]}}"#,
        )
        .unwrap();
        let owner = [
            Some(0),
            Some(0),
            None,
            Some(1),
            Some(1),
            None,
            None,
            Some(2),
            Some(2),
        ];
        let (ids, owners) = config.owned_ids("hə lo, hə", &owner);
        assert_eq!(
            ids,
            vec![1, 0, 20, 0, 59, 0, 3, 0, 24, 0, 27, 0, 8, 0, 3, 0, 20, 0, 59, 0, 2]
        );
        let (a, b, c) = (Some(0), Some(1), Some(2));
        assert_eq!(
            owners,
            vec![
                None, None, a, a, a, a, // ^ _ h _ ə _
                b, b, b, b, b, b, // the space and its pad, then l _ o _
                None, None, None, None, // , _ and the space after it
                c, c, c, c, None, // h _ ə _ $
            ]
        );
    }
}
