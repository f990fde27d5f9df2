//! A sound card's mixer in memory: the wav and none drivers' simulated card (when `[audio]
//! mixer` names a control, the card has one by that name, shaped like the Pi jack's `PCM`),
//! and tests (cards shaped like real ones, unplugged at will). It can also keep its
//! settings in a state file, as `alsactl store` keeps a real card's, so a test of the whole
//! daemon can read what the card was set to.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};

use super::{ControlInfo, MixerBackend, MixerError, Setting};

#[derive(Debug, Default)]
struct CardState {
    name: String,
    controls: Vec<ControlInfo>,
    settings: BTreeMap<String, Setting>,
    unmuted: Vec<String>,
    gone: bool,
    state_file: Option<PathBuf>,
}

/// The card, shared between the mixers opened on it and whoever looks at it.
#[derive(Debug, Clone, Default)]
pub struct SimulatedCard {
    state: Arc<Mutex<CardState>>,
}

impl SimulatedCard {
    pub fn new(name: &str, controls: Vec<ControlInfo>) -> SimulatedCard {
        SimulatedCard {
            state: Arc::new(Mutex::new(CardState {
                name: name.to_string(),
                controls,
                ..CardState::default()
            })),
        }
    }

    /// A card with one control named `control`, shaped like the Pi jack's `PCM`
    /// (-102.39 dB to +4.00 dB in 0.01 dB steps, with a mute switch).
    pub fn with_control(name: &str, control: &str) -> SimulatedCard {
        SimulatedCard::new(
            name,
            vec![ControlInfo {
                name: control.to_string(),
                index: 0,
                raw: (-10239, 400),
                db: Some((-10239, 400)),
                has_switch: true,
            }],
        )
    }

    /// Writes every setting to `path` as it is made (`PCM: -24.00 dB` lines).
    pub fn keeping_state_in(self, path: PathBuf) -> SimulatedCard {
        self.lock().state_file = Some(path);
        self
    }

    /// A mixer opened on this card.
    pub fn mixer(&self) -> SimulatedMixer {
        SimulatedMixer { card: self.clone() }
    }

    /// What `control` was last set to.
    pub fn setting(&self, control: &str) -> Option<Setting> {
        self.lock().settings.get(control).copied()
    }

    /// Whether `control`'s switch was turned on.
    pub fn unmuted(&self, control: &str) -> bool {
        self.lock().unmuted.iter().any(|c| c == control)
    }

    /// Every call fails from now on, as with a card that was pulled out.
    pub fn unplug(&self) {
        self.lock().gone = true;
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, CardState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// A mixer on a [`SimulatedCard`].
pub struct SimulatedMixer {
    card: SimulatedCard,
}

impl SimulatedMixer {
    fn check(&self) -> Result<(), MixerError> {
        let state = self.card.lock();
        if state.gone {
            return Err(MixerError(format!("{}: No such device", state.name)));
        }
        Ok(())
    }
}

impl MixerBackend for SimulatedMixer {
    fn card(&self) -> String {
        self.card.lock().name.clone()
    }

    fn controls(&mut self) -> Result<Vec<ControlInfo>, MixerError> {
        self.check()?;
        Ok(self.card.lock().controls.clone())
    }

    fn apply(&mut self, control: &ControlInfo, setting: Setting) -> Result<(), MixerError> {
        self.check()?;
        let mut state = self.card.lock();
        state.settings.insert(control.name.clone(), setting);
        if let Some(path) = &state.state_file {
            let text: String = state
                .settings
                .iter()
                .map(|(name, s)| match s {
                    Setting::Db(v) => format!("{name}: {:.2} dB\n", *v as f64 / 100.0),
                    Setting::Raw(v) => format!("{name}: {v}\n"),
                })
                .collect();
            std::fs::write(path, text)
                .map_err(|e| MixerError(format!("{}: {}: {e}", state.name, path.display())))?;
        }
        Ok(())
    }

    fn set_switch(&mut self, control: &ControlInfo, on: bool) -> Result<(), MixerError> {
        self.check()?;
        let mut state = self.card.lock();
        state.unmuted.retain(|c| *c != control.name);
        if on {
            state.unmuted.push(control.name.clone());
        }
        Ok(())
    }
}
