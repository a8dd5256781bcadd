//! A stable-toolchain stand-in for `cargo fuzz`: mutates seed inputs
//! (bit flips, byte edits, splices, structural tokens) and runs every
//! fuzzed entry point on them for the given number of seconds, saving any
//! input that panics under `fuzz/artifacts/`.
//!
//!     cargo run --release --bin smoke -- 120 [seed]

use std::panic;
use std::path::Path;
use std::time::{Duration, Instant};

type Target = (&'static str, fn(&[u8]));

const TOKENS: &[&[u8]] = &[
    b"+++\n",
    b"\n",
    b"\r\n",
    b"\n\n",
    b"## ",
    b"# ",
    b"- ",
    b"* ",
    b"**",
    b"[",
    b"](",
    b")",
    "\u{feff}".as_bytes(),
    "。".as_bytes(),
    "！".as_bytes(),
    "？".as_bytes(),
    "，".as_bytes(),
    "□".as_bytes(),
    "■".as_bytes(),
    "——".as_bytes(),
    "本版由".as_bytes(),
    "供稿".as_bytes(),
    "责任编辑：".as_bytes(),
    "（下转第2版）".as_bytes(),
    "年".as_bytes(),
    "月".as_bytes(),
    "%".as_bytes(),
    "万".as_bytes(),
    "亿".as_bytes(),
    "第".as_bytes(),
    "２".as_bytes(),
    b"0",
    b"9",
    b"12:05",
    b"222.98",
    b"-",
    b".",
    b"1e99",
    b"99999999999999999999",
    b"speaker = \"",
    b"title = \"",
    b"order = ",
    b"\"",
    b"'''",
    b"\\u0000",
    b"RIFF",
    b"WAVE",
    b"fmt ",
    b"data",
    b"LIST",
    b"\xff\xff\xff\xff",
    b"\0\0\0\0",
    b"\xfe\xff",
    b"\x01\0",
    b"\x03\0",
    b"\xff",
    b"\xe6\x9f",
];

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

fn mutate(rng: &mut Rng, input: &mut Vec<u8>, seeds: &[Vec<u8>]) {
    for _ in 0..1 + rng.below(8) {
        let at = rng.below(input.len() + 1);
        match rng.below(8) {
            0 if !input.is_empty() => {
                let i = rng.below(input.len());
                input[i] ^= 1 << rng.below(8);
            }
            1 if !input.is_empty() => {
                let i = rng.below(input.len());
                input[i] = rng.next() as u8;
            }
            2 if at < input.len() => {
                let end = (at + 1 + rng.below(16)).min(input.len());
                input.drain(at..end);
            }
            3 | 4 => {
                let token = TOKENS[rng.below(TOKENS.len())];
                input.splice(at..at, token.iter().copied());
            }
            5 => {
                let other = &seeds[rng.below(seeds.len())];
                let from = rng.below(other.len());
                let end = (from + rng.below(256)).min(other.len());
                input.splice(at..at, other[from..end].iter().copied());
            }
            6 if input.len() >= 4 => {
                // a little-endian size field somewhere: an extreme value
                let i = rng.below(input.len() - 3);
                let value: u32 = [0, 1, 0x7FFF_FFFF, 0xFFFF_FFFF, 0x8000_0000, 2][rng.below(6)];
                input[i..i + 4].copy_from_slice(&value.to_le_bytes());
            }
            _ => {
                let at = rng.below(input.len() + 1);
                let n = rng.below(64);
                let byte = rng.next() as u8;
                input.splice(at..at, std::iter::repeat_n(byte, n));
            }
        }
    }
    input.truncate(1 << 16);
}

fn wav(rate: u32, channels: u16, bits: u16, samples: usize) -> Vec<u8> {
    let block = channels * bits / 8;
    let data = samples * block as usize;
    let mut out = Vec::new();
    out.extend_from_slice(b"RIFF");
    out.extend_from_slice(&(36 + data as u32).to_le_bytes());
    out.extend_from_slice(b"WAVEfmt \x10\0\0\0\x01\0");
    out.extend_from_slice(&channels.to_le_bytes());
    out.extend_from_slice(&rate.to_le_bytes());
    out.extend_from_slice(&(rate * block as u32).to_le_bytes());
    out.extend_from_slice(&block.to_le_bytes());
    out.extend_from_slice(&bits.to_le_bytes());
    out.extend_from_slice(b"data");
    out.extend_from_slice(&(data as u32).to_le_bytes());
    out.extend((0..data).map(|i| (i * 37 % 251) as u8));
    out
}

fn seeds(root: &Path) -> Vec<Vec<u8>> {
    let mut seeds = vec![
        wav(24_000, 1, 16, 400),
        wav(48_000, 2, 16, 300),
        wav(22_050, 1, 8, 200),
        wav(44_100, 2, 24, 100),
        b"+++\nspeaker = \"A\"\ntitle = \"T\"\n+++\n\nOne. Two!\n\n## C\n\n- item\n".to_vec(),
    ];
    for dir in ["scripts", "tests/fixtures"] {
        if let Ok(entries) = std::fs::read_dir(root.join(dir)) {
            for entry in entries.flatten() {
                if let Ok(bytes) = std::fs::read(entry.path()) {
                    seeds.push(bytes);
                }
            }
        }
    }
    seeds
}

fn main() {
    let mut args = std::env::args().skip(1);
    let seconds: u64 = args.next().and_then(|s| s.parse().ok()).unwrap_or(60);
    let seed: u64 = args.next().and_then(|s| s.parse().ok()).unwrap_or(0x5EED);
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let seeds = seeds(&root);
    let targets: [Target; 3] = [
        ("script_parser", briefcast_fuzz::script_parser),
        ("importer", briefcast_fuzz::importer),
        ("wav_decoder", briefcast_fuzz::wav_decoder),
    ];
    panic::set_hook(Box::new(|_| {}));
    let artifacts = root.join("fuzz/artifacts");
    let mut rng = Rng(seed | 1);
    let mut failures = 0;
    for (name, target) in targets {
        let deadline = Instant::now() + Duration::from_secs(seconds) / targets.len() as u32;
        let mut runs = 0u64;
        while Instant::now() < deadline {
            let mut input = seeds[rng.below(seeds.len())].clone();
            mutate(&mut rng, &mut input, &seeds);
            runs += 1;
            if let Err(payload) = panic::catch_unwind(|| target(&input)) {
                failures += 1;
                let message = payload
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default();
                let _ = std::fs::create_dir_all(&artifacts);
                let path = artifacts.join(format!("smoke-{name}-{runs}"));
                let _ = std::fs::write(&path, &input);
                println!(
                    "{name}: PANIC on run {runs} ({}): {message}",
                    path.display()
                );
                if failures > 20 {
                    std::process::exit(1);
                }
            }
        }
        println!("{name}: {runs} inputs");
    }
    std::process::exit(if failures > 0 { 1 } else { 0 });
}
