//! Azure AI Speech: SSML POSTed to `{region}.tts.speech.microsoft.com`,
//! the voice and language in the SSML, speed as `<prosody rate>`, the
//! format in `X-Microsoft-OutputFormat`, the key in
//! `Ocp-Apim-Subscription-Key`.

use reqwest::{Client, RequestBuilder};

use super::api::{Api, Identity, KindApi};
use super::ClipRequest;
use crate::config::AzureKeys;
use crate::model::{ClipFormat, PcmSample};
use crate::util::escape_xml;

pub(crate) const DEFAULT_OUTPUT_FORMAT: &str = "riff-24khz-16bit-mono-pcm";

pub(crate) struct Azure {
    url: String,
    language: String,
    output_format: String,
}

impl KindApi for AzureKeys {
    fn endpoint(&self, url: Option<&str>) -> String {
        match (url, &self.region) {
            (Some(url), _) => url.to_owned(),
            (None, Some(region)) => {
                format!("https://{region}.tts.speech.microsoft.com/cognitiveservices/v1")
            }
            (None, None) => String::new(),
        }
    }

    fn api(&self, url: String) -> Box<dyn Api> {
        Box::new(Azure {
            url,
            language: self.language.clone().unwrap_or_else(|| "zh-CN".into()),
            output_format: self.output_format().to_owned(),
        })
    }

    /// `riff-…` formats are WAV; `raw-{rate}-16bit-mono-pcm` is raw PCM.
    fn clip_format(&self) -> ClipFormat {
        match self.output_format().strip_prefix("raw-") {
            Some(rest) => ClipFormat::Pcm {
                rate: rate_of(rest),
                channels: 1,
                sample: PcmSample::S16le,
            },
            None => ClipFormat::Wav,
        }
    }

    fn identity(&self) -> Identity {
        Identity {
            language: self.language.clone(),
            output_format: self.output_format.clone(),
            ..Identity::default()
        }
    }
}

impl AzureKeys {
    fn output_format(&self) -> &str {
        self.output_format
            .as_deref()
            .unwrap_or(DEFAULT_OUTPUT_FORMAT)
    }
}

/// `24khz-16bit-mono-pcm` → 24000; `22050hz-…` → 22050.
fn rate_of(format: &str) -> u32 {
    let head = format.split('-').next().unwrap_or("");
    if let Some(khz) = head.strip_suffix("khz") {
        return khz.parse::<u32>().map_or(24_000, |k| k * 1000);
    }
    head.strip_suffix("hz")
        .and_then(|hz| hz.parse().ok())
        .unwrap_or(24_000)
}

/// The SSML document for one clip; every inserted value is XML-escaped.
pub(crate) fn ssml(language: &str, voice: &str, speed: f32, text: &str) -> String {
    let rate = format!("{:+}%", ((speed - 1.0) * 100.0).round() as i32);
    format!(
        "<speak version='1.0' xmlns='http://www.w3.org/2001/10/synthesis' xml:lang='{}'><voice name='{}'><prosody rate='{rate}'>{}</prosody></voice></speak>",
        escape_xml(language),
        escape_xml(voice),
        escape_xml(text)
    )
}

impl Api for Azure {
    fn request(&self, http: &Client, request: &ClipRequest, key: Option<&str>) -> RequestBuilder {
        let builder = http
            .post(&self.url)
            .header("Content-Type", "application/ssml+xml")
            .header("X-Microsoft-OutputFormat", &self.output_format)
            .header(
                "User-Agent",
                concat!("briefcast/", env!("CARGO_PKG_VERSION")),
            )
            .body(ssml(
                &self.language,
                &request.voice,
                request.speed,
                &request.text,
            ));
        match key {
            Some(key) => builder.header("Ocp-Apim-Subscription-Key", key),
            None => builder,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ssml_escapes_and_maps_speed() {
        assert_eq!(
            ssml("zh-CN", "zh-CN-XiaoxiaoNeural", 1.2, "A & B <c>"),
            "<speak version='1.0' xmlns='http://www.w3.org/2001/10/synthesis' xml:lang='zh-CN'><voice name='zh-CN-XiaoxiaoNeural'><prosody rate='+20%'>A &amp; B &lt;c&gt;</prosody></voice></speak>"
        );
        assert!(ssml("zh-CN", "v", 0.5, "x").contains("rate='-50%'"));
    }

    #[test]
    fn output_formats() {
        assert_eq!(rate_of("24khz-16bit-mono-pcm"), 24_000);
        assert_eq!(rate_of("22050hz-16bit-mono-pcm"), 22_050);
        assert_eq!(rate_of("48khz-16bit-mono-pcm"), 48_000);
    }
}
