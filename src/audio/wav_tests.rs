//! Tests of the episode WAV writer and its strict reader.

use super::*;

fn hex(s: &str) -> Vec<u8> {
    let digits: Vec<u8> = s.bytes().filter(u8::is_ascii_hexdigit).collect();
    let byte = |p: &[u8]| u8::from_str_radix(std::str::from_utf8(p).unwrap(), 16).unwrap();
    digits.chunks(2).map(byte).collect()
}

fn mark(start_frame: u32, length_frames: u32, title: &str) -> ChapterMark {
    let title = title.to_string();
    ChapterMark {
        start_frame,
        length_frames,
        title,
    }
}

fn info() -> InfoTags {
    let (title, artist, software) = ("Ep 1".into(), "Ada".into(), "bc".into());
    let (created, comment) = (Some("2026-11-27".into()), None);
    InfoTags {
        title,
        artist,
        software,
        created,
        comment,
    }
}

type Extra<'a> = &'a [(&'a [u8; 4], Vec<u8>)];

/// Writes an episode at 48 kHz into a fresh temp dir; returns (dir guard, path, file bytes).
fn episode(bits: u16, v: &[f32], ch: &[ChapterMark], extra: Extra) -> (TempDir, PathBuf, Vec<u8>) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("episode.wav");
    let mut w = EpisodeWriter::create(&path, 48000, bits).unwrap();
    w.write(v).unwrap();
    assert_eq!(w.frames(), v.len() as u64);
    assert_eq!(w.finish_with(ch, &info(), extra).unwrap(), v.len() as u64);
    let bytes = std::fs::read(&path).unwrap();
    (dir, path, bytes)
}
use tempfile::TempDir;

/// Asserts RIFF size == len - 8 and every chunk at an even offset; returns the chunk ids.
fn check_layout(bytes: &[u8]) -> Vec<String> {
    assert_eq!(
        u32_at(bytes, 4).unwrap() as usize,
        bytes.len() - 8,
        "RIFF size"
    );
    let chunks = read_chunks(bytes).unwrap();
    assert!(chunks.iter().all(|c| c.offset % 2 == 0), "odd chunk offset");
    chunks.into_iter().map(|c| c.id).collect()
}

/// (rate, bits, samples) as hound reads them back.
fn hound_read(path: &Path) -> (u32, u16, Vec<i32>) {
    let mut r = hound::WavReader::open(path).unwrap();
    let (spec, samples) = (r.spec(), r.samples::<i32>().map(Result::unwrap).collect());
    assert_eq!(spec.channels, 1);
    (spec.sample_rate, spec.bits_per_sample, samples)
}

#[test]
fn builders_match_hand_written_bytes() {
    let ch = [mark(0, 96000, "Intro"), mark(96000, 144000, "Main")];
    let cue = hex("63756520 34000000 02000000
        01000000 00000000 64617461 00000000 00000000 00000000
        02000000 00770100 64617461 00000000 00000000 00770100");
    assert_eq!(cue_chunk(&ch), cue);
    let adtl = hex("4c495354 60000000 6164746c
        6c61626c 0a000000 01000000 496e74726f00
        6c61626c 09000000 02000000 4d61696e00 00
        6c747874 14000000 01000000 00770100 72676e20 0000000000000000
        6c747874 14000000 02000000 80320200 72676e20 0000000000000000");
    assert_eq!(adtl_list(&ch), adtl);
    let list = hex("4c495354 3e000000 494e464f
        494e414d 05000000 45702031 00 00
        49415254 04000000 416461 00
        49534654 03000000 6263 00 00
        49435244 0b000000 323032362d31312d3237 00 00");
    assert_eq!(info_list(&info()), list);
    assert_eq!(chunk(b"bext", b"ab\0x"), hex("62657874 04000000 61620078"));
    assert_eq!(
        chunk(b"test", b"\0\x01\0"),
        hex("74657374 03000000 000100 00")
    );
}

#[test]
fn episode_round_trips_markers_samples_and_layout() {
    let samples: Vec<f32> = (0..1001).map(|i| (i as f32 * 0.05).sin() * 0.8).collect();
    let cjk = "提高站位，强化领导";
    let ch = [
        mark(0, 400, "Intro"),
        mark(400, 400, cjk),
        mark(800, 201, "Outro!"),
    ];
    let (_dir, path, bytes) = episode(16, &samples, &ch, &[]);
    assert_eq!(
        check_layout(&bytes),
        ["fmt ", "data", "cue ", "LIST", "LIST"]
    );
    let chunks = read_chunks(&bytes).unwrap();
    assert_eq!(chunks[2].data, cue_chunk(&ch)[8..]);
    assert_eq!(chunks[3].data, adtl_list(&ch)[8..]);
    assert_eq!(chunks[4].data, info_list(&info())[8..]);
    // Odd-length labl ("Outro!": 4 + 6 + 1 = 11) is followed by a pad byte.
    let outro = [&b"labl\x0b\0\0\0\x03\0\0\0"[..], b"Outro!\0\0"].concat();
    assert!(chunks[3].data.windows(outro.len()).any(|w| w == outro));
    let markers = read_markers(&bytes).unwrap();
    let got: Vec<_> = markers
        .iter()
        .map(|m| (m.id, m.start_frame, m.title.as_str()))
        .collect();
    assert_eq!(got, [(1, 0, "Intro"), (2, 400, cjk), (3, 800, "Outro!")]);
    let lengths: Vec<_> = markers.iter().map(|m| m.length_frames).collect();
    assert_eq!(lengths, [Some(400), Some(400), Some(201)]);
    let want = samples
        .iter()
        .map(|&s| (f64::from(s) * 32767.0).round() as i32);
    assert_eq!(hound_read(&path), (48000, 16, want.collect()));
}

#[test]
fn odd_24bit_data_is_padded_and_extra_chunks_appended() {
    let extra: Extra = &[(b"bext", vec![7; 3])];
    let (_dir, path, bytes) = episode(24, &[1.0, -1.0, 0.25], &[mark(1, 2, "x")], extra);
    let ids = check_layout(&bytes);
    assert_eq!(ids, ["fmt ", "data", "cue ", "LIST", "LIST", "bext"]);
    let chunks = read_chunks(&bytes).unwrap();
    assert_eq!(chunks[1].data.len(), 9);
    assert_eq!(chunks[5].data, [7, 7, 7]);
    assert_eq!(bytes.len(), chunks[5].offset + 4); // 3 bytes + pad
    let want = vec![8_388_607, -8_388_607, 2_097_152];
    assert_eq!(hound_read(&path), (48000, 24, want));
}

#[test]
fn write_clamps_rounds_and_skips_empty_chapters() {
    let v = [0.5, -1.5, 1.0, f32::NAN, 1e-5, -0.5];
    let (_dir, path, bytes) = episode(16, &v, &[], &[]);
    assert_eq!(check_layout(&bytes), ["fmt ", "data", "LIST"]);
    assert!(read_markers(&bytes).unwrap().is_empty());
    let want = vec![16384, -32767, 32767, 0, 0, -16384];
    assert_eq!(hound_read(&path), (48000, 16, want));
}

#[test]
fn bad_arguments_and_chapters_are_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("e.wav");
    let create = |rate, bits| EpisodeWriter::create(&path, rate, bits).err().unwrap();
    assert!(matches!(create(48000, 8), WavError::UnsupportedBits(8)));
    assert!(matches!(create(0, 16), WavError::ZeroRate));
    let bad = |chapters: &[ChapterMark]| {
        let mut w = EpisodeWriter::create(&path, 48000, 16).unwrap();
        w.write(&[0.1; 100]).unwrap();
        w.finish(chapters, &info()).unwrap_err().to_string()
    };
    let e = bad(&[mark(0, 50, "a"), mark(50, 51, "b")]);
    assert!(e.contains("chapter 2 (\"b\") ends at frame 101"), "{e}");
    assert!(bad(&[mark(10, 5, "a"), mark(5, 5, "b")]).contains("in order"));
    let missing = Path::new("/nonexistent-dir/e.wav");
    let e = EpisodeWriter::create(missing, 48000, 16).err().unwrap();
    // The folder is named: the file's own name is a temporary one.
    assert!(
        e.to_string()
            .starts_with("cannot write the episode WAV in /nonexistent-dir: "),
        "{e}"
    );
}

#[test]
fn readers_reject_broken_files() {
    assert!(read_chunks(b"RIFX\0\0\0\0WAVE").is_err());
    let (_dir, _path, bytes) = episode(16, &[0.1; 4], &[mark(0, 4, "a")], &[]);
    let e = read_markers(&bytes[..bytes.len() - 3])
        .unwrap_err()
        .to_string();
    assert!(e.contains("\"LIST\"") && e.contains("claims"), "{e}");
    let mut bad_cue = bytes.clone();
    let at = read_chunks(&bytes).unwrap()[2].offset;
    bad_cue[at] = 2; // cue claims 2 points, holds 1
    assert!(read_markers(&bad_cue)
        .unwrap_err()
        .to_string()
        .contains("2 points"));
}

#[test]
fn ffprobe_reads_chapters_and_tags() {
    let cjk = "提高站位，强化领导";
    let ch = [
        mark(0, 24000, "Intro"),
        mark(24000, 24000, cjk),
        mark(48000, 24000, "Outro!"),
    ];
    let (_dir, path, _) = episode(16, &vec![0.01; 72000], &ch, &[]);
    let out = std::process::Command::new("ffprobe")
        .args("-v error -show_chapters -show_format -of json".split(' '))
        .arg(&path)
        .output()
        .unwrap_or_else(|e| panic!("this test needs ffprobe on PATH (install ffmpeg): {e}"));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "ffprobe failed: {stderr}");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let chapters = json["chapters"]
        .as_array()
        .expect("no chapters from ffprobe");
    let show = |c: &serde_json::Value| format!("{} {}", c["start_time"], c["tags"]["title"]);
    let got: Vec<String> = chapters.iter().map(show).collect();
    let want = [
        r#""0.000000" "Intro""#,
        r#""0.500000" "提高站位，强化领导""#,
    ];
    assert_eq!(got, [want[0], want[1], r#""1.000000" "Outro!""#]);
    let tags = &json["format"]["tags"];
    let tags = [
        &tags["title"],
        &tags["artist"],
        &tags["encoder"],
        &tags["date"],
    ];
    assert_eq!(tags, ["Ep 1", "Ada", "bc", "2026-11-27"]);
}

#[test]
fn head_chunks_stand_before_data_and_are_rewritten_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("e.wav");
    let head: Extra = &[(b"cart", vec![1; 6])];
    let mut w = EpisodeWriter::create_with_head(&path, 48000, 16, head).unwrap();
    w.write(&[0.5; 5]).unwrap();
    assert!(
        w.rewrite_head(b"cart", vec![2; 4]).is_err(),
        "another length"
    );
    assert!(
        w.rewrite_head(b"bext", vec![2; 6]).is_err(),
        "not a head chunk"
    );
    w.rewrite_head(b"cart", vec![9; 6]).unwrap();
    w.finish(&[mark(0, 5, "a")], &info()).unwrap();
    let bytes = std::fs::read(&path).unwrap();
    let ids = check_layout(&bytes);
    assert_eq!(ids, ["fmt ", "cart", "data", "cue ", "LIST", "LIST"]);
    assert_eq!(read_chunks(&bytes).unwrap()[1].data, [9; 6]);
    assert_eq!(hound_read(&path), (48000, 16, vec![16384; 5]));
    assert_eq!(read_markers(&bytes).unwrap()[0].start_frame, 0);
}
