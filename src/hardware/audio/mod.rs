//! Audio: rodio playback on an ALSA device, and a WAV-file back-end for tests.
