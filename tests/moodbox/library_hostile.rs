//! Hostile and broken files: random bytes, damaged real files and headers asking for absurd
//! sizes, under every audio extension. Each must cost at most its own track: the scan
//! finishes, every file is either a song or skipped with a reason, and the index is sound.

use crate::support;

use std::path::Path;

use moodbox::library::LibraryIndex;
use moodbox::synth::{self, SongRecipe};
use moodbox_core::song::SongFilter;
use moodbox_media::decode::guarded;
use support::library_audio::{write_audio, SAMPLE_RATE};

/// A small deterministic byte source.
struct Bytes(u64);

impl Bytes {
    fn next(&mut self) -> u8 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 32) as u8
    }

    fn fill(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next()).collect()
    }
}

fn wav_header(channels: u16, rate: u32, bits: u16, data_len: u32) -> Vec<u8> {
    let mut h = Vec::new();
    h.extend_from_slice(b"RIFF");
    h.extend_from_slice(&u32::MAX.to_le_bytes());
    h.extend_from_slice(b"WAVEfmt ");
    h.extend_from_slice(&16u32.to_le_bytes());
    h.extend_from_slice(&1u16.to_le_bytes());
    h.extend_from_slice(&channels.to_le_bytes());
    h.extend_from_slice(&rate.to_le_bytes());
    h.extend_from_slice(&(rate.wrapping_mul(channels as u32 * bits as u32 / 8)).to_le_bytes());
    h.extend_from_slice(&(channels.wrapping_mul(bits / 8)).to_le_bytes());
    h.extend_from_slice(&bits.to_le_bytes());
    h.extend_from_slice(b"data");
    h.extend_from_slice(&data_len.to_le_bytes());
    h
}

fn write_hostile_files(dir: &Path) -> usize {
    let mut rng = Bytes(0x5EED_1234_ABCD_0001);
    let mut count = 0;
    let mut put = |name: String, bytes: Vec<u8>| {
        std::fs::write(dir.join(name), bytes).unwrap();
        count += 1;
    };
    for ext in ["mp3", "flac", "ogg", "wav", "m4a", "aac"] {
        for size in [1, 3, 33, 512, 4096, 70_000] {
            put(format!("random-{size}.{ext}"), rng.fill(size));
        }
    }
    // Real headers that ask for absurd things.
    put(
        "channels-65535.wav".into(),
        [wav_header(65535, 44_100, 16, 1 << 30), rng.fill(4096)].concat(),
    );
    put(
        "rate-zero.wav".into(),
        [wav_header(2, 0, 16, 1 << 20), rng.fill(4096)].concat(),
    );
    put(
        "bits-zero.wav".into(),
        [wav_header(2, 44_100, 0, 1 << 20), rng.fill(4096)].concat(),
    );
    put(
        "huge-data.wav".into(),
        [wav_header(2, 44_100, 16, u32::MAX), rng.fill(8192)].concat(),
    );
    let mut id3 = b"ID3\x04\x00\x00\x7f\x7f\x7f\x7f".to_vec(); // a 256 MB tag, 64 bytes long
    id3.extend(rng.fill(54));
    put("huge-id3.mp3".into(), id3);
    let mut id3_33 = b"ID3\x03\x00\x00\x00\x00\x00\x17".to_vec(); // symphonia #485's shape
    id3_33.extend(rng.fill(23));
    put("id3-33-bytes.mp3".into(), id3_33);
    let mut flac = b"fLaC\x00\x00\x00\x22".to_vec(); // STREAMINFO with absurd block sizes
    flac.extend_from_slice(&[0xff, 0xff, 0xff, 0xff]);
    flac.extend(rng.fill(30 + 4096));
    put("streaminfo.flac".into(), flac);
    let mut ogg = b"OggS\x00\x02".to_vec();
    ogg.extend(rng.fill(4096));
    put("pages.ogg".into(), ogg);
    let mut mp4 = 0xffff_fff0u32.to_be_bytes().to_vec();
    mp4.extend_from_slice(b"ftypM4A ");
    mp4.extend(rng.fill(4096));
    put("huge-box.m4a".into(), mp4);
    count
}

/// Real songs with bytes flipped all over them.
fn write_damaged_songs(dir: &Path) -> usize {
    let song = synth::render(&SongRecipe::happy(3, 6.0), SAMPLE_RATE);
    let mut rng = Bytes(0xDA4A_6ED0_0000_0002);
    let mut count = 0;
    for ext in ["wav", "mp3", "flac", "ogg"] {
        let clean = dir.join(format!("clean.{ext}"));
        write_audio(&clean, &song, SAMPLE_RATE, 1);
        let bytes = std::fs::read(&clean).unwrap();
        std::fs::remove_file(&clean).unwrap();
        for variant in 0..6 {
            let mut damaged = bytes.clone();
            let flips = 4 + variant * 20;
            for _ in 0..flips {
                let at = (rng.next() as usize * 257 + rng.next() as usize * 65_537) % damaged.len();
                // Damage the header area more often: that is where the sizes live.
                let at = if variant % 2 == 0 { at % 256 } else { at };
                damaged[at] ^= rng.next() | 1;
            }
            std::fs::write(dir.join(format!("damaged-{variant}.{ext}")), damaged).unwrap();
            count += 1;
        }
    }
    count
}

#[test]
fn hostile_files_cost_one_track_each_never_the_scan() {
    let dir = tempfile::tempdir().unwrap();
    let music = dir.path().join("music");
    let hostile = music.join("hostile");
    let damaged = music.join("happy");
    std::fs::create_dir_all(&hostile).unwrap();
    std::fs::create_dir_all(&damaged).unwrap();
    let files = write_hostile_files(&hostile) + write_damaged_songs(&damaged);
    let good = music.join("calm/fine.flac");
    write_audio(
        &good,
        &synth::render(&SongRecipe::sad(1, 4.0), SAMPLE_RATE),
        SAMPLE_RATE,
        1,
    );

    let mut index = LibraryIndex::open(&dir.path().join("index.sqlite3")).unwrap();
    let report = index.index_music(&music, &mut |_| {}).unwrap();
    assert_eq!(report.files, files + 1);
    assert_eq!(
        report.added + report.skipped.len(),
        files + 1,
        "{report:#?}"
    );
    assert!(report.skipped.iter().all(|s| !s.reason.is_empty()));
    let songs = index.songs(&SongFilter::all()).unwrap();
    assert!(
        songs.iter().any(|s| s.path.ends_with("calm/fine.flac")),
        "the good song survives"
    );
    assert!(
        songs
            .iter()
            .all(|s| !s.path.starts_with(hostile.canonicalize().unwrap())),
        "no random file became a song: {songs:#?}"
    );
    assert!(index.integrity_ok().unwrap());
    println!(
        "{} files: {} songs, {} skipped",
        report.files,
        report.added,
        report.skipped.len()
    );
    for s in &report.skipped {
        println!(
            "  {}: {}",
            s.path.file_name().unwrap().to_string_lossy(),
            s.reason
        );
    }
}

#[test]
fn a_panicking_decoder_becomes_a_skip_reason() {
    let result: Result<(), String> = guarded("the decoder", || panic!("unreachable code reached"));
    let reason = result.unwrap_err();
    assert!(
        reason.contains("the decoder crashed") && reason.contains("unreachable code"),
        "{reason}"
    );
}
