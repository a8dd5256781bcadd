//! Where a rewritten text came from: each stage that rewrites text (the
//! normaliser, the lexicon, the pinyin renderer, Latin spelling) records
//! its output as pieces, each a range of its input's characters and the
//! range of output characters it became, in order. Composing the maps of
//! successive stages takes any stretch of the final text back to the
//! written text it says, so a word is timed as spoken and shown as written.

use std::ops::Range;

/// Pieces `(input chars, output chars)`, both ascending and contiguous.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SpanMap {
    pieces: Vec<(Range<usize>, Range<usize>)>,
    input_len: usize,
    output_len: usize,
}

impl SpanMap {
    /// The map of a text left as it is.
    pub fn identity(chars: usize) -> SpanMap {
        let mut map = SpanMap::default();
        map.keep(chars);
        map
    }

    /// The next `input` characters became the next `output` characters.
    pub fn push(&mut self, input: usize, output: usize) {
        let from = self.input_len..self.input_len + input;
        let to = self.output_len..self.output_len + output;
        self.input_len = from.end;
        self.output_len = to.end;
        self.pieces.push((from, to));
    }

    /// The next `chars` characters are copied unchanged.
    pub fn keep(&mut self, chars: usize) {
        for _ in 0..chars {
            self.push(1, 1);
        }
    }

    pub fn output_len(&self) -> usize {
        self.output_len
    }

    /// The input characters that output characters `out` came from: every
    /// piece whose output meets `out`. Empty, at the next input position,
    /// when none does (`out` is empty, or says nothing of the input).
    pub fn source(&self, out: Range<usize>) -> Range<usize> {
        let mut hit = self
            .pieces
            .iter()
            .filter(|(_, to)| to.start < out.end && out.start < to.end);
        match hit.next() {
            Some((first, _)) => {
                let last = hit.next_back().map_or(first, |(from, _)| from);
                first.start..last.end
            }
            None => {
                let at = self
                    .pieces
                    .iter()
                    .find(|(_, to)| to.start >= out.start && !to.is_empty())
                    .map_or(self.input_len, |(from, _)| from.start);
                at..at
            }
        }
    }

    /// The output characters input characters `input` became (the inverse
    /// of [`SpanMap::source`]).
    pub fn target(&self, input: Range<usize>) -> Range<usize> {
        let inverse = SpanMap {
            pieces: self
                .pieces
                .iter()
                .map(|(from, to)| (to.clone(), from.clone()))
                .collect(),
            input_len: self.output_len,
            output_len: self.input_len,
        };
        inverse.source(input)
    }

    /// The output ranges of the pieces that changed their text, given the
    /// input and output characters.
    pub fn rewritten(&self, input: &[char], output: &[char]) -> Vec<Range<usize>> {
        self.pieces
            .iter()
            .filter(|(from, to)| input.get(from.clone()) != output.get(to.clone()))
            .map(|(_, to)| to.clone())
            .collect()
    }

    /// This map followed by `next` (whose input is this map's output).
    /// Pieces of `next` that come from one piece of this map become one;
    /// input that became nothing stays a piece of its own.
    pub fn then(&self, next: &SpanMap) -> SpanMap {
        let mut out = SpanMap::default();
        // The piece being gathered: its source here and its output there.
        let mut open: Option<(Range<usize>, usize)> = None;
        for (from, to) in &next.pieces {
            let source = self.source(from.clone());
            if let Some((gathered, output)) = &mut open {
                if !source.is_empty() && source.start < gathered.end {
                    gathered.end = gathered.end.max(source.end);
                    *output += to.len();
                    continue;
                }
            }
            if let Some((gathered, output)) = open.take() {
                out.close(gathered, output);
            }
            open = Some((source, to.len()));
        }
        if let Some((gathered, output)) = open {
            out.close(gathered, output);
        }
        if out.input_len < self.input_len {
            out.push(self.input_len - out.input_len, 0);
        }
        out
    }

    /// Input up to `source` said nothing; `source` became `output` characters.
    fn close(&mut self, source: Range<usize>, output: usize) {
        if source.start > self.input_len {
            self.push(source.start - self.input_len, 0);
        }
        self.push(source.end.saturating_sub(self.input_len), output);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rewritten_stretch_maps_back_whole_and_kept_characters_one_by_one() {
        // 在2019年 → 在二零一九年: 在 kept, 2019年 became 二零一九年.
        let mut map = SpanMap::default();
        map.keep(1);
        map.push(5, 5);
        assert_eq!(map.source(1..5), 1..6, "二零一九 says 2019年");
        assert_eq!(map.source(0..1), 0..1);
        assert_eq!(map.target(0..1), 0..1);
        assert_eq!(map.target(1..3), 1..6);
    }

    #[test]
    fn composed_maps_take_the_final_text_back_to_the_first() {
        // 占56% → 占百分之五十六 (normaliser), then 占 → zhan4 and
        // 百分之五十六 → bai3 fen1 … (renderer, one piece per word).
        let mut first = SpanMap::default();
        first.keep(1);
        first.push(3, 6);
        let mut second = SpanMap::default();
        second.push(1, 5);
        second.push(0, 1);
        second.push(6, 28);
        let both = first.then(&second);
        assert_eq!(both.output_len(), 34);
        assert_eq!(both.source(6..34), 1..4);
        assert_eq!(both.source(0..5), 0..1);
        assert_eq!(both.target(1..4), 6..34);
    }

    #[test]
    fn dropped_characters_belong_to_no_output() {
        // 共 3 人 → 共三人: the spaces go.
        let mut map = SpanMap::default();
        map.keep(1);
        map.push(1, 0);
        map.push(1, 1);
        map.push(1, 0);
        map.keep(1);
        assert_eq!(map.source(1..2), 2..3);
        assert_eq!(map.source(2..3), 4..5);
        assert_eq!(map.target(1..2), 1..1, "a space says nothing");
    }
}
