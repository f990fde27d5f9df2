//! The panel driver on a recording SPI bus: mipidsi's own SpiInterface and the real
//! SpiPanel, with the spidev device and GPIO lines replaced by recorders, so the bytes a panel
//! would receive can be checked: the start-up sequence, the address window and pixels of each
//! screen, the backlight, and what happens when the bus fails.

use std::sync::{Arc, Mutex};

use embedded_graphics::pixelcolor::raw::ToBytes;
use embedded_graphics::prelude::*;
use embedded_graphics::primitives::Rectangle;
use embedded_hal::delay::DelayNs;
use embedded_hal::digital::{self, OutputPin};
use embedded_hal::spi::{self, Operation, SpiDevice};
use mipidsi::interface::SpiInterface;
use mipidsi::models::{ILI9341Rgb565, Model, ST7789};
use moodbox::hardware::display::{Display, DisplayError, Light, PanelSettings, SpiPanel};
use moodbox_core::config::DisplayDriver;
use moodbox_core::config::OptionalLine;
use moodbox_core::config::{Config, DisplayConfig, Scope};
use moodbox_core::screen::Screen;
use moodbox_core::ui::{draw_lit, draw_screen, Framebuffer};

#[derive(Debug, Clone, PartialEq, Eq)]
enum Event {
    /// A command byte sent with DC low, then the data bytes sent with DC high.
    Command(u8, Vec<u8>),
    /// Another line set high or low.
    Line(&'static str, bool),
}

#[derive(Default)]
struct Bus {
    events: Vec<Event>,
    dc_high: bool,
    broken: bool,
}

type Shared = Arc<Mutex<Bus>>;

impl Bus {
    fn write(&mut self, bytes: &[u8]) -> Result<(), spi::ErrorKind> {
        if self.broken {
            return Err(spi::ErrorKind::Other);
        }
        if self.dc_high {
            match self
                .events
                .iter_mut()
                .rev()
                .find(|e| matches!(e, Event::Command(..)))
            {
                Some(Event::Command(_, data)) => data.extend_from_slice(bytes),
                _ => panic!("data before any command"),
            }
        } else {
            for &byte in bytes {
                self.events.push(Event::Command(byte, Vec::new()));
            }
        }
        Ok(())
    }
}

struct RecordingSpi(Shared);

impl spi::ErrorType for RecordingSpi {
    type Error = spi::ErrorKind;
}

impl SpiDevice for RecordingSpi {
    fn transaction(&mut self, operations: &mut [Operation<'_, u8>]) -> Result<(), Self::Error> {
        let mut bus = self.0.lock().unwrap();
        for operation in operations {
            if let Operation::Write(bytes) = operation {
                bus.write(bytes)?;
            }
        }
        Ok(())
    }
}

struct RecordingLine {
    name: &'static str,
    bus: Shared,
}

impl digital::ErrorType for RecordingLine {
    type Error = core::convert::Infallible;
}

impl OutputPin for RecordingLine {
    fn set_low(&mut self) -> Result<(), Self::Error> {
        self.set(false);
        Ok(())
    }

    fn set_high(&mut self) -> Result<(), Self::Error> {
        self.set(true);
        Ok(())
    }
}

impl RecordingLine {
    fn set(&self, high: bool) {
        let mut bus = self.bus.lock().unwrap();
        if self.name == "dc" {
            bus.dc_high = high;
        } else {
            bus.events.push(Event::Line(self.name, high));
        }
    }
}

struct NoDelay;

impl DelayNs for NoDelay {
    fn delay_ns(&mut self, _ns: u32) {}
}

type TestPanel<M> =
    SpiPanel<SpiInterface<'static, RecordingSpi, RecordingLine>, M, RecordingLine, RecordingLine>;

fn line(name: &'static str, bus: &Shared) -> RecordingLine {
    RecordingLine {
        name,
        bus: bus.clone(),
    }
}

fn open<M: Model<ColorFormat = embedded_graphics::pixelcolor::Rgb565>>(
    model: M,
    config: &DisplayConfig,
    bus: &Shared,
) -> Result<TestPanel<M>, DisplayError> {
    let settings = PanelSettings::from_config(config).expect("a valid config");
    let buffer: &'static mut [u8] = Box::leak(vec![0u8; 1024].into_boxed_slice());
    let interface = SpiInterface::new(RecordingSpi(bus.clone()), line("dc", bus), buffer);
    SpiPanel::init(
        model,
        interface,
        config.reset_pin.0.map(|_| line("reset", bus)),
        config.backlight_pin.0.map(|_| line("backlight", bus)),
        &settings,
        &mut NoDelay,
        |e| format!("bus error {e:?}"),
        "test panel".to_string(),
    )
}

fn st7789() -> DisplayConfig {
    DisplayConfig::default()
}

fn ili9341_landscape() -> DisplayConfig {
    DisplayConfig {
        driver: DisplayDriver::Ili9341,
        width: 320,
        height: 240,
        rotation: 90,
        ..DisplayConfig::default()
    }
}

fn take_events(bus: &Shared) -> Vec<Event> {
    std::mem::take(&mut bus.lock().unwrap().events)
}

fn commands(events: &[Event]) -> Vec<u8> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::Command(code, _) => Some(*code),
            Event::Line(..) => None,
        })
        .collect()
}

/// Columns then pages, first and last inclusive, as the controller takes them.
type Window = (u16, u16, u16, u16);

/// Pixel writes: the address window and the data.
fn memory_writes(events: &[Event]) -> Vec<(Window, Vec<u8>)> {
    let range = |data: &[u8]| {
        (
            u16::from_be_bytes([data[0], data[1]]),
            u16::from_be_bytes([data[2], data[3]]),
        )
    };
    let (mut columns, mut pages) = ((0, 0), (0, 0));
    let mut writes = Vec::new();
    for event in events {
        match event {
            Event::Command(0x2A, data) => columns = range(data),
            Event::Command(0x2B, data) => pages = range(data),
            Event::Command(0x2C, data) => {
                writes.push(((columns.0, columns.1, pages.0, pages.1), data.clone()))
            }
            _ => {}
        }
    }
    writes
}

fn argument(events: &[Event], code: u8) -> Option<Vec<u8>> {
    events.iter().find_map(|e| match e {
        Event::Command(c, data) if *c == code => Some(data.clone()),
        _ => None,
    })
}

fn expected_bytes(screen: &Screen, size: Size, area: Option<Rectangle>) -> Vec<u8> {
    let mut frame = Framebuffer::new(size);
    draw_screen(&mut frame, screen).unwrap();
    let area = area.unwrap_or(Rectangle::new(Point::zero(), size));
    frame
        .area_pixels(area)
        .flat_map(|p| p.to_be_bytes())
        .collect()
}

#[test]
fn the_panel_starts_with_a_reset_and_the_controllers_init_sequence() {
    let bus = Shared::default();
    open(ST7789, &st7789(), &bus).unwrap();
    let events = take_events(&bus);
    assert_eq!(
        events[0],
        Event::Line("backlight", false),
        "backlight off while starting"
    );
    let reset: Vec<&Event> = events
        .iter()
        .filter(|e| matches!(e, Event::Line("reset", _)))
        .collect();
    assert_eq!(
        reset,
        [&Event::Line("reset", false), &Event::Line("reset", true)]
    );
    let sent = commands(&events);
    // NOP, then sleep out, MADCTL, inversion on (the ST7789 default), pixel format, normal mode, display on.
    assert_eq!(sent, [0x00, 0x11, 0x36, 0x21, 0x3A, 0x13, 0x29]);
    assert_eq!(
        argument(&events, 0x3A),
        Some(vec![0x55]),
        "16 bits per pixel"
    );
    assert_eq!(argument(&events, 0x36), Some(vec![0x00]));
}

#[test]
fn without_a_reset_line_the_panel_gets_a_software_reset() {
    let bus = Shared::default();
    let config = DisplayConfig {
        reset_pin: OptionalLine(None),
        backlight_pin: OptionalLine(None),
        ..st7789()
    };
    open(ST7789, &config, &bus).unwrap();
    let events = take_events(&bus);
    assert!(events.iter().all(|e| matches!(e, Event::Command(..))));
    assert_eq!(&commands(&events)[..3], [0x00, 0x01, 0x11]);
}

#[test]
fn the_first_screen_sends_every_pixel_then_lights_the_backlight() {
    let bus = Shared::default();
    let mut panel = open(ST7789, &st7789(), &bus).unwrap();
    assert_eq!(panel.size(), Size::new(240, 240));
    take_events(&bus);
    panel.show(&Screen::Idle).unwrap();
    let events = take_events(&bus);
    let writes = memory_writes(&events);
    assert_eq!(writes.len(), 1);
    assert_eq!(writes[0].0, (0, 239, 0, 239));
    assert_eq!(
        writes[0].1,
        expected_bytes(&Screen::Idle, Size::new(240, 240), None)
    );
    assert_eq!(events.last(), Some(&Event::Line("backlight", true)));
}

#[test]
fn later_screens_send_only_the_rectangle_that_changed() {
    let bus = Shared::default();
    let mut panel = open(ST7789, &st7789(), &bus).unwrap();
    panel.show(&Screen::Scanning { step: 0 }).unwrap();
    take_events(&bus);

    panel.show(&Screen::Scanning { step: 1 }).unwrap();
    let writes = memory_writes(&take_events(&bus));
    assert_eq!(writes.len(), 1);
    let ((x0, x1, y0, y1), data) = &writes[0];
    let area = Rectangle::with_corners(
        Point::new(*x0 as i32, *y0 as i32),
        Point::new(*x1 as i32, *y1 as i32),
    );
    assert!(
        data.len() < 240 * 240 * 2 / 4,
        "{} bytes for one animation step",
        data.len()
    );
    assert_eq!(
        data,
        &expected_bytes(
            &Screen::Scanning { step: 1 },
            Size::new(240, 240),
            Some(area)
        )
    );

    panel.show(&Screen::Scanning { step: 1 }).unwrap();
    assert!(
        memory_writes(&take_events(&bus)).is_empty(),
        "an unchanged screen sends no pixels"
    );
}

#[test]
fn blanking_turns_the_backlight_off_before_clearing_the_picture() {
    let bus = Shared::default();
    let mut panel = open(ST7789, &st7789(), &bus).unwrap();
    panel.show(&Screen::Idle).unwrap();
    take_events(&bus);
    panel.blank().unwrap();
    let events = take_events(&bus);
    assert_eq!(events[0], Event::Line("backlight", false));
    let writes = memory_writes(&events);
    assert_eq!(writes.len(), 1);
    assert!(writes[0].1.iter().all(|&b| b == 0));
    panel.show(&Screen::Idle).unwrap();
    let events = take_events(&bus);
    assert_eq!(
        memory_writes(&events)[0].1.len(),
        writes[0].1.len(),
        "the same area comes back"
    );
    assert_eq!(events.last(), Some(&Event::Line("backlight", true)));
}

#[test]
fn a_landscape_ili9341_is_turned_and_addressed_in_picture_coordinates() {
    let bus = Shared::default();
    let mut panel = open(ILI9341Rgb565, &ili9341_landscape(), &bus).unwrap();
    assert_eq!(panel.size(), Size::new(320, 240));
    let events = take_events(&bus);
    let madctl = argument(&events, 0x36).unwrap()[0];
    assert_ne!(
        madctl & 0x20,
        0,
        "row/column exchange for a quarter turn: {madctl:#04x}"
    );
    assert_ne!(
        madctl & 0x08,
        0,
        "BGR order, the usual ILI9341 module: {madctl:#04x}"
    );
    assert!(
        commands(&events).contains(&0x20),
        "inversion off for the ILI9341"
    );
    panel.show(&Screen::Idle).unwrap();
    let writes = memory_writes(&take_events(&bus));
    assert_eq!(writes[0].0, (0, 319, 0, 239));
    assert_eq!(
        writes[0].1,
        expected_bytes(&Screen::Idle, Size::new(320, 240), None)
    );
}

#[test]
fn an_upside_down_240x240_st7789_skips_the_unused_rows_of_its_frame_memory() {
    let bus = Shared::default();
    let config = DisplayConfig {
        rotation: 180,
        ..st7789()
    };
    let mut panel = open(ST7789, &config, &bus).unwrap();
    panel.show(&Screen::Idle).unwrap();
    let writes = memory_writes(&take_events(&bus));
    // The 240x240 module shows rows 0..240 of the 240x320 memory; turned, they are 80..320.
    assert_eq!(writes[0].0, (0, 239, 80, 319));
}

#[test]
fn a_failing_bus_is_reported_and_the_next_screen_is_sent_whole() {
    let bus = Shared::default();
    let mut panel = open(ST7789, &st7789(), &bus).unwrap();
    panel.show(&Screen::Idle).unwrap();
    bus.lock().unwrap().broken = true;
    let err = panel.show(&Screen::Scanning { step: 0 }).unwrap_err();
    assert!(matches!(err, DisplayError::PanelWrite { .. }), "{err:?}");
    assert!(
        err.to_string().contains("test panel") && err.to_string().contains("bus error"),
        "{err}"
    );
    bus.lock().unwrap().broken = false;
    take_events(&bus);
    panel.show(&Screen::Scanning { step: 0 }).unwrap();
    let writes = memory_writes(&take_events(&bus));
    assert_eq!(
        writes[0].0,
        (0, 239, 0, 239),
        "after a failure the panel's content is unknown"
    );
}

#[test]
fn a_bus_that_fails_at_start_is_a_start_error() {
    let bus = Shared::default();
    bus.lock().unwrap().broken = true;
    let err = open(ST7789, &st7789(), &bus)
        .err()
        .expect("a broken bus cannot start");
    assert!(matches!(err, DisplayError::PanelInit { .. }), "{err:?}");
    assert!(err.to_string().contains("bus error"), "{err}");
}

#[test]
fn a_size_beyond_the_frame_memory_is_an_error_not_a_panic() {
    let bus = Shared::default();
    let buffer: &'static mut [u8] = Box::leak(vec![0u8; 64].into_boxed_slice());
    let interface = SpiInterface::new(RecordingSpi(bus.clone()), line("dc", &bus), buffer);
    let mut settings = PanelSettings::from_config(&st7789()).unwrap();
    settings.native_size = (240, 321);
    let result: Result<TestPanel<ST7789>, _> = SpiPanel::init(
        ST7789,
        interface,
        None,
        None,
        &settings,
        &mut NoDelay,
        |e| format!("{e:?}"),
        "test panel".into(),
    );
    let err = result.err().expect("321 rows do not fit");
    assert!(err.to_string().contains("frame memory"), "{err}");
}

#[test]
fn a_dark_screen_turns_the_backlight_off_and_light_brings_it_back() {
    let bus = Shared::default();
    let mut panel = open(ST7789, &st7789(), &bus).unwrap();
    panel.show(&Screen::Idle).unwrap();
    take_events(&bus);

    panel.set_light(Light::Dark).unwrap();
    assert_eq!(take_events(&bus), [Event::Line("backlight", false)]);
    panel.show(&Screen::Idle).unwrap();
    let events = take_events(&bus);
    assert!(
        memory_writes(&events).is_empty(),
        "nothing is sent to a dark panel"
    );
    assert_eq!(events.last(), Some(&Event::Line("backlight", false)));

    // Dimmed: the same screen in dimmed colours, lit (the line is only on or off).
    panel.set_light(Light::Dim(0.3)).unwrap();
    panel.show(&Screen::Idle).unwrap();
    let events = take_events(&bus);
    let mut dimmed = Framebuffer::new(Size::new(240, 240));
    draw_lit(&mut dimmed, &Screen::Idle, Light::Dim(0.3));
    let written = memory_writes(&events);
    assert_eq!(written.len(), 1);
    let ((x0, x1, y0, y1), data) = &written[0];
    let area = Rectangle::with_corners(
        Point::new(*x0 as i32, *y0 as i32),
        Point::new(*x1 as i32, *y1 as i32),
    );
    let expected: Vec<u8> = dimmed
        .area_pixels(area)
        .flat_map(|p| p.to_be_bytes())
        .collect();
    assert_eq!(data, &expected);
    assert_eq!(events.last(), Some(&Event::Line("backlight", true)));

    // A press: full light again.
    panel.set_light(Light::Full).unwrap();
    panel.show(&Screen::Idle).unwrap();
    let events = take_events(&bus);
    assert_eq!(events.last(), Some(&Event::Line("backlight", true)));
    assert!(
        !memory_writes(&events).is_empty(),
        "the bright picture is sent again"
    );
}

#[test]
fn each_board_preset_drives_the_panel_it_names() {
    for board in ["pirate-audio", "waveshare-lcd-hat", "adafruit-mini-pitft"] {
        let text = format!("board = \"{board}\"\n");
        let config = Config::parse_for(
            &text,
            std::path::Path::new("/etc/moodbox/config.toml"),
            Scope::Control,
        )
        .unwrap()
        .display;
        assert_eq!(config.driver, DisplayDriver::St7789, "{board}");
        let bus = Shared::default();
        let mut panel = open(ST7789, &config, &bus).unwrap();
        assert_eq!(panel.size(), Size::new(240, 240), "{board}");
        let start = take_events(&bus);
        let resets = start
            .iter()
            .filter(|e| matches!(e, Event::Line("reset", _)))
            .count();
        match config.reset_pin.0 {
            Some(_) => assert_eq!(resets, 2, "{board}: the reset line is pulsed"),
            None => {
                assert_eq!(resets, 0, "{board}");
                assert!(
                    commands(&start).contains(&0x01),
                    "{board}: a software reset instead"
                );
            }
        }
        panel.show(&Screen::Idle).unwrap();
        let events = take_events(&bus);
        assert_eq!(
            memory_writes(&events)[0].1,
            expected_bytes(&Screen::Idle, Size::new(240, 240), None),
            "{board}"
        );
        assert!(
            config.backlight_pin.0.is_some(),
            "{board} has a backlight line"
        );
        assert_eq!(
            events.last(),
            Some(&Event::Line("backlight", true)),
            "{board}"
        );
    }
}
