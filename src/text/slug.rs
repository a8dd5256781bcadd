//! ASCII file names for episodes: pinyin for Chinese speaker names.

use pinyin::ToPinyin;

/// `柳州市` → `liu-zhou-shi`; `Jane Doe` → `jane-doe`. Only `a-z`, `0-9`
/// and single `-` survive, so a slug is never a path. Empty when nothing
/// of the name can be spelled in ASCII.
pub fn slugify(name: &str) -> String {
    let mut words: Vec<String> = Vec::new();
    let mut word = String::new();
    for c in name.chars() {
        if let Some(py) = c.to_pinyin() {
            push_word(&mut words, &mut word);
            words.push(py.plain().to_owned());
        } else if c.is_ascii_alphanumeric() {
            word.push(c.to_ascii_lowercase());
        } else {
            push_word(&mut words, &mut word);
        }
    }
    push_word(&mut words, &mut word);
    let mut slug = String::new();
    for w in words {
        if slug.len() + w.len() + 1 > 80 {
            break;
        }
        if !slug.is_empty() {
            slug.push('-');
        }
        slug.push_str(&w);
    }
    slug
}

fn push_word(words: &mut Vec<String>, word: &mut String) {
    if !word.is_empty() {
        words.push(std::mem::take(word));
    }
}

/// Whether a configured slug is usable as it is.
pub fn is_valid_slug(slug: &str) -> bool {
    !slug.is_empty()
        && slug.len() <= 80
        && !slug.starts_with('-')
        && slug
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_and_latin_names() {
        assert_eq!(slugify("柳州市"), "liu-zhou-shi");
        assert_eq!(slugify("Jane Doe"), "jane-doe");
        assert_eq!(slugify("南宁 Radio 2"), "nan-ning-radio-2");
        assert_eq!(slugify("../../etc/passwd"), "etc-passwd");
        assert_eq!(slugify("／／"), "");
    }

    #[test]
    fn long_names_are_cut_at_a_word() {
        let slug = slugify(&"河池市环江毛南族自治县下南乡".repeat(4));
        assert!(slug.len() <= 80 && !slug.ends_with('-'), "{slug}");
    }

    #[test]
    fn configured_slugs_are_checked() {
        assert!(is_valid_slug("liuzhou-2"));
        for bad in ["", "../x", "a/b", "-x", "Upper", "空"] {
            assert!(!is_valid_slug(bad), "{bad}");
        }
    }
}
