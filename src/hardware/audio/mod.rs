//! Audio: rodio playback on an ALSA device, and a WAV-file back-end for tests.
//!
//! [`Player`] runs on a thread of its own and takes commands (play a queue, append, skip,
//! pause, resume, stop, volume); it reports [`PlayerEvent`]s (song started, first sample
//! out, song ended or failed, device lost and reopened, queue finished) on a tokio channel.
//!
//! | driver | output                                                                   |
//! |--------|--------------------------------------------------------------------------|
//! | `alsa` | the ALSA device named by `[audio] device` (`default` if unset), via cpal |
//! | `wav`  | a 16-bit WAV file at `wav_path`, pulled at `wav_speed` times real time   |
//! | `none` | pulled at `wav_speed` times real time and discarded                      |
//!
//! All three decode with rodio (symphonia: MP3, FLAC, Ogg Vorbis, WAV, AAC/M4A, ...) and mix
//! through the same rodio mixer with the same per-song controls and volume; only what pulls the
//! mixed samples differs. A song that fails to open or decode, or whose decoder panics, is
//! skipped with a log line and a [`PlayerEvent::TrackFailed`]; the queue goes on.
//!
//! ## Troubleshooting
//!
//! ### `no ALSA output device "..."; available: ...`
//! Copy one of the listed names into `[audio] device`. `aplay -l` lists the cards; a card can
//! be named by its id (`hw:CARD=Headphones`, or just `Headphones`), which unlike the card
//! number does not change between boots.
//!
//! ### `cannot open ALSA output device ...: Device or resource busy`
//! Another program holds the card (PulseAudio/PipeWire on a desktop image, another player).
//! Use `device = "default"` to go through the sound server, or stop the other program.
//!
//! ### `Permission denied`
//! Add the user to the `audio` group (`sudo usermod -aG audio $USER`); the systemd unit does
//! it with `SupplementaryGroups=audio`.
//!
//! ### No sound from the Pi's headphone jack
//! Raspberry Pi 4 and 3: the jack is card `Headphones` (`hw:CARD=Headphones`); check it is not
//! muted with `alsamixer -c Headphones` and that `dtparam=audio=on` is in
//! `/boot/firmware/config.txt`. Raspberry Pi 5 and Zero 2 W have no jack: use a USB sound
//! card (often card `Device`) or an I2S DAC HAT. `speaker-test -D <device> -c 2 -t wav` tests
//! a device without moodbox.
//!
//! ### `audio device lost`
//! The card vanished (USB adapter unplugged) or kept failing. Playback pauses and the device
//! is reopened by name every few seconds; the song resumes where it stopped.
//!
//! ### A song is skipped with `cannot decode`
//! The file is damaged or not audio; the log names it. The rest of the queue still plays.
//!
//! ### Playback stutters
//! The CPU is busy (an inference during playback on a Pi Zero) or the card's buffer is too
//! small; run `moodbox bench` and watch for underrun messages in the journal.

#[cfg(feature = "alsa")]
mod alsa;
mod cards;
mod control;
mod error;
mod output;
mod player;
mod pull;
mod track;
pub mod volume;

#[cfg(feature = "alsa")]
pub use self::alsa::is_device_gone;
pub use cards::{parse_card_ref, parse_cards, CardInfo, CardRef, ErrorStorm};
pub use error::AudioError;
pub use player::{EndReason, Player, PlayerEvent};
pub use track::{open_track, TrackSignal, TrackSource};
