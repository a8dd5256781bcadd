//! Tone digits to tone marks, for people: `lv4` → `lǜ`, `hao3` → `hǎo`,
//! `huar1` → `huār`. The front end writes pinyin with tone digits (what
//! voices are sent, what the manifest records); readers see the marks
//! printed in every textbook.
//!
//! The mark goes on `a` or `e` when there is one, on the `o` of `ou`,
//! else on the last vowel (so `liu2` → `liú`, `gui4` → `guì`); `v` is `ü`;
//! tone 5 (or none) is neutral and unmarked; an erhua `r` follows the
//! marked syllable (`dianr3` → `diǎnr`); the syllabic nasals of 呣 and 嗯
//! (`m2`, `n3`, `ng4`) carry the mark themselves. Pure.

/// One syllable with a tone digit (1–5) in tone marks; a syllable with no
/// digit is neutral. Anything that is not pinyin (no vowel, no nasal) comes
/// back as it was, less its digit.
pub fn tone_marks(syllable: &str) -> String {
    let (base, tone) = match syllable.char_indices().last() {
        Some((i, d @ '0'..='5')) => (&syllable[..i], d as u32 - '0' as u32),
        _ => (syllable, 5),
    };
    let letters: Vec<char> = base
        .chars()
        .map(|c| match c {
            'v' => 'ü',
            'V' => 'Ü',
            c => c,
        })
        .collect();
    let Some(at) = mark_position(&letters) else {
        return letters.into_iter().collect();
    };
    let mut out = String::new();
    for (i, &c) in letters.iter().enumerate() {
        if i == at {
            push_marked(&mut out, c, tone);
        } else {
            out.push(c);
        }
    }
    out
}

/// Which letter takes the mark.
fn mark_position(letters: &[char]) -> Option<usize> {
    let lower: Vec<char> = letters.iter().map(|c| c.to_ascii_lowercase()).collect();
    let vowel = |c: char| matches!(c, 'a' | 'e' | 'i' | 'o' | 'u' | 'ü' | 'Ü' | 'ê');
    if let Some(i) = lower.iter().position(|&c| c == 'a' || c == 'e' || c == 'ê') {
        return Some(i);
    }
    if let Some(i) = lower.windows(2).position(|w| w == ['o', 'u']) {
        return Some(i);
    }
    if let Some(i) = lower.iter().rposition(|&c| vowel(c)) {
        return Some(i);
    }
    // 呣 m, 嗯 n / ng: the nasal is the syllable.
    match lower.as_slice() {
        ['m'] | ['n'] | ['n', 'g'] => Some(0),
        _ => None,
    }
}

/// `c` with the mark of `tone` (1–4; other tones leave it bare).
fn push_marked(out: &mut String, c: char, tone: u32) {
    const MARKED: [(char, [char; 4]); 14] = [
        ('a', ['ā', 'á', 'ǎ', 'à']),
        ('e', ['ē', 'é', 'ě', 'è']),
        ('i', ['ī', 'í', 'ǐ', 'ì']),
        ('o', ['ō', 'ó', 'ǒ', 'ò']),
        ('u', ['ū', 'ú', 'ǔ', 'ù']),
        ('ü', ['ǖ', 'ǘ', 'ǚ', 'ǜ']),
        ('A', ['Ā', 'Á', 'Ǎ', 'À']),
        ('E', ['Ē', 'É', 'Ě', 'È']),
        ('I', ['Ī', 'Í', 'Ǐ', 'Ì']),
        ('O', ['Ō', 'Ó', 'Ǒ', 'Ò']),
        ('U', ['Ū', 'Ú', 'Ǔ', 'Ù']),
        ('Ü', ['Ǖ', 'Ǘ', 'Ǚ', 'Ǜ']),
        ('n', ['n', 'ń', 'ň', 'ǹ']),
        ('m', ['m', 'ḿ', 'm', 'm']),
    ];
    // Combining macron, acute, caron, grave: for letters with no
    // precomposed form (ê, n̄, m̄, m̌, m̀).
    const COMBINING: [char; 4] = ['\u{304}', '\u{301}', '\u{30c}', '\u{300}'];
    let Some(t) = (1..=4).contains(&tone).then(|| tone as usize - 1) else {
        out.push(c);
        return;
    };
    match MARKED.iter().find(|(bare, _)| *bare == c) {
        Some((bare, marks)) if marks[t] != *bare => out.push(marks[t]),
        _ => {
            out.push(c);
            out.push(COMBINING[t]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::tone_marks;

    fn marks(syllables: &str) -> String {
        syllables
            .split(' ')
            .map(tone_marks)
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn a_and_e_take_the_mark_then_the_o_of_ou() {
        assert_eq!(marks("hao3 mei2 xie4 lei4 guai4"), "hǎo méi xiè lèi guài");
        assert_eq!(marks("zhou1 gou3 lou2 dou4"), "zhōu gǒu lóu dòu");
        assert_eq!(marks("guo2 duo1 huo3"), "guó duō huǒ");
        assert_eq!(marks("er2 er4"), "ér èr");
    }

    #[test]
    fn iu_marks_the_u_and_ui_the_i() {
        assert_eq!(marks("liu2 jiu3 niu2"), "liú jiǔ niú");
        assert_eq!(marks("gui4 shui3 dui4"), "guì shuǐ duì");
    }

    #[test]
    fn v_is_u_umlaut_and_marked_unless_an_e_follows() {
        assert_eq!(marks("lv4 nv3 lv2"), "lǜ nǚ lǘ");
        assert_eq!(marks("lve4 nve4"), "lüè nüè");
        assert_eq!(marks("nv5"), "nü");
    }

    #[test]
    fn neutral_tone_is_unmarked() {
        assert_eq!(marks("de5 ma5 zi5"), "de ma zi");
        assert_eq!(marks("men"), "men");
    }

    #[test]
    fn erhua_r_follows_the_marked_vowel() {
        assert_eq!(marks("huar1 dianr3 wanr2 ger4"), "huār diǎnr wánr gèr");
        assert_eq!(tone_marks("r5"), "r");
    }

    #[test]
    fn syllabic_nasals_and_other_text() {
        assert_eq!(marks("m2 n2 n3 ng4"), "ḿ ń ň ǹg");
        assert_eq!(tone_marks("ng1"), "n\u{304}g");
        assert_eq!(tone_marks("ê2"), "ê\u{301}");
        assert_eq!(marks("LED 3"), "LED ");
        assert_eq!(tone_marks("Zhong1"), "Zhōng");
    }
}
