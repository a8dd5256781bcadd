//! The pronunciation lexicon: written forms replaced by what a voice should
//! be sent (a homophone, pinyin, or an expansion such as `LED` → `L E D`).
//! Longest match first, left to right, applied after normalisation.

use std::collections::BTreeMap;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Lexicon {
    /// (written, spoken), longest written form first.
    entries: Vec<(String, String)>,
}

impl Lexicon {
    /// The global entries overridden by a voice's own.
    pub fn merged(global: &BTreeMap<String, String>, voice: &BTreeMap<String, String>) -> Lexicon {
        let mut all = global.clone();
        all.extend(voice.iter().map(|(k, v)| (k.clone(), v.clone())));
        let mut entries: Vec<(String, String)> = all
            .into_iter()
            .filter(|(written, _)| !written.is_empty())
            .collect();
        entries.sort_by(|a, b| {
            b.0.chars()
                .count()
                .cmp(&a.0.chars().count())
                .then(a.0.cmp(&b.0))
        });
        Lexicon { entries }
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Replace every entry, longest first; replaced text is not scanned again.
    pub fn apply(&self, text: &str) -> String {
        if self.entries.is_empty() {
            return text.to_owned();
        }
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        'scan: while let Some(c) = rest.chars().next() {
            for (written, spoken) in &self.entries {
                if let Some(after) = rest.strip_prefix(written.as_str()) {
                    out.push_str(spoken);
                    rest = after;
                    continue 'scan;
                }
            }
            out.push(c);
            rest = &rest[c.len_utf8()..];
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
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
}
