//! The Kokoro engine: Kokoro-82M through ONNX Runtime, 24 kHz.
//!
//! Input is what the Mandarin front end sends: pinyin words with tone
//! digits (`yin2hang2`; syllables apart work too), punctuation, and Latin
//! words. Pinyin becomes Kokoro's Mandarin symbols ([`super::pinyin`]), a
//! word's syllables run together as misaki, Kokoro's own front end, gives
//! them (spaces between every syllable read as a pause after each); runs of other words are English, through
//! espeak-ng's IPA mapped to Kokoro's symbols. The symbols become token ids
//! from the model's `vocab.json`, framed by 0, with the voice's style
//! vector for that many tokens. A voice's style pack is its own
//! `<voice>.bin` (raw little-endian f32, 510 rows of 256, as Kokoro's own
//! repository and the `kokoro-js` package ship them) or an array of an
//! `.npz` in its pack's folder. Hanzi are read only through the text
//! converter the server was given. The model loads on the first request
//! and serves every later one, each style pack on its voice's first
//! request; there is no randomness in it, so the same request gives the
//! same bytes.
//!
//! Every answer carries its words' times (`kokoro_words`), from the
//! duration Kokoro's own predictor gives each token: the graph computes
//! it (`/encoder/Round_output_0`) but declares only `audio` as output, so
//! the model is loaded with that tensor added to its outputs, in memory
//! (`onnx::with_outputs`). Not a second model file: the installed pack
//! stays as its hashes say and no copy of 92 MB is kept on disk; not an
//! estimate from the audio: these are the lengths the audio was made with.
//! The computation is unchanged, so the audio is bit-identical to the
//! model's as installed (a test compares them). Hanzi turned into pinyin
//! by the server's converter give no times (their characters are not the
//! request's); briefcast itself sends pinyin.

use std::collections::HashMap;
use std::io::Read;
use std::path::Path;
use std::sync::{Arc, Mutex, OnceLock};

use ort::session::Session;
use ort::value::Tensor;

use super::engine::{Engine, Failure, Synthesis};
use super::kokoro_words::{self, Owner, Said, Timed};
use super::{clip, onnx, pinyin, Available, TextConverter};

/// Kokoro's output rate.
const SAMPLE_RATE: u32 = 24_000;
/// Tokens per inference, framing excluded (the style packs have 510 rows).
const MAX_TOKENS: usize = 500;
/// A style vector's length.
const STYLE: usize = 256;
/// Rows of a style pack: one per token count, 0 to 509.
const STYLE_ROWS: usize = 510;
/// The graph's tensor of each token's duration, asked for as an output.
const DURATIONS: &[&str] = &["/encoder/Round_output_0"];

pub struct Kokoro {
    inner: Arc<Inner>,
}

struct Inner {
    available: Available,
    /// Whether the model is loaded with its durations as an output.
    word_times: bool,
    converter: Option<TextConverter>,
    loaded: OnceLock<Result<Loaded, String>>,
    /// Per voice: rows of [`STYLE`] floats, one per token count.
    styles: Mutex<HashMap<String, Arc<Vec<f32>>>>,
}

struct Loaded {
    sessions: onnx::Sessions,
    vocab: HashMap<char, i64>,
}

impl Kokoro {
    pub fn new(available: Available, converter: Option<TextConverter>) -> Kokoro {
        Kokoro {
            inner: Arc::new(Inner {
                available,
                word_times: true,
                converter,
                loaded: OnceLock::new(),
                styles: Mutex::new(HashMap::new()),
            }),
        }
    }
}

impl Kokoro {
    /// The model exactly as installed, with no output added and no word
    /// times in its answers: what the added output is compared against.
    pub fn without_word_times(self) -> Kokoro {
        let inner = Arc::try_unwrap(self.inner).unwrap_or_else(|_| unreachable!("not shared yet"));
        Kokoro {
            inner: Arc::new(Inner {
                word_times: false,
                ..inner
            }),
        }
    }
}

impl Engine for Kokoro {
    fn name(&self) -> &'static str {
        "kokoro"
    }

    fn program(&self) -> &'static str {
        "Kokoro"
    }

    fn check_voice(&self, voice: &str) -> Result<(), String> {
        self.inner.available.check(voice)
    }

    fn synthesize<'a>(&'a self, text: &'a str, voice: &'a str, speed: f32) -> Synthesis<'a> {
        Box::pin(async move {
            let (text, converted) = match &self.inner.converter {
                Some(convert) if has_hanzi(text) => (convert.0(text), true),
                _ => (text.to_owned(), false),
            };
            if has_hanzi(&text) {
                return Err(Failure::BadInput(
                    "Kokoro voices read pinyin with tone digits (ni3 hao3), not hanzi".into(),
                ));
            }
            let mut said = kokoro_words::said(&text).await?;
            if converted {
                said.words.clear();
            }
            let inner = Arc::clone(&self.inner);
            let voice = voice.to_owned();
            tokio::task::spawn_blocking(move || inner.speak(&said, &voice, speed))
                .await
                .map_err(|e| Failure::Other(format!("Kokoro stopped: {e}")))?
        })
    }
}

fn has_hanzi(text: &str) -> bool {
    text.chars()
        .any(|c| matches!(c, '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}'))
}

/// Kokoro's phoneme string for pinyin-and-Latin text (public for the
/// benchmark that feeds the same string to another Kokoro runner).
pub async fn phonemes(text: &str) -> Result<String, Failure> {
    Ok(kokoro_words::said(text).await?.phonemes)
}

/// The punctuation mark a one-character word is, in Kokoro's symbols.
pub(super) fn single_mark(word: &str) -> Option<&'static str> {
    let mut chars = word.chars();
    let c = chars.next()?;
    chars
        .next()
        .is_none()
        .then(|| pinyin::punctuation(c))
        .flatten()
}

/// Token ids for the phonemes, symbols outside the vocabulary dropped, cut
/// into pieces of at most [`MAX_TOKENS`] at spaces.
#[cfg(test)]
fn token_chunks(phonemes: &str, vocab: &HashMap<char, i64>) -> Vec<Vec<i64>> {
    kokoro_words::owned_chunks(phonemes, &[], vocab, MAX_TOKENS)
        .into_iter()
        .map(|chunk| chunk.into_iter().map(|(id, _)| id).collect())
        .collect()
}

impl Inner {
    /// The model, loaded once from the voice's model folder.
    fn load(&self, voice: &str) -> Result<&Loaded, String> {
        self.loaded
            .get_or_init(|| {
                let (runtime, dirs) = self.available.paths(voice)?;
                let vocab = read_vocab(&dirs.model.join("vocab.json"))?;
                let outputs = if self.word_times { DURATIONS } else { &[] };
                let model = dirs.model.join("kokoro.onnx");
                let sessions = onnx::Sessions::new(runtime, &model, outputs)?;
                Ok(Loaded { sessions, vocab })
            })
            .as_ref()
            .map_err(Clone::clone)
    }

    /// The voice's style pack, read on its first request.
    fn style(&self, voice: &str) -> Result<Arc<Vec<f32>>, Failure> {
        let mut styles = self
            .styles
            .lock()
            .map_err(|_| Failure::Other("a Kokoro style pack failed to load".into()))?;
        if let Some(style) = styles.get(voice) {
            return Ok(Arc::clone(style));
        }
        let (_, dirs) = self.available.paths(voice).map_err(Failure::Other)?;
        let style = Arc::new(read_style(&dirs.voice, voice).map_err(Failure::Other)?);
        styles.insert(voice.to_owned(), Arc::clone(&style));
        Ok(style)
    }

    fn speak(&self, said: &Said, voice: &str, speed: f32) -> Result<Vec<u8>, Failure> {
        let loaded = self.load(voice)?;
        let style = self.style(voice)?;
        let rows = style.len() / STYLE;
        let mut audio = Vec::new();
        let mut timed = Vec::new();
        let chunks =
            kokoro_words::owned_chunks(&said.phonemes, &said.owner, &loaded.vocab, MAX_TOKENS);
        for chunk in chunks {
            let (tokens, owners): (Vec<i64>, Vec<Owner>) = chunk.into_iter().unzip();
            let row = tokens.len().min(rows - 1);
            let style = style[row * STYLE..(row + 1) * STYLE].to_vec();
            let mut framed = Vec::with_capacity(tokens.len() + 2);
            framed.push(0);
            framed.extend_from_slice(&tokens);
            framed.push(0);
            let (samples, durations) = loaded
                .sessions
                .with(|session| run(session, framed, style, speed))
                .and_then(|samples| samples)
                .map_err(Failure::Other)?;
            audio.extend_from_slice(&samples);
            timed.push(durations.map(|durations| Timed {
                owners,
                durations,
                samples: samples.len(),
            }));
        }
        if audio.is_empty() {
            return Err(Failure::BadInput("nothing to say in this text".into()));
        }
        let words = match timed.into_iter().collect::<Option<Vec<Timed>>>() {
            Some(timed) => kokoro_words::word_times(
                &timed,
                &said.words,
                SAMPLE_RATE,
                kokoro_words::KOKORO_LEAD,
            ),
            None => Vec::new(),
        };
        clip::wav_f32(&audio, SAMPLE_RATE, &words).map_err(Failure::Other)
    }
}

/// The audio and, when the model was loaded with them, the durations of
/// the framed tokens.
fn run(
    session: &mut Session,
    tokens: Vec<i64>,
    style: Vec<f32>,
    speed: f32,
) -> Result<(Vec<f32>, Option<Vec<f32>>), String> {
    let n = tokens.len();
    let tokens = Tensor::from_array(([1usize, n], tokens)).map_err(|e| e.to_string())?;
    let style = Tensor::from_array(([1usize, STYLE], style)).map_err(|e| e.to_string())?;
    let speed = Tensor::from_array(([1usize], vec![speed])).map_err(|e| e.to_string())?;
    let outputs = session
        .run(ort::inputs!["tokens" => tokens, "style" => style, "speed" => speed])
        .map_err(|e| format!("Kokoro: {e}"))?;
    let (_, samples) = outputs[0]
        .try_extract_tensor::<f32>()
        .map_err(|e| format!("Kokoro's output: {e}"))?;
    let durations = match outputs.get(DURATIONS[0]) {
        Some(durations) => {
            let (_, durations) = durations
                .try_extract_tensor::<f32>()
                .map_err(|e| format!("Kokoro's durations: {e}"))?;
            (durations.len() == n).then(|| durations.to_vec())
        }
        None => None,
    };
    Ok((samples.to_vec(), durations))
}

fn read_vocab(path: &Path) -> Result<HashMap<char, i64>, String> {
    #[derive(serde::Deserialize)]
    struct Vocab {
        vocab: HashMap<String, i64>,
    }
    let text = fs_err::read_to_string(path).map_err(|e| e.to_string())?;
    let vocab: Vocab =
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(vocab
        .vocab
        .into_iter()
        .filter_map(|(k, v)| {
            let mut chars = k.chars();
            let c = chars.next()?;
            chars.next().is_none().then_some((c, v))
        })
        .collect())
}

/// A voice's style pack in `dir`: `<voice>.bin`, else the `<voice>.npy`
/// array of an `.npz` there.
fn read_style(dir: &Path, voice: &str) -> Result<Vec<f32>, String> {
    let bin = dir.join(format!("{voice}.bin"));
    if bin.is_file() {
        let bytes = fs_err::read(&bin).map_err(|e| e.to_string())?;
        return style_bin(&bytes).map_err(|m| format!("{}: {m}", bin.display()));
    }
    let mut npz: Vec<_> = fs_err::read_dir(dir)
        .map_err(|e| e.to_string())?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "npz"))
        .collect();
    npz.sort();
    for path in npz {
        if let Some(style) = read_npz_style(&path, voice)? {
            return Ok(style);
        }
    }
    Err(format!(
        "no style pack for the Kokoro voice {voice} in {}",
        dir.display()
    ))
}

/// A raw style pack: [`STYLE_ROWS`] × [`STYLE`] little-endian f32.
fn style_bin(bytes: &[u8]) -> Result<Vec<f32>, String> {
    let expected = STYLE_ROWS * STYLE * 4;
    if bytes.len() != expected {
        return Err(format!(
            "a Kokoro style pack is {expected} bytes ({STYLE_ROWS} rows of {STYLE} floats), not {}",
            bytes.len()
        ));
    }
    let floats: Vec<f32> = bytes
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect();
    if floats.iter().any(|f| !f.is_finite()) {
        return Err("a Kokoro style pack holds values that are not numbers".into());
    }
    Ok(floats)
}

/// The voice's array in an `.npz` (zip) of `<voice>.npy` arrays of
/// little-endian f32, shape (rows, 1, 256); `None` if it has none.
fn read_npz_style(path: &Path, voice: &str) -> Result<Option<Vec<f32>>, String> {
    let bad = |m: String| format!("{}: {m}", path.display());
    let file = fs_err::File::open(path).map_err(|e| e.to_string())?;
    let mut zip = zip::ZipArchive::new(file).map_err(|e| bad(e.to_string()))?;
    let mut entry = match zip.by_name(&format!("{voice}.npy")) {
        Ok(entry) => entry,
        Err(zip::result::ZipError::FileNotFound) => return Ok(None),
        Err(e) => return Err(bad(e.to_string())),
    };
    let mut bytes = Vec::new();
    entry
        .read_to_end(&mut bytes)
        .map_err(|e| bad(e.to_string()))?;
    let floats = npy_f32(&bytes).map_err(|m| bad(format!("{voice}: {m}")))?;
    if floats.is_empty() || floats.len() % STYLE != 0 {
        return Err(bad(format!("{voice}: not rows of {STYLE} floats")));
    }
    Ok(Some(floats))
}

/// The data of a `.npy` array of little-endian f32 in C order.
pub(super) fn npy_f32(bytes: &[u8]) -> Result<Vec<f32>, String> {
    if bytes.len() < 10 || &bytes[..6] != b"\x93NUMPY" {
        return Err("not a .npy array".into());
    }
    let (header_len, start) = match bytes[6] {
        1 => (u16::from_le_bytes([bytes[8], bytes[9]]) as usize, 10),
        2 | 3 if bytes.len() >= 12 => (
            u32::from_le_bytes([bytes[8], bytes[9], bytes[10], bytes[11]]) as usize,
            12,
        ),
        _ => return Err("unknown .npy version".into()),
    };
    let header = bytes
        .get(start..start + header_len)
        .map(String::from_utf8_lossy)
        .ok_or("truncated .npy header")?;
    if !header.contains("'<f4'") || header.contains("'fortran_order': True") {
        return Err("not a C-order little-endian f32 array".into());
    }
    let data = &bytes[start + header_len..];
    Ok(data
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn pinyin_and_punctuation_become_kokoro_phonemes() {
        assert_eq!(
            phonemes("ni3 hao3，shi4 jie4。").await.unwrap(),
            "ni↓ xau↓, ʂɨ↘ ʨje↘."
        );
        assert_eq!(
            phonemes("《ren2 min2 ri4 bao4》").await.unwrap(),
            "“ɻə↗n mi↗n ɻɨ↘ pau↘”"
        );
        assert_eq!(
            phonemes("《ren2min2 ri4bao4》").await.unwrap(),
            "“ɻə↗nmi↗n ɻɨ↘pau↘”"
        );
    }

    #[tokio::test]
    async fn latin_words_are_read_as_english() {
        // espeak-ng: "GDP" → dʒˌiːdˌiːpˈiː
        assert_eq!(
            phonemes("GDP zeng1 zhang3").await.unwrap(),
            "ʤˌidˌipˈi ʦə→ŋ ꭧa↓ŋ"
        );
    }

    #[test]
    fn long_phoneme_strings_are_cut_at_spaces() {
        let vocab: HashMap<char, i64> = [('a', 1), (' ', 2)].into();
        let text = vec!["aaaa"; 300].join(" ");
        let chunks = token_chunks(&text, &vocab);
        assert!(chunks.len() > 1);
        assert!(chunks.iter().all(|c| c.len() <= MAX_TOKENS));
        let total: usize = chunks.iter().map(|c| c.len()).sum();
        assert_eq!(total, 300 * 4 + 300 - chunks.len());
        assert_eq!(token_chunks("a ☃ a", &vocab), vec![vec![1, 2, 2, 1]]);
    }

    #[test]
    fn npy_arrays_are_read() {
        let mut bytes = b"\x93NUMPY\x01\x00".to_vec();
        let header = "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }";
        bytes.extend_from_slice(&(header.len() as u16).to_le_bytes());
        bytes.extend_from_slice(header.as_bytes());
        bytes.extend_from_slice(&1.5f32.to_le_bytes());
        bytes.extend_from_slice(&(-2f32).to_le_bytes());
        assert_eq!(npy_f32(&bytes).unwrap(), vec![1.5, -2.0]);
        assert!(npy_f32(b"PK\x03\x04").is_err());
    }

    #[test]
    fn raw_style_packs_are_read_and_a_wrong_size_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let mut bytes = Vec::new();
        for i in 0..STYLE_ROWS * STYLE {
            bytes.extend_from_slice(&(i as f32 / 1000.0).to_le_bytes());
        }
        fs_err::write(dir.path().join("zf_test.bin"), &bytes).unwrap();
        let style = read_style(dir.path(), "zf_test").unwrap();
        assert_eq!(style.len(), STYLE_ROWS * STYLE);
        assert_eq!(style[STYLE + 1], (STYLE + 1) as f32 / 1000.0);

        fs_err::write(dir.path().join("zf_cut.bin"), &bytes[..bytes.len() - 4]).unwrap();
        let error = read_style(dir.path(), "zf_cut").unwrap_err();
        assert!(
            error.contains("zf_cut.bin")
                && error.contains("522240 bytes")
                && error.contains("522236"),
            "{error}"
        );
        let error = read_style(dir.path(), "zm_absent").unwrap_err();
        assert!(
            error.contains("no style pack for the Kokoro voice zm_absent"),
            "{error}"
        );
    }

    #[test]
    fn hanzi_are_recognised() {
        assert!(has_hanzi("你好"));
        assert!(!has_hanzi("ni3 hao3，GDP"));
    }
}
