//! Google Cloud Text-to-Speech v1 `text:synthesize`: JSON in, JSON out with
//! `audioContent` = base64 LINEAR16 that already carries a WAV header. The
//! API key goes in `X-Goog-Api-Key` (or, with `bearer = true`, an OAuth
//! access token in `Authorization`); the limit is 5000 bytes of text.

use base64::Engine;
use reqwest::{Client, RequestBuilder};

use super::api::{Api, Identity, KindApi};
use super::ClipRequest;
use crate::config::GoogleKeys;

pub(crate) const DEFAULT_URL: &str = "https://texttospeech.googleapis.com/v1/text:synthesize";

pub(crate) struct Google {
    url: String,
    language: String,
    sample_rate: Option<u32>,
    bearer: bool,
}

impl KindApi for GoogleKeys {
    fn endpoint(&self, url: Option<&str>) -> String {
        url.unwrap_or(DEFAULT_URL).to_owned()
    }

    fn api(&self, url: String) -> Box<dyn Api> {
        Box::new(Google {
            url,
            language: self.language.clone().unwrap_or_else(|| "cmn-CN".into()),
            sample_rate: self.sample_rate,
            bearer: self.bearer,
        })
    }

    fn identity(&self) -> Identity {
        Identity {
            language: self.language.clone(),
            sample_rate: self.sample_rate,
            ..Identity::default()
        }
    }
}

impl Api for Google {
    fn request(&self, http: &Client, request: &ClipRequest, key: Option<&str>) -> RequestBuilder {
        let mut audio =
            serde_json::json!({"audioEncoding": "LINEAR16", "speakingRate": request.speed});
        if let Some(rate) = self.sample_rate {
            audio["sampleRateHertz"] = rate.into();
        }
        let body = serde_json::json!({
            "input": {"text": request.text},
            "voice": {"languageCode": self.language, "name": request.voice},
            "audioConfig": audio,
        });
        let builder = http.post(&self.url).json(&body);
        match key {
            Some(key) if self.bearer => builder.bearer_auth(key),
            Some(key) => builder.header("X-Goog-Api-Key", key),
            None => builder,
        }
    }

    fn audio(&self, body: Vec<u8>, content_type: &str) -> Result<Vec<u8>, String> {
        let json: serde_json::Value = serde_json::from_slice(&body).map_err(|_| {
            format!(
                "expected JSON with audioContent, got {}",
                crate::util::describe(&body, content_type)
            )
        })?;
        let content = json["audioContent"]
            .as_str()
            .ok_or_else(|| "the answer has no audioContent".to_owned())?;
        base64::engine::general_purpose::STANDARD
            .decode(content)
            .map_err(|e| format!("audioContent is not base64: {e}"))
    }
}
