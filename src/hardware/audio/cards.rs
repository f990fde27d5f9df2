//! Naming sound cards the way ALSA users do (`hw:CARD=Headphones`, `plughw:1`, `Headphones`),
//! reading `/proc/asound/cards`, and counting a storm of stream errors. No ALSA library here.

use std::time::{Duration, Instant};

/// Counts stream errors per one-second window.
#[derive(Debug)]
pub struct ErrorStorm {
    window_start: Instant,
    count: u32,
}

impl ErrorStorm {
    pub fn new(now: Instant) -> ErrorStorm {
        ErrorStorm {
            window_start: now,
            count: 0,
        }
    }

    /// Records one error at `now`; returns how many fell in the current window.
    pub fn record(&mut self, now: Instant) -> u32 {
        if now.duration_since(self.window_start) > Duration::from_secs(1) {
            self.window_start = now;
            self.count = 0;
        }
        self.count += 1;
        self.count
    }
}

/// A card named in an ALSA device string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CardRef {
    Index(u32),
    Id(String),
}

/// Reads the card out of `hw:CARD=Headphones,DEV=0`, `plughw:1,0`, `sysdefault:CARD=USB`,
/// `hw:Headphones` or a bare card id like `Headphones`. Also returns the device number when
/// one other than 0 is given (cpal opens device 0 of a card only).
pub fn parse_card_ref(name: &str) -> Option<(CardRef, u32)> {
    let args = match name.split_once(':') {
        Some((_, args)) => args,
        None => name,
    };
    let mut card = None;
    let mut dev = 0;
    for (i, arg) in args.split(',').map(str::trim).enumerate() {
        let (key, value) = match arg.split_once('=') {
            Some((k, v)) => (k.trim().to_ascii_uppercase(), v.trim().trim_matches('"')),
            None if i == 0 => ("CARD".to_string(), arg),
            None if i == 1 => ("DEV".to_string(), arg),
            None => continue,
        };
        match key.as_str() {
            "CARD" if !value.is_empty() => {
                card = Some(match value.parse() {
                    Ok(n) => CardRef::Index(n),
                    Err(_) => CardRef::Id(value.to_string()),
                })
            }
            "DEV" => dev = value.parse().unwrap_or(0),
            _ => {}
        }
    }
    card.map(|c| (c, dev))
}

/// The mixer (control) name of the card an output device is on: `hw:CARD=Headphones` for
/// `plughw:CARD=Headphones,DEV=0`, `hw:1` for `hw:1,0`, and `default` for `default`.
#[cfg_attr(not(feature = "alsa"), allow(dead_code))]
pub fn control_name_for(device: &str) -> String {
    if device.trim() == "default" {
        return "default".into();
    }
    match parse_card_ref(device) {
        Some((CardRef::Index(n), _)) => format!("hw:{n}"),
        Some((CardRef::Id(id), _)) => format!("hw:CARD={id}"),
        None => device.to_string(),
    }
}

/// One line of `/proc/asound/cards`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardInfo {
    pub index: u32,
    pub id: String,
    /// The short name, which is also what cpal calls the card.
    pub name: String,
}

/// Parses `/proc/asound/cards` (` 0 [Headphones     ]: bcm2835_headpho - bcm2835 Headphones`).
pub fn parse_cards(text: &str) -> Vec<CardInfo> {
    text.lines()
        .filter_map(|line| {
            let (index, rest) = line.trim_start().split_once(' ')?;
            let index = index.parse().ok()?;
            let rest = rest.trim_start().strip_prefix('[')?;
            let (id, rest) = rest.split_once(']')?;
            let (_, name) = rest.split_once(" - ")?;
            Some(CardInfo {
                index,
                id: id.trim().to_string(),
                name: name.trim().to_string(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_output_names_the_mixer_of_its_card() {
        assert_eq!(
            control_name_for("plughw:CARD=Headphones,DEV=0"),
            "hw:CARD=Headphones"
        );
        assert_eq!(
            control_name_for("sysdefault:CARD=sndrpihifiberry"),
            "hw:CARD=sndrpihifiberry"
        );
        assert_eq!(control_name_for("hw:1,0"), "hw:1");
        assert_eq!(control_name_for("default"), "default");
    }

    #[test]
    fn card_references_in_every_usual_spelling() {
        let id = |s: &str| Some((CardRef::Id(s.to_string()), 0));
        assert_eq!(parse_card_ref("hw:CARD=Headphones,DEV=0"), id("Headphones"));
        assert_eq!(
            parse_card_ref("sysdefault:CARD=Headphones"),
            id("Headphones")
        );
        assert_eq!(parse_card_ref("plughw:CARD=\"USB\""), id("USB"));
        assert_eq!(parse_card_ref("hw:Headphones"), id("Headphones"));
        assert_eq!(parse_card_ref("Headphones"), id("Headphones"));
        assert_eq!(parse_card_ref("plughw:1,0"), Some((CardRef::Index(1), 0)));
        assert_eq!(parse_card_ref("hw:2,1"), Some((CardRef::Index(2), 1)));
        assert_eq!(
            parse_card_ref("hw:CARD=vc4hdmi0,DEV=3"),
            Some((CardRef::Id("vc4hdmi0".into()), 3))
        );
        assert_eq!(parse_card_ref("hw:"), None);
    }

    #[test]
    fn proc_asound_cards_is_parsed() {
        let text = " 0 [Headphones     ]: bcm2835_headpho - bcm2835 Headphones\n                      bcm2835 Headphones\n 1 [vc4hdmi0       ]: vc4-hdmi - vc4-hdmi-0\n                      vc4-hdmi-0\n";
        let cards = parse_cards(text);
        assert_eq!(
            cards,
            vec![
                CardInfo {
                    index: 0,
                    id: "Headphones".into(),
                    name: "bcm2835 Headphones".into()
                },
                CardInfo {
                    index: 1,
                    id: "vc4hdmi0".into(),
                    name: "vc4-hdmi-0".into()
                },
            ]
        );
        assert!(parse_cards("--- no soundcards ---\n").is_empty());
    }

    #[test]
    fn error_storms_are_counted_per_second() {
        let t0 = Instant::now();
        let mut storm = ErrorStorm::new(t0);
        for i in 1..=60 {
            assert_eq!(storm.record(t0 + Duration::from_millis(i)), i as u32);
        }
        assert_eq!(
            storm.record(t0 + Duration::from_millis(2000)),
            1,
            "a new window starts"
        );
    }
}
