use super::*;

/// Every letter, digit and Han character of `text` is inside a word; the
/// words are in order, apart, and inside the audio.
fn assert_every_word_timed(text: &str, spoken: &Spoken) {
    let chars: Vec<char> = text.chars().collect();
    let seconds = spoken.samples.len() as f64 / f64::from(spoken.rate);
    assert!(!spoken.words.is_empty(), "no words for {text:?}");
    let mut last = (0, 0.0);
    for word in &spoken.words {
        assert!(word.from < word.to && word.to <= chars.len(), "{word:?}");
        assert!(word.from >= last.0, "out of order: {word:?} after {last:?}");
        assert!(word.start >= last.1, "overlaps: {word:?} after {last:?}");
        assert!(
            word.start < word.end && word.end <= seconds,
            "{word:?} in {seconds} s"
        );
        last = (word.to, word.end);
    }
    for (at, c) in chars.iter().enumerate() {
        if c.is_alphanumeric() {
            assert!(
                spoken.words.iter().any(|w| (w.from..w.to).contains(&at)),
                "{c:?} at {at} of {text:?} has no time: {:?}",
                spoken.words
            );
        }
    }
}

#[test]
fn hanzi_pinyin_and_english_words_all_get_times() {
    for (text, voice) in [
        ("银行行长说，你好世界。", "cmn"),
        (
            "yin2hang2 hang2zhang3 li4 yong4 L E D，ni3 hao3。",
            "cmn-latn-pinyin",
        ),
        ("Hello world, this is Joe. How are you?", "en-us"),
    ] {
        let spoken = speak_words(text, voice, 1.0).unwrap();
        assert_eq!(spoken.rate, 22_050);
        assert_every_word_timed(text, &spoken);
    }
}

#[test]
fn pinyin_words_are_whole_words_and_end_before_a_pause() {
    let text = "yin2hang2 hang2zhang3，ni3 hao3。";
    let spoken = speak_words(text, "cmn-latn-pinyin", 1.0).unwrap();
    let words: Vec<String> = spoken
        .words
        .iter()
        .map(|w| text.chars().skip(w.from).take(w.to - w.from).collect())
        .collect();
    assert_eq!(words, ["yin2hang2", "hang2zhang3", "ni3", "hao3"]);
    // The comma's pause lies between hang2zhang3's end and ni3's start.
    let gap = spoken.words[2].start - spoken.words[1].end;
    assert!(
        gap > 0.05,
        "no pause found at the comma: {:?}",
        spoken.words
    );
    // Words inside a clause meet.
    assert_eq!(spoken.words[0].end, spoken.words[1].start);
}

/// Samples of the `espeak-ng` program's WAV for the same request.
fn program_samples(text: &str, voice: &str, wpm: u32) -> Vec<i16> {
    use std::io::Write;
    let mut child = std::process::Command::new("espeak-ng")
        .args(["-b", "1", "-v", voice, "-s", &wpm.to_string(), "--stdout"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let wav = child.wait_with_output().unwrap().stdout;
    let data = wav.windows(4).position(|w| w == b"data").unwrap() + 8;
    wav[data..]
        .chunks_exact(2)
        .map(|b| i16::from_le_bytes([b[0], b[1]]))
        .collect()
}

#[test]
fn the_library_sounds_exactly_like_the_program_every_time() {
    let stop = AtomicBool::new(false);
    for _ in 0..2 {
        for (text, voice, speed, wpm) in [
            ("Hello world, this is Joe.", "en-us", 1.0, 175),
            ("ni3 hao3，shi4 jie4。", "cmn-latn-pinyin+f3", 1.2, 210),
            // Not a voice's name but a language's, as the program takes it.
            ("ni3 hao3。", "zh", 1.0, 175),
        ] {
            let pcm = speak(text, voice, speed, &stop).unwrap();
            let program = program_samples(text, voice, wpm);
            assert_eq!(pcm.samples.len(), program.len(), "{voice}");
            assert!(pcm.samples == program, "{voice}: other samples");
        }
    }
}

#[test]
fn unknown_voices_and_option_like_names_are_refused() {
    for voice in ["xx-nowhere", "--path=/tmp", "cmn f3"] {
        let error = speak_words("hello", voice, 1.0).unwrap_err();
        assert!(matches!(error, EspeakError::Voice(_)), "{voice}: {error}");
        assert!(error.to_string().contains(voice), "{error}");
    }
}

#[test]
fn a_set_stop_flag_stops_the_synthesis() {
    let stop = AtomicBool::new(true);
    let error = speak(&"hello world. ".repeat(50), "en-us", 1.0, &stop).unwrap_err();
    assert!(matches!(error, EspeakError::Stopped), "{error}");
}

fn mark(position: i64, length: i64, sample: i64) -> WordMark {
    WordMark {
        position,
        length,
        sample,
    }
}

#[test]
fn words_end_at_the_next_word_or_where_the_sound_before_a_pause_ends() {
    // Two words, then a pause (zeros) to a clause end at 60, a third word
    // to the end of the clip with trailing silence.
    let mut samples = vec![1000i16; 100];
    samples[40..60].fill(0);
    samples[90..].fill(3);
    let marks = [mark(1, 3, 0), mark(5, 2, 20), mark(8, 4, 60)];
    assert_eq!(
        place_words(&marks, &[60, 100], &samples, 12),
        vec![(0, 3, 0, 20), (4, 6, 20, 40), (7, 11, 60, 90)]
    );
}

#[test]
fn empty_backward_and_outside_marks_are_dropped_or_clamped() {
    let samples = vec![1000i16; 50];
    let marks = [
        mark(1, 2, 5),
        mark(3, 0, 5),   // no length
        mark(0, 2, 6),   // before the text
        mark(2, 2, 10),  // inside the previous word
        mark(4, 2, 3),   // earlier than the previous word
        mark(5, 9, 30),  // runs past the text: cut at its end
        mark(20, 1, 40), // after the text
    ];
    assert_eq!(
        place_words(&marks, &[], &samples, 8),
        vec![(0, 2, 5, 30), (4, 8, 30, 50)]
    );
    // A mark past the clip's end is clamped to it.
    assert_eq!(
        place_words(&[mark(1, 1, 500)], &[], &samples, 8),
        vec![(0, 1, 50, 50)]
    );
}
