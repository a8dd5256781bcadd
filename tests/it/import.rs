//! `briefcast import`: a pasted page becomes scripts that `build` reads.

use crate::support::Project;

const PAGE: &str = include_str!("../fixtures/page.txt");

#[test]
fn the_sample_page_becomes_four_scripts_and_a_report() {
    let project = Project::new();
    project.write("page.txt", PAGE);
    let run = project.run(&["import", "page.txt", "--out", "imported"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for joined in [
        "“…做到“两个” + “维护”的具…”",
        "“…纳入国民教” + “育、干部教…”",
        "“…019年9” + “月11日，…”",
    ] {
        assert!(
            run.stdout.contains(joined),
            "{joined} not reported:\n{}",
            run.stdout
        );
    }
    assert_eq!(run.stdout.matches("joined across a page break").count(), 6);
    assert!(run
        .stdout
        .contains("line 77: dropped credit: “本版由自治区民宗委 监督检查处供稿”"));
    assert!(run.stdout.contains(
        "line 73: moved chapter “关系千丝万缕怎么理顺？——联帮” to the speech of “南宁市兴宁区民生街道望仙坡社区”"
    ));
    assert!(!run.stdout.contains("warning"), "{}", run.stdout);
    let mut names: Vec<String> = std::fs::read_dir(project.path("imported"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names[0], "01-liu-zhou-shi.md");
    assert_eq!(names.len(), 4);

    // The imported scripts parse, and have the shipped scripts' structure
    // with no hand edit: speakers, titles, chapter headings, paragraphs.
    let imported = briefcast::script::load_dir(&project.path("imported")).unwrap();
    let shipped = briefcast::script::load_dir(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts"),
    )
    .unwrap();
    let structure = |s: &briefcast::model::Speech| {
        let chapters: Vec<(String, Vec<String>)> = s
            .chapters
            .iter()
            .map(|c| {
                let texts = c.paragraphs.iter().map(|p| p.text.clone()).collect();
                (c.title.clone(), texts)
            })
            .collect();
        (
            s.speaker.clone(),
            s.title.clone(),
            s.subtitle.clone(),
            s.order,
            chapters,
        )
    };
    assert_eq!(imported.len(), shipped.len());
    for (got, want) in imported.iter().zip(&shipped) {
        assert_eq!(structure(got), structure(want), "{}", want.path.display());
    }
}

#[test]
fn dry_run_writes_nothing_and_existing_scripts_are_not_overwritten() {
    let project = Project::new();
    project.write("page.txt", PAGE);
    let run = project.run(&["import", "page.txt", "--dry-run"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.ends_with("dry run: nothing written\n"));
    assert_eq!(
        std::fs::read_dir(project.path("scripts")).unwrap().count(),
        0
    );

    project.write(
        "scripts/02-he-chi-shi-huan-jiang-mao-nan-zu-zi-zhi-xian-xia-nan-xiang.md",
        "mine",
    );
    let run = project.run(&["import", "page.txt"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains(
            "xia-nan-xiang.md already exists: nothing written (use --force to overwrite)"
        ),
        "{}",
        run.stderr
    );
    assert_eq!(
        std::fs::read_dir(project.path("scripts")).unwrap().count(),
        1
    );
    let run = project.run(&["import", "page.txt", "--force"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        std::fs::read_dir(project.path("scripts")).unwrap().count(),
        4
    );
}

#[test]
fn invalid_utf8_exits_2_with_the_byte_offset_and_writes_nothing() {
    let project = Project::new();
    let mut bytes = "## 标题\n\n□ 某人\n\n正文。".as_bytes().to_vec();
    let offset = bytes.len();
    bytes.extend_from_slice(&[0xE4, 0xB8]);
    std::fs::write(project.path("page.txt"), &bytes).unwrap();
    let run = project.run(&["import", "page.txt"]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr.trim(),
        format!("briefcast: page.txt: not valid UTF-8: first bad byte at offset {offset}")
    );
    assert_eq!(
        std::fs::read_dir(project.path("scripts")).unwrap().count(),
        0
    );
}

// ---- Layouts of real and synthetic pages, formats, encodings ----

use briefcast::script::import::{import_page, render_script, Finding, ImportReport};

fn fixture(name: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/import")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// One line per speech: `speaker | title | subtitle | chapter / chapter`.
fn outline(r: &ImportReport) -> Vec<String> {
    r.speeches
        .iter()
        .map(|s| {
            let chapters: Vec<&str> = s.chapters.iter().map(|c| c.title.as_str()).collect();
            let sub = s.subtitle.as_deref().unwrap_or("-");
            format!(
                "{} | {} | {sub} | {}",
                s.speaker,
                s.title,
                chapters.join(" / ")
            )
        })
        .collect()
}

fn dropped(r: &ImportReport) -> Vec<(usize, &'static str)> {
    r.findings
        .iter()
        .filter_map(|f| match f {
            Finding::Dropped { line, rule, .. } => Some((*line, *rule)),
            _ => None,
        })
        .collect()
}

fn warned_lines(r: &ImportReport) -> Vec<usize> {
    r.findings
        .iter()
        .filter_map(|f| match f {
            Finding::Warning { line, .. } => Some(*line),
            _ => None,
        })
        .collect()
}

/// Everything that would be read aloud: titles, headings and paragraphs.
fn spoken(r: &ImportReport) -> String {
    let mut out = String::new();
    for s in &r.speeches {
        out += &format!("{}\n{}\n", s.title, s.intro.join("\n"));
        for c in &s.chapters {
            out += &format!("{}\n{}\n", c.title, c.paragraphs.join("\n"));
        }
    }
    out
}

fn paragraphs(r: &ImportReport, speech: usize) -> Vec<String> {
    let s = &r.speeches[speech];
    let chapters = s.chapters.iter().flat_map(|c| c.paragraphs.clone());
    s.intro.iter().cloned().chain(chapters).collect()
}

#[test]
fn court_page_title_then_title_and_name_with_every_trap() {
    let r = import_page(&fixture("court-title-name.txt")).unwrap();
    assert!(
        r.layout
            .starts_with("a title line, then a speaker line of title and name"),
        "{}",
        r.layout
    );
    assert!(
        r.layout.contains("3 of 3 speaker lines agree"),
        "{}",
        r.layout
    );
    assert_page(
        &r,
        "全省法院审判工作座谈会发言摘登",
        &[
            "李明 | 坚持司法为民\u{3000}提升审判质效 | 省高级人民法院副院长 | ",
            "黄山 | 守护绿水青山 | 黄山市中级人民法院院长 | ",
            "刘芳 | 让纠纷化解在基层 | 县人民法院副庭长 | ",
        ],
    );
    assert_eq!(
        dropped(&r),
        [
            (2, "order note"),
            (3, "paper and page line"),
            (4, "editor's note"),
            (5, "editor's note"),
            (16, "heading repeated as the first sentence"),
            (24, "editor line"),
        ]
    );
    // `实践证明：` and the numbered points stay body paragraphs of their own.
    assert_eq!(
        paragraphs(&r, 0),
        [
            "今年以来，我们坚持把司法为民作为工作的出发点和落脚点。",
            "实践证明：",
            "只有扎根群众，审判工作才有生命力。",
            "一是加强立案服务",
            "全面推行网上立案，群众少跑路。",
            "二是提升审判效率",
            "简案快审、繁案精审，平均审理周期缩短12天。",
        ]
    );
    // Mixed-width punctuation made full width; the repeated heading read once.
    assert_eq!(
        paragraphs(&r, 1)[0],
        "黄山市是生态大市，我们设立环境资源审判庭，集中审理涉林涉水案件；去年审结此类案件326件（同比增长18%）。"
    );
    // The page is cut off mid-word: kept, and warned.
    assert!(paragraphs(&r, 2)[0].ends_with("群众的满意度不断提"));
    // The two later speeches are excerpts of under 100 characters: flagged
    // as very short, as on any page.
    assert_eq!(warned_lines(&r), [16, 21, 23]);
    let warnings: Vec<&str> = r
        .findings
        .iter()
        .filter_map(|f| match f {
            Finding::Warning { message, .. } => Some(message.as_str()),
            _ => None,
        })
        .collect();
    assert!(
        warnings[0].contains("“守护绿水青山” is very short"),
        "{warnings:?}"
    );
    assert!(
        warnings[1].contains("“让纠纷化解在基层” is very short"),
        "{warnings:?}"
    );
    assert!(warnings[2].starts_with("paragraph ends without sentence-final punctuation"));
    let text = spoken(&r);
    for furniture in ["责任编辑", "按发言先后", "法治日报", "编者按", "摘登如下"]
    {
        assert!(!text.contains(furniture), "{furniture} would be read aloud");
    }
}

#[test]
fn gb18030_page_reads_as_its_utf8_twin() {
    let gb = import_page(&fixture("court-title-name.gb18030.txt")).unwrap();
    let utf8 = import_page(&fixture("court-title-name.txt")).unwrap();
    assert_eq!(gb.encoding, "GB18030");
    assert_eq!(utf8.encoding, "UTF-8");
    assert_eq!(gb.speeches, utf8.speeches);
    assert_eq!(gb.findings, utf8.findings);
}

#[test]
fn colon_speaker_line_above_its_title() {
    let r = import_page(&fixture("colon-speaker-above-title.txt")).unwrap();
    assert!(
        r.layout.starts_with("a speaker line ending in a colon"),
        "{}",
        r.layout
    );
    assert_eq!(r.show_title.as_deref(), Some("委员发言摘编"));
    assert_eq!(
        outline(&r),
        [
            "张伟 | 发展乡村特色产业 | 委员 | ",
            "王丽娜 | 让老人就近养老 | 委员 | ",
        ]
    );
    assert_eq!(paragraphs(&r, 0).len(), 2);
    assert_eq!(dropped(&r), [(12, "photo caption")]);
}

#[test]
fn name_with_titles_in_brackets_under_markdown_headings() {
    let r = import_page(&fixture("bracket-titles.txt")).unwrap();
    assert_eq!(
        outline(&r),
        [
            "王强 | 把教育办到群众心坎上 | 全国人大代表、某某中学校长 | ",
            "陈华 | 让数字经济赋能传统产业 | 全国政协委员、某某集团董事长 | ",
        ]
    );
    assert_eq!(dropped(&r), [(15, "photo caption")]);
}

#[test]
fn real_page_speakers_opening_their_paragraphs_under_a_marked_topic() {
    // 人民政协报, 2022-03-06: one paragraph per line, `■■■` topic headings,
    // `刘晓凯委员：…` paragraphs; the stored copy is cut off mid-sentence.
    let r = import_page(&fixture("rmzxb-2022-03-06-report-discussion.txt")).unwrap();
    assert!(
        r.layout
            .starts_with("paragraphs that open with their speaker"),
        "{}",
        r.layout
    );
    let topic = "筑牢共同思想政治基础广泛凝聚共识";
    assert_eq!(
        outline(&r),
        [
            format!("刘晓凯 | {topic} | 委员 | "),
            format!("洪捷序 | {topic} | 委员 | "),
            format!("冀国强 | {topic} | 委员 | "),
        ]
    );
    assert!(paragraphs(&r, 1)[0].starts_with("报告字字句句诠释实干担当"));
    assert!(!spoken(&r).contains("委员："));
    assert!(!spoken(&r).contains('■'));
    // The reporter's lead before the first speaker is kept and flagged; the
    // cut-off end is flagged.
    assert!(warned_lines(&r).contains(&1));
    assert!(warned_lines(&r).contains(&5));
}

#[test]
fn real_page_with_site_chrome_and_ascii_punctuation() {
    // 经济参考报 via 新华网, 2008-03-06: a saved web page pasted as text; each
    // remark opens with the speaker's titles and name, under its own heading.
    let r = import_page(&fixture("jjckb-2008-03-06-applause.txt")).unwrap();
    assert_eq!(r.show_title.as_deref(), Some("掌声亦民声"));
    assert_eq!(
        outline(&r),
        [
            "迟福林 | 掌声响处：第3页“经济连续五年保持平稳快速发展，没有出现大的起落” | 全国政协委员、中国（海南）改革发展研究院执行院长 | ",
            "张全 | 掌声响处：第17页“我们一定要始终保持清醒头脑，增强忧患意识” | 全国人大代表、上海市环保局局长 | ",
            "金长荣 | 掌声响处：第21页“一定能够保证市场供应和价格基本稳定” | 全国人大代表、上海市政府参事 | 掌声响处：第27页“让我们的祖国",
        ]
    );
    let chrome: Vec<usize> = dropped(&r)
        .into_iter()
        .filter(|d| d.1 == "site chrome")
        .map(|d| d.0)
        .collect();
    assert_eq!(chrome, [1, 2, 6]);
    assert!(paragraphs(&r, 0)
        .iter()
        .any(|p| p.starts_with("掌声印证辉煌。2003年至今，是中国")));
}

/// A page's show title and outline (see `outline`).
fn assert_page(r: &ImportReport, show_title: &str, expected: &[&str]) {
    assert_eq!(r.show_title.as_deref(), Some(show_title));
    assert_eq!(outline(r), expected);
}

fn assert_not_read(r: &ImportReport, furniture: &[&str]) {
    let text = spoken(r);
    for f in furniture {
        assert!(!text.contains(f), "{f} would be read aloud:\n{text}");
    }
}

#[test]
fn real_page_reported_remarks_under_photo_captions() {
    // npc.gov.cn (from 东北网), 2014-03-05: one paragraph per line; each
    // remark under its photo caption, `全国人大代表张日红说：“…”`, the third
    // quote first (`“…”，全国人大代表杨天夫说，“…”`); 编辑 and 责编 at the end.
    let page = fixture("npc-2014-03-05-heilongjiang.txt");
    let r = import_page(&page).unwrap();
    assert!(
        r.layout
            .starts_with("paragraphs that open with their speaker and a verb of saying"),
        "{}",
        r.layout
    );
    assert_page(
        &r,
        "黑龙江省代表热议政府工作报告：以人为本注重民生",
        &[
            "张日红 | 张日红 | 全国人大代表 | ",
            "付华廷 | 付华廷 | 全国人大代表 | ",
            "杨天夫 | 杨天夫 | 全国人大代表 | ",
        ],
    );
    assert_eq!(
        dropped(&r),
        [
            (3, "photo caption"),
            (5, "photo caption"),
            (7, "photo caption"),
            (9, "photo caption"),
            (12, "site chrome"),
            (13, "editor line"),
        ]
    );
    // The words of attribution are not read; the quotes are.
    assert_eq!(
        paragraphs(&r, 0).last().unwrap(),
        "“所有的经济活动和社会活动都离不开人，总理的报告通篇体现了以人为本的理念。”"
    );
    assert!(paragraphs(&r, 2)[0].starts_with(
        "“总理的报告是一份亲民、关乎民生的报告，语言非常简洁，接地气”，“代表们反应热烈"
    ));
    assert!(paragraphs(&r, 1)[0].contains("‘定心丸’，农民"));
    // The reporter's lead is kept unread (a comment in the first script),
    // and so is the close after the last remark (in the last script).
    assert_eq!(r.speeches[0].unread.len(), 2);
    assert!(
        r.speeches[0].unread[0].contains("黑龙江"),
        "{:?}",
        r.speeches[0].unread
    );
    assert_eq!(r.speeches[2].closing.len(), 1);
    assert!(r.speeches[2].closing[0].starts_with("在接下来的8天里"));
    assert_eq!(warned_lines(&r), [2, 6, 8, 11]);
    assert!(r.warnings()[3]
        .1
        .contains("text after the last speech (line 11)"));
    let script = render_script(&r.speeches[2], 3);
    let comment = script
        .find("<!-- 不朗读（页面上最后一篇发言之后的文字")
        .unwrap();
    assert!(script[comment..].contains("在接下来的8天里"));
    assert!(script[comment..].trim_end().ends_with("-->"));
    assert_not_read(
        &r,
        &[
            "摄",
            "编 辑",
            "责 编",
            "张学文",
            "说：",
            "杨天夫说",
            "在接下来的8天里",
        ],
    );
}

#[test]
fn real_page_plenary_speeches_in_traditional_characters() {
    // 中央政府驻港联络办 site (新华社), 2023-03-08: traditional characters, a
    // long headline, `來源：… 發布時間：…`, the reporter's account of the
    // session, then `田紅旗委員代表民革中央發言説，…`; cut off in the second.
    let r = import_page(&fixture("locpg-2023-03-08-plenary-speeches.txt")).unwrap();
    assert!(r
        .show_title
        .as_deref()
        .unwrap()
        .ends_with("13位委員作大會發言"));
    assert_eq!(
        outline(&r),
        [
            "田紅旗 | 田紅旗 | 委員，代表民革中央 | ",
            "林毅夫 | 林毅夫 | 委員 | ",
        ]
    );
    assert_eq!(dropped(&r), [(3, "site chrome")]);
    let tian = paragraphs(&r, 0);
    // Five paragraphs of the reporter's account before the first speaker are
    // kept unread (and flagged), then the speech without its attribution.
    assert_eq!(r.speeches[0].unread.len(), 5);
    assert_eq!(tian.len(), 1);
    assert!(tian[0].starts_with("中國新型政黨制度有利於"));
    assert!(paragraphs(&r, 1)[0].starts_with("我國發展具有後來者優勢"));
    let w = r.warnings();
    assert_eq!(w[0].0, 5);
    assert!(w[0].1.starts_with("text before the first speech"));
    assert!(w
        .iter()
        .any(|(l, m)| *l == 17 && m.starts_with("paragraph ends without")));
    assert_not_read(&r, &["來源", "發布時間", "委員代表民革中央發言説"]);
}

#[test]
fn real_page_speakers_named_in_their_paragraphs_with_a_given_title() {
    // 台湾网 (海峡之声), 2019-03-11: traditional characters, site menu lines,
    // `林毅夫委員在發言中表示，…`, then paragraphs that name the speaker again
    // (`林毅夫認為，…`), `委員戴北方在發言中“解碼”了…`, and `委員劉永好以“…”為題
    // 進行大會發言。`; cut off mid-word.
    let r = import_page(&fixture("taiwan-cn-2019-03-11-plenary-speeches.txt")).unwrap();
    assert_page(
        &r,
        "全國政協舉行首場大會發言 委員“解碼”中國經濟新常態",
        &[
            "林毅夫 | 林毅夫 | 委員 | ",
            "戴北方 | 戴北方 | 委員 | ",
            "劉永好 | 積極投身鄉村振興實踐 促進農村産業融合發展 | 委員 | ",
        ],
    );
    assert_eq!(
        dropped(&r),
        [(1, "site chrome"), (3, "site chrome"), (7, "site chrome")]
    );
    // `林毅夫認為，…` continues his speech; the paragraph about 戴北方's speech
    // is read whole.
    let lin = paragraphs(&r, 0);
    assert!(lin[0].starts_with("當前世界確實面臨百年未有之大變局"));
    assert!(lin[1].starts_with("林毅夫認為"));
    assert!(!r.speeches[0].unread.is_empty());
    assert!(paragraphs(&r, 1)[0].starts_with("委員戴北方在發言中“解碼”了深圳"));
    assert_eq!(paragraphs(&r, 1).len(), 2);
    assert_eq!(warned_lines(&r), [11, 26]);
    assert_not_read(&r, &["移動版", "來源", "字號", "09:26"]);
}

#[test]
fn real_page_reporter_leads_start_the_speech_they_name() {
    // 江门台, 2022-03-06: share buttons, a dateline, and for each deputy a
    // reporter's paragraph naming them before their quoted remark; the page
    // is cut off in a paragraph naming a third deputy.
    let r = import_page(&fixture("jmtv-2022-03-06-deputies.txt")).unwrap();
    assert_page(
        &r,
        "我市全国人大代表热议政府工作报告：传递信心决心 汇聚奋进力量",
        &[
            "冯玉宝 | 冯玉宝 | 全国人大代表、江门市交通运输工程质量监督站副站长 | ",
            "黄达昌 | 黄达昌 | 全国人大代表、广东千色花化工有限公司董事长 | ",
        ],
    );
    assert_eq!(
        dropped(&r),
        [
            (1, "site chrome"),
            (3, "site chrome"),
            (4, "site chrome"),
            (5, "site chrome"),
            (9, "dateline"),
        ]
    );
    assert_eq!(r.speeches[0].line, 13);
    assert_eq!(r.speeches[1].line, 19);
    assert!(paragraphs(&r, 1)[0].starts_with("来自我市工商界的全国人大代表黄达昌"));
    // The cut-off last paragraph is the reporter's lead to a deputy the page
    // no longer holds: kept as a comment, flagged, never made a heading, and
    // not read in 黄达昌's voice.
    assert_eq!(paragraphs(&r, 1).len(), 2);
    assert_eq!(r.speeches[1].closing.len(), 1);
    assert!(r.speeches[1].closing[0].ends_with("构建新能源为主"));
    assert_eq!(warned_lines(&r), [11, 13, 19, 25]);
    assert!(r.warnings()[3]
        .1
        .contains("text after the last speech (line 25)"));
    assert_not_read(&r, &["Qzone", "微博", "江门台", "冯玉宝说：", "吴玉莲"]);
}

#[test]
fn real_reported_page_saved_as_html() {
    // The 东北网 page as a browser saves it: menus and share buttons around
    // the article, each paragraph and caption in its own element.
    let page = String::from_utf8(fixture("npc-2014-03-05-heilongjiang.txt")).unwrap();
    let lines: Vec<&str> = page.lines().collect();
    let article: String = lines[1..].iter().map(|l| format!("<p>{l}</p>\n")).collect();
    let html = format!(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{}</title></head><body>\
         <div class=\"nav\"><a href=\"/\">首页</a> | <a href=\"/rd\">人大要闻</a></div>\
         <div class=\"share\"><a>分享</a><a>微博</a><a>微信</a></div>\
         <div class=\"article\"><h1>{}</h1>\n{article}</div>\
         <div class=\"footer\"><p>版权所有 全国人大网</p></div></body></html>",
        lines[0], lines[0]
    );
    let r = import_page(html.as_bytes()).unwrap();
    assert_eq!(r.format.to_string(), "HTML page");
    let text = import_page(&fixture("npc-2014-03-05-heilongjiang.txt")).unwrap();
    assert_eq!(outline(&r), outline(&text));
    assert_eq!(r.show_title, text.show_title);
    for s in 0..3 {
        assert_eq!(paragraphs(&r, s), paragraphs(&text, s));
    }
    assert_not_read(&r, &["首页", "人大要闻", "分享", "版权", "摄", "张学文"]);
}

/// A minimal Word document: each paragraph `(style, bold, text)`.
fn docx(paragraphs: &[(Option<&str>, bool, &str)]) -> Vec<u8> {
    use std::io::Write;
    let mut body = String::new();
    for (style, bold, text) in paragraphs {
        let style = style.map_or(String::new(), |s| {
            format!("<w:pPr><w:pStyle w:val=\"{s}\"/></w:pPr>")
        });
        let rpr = if *bold { "<w:rPr><w:b/></w:rPr>" } else { "" };
        // Two runs per paragraph, as Word writes them after edits.
        let (a, b) = text.split_at(text.char_indices().nth(2).map_or(text.len(), |(i, _)| i));
        body += &format!(
            "<w:p>{style}<w:r>{rpr}<w:t>{a}</w:t></w:r><w:r>{rpr}<w:t xml:space=\"preserve\">{b}</w:t></w:r></w:p>"
        );
    }
    let document = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
         <w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">\
         <w:body>{body}</w:body></w:document>"
    );
    let styles = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\
        <w:styles xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">\
        <w:style w:type=\"paragraph\" w:styleId=\"2\"><w:name w:val=\"heading 2\"/></w:style>\
        </w:styles>";
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, text) in [
        ("[Content_Types].xml", "<Types/>"),
        ("word/document.xml", document.as_str()),
        ("word/styles.xml", styles),
    ] {
        zip.start_file(name, options).unwrap();
        zip.write_all(text.as_bytes()).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

#[test]
fn word_document_headings_from_styles_and_bold_lines() {
    let bytes = docx(&[
        (Some("Title"), false, "县政协常委会议发言摘登"),
        (None, true, "建设宜居乡村"),
        (None, true, "县政协副主席 周红"),
        (
            None,
            false,
            "今年我们走访了全县二十个村，听取群众意见两百多条。",
        ),
        (Some("2"), false, "改善人居环境"),
        (None, false, "一是开展垃圾分类，二是修建污水管网。"),
        (None, true, "办好老百姓身边的小事"),
        (None, true, "县工商联主席 吴刚"),
        (
            None,
            false,
            "民营企业要积极参与乡村建设，今年已有三十家企业结对帮扶。",
        ),
        (None, false, "责任编辑：赵六"),
    ]);
    let r = import_page(&bytes).unwrap();
    assert_eq!(r.format.to_string(), "Word document (.docx)");
    assert_eq!(r.show_title.as_deref(), Some("县政协常委会议发言摘登"));
    assert_eq!(
        outline(&r),
        [
            "周红 | 建设宜居乡村 | 县政协副主席 | 改善人居环境",
            "吴刚 | 办好老百姓身边的小事 | 县工商联主席 | ",
        ]
    );
    assert_eq!(dropped(&r), [(10, "editor line")]);
    assert_eq!(
        r.speeches[0].intro,
        ["今年我们走访了全县二十个村，听取群众意见两百多条。"]
    );
    assert!(matches!(
        import_page(b"PK\x03\x04 not really a zip"),
        Err(briefcast::script::import::ImportError::BadDocument { .. })
    ));
}

const SAVED_PAGE: &str = r##"<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>座谈会发言摘登_某某新闻网</title>
<script>var share = "分享到微信";</script></head>
<body>
<div class="top"><a href="/">首页</a> &gt; <a href="/news">新闻</a> &gt; 正文</div>
<nav><ul><li><a href="/a">要闻</a></li><li><a href="/b">政务</a></li><li><a href="/c">视频</a></li></ul></nav>
<div class="main">
  <h1>座谈会发言摘登</h1>
  <div class="info">来源：某某日报　发布时间：2024-03-02 08:00</div>
  <div class="content">
    <p>（按发言先后排列）</p>
    <p><strong>守住耕地红线</strong></p>
    <p>市自然资源局局长&nbsp;郑军</p>
    <p>　　耕地是粮食生产的命根子。我们今年完成高标准农田建设五万亩，守住了耕地保护红线。</p>
    <p><strong>让群众办事更方便</strong></p>
    <p>市政务服务中心主任&nbsp;林&nbsp;静</p>
    <p>　　我们推行一窗通办，群众办事平均时间缩短了一半。</p>
    <p>（视频发言截图）</p>
  </div>
  <div class="share">分享到：<a href="#">微信</a> <a href="#">微博</a></div>
</div>
<footer>版权所有 某某新闻网 备案号 12345</footer>
</body></html>"##;

#[test]
fn saved_web_page_article_found_and_chrome_dropped() {
    let r = import_page(SAVED_PAGE.as_bytes()).unwrap();
    assert_eq!(r.format.to_string(), "HTML page");
    assert_eq!(r.show_title.as_deref(), Some("座谈会发言摘登"));
    assert_eq!(
        outline(&r),
        [
            "郑军 | 守住耕地红线 | 市自然资源局局长 | ",
            "林静 | 让群众办事更方便 | 市政务服务中心主任 | ",
        ]
    );
    let text = spoken(&r);
    for chrome in ["首页", "要闻", "分享", "版权", "来源", "截图", "按发言"] {
        assert!(
            !text.contains(chrome),
            "{chrome} would be read aloud:\n{text}"
        );
    }
}

#[test]
fn stdin_page_and_into_config_appends_speakers_after_showing_them() {
    use std::io::Write;
    let project = Project::new();
    let config = "# station voices\n[voices.a]\nservice = \"s\"\n\n[voices.b]\nservice = \"s\"  # the second voice\n\n[speakers]\n\"张伟\" = { voice = \"a\", slug = \"zhang-wei\" }\n";
    project.write("voices.toml", config);
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_briefcast"))
        .args(["import", "-", "--into-config", "--out", "imported"])
        .current_dir(project.path(""))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let page = fixture("colon-speaker-above-title.txt");
    child.stdin.take().unwrap().write_all(&page).unwrap();
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("layout: a speaker line ending in a colon"),
        "{stdout}"
    );
    assert!(
        stdout.contains("line 3: speaker line: “张伟委员：” → speaker “张伟”, title “委员”"),
        "{stdout}"
    );
    assert!(
        stdout.contains("voices.toml: [speakers] gains\n+ \"王丽娜\" = { voice = \"b\", slug = \"wang-li-na\" }\n"),
        "{stdout}"
    );
    let written = String::from_utf8(project.read("voices.toml")).unwrap();
    assert_eq!(
        written,
        format!("{config}\"王丽娜\" = {{ voice = \"b\", slug = \"wang-li-na\" }}\n")
    );
    let scripts = briefcast::script::load_dir(&project.path("imported")).unwrap();
    assert_eq!(scripts.len(), 2);
    assert_eq!(scripts[1].speaker, "王丽娜");
}

#[test]
fn real_page_marked_speaker_line_above_its_heading() {
    // 人民政协报, 2023-03-05 (委员通道): the e-paper's page label, headline,
    // byline, photo captions and a reading note, the reporter's lead, then
    // `■■全国政协委员,…馆长吴向东:` above the heading of the speech.
    let r = import_page(&fixture("rmzxb-2023-03-05-members-corridor.txt")).unwrap();
    assert!(
        r.layout.starts_with("a marked speaker line"),
        "{}",
        r.layout
    );
    assert_page(
        &r,
        "一起见证活力四射的中国",
        &["吴向东 | 让红色薪火代代相传 | 全国政协委员，中国共产党历史展览馆馆长 | "],
    );
    let mut expected = vec![
        (1, "paper and page line"),
        (7, "byline"),
        (9, "paper and page line"),
    ];
    expected.extend((13..=27).step_by(2).map(|line| (line, "photo caption")));
    expected.extend([(29, "editor's note"), (31, "editor's note")]);
    assert_eq!(dropped(&r), expected);
    assert_eq!(paragraphs(&r, 0).len(), 4);
    assert!(paragraphs(&r, 0)[0].starts_with("中国共产党历史展览馆自2021年6月18日正式开馆以来"));
    // The headline's subtitle and the reporter's lead: kept, not read.
    assert!(r.speeches[0].unread[0].starts_with("——全国政协十四届一次会议"));
    assert_eq!(warned_lines(&r), [5, 47]);
    assert_not_read(
        &r,
        &[
            "第03版",
            "吕巍",
            "新华社发",
            "李书福",
            "阅读提示",
            "八位委员",
            "■",
            "委员，中国",
        ],
    );
}

#[test]
fn editorial_notes_after_the_last_speech_are_not_read() {
    // The page's ordering note, photo credit and editor line close the
    // page after the last speech: none of it is the last speaker's.
    let r = import_page(&fixture("page-end-notes.txt")).unwrap();
    assert_eq!(
        outline(&r),
        [
            "甲县人民政府 | 让群众办事更方便 | - | ",
            "乙市数据局 | 用好数字技术 | - | ",
            "丙镇司法所 | 把矛盾化解在基层 | - | ",
        ]
    );
    assert_eq!(
        dropped(&r),
        [
            (21, "order note"),
            (22, "photo credit"),
            (23, "editor line")
        ]
    );
    assert_eq!(
        paragraphs(&r, 2),
        ["我们在每个村设立调解室，聘请老党员、老教师担任调解员。去年共调解纠纷三百余件，调解成功率达到百分之九十八。我们还把普法宣传送进村屯、学校和企业，引导群众依法表达诉求，小事不出村、大事不出镇，矛盾不上交。"]
    );
    assert!(r.speeches[2].closing.is_empty());
    assert_eq!(warned_lines(&r), Vec::<usize>::new());
    assert_not_read(&r, &["为序", "图片", "编辑", "校对"]);

    let r = import_page(&fixture("page-end-notes-traditional.txt")).unwrap();
    assert_eq!(r.speeches.len(), 2);
    assert_eq!(
        dropped(&r),
        [
            (15, "order note"),
            (16, "photo credit"),
            (17, "editor line")
        ]
    );
    assert_eq!(paragraphs(&r, 1).len(), 1);
    assert!(r.speeches[1].closing.is_empty());
    assert_eq!(warned_lines(&r), Vec::<usize>::new());
    assert_not_read(&r, &["為序", "圖片", "編輯"]);
}
