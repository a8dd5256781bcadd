use super::*;

fn py(text: &str) -> String {
    pinyin_text(text)
}

#[test]
fn polyphones_take_the_reading_of_their_word() {
    assert_eq!(py("银行行长"), "yin2 hang2 hang2 zhang3");
    assert_eq!(
        py("重庆是工业重镇"),
        "chong2 qing4 shi4 gong1 ye4 zhong4 zhen4"
    );
    assert_eq!(py("调查"), "diao4 cha2");
    assert_eq!(py("他走得很快"), "ta1 zou3 de5 hen3 kuai4");
    assert_eq!(py("长大"), "zhang3 da4");
    assert_eq!(py("长城"), "chang2 cheng2");
}

#[test]
fn yi_and_bu_change_tone_before_their_neighbour() {
    assert_eq!(py("一定"), "yi2 ding4");
    assert_eq!(py("一天"), "yi4 tian1");
    assert_eq!(py("第一"), "di4 yi1");
    assert_eq!(py("统一"), "tong3 yi1");
    assert_eq!(py("二零一九年"), "er4 ling2 yi1 jiu3 nian2");
    assert_eq!(py("看一看"), "kan4 yi5 kan4");
    assert_eq!(py("不是"), "bu2 shi4");
    assert_eq!(py("不好"), "bu4 hao3");
    assert_eq!(py("是不是"), "shi4 bu5 shi4");
}

#[test]
fn third_tones_rise_before_a_third_tone() {
    assert_eq!(py("你好"), "ni2 hao3");
    assert_eq!(py("展览馆"), "zhan2 lan2 guan3");
    assert_eq!(py("我很好"), "wo3 hen2 hao3");
}

#[test]
fn erhua_joins_the_syllable_before() {
    assert_eq!(py("一点儿"), "yi4 dianr3");
    assert_eq!(py("女儿"), "nv3 er2");
    assert_eq!(py("花儿"), "huar1");
    assert_eq!(py("绿色"), "lv4 se4");
}

#[test]
fn punctuation_and_latin_words_are_kept() {
    assert_eq!(
        py("利用LED屏，播放《新闻》。"),
        "li4 yong4 LED ping2，bo1 fang4《xin1 wen2》。"
    );
    assert_eq!(
        spell_latin("li4 yong4 LED ping2，iPad"),
        "li4 yong4 L E D ping2，I P A D"
    );
    assert_eq!(py("Hello world"), "Hello world");
}

#[test]
fn a_word_s_syllables_can_be_written_together() {
    let readings = readings("银行行长说：GDP增长了5%。", &[]);
    assert_eq!(
        render_words(&readings),
        "yin2hang2hang2zhang3 shuo1：GDP zeng1zhang3 le5 5%。"
    );
    assert_eq!(
        render(&readings),
        "yin2 hang2 hang2 zhang3 shuo1：GDP zeng1 zhang3 le5 5%。"
    );
}

#[test]
fn lexicon_readings_win_and_are_left_alone() {
    let fixed = vec![(
        "重镇".to_owned(),
        vec!["chong2".to_owned(), "zhen4".to_owned()],
    )];
    let readings = readings("工业重镇", &fixed);
    assert_eq!(render(&readings), "gong1 ye4 chong2 zhen4");
    assert_eq!(readings.last().unwrap().text, "重镇");
}

#[test]
fn polyphones_of_the_cpp_sample_are_mostly_right() {
    let score = polyphone_score(include_str!("../../../tests/fixtures/zh_polyphone_cpp.tsv"));
    assert_eq!(score.total, 433);
    println!("{score:?}");
    let accuracy = score.correct as f64 / score.total as f64;
    assert!(accuracy >= 0.9, "{score:?}");
    assert!(score.correct > score.char_only, "{score:?}");
}
