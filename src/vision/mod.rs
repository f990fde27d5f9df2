//! Vision: face detection (BlazeFace) and facial emotion classification (int8 mini-Xception).
