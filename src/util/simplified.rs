//! Traditional Chinese characters to simplified ones, with OpenCC's `t2s`
//! tables (the `ferrous-opencc` crate, Apache-2.0): a page in traditional
//! characters is read by the same rules as one in simplified, a transcript
//! is scored against its script, and a speaker printed 田紅旗 is the
//! 田红旗 of voices.toml.

use std::sync::OnceLock;

use ferrous_opencc::config::BuiltinConfig;
use ferrous_opencc::OpenCC;

/// `text` with its traditional characters (and phrases) made simplified;
/// everything else is left as it is.
pub fn to_simplified(text: &str) -> String {
    static T2S: OnceLock<OpenCC> = OnceLock::new();
    T2S.get_or_init(|| OpenCC::from_config(BuiltinConfig::T2s).expect("built-in t2s tables load"))
        .convert(text)
}

/// Do two names say the same once made simplified (田紅旗, 田红旗)?
pub fn same_name(a: &str, b: &str) -> bool {
    a == b || to_simplified(a) == to_simplified(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traditional_names_and_lines_become_simplified() {
        assert_eq!(to_simplified("田紅旗委員"), "田红旗委员");
        assert_eq!(to_simplified("責任編輯：王五"), "责任编辑：王五");
        assert_eq!(to_simplified("劉永好 abc 123"), "刘永好 abc 123");
        assert!(same_name("劉芳", "刘芳") && !same_name("刘芳", "刘方"));
    }
}
