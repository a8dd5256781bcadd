//! A briefcast project in a temporary folder: voices.toml, scripts, and a
//! way to run the real executable on it.

use std::path::{Path, PathBuf};
use std::process::Output;

pub struct Project {
    pub dir: tempfile::TempDir,
}

/// What a run printed and how it ended.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Project {
    pub fn new() -> Project {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("scripts")).unwrap();
        Project { dir }
    }

    pub fn path(&self, relative: &str) -> PathBuf {
        self.dir.path().join(relative)
    }

    pub fn write(&self, relative: &str, text: &str) -> &Self {
        let path = self.path(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
        self
    }

    pub fn read(&self, relative: &str) -> Vec<u8> {
        std::fs::read(self.path(relative)).unwrap_or_else(|e| panic!("{relative}: {e}"))
    }

    /// voices.toml with one openai-kind service at `url` and one voice per speaker.
    pub fn openai_config(&self, url: &str, speakers: &[(&str, &str)], audio: &str) -> &Self {
        let mut text = format!(
            "[show]\ntitle = \"Test show\"\ndate = \"2024-05-01\"\n\n[audio]\n{audio}\n\n[services.fake]\nkind = \"openai\"\nurl = \"{url}\"\nretries = 5\ntimeout-ms = 5000\n\n[voices.v]\nservice = \"fake\"\nvoice = \"alloy\"\n\n[speakers]\n"
        );
        for (speaker, slug) in speakers {
            text.push_str(&format!(
                "\"{speaker}\" = {{ voice = \"v\", slug = \"{slug}\" }}\n"
            ));
        }
        self.write("voices.toml", &text)
    }

    pub fn run(&self, args: &[&str]) -> Run {
        self.run_with(args, &[])
    }

    pub fn run_with(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        let output: Output = crate::support::briefcast()
            .args(args)
            .current_dir(self.dir.path())
            .env("BRIEFCAST_TIME_SCALE", "0.01")
            .envs(env.iter().copied())
            .output()
            .unwrap();
        Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    /// Start the executable without waiting for it (stdout and stderr piped).
    pub fn spawn(&self, args: &[&str]) -> std::process::Child {
        self.spawn_with(args, &[])
    }

    /// [`Project::spawn`] with more environment variables.
    pub fn spawn_with(&self, args: &[&str], env: &[(&str, &str)]) -> std::process::Child {
        crate::support::briefcast()
            .args(args)
            .current_dir(self.dir.path())
            .env("BRIEFCAST_TIME_SCALE", "0.01")
            .envs(env.iter().copied())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    }

    /// Every file in `audio/` with its bytes and modification time.
    pub fn outputs(&self) -> Vec<(String, Vec<u8>, std::time::SystemTime)> {
        let mut files: Vec<_> = std::fs::read_dir(self.path("audio"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .map(|p| {
                let modified = p.metadata().unwrap().modified().unwrap();
                (
                    p.file_name().unwrap().to_string_lossy().into_owned(),
                    std::fs::read(&p).unwrap(),
                    modified,
                )
            })
            .collect();
        files.sort_by(|a, b| a.0.cmp(&b.0));
        files
    }

    /// Paths of every clip in the cache (not temporary files a killed write left).
    pub fn cached_clips(&self) -> Vec<PathBuf> {
        let mut clips = Vec::new();
        if let Ok(shards) = std::fs::read_dir(self.path(".briefcast/cache")) {
            // Shard folders only (not the cache's CACHEDIR.TAG).
            for shard in shards.map(|s| s.unwrap().path()).filter(|p| p.is_dir()) {
                for file in std::fs::read_dir(shard).unwrap() {
                    let path = file.unwrap().path();
                    let name = path.file_name().unwrap().to_string_lossy().into_owned();
                    // Not temporaries, nor a clip's aligned word times.
                    if !name.starts_with('.') && !name.ends_with(".words.json") {
                        clips.push(path);
                    }
                }
            }
        }
        clips.sort();
        clips
    }

    pub fn exists(&self, relative: &str) -> bool {
        Path::new(&self.path(relative)).exists()
    }
}
