//! `template`: any other HTTP service, described in voices.toml.
//!
//! Placeholders `{text}`, `{voice}`, `{speed}`, `{lang}` and `{key}` (the
//! API key) are filled in and encoded for where they sit: query values are
//! URL-encoded by the client, form fields form-encoded, JSON values JSON
//! encoded (a value that is exactly `"{speed}"` becomes a number), and a
//! text body XML-escaped when its content type is XML. The answer is the
//! audio itself or base64 audio at a JSON path; a JSON path can also mark
//! failure under HTTP 200, as Tencent and Baidu do.

use base64::Engine;
use reqwest::{Client, RequestBuilder};

use super::api::{Api, Identity, KindApi};
use super::ClipRequest;
use crate::config::{BodyKind, HttpMethod, ResponseFormat, ResponseKind, TemplateKeys};
use crate::model::ClipFormat;
use crate::util::escape_xml;

pub(crate) struct Template {
    url: String,
    config: TemplateKeys,
}

impl KindApi for TemplateKeys {
    fn api(&self, url: String) -> Box<dyn Api> {
        Box::new(Template {
            url,
            config: self.clone(),
        })
    }

    /// Raw PCM is laid out as `pcm-channels` and `pcm-sample` say.
    fn clip_format(&self) -> ClipFormat {
        if self.response_format == Some(ResponseFormat::Pcm) {
            ClipFormat::Pcm {
                rate: self.sample_rate.unwrap_or(24_000),
                channels: self.pcm_channels,
                sample: self.pcm_sample,
            }
        } else {
            ClipFormat::Wav
        }
    }

    fn identity(&self) -> Identity {
        Identity {
            language: self.language.clone(),
            sample_rate: self.sample_rate,
            method: self.method,
            query: self.query.clone(),
            headers: self.headers.clone(),
            body_kind: self.body_kind,
            form: self.form.clone(),
            json: self.json.clone(),
            body: self.body.clone(),
            ..Identity::default()
        }
    }
}

/// The values the placeholders stand for.
struct Fill<'a> {
    text: &'a str,
    voice: &'a str,
    speed: String,
    lang: &'a str,
    key: &'a str,
}

impl Fill<'_> {
    fn apply(&self, template: &str, escape: fn(&str) -> String) -> String {
        template
            .replace("{text}", &escape(self.text))
            .replace("{voice}", &escape(self.voice))
            .replace("{speed}", &self.speed)
            .replace("{lang}", &escape(self.lang))
            .replace("{key}", self.key)
    }
}

fn as_is(text: &str) -> String {
    text.to_owned()
}

/// A TOML table with placeholders → JSON with the values filled in.
fn fill_json(value: &toml::Value, fill: &Fill) -> serde_json::Value {
    match value {
        toml::Value::String(s) if s == "{speed}" => {
            serde_json::json!(fill.speed.parse::<f64>().unwrap_or(1.0))
        }
        toml::Value::String(s) => serde_json::Value::String(fill.apply(s, as_is)),
        toml::Value::Integer(i) => serde_json::json!(i),
        toml::Value::Float(f) => serde_json::json!(f),
        toml::Value::Boolean(b) => serde_json::json!(b),
        toml::Value::Datetime(d) => serde_json::Value::String(d.to_string()),
        toml::Value::Array(items) => {
            serde_json::Value::Array(items.iter().map(|v| fill_json(v, fill)).collect())
        }
        toml::Value::Table(table) => serde_json::Value::Object(
            table
                .iter()
                .map(|(k, v)| (k.clone(), fill_json(v, fill)))
                .collect(),
        ),
    }
}

/// `Response.Audio` → the value at that dotted path.
fn at_path<'a>(json: &'a serde_json::Value, path: &str) -> Option<&'a serde_json::Value> {
    path.split('.')
        .filter(|p| !p.is_empty())
        .try_fold(json, |value, part| match value {
            serde_json::Value::Array(items) => items.get(part.parse::<usize>().ok()?),
            _ => value.get(part),
        })
}

impl Api for Template {
    fn request(&self, http: &Client, request: &ClipRequest, key: Option<&str>) -> RequestBuilder {
        let config = &self.config;
        let fill = Fill {
            text: &request.text,
            voice: &request.voice,
            speed: format!("{}", request.speed),
            lang: config.language.as_deref().unwrap_or(""),
            key: key.unwrap_or(""),
        };
        let has_body = !config.form.is_empty() || config.json.is_some() || config.body.is_some();
        let method = config.method.unwrap_or(if has_body {
            HttpMethod::Post
        } else {
            HttpMethod::Get
        });
        let mut builder = match method {
            HttpMethod::Get => http.get(&self.url),
            HttpMethod::Post => http.post(&self.url),
        };
        let query: Vec<(&str, String)> = config
            .query
            .iter()
            .map(|(name, value)| (name.as_str(), fill.apply(value, as_is)))
            .collect();
        if !query.is_empty() {
            builder = builder.query(&query);
        }
        for (name, value) in &config.headers {
            builder = builder.header(name, fill.apply(value, as_is));
        }
        let kind = config.body_kind.or(if !config.form.is_empty() {
            Some(BodyKind::Form)
        } else if config.json.is_some() {
            Some(BodyKind::Json)
        } else if config.body.is_some() {
            Some(BodyKind::Text)
        } else {
            None
        });
        builder = match kind {
            Some(BodyKind::Form) => {
                let form: Vec<(&str, String)> = config
                    .form
                    .iter()
                    .map(|(name, value)| (name.as_str(), fill.apply(value, as_is)))
                    .collect();
                builder.form(&form)
            }
            Some(BodyKind::Json) => {
                let table = toml::Value::Table(config.json.clone().unwrap_or_default());
                builder.json(&fill_json(&table, &fill))
            }
            Some(BodyKind::Text) => {
                let content_type = config
                    .content_type
                    .as_deref()
                    .unwrap_or("text/plain; charset=utf-8");
                let escape = if content_type.contains("xml") {
                    escape_xml
                } else {
                    as_is
                };
                let body = fill.apply(config.body.as_deref().unwrap_or(""), escape);
                builder.header("Content-Type", content_type).body(body)
            }
            None => builder,
        };
        builder
    }

    fn audio(&self, body: Vec<u8>, _content_type: &str) -> Result<Vec<u8>, String> {
        let config = &self.config;
        let json = serde_json::from_slice::<serde_json::Value>(&body).ok();
        if let (Some(path), Some(json)) = (&config.error_path, &json) {
            if let Some(error) = at_path(json, path).filter(|v| !v.is_null()) {
                let message = match error {
                    serde_json::Value::String(s) => crate::util::clipped(s, 200),
                    other => crate::util::clipped(&other.to_string(), 200),
                };
                return Err(format!(
                    "the service reported an error at {path}: {message}"
                ));
            }
        }
        match config.response.unwrap_or(ResponseKind::Audio) {
            ResponseKind::Audio => Ok(body),
            ResponseKind::JsonBase64 => {
                let path = config.audio_path.as_deref().unwrap_or("");
                let encoded = json
                    .as_ref()
                    .and_then(|json| at_path(json, path))
                    .and_then(|v| v.as_str())
                    .ok_or_else(|| format!("the answer has no base64 audio at {path}"))?;
                base64::engine::general_purpose::STANDARD
                    .decode(encoded)
                    .map_err(|e| format!("the audio at {path} is not base64: {e}"))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_encoded_for_where_they_sit() {
        let fill = Fill {
            text: "A & <b> \"c\"",
            voice: "v",
            speed: "1.5".into(),
            lang: "zh",
            key: "k",
        };
        assert_eq!(
            fill.apply("<s>{text}</s>", escape_xml),
            "<s>A &amp; &lt;b&gt; &quot;c&quot;</s>"
        );
        let table: toml::Value =
            toml::from_str("a = \"{text}\"\nb = \"{speed}\"\nc = { d = [\"{voice}\"] }\nn = 3")
                .unwrap();
        assert_eq!(
            fill_json(&table, &fill),
            serde_json::json!({"a": "A & <b> \"c\"", "b": 1.5, "c": {"d": ["v"]}, "n": 3})
        );
    }

    #[test]
    fn json_paths() {
        let json = serde_json::json!({"Response": {"Audio": "x", "List": [1, {"k": 2}]}});
        assert_eq!(
            at_path(&json, "Response.Audio"),
            Some(&serde_json::json!("x"))
        );
        assert_eq!(
            at_path(&json, "Response.List.1.k"),
            Some(&serde_json::json!(2))
        );
        assert_eq!(at_path(&json, "Response.Error"), None);
    }
}
