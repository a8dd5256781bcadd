//! `briefcast voices install` from archives the test makes, through the
//! real binary with `--catalogue` and `--from`: a style pack taken out of
//! an npm-style tarball (`package/voices/NAME.bin`), installed after the
//! pack it requires, and refused whole when the tarball is not the pinned
//! one.

use std::io::Write;
use std::path::Path;

use sha2::{Digest, Sha256};

fn sha(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// An npm package tarball holding `members`.
fn npm_tarball(members: &[(&str, &[u8])]) -> Vec<u8> {
    let mut tar = tar::Builder::new(Vec::new());
    for (path, bytes) in members {
        let mut header = tar::Header::new_gnu();
        header.set_size(bytes.len() as u64);
        header.set_mode(0o644);
        tar.append_data(&mut header, path, *bytes).unwrap();
    }
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&tar.into_inner().unwrap()).unwrap();
    gz.finish().unwrap()
}

/// A catalogue of a model pack (`base`, one plain file) and a style pack
/// (`styles`, requiring it) whose two voices come from `tarball`.
fn catalogue(mirror: &Path, tarball: &[u8], voices: &[(&str, &[u8])]) -> String {
    std::fs::write(mirror.join("pkg-1.2.1.tgz"), tarball).unwrap();
    std::fs::write(mirror.join("model.onnx"), b"model").unwrap();
    let mut text = format!(
        "[[pack]]\nname = \"base\"\nengine = \"kokoro\"\ndescription = \"the model\"\nlicence = \"Apache-2.0\"\ndir = \"base\"\n\n\
         [[pack.file]]\nname = \"model.onnx\"\nsize = 5\nsha256 = \"{}\"\nsources = [{{ parts = [{{ url = \"https://models.invalid/model.onnx\" }}] }}]\n\n\
         [[pack]]\nname = \"styles\"\nengine = \"kokoro\"\ndescription = \"style packs\"\nlicence = \"Apache-2.0\"\ndir = \"styles\"\nrequires = [\"base\"]\n\
         voices = [{{ name = \"zf_a\", about = \"woman, Mandarin\" }}, {{ name = \"zm_b\", about = \"man, Mandarin\" }}]\n",
        sha(b"model")
    );
    for (name, bytes) in voices {
        text.push_str(&format!(
            "\n[[pack.file]]\nname = \"{name}.bin\"\nsize = {}\nsha256 = \"{}\"\nsources = [\n  \
             {{ parts = [{{ url = \"https://models.invalid/voices/{name}.bin\" }}] }},\n  \
             {{ parts = [{{ url = \"https://registry.invalid/pkg/-/pkg-1.2.1.tgz\", size = {}, sha256 = \"{}\", member = \"package/voices/{name}.bin\" }}] }},\n]\n",
            bytes.len(),
            sha(bytes),
            tarball.len(),
            sha(tarball),
        ));
    }
    text
}

fn voices(args: &[&str], data: &Path) -> std::process::Output {
    crate::support::briefcast()
        .arg("voices")
        .args(args)
        .env("XDG_DATA_HOME", data)
        .output()
        .unwrap()
}

#[test]
fn a_style_pack_installs_from_an_npm_tarball_after_the_model_it_needs() {
    let mirror = tempfile::tempdir().unwrap();
    let data = tempfile::tempdir().unwrap();
    let a = vec![1u8; 64];
    let b = vec![2u8; 64];
    let tarball = npm_tarball(&[
        ("package/package.json", b"{}"),
        ("package/voices/zf_a.bin", &a),
        ("package/voices/zm_b.bin", &b),
    ]);
    let text = catalogue(mirror.path(), &tarball, &[("zf_a", &a), ("zm_b", &b)]);
    let file = mirror.path().join("catalogue.toml");
    std::fs::write(&file, text).unwrap();
    let file = file.to_str().unwrap();
    let from = mirror.path().to_str().unwrap();

    let output = voices(
        &["install", "--catalogue", file, "--from", from, "styles"],
        data.path(),
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    let base = stderr.find("base: installed").expect(&stderr);
    let styles = stderr.find("styles: installed").expect(&stderr);
    assert!(base < styles, "{stderr}");
    let root = data.path().join("briefcast/voices");
    assert_eq!(std::fs::read(root.join("styles/zf_a.bin")).unwrap(), a);
    assert_eq!(std::fs::read(root.join("styles/zm_b.bin")).unwrap(), b);
    assert_eq!(
        std::fs::read(root.join("base/model.onnx")).unwrap(),
        b"model"
    );

    let list = voices(&["list", "--catalogue", file], data.path());
    let list = String::from_utf8_lossy(&list.stdout);
    assert!(list.contains("styles  [kokoro, 0 MB, installed]"), "{list}");
    assert!(list.contains("needs: base"), "{list}");
    assert!(
        list.lines()
            .any(|l| l.contains("kokoro:zm_b") && l.ends_with("man, Mandarin")),
        "{list}"
    );

    // Removing the style pack leaves the model other packs need.
    let output = voices(&["remove", "--catalogue", file, "styles"], data.path());
    assert!(output.status.success());
    assert!(!root.join("styles").exists());
    assert!(root.join("base/model.onnx").is_file());
}

#[test]
fn a_tarball_that_is_not_the_pinned_one_installs_nothing() {
    let mirror = tempfile::tempdir().unwrap();
    let data = tempfile::tempdir().unwrap();
    let a = vec![1u8; 64];
    let b = vec![2u8; 64];
    let pinned = npm_tarball(&[
        ("package/voices/zf_a.bin", &a),
        ("package/voices/zm_b.bin", &b),
    ]);
    let text = catalogue(mirror.path(), &pinned, &[("zf_a", &a), ("zm_b", &b)]);
    // The mirror holds another tarball of the same name: same members,
    // one of them changed.
    let other = npm_tarball(&[
        ("package/voices/zf_a.bin", &a),
        ("package/voices/zm_b.bin", &[3u8; 64]),
    ]);
    std::fs::write(mirror.path().join("pkg-1.2.1.tgz"), other).unwrap();
    let file = mirror.path().join("catalogue.toml");
    std::fs::write(&file, text).unwrap();
    let output = voices(
        &[
            "install",
            "--catalogue",
            file.to_str().unwrap(),
            "--from",
            mirror.path().to_str().unwrap(),
            "styles",
        ],
        data.path(),
    );
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("styles: zf_a.bin: pkg-1.2.1.tgz: sha256"),
        "{stderr}"
    );
    assert_eq!(
        stderr.trim().lines().last().map(|l| l.len() < 400),
        Some(true),
        "{stderr}"
    );
    let root = data.path().join("briefcast/voices");
    assert!(!root.join("styles").exists());
    // What it needs was installed first and stays: it was what was pinned.
    assert!(root.join("base/model.onnx").is_file());
}
