//! MaryTTS `/process`: a form POST with INPUT_TEXT, INPUT_TYPE=TEXT,
//! OUTPUT_TYPE=AUDIO, AUDIO=WAVE_FILE, LOCALE and VOICE; the answer is a
//! WAV at the voice's own rate. MaryTTS has no speed parameter.

use reqwest::{Client, RequestBuilder};

use super::api::{Api, Identity, KindApi};
use super::ClipRequest;
use crate::config::MaryTtsKeys;

pub(crate) struct MaryTts {
    url: String,
    locale: String,
}

/// `http://host:59125` → `http://host:59125/process`.
pub(crate) fn endpoint(url: &str) -> String {
    let trimmed = url.trim_end_matches('/');
    let after_scheme = trimmed.split_once("://").map_or(trimmed, |(_, rest)| rest);
    if after_scheme.contains('/') {
        trimmed.to_owned()
    } else {
        format!("{trimmed}/process")
    }
}

impl KindApi for MaryTtsKeys {
    fn endpoint(&self, url: Option<&str>) -> String {
        endpoint(url.unwrap_or_default())
    }

    fn api(&self, url: String) -> Box<dyn Api> {
        Box::new(MaryTts {
            url,
            locale: self.language.clone().unwrap_or_else(|| "en_US".into()),
        })
    }

    fn identity(&self) -> Identity {
        Identity {
            language: self.language.clone(),
            ..Identity::default()
        }
    }
}

impl Api for MaryTts {
    fn request(&self, http: &Client, request: &ClipRequest, _key: Option<&str>) -> RequestBuilder {
        let form = [
            ("INPUT_TEXT", request.text.as_str()),
            ("INPUT_TYPE", "TEXT"),
            ("OUTPUT_TYPE", "AUDIO"),
            ("AUDIO", "WAVE_FILE"),
            ("LOCALE", &self.locale),
            ("VOICE", &request.voice),
        ];
        http.post(&self.url).form(&form)
    }
}
