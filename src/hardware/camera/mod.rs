//! Camera: V4L2 capture (real) and image-file / folder / test-pattern simulators.
