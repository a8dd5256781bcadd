//! Spoken-form Mandarin end to end: what is sent, cached and previewed.

use std::path::Path;

use crate::support::{FakeService, Project};

#[test]
fn shipped_scripts_send_no_ascii_digit_in_mandarin_segments() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let output = crate::support::briefcast()
        .args(["plan", "--json", "--config"])
        .arg(root.join("voices.toml"))
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let plan: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let mut checked = 0;
    let is_han = |c: char| ('\u{4e00}'..='\u{9fff}').contains(&c);
    for episode in plan["episodes"].as_array().unwrap() {
        for chapter in episode["chapters"].as_array().unwrap() {
            for segment in chapter["segments"].as_array().unwrap() {
                let spoken = segment["spoken"].as_str().unwrap();
                let pinyin = segment["pinyin"].as_str().unwrap();
                // Pinyin voices: tone digits only, never a hanzi.
                assert!(
                    !spoken.chars().any(is_han),
                    "{}: {spoken}",
                    segment["source"]
                );
                assert!(
                    spoken.split([' ', '，', '。', '、', '；', '：']).all(|w| {
                        w.is_empty()
                            || !w.ends_with(|c: char| c.is_ascii_lowercase())
                            || w.chars().all(|c| c.is_ascii_uppercase())
                    }),
                    "every syllable carries its tone: {spoken}"
                );
                assert!(!pinyin.chars().any(is_han), "{pinyin}");
                assert_eq!(segment["voice"].as_str().map(|v| v.is_empty()), Some(false));
                checked += 1;
            }
        }
    }
    assert!(checked > 60, "{checked} segments");
    let all = serde_json::to_string(&plan).unwrap();
    assert!(
        all.contains("er4 ling2 yi1 jiu3 nian2 quan2 shi4 shao3 shu4 min2 zu2 ren2 kou3 er4 bai3 er4 shi2 er4"),
        "2019年 and 222.98万人 read as words, then as pinyin"
    );
}

#[test]
fn a_pinyin_voice_is_sent_pinyin_and_a_hanzi_voice_hanzi() {
    let service = FakeService::start(48_000);
    let project = Project::new();
    project
        .openai_config(&service.url(), &[("柳州市", "liuzhou")], "announce = false")
        .write(
            "scripts/01.md",
            "+++\nspeaker = \"柳州市\"\ntitle = \"讲话\"\n+++\n\n银行行长到重庆调查。柳州是工业重镇。98%\n",
        );
    let config = String::from_utf8(project.read("voices.toml")).unwrap();
    let form = |form: &str, lexicon: &str| {
        config.replace(
            "voice = \"alloy\"",
            &format!("voice = \"alloy\"\nmandarin = \"{form}\"\n{lexicon}"),
        )
    };
    project.write("voices.toml", &form("hanzi", ""));
    assert_eq!(project.run(&["build"]).code, 0);
    let mut sent = service.texts();
    sent.sort();
    assert_eq!(
        sent,
        ["柳州是工业重镇。", "百分之九十八", "银行行长到重庆调查。"]
    );

    project.write("voices.toml", &form("pinyin", ""));
    assert_eq!(project.run(&["build"]).code, 0);
    let mut sent = service.texts()[3..].to_vec();
    sent.sort();
    assert_eq!(
        sent,
        [
            "bai3 fen1 zhi1 jiu3 shi2 ba1",
            "liu3 zhou1 shi4 gong1 ye4 zhong4 zhen4。",
            "yin2 hang2 hang2 zhang3 dao4 chong2 qing4 diao4 cha2。",
        ]
    );

    // A lexicon reading changes the one segment that contains the word.
    let reading = "lexicon = { \"重镇\" = { pinyin = \"chong2 zhen4\" } }";
    project.write("voices.toml", &form("pinyin", reading));
    assert_eq!(project.run(&["build"]).code, 0);
    assert_eq!(
        service.texts()[6..],
        ["liu3 zhou1 shi4 gong1 ye4 chong2 zhen4。".to_string()]
    );
    // For a hanzi voice it changes nothing that is sent: no request.
    project.write("voices.toml", &form("hanzi", reading));
    assert_eq!(project.run(&["build"]).code, 0);
    assert_eq!(service.texts().len(), 7);
}

#[test]
fn cmn_voices_of_the_embedded_service_speak_pinyin() {
    let project = Project::new();
    project
        .write(
            "voices.toml",
            "[services.s]\nkind = \"embedded\"\n[voices.v]\nservice = \"s\"\nvoice = \"cmn+f3\"\n[speakers]\n\"柳州市\" = { voice = \"v\", slug = \"liuzhou\" }\n[audio]\nannounce = false\n",
        )
        .write(
            "scripts/01.md",
            "+++\nspeaker = \"柳州市\"\ntitle = \"讲话\"\n+++\n\n利用LED屏播放一定的节目。\n",
        );
    let run = project.run(&["plan", "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("v (cmn+f3 → cmn-latn-pinyin+f3)") && run.stderr.lines().count() == 1,
        "one notice: {}",
        run.stderr
    );
    let plan: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let segment = &plan["episodes"][0]["chapters"][0]["segments"][0];
    assert_eq!(
        segment["spoken"],
        "li4 yong4 L E D ping2 bo1 fang4 yi2 ding4 de5 jie2 mu4。"
    );
    assert_eq!(
        segment["pinyin"],
        "li4 yong4 LED ping2 bo1 fang4 yi2 ding4 de5 jie2 mu4。"
    );
    let run = project.run(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(project.path("audio/liuzhou.wav").exists());
}

#[test]
fn a_lexicon_entry_changes_only_the_segments_that_contain_it() {
    let service = FakeService::start(48_000);
    let project = Project::new();
    project
        .openai_config(&service.url(), &[("柳州市", "liuzhou")], "announce = false")
        .write(
            "scripts/01.md",
            "+++\nspeaker = \"柳州市\"\ntitle = \"讲话\"\n+++\n\n柳州是工业重镇。利用LED屏播放。民族团结。\n",
        );
    let config = String::from_utf8(project.read("voices.toml")).unwrap();
    let with_lexicon = |entry: &str| {
        format!("{config}\n[lexicon]\n\"民宗委\" = \"民族宗教事务委员会\"\n{entry}\n")
    };
    project.write("voices.toml", &with_lexicon("\"重镇\" = \"众镇\""));
    assert_eq!(project.run(&["build"]).code, 0);
    let mut first = service.texts();
    first.sort();
    assert_eq!(first, ["利用LED屏播放。", "柳州是工业众镇。", "民族团结。"]);

    project.write("voices.toml", &with_lexicon("\"重镇\" = \"zhong4 zhen4\""));
    assert_eq!(project.run(&["build"]).code, 0);
    assert_eq!(
        service.texts()[3..],
        ["柳州是工业zhong4 zhen4。".to_string()]
    );

    // A voice's own entry overrides the global one.
    let config = String::from_utf8(project.read("voices.toml")).unwrap();
    project.write(
        "voices.toml",
        &config.replace(
            "voice = \"alloy\"",
            "voice = \"alloy\"\nlexicon = { \"LED\" = \"L E D\" }",
        ),
    );
    assert_eq!(project.run(&["build"]).code, 0);
    assert_eq!(service.texts()[4..], ["利用L E D屏播放。".to_string()]);
}

#[test]
fn say_previews_the_spoken_form() {
    let project = Project::new();
    project.write(
        "voices.toml",
        "[services.s]\nkind = \"embedded\"\n[voices.v]\nservice = \"s\"\nvoice = \"cmn\"\nnormalize = \"none\"\nmandarin = \"hanzi\"\n[voices.p]\nservice = \"s\"\nvoice = \"cmn-latn-pinyin\"\n[lexicon]\n\"LED\" = \"L E D\"\n\"重镇\" = { pinyin = \"zhong4 zhen4\" }\n",
    );
    let run = project.run(&["say", "2019年9月11日，56.66%", "利用LED屏"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "二零一九年九月十一日，百分之五十六点六六\n利用L E D屏\n"
    );
    let run = project.run(&["say", "--voice", "v", "2019年"]);
    assert_eq!(
        run.stdout, "2019年\n",
        "normalize = none sends the text as written"
    );
    let run = project.run(&[
        "say",
        "--voice",
        "p",
        "--pinyin",
        "工业重镇，行长说：“你好！”",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "gong1 ye4 zhong4 zhen4，hang2 zhang3 shuo1：“ni2 hao3！”\n  pinyin: gong1 ye4 zhong4 zhen4，hang2 zhang3 shuo1：“ni2 hao3！”\n"
    );
    let run = project.run(&["say", "--pinyin", "银行"]);
    assert_eq!(run.stdout, "银行\n  pinyin: yin2 hang2\n");
    let run = project.run(&["say", "--voice", "nobody", "x"]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr.trim(),
        "briefcast: --voice nobody: no such voice in voices.toml (voices: p, v)"
    );
}

/// A neural voice that is not installed speaks its fallback at
/// `fallback-speed`: the same requests as that voice written at that speed.
#[test]
fn a_fallback_speaks_at_its_fallback_speed() {
    let keys = |voice: &str| -> Vec<String> {
        let project = Project::new();
        project
            .write(
                "voices.toml",
                &format!("[services.s]\nkind = \"embedded\"\n[voices.v]\nservice = \"s\"\n{voice}\n[speakers]\n\"柳州市\" = {{ voice = \"v\", slug = \"liuzhou\" }}\n"),
            )
            .write(
                "scripts/01.md",
                "+++\nspeaker = \"柳州市\"\ntitle = \"讲话\"\n+++\n\n柳州是广西的工业重镇。\n",
            );
        let run = project.run(&["plan", "--json"]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        let plan: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
        plan["episodes"][0]["chapters"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|c| c["segments"].as_array().unwrap())
            .map(|s| s["key"].as_str().unwrap().to_owned())
            .collect()
    };
    let slower =
        keys("voice = \"kokoro:jm_kumo\"\nfallback = \"cmn-latn-pinyin\"\nfallback-speed = 0.85");
    assert_eq!(slower.len(), 2);
    assert_eq!(slower, keys("voice = \"cmn-latn-pinyin\"\nspeed = 0.85"));
    assert_ne!(
        slower,
        keys("voice = \"kokoro:jm_kumo\"\nfallback = \"cmn-latn-pinyin\"")
    );
}

#[test]
fn plan_counts_characters_as_written_beside_the_pinyin_sent() {
    const TEXT: &str = "柳州是广西的工业重镇。工人很多。";
    let project = Project::new();
    project
        .write(
            "voices.toml",
            "[services.local]\nkind = \"embedded\"\n[voices.v]\nservice = \"local\"\nvoice = \"cmn-latn-pinyin\"\n[speakers]\n\"柳州市\" = { voice = \"v\", slug = \"liuzhou\" }\n",
        )
        .write(
            "scripts/01.md",
            &format!("+++\nspeaker = \"柳州市\"\ntitle = \"讲话\"\n+++\n\n{TEXT}\n"),
        );
    let run = project.run(&["plan", "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let plan: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let segments: Vec<&serde_json::Value> = plan["episodes"][0]["chapters"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["segments"].as_array().unwrap())
        .collect();
    let count = |field: &str| -> u64 {
        segments
            .iter()
            .map(|s| s[field].as_str().unwrap().chars().count() as u64)
            .sum()
    };
    let local = &plan["services"]["local"];
    assert_eq!(local["embedded"], true);
    // The announcement is spoken too: the scripts' text is part of it.
    assert!(count("text") >= TEXT.chars().count() as u64);
    assert_eq!(local["text_characters"], count("text"));
    assert_eq!(local["characters"], count("spoken"));
    assert_eq!(local["text_characters_to_send"], count("text"));
    assert!(
        count("spoken") > 2 * count("text"),
        "pinyin is longer than hanzi"
    );

    let text = project.run(&["plan"]);
    assert_eq!(text.code, 0, "{}", text.stderr);
    let line = format!(
        "  local (embedded: nothing billed): {n} of {n} segments; {w} of {w} characters as written, {s} of {s} as sent",
        n = segments.len(),
        w = count("text"),
        s = count("spoken")
    );
    assert!(text.stdout.contains(&line), "{}\nwant: {line}", text.stdout);
    assert!(
        text.stdout
            .contains("a paid service bills the characters as sent"),
        "{}",
        text.stdout
    );
}
