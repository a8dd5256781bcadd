//! Unit tests of page import: the seed page and the shapes of page it meets.

use super::*;

const PAGE: &str = include_str!("../../../tests/fixtures/page.txt");
const SCRIPTS: [&str; 4] = [
    include_str!("../../../scripts/01-liuzhou.md"),
    include_str!("../../../scripts/02-xianan.md"),
    include_str!("../../../scripts/03-youyiguan.md"),
    include_str!("../../../scripts/04-wangxianpo.md"),
];

fn import(s: &str) -> ImportReport {
    import_page(s.as_bytes()).expect("imports")
}

/// One line per speech: `speaker | title | subtitle | line | chapter / chapter`.
fn outline(r: &ImportReport) -> String {
    let line = |s: &ImportedSpeech| {
        let chapters: Vec<&str> = s.chapters.iter().map(|c| c.title.as_str()).collect();
        let sub = s.subtitle.as_deref().unwrap_or("-");
        format!(
            "{} | {} | {sub} | {} | {}",
            s.speaker,
            s.title,
            s.line,
            chapters.join(" / ")
        )
    };
    r.speeches.iter().map(line).collect::<Vec<_>>().join("\n")
}

fn joins(r: &ImportReport) -> Vec<usize> {
    let joined = r
        .findings
        .iter()
        .filter(|f| matches!(f, Finding::Joined { .. }));
    joined.map(Finding::line).collect()
}

fn dropped(r: &ImportReport) -> Vec<(usize, &str, &str)> {
    r.findings
        .iter()
        .filter_map(|f| match f {
            Finding::Dropped { line, text, rule } => Some((*line, text.as_str(), *rule)),
            _ => None,
        })
        .collect()
}

fn warned(r: &ImportReport, line: usize, needle: &str) -> bool {
    r.warnings()
        .iter()
        .any(|(l, m)| *l == line && m.contains(needle))
}

fn all_text(r: &ImportReport) -> String {
    let paragraphs = |s: &ImportedSpeech| {
        let chapters = s.chapters.iter().flat_map(|c| c.paragraphs.clone());
        s.intro
            .clone()
            .into_iter()
            .chain(chapters)
            .collect::<Vec<_>>()
    };
    r.speeches
        .iter()
        .flat_map(paragraphs)
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn sample_structure() {
    let r = import(PAGE);
    let show = "全区民族团结进步创建经验交流现场会典型发言选登";
    assert_eq!(r.show_title.as_deref(), Some(show));
    let expected = "\
柳州市 | 柳州合力谱写新时代民族团结进步新篇章 | - | 5 | 提高站位，强化领导，形成促进民族团结进步的强大合力 / 创新方法，拓展载体，推动民族团结进步宣传教育走进千家万户 / 搭建平台，相互融合，促进全市各族群众共居共学共事共乐 / 融入中心，改善民生，着力提升各族群众的获得感、幸福感和安全感
河池市环江毛南族自治县下南乡 | 牢记嘱托 不负韶华 | 助力毛南族群众如期实现脱贫 | 33 | 牢记嘱托，坚守使命，“不破楼兰终不还” / 转换角色，一心为民，先天下之忧而忧
崇左市凭祥市公安局友谊关边境派出所 | 团结花开友谊关 | - | 53 | 突出宣传教育，夯实思想根基 / 突出服务管理，推动团结稳边 / 突出民生改善，增进民生福祉
南宁市兴宁区民生街道望仙坡社区 | “四联”育出石榴红 | - | 80 | 工作千头万绪怎么开展？——联建 / 对象千家万户怎么服务？——联抓 / 活动千姿百态怎么组织？——联办 / 关系千丝万缕怎么理顺？——联帮";
    assert_eq!(outline(&r), expected);
    assert_eq!(r.speeches[1].chapters[1].paragraphs.len(), 2);
}

#[test]
fn sample_joins_exactly_six_page_breaks() {
    let r = import(PAGE);
    assert_eq!(joins(&r), [13, 19, 25, 43, 65, 92]);
    let text = all_text(&r);
    for w in [
        "做到“两个维护”",
        "国民教育",
        "经商管理",
        "2019年9月11日",
        "等党支部",
        "少数民族居民",
    ] {
        assert!(text.contains(w), "{w} not rejoined");
    }
    let (before, after) = ("019年9".to_string(), "月11日，".to_string());
    assert!(r.findings.contains(&Finding::Joined {
        line: 43,
        before,
        after
    }));
}

#[test]
fn sample_credit_dropped_and_lianbang_moved_to_its_series() {
    let r = import(PAGE);
    assert_eq!(
        dropped(&r),
        [(77, "本版由自治区民宗委 监督检查处供稿", "credit")]
    );
    assert!(!all_text(&r).contains("供稿"));
    assert!(r.warnings().is_empty(), "{:?}", r.warnings());
    let last = r.speeches[3].chapters.last().unwrap();
    assert_eq!(
        (last.title.as_str(), last.line),
        ("关系千丝万缕怎么理顺？——联帮", 73)
    );
    let files: Vec<String> = (1..=4).map(|n| format!("0{n}.md")).collect();
    let report = render_report(&r, &files);
    assert!(report.contains("line 77: dropped credit"), "{report}");
    assert!(
        report.contains("line 73: moved chapter “关系千丝万缕怎么理顺？——联帮” to the speech of “南宁市兴宁区民生街道望仙坡社区”: its heading continues that speech's series (联建、联抓、联办) and its text names 望仙坡"),
        "{report}"
    );
    assert!(
        report.contains("河池市环江毛南族自治县下南乡 → 02.md  (line 33)\n  牢记嘱托 不负韶华 — 助力毛南族群众如期实现脱贫\n   1. 牢记嘱托 不负韶华  [1 paragraphs, line 33]\n   2. 牢记嘱托，坚守使命，“不破楼兰终不还”"),
        "{report}"
    );
}

#[test]
fn sample_renders_the_shipped_scripts_with_no_hand_edit() {
    let r = import(PAGE);
    for (k, (speech, shipped)) in r.speeches.iter().zip(SCRIPTS).enumerate() {
        assert_eq!(render_script(speech, k + 1), shipped);
    }
    assert_eq!(r.speeches.len(), SCRIPTS.len());
}

#[test]
fn crlf_bom_and_full_width_spaces() {
    let r = import(
        "\u{feff}## 标题\r\n\r\n□ 张三 \r\n\r\n\u{3000}\u{3000}第一段，没有结束\u{3000} \r\n\r\n继续写完。\r\n",
    );
    assert_eq!(outline(&r), "张三 | 标题 | - | 1 | ");
    assert_eq!(r.speeches[0].intro, ["第一段，没有结束继续写完。"]);
    assert_eq!(joins(&r), [5]);
    assert!(!render_script(&r.speeches[0], 1).contains('\r'));
}

#[test]
fn english_page_with_dash_attributions_and_hyphenated_break() {
    let r = import(
        "Harbour Forum Speeches\n\nBuilding Bridges Together\n\n— Jane Doe\n\n\
        Good evening, friends. Tonight I want to talk about why this harbour is so impor-\n\n\
        tant to all of us, and why we must keep it open for the boats and the families.\n\n\
        Why it matters\n\nTrade keeps the town alive. Every boat brings work to families.\n\n\
        Keeping the Water Clean\n\n—— Tom Smith\n\n\
        We cleaned the harbour floor twice this year and the fish are coming\n\n\n\
        back to the inner basin for the first time in years, which we all hoped for.\n",
    );
    assert_eq!(r.show_title.as_deref(), Some("Harbour Forum Speeches"));
    let expected = "Jane Doe | Building Bridges Together | - | 3 | Why it matters\n\
                    Tom Smith | Keeping the Water Clean | - | 15 | ";
    assert_eq!(outline(&r), expected);
    assert!(r.speeches[0].intro[0].contains("harbour is so important to all of us"));
    assert_eq!(r.speeches[1].intro.len(), 1);
    assert!(r.speeches[1].intro[0].contains("fish are coming back to"));
    assert_eq!(joins(&r), [7, 19]);
}

#[test]
fn no_attribution_is_one_speech_with_a_warning() {
    let r = import("乡村振兴简报\n\n今年全村收入增长了百分之三十，日子越过越红火。\n\n## 产业\n\n种植火龙果。\n");
    assert_eq!(r.show_title.as_deref(), Some("乡村振兴简报"));
    assert_eq!(outline(&r), "乡村振兴简报 | 乡村振兴简报 | - | 1 | 产业");
    assert!(warned(&r, 1, "no attribution"));
    let r = import("Just one paragraph with no title at all.\n");
    assert_eq!(outline(&r), "unknown | untitled | - | 1 | ");
    assert!(warned(&r, 1, "no attribution"));
}

#[test]
fn heading_only_speech_is_warned_and_kept() {
    let r = import("## 空的讲话\n\n□ 甲\n\n## 第二篇\n\n□ 乙\n\n这是第二篇讲话的正文。\n");
    assert_eq!(
        outline(&r),
        "甲 | 空的讲话 | - | 1 | \n乙 | 第二篇 | - | 5 | "
    );
    assert!(r.speeches[0].intro.is_empty());
    assert!(warned(&r, 1, "has no text"));
    assert!(warned(&r, 5, "very short"));
}

#[test]
fn jump_lines_and_page_numbers_are_dropped_and_joined_across() {
    let r = import(
        "## 标题\n\n□ 某单位\n\n第一段落写到这里还没有\n\n（下转第2版）\n\n- 2 -\n\n\
         （上接第1版）\n\n写完的部分。\n\n责任编辑：张三\n",
    );
    let rules: Vec<(usize, &str)> = dropped(&r).iter().map(|d| (d.0, d.2)).collect();
    let expected = [
        (7, "jump line"),
        (9, "page number"),
        (11, "jump line"),
        (15, "editor line"),
    ];
    assert_eq!(rules, expected);
    assert_eq!(r.speeches[0].intro, ["第一段落写到这里还没有写完的部分。"]);
    assert_eq!(joins(&r), [5]);
}

#[test]
fn text_before_first_speech_is_kept_unread_and_warned() {
    let r = import("报纸版面\n\n以下是发言摘登。\n\n## 标题\n\n□ 某单位\n\n正文。\n");
    assert_eq!(r.speeches[0].intro, ["正文。"]);
    assert_eq!(r.speeches[0].unread, ["以下是发言摘登。"]);
    assert!(warned(&r, 3, "before the first speech (line 3)"));
    // In the script it is a comment: kept for the editor, not read.
    let script = render_script(&r.speeches[0], 1);
    let speech =
        crate::script::parse_script(script.as_bytes(), std::path::Path::new("a.md")).unwrap();
    let read: Vec<&str> = speech.chapters[0]
        .paragraphs
        .iter()
        .map(|p| p.text.as_str())
        .collect();
    assert_eq!(read, ["正文。"]);
    assert!(
        script.contains("<!-- 不朗读") && script.contains("以下是发言摘登。"),
        "{script}"
    );
    // An editor's note is furniture, not the speech: dropped and reported.
    let r = import("报纸版面\n\n编者按：以下是发言摘登。\n\n## 标题\n\n□ 某单位\n\n正文。\n");
    assert_eq!(r.speeches[0].intro, ["正文。"]);
    assert_eq!(
        dropped(&r),
        [(3, "编者按：以下是发言摘登。", "editor's note")]
    );
}

#[test]
fn reporters_close_after_the_last_remark_is_kept_unread() {
    let page = "代表热议报告\n\n全国人大代表张红说：“报告很实在。”\n\n\
                全国人大代表李明说：“我很受鼓舞。”\n\n\
                李明还谈到了教育。\n\n\
                会议还将持续八天，代表们将继续审议。\n\n责任编辑：王五\n";
    let r = import(page);
    let last = r.speeches.last().unwrap();
    assert_eq!(last.speaker, "李明");
    assert_eq!(
        paragraph_texts(last),
        ["“我很受鼓舞。”", "李明还谈到了教育。"]
    );
    assert_eq!(last.closing, ["会议还将持续八天，代表们将继续审议。"]);
    assert!(warned(&r, 9, "text after the last speech (line 9)"));
    let script = render_script(last, 2);
    let speech =
        crate::script::parse_script(script.as_bytes(), std::path::Path::new("a.md")).unwrap();
    let read: String = speech
        .chapters
        .iter()
        .flat_map(|c| &c.paragraphs)
        .map(|p| p.text.as_str())
        .collect();
    assert!(!read.contains("会议还将"), "{read}");
    assert!(script.contains("会议还将持续八天"), "{script}");
    // A paragraph that goes on reporting (他说, 她认为) stays in the speech.
    let r = import(&page.replace("会议还将持续八天", "他说会议还将持续八天"));
    let last = r.speeches.last().unwrap();
    assert!(last.closing.is_empty());
    assert_eq!(paragraph_texts(last).len(), 3);
}

fn paragraph_texts(s: &ImportedSpeech) -> Vec<&str> {
    let chapters = s.chapters.iter().flat_map(|c| &c.paragraphs);
    s.intro.iter().chain(chapters).map(String::as_str).collect()
}

#[test]
fn a_short_line_above_a_much_wider_one_stands_alone() {
    // No blank line between the page title and its subtitle, nor inside
    // the wrapped paragraph: the title is a line of its own, the
    // paragraph's lines are one paragraph.
    let r = import(
        "会议发言\n温家宝总理作政府工作报告后记者第一时间连线代表委员\n\n## 标题\n\n□ 某单位\n\n\
         正文第一行写到这里还\n没有结束的句子。\n",
    );
    assert_eq!(r.show_title.as_deref(), Some("会议发言"));
    assert_eq!(
        r.speeches[0].intro,
        ["正文第一行写到这里还没有结束的句子。"]
    );
    assert_eq!(
        r.speeches[0].unread,
        ["温家宝总理作政府工作报告后记者第一时间连线代表委员"]
    );
    assert!(warned(&r, 2, "before the first speech (line 2)"));
}

#[test]
fn spaced_and_traditional_furniture_and_web_page_lines() {
    for (line, rule) in [
        ("编 辑： 张学文", "site chrome"),
        ("责 编： 张学文", "editor line"),
        ("責任編輯：王五", "editor line"),
        ("來源：海峽之聲網", "site chrome"),
        ("字號", "site chrome"),
        ("Qzone", "site chrome"),
        ("• 台灣網移動版", "site chrome"),
        ("台灣網移動版", "site chrome"),
        ("江门台 2022年03月06日", "dateline"),
        ("2019-03-11 09:26:00", "dateline"),
        ("（新華社記者 李四攝）", "photo caption"),
        ("第03版:要闻", "paper and page line"),
        ("第 A05 版：观点", "paper and page line"),
    ] {
        assert_eq!(
            furniture::furniture(line).map(|f| f.0),
            Some(rule),
            "{line}"
        );
    }
    for line in [
        "2019年9月11日，我们召开了全市民族团结进步表彰大会。",
        "分享经验，共同进步",
        "微信群里，群众的留言越来越多。",
        "守护绿水青山",
        "第二版修订说明",
        "第3版里写到：我们要把好政策落到实处，",
    ] {
        assert_eq!(furniture::furniture(line), None, "{line}");
    }
}

#[test]
fn ascii_commas_between_chinese_quotes_are_made_full_width() {
    assert_eq!(
        text::full_width("吃了‘定心丸’,农民").0,
        "吃了‘定心丸’，农民"
    );
    assert_eq!(text::full_width("接地气”,“代表们").0, "接地气”，“代表们");
    assert_eq!(text::full_width("达到65%,有效").0, "达到65%，有效");
    assert_eq!(
        text::full_width("1,000 people, “hello”, she said").0,
        "1,000 people, “hello”, she said"
    );
}

#[test]
fn reported_remarks_outweigh_a_stray_speaker_line() {
    // One line shaped like a speaker line, three reported remarks: the
    // page is read by its remarks, and says why.
    let page = "代表热议政府工作报告\n\
                市政协委员 王刚\n\
                全国人大代表张伟说：“报告让人振奋，我们要把好政策落到实处。”\n\
                全国人大代表李娜说：“乡村振兴，产业是基础，人才是关键。”\n\
                全国人大代表赵强说：“要把教育办到群众心坎上。”\n";
    let r = import_page(page.as_bytes()).unwrap();
    assert!(
        r.layout
            .contains("3 such paragraphs outweigh 1 speaker lines"),
        "{}",
        r.layout
    );
    let names: Vec<&str> = r.speeches.iter().map(|s| s.speaker.as_str()).collect();
    assert_eq!(names, ["张伟", "李娜", "赵强"]);
}

#[test]
fn a_speaker_quoting_someone_does_not_split_a_titled_page() {
    // Title, then `职务 姓名`: a body paragraph reporting what someone
    // else said stays in that speech.
    let page = "让纠纷化解在基层\n县人民法院副庭长 刘 芳\n\n\
                人民法庭是化解纠纷的第一道防线，我们在每个乡镇设立诉讼服务站。\n\n\
                县委书记王明说：“法庭要走到群众中间去。”我们照着做了。\n\n\
                守护绿水青山\n黄山市中级人民法院院长 黄 山\n\n\
                黄山市是生态大市，我们设立环境资源审判庭，集中审理涉林涉水案件。\n";
    let r = import_page(page.as_bytes()).unwrap();
    assert!(r.layout.starts_with("a title line, then"), "{}", r.layout);
    let names: Vec<&str> = r.speeches.iter().map(|s| s.speaker.as_str()).collect();
    assert_eq!(names, ["刘芳", "黄山"]);
    assert!(r.speeches[0].intro[1].starts_with("县委书记王明说"));
}

#[test]
fn a_cut_off_last_line_is_no_heading_and_not_read_in_the_last_voice() {
    // The page ends mid-sentence on the reporter's lead to a speech it
    // no longer holds: not a heading, and not 李娜's words either.
    let page = "全国人大代表张伟说：“报告让人振奋，我们要把好政策落到实处。”\n\
                全国人大代表李娜说：“乡村振兴，产业是基础，人才是关键。”\n\
                当前我市正大力推进“双碳”工作，全国人大代表赵强今年也提出了\n";
    let r = import_page(page.as_bytes()).unwrap();
    assert!(r.speeches[1].chapters.is_empty());
    assert_eq!(
        r.speeches[1].intro,
        ["“乡村振兴，产业是基础，人才是关键。”"]
    );
    assert_eq!(
        r.speeches[1].closing,
        ["当前我市正大力推进“双碳”工作，全国人大代表赵强今年也提出了"]
    );
    assert!(
        warned(&r, 3, "text after the last speech (line 3)"),
        "{:?}",
        r.findings
    );
}

#[test]
fn a_colon_speaker_line_under_its_heading() {
    // The heading first, then `张伟委员：`: the title stands above.
    let page = "委员发言摘编\n\n发展乡村特色产业\n张伟委员：\n\
                \u{3000}\u{3000}乡村振兴，产业是基础。我们县依托山区资源，发展茶叶、中药材等特色产业。\n\n\
                让老人就近养老\n王丽娜委员：\n\
                \u{3000}\u{3000}人口老龄化加快，建议在每个社区建设日间照料中心。\n";
    let r = import_page(page.as_bytes()).unwrap();
    assert!(
        r.layout
            .starts_with("a title line, then a speaker line ending in a colon"),
        "{}",
        r.layout
    );
    let heads: Vec<(&str, &str)> = r
        .speeches
        .iter()
        .map(|s| (s.speaker.as_str(), s.title.as_str()))
        .collect();
    assert_eq!(
        heads,
        [("张伟", "发展乡村特色产业"), ("王丽娜", "让老人就近养老")]
    );
    assert_eq!(r.show_title.as_deref(), Some("委员发言摘编"));
}

#[test]
fn invalid_utf8_reports_offset() {
    let err = import_page(b"## ok\n\xff\n").unwrap_err();
    assert!(
        matches!(err, ImportError::InvalidUtf8 { offset: 6 }),
        "{err:?}"
    );
    let err = import_page(b"\xEF\xBB\xBF\xE4\xB8").unwrap_err();
    assert_eq!(
        err.to_string(),
        "not valid UTF-8: first bad byte at offset 3"
    );
    assert!(matches!(
        import_page(b"\n- 3 -\n\n"),
        Err(ImportError::NoSpeech)
    ));
}

#[test]
fn script_strings_are_escaped() {
    let mut r = import("## T\n\n□ x\n\np\n");
    r.speeches[0].speaker = "A \"B\" \\ C".into();
    let expected = "+++\nspeaker = \"A \\\"B\\\" \\\\ C\"\ntitle = \"T\"\norder = 7\n+++\n\np\n";
    assert_eq!(render_script(&r.speeches[0], 7), expected);
}
