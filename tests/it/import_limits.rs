//! `briefcast import` and hostile pages: a limit exceeded is one clear
//! line naming the file and the limit, exit 2, and nothing written; never
//! a page quietly cut short, nor minutes spent on one. The hostile inputs
//! are generated here.

use std::io::Write;

use crate::support::Project;

/// Three speeches, each a title, a speaker line and a paragraph.
const SPEECHES: [(&str, &str, &str); 3] = [
    (
        "建设宜居乡村",
        "县政协副主席 周红",
        "今年我们走访了全县二十个村，听取群众意见两百多条，逐条研究落实。",
    ),
    (
        "办好老百姓身边的小事",
        "县工商联主席 吴刚",
        "民营企业要积极参与乡村建设，今年已有三十家企业结对帮扶困难村。",
    ),
    (
        "守住耕地红线",
        "县自然资源局局长 孙丽",
        "我们完成了全县耕地的逐块核查，违法占地的案件全部立案查处。",
    ),
];

fn paragraph(text: &str, bold: bool) -> String {
    let rpr = if bold { "<w:rPr><w:b/></w:rPr>" } else { "" };
    format!("<w:p><w:r>{rpr}<w:t>{text}</w:t></w:r></w:p>")
}

/// A Word document of the three speeches, with `padding` spaces (one
/// blank run) between the second and the third.
fn talks_docx(padding: usize) -> Vec<u8> {
    let mut body = String::new();
    for (i, (title, speaker, text)) in SPEECHES.iter().enumerate() {
        if i == 2 && padding > 0 {
            body += "<w:p><w:r><w:t xml:space=\"preserve\">";
            body += &" ".repeat(padding);
            body += "</w:t></w:r></w:p>";
        }
        body += &paragraph(title, true);
        body += &paragraph(speaker, true);
        body += &paragraph(text, false);
    }
    let document = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
         <w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">\
         <w:body>{body}</w:body></w:document>"
    );
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(document.len() > u32::MAX as usize / 2);
    for (name, text) in [
        ("[Content_Types].xml", "<Types/>"),
        ("word/document.xml", document.as_str()),
    ] {
        zip.start_file(name, options).unwrap();
        zip.write_all(text.as_bytes()).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

/// What `import` left in the project's scripts folder.
fn scripts(project: &Project) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(project.path("scripts"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn a_word_document_inflating_past_the_limit_is_refused_not_cut() {
    let project = Project::new();
    // Whole, the three speeches are read.
    std::fs::write(project.path("talks.docx"), talks_docx(0)).unwrap();
    let run = project.run(&["import", "talks.docx", "--dry-run"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for (_, speaker, _) in SPEECHES {
        let name = speaker.rsplit(' ').next().unwrap();
        assert!(run.stdout.contains(name), "{name}: {}", run.stdout);
    }

    // 65 MiB of blank run before the third: the part inflates past 64 MiB,
    // a few hundred kilobytes on disk.
    let big = talks_docx(65 << 20);
    assert!(big.len() < 1 << 20, "{} bytes", big.len());
    std::fs::write(project.path("talks.docx"), big).unwrap();
    let run = project.run(&["import", "talks.docx"]);
    assert_eq!(run.code, 2, "{}\n{}", run.stdout, run.stderr);
    assert_eq!(
        run.stderr,
        "briefcast: talks.docx: word/document.xml inflates to more than 64 MiB (the limit): not read\n"
    );
    assert!(scripts(&project).is_empty(), "{:?}", scripts(&project));
}

#[test]
fn a_page_nested_sixty_thousand_deep_is_refused_at_once() {
    let depth = 60_000;
    let page = format!(
        "<!DOCTYPE html><html><head><title>座谈会发言摘登</title></head><body>{}<h2>建设宜居乡村</h2><p>县政协副主席 周红</p><p>{}</p>{}</body></html>",
        "<div>".repeat(depth),
        SPEECHES[0].2,
        "</div>".repeat(depth)
    );
    let project = Project::new();
    project.write("page.html", &page);
    let run = project.run(&["import", "page.html"]);
    assert_eq!(run.code, 2, "{}\n{}", run.stdout, run.stderr);
    assert_eq!(
        run.stderr,
        "briefcast: page.html: HTML elements nested more than 512 deep (the limit; browsers nest no deeper): not read\n"
    );
    assert!(scripts(&project).is_empty(), "{:?}", scripts(&project));

    // The same article nested as a saved page nests it is read.
    let shallow = page.replace(&"<div>".repeat(depth), "<div><div>");
    let shallow = shallow.replace(&"</div>".repeat(depth), "</div></div>");
    project.write("page.html", &shallow);
    let run = project.run(&["import", "page.html"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(scripts(&project), ["01-zhou-hong.md"]);
}
