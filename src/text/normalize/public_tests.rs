//! The public test sets in full (`tests/fixtures/zh_tn_public.tsv`: every
//! Mandarin normalisation case of WeTextProcessing's, NeMo's,
//! PaddleSpeech's and cn2an's test files, with the file each comes from),
//! scored as `dev_set_accuracy` scores the dev sample: a row counts when it
//! reads as its source expects, or as its row in
//! `zh_tn_public_exceptions.tsv` says, where this project deliberately reads
//! it otherwise (each with its reason). Each row is read as a Mandarin
//! voice is sent it (and as `briefcast say` prints it in a Mandarin show):
//! a row with no Chinese character and an English word stays as written.

use super::tests::{rows, score, Score};
use crate::text::{spoken_form, Form, Lexicon, Normalize};

fn say(text: &str) -> String {
    spoken_form(text, Normalize::Zh, Form::Hanzi, &Lexicon::default())
}

const PUBLIC: &str = include_str!("../../../tests/fixtures/zh_tn_public.tsv");
const EXCEPTIONS: &str = include_str!("../../../tests/fixtures/zh_tn_public_exceptions.tsv");

#[test]
fn public_sets_accuracy() {
    let public = rows(PUBLIC);
    let exceptions = rows(EXCEPTIONS);
    let Score {
        exact,
        excepted,
        failures,
    } = score(&public, &exceptions, say);
    for e in &exceptions {
        assert!(
            public.iter().any(|r| r[1] == e[0]),
            "exception {} is not a public row",
            e[0]
        );
        assert!(
            e.len() == 3 && !e[2].trim().is_empty(),
            "exception {} gives no reason",
            e[0]
        );
    }
    let n = public.len();
    let accuracy = (exact + excepted) as f64 / n as f64;
    println!(
        "zh TN public sets: {exact}/{n} as their sources expect ({:.1} %), {excepted} deliberate \
         exceptions, accuracy {:.1} %",
        exact as f64 / n as f64 * 100.0,
        accuracy * 100.0
    );
    for f in &failures {
        println!("{f}");
    }
    assert!(
        accuracy >= 0.97,
        "public-set accuracy {:.1} % is under 97 %",
        accuracy * 100.0
    );
}
