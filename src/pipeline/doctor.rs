//! `briefcast doctor`: one short sentence to every voice in use, through
//! the same synthesizer a build uses, and what came back: whether the
//! service was reached and accepted the key, how long it took, the audio's
//! format, rate and length, and whether it speaks its language: by the
//! espeak-ng `(en)` probe for a Mandarin voice on espeak-ng, and for every
//! voice by the `[check]` transcription service when one is configured
//! (what it heard, scored as `briefcast check` scores). Plus the local
//! tools found.
//!
//! Each service is probed on its own (a missing key or a dead server fails
//! only its voices), without retries and with a short timeout, into a
//! throw-away cache, so a probe is always a real request.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use serde::Serialize;

use super::voicing::spoken_form_for;
use crate::audio;
use crate::check;
use crate::config::{Config, NormalizeSetting, ServiceConfig};
use crate::model::ClipFormat;
use crate::tts::{self, Cache, ClipRequest, Synthesizer, TtsError, Validator};

/// Longest a probe waits for one answer.
const PROBE_TIMEOUT: Duration = Duration::from_secs(20);

#[derive(Debug, Serialize)]
pub struct DoctorReport {
    /// Every voice in use answered with usable speech in its language.
    pub ok: bool,
    pub voices: Vec<VoiceProbe>,
    /// The `[check]` transcription service, when one is configured.
    pub transcriber: Option<TranscriberProbe>,
    pub tools: Tools,
    /// What was not checked, and why.
    pub notes: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct VoiceProbe {
    pub voice: String,
    pub service: String,
    pub kind: String,
    pub ok: bool,
    /// `reach`, `auth`, `answer`, `audio` or `language` when not ok.
    pub problem: Option<String>,
    pub latency_ms: Option<u64>,
    /// `wav` or `pcm`.
    pub format: Option<String>,
    pub sample_rate: Option<u32>,
    pub seconds: Option<f64>,
    /// For a Mandarin voice on espeak-ng: whether it reads Mandarin.
    pub speaks_mandarin: Option<bool>,
    /// What the transcription service heard, and its CER or WER.
    pub heard: Option<String>,
    pub score: Option<f64>,
    /// One sentence for people.
    pub summary: String,
    /// The sentence sent and where its clip is, for the transcription probe.
    #[serde(skip)]
    said: Option<(&'static str, std::path::PathBuf, ClipFormat)>,
}

#[derive(Debug, Serialize)]
pub struct TranscriberProbe {
    pub service: String,
    pub ok: bool,
    pub summary: String,
}

#[derive(Debug, Serialize)]
pub struct Tools {
    pub espeak_ng: Option<String>,
    /// Voices espeak-ng has installed, and which of them are Chinese.
    pub espeak_voices: usize,
    pub espeak_chinese_voices: Vec<String>,
    /// The ONNX Runtime library, for neural voices.
    pub onnx_runtime: Option<String>,
    /// The voice packs `briefcast voices install` has installed here.
    pub installed_packs: Vec<String>,
}

/// The voices a build would use: the speakers' and the announcer; all
/// voices when no speaker is assigned yet.
fn voices_in_use(config: &Config) -> Vec<String> {
    let mut used: Vec<String> = config
        .speakers
        .values()
        .map(|s| s.voice().to_owned())
        .chain(config.audio.announcer.clone())
        .collect();
    if used.is_empty() {
        used = config.voices.keys().cloned().collect();
    }
    used.sort();
    used.dedup();
    used
}

fn is_mandarin(config: &Config, voice: &str) -> bool {
    let entry = &config.voices[voice];
    let name = entry.voice.to_ascii_lowercase();
    config.normalize_for(entry) == NormalizeSetting::Zh
        || name.starts_with("cmn")
        || name.starts_with("zh")
}

pub fn doctor(config_path: &Path) -> Result<DoctorReport> {
    let mut config = Config::load(config_path)?;
    // Probe what a build would use: a missing neural voice's fallback.
    let substitutes = super::use_installed_voices(&mut config);
    let runtime = crate::util::runtime()?;
    let scratch = tempfile::tempdir().context("cannot make a temporary folder")?;
    let voices = voices_in_use(&config);
    let mut by_service: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for voice in &voices {
        let service = config.voices[voice].service.get_ref().clone();
        by_service.entry(service).or_default().push(voice.clone());
    }
    let mut probes = Vec::new();
    for (service, voices) in &by_service {
        let cache = Cache::new(scratch.path().join(service));
        let found = runtime.block_on(probe_service(&config, service, voices, cache));
        probes.extend(found);
    }
    let transcriber = config.check.transcriber().map(|(name, settings)| {
        runtime.block_on(hear_voices(
            &config,
            name,
            settings,
            scratch.path(),
            &mut probes,
        ))
    });
    let mut espeak_voices = tts::probe::espeak_voices();
    espeak_voices.sort();
    espeak_voices.dedup();
    let catalogue = tts::voices::Catalogue::load(None).unwrap_or_default();
    let data = tts::voices::data_dir();
    let tools = Tools {
        espeak_ng: tts::embedded::espeak_version().ok(),
        espeak_chinese_voices: espeak_voices
            .iter()
            .filter(|v| v.starts_with("cmn") || v.starts_with("zh") || v.starts_with("yue"))
            .cloned()
            .collect(),
        espeak_voices: espeak_voices.len(),
        onnx_runtime: installed_runtime(&catalogue, &data).or_else(tts::probe::onnx_runtime),
        installed_packs: catalogue
            .packs
            .iter()
            .filter(|pack| tts::voices::is_installed(&data, pack))
            .map(|pack| pack.name.clone())
            .collect(),
    };
    let mut notes: Vec<String> = substitutes
        .iter()
        .map(|s| {
            format!(
                "voice {} speaks its fallback {}: {} is not installed (`briefcast voices install` installs it)",
                s.voice, s.spoken, s.wanted
            )
        })
        .collect();
    if transcriber.is_none() {
        notes.push("what the voices say is not heard: with a [check] transcription service in voices.toml, doctor transcribes each voice's sentence and scores it".to_owned());
    }
    Ok(DoctorReport {
        ok: probes.iter().all(|p| p.ok) && transcriber.as_ref().is_none_or(|t| t.ok),
        voices: probes,
        transcriber,
        tools,
        notes,
    })
}

/// Each voice's clip to the transcription service, scored against the
/// sentence it was sent: a voice heard above the threshold fails.
async fn hear_voices(
    config: &Config,
    name: &str,
    settings: &crate::config::TranscriberConfig,
    scratch: &Path,
    probes: &mut [VoiceProbe],
) -> TranscriberProbe {
    let fail = |summary: String| TranscriberProbe {
        service: name.to_owned(),
        ok: false,
        summary: format!("check service {name}: {summary}"),
    };
    let mut settings = settings.clone();
    settings.retries = 0;
    let transcriber = match check::Transcriber::new(name, &settings, scratch.join("transcripts")) {
        Ok(transcriber) => transcriber,
        Err(error) => return fail(error.to_string()),
    };
    let mut latency = None;
    for probe in probes.iter_mut() {
        let Some((sample, path, format)) = probe.said.clone() else {
            continue;
        };
        let Ok(wav) = fs_err::read(&path)
            .map_err(|e| e.to_string())
            .and_then(|bytes| audio::clip_for_listening(&bytes, format))
        else {
            continue;
        };
        let language = super::voice_language(config, &probe.voice);
        let clock = Instant::now();
        let key = format!("doctor-{}", probe.voice);
        let heard = match transcriber.transcribe(&key, wav, language.code()).await {
            Ok(heard) => heard,
            Err(error) => return fail(error.to_string()),
        };
        latency.get_or_insert(clock.elapsed());
        let score = check::score(sample, &heard, language, crate::text::normalize_zh);
        let threshold = match language {
            check::Language::Zh => config.check.max_cer,
            check::Language::En => config.check.max_wer,
        };
        let heard_line = crate::util::printable(&heard);
        probe.summary.push_str(&format!(
            "; {name} heard “{heard_line}” ({} {score:.2})",
            language.measure()
        ));
        if score > threshold {
            probe.ok = false;
            probe.problem = Some("language".into());
            probe.summary.push_str(&format!(
                ", above {threshold}: listeners will not understand this voice"
            ));
        }
        probe.heard = Some(heard);
        probe.score = Some((score * 1e4).round() / 1e4);
    }
    TranscriberProbe {
        service: name.to_owned(),
        ok: true,
        summary: match latency {
            Some(latency) => format!(
                "check service {name}: answered in {:.2} s",
                latency.as_secs_f64()
            ),
            None => format!("check service {name}: configured; no voice answered to be heard"),
        },
    }
}

/// The runtime library `briefcast voices install` put here (or the one
/// `ORT_DYLIB_PATH` names), as the embedded service would load it.
fn installed_runtime(catalogue: &tts::voices::Catalogue, data: &Path) -> Option<String> {
    tts::voices::runtime_library(None, catalogue, data)
        .ok()
        .map(|path| path.display().to_string())
}

/// The service as a probe uses it: no retries, a short timeout.
fn for_probe(config: &ServiceConfig) -> ServiceConfig {
    let mut config = config.clone();
    config.common.retries = 0;
    config.common.timeout_ms = Some(config.timeout_ms().min(PROBE_TIMEOUT.as_millis() as u64));
    config
}

async fn probe_service(
    config: &Config,
    service: &str,
    voices: &[String],
    cache: Cache,
) -> Vec<VoiceProbe> {
    let services: BTreeMap<String, ServiceConfig> = config
        .services
        .iter()
        .map(|(name, c)| (name.clone(), for_probe(c)))
        .collect();
    let kind = services[service].kind.name();
    let embedded = services[service].is_embedded();
    let validator = Validator {
        response: audio::check_clip,
        stored: audio::check_stored_clip,
    };
    let started = Synthesizer::start(&services, &[service], cache, validator, None).await;
    let mut probes = Vec::new();
    for voice in voices {
        let mut probe = VoiceProbe {
            voice: voice.clone(),
            service: service.to_owned(),
            kind: kind.to_owned(),
            ok: false,
            problem: None,
            latency_ms: None,
            format: None,
            sample_rate: None,
            seconds: None,
            speaks_mandarin: None,
            heard: None,
            score: None,
            summary: String::new(),
            said: None,
        };
        let synth = match &started {
            Ok(synth) => synth,
            Err(error) => {
                probe.problem = Some(problem_of(error).into());
                probe.summary = format!("voice {voice}: {error}");
                probes.push(probe);
                continue;
            }
        };
        let mandarin = is_mandarin(config, voice);
        let sample = if mandarin {
            "你好，这是一次声音测试。"
        } else {
            "Hello, this is a short voice test."
        };
        let entry = &config.voices[voice];
        let text = spoken_form_for(config, Some(voice))(sample);
        let request = ClipRequest {
            service: service.to_owned(),
            voice: entry.voice.clone(),
            speed: entry.speed,
            text: text.clone(),
        };
        let clock = Instant::now();
        let fetched = synth.fetch(&request).await;
        let latency = clock.elapsed();
        probe.latency_ms = Some(latency.as_millis() as u64);
        let clip = match fetched {
            Ok(clip) => clip,
            Err(error) => {
                probe.problem = Some(problem_of(&error).into());
                probe.summary = format!("voice {voice}: {error}");
                probes.push(probe);
                continue;
            }
        };
        let decoded = std::fs::read(&clip.path)
            .ok()
            .and_then(|bytes| audio::decode_clip(&bytes, clip.format).ok());
        let Some(decoded) = decoded else {
            probe.problem = Some("audio".into());
            probe.summary = format!("voice {voice}: the stored answer could not be read back");
            probes.push(probe);
            continue;
        };
        let seconds = decoded.samples.len() as f64 / f64::from(decoded.rate.max(1));
        let format = match clip.format {
            ClipFormat::Wav => "a WAV file",
            ClipFormat::Pcm { .. } => "raw PCM",
        };
        probe.format = Some(
            match clip.format {
                ClipFormat::Wav => "wav",
                ClipFormat::Pcm { .. } => "pcm",
            }
            .into(),
        );
        probe.said = Some((sample, clip.path.clone(), clip.format));
        probe.sample_rate = Some(decoded.rate);
        probe.seconds = Some((seconds * 100.0).round() / 100.0);
        let mut summary = format!(
            "voice {voice} on {service}: answered in {:.2} s with {format}, {} Hz, {seconds:.1} s of audio",
            latency.as_secs_f64(),
            decoded.rate
        );
        probe.ok = true;
        if mandarin && embedded {
            let english = tts::probe::espeak_switches_to_english(&entry.voice, &text);
            probe.speaks_mandarin = english.map(|e| !e);
            if english == Some(true) {
                probe.ok = false;
                probe.problem = Some("language".into());
                summary.push_str(&format!(
                    ", but espeak-ng voice {} reads Chinese characters as English-spelled pinyin: listeners will not understand it; use a neural voice (or cmn-latn-pinyin with pinyin text)",
                    entry.voice
                ));
            } else if english == Some(false) {
                summary.push_str(", in Mandarin");
            }
        }
        probe.summary = summary;
        probes.push(probe);
    }
    probes
}

/// Where a probe failed: the network, the key, the answer, the audio.
fn problem_of(error: &TtsError) -> &'static str {
    match error {
        TtsError::Network { .. } | TtsError::Timeout { .. } | TtsError::Bind { .. } => "reach",
        TtsError::MissingKeys(_) => "auth",
        TtsError::Http {
            status: 401 | 403, ..
        } => "auth",
        TtsError::Http { .. } | TtsError::NotAudio { .. } | TtsError::Misconfigured(_) => "answer",
        TtsError::EspeakMissing => "reach",
        _ => "audio",
    }
}
