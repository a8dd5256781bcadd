//! Sentence segmentation and TTS-length chunking of one paragraph
//! (zh_text.md §6): split a paragraph into sentences, then cut any sentence
//! that is too long for one TTS request at the best clause punctuation.
//! Mandarin first; English and mixed text work too. Pure functions, no IO.
//!
//! Leaves alone: text normalisation (numbers, dates, units to words) and the
//! lexicon. Input is taken as written; no character is added, removed or
//! rewritten, only whitespace at a cut is trimmed.

use std::ops::Range;

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

/// Marks that end a sentence; a run of them is one boundary. ASCII '.' is handled apart.
const TERMINATORS: &str = "。！？!?｡";
/// Ellipsis marks: a soft end (see `Scan::ellipsis_ends`).
const ELLIPSES: &str = "…⋯";
/// Marks that stay with the sentence or chunk they close.
const CLOSERS: &str = "”’」』）》】〉)]'\"";
/// Marks that open a quote or bracket.
const OPENERS: &str = "“‘「『《〈（(【[";
/// Pairs whose inside is never split. ‘’ is left out: ’ doubles as an apostrophe.
const PAIRS: [(char, char); 9] = [
    ('“', '”'),
    ('「', '」'),
    ('『', '』'),
    ('《', '》'),
    ('〈', '〉'),
    ('（', '）'),
    ('(', ')'),
    ('【', '】'),
    ('"', '"'),
];
/// Chunk points for over-long sentences, best first (level 0 is the terminators).
const CLAUSE_MARKS: [&str; 3] = ["；：;:", "，,﹐", "、"];
/// Levels tried by `chunk` before cutting hard.
const LEVELS: usize = 1 + CLAUSE_MARKS.len();
/// Punctuation that must not start a chunk or follow a boundary.
const PUNCT: &str = "。！？!?｡…⋯；：;:，,﹐、.";
/// English abbreviations that a '.' does not end (dotted ones like e.g. and U.S. are found by shape).
const ABBREVIATIONS: &[&str] = &[
    "Mr", "Mrs", "Ms", "Dr", "Prof", "St", "Jr", "Sr", "vs", "No", "Fig", "Jan", "Feb", "Mar",
    "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec",
];

/// Split one paragraph into sentences following zh_text.md §6.2 (Chinese and English terminators; clusters like ？！ or !!! are one boundary; closing marks ” ’ 』 」 ） 》 】 ) " ' after a terminator stay left; never split inside 《》 「」 “…” or () ; an ASCII '.' between digits (decimals, 6.1%) never splits; 。 followed by a digit still ends a sentence; …… is not a hard end; a newline always splits). Returns trimmed, non-empty sentences whose concatenation (ignoring whitespace trimmed at the boundaries) is the input.
pub fn split_sentences(paragraph: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in paragraph.lines() {
        let scan = Scan::new(line);
        let (mut start, mut i) = (0, 0);
        while i < scan.chars.len() {
            let Some((end, ends)) = scan.terminator_cluster(i) else {
                i += 1;
                continue;
            };
            let pos = scan.byte(end);
            if ends && !scan.inside_span(pos) {
                push_trimmed(&mut out, &line[start..pos]);
                start = pos;
            }
            i = end;
        }
        push_trimmed(&mut out, &line[start..]);
    }
    out
}

/// Cut one sentence that does not fit `limit` into chunks that do (zh_text.md §6.3): first at ；; ：: then at ，, then at 、 (and for English at `;` `:` `,`), merging greedily so chunks are as long as fit; a tail that is very short (< ~10 chars) is merged into the previous chunk if it still fits; punctuation stays on the left chunk; never cut inside 《》 or “…” unless the quoted part alone does not fit; never cut inside a number (digits, decimal point, %, digit groups) or a Latin word. A sentence with no usable punctuation (e.g. 20 000 characters without any) is cut hard at the limit, but backing off so no number or Latin word is split (if a single word is itself longer than the limit, cut it anyway). A sentence that fits is returned as one chunk unchanged.
///
/// Terminators inside a quote that is too long (。！？ and ……) are tried before ；：.
/// Greedy merging already leaves no short tail that would still fit. Chunks are
/// trimmed; a blank sentence gives no chunk. A single character larger than
/// `max_bytes` is returned alone, since it cannot be cut.
pub fn fit_to_limit(sentence: &str, limit: Limit) -> Vec<String> {
    if sentence.trim().is_empty() {
        return Vec::new();
    }
    if limit.fits(sentence) {
        return vec![sentence.to_string()];
    }
    chunk(sentence, limit, 0)
        .into_iter()
        .map(|r| sentence[r].trim())
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// split_sentences then fit_to_limit on each.
pub fn segment_paragraph(paragraph: &str, limit: Limit) -> Vec<String> {
    split_sentences(paragraph)
        .iter()
        .flat_map(|s| fit_to_limit(s, limit))
        .collect()
}

fn push_trimmed(out: &mut Vec<String>, s: &str) {
    let s = s.trim();
    if !s.is_empty() {
        out.push(s.to_string());
    }
}

/// Byte ranges of `piece` that each fit `limit` (where possible), cutting at
/// punctuation of `level` first and at finer levels only inside pieces that
/// still do not fit, then merging neighbours greedily.
fn chunk(piece: &str, limit: Limit, level: usize) -> Vec<Range<usize>> {
    if limit.fits(piece.trim()) {
        let whole = 0..piece.len();
        return vec![whole];
    }
    if level == LEVELS {
        return Scan::new(piece).hard_cut(limit);
    }
    let mut chunks = Vec::new();
    let mut start = 0;
    let cuts = Scan::new(piece).cut_points(level, limit);
    for cut in cuts.into_iter().chain([piece.len()]) {
        let sub = chunk(&piece[start..cut], limit, level + 1);
        chunks.extend(sub.into_iter().map(|r| r.start + start..r.end + start));
        start = cut;
    }
    merge_greedy(piece, chunks, limit)
}

/// Join neighbouring ranges while the joined text still fits.
fn merge_greedy(text: &str, ranges: Vec<Range<usize>>, limit: Limit) -> Vec<Range<usize>> {
    let mut out: Vec<Range<usize>> = Vec::new();
    for r in ranges {
        match out.last_mut() {
            Some(last) if limit.fits(text[last.start..r.end].trim()) => last.end = r.end,
            _ => out.push(r),
        }
    }
    out
}

fn is_punct(c: char) -> bool {
    PUNCT.contains(c)
}

/// A letter or digit of a Latin-script word or number (Han and kana are not).
fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || (c.is_alphabetic() && (c as u32) < 0x2E80)
}

/// Marks that join two word characters into one token: 3.5, 1,000, 10:30, don't, e-mail.
fn is_joiner(c: char) -> bool {
    ".,:'’-/_".contains(c)
}

/// One line of text with its characters and matched quote/bracket spans.
struct Scan<'a> {
    text: &'a str,
    chars: Vec<(usize, char)>,
    /// Byte ranges from an opening mark to its matching closing mark, inclusive.
    spans: Vec<Range<usize>>,
    /// Index of the first non-whitespace character.
    first: usize,
}

impl<'a> Scan<'a> {
    fn new(text: &'a str) -> Self {
        let chars: Vec<(usize, char)> = text.char_indices().collect();
        let first = chars
            .iter()
            .position(|&(_, c)| !c.is_whitespace())
            .unwrap_or(chars.len());
        let spans = matched_pairs(&chars);
        Scan {
            text,
            chars,
            spans,
            first,
        }
    }

    fn char_at(&self, i: usize) -> Option<char> {
        self.chars.get(i).map(|&(_, c)| c)
    }

    fn byte(&self, i: usize) -> usize {
        self.chars.get(i).map_or(self.text.len(), |&(b, _)| b)
    }

    fn inside_span(&self, pos: usize) -> bool {
        self.spans.iter().any(|s| s.start < pos && pos < s.end)
    }

    /// A cut at byte `pos` would split a quote or bracket whose whole text fits.
    fn blocked(&self, pos: usize, limit: Limit) -> bool {
        let text = self.text;
        self.spans
            .iter()
            .any(|s| s.start < pos && pos < s.end && limit.fits(&text[s.clone()]))
    }

    fn opens_span(&self, i: usize) -> bool {
        let b = self.byte(i);
        self.spans.iter().any(|s| s.start == b)
    }

    fn is_opener(&self, i: usize) -> bool {
        match self.char_at(i) {
            Some('"') => self.opens_span(i),
            Some(c) => OPENERS.contains(c),
            None => false,
        }
    }

    fn is_closer(&self, i: usize) -> bool {
        match self.char_at(i) {
            Some('"') => !self.opens_span(i),
            Some(c) => CLOSERS.contains(c),
            None => false,
        }
    }

    fn skip_closers(&self, mut j: usize) -> usize {
        while self.is_closer(j) {
            j += 1;
        }
        j
    }

    fn next_non_space(&self, j: usize) -> Option<char> {
        self.chars[j.min(self.chars.len())..]
            .iter()
            .map(|&(_, c)| c)
            .find(|c| !c.is_whitespace())
    }

    fn is_digit_at(&self, i: usize) -> bool {
        self.char_at(i).is_some_and(|c| c.is_ascii_digit())
    }

    fn is_terminator(&self, i: usize) -> bool {
        match self.char_at(i) {
            Some('.') => !(i > 0 && self.is_digit_at(i - 1) && self.is_digit_at(i + 1)),
            Some(c) => TERMINATORS.contains(c) || ELLIPSES.contains(c),
            None => false,
        }
    }

    /// If a run of terminators starts at `i`: the index after it and its
    /// closing marks, and whether a sentence ends there (before any check
    /// that the end lies outside quotes).
    fn terminator_cluster(&self, i: usize) -> Option<(usize, bool)> {
        if !self.is_terminator(i) {
            return None;
        }
        let mut run_end = i;
        while self.is_terminator(run_end) {
            run_end += 1;
        }
        let end = self.skip_closers(run_end);
        // A leading mark, or a quoted one such as “。”, ends nothing.
        if i <= self.first || self.is_opener(i - 1) {
            return Some((end, false));
        }
        let run = &self.text[self.byte(i)..self.byte(run_end)];
        let ends = if run == "." {
            self.period_ends(i, end)
        } else if run.chars().all(|c| c == '.' || ELLIPSES.contains(c)) {
            self.ellipsis_ends(end)
        } else {
            true
        };
        Some((end, ends))
    }

    /// An ellipsis is a soft end: it ends a sentence (as LTP does) only when
    /// something other than punctuation or a lower-case word follows.
    fn ellipsis_ends(&self, end: usize) -> bool {
        !self
            .next_non_space(end)
            .is_some_and(|c| c.is_ascii_lowercase() || is_punct(c))
    }

    /// An ASCII '.' at `i` (closing marks up to `end`) ends a sentence when
    /// followed by the end, by Han text, or by a space and a word that is not
    /// lower case, unless it closes an abbreviation or an initial.
    fn period_ends(&self, i: usize, end: usize) -> bool {
        match self.char_at(end) {
            None => true,
            Some(c) if c.is_whitespace() => {
                !self
                    .next_non_space(end)
                    .is_some_and(|c| c.is_ascii_lowercase())
                    && !self.abbreviation_before(i)
            }
            Some(c) => !c.is_ascii() && !is_punct(c),
        }
    }

    fn abbreviation_before(&self, i: usize) -> bool {
        let start = (0..i)
            .rev()
            .take_while(|&k| self.chars[k].1.is_ascii_alphabetic() || self.chars[k].1 == '.')
            .last()
            .unwrap_or(i);
        let word = &self.text[self.byte(start)..self.byte(i)];
        word.contains('.')
            || (word.len() == 1 && word.chars().all(|c| c.is_ascii_uppercase()))
            || ABBREVIATIONS.contains(&word)
    }

    /// If a chunk may end after the clause mark at `i`: where the next chunk starts.
    fn clause_mark_end(&self, i: usize, marks: &str) -> Option<usize> {
        let c = self.char_at(i)?;
        // An ASCII mark must be followed by a space or non-ASCII text: not 1,000 or 10:30.
        let ascii_glued = c.is_ascii()
            && self
                .char_at(i + 1)
                .is_some_and(|n| n.is_ascii() && !n.is_whitespace());
        if !marks.contains(c) || ascii_glued || i <= self.first || self.is_opener(i - 1) {
            return None;
        }
        let end = self.skip_closers(i + 1);
        match self.char_at(end) {
            Some(next) if is_punct(next) => None,
            _ => Some(end),
        }
    }

    /// Byte offsets where a chunk may end, at one level (0: terminators and
    /// ellipses, then `CLAUSE_MARKS`), outside quotes that fit.
    fn cut_points(&self, level: usize, limit: Limit) -> Vec<usize> {
        let n = self.chars.len();
        let mut cuts = Vec::new();
        let mut i = 0;
        while i < n {
            let (next, end) = if level == 0 {
                match self.terminator_cluster(i) {
                    Some((end, ends)) => (end, ends.then_some(end)),
                    None => (i + 1, None),
                }
            } else {
                (i + 1, self.clause_mark_end(i, CLAUSE_MARKS[level - 1]))
            };
            if let Some(end) = end.filter(|&e| e < n && !self.blocked(self.byte(e), limit)) {
                cuts.push(self.byte(end));
            }
            i = next;
        }
        cuts
    }

    /// Whether a hard cut may fall between characters `k - 1` and `k`.
    fn safe_break(&self, k: usize, limit: Limit) -> bool {
        let (a, b) = (self.chars[k - 1].1, self.chars[k].1);
        let before = k.checked_sub(2).and_then(|j| self.char_at(j));
        let after = self.char_at(k + 1);
        let digit = |c: Option<char>| c.is_some_and(|c| c.is_ascii_digit());
        let in_token = (is_word_char(a) && is_word_char(b))
            || (a.is_ascii_digit() && !b.is_whitespace())
            || (is_joiner(a) && before.is_some_and(is_word_char) && is_word_char(b))
            || (a.is_ascii_digit() && b.is_whitespace() && digit(after))
            || (a.is_whitespace() && digit(before) && b.is_ascii_digit());
        !in_token
            && !self.is_closer(k)
            && !is_punct(b)
            && !self.is_opener(k - 1)
            && !self.blocked(self.byte(k), limit)
    }

    /// Index after the longest run from `start` that fits `limit`.
    fn longest_fit(&self, start: usize, limit: Limit) -> usize {
        let (mut chars, mut bytes, mut k) = (0, 0, start);
        while let Some(c) = self.char_at(k) {
            if chars + 1 > limit.max_chars || bytes + c.len_utf8() > limit.max_bytes {
                break;
            }
            chars += 1;
            bytes += c.len_utf8();
            k += 1;
        }
        k
    }

    /// Cut into parts that fit, of about equal length, each ending at a safe
    /// break; a single token longer than the limit is cut anyway.
    fn hard_cut(&self, limit: Limit) -> Vec<Range<usize>> {
        let n = self.chars.len();
        let mut out = Vec::new();
        let mut start = 0;
        while start < n {
            if self.chars[start].1.is_whitespace() {
                start += 1;
                continue;
            }
            let longest = self.longest_fit(start, limit);
            let end = if longest == n {
                n
            } else {
                // Aim at equal parts, so no tiny tail is left, and take the
                // safe break nearest to that aim.
                let (rest, fit) = (n - start, (longest - start).max(1));
                let aim = start + rest.div_ceil(rest.div_ceil(fit));
                (0..=fit)
                    .flat_map(|d| [aim.checked_sub(d), Some(aim + d)])
                    .flatten()
                    .find(|&k| k > start && k <= longest && self.safe_break(k, limit))
                    .unwrap_or(longest.max(start + 1))
            };
            out.push(self.byte(start)..self.byte(end));
            start = end;
        }
        out
    }
}

/// Byte spans of matched quote/bracket pairs. A closing mark matches the
/// nearest open mark of its kind (openers left unmatched inside are dropped);
/// unmatched marks make no span. An ASCII '"' closes an open '"', else opens.
fn matched_pairs(chars: &[(usize, char)]) -> Vec<Range<usize>> {
    let mut open: Vec<(char, usize)> = Vec::new();
    let mut spans = Vec::new();
    for &(b, c) in chars {
        if let Some(k) = open.iter().rposition(|&(want, _)| want == c) {
            spans.push(open[k].1..b + c.len_utf8());
            open.truncate(k);
        } else if let Some(&(_, close)) = PAIRS.iter().find(|&&(o, _)| o == c) {
            open.push((close, b));
        }
    }
    spans
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
