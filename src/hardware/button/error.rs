//! Button errors, each saying what went wrong and what to do about it.

/// Why the scan button could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum ButtonError {
    /// This machine has no Raspberry Pi GPIO (rppal cannot identify the board). Fix: on a
    /// PC set `[button] driver = "none"` and press through the control socket.
    #[error(
        "no Raspberry Pi GPIO on this machine ({detail}): on a PC set [button] driver = \"none\""
    )]
    NotAPi { detail: String },

    /// `/dev/gpiomem` or `/dev/gpiochipN` may not be opened. Fix: add the user to the `gpio`
    /// group (`sudo usermod -aG gpio $USER`, then log in again).
    #[error("permission denied opening {path}: add the user to the `gpio` group (sudo usermod -aG gpio $USER, then log in again)")]
    PermissionDenied { path: String },

    /// The pin is already taken, by another part of moodbox (the display's DC, reset or
    /// backlight line?) or by another program. Fix: pick another `[button] bcm_pin` or free it.
    #[error("GPIO {pin} is already in use (by the display's pins or another program): choose another [button] bcm_pin")]
    PinBusy { pin: u8 },

    /// The GPIO controller has no such line. Fix: use a BCM number from the wiring table.
    #[error("GPIO {pin} does not exist on this board: [button] bcm_pin takes a BCM number 2..=27 (17 is header pin 11)")]
    NoSuchPin { pin: u8 },

    /// This moodbox was built without GPIO support (cargo feature `gpio`). Fix: set
    /// `[button] driver = "none"`, or install a build with it (the Debian package has it).
    #[error("this moodbox was built without GPIO support: set [button] driver = \"none\"")]
    NotBuiltIn,

    /// Any other failure while setting up the pin or its interrupt.
    #[error("setting up the button on GPIO {pin} failed: {detail}")]
    Setup { pin: u8, detail: String },
}

#[cfg(feature = "gpio")]
impl ButtonError {
    /// Maps an rppal error for `pin` to the variant a user can act on.
    pub fn from_gpio(pin: u8, err: rppal::gpio::Error) -> ButtonError {
        use rppal::gpio::Error as E;
        match err {
            E::UnknownModel => ButtonError::NotAPi {
                detail: "unknown board model".into(),
            },
            E::PermissionDenied(path) => ButtonError::PermissionDenied { path },
            E::PinUsed(p) => ButtonError::PinBusy { pin: p },
            E::PinNotAvailable(p) => ButtonError::NoSuchPin { pin: p },
            E::Io(e) if e.kind() == std::io::ErrorKind::PermissionDenied => {
                ButtonError::PermissionDenied {
                    path: "/dev/gpiochip0".into(),
                }
            }
            E::Io(e) if e.raw_os_error() == Some(libc::EBUSY) => ButtonError::PinBusy { pin },
            E::Io(e) if e.kind() == std::io::ErrorKind::NotFound => ButtonError::NotAPi {
                detail: format!("no GPIO device: {e}"),
            },
            other => ButtonError::Setup {
                pin,
                detail: other.to_string(),
            },
        }
    }
}

#[cfg(all(test, feature = "gpio"))]
mod tests {
    use super::*;
    use rppal::gpio::Error as E;

    #[test]
    fn rppal_errors_become_actionable_messages() {
        let e = ButtonError::from_gpio(17, E::UnknownModel);
        assert!(
            matches!(e, ButtonError::NotAPi { .. }) && e.to_string().contains("driver = \"none\""),
            "{e}"
        );
        let e = ButtonError::from_gpio(17, E::PermissionDenied("/dev/gpiomem".into()));
        assert!(
            e.to_string().contains("/dev/gpiomem") && e.to_string().contains("`gpio` group"),
            "{e}"
        );
        let e = ButtonError::from_gpio(17, E::PinUsed(17));
        assert!(matches!(e, ButtonError::PinBusy { pin: 17 }), "{e}");
        let e = ButtonError::from_gpio(17, E::Io(std::io::Error::from_raw_os_error(libc::EBUSY)));
        assert!(matches!(e, ButtonError::PinBusy { pin: 17 }), "{e}");
        let e = ButtonError::from_gpio(60, E::PinNotAvailable(60));
        assert!(e.to_string().contains("GPIO 60"), "{e}");
    }
}
