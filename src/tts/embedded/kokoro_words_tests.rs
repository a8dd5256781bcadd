use super::*;

#[tokio::test]
async fn pinyin_words_own_their_phonemes_and_marks_belong_to_none() {
    let said = said("ni3 hao3，shi4jie4。").await.unwrap();
    assert_eq!(said.phonemes, "ni↓ xau↓, ʂɨ↘ʨje↘.");
    assert_eq!(said.words, vec![0..3, 4..8, 9..17]);
    let owners: String = said
        .owner
        .iter()
        .map(|o| o.map_or('-', |w| char::from(b'0' + w as u8)))
        .collect();
    assert_eq!(owners, "000-1111--2222222-");
    assert_eq!(said.owner.len(), said.phonemes.chars().count());
}

#[tokio::test]
async fn english_words_in_one_run_each_get_their_phonemes() {
    let text = "GDP of the world";
    let said = said(text).await.unwrap();
    assert_eq!(said.words, vec![0..3, 4..6, 7..10, 11..16]);
    // Every word says something, in order.
    let mut last = 0;
    for word in 0..4 {
        let at = said.owner.iter().position(|&o| o == Some(word));
        let at = at.unwrap_or_else(|| panic!("word {word} says nothing: {said:?}"));
        assert!(at >= last, "{said:?}");
        last = at;
    }
}

#[test]
fn a_joined_reading_is_split_by_the_words_said_alone() {
    let alone = ["ˈʌv".to_owned(), "ðˈə".to_owned()];
    assert_eq!(
        attribute("ʌvðə", &["of", "the"], Some(&alone)),
        vec![Some(0), Some(0), Some(1), Some(1)]
    );
    // Stress marks go with their vowel's word; spaces and marks to none.
    let alone = ["wˈʌn".to_owned(), "tˈuː".to_owned()];
    assert_eq!(
        attribute("wˈʌn, tˈu", &["one", "two"], Some(&alone)),
        vec![
            Some(0),
            Some(0),
            Some(0),
            Some(0),
            None,
            None,
            Some(1),
            Some(1),
            Some(1)
        ]
    );
    // Without the words said alone: by their lengths.
    assert_eq!(
        attribute("abcd", &["xy", "zw"], None),
        vec![Some(0), Some(0), Some(1), Some(1)]
    );
}

#[test]
fn chunks_keep_each_tokens_word() {
    let vocab: HashMap<char, i64> = [('a', 1), ('b', 2), (' ', 3), (',', 4)].into();
    let owner = [Some(0), Some(0), None, Some(1), None];
    // The space between two words is the next one's onset.
    assert_eq!(
        owned_chunks("ab b☃", &owner, &vocab, 500),
        vec![vec![
            (1, Owner::Word(0)),
            (2, Owner::Word(0)),
            (3, Owner::Onset(1)),
            (2, Owner::Word(1))
        ]]
    );
    // After punctuation it is pause.
    let owner = [Some(0), None, None, Some(1)];
    assert_eq!(
        owned_chunks("a, b", &owner, &vocab, 500),
        vec![vec![
            (1, Owner::Word(0)),
            (4, Owner::Pause),
            (3, Owner::Pause),
            (2, Owner::Word(1))
        ]]
    );
}

#[test]
fn word_times_follow_the_token_durations_across_chunks() {
    // Chunk 1: pad, w0, w0, space, w1, pad = 1+2+1+1+3+2 = 10 units.
    // Chunk 2: pad, w2, pad = 1+4+1 = 6 units. 600 samples a unit.
    let chunks = [
        Timed {
            owners: vec![Owner::Word(0), Owner::Word(0), Owner::Pause, Owner::Word(1)],
            durations: vec![1.0, 2.0, 1.0, 1.0, 3.0, 2.0],
            samples: 6000,
        },
        Timed {
            owners: vec![Owner::Word(2)],
            durations: vec![1.0, 4.0, 1.0],
            samples: 3600,
        },
    ];
    let words = [0..2, 3..5, 6..9];
    let times = word_times(&chunks, &words, 24_000, 0.0);
    let seconds = |frames: f64| frames / 24_000.0;
    assert_eq!(
        times,
        vec![
            ClipWord {
                from: 0,
                to: 2,
                start: seconds(600.0),
                end: seconds(2400.0)
            },
            ClipWord {
                from: 3,
                to: 5,
                start: seconds(3000.0),
                end: seconds(4800.0)
            },
            ClipWord {
                from: 6,
                to: 9,
                start: seconds(6600.0),
                end: seconds(9000.0)
            },
        ]
    );
}

#[test]
fn the_lead_moves_every_word_earlier_but_never_before_its_chunk() {
    // Chunk 1: pad, w0, pad = 1+2+1 units; chunk 2: pad, w1, pad = 1+3+1.
    let chunks = [
        Timed {
            owners: vec![Owner::Word(0)],
            durations: vec![1.0, 2.0, 1.0],
            samples: 2400,
        },
        Timed {
            owners: vec![Owner::Word(1)],
            durations: vec![1.0, 3.0, 1.0],
            samples: 3000,
        },
    ];
    let words = [0..2, 3..5];
    let seconds = |frames: f64| frames / 24_000.0;
    // A 300-sample lead: w0 600..1800 becomes 300..1500.
    let times = word_times(&chunks, &words, 24_000, seconds(300.0));
    assert_eq!(
        (times[0].start, times[0].end),
        (seconds(300.0), seconds(1500.0))
    );
    // w1: 2400 + 600..2400 → 2700..4500.
    assert_eq!(
        (times[1].start, times[1].end),
        (seconds(2700.0), seconds(4500.0))
    );
    // A lead longer than the pad stops at the chunk's start (2400 for w1).
    let times = word_times(&chunks, &words, 24_000, seconds(900.0));
    assert_eq!(times[0].start, 0.0);
    assert_eq!(times[1].start, seconds(2400.0));
    assert_eq!(times[1].end, seconds(2400.0 + 2400.0 - 900.0));
}

#[test]
fn a_word_after_a_space_between_words_begins_halfway_through_it() {
    // pad, w0, space (w1's onset), w1, pad = 1+2+2+3+1 units of 600 samples.
    let chunks = [Timed {
        owners: vec![Owner::Word(0), Owner::Onset(1), Owner::Word(1)],
        durations: vec![1.0, 2.0, 2.0, 3.0, 1.0],
        samples: 5400,
    }];
    let times = word_times(&chunks, &[0..2, 3..5], 24_000, 0.0);
    let seconds = |frames: f64| frames / 24_000.0;
    assert_eq!(
        times.iter().map(|w| (w.start, w.end)).collect::<Vec<_>>(),
        vec![
            (seconds(600.0), seconds(1800.0)),
            (seconds(2400.0), seconds(4800.0))
        ]
    );
}
