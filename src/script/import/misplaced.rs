//! A chapter the page printed inside the wrong speech (a layout that ran
//! one speech's last section into another's column) goes back to its
//! speech when the evidence is clear, and the move is reported; when it is
//! not, the chapter stays where it stands and the seam warning says so.
//!
//! Clear means both: its heading continues the other speech's series of
//! headings (`——联建`, `——联抓`, `——联办`, then this one's `——联帮`), which
//! its own speech's headings do not; and its text names the other
//! speaker's place (望仙坡社区) and not its own speaker's.
//!
//! Owns: that decision and the move. Leaves alone: finding chapters and
//! seams (`blocks`, `layout`), the warnings about seams (`check_seams`).

use super::{Finding, ImportedSpeech};

/// The mark that ends a heading of a series: what follows its dash
/// (`关系千丝万缕怎么理顺？——联帮` → `联帮`), one to six characters.
fn series_mark(title: &str) -> Option<&str> {
    let (_, mark) = title.rsplit_once("——")?;
    let mark = mark.trim();
    let n = mark.chars().count();
    ((1..=6).contains(&n) && !mark.contains(['，', '。', '：'])).then_some(mark)
}

/// Do two marks belong to one series: as long, and opening with the same
/// character (联建, 联帮)?
fn same_series(a: &str, b: &str) -> bool {
    a.chars().count() == b.chars().count() && a.chars().next() == b.chars().next()
}

/// The marks of `speech`'s chapters in the series of `mark`, but for the
/// chapter `skip`.
fn series<'s>(speech: &'s ImportedSpeech, mark: &str, skip: Option<usize>) -> Vec<&'s str> {
    speech
        .chapters
        .iter()
        .enumerate()
        .filter(|(k, _)| Some(*k) != skip)
        .filter_map(|(_, c)| series_mark(&c.title))
        .filter(|m| same_series(m, mark))
        .collect()
}

/// Administrative suffixes that end one unit of a place name.
/// (No bare 州: 柳州市 is one unit.)
const UNIT_ENDS: &[&str] = &[
    "社区",
    "街道",
    "派出所",
    "公安局",
    "自治区",
    "自治州",
    "自治县",
    "省",
    "市",
    "区",
    "县",
    "乡",
    "镇",
    "村",
];

/// The most specific place a speaker's name gives, without its suffix
/// (南宁市兴宁区民生街道望仙坡社区 → 望仙坡; …公安局友谊关边境派出所 →
/// 友谊关边境), if at least two characters are left.
fn own_place(speaker: &str) -> Option<String> {
    let cs: Vec<char> = speaker.chars().collect();
    let mut start = 0;
    let mut last = None;
    let mut i = 0;
    while i < cs.len() {
        let rest: String = cs[i..].iter().collect();
        match UNIT_ENDS.iter().find(|u| rest.starts_with(*u)) {
            Some(u) => {
                let core: String = cs[start..i].iter().collect();
                i += u.chars().count();
                if i == cs.len() || core.chars().count() >= 2 {
                    last = Some(core);
                }
                start = i;
            }
            None => i += 1,
        }
    }
    if start < cs.len() {
        last = Some(cs[start..].iter().collect());
    }
    last.filter(|p| p.chars().count() >= 2)
}

/// Does `text` name the place of `speaker` (its core, or the first three
/// characters of a longer one: 友谊关边境 → 友谊关)?
fn names_place(text: &str, speaker: &str) -> bool {
    own_place(speaker).is_some_and(|p| {
        let short: String = p.chars().take(3).collect();
        text.contains(&p) || (p.chars().count() > 3 && text.contains(&short))
    })
}

/// Move each chapter whose evidence is clear to the speech it belongs to,
/// after that speech's last heading of the series; report each move and
/// withdraw the seam warnings about the chapter moved.
pub(super) fn move_misplaced(speeches: &mut [ImportedSpeech], findings: &mut Vec<Finding>) {
    let mut moves = Vec::new();
    for (from, speech) in speeches.iter().enumerate() {
        for (k, chapter) in speech.chapters.iter().enumerate() {
            let Some(mark) = series_mark(&chapter.title) else {
                continue;
            };
            if !series(speech, mark, Some(k)).is_empty() {
                continue;
            }
            let text = chapter.paragraphs.join("");
            let home = speeches.iter().enumerate().find(|(to, other)| {
                let marks = series(other, mark, None);
                *to != from
                    && marks.len() >= 2
                    && !marks.contains(&mark)
                    && names_place(&text, &other.speaker)
                    && !names_place(&text, &speech.speaker)
            });
            if let Some((to, _)) = home {
                moves.push((from, k, to));
            }
        }
    }
    // Later chapters first, so the indices of earlier ones still hold.
    moves.sort_by_key(|&(from, k, _)| std::cmp::Reverse((from, k)));
    for (from, k, to) in moves {
        let chapter = speeches[from].chapters.remove(k);
        let mark = series_mark(&chapter.title).unwrap_or_default().to_string();
        let target = &mut speeches[to];
        let after = target
            .chapters
            .iter()
            .rposition(|c| series_mark(&c.title).is_some_and(|m| same_series(m, &mark)))
            .map_or(target.chapters.len(), |p| p + 1);
        let marks = series(target, &mark, None).join("、");
        let place = own_place(&target.speaker).unwrap_or_default();
        let line = chapter.line;
        findings.retain(
            |f| !matches!(f, Finding::Warning { line: l, message } if *l == line && message.contains("out of place")),
        );
        findings.push(Finding::Moved {
            line,
            title: chapter.title.clone(),
            to: target.speaker.clone(),
            why: format!(
                "its heading continues that speech's series ({marks}) and its text names {place}"
            ),
        });
        target.chapters.insert(after, chapter);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::script::import::import_page;

    const PAGE: &str = include_str!("../../../tests/fixtures/page.txt");

    fn stays_warned(page: &str) {
        let r = import_page(page.as_bytes()).unwrap();
        let last = r.speeches[2].chapters.last().unwrap();
        assert_eq!(last.title, "关系千丝万缕怎么理顺？——联帮");
        assert_eq!(r.speeches[3].chapters.len(), 3);
        let warned = r.warnings();
        assert!(
            warned
                .iter()
                .any(|(l, m)| *l == 73 && m.contains("out of place")),
            "{warned:?}"
        );
        assert!(!r
            .findings
            .iter()
            .any(|f| matches!(f, Finding::Moved { .. })));
    }

    #[test]
    fn without_its_place_named_the_chapter_stays_and_is_warned() {
        let page = PAGE.replace("而望仙坡社区一直", "而我们一直");
        assert_ne!(page, PAGE);
        stays_warned(&page);
    }

    #[test]
    fn outside_the_series_the_chapter_stays_and_is_warned() {
        let page = PAGE.replace("理顺？——联帮", "理顺？——互帮互助");
        assert_ne!(page, PAGE);
        let r = import_page(page.as_bytes()).unwrap();
        let last = r.speeches[2].chapters.last().unwrap();
        assert_eq!(last.title, "关系千丝万缕怎么理顺？——互帮互助");
        assert!(r.warnings().iter().any(|(l, _)| *l == 73));
    }

    #[test]
    fn naming_its_own_speaker_too_keeps_it_in_place() {
        let page = PAGE.replace("而望仙坡社区一直", "而望仙坡社区和友谊关一直");
        assert_ne!(page, PAGE);
        stays_warned(&page);
    }

    #[test]
    fn places_and_series_marks() {
        assert_eq!(
            own_place("南宁市兴宁区民生街道望仙坡社区").as_deref(),
            Some("望仙坡")
        );
        assert_eq!(
            own_place("崇左市凭祥市公安局友谊关边境派出所").as_deref(),
            Some("友谊关边境")
        );
        assert_eq!(own_place("柳州市").as_deref(), Some("柳州"));
        assert_eq!(own_place("田红旗").as_deref(), Some("田红旗"));
        assert_eq!(series_mark("关系千丝万缕怎么理顺？——联帮"), Some("联帮"));
        assert_eq!(series_mark("突出民生改善，增进民生福祉"), None);
        assert!(same_series("联建", "联帮") && !same_series("联建", "共建共享"));
        assert!(names_place(
            "望仙坡社区一直就秉承着这一精神",
            "南宁市兴宁区民生街道望仙坡社区"
        ));
        assert!(names_place(
            "友谊关口岸",
            "崇左市凭祥市公安局友谊关边境派出所"
        ));
        assert!(!names_place(
            "我们社区1万多居民",
            "崇左市凭祥市公安局友谊关边境派出所"
        ));
    }
}
