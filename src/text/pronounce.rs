//! The pronunciation lexicon: written forms replaced by what a voice should
//! be sent (a homophone, pinyin, or an expansion such as `LED` → `L E D`),
//! longest match first, left to right, applied after normalisation; and
//! readings (`重镇` → zhong4 zhen4), which the Mandarin front end takes
//! over its dictionary and which leave the written text alone.

use std::collections::BTreeMap;

use super::spans::SpanMap;

/// One lexicon entry.
#[derive(Debug, Clone, PartialEq)]
pub enum Entry {
    /// Send this text instead.
    Say(String),
    /// Read the word with these syllables (tone digits, `v` for ü).
    Pinyin(Vec<String>),
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Lexicon {
    /// (written, spoken), longest written form first.
    entries: Vec<(String, String)>,
    /// (written, syllables), longest written form first.
    readings: Vec<(String, Vec<String>)>,
}

impl Lexicon {
    /// The global entries overridden by a voice's own.
    pub fn merged(global: &BTreeMap<String, Entry>, voice: &BTreeMap<String, Entry>) -> Lexicon {
        let mut all = global.clone();
        all.extend(voice.iter().map(|(k, v)| (k.clone(), v.clone())));
        let mut lexicon = Lexicon::default();
        for (written, entry) in all.into_iter().filter(|(w, _)| !w.is_empty()) {
            match entry {
                Entry::Say(spoken) => lexicon.entries.push((written, spoken)),
                Entry::Pinyin(syllables) => lexicon.readings.push((written, syllables)),
            }
        }
        let longest_first =
            |a: &String, b: &String| b.chars().count().cmp(&a.chars().count()).then(a.cmp(b));
        lexicon.entries.sort_by(|a, b| longest_first(&a.0, &b.0));
        lexicon.readings.sort_by(|a, b| longest_first(&a.0, &b.0));
        lexicon
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty() && self.readings.is_empty()
    }

    /// The readings, longest written form first.
    pub fn readings(&self) -> &[(String, Vec<String>)] {
        &self.readings
    }

    /// Replace every entry, longest first; replaced text is not scanned again.
    pub fn apply(&self, text: &str) -> String {
        self.apply_mapped(text).0
    }

    /// As [`Lexicon::apply`], with where each stretch of the result came
    /// from: a replaced word is one piece.
    pub fn apply_mapped(&self, text: &str) -> (String, SpanMap) {
        let mut out = String::with_capacity(text.len());
        let mut map = SpanMap::default();
        let mut rest = text;
        'scan: while let Some(c) = rest.chars().next() {
            for (written, spoken) in &self.entries {
                if let Some(after) = rest.strip_prefix(written.as_str()) {
                    out.push_str(spoken);
                    map.push(written.chars().count(), spoken.chars().count());
                    rest = after;
                    continue 'scan;
                }
            }
            out.push(c);
            map.keep(1);
            rest = &rest[c.len_utf8()..];
        }
        (out, map)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, Entry> {
        pairs
            .iter()
            .map(|(a, b)| (a.to_string(), Entry::Say(b.to_string())))
            .collect()
    }

    #[test]
    fn longest_match_wins_and_output_is_not_rescanned() {
        let lexicon = Lexicon::merged(
            &map(&[
                ("民宗委", "民族宗教事务委员会"),
                ("民宗", "X"),
                ("LED", "L E D"),
            ]),
            &BTreeMap::new(),
        );
        assert_eq!(
            lexicon.apply("自治区民宗委利用LED屏，民宗。"),
            "自治区民族宗教事务委员会利用L E D屏，X。"
        );
        let loop_free = Lexicon::merged(&map(&[("a", "aa")]), &BTreeMap::new());
        assert_eq!(loop_free.apply("aba"), "aabaa");
    }

    #[test]
    fn a_voice_entry_overrides_the_global_one() {
        let lexicon = Lexicon::merged(
            &map(&[("重镇", "众镇"), ("仫佬", "木佬")]),
            &map(&[("重镇", "zhong4 zhen4")]),
        );
        assert_eq!(
            lexicon.apply("工业重镇，仫佬族"),
            "工业zhong4 zhen4，木佬族"
        );
    }

    #[test]
    fn readings_leave_the_text_alone() {
        let mut global = map(&[("仫佬", "木佬")]);
        global.insert(
            "重镇".into(),
            Entry::Pinyin(vec!["zhong4".into(), "zhen4".into()]),
        );
        let lexicon = Lexicon::merged(&global, &BTreeMap::new());
        assert_eq!(lexicon.apply("工业重镇，仫佬族"), "工业重镇，木佬族");
        assert_eq!(lexicon.readings()[0].0, "重镇");
    }
}
