//! Song files as indexing reads them: the picture-free view, the tags, and the decode check,
//! for any bytes under any of the extensions moodbox indexes. An error, never a panic or an
//! unbounded allocation (libFuzzer's -rss_limit_mb catches those).
#![no_main]

use std::io::Read;

use libfuzzer_sys::fuzz_target;
use moodbox_media::decode::{check_playable, decode_mono};
use moodbox_media::song_file::SongFile;
use moodbox_media::tags::read_tags;

const EXTENSIONS: [&str; 7] = ["mp3", "flac", "ogg", "wav", "m4a", "aac", "oga"];

fuzz_target!(|data: &[u8]| {
    // A decoder panic that moodbox catches costs one file, as designed; only one that gets
    // past its guards is a crash.
    static QUIET: std::sync::Once = std::sync::Once::new();
    QUIET.call_once(moodbox_media::panic::install_hook);
    let Some((&pick, bytes)) = data.split_first() else {
        return;
    };
    let ext = EXTENSIONS[usize::from(pick) % EXTENSIONS.len()];
    let path = std::env::temp_dir().join(format!("moodbox-fuzz-{}.{ext}", std::process::id()));
    std::fs::write(&path, bytes).unwrap();
    if let Ok(mut view) = SongFile::open(&path) {
        let mut all = Vec::new();
        view.read_to_end(&mut all).unwrap();
        assert_eq!(all.len() as u64, view.len());
    }
    let _ = read_tags(&path);
    if check_playable(&path).is_ok() {
        let _ = decode_mono(&path, 0.0, 5.0);
    }
    let _ = std::fs::remove_file(&path);
});
