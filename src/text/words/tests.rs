use super::*;
use crate::text::{spoken_form, Entry};

const DEV: &str = include_str!("../../../tests/fixtures/zh_tn_dev.tsv");
const PUBLIC: &str = include_str!("../../../tests/fixtures/zh_tn_public.tsv");
const PAGE: &str = include_str!("../../../tests/fixtures/page.txt");

fn chars(text: &str, range: &Range<usize>) -> String {
    text.chars().skip(range.start).take(range.len()).collect()
}

/// `written=spoken` for each word, or `written=spoken@sent` where what is
/// sent differs from what is heard.
fn shown(text: &str, form: Form, lexicon: &Lexicon) -> Vec<String> {
    let sent = spoken_form(text, Normalize::Zh, form, lexicon);
    segment_words(text, Normalize::Zh, form, lexicon)
        .iter()
        .map(|w| {
            let written = chars(text, &w.written);
            let said = chars(&sent, &w.sent);
            if said == w.spoken {
                format!("{written}={}", w.spoken)
            } else {
                format!("{written}={}@{said}", w.spoken)
            }
        })
        .collect()
}

fn hanzi(text: &str) -> Vec<String> {
    shown(text, Form::Hanzi, &Lexicon::default())
}

/// The word whose written form holds `needle`.
fn word_with(text: &str, needle: &str) -> String {
    hanzi(text)
        .into_iter()
        .find(|w| w.split('=').next().unwrap().contains(needle))
        .unwrap_or_default()
}

#[test]
fn every_rule_class_maps_its_reading_back_to_what_was_written() {
    let cases = [
        // N年 and numeric dates
        ("全市2019年少数民族", "2019", "2019=二零一九"),
        (
            "于2008-08-08开幕",
            "2008-08-08",
            "2008-08-08=二零零八年八月八日",
        ),
        ("于08-08开幕", "08-08", "08-08=八月八日"),
        // percentages, decimals, money
        ("占56.66%。", "56.66%", "56.66%=百分之五十六点六六"),
        ("人口222.98万人", "222.98", "222.98=二百二十二点九八"),
        ("花了36.00元", "36.00", "36.00=三十六"),
        ("￥5买", "￥5", "￥5=五元"),
        // times, digit strings
        ("9:30开会", "9:30", "9:30=九点三十分"),
        (
            "拨打13501234567",
            "13501234567",
            "13501234567=幺三五零幺二三四五六七",
        ),
        // ranges, scores, operators
        ("有10-20人", "10", "10=十"),
        ("有10-20人", "-", "-=到"),
        ("有10-20人", "20", "20=二十"),
        ("比分2-1", "-", "-=比"),
        ("3+5=8", "+", "+=加"),
        // units, negatives, fractions, ordinals, measure words
        ("重3 kg的", "3 kg", "3 kg=三千克"),
        ("气温-10°C", "-10°C", "-10°C=零下十摄氏度"),
        ("占1/3", "1/3", "1/3=三分之一"),
        ("第2天", "2", "2=二"),
        ("有2个自治县", "2", "2=两"),
        ("5G网络", "5", "5=五"),
    ];
    let wrong: Vec<String> = cases
        .iter()
        .filter(|(text, needle, expected)| word_with(text, needle) != *expected)
        .map(|(text, _, expected)| format!("{text}: {:?}, not {expected}", hanzi(text)))
        .collect();
    assert!(wrong.is_empty(), "{wrong:#?}");
}

#[test]
fn words_the_normaliser_left_alone_are_the_front_ends_words() {
    assert_eq!(
        hanzi("柳州是工业重镇。"),
        ["柳州=柳州", "是=是", "工业=工业", "重镇=重镇"]
    );
    assert_eq!(hanzi("利用LED屏"), ["利用=利用", "LED=LED", "屏=屏"]);
    assert_eq!(
        hanzi("拉齐奥 2/2"),
        ["拉齐奥=拉齐奥", "2/2=二比二"],
        "the space before a number says nothing"
    );
}

#[test]
fn english_words_are_runs_of_letters_and_digits() {
    let words = segment_words(
        "Don't stop: 3.5 million in 2019.",
        Normalize::Zh,
        Form::Hanzi,
        &Lexicon::default(),
    );
    let text = "Don't stop: 3.5 million in 2019.";
    let written: Vec<String> = words.iter().map(|w| chars(text, &w.written)).collect();
    assert_eq!(written, ["Don't", "stop", "3.5", "million", "in", "2019"]);
    assert!(words
        .iter()
        .all(|w| w.pinyin.is_empty() && w.written == w.sent));
}

#[test]
fn lexicon_replacements_are_shown_as_written() {
    let mut entries = std::collections::BTreeMap::new();
    entries.insert("LED".to_owned(), Entry::Say("L E D".to_owned()));
    let lexicon = Lexicon::merged(&entries, &Default::default());
    assert_eq!(
        shown("用LED屏", Form::Hanzi, &lexicon),
        ["用=用", "LED=L E D", "屏=屏"]
    );
}

#[test]
fn pinyin_voices_are_matched_on_the_pinyin_they_are_sent() {
    let none = Lexicon::default();
    assert_eq!(
        shown("占56%，用LED", Form::Pinyin, &none),
        [
            "占=占@zhan4",
            "56%=百分之五十六@bai3 fen1 zhi1 wu3 shi2 liu4",
            "用=用@yong4",
            "LED=LED@L E D"
        ]
    );
    assert_eq!(
        shown("银行的行长", Form::PinyinWords, &none),
        ["银行=银行@yin2hang2", "的=的@de5", "行长=行长@hang2zhang3"]
    );
    let words = segment_words("银行的行长", Normalize::Zh, Form::PinyinWords, &none);
    assert_eq!(words[2].pinyin, ["hang2", "zhang3"]);
}

/// Over every sentence of the development and public sets and the sample
/// page, in every form: words are in order and apart, every Han character
/// and digit written is in a word, and what a word is sent as is the part
/// of the sent text that says it (its spoken form, for a hanzi voice).
#[test]
fn words_cover_every_written_character_in_every_form() {
    let rows = |tsv: &'static str| {
        tsv.lines()
            .skip(1)
            .filter_map(|l| l.split('\t').nth(1))
            .collect::<Vec<_>>()
    };
    let texts: Vec<&str> = rows(DEV)
        .into_iter()
        .chain(rows(PUBLIC))
        .chain(PAGE.lines().filter(|l| !l.trim().is_empty()))
        .collect();
    assert!(texts.len() > 500, "{} sentences", texts.len());
    let none = Lexicon::default();
    for form in [Form::Hanzi, Form::Pinyin, Form::PinyinWords] {
        for text in &texts {
            let sent = spoken_form(text, Normalize::Zh, form, &none);
            let sent_len = sent.chars().count();
            let words = segment_words(text, Normalize::Zh, form, &none);
            let written: Vec<char> = text.chars().collect();
            for pair in words.windows(2) {
                assert!(
                    pair[0].written.end <= pair[1].written.start,
                    "{text}: {words:?}"
                );
                assert!(
                    pair[0].sent.end <= pair[1].sent.start,
                    "{form:?} {text}: {words:?}"
                );
            }
            for word in &words {
                assert!(
                    !word.spoken.is_empty() && !word.sent.is_empty(),
                    "{text}: {word:?}"
                );
                assert!(word.sent.end <= sent_len, "{text}: {word:?}");
                if form == Form::Hanzi {
                    assert_eq!(chars(&sent, &word.sent), word.spoken, "{text}");
                }
                let hans = word.spoken.chars().filter(|&c| is_han(c)).count();
                assert_eq!(word.pinyin.is_empty(), hans == 0, "{text}: {word:?}");
            }
            for (i, c) in written.iter().enumerate() {
                if is_han(*c) || c.is_ascii_digit() {
                    assert!(
                        words.iter().any(|w| w.written.contains(&i)),
                        "{form:?} {text}: {c} at {i} is in no word: {words:?}"
                    );
                }
            }
        }
    }
}
