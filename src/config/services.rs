//! `[services.NAME]`: one text-to-speech endpoint each, of one kind.
//!
//! A service is the keys every kind shares ([`Common`]: endpoint or pool
//! of endpoints ([`Urls`]), key, limits, retries, plausibility bounds for
//! returned audio) and one
//! [`ServiceKind`], a `kind`-tagged enum with a struct per kind holding the
//! keys that kind alone takes. Each kind's struct refuses keys it does not
//! know, so a typo or a key meant for another kind is an error at its line
//! rather than silently ignored; [`ServiceConfig::from_table`] reads a
//! service with every key's place in the file, so that error names it.
//! What a kind means for requests and answers lives in `tts/` (one file
//! per kind).

use std::collections::BTreeMap;
use std::ops::{Range, RangeInclusive};

use serde::{Deserialize, Deserializer};
use toml::Spanned;

mod kinds;

pub use kinds::{
    AzureKeys, BodyKind, EmbeddedKeys, GoogleKeys, HttpMethod, MaryTtsKeys, OpenAiKeys,
    ResponseFormat, ResponseKind, TemplateKeys,
};

/// A `[services.NAME]` table as read, each key and value with its place.
pub(super) type RawService = Spanned<BTreeMap<Spanned<String>, Spanned<toml::Value>>>;

#[derive(Debug, Clone, Deserialize)]
pub struct ServiceConfig {
    #[serde(flatten)]
    pub common: Common,
    #[serde(flatten)]
    pub kind: ServiceKind,
}

/// The keys every kind takes.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Common {
    /// Endpoint, or a pool of them. For `openai` a bare origin gets
    /// `/v1/audio/speech`; for `azure` it replaces the one made from
    /// `region`; `google` has a default.
    pub url: Option<Urls>,
    /// Name of the environment variable holding the API key (never the key).
    pub api_key_env: Option<String>,
    pub concurrency: Option<usize>,
    /// Token bucket: at most this many requests start per minute.
    pub requests_per_minute: Option<u32>,
    /// How long one request may take; see [`ServiceConfig::timeout_ms`].
    pub timeout_ms: Option<u64>,
    /// Longest text one request may carry, in characters…
    pub max_chars: Option<usize>,
    /// …and in UTF-8 bytes (Google counts bytes).
    pub max_bytes: Option<usize>,
    #[serde(default = "default_retries")]
    pub retries: u32,
    /// A `Retry-After` asking for longer than this fails the segment at once.
    #[serde(default = "default_max_retry_after_ms")]
    pub max_retry_after_ms: u64,
    /// Plausible clip length per character of text sent, in seconds: a
    /// shorter clip is truncated, a longer one has run away.
    #[serde(default = "default_min_seconds_per_char")]
    pub min_seconds_per_char: f64,
    #[serde(default = "default_max_seconds_per_char")]
    pub max_seconds_per_char: f64,
    /// Whether the same request always gives the same sound (espeak-ng
    /// does; many neural voices do not).
    #[serde(default = "default_deterministic")]
    pub deterministic: bool,
}

/// `url`: one endpoint (`url = "http://tts1:8880"`) or a pool of them
/// (`url = ["http://tts1:8880", "http://tts2:8880"]`), never empty and
/// never listing one twice; the first names the pool in clip keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Urls(Vec<String>);

impl Urls {
    /// The URLs as listed, refused when empty or when one is listed twice
    /// (a trailing `/` aside).
    pub fn new(urls: Vec<String>) -> Result<Urls, String> {
        if urls.is_empty() {
            return Err(
                "an empty list names no endpoint: give one URL or a list of several".into(),
            );
        }
        let bare = |url: &String| url.trim_end_matches('/').to_owned();
        for (at, url) in urls.iter().enumerate() {
            if urls[..at].iter().any(|earlier| bare(earlier) == bare(url)) {
                return Err(format!("{url:?} is listed twice"));
            }
        }
        Ok(Urls(urls))
    }

    /// The first URL: the one a pool is known by.
    pub fn first(&self) -> &str {
        &self.0[0]
    }

    pub fn as_slice(&self) -> &[String] {
        &self.0
    }
}

impl<'de> Deserialize<'de> for Urls {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Urls, D::Error> {
        use serde::de::{self, SeqAccess, Visitor};
        struct OneOrMany;
        impl<'de> Visitor<'de> for OneOrMany {
            type Value = Vec<String>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a URL or a list of URLs")
            }
            fn visit_str<E: de::Error>(self, url: &str) -> Result<Vec<String>, E> {
                Ok(vec![url.to_owned()])
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<String>, A::Error> {
                let mut urls = Vec::new();
                while let Some(url) = seq.next_element::<String>()? {
                    urls.push(url);
                }
                Ok(urls)
            }
        }
        let urls = deserializer.deserialize_any(OneOrMany)?;
        Urls::new(urls).map_err(de::Error::custom)
    }
}

/// The kind of a service and the keys it alone takes.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum ServiceKind {
    /// briefcast's own speech server, started on 127.0.0.1 for the build.
    Embedded(EmbeddedKeys),
    /// POST /v1/audio/speech (OpenAI and the local servers that copy it).
    Openai(OpenAiKeys),
    /// Azure AI Speech: SSML POST to {region}.tts.speech.microsoft.com.
    Azure(AzureKeys),
    /// Google Cloud text:synthesize, LINEAR16 in base64 JSON.
    Google(GoogleKeys),
    /// MaryTTS /process.
    Marytts(MaryTtsKeys),
    /// Any other HTTP service, described by templates.
    Template(TemplateKeys),
}

/// What configuration knows of a kind: its name, the speeds its API
/// documents, its defaults, and the checks of its own keys.
pub trait Kind {
    fn name(&self) -> &'static str;
    /// The speeds a service of this kind takes.
    fn speeds(&self) -> RangeInclusive<f32>;
    /// Characters per request when `max-chars` is not set.
    fn max_chars(&self) -> usize;
    /// Bytes per request when `max-bytes` is not set.
    fn max_bytes(&self) -> usize {
        usize::MAX
    }
    /// Request timeout when `timeout-ms` is not set.
    fn timeout_ms(&self) -> u64 {
        60_000
    }
    /// Requests in flight when `concurrency` is not set.
    fn concurrency(&self) -> usize {
        4
    }
    /// The keys this kind alone takes (kebab-case).
    fn keys(&self) -> &'static [&'static str];
    /// Checks of this kind's keys beyond their types: the key at fault
    /// (`None`: the table) and the message.
    fn validate(&self, _common: &Common) -> Result<(), KeyError> {
        Ok(())
    }
}

impl Common {
    /// The configured URLs in order (none when `url` is not set).
    pub fn urls(&self) -> &[String] {
        self.url.as_ref().map_or(&[], Urls::as_slice)
    }
}

/// A value refused at load: the key at fault (`None`: the whole table).
pub(super) type KeyError = (Option<&'static str>, String);

/// Retries beyond this turn a dead service into a build that never ends.
const MAX_RETRIES: u32 = 100;

fn default_retries() -> u32 {
    4
}
fn default_max_retry_after_ms() -> u64 {
    300_000
}
fn default_min_seconds_per_char() -> f64 {
    0.02
}
fn default_max_seconds_per_char() -> f64 {
    2.0
}
fn default_deterministic() -> bool {
    true
}

impl ServiceKind {
    /// What configuration knows of this kind.
    pub fn spec(&self) -> &dyn Kind {
        match self {
            ServiceKind::Embedded(keys) => keys,
            ServiceKind::Openai(keys) => keys,
            ServiceKind::Azure(keys) => keys,
            ServiceKind::Google(keys) => keys,
            ServiceKind::Marytts(keys) => keys,
            ServiceKind::Template(keys) => keys,
        }
    }

    pub fn name(&self) -> &'static str {
        self.spec().name()
    }

    /// A default of each kind, for what is known of kinds before one is read.
    fn all() -> Vec<ServiceKind> {
        let kind = |name: &str| {
            toml::from_str(&format!("kind = \"{name}\"")).expect("every kind has defaults")
        };
        KIND_NAMES.iter().map(|name| kind(name)).collect()
    }
}

/// Every kind's `kind = "…"`.
const KIND_NAMES: [&str; 6] = [
    "embedded", "openai", "azure", "google", "marytts", "template",
];

impl ServiceConfig {
    pub fn is_embedded(&self) -> bool {
        matches!(self.kind, ServiceKind::Embedded(_))
    }

    /// The configured timeout, else the kind's.
    pub fn timeout_ms(&self) -> u64 {
        (self.common.timeout_ms).unwrap_or_else(|| self.kind.spec().timeout_ms())
    }

    /// Requests in flight at once: the configured value, else the kind's.
    pub fn effective_concurrency(&self) -> usize {
        (self.common.concurrency).unwrap_or_else(|| self.kind.spec().concurrency())
    }

    /// Characters per request: the configured value or the kind's documented limit.
    pub fn effective_max_chars(&self) -> usize {
        (self.common.max_chars).unwrap_or_else(|| self.kind.spec().max_chars())
    }

    /// Bytes per request: the configured value or the kind's documented limit.
    pub fn effective_max_bytes(&self) -> usize {
        (self.common.max_bytes).unwrap_or_else(|| self.kind.spec().max_bytes())
    }

    /// Read `[services.NAME]`: a key no kind takes, or one for another
    /// kind, or a value of the wrong type is refused at its place in the
    /// file (`Err` is the span and the message).
    pub(super) fn from_table(
        name: &str,
        table: RawService,
    ) -> Result<ServiceConfig, (Range<usize>, String)> {
        let at_table = table.span();
        let entries = table.into_inner();
        let kind_value = entries.iter().find(|(key, _)| key.get_ref() == "kind");
        let Some((_, kind_value)) = kind_value else {
            return Err((
                at_table,
                format!(
                    "[services.{name}] needs a kind (one of {})",
                    KIND_NAMES.join(", ")
                ),
            ));
        };
        let kind = match kind_value.get_ref().as_str() {
            Some(kind) if KIND_NAMES.contains(&kind) => kind.to_owned(),
            _ => {
                return Err((
                    kind_value.span(),
                    format!(
                        "[services.{name}] kind = {} is not a kind (one of {})",
                        kind_value.get_ref(),
                        KIND_NAMES.join(", ")
                    ),
                ))
            }
        };
        let kinds = ServiceKind::all();
        let own = kinds
            .iter()
            .find(|k| k.name() == kind)
            .expect("a known kind");
        let common = keys_of::<Common>();
        let mut whole = toml::Table::new();
        for (key, value) in entries {
            let (key_span, key) = (key.span(), key.into_inner());
            let (value_span, value) = (value.span(), value.into_inner());
            if key != "kind"
                && !common.contains(&key.as_str())
                && !own.spec().keys().contains(&key.as_str())
            {
                let takers: Vec<&str> = kinds
                    .iter()
                    .filter(|k| k.spec().keys().contains(&key.as_str()))
                    .map(|k| k.name())
                    .collect();
                let message = if takers.is_empty() {
                    let mut known: Vec<&str> = common.to_vec();
                    known.extend(own.spec().keys());
                    format!("unknown key `{key}` (known: {})", known.join(", "))
                } else {
                    format!("`{key}` is for kind {}, not {kind}", takers.join(" or "))
                };
                return Err((key_span, format!("[services.{name}] {message}")));
            }
            // Each value alone, so a wrong type is named at its own place.
            let alone = toml::Table::from_iter([
                ("kind".to_owned(), toml::Value::String(kind.clone())),
                (key.clone(), value.clone()),
            ]);
            if let Err(e) = ServiceConfig::deserialize(toml::Value::Table(alone)) {
                let message = e.message().split_whitespace().collect::<Vec<_>>().join(" ");
                return Err((value_span, format!("[services.{name}] {key}: {message}")));
            }
            whole.insert(key, value);
        }
        ServiceConfig::deserialize(toml::Value::Table(whole)).map_err(|e| {
            (
                at_table,
                format!("[services.{name}] {}", e.message().trim()),
            )
        })
    }

    /// Checks beyond types: the key at fault (`None`: the table) and why.
    pub(super) fn validate(&self) -> Result<(), KeyError> {
        let common = &self.common;
        let at_least_one = [
            (
                common.concurrency == Some(0),
                "concurrency",
                "concurrency must be at least 1",
            ),
            (
                common.requests_per_minute == Some(0),
                "requests-per-minute",
                "requests-per-minute must be at least 1",
            ),
            (
                common.timeout_ms == Some(0),
                "timeout-ms",
                "timeout-ms must be at least 1",
            ),
            (
                common.max_chars == Some(0),
                "max-chars",
                "max-chars and max-bytes must be at least 1",
            ),
            (
                common.max_bytes == Some(0),
                "max-bytes",
                "max-chars and max-bytes must be at least 1",
            ),
        ];
        if let Some((_, key, message)) = at_least_one.into_iter().find(|(bad, ..)| *bad) {
            return Err((Some(key), message.into()));
        }
        if !(common.min_seconds_per_char >= 0.0
            && common.max_seconds_per_char > common.min_seconds_per_char)
        {
            return Err((
                Some("min-seconds-per-char"),
                "min-seconds-per-char must be at least 0 and below max-seconds-per-char".into(),
            ));
        }
        if common.retries > MAX_RETRIES {
            return Err((
                Some("retries"),
                format!(
                    "retries = {} is more than a build can wait for (at most {MAX_RETRIES})",
                    common.retries
                ),
            ));
        }
        self.kind.spec().validate(common)
    }
}

/// The keys (as written in voices.toml) of a struct that derives
/// `Deserialize`: serde hands them to the deserializer, which is all this
/// one does.
pub(super) fn keys_of<'de, T: Deserialize<'de>>() -> &'static [&'static str] {
    use serde::de::{self, Visitor};
    struct Fields<'a>(&'a mut &'static [&'static str]);
    impl<'de> de::Deserializer<'de> for Fields<'_> {
        type Error = de::value::Error;
        fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
            Err(de::Error::custom("only the field names are asked for"))
        }
        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _name: &'static str,
            fields: &'static [&'static str],
            visitor: V,
        ) -> Result<V::Value, Self::Error> {
            *self.0 = fields;
            self.deserialize_any(visitor)
        }
        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
            bytes byte_buf option unit unit_struct newtype_struct seq tuple
            tuple_struct map enum identifier ignored_any
        }
    }
    let mut fields: &'static [&'static str] = &[];
    let _ = T::deserialize(Fields(&mut fields));
    fields
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<ServiceConfig, (Range<usize>, String)> {
        #[derive(Deserialize)]
        struct File {
            services: BTreeMap<String, RawService>,
        }
        let file: File = toml::from_str(text).expect("valid TOML");
        let (name, table) = file.services.into_iter().next().expect("one service");
        ServiceConfig::from_table(&name, table)
    }

    #[test]
    fn the_keys_of_each_kind_are_its_struct_fields() {
        assert_eq!(keys_of::<MaryTtsKeys>(), ["language"]);
        assert!(keys_of::<Common>().contains(&"requests-per-minute"));
        assert!(keys_of::<TemplateKeys>().contains(&"error-path"));
        let kinds = ServiceKind::all();
        assert_eq!(kinds.len(), KIND_NAMES.len());
        for (kind, name) in kinds.iter().zip(KIND_NAMES) {
            assert_eq!(kind.name(), name);
            for key in kind.spec().keys() {
                assert!(!keys_of::<Common>().contains(key), "{name}: {key} twice");
            }
        }
    }

    #[test]
    fn a_key_of_another_kind_is_refused_at_its_place() {
        let text = "[services.a]\nkind = \"openai\"\nurl = \"http://x\"\nregion = \"eastasia\"\n";
        let (span, message) = read(text).unwrap_err();
        assert_eq!(&text[span], "region");
        assert_eq!(
            message,
            "[services.a] `region` is for kind azure, not openai"
        );
        let text = "[services.a]\nkind = \"marytts\"\nurl = \"http://x\"\nsample-rate = 16000\n";
        let (_, message) = read(text).unwrap_err();
        assert_eq!(
            message,
            "[services.a] `sample-rate` is for kind openai or google or template, not marytts"
        );
    }

    #[test]
    fn unknown_keys_kinds_and_types_are_named() {
        let text = "[services.a]\nkind = \"openai\"\nurl = \"http://x\"\nmodell = \"m\"\n";
        let (span, message) = read(text).unwrap_err();
        assert_eq!(&text[span], "modell");
        assert!(
            message.starts_with("[services.a] unknown key `modell` (known: url, "),
            "{message}"
        );
        let text = "[services.a]\nkind = \"opena\"\n";
        let (span, message) = read(text).unwrap_err();
        assert_eq!(&text[span], "\"opena\"");
        assert!(
            message.contains("is not a kind (one of embedded, openai"),
            "{message}"
        );
        let text = "[services.a]\nkind = \"openai\"\nurl = \"http://x\"\nconcurrency = \"4\"\n";
        let (span, message) = read(text).unwrap_err();
        assert_eq!(&text[span], "\"4\"");
        assert!(
            message.starts_with("[services.a] concurrency: invalid type"),
            "{message}"
        );
    }

    #[test]
    fn url_is_one_endpoint_or_a_pool() {
        let one = read("[services.a]\nkind = \"openai\"\nurl = \"http://a\"\n").unwrap();
        assert_eq!(one.common.urls(), ["http://a"]);
        let text = "[services.a]\nkind = \"openai\"\nurl = [\"http://a\", \"http://b\"]\n";
        let pool = read(text).unwrap();
        assert_eq!(pool.common.urls(), ["http://a", "http://b"]);
        assert_eq!(pool.common.url.as_ref().unwrap().first(), "http://a");
        let none = read("[services.g]\nkind = \"google\"\n").unwrap();
        assert!(none.common.urls().is_empty());
    }

    #[test]
    fn an_empty_or_repeating_pool_is_refused_at_its_line() {
        let refused = |urls: &str| {
            let text = format!("[services.a]\nkind = \"openai\"\nurl = {urls}\n");
            let (span, message) = read(&text).unwrap_err();
            assert_eq!(&text[span], urls);
            message
        };
        assert_eq!(
            refused("[]"),
            "[services.a] url: an empty list names no endpoint: give one URL or a list of several"
        );
        assert_eq!(
            refused("[\"http://a\", \"http://b\", \"http://a/\"]"),
            "[services.a] url: \"http://a/\" is listed twice"
        );
        assert!(
            refused("[\"http://a\", 3]").starts_with("[services.a] url: invalid type: integer `3`"),
        );
        assert!(refused("3").contains("expected a URL or a list of URLs"));
        let text = "[services.e]\nkind = \"embedded\"\nurl = [\"http://a\"]\n";
        assert_eq!(
            read(text).unwrap().validate(),
            Err((
                Some("url"),
                "`url` is not for kind embedded: briefcast starts it on 127.0.0.1".into()
            ))
        );
    }

    #[test]
    fn defaults_come_from_the_kind() {
        let google = read("[services.g]\nkind = \"google\"\n").unwrap();
        assert_eq!(google.effective_max_bytes(), 5000);
        assert_eq!(google.timeout_ms(), 60_000);
        let embedded = read("[services.e]\nkind = \"embedded\"\n").unwrap();
        assert_eq!(embedded.timeout_ms(), 600_000);
        assert_eq!(embedded.effective_max_chars(), 200);
        assert!(embedded.is_embedded());
        let marytts = read("[services.m]\nkind = \"marytts\"\n").unwrap();
        assert_eq!(marytts.validate(), Err((None, "needs a url".into())));
    }
}
