//! Editorial furniture: the lines a page prints that are not speech
//! (credits, editor lines, captions, bylines, site chrome, page numbers,
//! editor's notes), each recognised by one named rule.
//!
//! Owns: the table of drop rules and their matchers. Leaves alone: where
//! the lines stand and what is reported (the block splitter in `blocks`).

use super::text::{ends_sentence, is_cjk, short};
use crate::util::to_simplified;

/// `text` folded to simplified characters, without spaces between two
/// Chinese characters (`编 辑：张学文` → `编辑：张学文`).
fn plain(text: &str) -> String {
    let cs: Vec<char> = to_simplified(text).chars().collect();
    let cjk = |i: Option<usize>| i.and_then(|i| cs.get(i)).is_some_and(|&c| is_cjk(c));
    let padding = |i: usize, c: char| {
        c == ' '
            && cjk(cs[..i].iter().rposition(|&c| c != ' '))
            && cjk(cs[i..].iter().position(|&c| c != ' ').map(|k| i + k))
    };
    cs.iter()
        .enumerate()
        .filter(|&(i, &c)| !padding(i, c))
        .map(|(_, &c)| c)
        .collect()
}

pub(super) type Matcher = fn(&str) -> bool;

/// Editorial furniture, the one table of drop rules: (name, matcher, whether
/// it ends the text flow). Credits end an article, so no page-break join
/// crosses them and one in mid-page marks a layout seam; page numbers and
/// jump lines sit inside page breaks, so text is joined across them.
pub(super) const FURNITURE: &[(&str, Matcher, bool)] = &[
    ("credit", is_credit, true),
    ("editor line", is_editor_line, true),
    ("jump line", is_jump_line, false),
    ("page number", is_page_number, false),
    ("paper and page line", is_paper_line, false),
    ("order note", is_order_note, false),
    ("photo credit", is_photo_credit, false),
    ("photo caption", is_caption, false),
    ("byline", is_byline, false),
    ("site chrome", is_chrome, false),
    ("dateline", is_dateline, false),
];

/// `《 某某日报 》（ 2021年03月02日 05 版）`, `《人民政协报》(2023年03月05日 第03版)`,
/// and an e-paper's page label `第03版:要闻`, `第A05版：观点`.
pub(super) fn is_paper_line(t: &str) -> bool {
    let compact: String = t.chars().filter(|c| !c.is_whitespace()).collect();
    let dated = compact.starts_with('《')
        && compact.contains('》')
        && compact.contains('年')
        && compact.contains('日')
        && compact.trim_end_matches(['）', ')']).ends_with('版');
    short(t) && (dated || is_page_label(&compact))
}

/// `第03版`, `第A05版：观点`: 第, a page number (a letter before it at
/// most), 版, then at most a short section name.
fn is_page_label(compact: &str) -> bool {
    let Some(rest) = compact.strip_prefix('第') else {
        return false;
    };
    let rest = rest
        .strip_prefix(|c: char| c.is_ascii_uppercase())
        .unwrap_or(rest);
    let digits = rest.chars().take_while(char::is_ascii_digit).count();
    let Some(section) = rest[digits..].strip_prefix('版') else {
        return false;
    };
    let section = section.trim_start_matches([':', '：']);
    (1..=3).contains(&digits)
        && section.chars().count() <= 8
        && section
            .chars()
            .all(|c| !c.is_ascii_punctuation() && !"，。；！？".contains(c))
}

/// `（按发言先后排列）`, `(以发言先后为序)`, `（按姓氏笔画排序）`, and the
/// page-end kin: `本版内容以发言先后为序`, `以上发言按发言顺序排列`,
/// `（排名不分先后）`.
pub(super) fn is_order_note(t: &str) -> bool {
    let inner = t
        .trim_matches(['（', '）', '(', ')', ' '])
        .trim_end_matches(['。', '.']);
    let inner = inner.trim_matches(['（', '）', '(', ')', ' ']);
    let bracketed = t.starts_with(['（', '(']);
    let by = inner.starts_with('按') || inner.starts_with('以');
    let ordered = ["排列", "排序", "为序", "顺序", "不分先后"]
        .iter()
        .any(|w| inner.ends_with(w));
    let about = ["发言", "先后", "姓氏", "笔画", "排名"]
        .iter()
        .any(|w| inner.contains(w));
    let page_note = ["本版", "本期", "以上", "上述", "排名"]
        .iter()
        .any(|w| inner.starts_with(w));
    inner.chars().count() <= 24
        && !inner.contains(['，', ','])
        && ordered
        && ((bracketed && by) || (about && (by || page_note)))
}

/// `本版图片由自治区民宗委提供`, `本版摄影：本报记者 张三`, `图片：新华社`,
/// `（图片由受访者提供）`, `图/新华社`: who took or gave the photos.
pub(super) fn is_photo_credit(t: &str) -> bool {
    let inner = t
        .trim_matches(['（', '）', '(', ')', ' '])
        .trim_end_matches(['。', '.']);
    let inner = inner
        .strip_prefix("本版")
        .or_else(|| inner.strip_prefix("本期"))
        .or_else(|| inner.strip_prefix("文中"))
        .unwrap_or(inner);
    let labels = ["图片", "照片", "摄影", "图", "供图", "配图", "制图", "视频"];
    let labelled = labels.iter().any(|l| {
        inner
            .strip_prefix(l)
            .is_some_and(|rest| rest.starts_with(['：', ':', '/', '／', '由']))
    });
    short(t) && inner.chars().count() <= 40 && !inner.contains('，') && labelled
}

/// `（新华社记者 姚大伟摄）`, `…(视频发言截图)`, `新华社发`, `资料图片`.
pub(super) fn is_caption(t: &str) -> bool {
    let core = t.trim_end_matches(['）', ')', ' ']);
    short(t)
        && (core.ends_with('摄')
            || core.ends_with("截图")
            || core.ends_with("供图")
            || core.ends_with("资料图片")
            || core.ends_with("图片") && t.ends_with(['）', ')'])
            || ["新华社发", "新华社传真", "本报资料图片"].contains(&core))
}

/// `本报记者 吕巍`, `本报讯（记者 张三）` alone, `（记者 王五 整理）`,
/// `（作者单位：…）`, `（作者系…）`: who wrote it, not the speech.
pub(super) fn is_byline(t: &str) -> bool {
    let inner = t.trim_matches(['（', '）', '(', ')', ' ']);
    let prefixes = [
        "本报记者",
        "本报通讯员",
        "记者",
        "通讯员",
        "作者单位",
        "作者系",
        "整理",
    ];
    short(t)
        && !ends_sentence(t)
        && inner.chars().count() <= 30
        && (prefixes.iter().any(|p| inner.starts_with(p))
            || inner.ends_with("整理") && t.starts_with(['（', '(']))
}

/// Web page furniture: breadcrumbs, `来源：… 发布时间：…`, share and print
/// buttons, `上一篇`/`下一篇`, font size pickers.
pub(super) fn is_chrome(t: &str) -> bool {
    let starts = [
        "来源：",
        "来源:",
        "发布时间",
        "时间：",
        "时间:",
        "作者：",
        "作者:",
        "编辑：",
        "编辑:",
        "字号",
        "分享到",
        "您的位置",
        "当前位置",
        "上一篇",
        "下一篇",
        "【打印】",
        "【关闭】",
        "打印本页",
        "关闭窗口",
        "扫一扫",
        "浏览次数",
        "点击数",
        "阅读量",
    ];
    let breadcrumb = (t.contains('>') || t.contains('›') || t.contains('＞'))
        && (t.contains("首页") || t.contains("正文"));
    let menu = t.starts_with("首页") || t.matches('|').count() >= 1 && !t.contains(['。', '，']);
    let source = t.contains("来源：") && !ends_sentence(t);
    let button = SHARE_BUTTONS.contains(&t.trim_end_matches(['：', ':']));
    // `• 台灣網移動版`: a menu item.
    let item = (t.starts_with(['•', '·']) || VERSIONS.iter().any(|v| t.ends_with(v)))
        && t.chars().count() <= MAX_MENU_ITEM
        && !t.contains(['。', '，', '：']);
    short(t)
        && (breadcrumb
            || menu
            || source
            || button
            || item
            || starts.iter().any(|p| t.starts_with(p)))
}

/// Lines of a saved page's share and print buttons, each alone on its line.
const SHARE_BUTTONS: &[&str] = &[
    "分享",
    "分享至",
    "微博",
    "微信",
    "Qzone",
    "QQ空间",
    "朋友圈",
    "打印",
    "收藏",
    "纠错",
    "关注",
];

/// Links to a site's other editions (`台灣網移動版`).
const VERSIONS: &[&str] = &["移动版", "手机版", "电脑版", "客户端"];

/// Longest menu item (`• 首页`), in characters.
const MAX_MENU_ITEM: usize = 16;

/// Most characters beside the date on a dateline (`江门台 2022年03月06日`).
const MAX_DATELINE_REST: usize = 10;

/// `江门台 2022年03月06日`, `2019-03-11 09:26:00`: when and where a web
/// page was published, alone on its line.
pub(super) fn is_dateline(t: &str) -> bool {
    let digits_at = |cs: &[char], at: usize, n: usize| {
        cs.len() >= at + n && cs[at..at + n].iter().all(char::is_ascii_digit)
    };
    let cs: Vec<char> = t.chars().collect();
    let date = (0..cs.len()).find_map(|i| {
        if !digits_at(&cs, i, 4) || !cs.get(i + 4).is_some_and(|&c| c == '年' || c == '-') {
            return None;
        }
        let end = cs[i + 5..]
            .iter()
            .position(|&c| !(c.is_ascii_digit() || "月日-: ".contains(c)))
            .map_or(cs.len(), |k| i + 5 + k);
        Some(end - i)
    });
    let Some(len) = date.filter(|&n| n >= 8) else {
        return false;
    };
    let rest = (cs.iter().filter(|c| !c.is_whitespace()).count()).saturating_sub(len);
    short(t) && !ends_sentence(t) && !t.contains(['，', '。']) && rest <= MAX_DATELINE_REST
}

/// `编者按`, `阅读提示` alone: the editor's note that follows goes too.
pub(super) fn is_note_label(t: &str) -> bool {
    let core = t.trim_end_matches(['：', ':', ' ']);
    ["编者按", "编者的话", "阅读提示", "编后", "编后语"].contains(&core)
}

/// `编者按：…` with its note on the same line, or the `——编者` that signs one.
pub(super) fn is_editor_note(t: &str) -> bool {
    let signed = t.trim_start_matches(['—', '-', ' ']) == "编者" && t.starts_with(['—', '-']);
    signed || ["编者按", "编者的话"].iter().any(|p| t.starts_with(p))
}

/// Enumerated points inside a body (`一是…`, `二是…`, `首先，`): never headings.
pub(super) fn numbered_point(t: &str) -> bool {
    let mut cs = t.chars();
    let first = cs.next();
    let second = cs.next();
    let numeral = first.is_some_and(|c| "一二三四五六七八九十".contains(c));
    (numeral && second == Some('是'))
        || ["首先", "其次", "再次", "最后", "第一是", "第二是"]
            .iter()
            .any(|p| t.starts_with(p))
}

/// `本版由…供稿` (also when split over two lines), `本版稿件…`, `…供稿`.
pub(super) fn is_credit(t: &str) -> bool {
    short(t) && (t.starts_with("本版由") || t.starts_with("本版稿件") || t.ends_with("供稿"))
}

/// `责任编辑：…`, `责编：…`, `校对：…`, `美编：…`, also bracketed or
/// after 本版 (`（责任编辑：王五）`, `本版责编：王五`, `本版编辑 王五`).
pub(super) fn is_editor_line(t: &str) -> bool {
    let inner = t.trim_start_matches(['（', '(', ' ']);
    let inner = inner
        .strip_prefix("本版")
        .or_else(|| inner.strip_prefix("本期"))
        .unwrap_or(inner);
    let prefixes = ["责任编辑", "责编", "校对", "美编"];
    let roles = [
        "编辑",
        "美术编辑",
        "图片编辑",
        "版式设计",
        "版式",
        "值班编辑",
    ];
    let delimited = |rest: &str| rest.starts_with(['：', ':', ' ', '　', '/', '／', '丨', '|']);
    short(t)
        && (prefixes.iter().any(|p| inner.starts_with(p))
            || (inner.len() < t.trim_start().len() || t.starts_with(['（', '(']))
                && roles
                    .iter()
                    .any(|r| inner.strip_prefix(r).is_some_and(delimited)))
}

/// `（下转第2版）`, `（上接第1版）`, `(continued on page 2)`.
pub(super) fn is_jump_line(t: &str) -> bool {
    let inner = t.trim_matches(['（', '）', '(', ')', ' ']);
    let prefixes = ["下转第", "上接第", "转第", "接第"];
    if let Some(rest) = prefixes.iter().find_map(|p| inner.strip_prefix(p)) {
        return rest.strip_suffix('版').is_some_and(numeral);
    }
    let lower = inner.to_lowercase();
    let prefixes = ["continued on page ", "continued from page "];
    prefixes
        .iter()
        .any(|p| lower.strip_prefix(p).is_some_and(numeral))
}

/// `- 3 -`, `— 3 —`, `3`, `Page 3`, `第3版`, `第三页`.
pub(super) fn is_page_number(t: &str) -> bool {
    let core = t.trim_matches(['-', '—', '–', ' ']);
    let core = core
        .strip_prefix("Page ")
        .or(core.strip_prefix("page "))
        .unwrap_or(core);
    match core
        .strip_prefix('第')
        .and_then(|r| r.strip_suffix(['版', '页']))
    {
        Some(n) => numeral(n),
        None => (1..=4).contains(&core.len()) && core.bytes().all(|b| b.is_ascii_digit()),
    }
}

pub(super) fn numeral(s: &str) -> bool {
    let digit = |c: char| c.is_ascii_digit() || "〇零一二三四五六七八九十百".contains(c);
    (1..=4).contains(&s.chars().count()) && s.chars().all(digit)
}

/// The rule that drops `text`, if any; a line in traditional characters or
/// spaced out (`编 辑：`, `責任編輯：`) is read as its plain twin, and a line
/// of several notes side by side (`责任编辑：王五 校对：李四`, `（本版内容以
/// 发言先后为序） 本版图片由新华社提供`) as each of them.
pub(super) fn furniture(text: &str) -> Option<(&'static str, bool)> {
    rule(text).or_else(|| {
        let parts: Vec<&str> = text
            .split(|c: char| c.is_whitespace() || c == '　')
            .filter(|p| !p.is_empty())
            .collect();
        let rules: Vec<(&'static str, bool)> = parts.iter().filter_map(|p| rule(p)).collect();
        let all = parts.len() >= 2 && rules.len() == parts.len();
        all.then(|| (rules[0].0, rules.iter().any(|r| r.1)))
    })
}

fn rule(text: &str) -> Option<(&'static str, bool)> {
    let plain = plain(text);
    let rule = FURNITURE
        .iter()
        .find(|(_, matches, _)| matches(text) || matches(&plain));
    rule.map(|&(name, _, ends_flow)| (name, ends_flow))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_end_notes_are_furniture_and_speech_lines_are_not() {
        for (line, rule) in [
            ("本版内容以发言先后为序", "order note"),
            ("（本版内容以发言先后为序）", "order note"),
            ("以上发言按发言顺序排列", "order note"),
            ("（排名不分先后）", "order note"),
            ("（按姓氏笔画排序）", "order note"),
            ("本版图片由自治区民宗委提供", "photo credit"),
            ("本版摄影：本报记者 张三", "photo credit"),
            ("（图片由受访者提供）", "photo credit"),
            ("图/新华社", "photo credit"),
            ("（责任编辑：王五）", "editor line"),
            ("本版责编：王五", "editor line"),
            ("本版编辑 王五", "editor line"),
            ("责任编辑：王五　校对：李四", "editor line"),
            ("（本版內容以發言先後為序）", "order note"),
            ("責任編輯：王五", "editor line"),
        ] {
            assert_eq!(furniture(line).map(|r| r.0), Some(rule), "{line}");
        }
        for line in [
            "以问题为导向确定工作顺序",
            "我们按照发言顺序排列座位。",
            "图片展示了各族群众共居共学的场景。",
            "编辑部的同志们深入基层",
            "牢记嘱托 不负韶华",
            "关系千丝万缕怎么理顺？——联帮",
        ] {
            assert_eq!(furniture(line), None, "{line}");
        }
    }
}
