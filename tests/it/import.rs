//! `briefcast import`: a pasted page becomes scripts that `build` reads.

use crate::support::Project;

const PAGE: &str = include_str!("../fixtures/page.txt");

#[test]
fn the_sample_page_becomes_four_scripts_and_a_report() {
    let project = Project::new();
    project.write("page.txt", PAGE);
    let run = project.run(&["import", "page.txt", "--out", "imported"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for joined in [
        "“…做到“两个” + “维护”的具…”",
        "“…纳入国民教” + “育、干部教…”",
        "“…019年9” + “月11日，…”",
    ] {
        assert!(
            run.stdout.contains(joined),
            "{joined} not reported:\n{}",
            run.stdout
        );
    }
    assert_eq!(run.stdout.matches("joined across a page break").count(), 6);
    assert!(run
        .stdout
        .contains("line 77: dropped credit: “本版由自治区民宗委 监督检查处供稿”"));
    assert!(run
        .stdout
        .contains("line 73: warning: chapter “关系千丝万缕怎么理顺？——联帮”"));
    let mut names: Vec<String> = std::fs::read_dir(project.path("imported"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names[0], "01-liu-zhou-shi.md");
    assert_eq!(names.len(), 4);

    // The imported scripts parse, and equal the shipped ones but for the
    // section the page printed out of place.
    let imported = briefcast::script::load_dir(&project.path("imported")).unwrap();
    let shipped = briefcast::script::load_dir(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts"),
    )
    .unwrap();
    let titles = |s: &briefcast::model::Speech| {
        s.chapters
            .iter()
            .map(|c| c.title.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(titles(&imported[0]), titles(&shipped[0]));
    assert_eq!(titles(&imported[1]), titles(&shipped[1]));
    let mut moved = titles(&imported[2]);
    let lianbang = moved.pop().unwrap();
    assert_eq!(moved, titles(&shipped[2]));
    let mut expected = titles(&imported[3]);
    expected.push(lianbang);
    assert_eq!(expected, titles(&shipped[3]));
}

#[test]
fn dry_run_writes_nothing_and_existing_scripts_are_not_overwritten() {
    let project = Project::new();
    project.write("page.txt", PAGE);
    let run = project.run(&["import", "page.txt", "--dry-run"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.ends_with("dry run: nothing written\n"));
    assert_eq!(
        std::fs::read_dir(project.path("scripts")).unwrap().count(),
        0
    );

    project.write(
        "scripts/02-he-chi-shi-huan-jiang-mao-nan-zu-zi-zhi-xian-xia-nan-xiang.md",
        "mine",
    );
    let run = project.run(&["import", "page.txt"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains(
            "xia-nan-xiang.md already exists: nothing written (use --force to overwrite)"
        ),
        "{}",
        run.stderr
    );
    assert_eq!(
        std::fs::read_dir(project.path("scripts")).unwrap().count(),
        1
    );
    let run = project.run(&["import", "page.txt", "--force"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        std::fs::read_dir(project.path("scripts")).unwrap().count(),
        4
    );
}

#[test]
fn invalid_utf8_exits_2_with_the_byte_offset_and_writes_nothing() {
    let project = Project::new();
    let mut bytes = "## 标题\n\n□ 某人\n\n正文。".as_bytes().to_vec();
    let offset = bytes.len();
    bytes.extend_from_slice(&[0xE4, 0xB8]);
    std::fs::write(project.path("page.txt"), &bytes).unwrap();
    let run = project.run(&["import", "page.txt"]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr.trim(),
        format!("briefcast: page.txt: not valid UTF-8: first bad byte at offset {offset}")
    );
    assert_eq!(
        std::fs::read_dir(project.path("scripts")).unwrap().count(),
        0
    );
}
