//! The state machine's scenarios.

use super::*;
use crate::emotion::EmotionProbs;
use crate::song::MoodSource;

fn song(path: &str, mood: Mood) -> Song {
    Song {
        path: PathBuf::from(path),
        title: path.trim_end_matches(".wav").to_string(),
        artist: Some("Band".into()),
        album: None,
        genre: None,
        language: Some("en".into()),
        mood,
        mood_source: MoodSource::Folder,
        confidence: 1.0,
        valence: 0.5,
        arousal: 0.5,
        bpm: None,
        duration_s: Some(60.0),
    }
}

fn mood(emotion: Emotion) -> ScanMood {
    let mut p = [0.0; 7];
    p[emotion.index()] = 0.9;
    ScanMood {
        probs: EmotionProbs(p),
        emotion,
        confidence: 0.9,
        faces: 1,
        readings: 3,
        frames_with_faces: 3,
    }
}

fn queue(emotion: Emotion, songs: Vec<Song>) -> Recommendation {
    Recommendation {
        emotion,
        policy: "match".into(),
        moods: vec![songs[0].mood],
        songs,
        fallback: None,
    }
}

fn shows(actions: &[Action]) -> Vec<&Screen> {
    actions
        .iter()
        .filter_map(|a| {
            if let Action::Show(s) = a {
                Some(s)
            } else {
                None
            }
        })
        .collect()
}

/// Presses the button, finishes the scan with `emotion`, chooses `songs`, starts the first.
fn play(m: &mut Machine, t: Instant, emotion: Emotion, songs: Vec<Song>) -> Vec<Action> {
    let first = songs[0].path.clone();
    let mut all = m.handle(Input::ScanPressed, t);
    all.extend(m.handle(Input::ScanFinished(ScanOutcome::Mood(mood(emotion))), t));
    all.extend(m.handle(Input::QueueChosen(queue(emotion, songs)), t));
    all.extend(m.handle(
        Input::Player(PlayerEvent::TrackStarted {
            path: first,
            duration: None,
        }),
        t,
    ));
    all
}

#[test]
fn a_press_scans_shows_the_mood_then_plays_the_queue() {
    let mut m = Machine::new(Timing::default(), 100);
    let t0 = Instant::now();
    assert_eq!(m.start(t0), vec![Action::Show(Screen::Idle)]);
    assert_eq!(m.phase(t0), Phase::Idle);
    assert_eq!(m.next_deadline(), None, "an idle box sleeps");

    let a = m.handle(Input::ScanPressed, t0);
    assert_eq!(
        a,
        vec![
            Action::Show(Screen::Scanning { step: 0 }),
            Action::StartScan
        ]
    );
    assert_eq!(m.phase(t0), Phase::Scanning);

    let a = m.handle(
        Input::ScanFinished(ScanOutcome::Mood(mood(Emotion::Happy))),
        t0,
    );
    assert!(matches!(
        shows(&a)[..],
        [Screen::Mood {
            emotion: Emotion::Happy,
            faces: 1,
            ..
        }]
    ));
    assert!(a.contains(&Action::ChooseQueue(Emotion::Happy)));
    assert_eq!(m.phase(t0), Phase::ShowingMood);

    let songs = vec![song("a.wav", Mood::Happy), song("b.wav", Mood::Happy)];
    let a = m.handle(Input::QueueChosen(queue(Emotion::Happy, songs)), t0);
    assert_eq!(
        a,
        vec![Action::PlayQueue(vec!["a.wav".into(), "b.wav".into()])]
    );

    let t1 = t0 + Duration::from_millis(200);
    let a = m.handle(
        Input::Player(PlayerEvent::TrackStarted {
            path: "a.wav".into(),
            duration: None,
        }),
        t1,
    );
    assert_eq!(
        a,
        vec![Action::RecordPlay {
            path: "a.wav".into(),
            emotion: Emotion::Happy,
            mood: Mood::Happy
        }],
        "the mood screen stays up for its time"
    );
    assert_eq!(m.queue_remaining(), 1);

    let t2 = t0 + Timing::default().mood_screen;
    assert_eq!(m.next_deadline(), Some(t2));
    let a = m.handle(Input::Tick, t2);
    assert!(
        matches!(shows(&a)[..], [Screen::NowPlaying { title, mood, for_emotion: Emotion::Happy, .. }] if title == "a" && mood == "happy")
    );
    assert_eq!(m.phase(t2), Phase::Playing);
    assert!(
        m.next_deadline()
            .is_some_and(|d| d > t2 && d <= t2 + Duration::from_secs(1)),
        "the clock on screen ticks"
    );
}

#[test]
fn no_face_too_dark_and_no_camera_show_an_error_and_keep_the_music() {
    let t = Instant::now();
    for (outcome, want) in [
        (ScanOutcome::NoFace { too_dark: false }, ErrorScreen::NoFace),
        (ScanOutcome::NoFace { too_dark: true }, ErrorScreen::TooDark),
        (
            ScanOutcome::CameraFailed {
                device: "/dev/video0".into(),
                error: "gone".into(),
            },
            ErrorScreen::NoCamera {
                device: "/dev/video0".into(),
            },
        ),
    ] {
        let mut m = Machine::new(Timing::default(), 100);
        play(&mut m, t, Emotion::Sad, vec![song("s.wav", Mood::Sad)]);
        m.handle(Input::ScanPressed, t);
        let a = m.handle(Input::ScanFinished(outcome), t);
        assert_eq!(
            a,
            vec![Action::Show(Screen::Error(want))],
            "no playback change"
        );
        assert_eq!(m.phase(t), Phase::Playing);
        let back = t + Timing::default().message_screen;
        let a = m.handle(Input::Tick, back);
        assert!(
            matches!(shows(&a)[..], [Screen::NowPlaying { .. }]),
            "the song comes back on screen"
        );
    }
}

#[test]
fn a_press_while_playing_rescans_and_replaces_the_queue() {
    let t = Instant::now();
    let mut m = Machine::new(Timing::default(), 100);
    play(&mut m, t, Emotion::Happy, vec![song("h.wav", Mood::Happy)]);
    let a = play(
        &mut m,
        t,
        Emotion::Sad,
        vec![song("s1.wav", Mood::Sad), song("s2.wav", Mood::Sad)],
    );
    assert!(a.contains(&Action::PlayQueue(vec!["s1.wav".into(), "s2.wav".into()])));
    assert_eq!(m.now_playing().unwrap().song.path, PathBuf::from("s1.wav"));
    assert_eq!(m.now_playing().unwrap().for_emotion, Emotion::Sad);
    // A late start of a song from the old queue is ignored.
    assert!(m
        .handle(
            Input::Player(PlayerEvent::TrackStarted {
                path: "h.wav".into(),
                duration: None
            }),
            t
        )
        .is_empty());
}

#[test]
fn one_scan_at_a_time() {
    let t = Instant::now();
    let mut m = Machine::new(Timing::default(), 100);
    assert_eq!(m.handle(Input::ScanPressed, t).len(), 2);
    assert!(m.handle(Input::ScanPressed, t).is_empty());
}

#[test]
fn skip_records_the_skip_for_the_songs_mood_and_stop_goes_idle() {
    let t = Instant::now();
    let mut m = Machine::new(Timing::default(), 100);
    assert!(
        m.handle(Input::SkipPressed, t).is_empty(),
        "nothing to skip"
    );
    play(
        &mut m,
        t,
        Emotion::Angry,
        vec![
            song("e.wav", Mood::Energetic),
            song("f.wav", Mood::Energetic),
        ],
    );
    assert_eq!(
        m.handle(Input::SkipPressed, t),
        vec![
            Action::RecordSkip {
                path: "e.wav".into(),
                mood: Mood::Energetic
            },
            Action::SkipTrack
        ]
    );
    assert_eq!(
        m.handle(Input::StopPressed, t),
        vec![Action::StopPlayback, Action::Show(Screen::Idle)]
    );
    assert_eq!(m.phase(t), Phase::Idle);
    assert_eq!(m.next_deadline(), None);
}

#[test]
fn the_end_of_the_queue_returns_to_idle() {
    let t = Instant::now();
    let mut m = Machine::new(
        Timing {
            mood_screen: Duration::ZERO,
            ..Timing::default()
        },
        100,
    );
    play(&mut m, t, Emotion::Happy, vec![song("a.wav", Mood::Happy)]);
    m.handle(Input::Tick, t);
    let a = m.handle(
        Input::Player(PlayerEvent::QueueFinished),
        t + Duration::from_secs(60),
    );
    assert_eq!(a, vec![Action::Show(Screen::Idle)]);
    assert_eq!(m.phase(t + Duration::from_secs(60)), Phase::Idle);
}

#[test]
fn no_songs_and_no_sound_card_are_shown() {
    let t = Instant::now();
    let mut m = Machine::new(Timing::default(), 100);
    m.handle(Input::ScanPressed, t);
    m.handle(
        Input::ScanFinished(ScanOutcome::Mood(mood(Emotion::Happy))),
        t,
    );
    let a = m.handle(
        Input::QueueFailed {
            language: "ta".into(),
        },
        t,
    );
    assert_eq!(
        a,
        vec![Action::Show(Screen::Error(ErrorScreen::NoSongs {
            language: "ta".into()
        }))]
    );
    let a = m.handle(
        Input::Player(PlayerEvent::Unavailable {
            device: "hw:CARD=Headphones".into(),
        }),
        t,
    );
    assert_eq!(
        a,
        vec![Action::Show(Screen::Error(ErrorScreen::NoSoundCard {
            device: "hw:CARD=Headphones".into()
        }))]
    );
}

#[test]
fn volume_is_a_fraction_and_remembered() {
    let mut m = Machine::new(Timing::default(), 100);
    assert_eq!(
        m.handle(Input::Volume(40), Instant::now()),
        vec![Action::SetVolume(0.4), Action::RememberVolume(40)]
    );
}

#[test]
fn the_scanning_screen_animates() {
    let t = Instant::now();
    let mut m = Machine::new(Timing::default(), 100);
    m.handle(Input::ScanPressed, t);
    let step = Timing::default().scan_animation;
    assert_eq!(m.next_deadline(), Some(t + step));
    assert_eq!(
        m.handle(Input::Tick, t + step),
        vec![Action::Show(Screen::Scanning { step: 1 })]
    );
}

#[test]
fn volume_is_kept_for_the_status() {
    let mut m = Machine::new(Timing::default(), 40);
    let t = Instant::now();
    assert_eq!(m.report(t).volume, 40);
    m.handle(Input::Volume(250), t);
    assert_eq!(m.volume(), 100, "clamped");
    m.handle(Input::Volume(25), t);
    assert_eq!(m.report(t).volume, 25);
}

#[test]
fn a_press_is_timed_until_its_song_reaches_the_sound_card() {
    let t0 = Instant::now();
    let mut m = Machine::new(Timing::default(), 100);
    play(&mut m, t0, Emotion::Happy, vec![song("a.wav", Mood::Happy)]);
    assert_eq!(m.press_to_first_audio(), None, "no sample yet");
    let t1 = t0 + Duration::from_millis(120);
    m.handle(
        Input::Player(PlayerEvent::FirstSample {
            path: "a.wav".into(),
            at: t1,
        }),
        t1,
    );
    assert_eq!(m.press_to_first_audio(), Some(Duration::from_millis(120)));
    let report = m.report(t1);
    assert_eq!(report.state, Phase::ShowingMood);
    assert_eq!(report.last_emotion.unwrap().emotion, Emotion::Happy);
    assert_eq!(report.current_song.unwrap().title, "a");
    assert!(matches!(
        report.last_scan.outcome.unwrap().answer,
        crate::status::ScanAnswer::Mood {
            emotion: Emotion::Happy,
            ..
        }
    ));

    // A press that finds no face starts no song: nothing is timed.
    m.handle(Input::ScanPressed, t1);
    m.handle(
        Input::ScanFinished(ScanOutcome::NoFace { too_dark: false }),
        t1 + Duration::from_millis(50),
    );
    assert_eq!(m.report(t1).last_scan.scan_ms, Some(50.0));
    m.handle(
        Input::Player(PlayerEvent::FirstSample {
            path: "a.wav".into(),
            at: t1 + Duration::from_secs(1),
        }),
        t1,
    );
    assert_eq!(m.press_to_first_audio(), None);
}

#[test]
fn a_queue_whose_songs_all_fail_says_so() {
    let t = Instant::now();
    let mut m = Machine::new(Timing::default(), 100);
    m.handle(Input::ScanPressed, t);
    m.handle(
        Input::ScanFinished(ScanOutcome::Mood(mood(Emotion::Sad))),
        t,
    );
    let songs = vec![song("gone1.wav", Mood::Sad), song("gone2.wav", Mood::Sad)];
    m.handle(Input::QueueChosen(queue(Emotion::Sad, songs)), t);
    for path in ["gone1.wav", "gone2.wav"] {
        let failed = PlayerEvent::TrackFailed {
            path: path.into(),
            error: "cannot open: No such file or directory".into(),
        };
        assert!(m.handle(Input::Player(failed), t).is_empty());
    }
    let a = m.handle(Input::Player(PlayerEvent::QueueFinished), t);
    assert_eq!(
        a,
        vec![Action::Show(Screen::Error(ErrorScreen::SongsUnreadable {
            count: 2
        }))]
    );
    let back = t + Timing::default().message_screen;
    assert_eq!(
        m.handle(Input::Tick, back),
        vec![Action::Show(Screen::Idle)]
    );
}

#[test]
fn a_queue_that_played_something_ends_quietly_even_if_some_songs_failed() {
    let t = Instant::now();
    let mut m = Machine::new(
        Timing {
            mood_screen: Duration::ZERO,
            ..Timing::default()
        },
        100,
    );
    play(
        &mut m,
        t,
        Emotion::Happy,
        vec![song("a.wav", Mood::Happy), song("b.wav", Mood::Happy)],
    );
    m.handle(Input::Tick, t);
    m.handle(
        Input::Player(PlayerEvent::TrackFailed {
            path: "b.wav".into(),
            error: "cannot decode".into(),
        }),
        t,
    );
    assert_eq!(
        m.handle(Input::Player(PlayerEvent::QueueFinished), t),
        vec![Action::Show(Screen::Idle)]
    );
}

fn unsure(emotion: Emotion, confidence: f32) -> ScanMood {
    ScanMood {
        confidence,
        ..mood(emotion)
    }
}

fn asking() -> Behaviour {
    Behaviour {
        unsure_below: 0.45,
        choose_on_no_face: true,
        chooser_timeout: Duration::from_secs(8),
        ..Behaviour::default()
    }
}

fn readings(actions: &[Action]) -> Vec<&Reading> {
    actions
        .iter()
        .filter_map(|a| match a {
            Action::RecordReading(r) => Some(r),
            _ => None,
        })
        .collect()
}

#[test]
fn an_unsure_scan_opens_the_chooser_and_presses_pick_calm() {
    let mut m = Machine::configured(Timing::default(), asking(), 40);
    let t0 = Instant::now();
    m.handle(Input::ScanPressed, t0);
    let a = m.handle(
        Input::ScanFinished(ScanOutcome::Mood(unsure(Emotion::Sad, 0.3))),
        t0,
    );
    assert_eq!(
        shows(&a),
        vec![&Screen::ChooseMood {
            read: Some((Emotion::Sad, 0.3)),
            selected: Mood::Sad, // the policy's first mood for a sad face
        }]
    );
    assert!(
        !a.iter().any(|a| matches!(a, Action::ChooseQueue(_))),
        "{a:?}"
    );
    assert_eq!(m.phase(t0), Phase::Choosing);

    // Sad → calm is one short press; a long press picks it.
    let t1 = t0 + Duration::from_secs(2);
    let a = m.handle(Input::Button(ButtonEvent::Scan), t1);
    assert_eq!(
        shows(&a),
        vec![&Screen::ChooseMood {
            read: Some((Emotion::Sad, 0.3)),
            selected: Mood::Calm,
        }]
    );
    let a = m.handle(Input::Button(ButtonEvent::Skip), t1);
    assert_eq!(
        readings(&a),
        vec![&Reading {
            emotion: Some(Emotion::Sad),
            confidence: 0.3,
            offered: Mood::Sad,
            asked: true,
            chosen: Some(Mood::Calm),
        }]
    );
    assert!(a.contains(&Action::ChooseMoodQueue {
        mood: Mood::Calm,
        for_emotion: Emotion::Sad,
    }));
    assert_eq!(m.phase(t1), Phase::Idle);
}

#[test]
fn an_untouched_chooser_goes_back_to_what_was_playing() {
    let mut m = Machine::configured(Timing::default(), asking(), 40);
    let t0 = Instant::now();
    play(&mut m, t0, Emotion::Happy, vec![song("a.wav", Mood::Happy)]);
    m.handle(Input::ScanPressed, t0);
    m.handle(
        Input::ScanFinished(ScanOutcome::NoFace { too_dark: false }),
        t0,
    );
    assert_eq!(m.phase(t0), Phase::Choosing);
    let until = m.next_deadline().unwrap();
    assert_eq!(
        until,
        t0 + Duration::from_secs(8),
        "the chooser waits chooser_timeout"
    );

    // Each press restarts its wait.
    let t1 = t0 + Duration::from_secs(5);
    m.handle(Input::Button(ButtonEvent::Scan), t1);
    assert_eq!(m.next_deadline(), Some(t1 + Duration::from_secs(8)));

    let a = m.handle(Input::Tick, t1 + Duration::from_secs(8));
    assert_eq!(
        readings(&a),
        vec![&Reading {
            emotion: None,
            confidence: 0.0,
            offered: Mood::Happy,
            asked: true,
            chosen: None,
        }]
    );
    assert!(
        matches!(shows(&a)[..], [Screen::NowPlaying { .. }]),
        "back to the song: {a:?}"
    );
    assert!(!a
        .iter()
        .any(|a| matches!(a, Action::StopPlayback | Action::ChooseMoodQueue { .. })));
    assert_eq!(m.phase(t1 + Duration::from_secs(8)), Phase::Playing);
}

#[test]
fn a_sure_scan_and_a_dark_one_do_not_ask() {
    let mut m = Machine::configured(Timing::default(), asking(), 40);
    let t0 = Instant::now();
    m.handle(Input::ScanPressed, t0);
    let a = m.handle(
        Input::ScanFinished(ScanOutcome::Mood(unsure(Emotion::Sad, 0.5))),
        t0,
    );
    assert!(a.contains(&Action::ChooseQueue(Emotion::Sad)));
    assert_eq!(
        readings(&a),
        vec![&Reading {
            emotion: Some(Emotion::Sad),
            confidence: 0.5,
            offered: Mood::Sad,
            asked: false,
            chosen: None,
        }]
    );
    m.handle(Input::Tick, t0 + Duration::from_secs(3));
    m.handle(Input::ScanPressed, t0 + Duration::from_secs(4));
    let a = m.handle(
        Input::ScanFinished(ScanOutcome::NoFace { too_dark: true }),
        t0 + Duration::from_secs(4),
    );
    assert_eq!(
        shows(&a),
        vec![&Screen::Error(ErrorScreen::TooDark)],
        "light is the fix"
    );
}

#[test]
fn ctl_mood_plays_that_mood_without_a_scan() {
    let mut m = Machine::configured(Timing::default(), asking(), 40);
    let t0 = Instant::now();
    let a = m.handle(Input::MoodChosen(Mood::Energetic), t0);
    assert!(a.contains(&Action::ChooseMoodQueue {
        mood: Mood::Energetic,
        for_emotion: Emotion::Surprise,
    }));
    assert!(readings(&a).is_empty(), "no scan, nothing to correct");
}

#[test]
fn the_volume_never_goes_above_the_cap() {
    let capped = Behaviour {
        max_volume: 70,
        volume_step: 10,
        ..Behaviour::default()
    };
    let t0 = Instant::now();
    let m = Machine::configured(Timing::default(), capped.clone(), 100);
    assert_eq!(m.volume(), 70, "a remembered 100 starts at the cap");

    let mut m = Machine::configured(Timing::default(), capped, 60);
    let a = m.handle(Input::Button(ButtonEvent::VolumeUp), t0);
    assert_eq!(a, vec![Action::SetVolume(0.7), Action::RememberVolume(70)]);
    let a = m.handle(Input::Button(ButtonEvent::VolumeUp), t0);
    assert_eq!(a, vec![Action::SetVolume(0.7), Action::RememberVolume(70)]);
    let a = m.handle(Input::Volume(100), t0);
    assert_eq!(a, vec![Action::SetVolume(0.7), Action::RememberVolume(70)]);
    let a = m.handle(Input::Button(ButtonEvent::VolumeDown), t0);
    assert_eq!(a, vec![Action::SetVolume(0.6), Action::RememberVolume(60)]);

    // A reload with a lower cap turns a louder box down at once.
    let a = m.set_behaviour(Behaviour {
        max_volume: 30,
        ..Behaviour::default()
    });
    assert_eq!(a, vec![Action::SetVolume(0.3)]);
}

#[test]
fn the_screen_dims_goes_dark_and_the_first_press_only_wakes_it() {
    let sleepy = Behaviour {
        dim_after: Some(Duration::from_secs(120)),
        off_after: Some(Duration::from_secs(600)),
        ..Behaviour::default()
    };
    let mut m = Machine::configured(Timing::default(), sleepy, 40);
    let t0 = Instant::now();
    m.start(t0);
    assert_eq!(m.next_deadline(), Some(t0 + Duration::from_secs(120)));
    let a = m.handle(Input::Tick, t0 + Duration::from_secs(120));
    assert_eq!(a, vec![Action::Backlight(Backlight::Dim)]);
    assert_eq!(m.next_deadline(), Some(t0 + Duration::from_secs(600)));
    let a = m.handle(Input::Tick, t0 + Duration::from_secs(600));
    assert_eq!(a, vec![Action::Backlight(Backlight::Off)]);
    assert_eq!(m.next_deadline(), None, "a dark idle box sleeps");

    let t1 = t0 + Duration::from_secs(3600);
    let a = m.handle(Input::Button(ButtonEvent::Scan), t1);
    assert_eq!(
        a,
        vec![Action::Backlight(Backlight::On)],
        "the first press only wakes"
    );
    assert_eq!(m.phase(t1), Phase::Idle);
    let a = m.handle(Input::Button(ButtonEvent::Scan), t1);
    assert!(
        a.contains(&Action::StartScan),
        "the second press scans: {a:?}"
    );

    // The socket's commands wake the screen and do their work at once.
    let mut m = Machine::configured(
        Timing::default(),
        Behaviour {
            off_after: Some(Duration::from_secs(60)),
            ..Behaviour::default()
        },
        40,
    );
    m.start(t0);
    m.handle(Input::Tick, t0 + Duration::from_secs(60));
    let a = m.handle(Input::ScanPressed, t0 + Duration::from_secs(61));
    assert_eq!(a[0], Action::Backlight(Backlight::On));
    assert!(a.contains(&Action::StartScan));
}
