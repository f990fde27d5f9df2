//! Scan button: GPIO input (rppal) with debounce and press classification, and a simulator.
