//! Choosing a card's control and mapping a volume onto it, on cards shaped like real ones.

use super::*;

fn control(name: &str, raw: (i64, i64), db: Option<(i64, i64)>, has_switch: bool) -> ControlInfo {
    ControlInfo {
        name: name.into(),
        index: 0,
        raw,
        db,
        has_switch,
    }
}

/// bcm2835-ctl.c: "PCM Playback Volume", -10239..400 in 0.01 dB, and a switch.
fn pi_headphones() -> SimulatedCard {
    SimulatedCard::with_control("hw:CARD=Headphones", "PCM")
}

/// PCM512x DACs: "Analogue" is a 0/-6 dB trim, "Digital" the volume.
fn pcm512x() -> Vec<ControlInfo> {
    vec![
        control("Analogue", (0, 1), Some((-600, 0)), false),
        control("Digital", (0, 207), Some((-10350, 0)), true),
    ]
}

#[test]
fn the_pi_jack_uses_pcm_unmuted_and_never_above_0_db() {
    let card = pi_headphones();
    let mut hw = HardwareVolume::open(Box::new(card.mixer()), None)
        .unwrap()
        .unwrap();
    assert_eq!(hw.control().name, "PCM");
    assert!(card.unmuted("PCM"));
    assert_eq!(hw.set(1.0).unwrap(), Setting::Db(0), "not +4 dB");
    assert_eq!(hw.set(0.0).unwrap(), Setting::Db(-10239));
    // Half volume on this control (102 dB up to its 0 dB ceiling) is -17.6 dB, where
    // alsamixer shows 50 %.
    match hw.set(0.5).unwrap() {
        Setting::Db(v) => assert!((-1770..=-1740).contains(&v), "{v}"),
        s => panic!("{s:?}"),
    }
    assert_eq!(card.setting("PCM"), hw.set(0.5).ok());
}

#[test]
fn a_card_without_controls_means_software_volume() {
    // hifiberry-dac (the Pirate Audio): the pcm5102a codec has no controls.
    let bare = SimulatedCard::new("hw:CARD=sndrpihifiberry", vec![]);
    assert!(HardwareVolume::open(Box::new(bare.mixer()), None)
        .unwrap()
        .is_none());
    let mut stage = VolumeStage::default();
    stage.attach(open_control(Ok(Box::new(bare.mixer())), &MixerChoice::Auto));
    stage.set(0.5);
    assert_eq!(stage.describe(), "software");
    assert_eq!(
        stage.gain(),
        0.125,
        "the samples follow the same cubic curve"
    );

    // Naming a control the card lacks is an error that lists what it has.
    let err = HardwareVolume::open(Box::new(pi_headphones().mixer()), Some("Master"))
        .err()
        .unwrap();
    assert!(
        err.0.contains("PCM") && err.0.contains("Headphones"),
        "{err}"
    );
}

#[test]
fn with_a_card_control_the_samples_are_not_scaled() {
    let card = pi_headphones();
    let mut stage = VolumeStage::default();
    stage.set(0.4);
    stage.attach(open_control(Ok(Box::new(card.mixer())), &MixerChoice::Auto));
    assert_eq!(stage.gain(), 1.0);
    assert!(matches!(card.setting("PCM"), Some(Setting::Db(v)) if v < -2000));
    assert_eq!(
        stage.describe(),
        "card control \"PCM\" on hw:CARD=Headphones"
    );

    // `software` ignores the card's control.
    let mut soft = VolumeStage::default();
    soft.attach(open_control(
        Ok(Box::new(card.mixer())),
        &MixerChoice::Software,
    ));
    soft.set(0.4);
    assert!((soft.gain() - 0.064).abs() < 1e-6);

    // A card pulled out: its control fails, the samples take the volume instead.
    card.unplug();
    stage.set(0.5);
    assert_eq!(stage.gain(), 0.125);
}

#[test]
fn digital_wins_over_the_analogue_trim_and_odd_names_are_found() {
    assert_eq!(choose(&pcm512x(), None).unwrap().name, "Digital");
    let usb = vec![control("D10s ", (0, 127), Some((-12700, 0)), true)];
    assert_eq!(choose(&usb, None).unwrap().name, "D10s ");
    assert_eq!(choose(&usb, Some("d10s")).unwrap().name, "D10s ");
}

#[test]
fn short_db_ranges_are_linear_and_raw_controls_are_stepped() {
    // snd-dummy's Master: -45 dB .. 0 dB. A 45 dB span takes the curve.
    let dummy = control("Master", (-50, 100), Some((-4500, 0)), false);
    match setting(&dummy, 0.5, 0) {
        Setting::Db(v) => assert!((-1400..=-1350).contains(&v), "{v}"),
        s => panic!("{s:?}"),
    }
    let short = control("Master", (0, 100), Some((-2000, 0)), false);
    assert_eq!(setting(&short, 0.5, 0), Setting::Db(-1000));
    let raw = control("Master", (0, 100), None, false);
    assert_eq!(setting(&raw, 0.4, 0), Setting::Raw(40));
    assert_eq!(setting(&raw, f64::NAN, 0), Setting::Raw(0));
}

#[cfg(feature = "alsa")]
#[test]
fn a_card_that_is_not_there_fails_cleanly() {
    let e = AlsaMixer::open("hw:CARD=MoodboxNoSuchCard").err().unwrap();
    assert!(e.0.contains("MoodboxNoSuchCard"), "{e}");
    assert!(open_control(Err(e), &MixerChoice::Auto).is_none());
}
