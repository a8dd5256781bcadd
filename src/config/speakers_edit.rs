//! Adding speakers to `voices.toml`'s `[speakers]` table in place: the
//! file's comments, order and layout stay as they are (toml_edit); each new
//! speaker gets the next free voice (one no speaker uses yet, in the file's
//! order; when every voice is taken, the least used one). A name in
//! traditional characters whose simplified twin is there is not new.

use std::collections::BTreeMap;

use toml_edit::{value, DocumentMut, InlineTable, Item, Table};

/// The speakers added, each `(name, voice, slug)`, and the new file text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpeakersEdit {
    pub added: Vec<(String, String, String)>,
    pub text: String,
}

#[derive(Debug, thiserror::Error)]
pub enum EditError {
    #[error("not valid TOML: {0}")]
    Toml(String),
    #[error("defines no [voices.NAME] to give the new speakers")]
    NoVoices,
    #[error("[speakers] is not a table")]
    NotATable,
}

/// Append the speakers in `new` (`(name, slug)`) that `[speakers]` lacks.
pub fn add_speakers(text: &str, new: &[(String, String)]) -> Result<SpeakersEdit, EditError> {
    let mut doc: DocumentMut = text
        .parse()
        .map_err(|e: toml_edit::TomlError| EditError::Toml(e.message().to_string()))?;
    let voices: Vec<String> = doc
        .get("voices")
        .and_then(Item::as_table_like)
        .map(|t| t.iter().map(|(k, _)| k.to_string()).collect())
        .unwrap_or_default();
    if voices.is_empty() {
        return Err(EditError::NoVoices);
    }
    if doc.get("speakers").is_none() {
        doc.insert("speakers", Item::Table(Table::new()));
    }
    let speakers = doc["speakers"]
        .as_table_like_mut()
        .ok_or(EditError::NotATable)?;
    let mut uses: BTreeMap<&str, usize> = voices.iter().map(|v| (v.as_str(), 0)).collect();
    for (_, entry) in speakers.iter() {
        let voice = entry
            .as_str()
            .or_else(|| entry.get("voice").and_then(Item::as_str))
            .or_else(|| {
                entry
                    .as_value()
                    .and_then(|v| v.as_inline_table()?.get("voice")?.as_str())
            });
        if let Some(n) = voice.and_then(|v| uses.get_mut(v)) {
            *n += 1;
        }
    }
    let mut added: Vec<(String, String, String)> = Vec::new();
    for (name, slug) in new {
        // 田紅旗 is already there as 田红旗.
        let known = speakers
            .iter()
            .any(|(k, _)| crate::util::same_name(k, name));
        if known
            || added
                .iter()
                .any(|(n, _, _)| crate::util::same_name(n, name))
        {
            continue;
        }
        // Least used first; among equals, the file's order.
        let voice = voices
            .iter()
            .min_by_key(|v| uses[v.as_str()])
            .expect("voices is not empty")
            .clone();
        *uses.get_mut(voice.as_str()).expect("a known voice") += 1;
        let mut entry = InlineTable::new();
        entry.insert("voice", voice.as_str().into());
        entry.insert("slug", slug.as_str().into());
        speakers.insert(name, value(entry));
        added.push((name.clone(), voice, slug.clone()));
    }
    Ok(SpeakersEdit {
        added,
        text: doc.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONFIG: &str = "# Station config\n[voices.a]\nservice = \"s\"  # first\n\n[voices.b]\nservice = \"s\"\n\n[speakers]\n# existing\n\"柳州市\" = { voice = \"a\", slug = \"liuzhou\" }\n";

    #[test]
    fn new_speakers_get_the_next_free_voice_and_comments_stay() {
        let new = [
            ("柳州市".to_string(), "liu-zhou-shi".to_string()),
            ("李明".to_string(), "li-ming".to_string()),
            ("陈华".to_string(), "chen-hua".to_string()),
        ];
        let edit = add_speakers(CONFIG, &new).unwrap();
        assert_eq!(
            edit.added,
            [
                ("李明".into(), "b".into(), "li-ming".into()),
                ("陈华".into(), "a".into(), "chen-hua".into())
            ]
        );
        assert!(edit
            .text
            .starts_with("# Station config\n[voices.a]\nservice = \"s\"  # first\n"));
        assert!(edit
            .text
            .contains("# existing\n\"柳州市\" = { voice = \"a\", slug = \"liuzhou\" }\n"));
        assert!(edit.text.ends_with(
            "\"李明\" = { voice = \"b\", slug = \"li-ming\" }\n\"陈华\" = { voice = \"a\", slug = \"chen-hua\" }\n"
        ), "{}", edit.text);
        assert!(matches!(
            add_speakers("[show]\n", &new),
            Err(EditError::NoVoices)
        ));
    }

    #[test]
    fn a_name_in_traditional_characters_is_not_added_twice() {
        let config = "[voices.a]\nservice = \"s\"\n\n[speakers]\n\"田红旗\" = \"a\"\n";
        let new = [
            ("田紅旗".to_string(), "tian-hong-qi".to_string()),
            ("劉永好".to_string(), "liu-yong-hao".to_string()),
            ("刘永好".to_string(), "liu-yong-hao".to_string()),
        ];
        let edit = add_speakers(config, &new).unwrap();
        assert_eq!(
            edit.added,
            [("劉永好".into(), "a".into(), "liu-yong-hao".into())]
        );
    }
}
