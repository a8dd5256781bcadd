//! Spoken-form Mandarin end to end: what is sent, cached and previewed.

use std::path::Path;

use crate::support::{FakeService, Project};

#[test]
fn shipped_scripts_send_no_ascii_digit_in_mandarin_segments() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_briefcast"))
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
    for episode in plan["episodes"].as_array().unwrap() {
        for chapter in episode["chapters"].as_array().unwrap() {
            for segment in chapter["segments"].as_array().unwrap() {
                let spoken = segment["spoken"].as_str().unwrap();
                assert!(
                    !spoken.chars().any(|c| c.is_ascii_digit()),
                    "{}: {spoken}",
                    segment["source"]
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 60, "{checked} segments");
    let all = serde_json::to_string(&plan).unwrap();
    assert!(
        all.contains("二零一九年全市少数民族人口二百二十二点九八万人"),
        "2019年 and 222.98万人 read as words"
    );
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
        "[services.s]\nkind = \"embedded\"\n[voices.v]\nservice = \"s\"\nvoice = \"cmn\"\nnormalize = \"none\"\n[lexicon]\n\"LED\" = \"L E D\"\n",
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
    let run = project.run(&["say", "--voice", "nobody", "x"]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr.trim(),
        "briefcast: --voice nobody: no such voice in voices.toml (voices: v)"
    );
}
