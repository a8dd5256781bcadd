//! Word times in the embedded service's clips: a served espeak-ng clip, a
//! served Kokoro clip (Mandarin and English) and a Piper clip carry a
//! `bcwd` chunk timing
//! every word of the text, in order, inside the clip, as the pipeline
//! reads it (`audio::clip_words`). Real `briefcast serve`, real engines and
//! models.

use briefcast::audio::clip_words;
use briefcast::tts::embedded::{Available, Engine, Kokoro, NeuralOptions, Piper};
use briefcast::tts::voices::Catalogue;

use super::{serve, speech};
use crate::support::voices::installed as installed_data;

/// The clip of `text` in `voice`, from `server`.
fn clip(server: &super::Server, voice: &str, text: &str) -> Vec<u8> {
    let answer = speech(
        server.addr,
        serde_json::json!({"model": "tts-1", "voice": voice, "input": text, "response_format": "wav"}),
        &[],
    );
    assert_eq!(
        answer.status,
        200,
        "{}",
        String::from_utf8_lossy(&answer.body)
    );
    answer.body
}

/// Every letter, digit and Han character of `text` is in a timed word;
/// the words are in order, apart and inside the clip.
fn assert_every_word_timed(text: &str, wav: &[u8]) {
    let chars: Vec<char> = text.chars().collect();
    let words =
        clip_words(wav, chars.len()).unwrap_or_else(|| panic!("no word times for {text:?}"));
    let reader = hound::WavReader::new(wav).unwrap();
    let seconds = f64::from(reader.duration()) / f64::from(reader.spec().sample_rate);
    let mut last = (0, 0.0);
    for word in &words {
        assert!(word.from >= last.0 && word.start >= last.1, "{words:?}");
        assert!(
            word.start < word.end && word.end <= seconds,
            "{word:?} in {seconds} s"
        );
        last = (word.to, word.end);
    }
    for (at, c) in chars.iter().enumerate() {
        if c.is_alphanumeric() {
            assert!(
                words.iter().any(|w| (w.from..w.to).contains(&at)),
                "{c:?} at {at} of {text:?} has no time: {words:?}"
            );
        }
    }
}

#[test]
fn served_espeak_clips_time_every_word() {
    let server = serve(&["--addr", "127.0.0.1:0"], &[]);
    for (voice, text) in [
        ("cmn", "银行行长说，你好。"),
        (
            "cmn-latn-pinyin",
            "yin2hang2 hang2zhang3 li4 yong4 L E D，ni3 hao3。",
        ),
        ("en-us", "Hello world, this is Joe. How are you?"),
    ] {
        assert_every_word_timed(text, &clip(&server, voice, text));
    }
}

#[test]
fn served_kokoro_and_piper_clips_time_every_word() {
    let env = [("XDG_DATA_HOME", installed_data().display().to_string())];
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let server = serve(&["--addr", "127.0.0.1:0"], &env);
    for (voice, text) in [
        (
            "kokoro:zf_xiaobei",
            "yin2hang2 hang2zhang3 shuo1，ni3 hao3 LED。",
        ),
        (
            "kokoro:af_heart",
            "Hello world, this is one of the best of them.",
        ),
        (
            "piper:en_US-joe-medium",
            "Hello world, this is one of the best of them.",
        ),
    ] {
        let wav = clip(&server, voice, text);
        assert_every_word_timed(text, &wav);
        // The last word ends where the sound of the text does: no more
        // than the closing mark and pad after it.
        let words = clip_words(&wav, text.chars().count()).unwrap();
        let reader = hound::WavReader::new(wav.as_slice()).unwrap();
        let seconds = f64::from(reader.duration()) / f64::from(reader.spec().sample_rate);
        let tail = seconds - words.last().unwrap().end;
        assert!((0.0..0.6).contains(&tail), "{tail} s after the last word");
    }
}

/// The samples of a WAV.
fn samples(wav: &[u8]) -> Vec<i16> {
    let reader = hound::WavReader::new(wav).unwrap();
    reader.into_samples::<i16>().map(Result::unwrap).collect()
}

#[test]
fn kokoro_with_its_durations_sounds_exactly_as_the_model_installed() {
    let options = NeuralOptions {
        catalogue: Catalogue::built_in(),
        data_dir: installed_data().join("briefcast"),
        runtime: None,
    };
    let timed = Kokoro::new(Available::find("kokoro", &options), None);
    let plain = Kokoro::new(Available::find("kokoro", &options), None).without_word_times();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let text = "ni3 hao3，shi4jie4。Hello world.";
    let say = |kokoro: &Kokoro| {
        runtime
            .block_on(kokoro.synthesize(text, "zf_xiaobei", 1.1))
            .unwrap()
    };
    assert_same_audio_with_words(&say(&timed), &say(&plain), text);
}

#[test]
fn piper_with_its_durations_sounds_exactly_as_the_model_installed() {
    let options = NeuralOptions {
        catalogue: Catalogue::built_in(),
        data_dir: installed_data().join("briefcast"),
        runtime: None,
    };
    let timed = Piper::new(Available::find("piper", &options));
    let plain = Piper::new(Available::find("piper", &options)).without_word_times();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let text = "Hello world, this is Joe.";
    let say = |piper: &Piper| {
        runtime
            .block_on(piper.synthesize(text, "en_US-joe-medium", 0.9))
            .unwrap()
    };
    assert_same_audio_with_words(&say(&timed), &say(&plain), text);
}

/// `timed` carries word times for `text` and `plain` none, and their
/// samples are the same, bit for bit.
fn assert_same_audio_with_words(timed: &[u8], plain: &[u8], text: &str) {
    assert!(clip_words(timed, text.chars().count()).is_some());
    assert_eq!(clip_words(plain, text.chars().count()), None);
    let (timed, plain) = (samples(timed), samples(plain));
    assert_eq!(timed.len(), plain.len());
    assert!(timed == plain, "the added output changed the audio");
}
