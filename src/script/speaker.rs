//! Speaker lines of multi-speech pages: which lines name a speaker, and
//! how to split such a line into the person or organisation and the title
//! (`省高级人民法院副院长 李明` → 李明 + 省高级人民法院副院长).
//!
//! Owns: the title-word table, the shape of a personal name, and the forms
//! of speaker lines seen on real pages (marked `□`/`■`/`——`, "title name",
//! "name title：", "name（titles）", and an inline "title name：" opening a
//! paragraph). Leaves alone: deciding which form a page uses (that is the
//! page-wide vote in `import`).
//!
//! The word tables are in `words`, the folding of traditional characters in
//! `traditional`, and paragraphs that open with their speaker in `opening`.

mod opening;
mod traditional;
mod words;

pub use opening::{opening, Opened, Opening};
pub use traditional::fold;

use opening::SAYING;
#[cfg(test)]
use traditional::TRADITIONAL;
use words::{COMPOUND_SURNAMES, ORG_ENDINGS, SURNAMES, TITLE_WORDS};

/// A name with no padding before it: name-shaped and opening with a surname
/// (or a `·` name).
fn surname_name(s: &str) -> bool {
    let first = s.chars().next().is_some_and(|c| SURNAMES.contains(c));
    name_shaped(s)
        && !s.contains(' ')
        && (first || s.contains('·') || COMPOUND_SURNAMES.iter().any(|c| s.starts_with(c)))
}

/// Markers that open an attribution line: `□ 柳州市`, `■张祖成`, `—— 李明`.
const MARKS: &[char] = &['□', '■', '◆', '◇', '●', '○', '▲', '★', '☆'];

/// A speaker line split into who speaks and their title.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Speaker {
    /// The person or organisation.
    pub name: String,
    /// The title or role, when the line names one.
    pub role: Option<String>,
}

/// How a line names a speaker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// Opens with a mark (`□`, `■`, `——`): the seed page's layout.
    Marked,
    /// Title and name with nothing after (`自治区政协主席 陈华`, `王强（全国人大代表）`).
    Plain,
    /// Ends in a colon (`张伟委员：`).
    Colon,
}

pub fn is_hanzi(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{3FFFF}')
}

/// A personal name: 2–4 hanzi (a space inside, as in `刘 芳`, is padding),
/// or a name joined by `·` (`嘉木样·洛桑久美`), or 2–4 capitalised Latin words.
pub fn name_shaped(s: &str) -> bool {
    let core: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    let n = core.chars().count();
    if core.contains('·') {
        return (3..=12).contains(&n) && core.chars().all(|c| is_hanzi(c) || c == '·');
    }
    if (2..=4).contains(&n) && core.chars().all(is_hanzi) {
        // Padding spaces only between single characters: `刘 芳`, not `牢记 嘱托 不负`.
        return s.split_whitespace().all(|w| w.chars().count() <= 1) || !s.contains(' ');
    }
    let words: Vec<&str> = s.split_whitespace().collect();
    (2..=4).contains(&words.len())
        && words.iter().all(|w| {
            let mut cs = w.chars();
            cs.next().is_some_and(char::is_uppercase)
                && cs.all(|c| c.is_alphabetic() || c == '.' || c == '-' || c == '\'')
        })
}

fn ends_with_title_word(s: &str) -> Option<&'static str> {
    TITLE_WORDS.iter().copied().find(|w| s.ends_with(w))
}

fn has_title_word(s: &str) -> bool {
    TITLE_WORDS.iter().any(|w| s.contains(w))
}

/// Columns, a CJK character counting 2.
fn columns(s: &str) -> usize {
    s.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum()
}

/// A marked line this short names its speaker whatever its shape (`□ 甲`).
const MAX_BARE_MARKED: usize = 6;

/// Longest speaker line, in columns.
const MAX_SPEAKER_LINE: usize = 70;

/// Split "who" (no mark, no colon) into name and role, if it names a
/// speaker by its shape: `title name`, `title, title name`, `name title`,
/// `name（titles）`. `None` when it does not look like a speaker at all.
fn split_who(who: &str) -> Option<Speaker> {
    let who = who.trim();
    if who.is_empty() || columns(who) > MAX_SPEAKER_LINE {
        return None;
    }
    let bad = |c: char| "。！？；;!?“”\"".contains(c);
    if who.chars().any(bad) {
        return None;
    }
    // name（titles）
    if let (Some((name, rest)), true) = (who.split_once(['（', '(']), who.ends_with(['）', ')']))
    {
        let role = rest.trim_end_matches(['）', ')']).trim();
        let name = name.trim();
        if name_shaped(name) && has_title_word(role) {
            return Some(speaker(name, Some(role)));
        }
        return None;
    }
    // title name, split at the last space: `省高级人民法院副院长 李明`, `副院长 刘 芳`.
    let words: Vec<&str> = who.split_whitespace().collect();
    if words.len() >= 2 {
        for k in (1..words.len()).rev() {
            let (head, tail) = (words[..k].join(" "), words[k..].join(" "));
            if name_shaped(&tail) && has_title_word(&head) {
                return Some(speaker(&tail, Some(&head)));
            }
        }
    }
    // name title: `张伟委员`, `马化腾代表`.
    if let Some(w) = ends_with_title_word(who) {
        let name = who[..who.len() - w.len()].trim();
        if surname_name(name) {
            return Some(speaker(name, Some(w)));
        }
    }
    // title+name with no space: `全国政协委员，中国共产党历史展览馆馆长吴向东`.
    let end = TITLE_WORDS
        .iter()
        .filter_map(|w| who.rfind(w).map(|i| i + w.len()))
        .max()?;
    let (head, tail) = (who[..end].trim(), who[end..].trim());
    let tail = tail.trim_start_matches(['，', ',', '、', ' ']);
    surname_name(tail).then(|| speaker(tail, Some(head)))
}

fn speaker(name: &str, role: Option<&str>) -> Speaker {
    let name: String = if name.contains(' ') && name.chars().any(is_hanzi) {
        name.chars().filter(|c| !c.is_whitespace()).collect()
    } else {
        name.to_string()
    };
    let role = role
        .map(|r| r.trim().trim_end_matches(['，', ',', '、']).to_string())
        .filter(|r| !r.is_empty());
    Speaker { name, role }
}

/// A line without the marks that may open it (`■■■ 筑牢共识` → `筑牢共识`).
pub fn strip_marks(line: &str) -> &str {
    line.trim_start_matches(MARKS).trim_start()
}

/// A whole (trimmed) line that names a speaker, with its form; a line in
/// traditional characters is read through [`fold`].
pub fn speaker_line(line: &str) -> Option<(Form, Speaker)> {
    let folded = fold(line);
    shaped_line(&folded).map(|(form, who)| (form, who.restored(line, &folded)))
}

fn shaped_line(line: &str) -> Option<(Form, Speaker)> {
    let marked = line
        .strip_prefix(MARKS)
        .map(|r| r.trim_start_matches(MARKS))
        .or_else(|| line.starts_with('—').then(|| line.trim_start_matches('—')));
    if let Some(rest) = marked {
        let rest = rest.trim().trim_end_matches(['：', ':']).trim();
        if rest.is_empty() || columns(rest) > MAX_SPEAKER_LINE || rest.ends_with(['。', '！', '？'])
        {
            return None;
        }
        let org = ORG_ENDINGS.iter().any(|e| rest.ends_with(e))
            || name_shaped(rest)
            || rest.chars().count() <= MAX_BARE_MARKED;
        let who = split_who(rest).or_else(|| org.then(|| speaker(rest, None)))?;
        return Some((Form::Marked, who));
    }
    if let Some(who) = line.strip_suffix(['：', ':']) {
        return split_who(who).map(|s| (Form::Colon, s));
    }
    split_who(line).map(|s| (Form::Plain, s))
}

/// A paragraph that opens with its speaker: `刘晓凯委员：报告具有…` →
/// (speaker, the text after the colon). The speaker part must carry a title
/// word, so `实践证明：…` is not one.
pub fn inline_speaker(paragraph: &str) -> Option<(Speaker, &str)> {
    let folded = fold(paragraph);
    let (who, body) = colon_opening(&folded)?;
    let body = &paragraph[paragraph.len() - body.len()..];
    Some((who.restored(paragraph, &folded), body))
}

fn colon_opening(paragraph: &str) -> Option<(Speaker, &str)> {
    let at = paragraph.find(['：', ':'])?;
    let (who, rest) = (&paragraph[..at], &paragraph[at..]);
    // `全国人大代表张日红说：“…”` is reported speech, not a name `张日红说`.
    if SAYING.iter().any(|v| who.ends_with(v)) {
        return None;
    }
    let body = rest.trim_start_matches(['：', ':']).trim_start();
    let who = who.trim_start_matches(MARKS).trim();
    if body.is_empty() || !has_title_word(who) {
        return None;
    }
    split_who(who).map(|s| (s, body))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(line: &str) -> Option<(Form, String, Option<String>)> {
        speaker_line(line).map(|(f, s)| (f, s.name, s.role))
    }

    fn some(form: Form, name: &str, role: Option<&str>) -> Option<(Form, String, Option<String>)> {
        Some((form, name.into(), role.map(String::from)))
    }

    #[test]
    fn the_forms_of_speaker_lines() {
        use Form::*;
        assert_eq!(split("□ 柳州市"), some(Marked, "柳州市", None));
        assert_eq!(split("—— Jane Doe"), some(Marked, "Jane Doe", None));
        assert_eq!(
            split("省高级人民法院副院长 李明"),
            some(Plain, "李明", Some("省高级人民法院副院长"))
        );
        assert_eq!(
            split("自治区政协主席\u{a0}陈华".replace('\u{a0}', " ").as_str()),
            some(Plain, "陈华", Some("自治区政协主席"))
        );
        assert_eq!(
            split("县法院副庭长 刘 芳"),
            some(Plain, "刘芳", Some("县法院副庭长"))
        );
        assert_eq!(split("张伟委员："), some(Colon, "张伟", Some("委员")));
        assert_eq!(
            split("王强（全国人大代表、某某集团董事长）"),
            some(Plain, "王强", Some("全国人大代表、某某集团董事长"))
        );
        assert_eq!(
            split("■■全国政协委员，中国共产党历史展览馆馆长吴向东："),
            some(
                Marked,
                "吴向东",
                Some("全国政协委员，中国共产党历史展览馆馆长")
            )
        );
        assert_eq!(
            split("全国人大代表、上海市政府参事金长荣"),
            some(Plain, "金长荣", Some("全国人大代表、上海市政府参事"))
        );
        let (s, _) = inline_speaker(
            "全国政协委员、中国（海南）改革发展研究院执行院长迟福林：掌声印证辉煌。",
        )
        .unwrap();
        assert_eq!(s.name, "迟福林");
        assert_eq!(
            split("黄山市委书记 黄 山"),
            some(Plain, "黄山", Some("黄山市委书记"))
        );
    }

    fn opened(p: &str) -> (String, Option<String>, Opening, String, Option<String>) {
        let o = opening(p).unwrap_or_else(|| panic!("{p}"));
        (o.who.name, o.who.role, o.form, o.body, o.title)
    }

    #[test]
    fn reported_speech_openings() {
        let (name, role, form, body, _) = opened("全国人大代表张日红说：“离不开人。”");
        assert_eq!(
            (name.as_str(), role.as_deref()),
            ("张日红", Some("全国人大代表"))
        );
        assert_eq!((form, body.as_str()), (Opening::Reported, "“离不开人。”"));
        let (name, role, _, body, _) = opened("林毅夫委員在發言中表示，當前世界確實面臨大變局。");
        assert_eq!((name.as_str(), role.as_deref()), ("林毅夫", Some("委員")));
        assert_eq!(body, "當前世界確實面臨大變局。");
        let (name, role, _, body, _) = opened("田紅旗委員代表民革中央發言説，中國新型政黨制度好。");
        assert_eq!(name, "田紅旗");
        assert_eq!(role.as_deref(), Some("委員，代表民革中央"));
        assert_eq!(body, "中國新型政黨制度好。");
        // Quote first: the attribution between the quotes is not read.
        let (name, _, _, body, _) =
            opened("“报告接地气”，全国人大代表杨天夫说，“代表们反应热烈。”");
        assert_eq!(
            (name.as_str(), body.as_str()),
            ("杨天夫", "“报告接地气”，“代表们反应热烈。”")
        );
        let (name, _, _, body, _) =
            opened("“形势复杂多变，交出了优异答卷。”全国人大代表、伊春市市长高环说。");
        assert_eq!(
            (name.as_str(), body.as_str()),
            ("高环", "“形势复杂多变，交出了优异答卷。”")
        );
        let (name, _, _, body, _) = opened("“报告务实。”，全国人大代表高环说。他还建议加快转型。");
        assert_eq!(
            (name.as_str(), body.as_str()),
            ("高环", "“报告务实。”他还建议加快转型。")
        );
        // About the speech, read whole; a title given in the paragraph.
        let p = "委員劉永好以“積極投身鄉村振興實踐”為題進行大會發言。";
        let (name, _, form, body, title) = opened(p);
        assert_eq!(
            (name.as_str(), form, body.as_str()),
            ("劉永好", Opening::Named, p)
        );
        assert_eq!(title.as_deref(), Some("積極投身鄉村振興實踐"));
        let (name, _, form, _, _) = opened("委員戴北方在發言中“解碼”了深圳的經驗。");
        assert_eq!((name.as_str(), form), ("戴北方", Opening::Named));
        // The colon form is unchanged.
        let (name, _, form, body, _) = opened("刘晓凯委员：报告具有很强的政治性。");
        assert_eq!(
            (name.as_str(), form, body.as_str()),
            ("刘晓凯", Opening::Colon, "报告具有很强的政治性。")
        );
    }

    #[test]
    fn paragraphs_that_open_no_speech() {
        for p in [
            // The speaker already named, with no title: a continuation.
            "林毅夫認為，今後兩年，降成本的空間十分巨大。",
            // Groups, not people.
            "全体委员表示，要认真履职。",
            "与会代表认为，报告务实。",
            // No speaker at all, though a verb of saying follows.
            "政府工作报告指出，2021年我国国内生产总值达到114万亿元。",
            "會議首先聽取了政協第十三屆全國委員會副主席巴特爾作的關於章程修正案的説明。",
            "实践证明：只有团结才能发展。",
            "全国人大代表张伟说。",
            "“两个确立”是新时代最重大的政治成果。",
            "中共中央政治局委员、中央书记处书记石泰峰，国务院副总理刘鹤出席会议。",
        ] {
            assert_eq!(opening(p), None, "{p}");
        }
    }

    #[test]
    fn folding_keeps_byte_offsets() {
        let pairs: Vec<char> = TRADITIONAL.chars().collect();
        assert_eq!(pairs.len() % 2, 0);
        for c in pairs {
            assert_eq!(c.len_utf8(), 3, "{c}");
        }
        assert_eq!(fold("田紅旗委員發言説"), "田紅旗委员发言说");
        let (_, s) = speaker_line("縣法院副庭長 劉 芳").unwrap();
        assert_eq!(
            (s.name.as_str(), s.role.as_deref()),
            ("劉芳", Some("縣法院副庭長"))
        );
    }

    #[test]
    fn body_lines_are_not_speakers() {
        for line in [
            "实践证明：",
            "一是加强领导",
            "牢记嘱托 不负韶华",
            "提高站位，强化领导，形成促进民族团结进步的强大合力",
            "我们要求每位委员都到场。",
            "全区民族团结进步创建经验交流现场会典型发言选登",
            "发挥政协委员作用",
            "实践委员：",
            "■■■ 筑牢共同思想政治基础广泛凝聚共识",
        ] {
            assert_eq!(speaker_line(line), None, "{line}");
        }
        assert_eq!(inline_speaker("实践证明：只有团结才能发展。"), None);
        let (s, body) = inline_speaker("刘晓凯委员：报告具有很强的政治性。").unwrap();
        assert_eq!(
            (s.name.as_str(), body),
            ("刘晓凯", "报告具有很强的政治性。")
        );
        for (line, name) in [
            ("洪捷序委员：报告字字句句诠释实干担当。", "洪捷序"),
            ("冀国强委员：我们要把凝心聚力", "冀国强"),
            ("傅莹代表：开放是发展的动力。", "傅莹"),
        ] {
            let (s, _) = inline_speaker(line).unwrap_or_else(|| panic!("{line}"));
            assert_eq!(s.name, name);
        }
        for line in ["宣传委员：", "扶贫干部：", "牧民代表："] {
            assert_eq!(speaker_line(line), None, "{line}");
        }
    }
}
