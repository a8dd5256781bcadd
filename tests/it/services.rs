//! Service kinds: the exact request each one sends, the documented answer
//! each one decodes, and the limits and failures every kind shares.

use std::time::Duration;

use base64::Engine;

use crate::support::fake::{tone, wav_bytes};
use crate::support::recorder::{Answer, Recorder};
use crate::support::Project;

const SCRIPT: &str = "+++\nspeaker = \"柳州市\"\ntitle = \"讲话\"\n+++\n\n你好，世界 & <朋友>。\n";
const KEY: &str = "sk-test-1234567890";

/// Google's answer: base64 LINEAR16 WAV in `audioContent`.
fn google_answer(text: &str) -> Answer {
    let audio =
        base64::engine::general_purpose::STANDARD.encode(wav_bytes(&tone(text, 24_000), 24_000));
    let body = serde_json::json!({"audioContent": audio}).to_string();
    (200, "application/json", body.into_bytes(), vec![])
}

fn wav_answer(text: &str) -> Answer {
    (
        200,
        "audio/wav",
        wav_bytes(&tone(text, 24_000), 24_000),
        vec![],
    )
}

/// A one-sentence project whose voice reads on `service` (a TOML table body).
fn project(service: &str, voice: &str) -> Project {
    let project = Project::new();
    project
        .write(
            "voices.toml",
            &format!(
                "[show]\ntitle = \"Show\"\ndate = \"2024-05-01\"\n\n[audio]\nannounce = false\n\n[services.svc]\n{service}\nretries = 3\n\n[voices.v]\nservice = \"svc\"\nvoice = \"{voice}\"\nspeed = 1.2\n\n[speakers]\n\"柳州市\" = {{ voice = \"v\", slug = \"liuzhou\" }}\n"
            ),
        )
        .write("scripts/01.md", SCRIPT);
    project
}

fn build(project: &Project) -> crate::support::project::Run {
    project.run_with(&["build"], &[("TTS_TEST_KEY", KEY)])
}

const SPOKEN: &str = "你好，世界 & <朋友>。";

#[test]
fn openai_sends_json_with_a_bearer_key_and_reads_raw_pcm() {
    let recorder = Recorder::start(Duration::ZERO, |_, _| {
        let pcm: Vec<u8> = tone(SPOKEN, 24_000)
            .iter()
            .flat_map(|s| s.to_le_bytes())
            .collect();
        (200, "audio/pcm", pcm, vec![])
    });
    let service = format!(
        "kind = \"openai\"\nurl = \"{}\"\nmodel = \"gpt-4o-mini-tts\"\ninstructions = \"Calm newsreader\"\napi-key-env = \"TTS_TEST_KEY\"\nresponse-format = \"pcm\"",
        recorder.url("")
    );
    let project = project(&service, "alloy");
    let run = build(&project);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let request = &recorder.requests()[0];
    assert_eq!(
        (request.method.as_str(), request.uri.as_str()),
        ("POST", "/v1/audio/speech")
    );
    assert_eq!(request.header("authorization"), format!("Bearer {KEY}"));
    assert_eq!(
        request.json(),
        serde_json::json!({"model": "gpt-4o-mini-tts", "input": SPOKEN, "voice": "alloy", "speed": 1.2, "response_format": "pcm", "instructions": "Calm newsreader"})
    );
    assert!(project.exists("audio/liuzhou.wav"));
}

#[test]
fn azure_sends_escaped_ssml_with_its_headers() {
    let recorder = Recorder::start(Duration::ZERO, |_, _| wav_answer(SPOKEN));
    let service = format!(
        "kind = \"azure\"\nurl = \"{}\"\nlanguage = \"zh-CN\"\noutput-format = \"riff-24khz-16bit-mono-pcm\"\napi-key-env = \"TTS_TEST_KEY\"",
        recorder.url("/cognitiveservices/v1")
    );
    let project = project(&service, "zh-CN-XiaoxiaoNeural");
    let run = build(&project);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let request = &recorder.requests()[0];
    assert_eq!(
        (request.method.as_str(), request.uri.as_str()),
        ("POST", "/cognitiveservices/v1")
    );
    assert_eq!(request.header("content-type"), "application/ssml+xml");
    assert_eq!(
        request.header("x-microsoft-outputformat"),
        "riff-24khz-16bit-mono-pcm"
    );
    assert_eq!(request.header("ocp-apim-subscription-key"), KEY);
    assert!(request.header("user-agent").starts_with("briefcast/"));
    assert_eq!(
        request.text(),
        "<speak version='1.0' xmlns='http://www.w3.org/2001/10/synthesis' xml:lang='zh-CN'><voice name='zh-CN-XiaoxiaoNeural'><prosody rate='+20%'>你好，世界 &amp; &lt;朋友&gt;。</prosody></voice></speak>"
    );
}

#[test]
fn google_sends_synthesize_json_and_decodes_base64_linear16() {
    let recorder = Recorder::start(Duration::ZERO, |_, _| google_answer(SPOKEN));
    let service = format!(
        "kind = \"google\"\nurl = \"{}\"\nlanguage = \"cmn-CN\"\nsample-rate = 24000\napi-key-env = \"TTS_TEST_KEY\"",
        recorder.url("/v1/text:synthesize")
    );
    let project = project(&service, "cmn-CN-Wavenet-A");
    let run = build(&project);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let request = &recorder.requests()[0];
    assert_eq!(
        (request.method.as_str(), request.uri.as_str()),
        ("POST", "/v1/text:synthesize")
    );
    assert_eq!(request.header("x-goog-api-key"), KEY);
    assert_eq!(
        request.json(),
        serde_json::json!({
            "input": {"text": SPOKEN},
            "voice": {"languageCode": "cmn-CN", "name": "cmn-CN-Wavenet-A"},
            "audioConfig": {"audioEncoding": "LINEAR16", "speakingRate": 1.2f32, "sampleRateHertz": 24000}
        })
    );
}

#[test]
fn google_limits_text_by_bytes() {
    let recorder = Recorder::start(Duration::ZERO, |r, _| {
        google_answer(r.json()["input"]["text"].as_str().unwrap())
    });
    let service = format!(
        "kind = \"google\"\nurl = \"{}\"\nmax-bytes = 30",
        recorder.url("/v1/text:synthesize")
    );
    let project = project(&service, "cmn-CN-Wavenet-A");
    project.write(
        "scripts/01.md",
        &SCRIPT.replace(
            "你好，世界 & <朋友>。",
            "第一个分句很长很长，第二个分句也很长很长，第三个分句还是很长。",
        ),
    );
    assert_eq!(build(&project).code, 0);
    let requests = recorder.requests();
    assert!(requests.len() >= 3);
    for request in requests {
        let text = request.json()["input"]["text"].as_str().unwrap().to_owned();
        assert!(text.len() <= 30, "{text} is {} bytes", text.len());
    }
}

#[test]
fn marytts_posts_its_form() {
    let recorder = Recorder::start(Duration::ZERO, |_, _| wav_answer(SPOKEN));
    let service = format!(
        "kind = \"marytts\"\nurl = \"{}\"\nlanguage = \"zh_CN\"",
        recorder.url("")
    );
    let project = project(&service, "cmu-slt-hsmm");
    // MaryTTS has no speed: any other than 1 is refused at load.
    let config = String::from_utf8(project.read("voices.toml")).unwrap();
    let run = build(&project);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("[voices.v] speed = 1.2 is out of range: marytts services have no speed setting; leave it at 1"),
        "{}",
        run.stderr
    );
    project.write("voices.toml", &config.replace("speed = 1.2", "speed = 1.0"));
    let run = build(&project);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let request = &recorder.requests()[0];
    assert_eq!(
        (request.method.as_str(), request.uri.as_str()),
        ("POST", "/process")
    );
    assert_eq!(
        request.header("content-type"),
        "application/x-www-form-urlencoded"
    );
    let form: Vec<(String, String)> = url_pairs(&request.text());
    assert_eq!(
        form,
        [
            ("INPUT_TEXT", SPOKEN),
            ("INPUT_TYPE", "TEXT"),
            ("OUTPUT_TYPE", "AUDIO"),
            ("AUDIO", "WAVE_FILE"),
            ("LOCALE", "zh_CN"),
            ("VOICE", "cmu-slt-hsmm")
        ]
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
    );
}

fn url_pairs(text: &str) -> Vec<(String, String)> {
    let decode = |s: &str| {
        let bytes = s.replace('+', " ").into_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'%' {
                out.push(
                    u8::from_str_radix(std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap(), 16)
                        .unwrap(),
                );
                i += 3;
            } else {
                out.push(bytes[i]);
                i += 1;
            }
        }
        String::from_utf8(out).unwrap()
    };
    text.split('&')
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap();
            (decode(k), decode(v))
        })
        .collect()
}

#[test]
fn template_get_with_query_placeholders_like_coqui() {
    let recorder = Recorder::start(Duration::ZERO, |_, _| wav_answer(SPOKEN));
    let service = format!(
        "kind = \"template\"\nurl = \"{}\"\nmethod = \"GET\"\nquery = {{ text = \"{{text}}\", speaker_id = \"{{voice}}\", rate = \"{{speed}}\" }}",
        recorder.url("/api/tts")
    );
    let project = project(&service, "p225");
    let run = build(&project);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let request = &recorder.requests()[0];
    assert_eq!(request.method, "GET");
    let (path, query) = request.uri.split_once('?').unwrap();
    assert_eq!(path, "/api/tts");
    let mut pairs = url_pairs(query);
    pairs.sort();
    assert_eq!(
        pairs,
        [("rate", "1.2"), ("speaker_id", "p225"), ("text", SPOKEN)]
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
    );
}

fn tencent_like(recorder: &Recorder) -> String {
    format!(
        "kind = \"template\"\nurl = \"{}\"\nheaders = {{ X-TC-Action = \"TextToVoice\", Authorization = \"Bearer {{key}}\" }}\njson = {{ Text = \"{{text}}\", VoiceType = \"{{voice}}\", Speed = \"{{speed}}\", Codec = \"wav\" }}\nresponse = \"json-base64\"\naudio-path = \"Response.Audio\"\nerror-path = \"Response.Error\"\napi-key-env = \"TTS_TEST_KEY\"",
        recorder.url("/")
    )
}

#[test]
fn template_json_post_with_base64_answer_like_tencent() {
    let recorder = Recorder::start(Duration::ZERO, |_, _| {
        let audio = base64::engine::general_purpose::STANDARD
            .encode(wav_bytes(&tone(SPOKEN, 24_000), 24_000));
        (
            200,
            "application/json",
            serde_json::json!({"Response": {"Audio": audio, "RequestId": "r"}})
                .to_string()
                .into_bytes(),
            vec![],
        )
    });
    let project = project(&tencent_like(&recorder), "101001");
    let run = build(&project);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let request = &recorder.requests()[0];
    assert_eq!(request.method, "POST");
    assert_eq!(request.header("x-tc-action"), "TextToVoice");
    assert_eq!(request.header("authorization"), format!("Bearer {KEY}"));
    assert_eq!(
        request.json(),
        serde_json::json!({"Text": SPOKEN, "VoiceType": "101001", "Speed": 1.2, "Codec": "wav"})
    );
}

#[test]
fn a_json_error_under_http_200_fails_the_segment_with_the_services_words() {
    let recorder = Recorder::start(Duration::ZERO, |_, _| {
        let body = serde_json::json!({"Response": {"Error": {"Code": "UnsupportedOperation.TextTooLong", "Message": "text too long"}}});
        (
            200,
            "application/json",
            body.to_string().into_bytes(),
            vec![],
        )
    });
    let project = project(&tencent_like(&recorder), "101001");
    let run = build(&project);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("scripts/01.md:6 “你好，世界 & <朋友>。”: service svc: the service reported an error at Response.Error: {\"Code\":\"UnsupportedOperation.TextTooLong\",\"Message\":\"text too long\"}"), "{}", run.stderr);
    assert!(!project.exists("audio/liuzhou.wav"));
    assert!(!run.stderr.contains(KEY));
}

#[test]
fn a_client_error_fails_at_once_naming_service_status_and_message() {
    let recorder = Recorder::start(Duration::ZERO, |_, _| {
        (
            401,
            "application/json",
            br#"{"error":{"message":"Incorrect API key provided"}}"#.to_vec(),
            vec![],
        )
    });
    let service = format!(
        "kind = \"openai\"\nurl = \"{}\"\napi-key-env = \"TTS_TEST_KEY\"",
        recorder.url("")
    );
    let project = project(&service, "alloy");
    let run = build(&project);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .contains("service svc: HTTP 401: Incorrect API key provided"),
        "{}",
        run.stderr
    );
    assert_eq!(recorder.requests().len(), 1, "4xx is not retried");
}

#[test]
fn retry_after_is_waited_for() {
    let recorder = Recorder::start(Duration::ZERO, |_, n| match n {
        0 => (
            429,
            "application/json",
            b"{}".to_vec(),
            vec![("retry-after", "50".to_owned())],
        ),
        _ => wav_answer(SPOKEN),
    });
    let service = format!("kind = \"openai\"\nurl = \"{}\"", recorder.url(""));
    let project = project(&service, "alloy");
    assert_eq!(build(&project).code, 0);
    let requests = recorder.requests();
    assert_eq!(requests.len(), 2);
    // BRIEFCAST_TIME_SCALE = 0.01 in tests: 50 s become 0.5 s, not a jittered backoff.
    let waited = requests[1].at - requests[0].at;
    assert!(waited >= Duration::from_millis(490), "{waited:?}");
    assert!(waited < Duration::from_secs(5), "{waited:?}");
}

#[test]
fn a_stalled_request_times_out_and_is_retried() {
    let recorder = Recorder::start(Duration::from_millis(600), |_, _| wav_answer(SPOKEN));
    let service = format!(
        "kind = \"openai\"\nurl = \"{}\"\ntimeout-ms = 200",
        recorder.url("")
    );
    let project = project(&service, "alloy");
    let run = build(&project);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("service svc: no answer within 200 ms"),
        "{}",
        run.stderr
    );
    assert_eq!(
        recorder.requests().len(),
        4,
        "the first attempt and 3 retries"
    );
}

fn many_sentences(project: &Project, n: usize) {
    let text: String = (0..n).map(|i| format!("第{i}句话。")).collect();
    project.write(
        "scripts/01.md",
        &SCRIPT.replace("你好，世界 & <朋友>。", &text),
    );
}

#[test]
fn concurrency_caps_requests_in_flight() {
    let recorder = Recorder::start(Duration::from_millis(150), |r, _| {
        wav_answer(r.json()["input"].as_str().unwrap())
    });
    let service = format!(
        "kind = \"openai\"\nurl = \"{}\"\nconcurrency = 2",
        recorder.url("")
    );
    let project = project(&service, "alloy");
    many_sentences(&project, 8);
    assert_eq!(build(&project).code, 0);
    assert_eq!(recorder.requests().len(), 8);
    assert_eq!(recorder.max_in_flight(), 2);
}

/// Two endpoints answering each text after `delay`, and an openai-kind
/// service table listing both.
fn pool_of_two(delay: Duration, concurrency: usize) -> (Recorder, Recorder, String) {
    let start = || {
        Recorder::start(delay, |r, _| {
            wav_answer(r.json()["input"].as_str().unwrap())
        })
    };
    let (first, second) = (start(), start());
    let service = format!(
        "kind = \"openai\"\nurl = [\"{}\", \"{}\"]\nconcurrency = {concurrency}",
        first.url(""),
        second.url("")
    );
    (first, second, service)
}

#[test]
fn a_pool_spreads_requests_with_concurrency_per_endpoint() {
    let (first, second, service) = pool_of_two(Duration::from_millis(150), 2);
    let project = project(&service, "alloy");
    many_sentences(&project, 12);
    let run = build(&project);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let (a, b) = (first.requests().len(), second.requests().len());
    assert_eq!(a + b, 12, "each sentence asked once");
    assert!(a >= 4 && b >= 4, "{a} and {b} requests");
    assert_eq!((first.max_in_flight(), second.max_in_flight()), (2, 2));
}

#[test]
fn a_pool_is_keyed_by_its_first_url_alone() {
    let (first, second, pool) = pool_of_two(Duration::from_millis(50), 1);
    let project = project(&pool, "alloy");
    many_sentences(&project, 6);
    assert_eq!(build(&project).code, 0);
    assert!(!first.requests().is_empty() && !second.requests().is_empty());
    let clips = project.cached_clips();
    assert_eq!(clips.len(), 6);

    // The first URL alone: every clip is already there.
    let config = String::from_utf8(project.read("voices.toml")).unwrap();
    let single = format!(
        "kind = \"openai\"\nurl = \"{}\"\nconcurrency = 1",
        first.url("")
    );
    project.write("voices.toml", &config.replace(&pool, &single));
    std::fs::remove_dir_all(project.path("audio")).unwrap();
    let asked = first.requests().len() + second.requests().len();
    let run = build(&project);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(first.requests().len() + second.requests().len(), asked);
    assert_eq!(project.cached_clips(), clips);
    assert!(project.exists("audio/liuzhou.wav"));

    // The second URL alone is another service: its clips are asked anew.
    let other = format!(
        "kind = \"openai\"\nurl = \"{}\"\nconcurrency = 1",
        second.url("")
    );
    project.write("voices.toml", &config.replace(&pool, &other));
    assert_eq!(build(&project).code, 0);
    assert_eq!(first.requests().len() + second.requests().len(), asked + 6);
}

#[test]
fn requests_per_minute_paces_requests() {
    let recorder = Recorder::start(Duration::ZERO, |r, _| {
        wav_answer(r.json()["input"].as_str().unwrap())
    });
    let service = format!(
        "kind = \"openai\"\nurl = \"{}\"\nconcurrency = 8\nrequests-per-minute = 600",
        recorder.url("")
    );
    let project = project(&service, "alloy");
    many_sentences(&project, 6);
    assert_eq!(build(&project).code, 0);
    let requests = recorder.requests();
    assert_eq!(requests.len(), 6);
    // 600 a minute is one every 100 ms: six requests span at least 500 ms.
    let span = requests[5].at - requests[0].at;
    assert!(span >= Duration::from_millis(480), "{span:?}");
}

#[test]
fn keys_meant_for_another_kind_are_refused() {
    let project = project(
        "kind = \"openai\"\nurl = \"http://127.0.0.1:1\"\nregion = \"eastasia\"",
        "alloy",
    );
    let run = project.run(&["plan"]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr.trim(),
        "briefcast: voices.toml:11:1: [services.svc] `region` is for kind azure, not openai"
    );
}

#[test]
fn template_raw_pcm_with_a_declared_layout_decodes() {
    // 22.05 kHz stereo 32-bit float, as a local server might answer.
    let recorder = Recorder::start(Duration::ZERO, |_, _| {
        let pcm: Vec<u8> = tone(SPOKEN, 22_050)
            .iter()
            .flat_map(|&s| {
                let x = f32::from(s) / 32_768.0;
                [x.to_le_bytes(), x.to_le_bytes()].concat()
            })
            .collect();
        (200, "application/octet-stream", pcm, vec![])
    });
    let service = format!(
        "kind = \"template\"\nurl = \"{}\"\njson = {{ text = \"{{text}}\" }}\nresponse-format = \"pcm\"\nsample-rate = 22050\npcm-channels = 2\npcm-sample = \"f32le\"",
        recorder.url("/speak")
    );
    let project = project(&service, "x");
    let run = build(&project);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let manifest: serde_json::Value =
        serde_json::from_slice(&project.read("audio/manifest.json")).unwrap();
    let frames = manifest["episodes"]["liuzhou"]["segments"][0]["frames"]
        .as_u64()
        .unwrap();
    let expected = tone(SPOKEN, 22_050).len() as u64 * 48_000 / 22_050;
    assert!(
        frames.abs_diff(expected) <= 2 * 1_440 + 2,
        "{frames} frames for about {expected}"
    );
}

#[test]
fn google_can_send_an_oauth_bearer_token() {
    let recorder = Recorder::start(Duration::ZERO, |_, _| google_answer(SPOKEN));
    let service = format!(
        "kind = \"google\"\nurl = \"{}\"\nbearer = true\napi-key-env = \"TTS_TEST_KEY\"",
        recorder.url("/v1/text:synthesize")
    );
    let project = project(&service, "cmn-CN-Wavenet-A");
    assert_eq!(build(&project).code, 0);
    let request = &recorder.requests()[0];
    assert_eq!(request.header("authorization"), format!("Bearer {KEY}"));
    assert_eq!(request.header("x-goog-api-key"), "");
}
