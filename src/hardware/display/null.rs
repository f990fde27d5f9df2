//! `driver = "none"`: a display that shows nothing, for boxes built without a panel.

use embedded_graphics::geometry::Size;

use super::{Display, DisplayError, Light, Screen};

/// Accepts every screen and shows none of them.
pub struct NullDisplay {
    size: Size,
}

impl NullDisplay {
    pub fn new(size: Size) -> Self {
        NullDisplay { size }
    }
}

impl Display for NullDisplay {
    fn show(&mut self, screen: &Screen) -> Result<(), DisplayError> {
        tracing::trace!(screen = %screen.name(), "display: none configured");
        Ok(())
    }

    fn set_light(&mut self, _light: Light) -> Result<(), DisplayError> {
        Ok(())
    }

    fn blank(&mut self) -> Result<(), DisplayError> {
        Ok(())
    }

    fn size(&self) -> Size {
        self.size
    }
}
