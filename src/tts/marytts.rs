//! MaryTTS `/process`: a form POST with INPUT_TEXT, INPUT_TYPE=TEXT,
//! OUTPUT_TYPE=AUDIO, AUDIO=WAVE_FILE, LOCALE and VOICE; the answer is a
//! WAV at the voice's own rate. MaryTTS has no speed parameter.

use reqwest::{Client, RequestBuilder};

use super::api::Api;
use super::ClipRequest;
use crate::config::ServiceConfig;

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

impl MaryTts {
    pub(crate) fn new(config: &ServiceConfig, url: String) -> MaryTts {
        MaryTts {
            url,
            locale: config.language.clone().unwrap_or_else(|| "en_US".into()),
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
