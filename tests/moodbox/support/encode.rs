//! Writing generated audio as MP3, FLAC, Ogg Vorbis and AAC files through the Debian
//! encoders `lame`, `flac`, `oggenc` and `ffmpeg` (installed by `scripts/setup`), for the
//! tests of every format moodbox reads.

use std::path::Path;
use std::process::Command;

use moodbox::synth::write_wav;

/// A Debian command-line encoder that turns a WAV file into another format.
struct Encoder {
    program: &'static str,
    /// The arguments, with `IN` for the source WAV and `OUT` for the file to write.
    args: &'static [&'static str],
}

/// The encoder for a file extension (lower case); `None` for WAV and unknown formats.
fn encoder(ext: &str) -> Option<Encoder> {
    let (program, args): (_, &[&str]) = match ext {
        "mp3" => ("lame", &["--quiet", "-b", "128", "IN", "OUT"]),
        "flac" => ("flac", &["--silent", "-f", "-o", "OUT", "IN"]),
        "ogg" => ("oggenc", &["-Q", "-q", "4", "-o", "OUT", "IN"]),
        "m4a" | "aac" => (
            "ffmpeg",
            &[
                "-nostdin",
                "-loglevel",
                "error",
                "-y",
                "-i",
                "IN",
                "-c:a",
                "aac",
                "-b:a",
                "128k",
                "OUT",
            ],
        ),
        _ => return None,
    };
    Some(Encoder { program, args })
}

/// Writes mono `samples` as the format `path`'s extension names: WAV directly; MP3, FLAC,
/// Ogg Vorbis and AAC (M4A or raw ADTS `.aac`) through the Debian encoders `lame`, `flac`,
/// `oggenc` and `ffmpeg` (installed by `scripts/setup`). Stereo files get the same signal on
/// both channels.
pub fn write_audio_file(
    path: &Path,
    samples: &[f32],
    sample_rate: u32,
    channels: u16,
) -> Result<(), String> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    if ext == "wav" {
        return write_wav(path, samples, sample_rate, channels).map_err(|e| e.to_string());
    }
    let Some(Encoder { program, args, .. }) = encoder(&ext) else {
        return Err(format!("no encoder for .{ext} files"));
    };
    let mut wav = path.as_os_str().to_owned();
    wav.push(".source.wav");
    let wav = std::path::PathBuf::from(wav);
    write_wav(&wav, samples, sample_rate, channels).map_err(|e| e.to_string())?;
    let mut command = Command::new(program);
    for arg in args {
        match *arg {
            "IN" => command.arg(&wav),
            "OUT" => command.arg(path),
            other => command.arg(other),
        };
    }
    let status = command.status();
    let _ = std::fs::remove_file(&wav);
    match status {
        Ok(s) if s.success() => Ok(()),
        Ok(s) => Err(format!("{program} failed ({s}) writing {}", path.display())),
        Err(e) => Err(format!(
            "the encoder `{program}` cannot run ({e}): run scripts/setup to install lame, flac, vorbis-tools and ffmpeg"
        )),
    }
}
