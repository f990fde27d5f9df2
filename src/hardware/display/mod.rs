//! Display: the UI drawn with embedded-graphics on any DrawTarget, the SPI panel driver and a PNG simulator.
