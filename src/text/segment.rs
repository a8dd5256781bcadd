//! Sentence segmentation and TTS-length chunking of one paragraph
//! (zh_text.md §6): split a paragraph into sentences, then cut any sentence
//! that is too long for one TTS request at the best clause punctuation.
//! Mandarin first; English and mixed text work too. Pure functions, no IO.
//!
//! Leaves alone: text normalisation (numbers, dates, units to words) and the
//! lexicon. Input is taken as written; no character is added, removed or
//! rewritten, only whitespace at a cut is trimmed.
//!
//! Sentence splitting is in `sentences`, cutting to a limit in `cut`, and
//! the character scanner both use in `scan`.

mod cut;
mod scan;
mod sentences;

pub use cut::fit_to_limit;
pub use sentences::split_sentences;

/// A service's length limit for one request. `max_chars` counts Unicode scalar values; `max_bytes` counts UTF-8 bytes. Either may be usize::MAX for "no limit".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    pub max_chars: usize,
    pub max_bytes: usize,
}

impl Limit {
    /// A limit on characters only.
    pub fn chars(n: usize) -> Self {
        Limit {
            max_chars: n,
            max_bytes: usize::MAX,
        }
    }

    /// Whether `s` fits in one request.
    pub fn fits(&self, s: &str) -> bool {
        s.len() <= self.max_bytes
            && (s.len() <= self.max_chars || s.chars().count() <= self.max_chars)
    }
}

/// split_sentences then fit_to_limit on each.
pub fn segment_paragraph(paragraph: &str, limit: Limit) -> Vec<String> {
    split_sentences(paragraph)
        .iter()
        .flat_map(|s| fit_to_limit(s, limit))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEV_TSV: &str = include_str!("../../tests/fixtures/zh_sbd_dev.tsv");
    const NEWS: &str = "2019年全市少数民族人口222.98万人，少数民族人口占全市总人口的56.66%，比上年提高了0.5个百分点，其中GDP贡献率创下历史新高，全市各族群众团结一心，共同推动经济社会高质量发展。";

    fn pieces(joined: &str) -> Vec<&str> {
        joined.split(" | ").collect()
    }

    fn without_spaces(s: &str) -> String {
        s.chars().filter(|c| !c.is_whitespace()).collect()
    }

    /// `expected` is the sentences joined with " | ".
    fn assert_split(input: &str, expected: &str) {
        assert_eq!(split_sentences(input), pieces(expected), "input: {input}");
    }

    /// `expected` is the chunks joined with " | "; chunks must fit and give back the input.
    fn assert_fit(input: &str, limit: Limit, expected: &str) {
        let chunks = fit_to_limit(input, limit);
        assert_eq!(chunks, pieces(expected), "input: {input}");
        assert!(chunks.iter().all(|c| limit.fits(c)), "{chunks:?}");
        assert_eq!(without_spaces(&chunks.concat()), without_spaces(input));
    }

    /// Expected pieces regrouped into sentences: a piece ending in ，or ；
    /// (LanguageTool's clause-level split) joins the next one.
    fn clause_groups<'t>(pieces: &[&'t str]) -> Vec<Vec<&'t str>> {
        let mut groups = vec![Vec::new()];
        for &piece in pieces {
            groups.last_mut().unwrap().push(piece);
            if !piece.ends_with(['，', '；', ',', ';']) {
                groups.push(Vec::new());
            }
        }
        groups.retain(|g| !g.is_empty());
        groups
    }

    /// A clause-level row: `split_sentences` gives the regrouped sentences, and
    /// `fit_to_limit` at the length of the longest piece gives the pieces.
    fn clause_row_passes(input: &str, pieces: &[&str]) -> bool {
        let groups = clause_groups(pieces);
        let sentences: Vec<String> = groups.iter().map(|g| g.concat()).collect();
        split_sentences(input) == sentences
            && groups.iter().filter(|g| g.len() > 1).all(|g| {
                let longest = g.iter().map(|p| p.chars().count()).max().unwrap();
                fit_to_limit(&g.concat(), Limit::chars(longest)) == *g
            })
    }

    #[test]
    fn dev_tsv_rows_pass() {
        let rows: Vec<&str> = DEV_TSV.lines().skip(1).filter(|l| !l.is_empty()).collect();
        let (mut passed, mut via_fit, mut failures) = (0, 0, Vec::new());
        for row in &rows {
            let cols: Vec<&str> = row.split('\t').collect();
            let (input, expected, category) = (cols[0], cols[1], cols[2]);
            let expected: Vec<&str> = expected.split(" || ").collect();
            let clause_split =
                category == "clause_level" && clause_groups(&expected).len() < expected.len();
            let got = split_sentences(input);
            let ok = if clause_split {
                via_fit += 1;
                clause_row_passes(input, &expected)
            } else {
                got == expected
            };
            if ok && got.concat() == input {
                passed += 1;
            } else {
                failures.push(format!("{input}\n  expected {expected:?}\n  got {got:?}"));
            }
        }
        println!(
            "zh_sbd_dev.tsv: {passed}/{} rows pass ({via_fit} clause-level rows via fit_to_limit)",
            rows.len()
        );
        assert_eq!((rows.len(), via_fit), (35, 3), "fixture changed");
        assert!(
            failures.is_empty(),
            "failing rows:\n{}",
            failures.join("\n")
        );
    }

    #[test]
    fn ltp_todo_splits_are_kept() {
        assert_split(
            "“怕什么！海的美就在这里！”我说。",
            "“怕什么！海的美就在这里！” | 我说。",
        );
        assert_split(
            "“妈呀，全是东洋货！明儿叫我穿什么衣服？”林小姐哭丧着脸说。",
            "“妈呀，全是东洋货！明儿叫我穿什么衣服？” | 林小姐哭丧着脸说。",
        );
    }

    #[test]
    fn chinese_rules() {
        assert_split("真的吗？！太好了！", "真的吗？！ | 太好了！");
        assert_split(
            "会议结束了。“你好”是他的口头禅。",
            "会议结束了。 | “你好”是他的口头禅。",
        );
        assert_split(
            "去看《摔跤吧！爸爸》好吗？好！",
            "去看《摔跤吧！爸爸》好吗？ | 好！",
        );
        assert_split(
            "他说：“今天很冷。明天更冷。”",
            "他说：“今天很冷。明天更冷。”",
        );
        assert_split(
            "他说……我不知道。等一下……，好吗？",
            "他说…… | 我不知道。 | 等一下……，好吗？",
        );
        // An unmatched quote does not swallow the rest of the paragraph.
        assert_split("他说：“你好。我们走吧。", "他说：“你好。 | 我们走吧。");
        assert_split(
            " 第一行\r\n第二行。第三句\n\n",
            "第一行 | 第二行。 | 第三句",
        );
        assert!(split_sentences(" \n ").is_empty());
    }

    #[test]
    fn english_abbreviations_and_decimals() {
        assert_split(
            "Mr. Smith arrived at 3.5 p.m. on Jan. 5. Then Dr. J. Smith, e.g. at No. 10, spoke.",
            "Mr. Smith arrived at 3.5 p.m. on Jan. 5. | Then Dr. J. Smith, e.g. at No. 10, spoke.",
        );
        assert_split(
            "Prof. Lee vs. Mrs. Wu, i.e. the final. Pears, etc. Then v1.2.3 shipped.",
            "Prof. Lee vs. Mrs. Wu, i.e. the final. | Pears, etc. | Then v1.2.3 shipped.",
        );
        assert_split(
            "It grew 6.1% in 2019. See example.com now.",
            "It grew 6.1% in 2019. | See example.com now.",
        );
        assert_split("Wait... what? No... Yes.", "Wait... what? | No... | Yes.");
    }

    #[test]
    fn english_quotes_and_clusters() {
        assert_split("He said \"Go.\" Then left.", "He said \"Go.\" | Then left.");
        assert_split("He said “Go.” Then left.", "He said “Go.” | Then left.");
        assert_split(
            "She said \"Stop. Now.\" Then left.",
            "She said \"Stop. Now.\" | Then left.",
        );
        assert_split(
            "It's 'done.' (It is long.) Done.",
            "It's 'done.' | (It is long.) | Done.",
        );
        assert_split("Really?! Yes!!! OK.", "Really?! | Yes!!! | OK.");
    }

    #[test]
    fn mixed_chinese_and_english() {
        assert_split(
            "利用LED屏滚动播放。Version 2.0 ships soon. 速度提升3.5倍！结果是48.2%.然后结束。",
            "利用LED屏滚动播放。 | Version 2.0 ships soon. | 速度提升3.5倍！ | 结果是48.2%. | 然后结束。",
        );
    }

    #[test]
    fn long_news_sentence_is_cut_at_commas() {
        assert_fit(
            NEWS,
            Limit::chars(30),
            "2019年全市少数民族人口222.98万人， | 少数民族人口占全市总人口的56.66%， | 比上年提高了0.5个百分点，其中GDP贡献率创下历史新高， | 全市各族群众团结一心，共同推动经济社会高质量发展。",
        );
        // The first comma piece (22) is cut hard in two even parts, keeping 2019年 and 222.98万人 whole.
        assert_fit(
            NEWS,
            Limit::chars(20),
            "2019年全市少数民族 | 人口222.98万人， | 少数民族人口占全市总人口的56.66%， | 比上年提高了0.5个百分点， | 其中GDP贡献率创下历史新高， | 全市各族群众团结一心， | 共同推动经济社会高质量发展。",
        );
    }

    #[test]
    fn semicolon_is_preferred_over_comma() {
        let s = "第一，加强领导，完善制度；第二，落实责任，严格考核。";
        assert_fit(
            s,
            Limit::chars(16),
            "第一，加强领导，完善制度； | 第二，落实责任，严格考核。",
        );
        assert_fit(
            s,
            Limit::chars(8),
            "第一，加强领导， | 完善制度； | 第二，落实责任， | 严格考核。",
        );
    }

    #[test]
    fn numbers_and_latin_words_are_not_cut() {
        assert_fit(
            "全市人口达到222.98万人占全市总人口的56.66%而GDP总量再创新高",
            Limit::chars(8),
            "全市人口达到 | 222.98万人 | 占全市总人口的 | 56.66%而 | GDP总量 | 再创新高",
        );
        assert_fit(
            "We sold 1,000,000 units at 10:30, then 2,500 more, and stopped there.",
            Limit::chars(20),
            "We sold 1,000,000 | units at 10:30, | then 2,500 more, | and stopped there.",
        );
        assert_fit(
            "共有20 000名观众到场观看",
            Limit::chars(7),
            "共有 | 20 000名 | 观众到场观看",
        );
        // A word longer than the limit is cut anyway.
        assert_fit(
            "Supercalifragilisticexpialidocious is long",
            Limit::chars(10),
            "Supercalif | ragilistic | expialidoc | ious | is long",
        );
    }

    #[test]
    fn unpunctuated_run_is_cut_hard() {
        let s = "中".repeat(20_000);
        let chunks = fit_to_limit(&s, Limit::chars(50));
        assert_eq!(chunks.len(), 400);
        assert!(chunks.iter().all(|c| *c == "中".repeat(50)));
        assert_eq!(chunks.concat(), s);
    }

    #[test]
    fn byte_limit_is_respected() {
        let limit = Limit {
            max_chars: usize::MAX,
            max_bytes: 30,
        };
        assert!(limit.fits("一二三四五六七八九十") && !limit.fits("一二三四五六七八九十a"));
        assert_fit(
            NEWS,
            limit,
            "2019年全市少数民族 | 人口222.98万人， | 少数民族人口占全市总 | 人口的56.66%， | 比上年提高了 | 0.5个百分点， | 其中GDP贡献率 | 创下历史新高， | 全市各族群众 | 团结一心， | 共同推动经济社 | 会高质量发展。",
        );
    }

    #[test]
    fn quotes_and_titles_stay_whole_when_they_fit() {
        let s = "他说：“今天很冷，明天更冷，后天最冷。”我们都笑了，然后各自回家去了。";
        assert_fit(
            s,
            Limit::chars(20),
            "他说：“今天很冷，明天更冷，后天最冷。” | 我们都笑了，然后各自回家去了。",
        );
        // The quote alone (17) does not fit 10, so it is cut inside.
        assert_fit(
            s,
            Limit::chars(10),
            "他说：“今天很冷， | 明天更冷， | 后天最冷。” | 我们都笑了， | 然后各自回家去了。",
        );
        assert_fit(
            "我们明天一起去看《摔跤吧！爸爸》好吗，我们后天再去看别的电影吧。",
            Limit::chars(12),
            "我们明天一起去看 | 《摔跤吧！爸爸》好吗， | 我们后天再去看 | 别的电影吧。",
        );
    }

    #[test]
    fn fitting_sentence_is_unchanged_and_paragraph_is_segmented() {
        assert_eq!(fit_to_limit(" 很短。 ", Limit::chars(10)), [" 很短。 "]);
        assert!(fit_to_limit("  ", Limit::chars(10)).is_empty());
        assert_eq!(
            segment_paragraph("我们是中国人，中国人很好。好！", Limit::chars(8)),
            pieces("我们是中国人， | 中国人很好。 | 好！")
        );
    }
}
