//! Picture files as the camera simulators and `detect` read them: any bytes, under any of the
//! extensions moodbox reads, must decode or fail with an error, within the pixel budget.
#![no_main]

use libfuzzer_sys::fuzz_target;
use moodbox_media::image_file::{load_rgb, MAX_PIXELS};

const EXTENSIONS: [&str; 5] = ["png", "jpg", "bmp", "ppm", "pgm"];

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
    if let Ok(image) = load_rgb(&path) {
        assert!(u64::from(image.width()) * u64::from(image.height()) <= MAX_PIXELS);
    }
    let _ = std::fs::remove_file(&path);
});
