//! The card's mixer through the ALSA simple-mixer API (the `alsa` crate cpal already builds).

use alsa::mixer::{MilliBel, Mixer, Selem, SelemId};
use alsa::Round;

use super::{ControlInfo, MixerBackend, MixerError, Setting};

/// The simple mixer of one card.
pub struct AlsaMixer {
    mixer: Mixer,
    card: String,
}

fn failed(card: &str, what: &str, e: alsa::Error) -> MixerError {
    MixerError(format!("{card}: {what}: {e}"))
}

impl AlsaMixer {
    /// `card` is a control name: `hw:CARD=Headphones`, `hw:0` or `default`.
    pub fn open(card: &str) -> Result<AlsaMixer, MixerError> {
        let mixer =
            Mixer::new(card, false).map_err(|e| failed(card, "cannot open its mixer", e))?;
        Ok(AlsaMixer {
            mixer,
            card: card.to_string(),
        })
    }

    fn selem(&self, c: &ControlInfo) -> Result<Selem<'_>, MixerError> {
        self.mixer
            .find_selem(&SelemId::new(&c.name, c.index))
            .ok_or_else(|| MixerError(format!("{}: control {:?} is gone", self.card, c.name)))
    }
}

impl MixerBackend for AlsaMixer {
    fn card(&self) -> String {
        self.card.clone()
    }

    fn controls(&mut self) -> Result<Vec<ControlInfo>, MixerError> {
        // Pick up changes others made (alsamixer, a replugged card) since the last call.
        let _ = self.mixer.handle_events();
        let mut out = Vec::new();
        for selem in self.mixer.iter().filter_map(Selem::new) {
            if !selem.has_playback_volume() {
                continue;
            }
            let id = selem.get_id();
            let (lo, hi) = selem.get_playback_db_range();
            out.push(ControlInfo {
                name: id.get_name().unwrap_or("").to_string(),
                index: id.get_index(),
                raw: selem.get_playback_volume_range(),
                db: (lo.0 < hi.0).then_some((lo.0, hi.0)),
                has_switch: selem.has_playback_switch(),
            });
        }
        Ok(out)
    }

    fn apply(&mut self, c: &ControlInfo, s: Setting) -> Result<(), MixerError> {
        let selem = self.selem(c)?;
        let r = match s {
            Setting::Db(v) => selem.set_playback_db_all(MilliBel(v), Round::Floor),
            Setting::Raw(v) => selem.set_playback_volume_all(v),
        };
        r.map_err(|e| failed(&self.card, &format!("cannot set {:?}", c.name), e))
    }

    fn set_switch(&mut self, c: &ControlInfo, on: bool) -> Result<(), MixerError> {
        self.selem(c)?
            .set_playback_switch_all(i32::from(on))
            .map_err(|e| failed(&self.card, &format!("cannot unmute {:?}", c.name), e))
    }
}
