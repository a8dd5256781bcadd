//! `[deliver.NAME]`: where `briefcast deliver` (and `build`, when any is
//! configured) puts each new or changed episode for a station's playout
//! system: a watch folder (`folder`), LibreTime's media upload
//! (`libretime`) or AzuraCast's station files API (`azuracast`). One flat
//! table per target; a key that does not apply to its kind is refused.

use std::path::PathBuf;

use serde::Deserialize;

use super::PublishFormat;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DeliverKind {
    /// A folder on a mounted share an importer watches.
    Folder,
    /// `POST {url}/rest/media`, the API key as the HTTP basic-auth user.
    Libretime,
    /// `POST {url}/api/station/{station}/files`, `X-API-Key`.
    Azuracast,
}

impl DeliverKind {
    pub fn name(self) -> &'static str {
        match self {
            DeliverKind::Folder => "folder",
            DeliverKind::Libretime => "libretime",
            DeliverKind::Azuracast => "azuracast",
        }
    }
}

/// The default file name: the episodes' date, the slug, the format.
pub const DEFAULT_NAME: &str = "{date}-{slug}.{ext}";

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct DeliverConfig {
    pub kind: DeliverKind,
    /// Which published format is delivered (one of `[publish] formats`).
    #[serde(default = "default_format")]
    pub format: PublishFormat,
    /// File name: `{date}` (the episodes' date), `{slug}`, `{ext}`.
    #[serde(default = "default_name")]
    pub name: String,
    /// `folder`: the watch folder (relative to voices.toml's folder).
    pub path: Option<PathBuf>,
    /// `libretime`, `azuracast`: the server's address (`https://…`).
    pub url: Option<String>,
    /// `libretime`, `azuracast`: the environment variable holding the API
    /// key (its name, never the key).
    pub api_key_env: Option<String>,
    /// `azuracast`: the station's id or short name.
    pub station: Option<String>,
    /// `azuracast`: the folder in the station's media, `""` by default.
    pub folder: Option<String>,
    /// `azuracast`: the id of the playlist each file is put in.
    pub playlist: Option<u64>,
    #[serde(default = "default_timeout_ms")]
    pub timeout_ms: u64,
    #[serde(default = "default_retries")]
    pub retries: u32,
}

fn default_format() -> PublishFormat {
    PublishFormat::Wav
}
fn default_name() -> String {
    DEFAULT_NAME.into()
}
fn default_timeout_ms() -> u64 {
    300_000
}
fn default_retries() -> u32 {
    3
}

impl DeliverConfig {
    /// Checks the target against its kind and the published formats; the
    /// error names the key at fault (None: the table).
    pub(super) fn validate(
        &self,
        formats: &[PublishFormat],
    ) -> Result<(), (Option<&'static str>, String)> {
        let kind = self.kind.name();
        let given = [
            ("path", self.path.is_some()),
            ("url", self.url.is_some()),
            ("api-key-env", self.api_key_env.is_some()),
            ("station", self.station.is_some()),
            ("folder", self.folder.is_some()),
            ("playlist", self.playlist.is_some()),
        ];
        let (needed, allowed): (&[&str], &[&str]) = match self.kind {
            DeliverKind::Folder => (&["path"], &["path"]),
            DeliverKind::Libretime => (&["url", "api-key-env"], &["url", "api-key-env"]),
            DeliverKind::Azuracast => (
                &["url", "api-key-env", "station"],
                &["url", "api-key-env", "station", "folder", "playlist"],
            ),
        };
        if let Some((key, _)) = given.iter().find(|(k, g)| *g && !allowed.contains(k)) {
            return Err((Some(*key), format!("{key} is not a key of {kind} targets")));
        }
        if let Some(key) = needed
            .iter()
            .find(|k| !given.iter().any(|(g, s)| g == *k && *s))
        {
            return Err((None, format!("{kind} targets need {key}")));
        }
        if self.format == PublishFormat::Epub {
            return Err((Some("format"), "format = \"epub\" is the whole show's book, not an episode: deliver \"wav\" or \"mp3\"".into()));
        }
        if !formats.contains(&self.format) {
            return Err((Some("format"), format!(
                "format = \"{}\" is not among [publish] formats, so there is no such file to deliver",
                format_name(self.format)
            )));
        }
        check_name(&self.name).map_err(|m| (Some("name"), m))?;
        if let Some(url) = &self.url {
            if !(url.starts_with("http://") || url.starts_with("https://"))
                || reqwest::Url::parse(url).is_err()
            {
                return Err((
                    Some("url"),
                    format!("url = \"{url}\" is not an http:// or https:// address"),
                ));
            }
        }
        if let Some(var) = &self.api_key_env {
            let plain = !var.is_empty()
                && var.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
                && !var.as_bytes()[0].is_ascii_digit();
            if !plain {
                return Err((Some("api-key-env"), "api-key-env names the environment variable that holds the key (letters, digits, _), never the key itself".into()));
            }
        }
        if let Some(station) = &self.station {
            if station.is_empty() || station.contains(['/', '?', '#']) {
                return Err((
                    Some("station"),
                    format!("station = \"{station}\" is not a station id or short name"),
                ));
            }
        }
        if let Some(folder) = &self.folder {
            if folder.split('/').any(|part| part == "..") || folder.starts_with('/') {
                return Err((
                    Some("folder"),
                    format!("folder = \"{folder}\" must be a path inside the station's media"),
                ));
            }
        }
        if self.path.as_ref().is_some_and(|p| p.as_os_str().is_empty()) {
            return Err((Some("path"), "path is empty".into()));
        }
        if self.timeout_ms == 0 {
            return Err((Some("timeout-ms"), "timeout-ms must be at least 1".into()));
        }
        Ok(())
    }
}

pub fn format_name(format: PublishFormat) -> &'static str {
    match format {
        PublishFormat::Wav => "wav",
        PublishFormat::Mp3 => "mp3",
        PublishFormat::Epub => "epub",
    }
}

/// A name template is a plain file name using only `{date}`, `{slug}` and
/// `{ext}`, with `{slug}` (else every episode would get one name).
fn check_name(name: &str) -> Result<(), String> {
    let mut rest = name;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else {
            return Err(format!("name = \"{name}\" has a {{ without its }}"));
        };
        let field = &rest[open + 1..open + close];
        if !matches!(field, "date" | "slug" | "ext") {
            return Err(format!(
                "name = \"{name}\": {{{field}}} is not a placeholder (use {{date}}, {{slug}}, {{ext}})"
            ));
        }
        rest = &rest[open + close + 1..];
    }
    if !name.contains("{slug}") {
        return Err(format!(
            "name = \"{name}\" needs {{slug}}, or every episode would get the same name"
        ));
    }
    if name.contains(['/', '\\', '\0']) || name.starts_with('.') {
        return Err(format!(
            "name = \"{name}\" must be a plain file name (no folders, not hidden)"
        ));
    }
    Ok(())
}

/// The file name of an episode under `template`.
pub fn file_name(template: &str, date: &str, slug: &str, format: PublishFormat) -> String {
    template
        .replace("{date}", date)
        .replace("{slug}", slug)
        .replace("{ext}", format_name(format))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert!(check_name(DEFAULT_NAME).is_ok());
        assert!(check_name("{date}.wav")
            .unwrap_err()
            .contains("needs {slug}"));
        assert!(check_name("{slug}-{title}.wav")
            .unwrap_err()
            .contains("{title}"));
        assert!(check_name("news/{slug}.wav")
            .unwrap_err()
            .contains("plain file name"));
        assert!(check_name(".{slug}.wav").is_err());
        assert_eq!(
            file_name(DEFAULT_NAME, "2026-12-07", "ada", PublishFormat::Mp3),
            "2026-12-07-ada.mp3"
        );
    }

    #[test]
    fn the_book_is_not_an_episode_to_deliver() {
        let target: DeliverConfig =
            toml::from_str("kind = \"folder\"\npath = \"out\"\nformat = \"epub\"").unwrap();
        let formats = [PublishFormat::Wav, PublishFormat::Mp3, PublishFormat::Epub];
        let (key, message) = target.validate(&formats).unwrap_err();
        assert_eq!(key, Some("format"));
        assert!(message.contains("not an episode"), "{message}");
    }
}
