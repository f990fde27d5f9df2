#!/usr/bin/env python3
"""Reference implementation of moodbox's vision pipeline, in NumPy on TensorFlow Lite.

It mirrors src/vision/ step by step (same resampling, anchors, weighted NMS, crop geometry
and preprocessing) so the Rust outputs can be checked against an independent
implementation running on the upstream TF Lite runtime:

    python3 models/reference.py --fixtures tests/fixtures/frames --out tests/fixtures/reference.json

The JSON holds, per fixture image, every face found: box [x, y, w, h] and six keypoints in
image pixels, the detector score and the seven emotion probabilities. The Rust test
tests/vision_reference.rs compares against it (probabilities within 0.02, same label,
boxes within 2 px). Both models run on TF Lite's reference kernels here.
"""
import argparse
import json
import math
from pathlib import Path

import numpy as np
from PIL import Image

LABELS = ["angry", "disgust", "fear", "happy", "sad", "surprise", "neutral"]
MODELS = Path(__file__).resolve().parent
DETECTOR_INPUT = 128
SCORE_THRESHOLD = 0.5
NMS_IOU = 0.3
# Crop geometry (see src/vision/crop.rs): side = CROP_SCALE * box width, centred on the
# box centre shifted along the face's vertical axis by CROP_SHIFT_Y * box height (the median
# FER2013 framing relative to BlazeFace's box, measured on train faces).
CROP_SCALE = 1.13
CROP_SHIFT_Y = -0.09
FER_SIDE = 48
EMOTION_SIDE = 64


def round_half_up(x):
    return int(math.floor(x + 0.5))


# ---- resampling (src/vision/resample.rs) -------------------------------------------------

def area_weights(n_in, n_out):
    """Row i averages source interval [i*s, (i+1)*s), s = n_in/n_out, weighted by overlap."""
    s = n_in / n_out
    w = np.zeros((n_out, n_in), dtype=np.float64)
    for i in range(n_out):
        a, b = i * s, (i + 1) * s
        j = int(math.floor(a))
        while j < n_in and j < b:
            w[i, j] = min(b, j + 1) - max(a, j)
            j += 1
        w[i] /= w[i].sum()
    return w


def bilinear_weights(n_in, n_out):
    """OpenCV INTER_LINEAR: x = (i + 0.5) * n_in / n_out - 0.5, clamped to the edges."""
    s = n_in / n_out
    w = np.zeros((n_out, n_in), dtype=np.float64)
    for i in range(n_out):
        x = min(max((i + 0.5) * s - 0.5, 0.0), n_in - 1)
        j = int(math.floor(x))
        f = x - j
        j1 = min(j + 1, n_in - 1)
        w[i, j] += 1 - f
        w[i, j1] += f
    return w


def lanczos3(x):
    if x == 0:
        return 1.0
    if abs(x) >= 3:
        return 0.0
    px = math.pi * x
    return 3 * math.sin(px) * math.sin(px / 3) / (px * px)


def lanczos_weights(n_in, n_out):
    """Lanczos-3 stretched by the scale factor (Pillow's LANCZOS), weights normalised."""
    s = n_in / n_out
    support = 3 * s
    w = np.zeros((n_out, n_in), dtype=np.float64)
    for i in range(n_out):
        centre = (i + 0.5) * s
        first = max(0, int(math.floor(centre - support)))
        last = min(n_in, int(math.ceil(centre + support)))
        for j in range(first, last):
            w[i, j] = lanczos3((j + 0.5 - centre) / s)
        w[i] /= w[i].sum()
    return w


def resize_lanczos(img, out_w, out_h):
    """Lanczos-3 where shrinking, bilinear where enlarging (the face crop's filter)."""
    h, w = img.shape
    wy = lanczos_weights(h, out_h) if out_h < h else bilinear_weights(h, out_h)
    wx = lanczos_weights(w, out_w) if out_w < w else bilinear_weights(w, out_w)
    return wy @ img @ wx.T


def resize(img, out_w, out_h):
    """Area average where shrinking, bilinear where enlarging (per axis). img HxW or HxWxC."""
    h, w = img.shape[:2]
    wy = area_weights(h, out_h) if out_h < h else bilinear_weights(h, out_h)
    wx = area_weights(w, out_w) if out_w < w else bilinear_weights(w, out_w)
    if img.ndim == 2:
        return wy @ img @ wx.T
    return np.stack([wy @ img[..., c] @ wx.T for c in range(img.shape[2])], axis=-1)


def resize_bilinear(img, out_w, out_h):
    return bilinear_weights(img.shape[0], out_h) @ img @ bilinear_weights(img.shape[1], out_w).T


def sample_bilinear(img, xs, ys):
    """Bilinear samples at pixel-index coordinates, edges replicated."""
    h, w = img.shape
    xs = np.clip(xs, 0, w - 1)
    ys = np.clip(ys, 0, h - 1)
    x0 = np.floor(xs).astype(int)
    y0 = np.floor(ys).astype(int)
    x1 = np.minimum(x0 + 1, w - 1)
    y1 = np.minimum(y0 + 1, h - 1)
    fx = xs - x0
    fy = ys - y0
    top = img[y0, x0] * (1 - fx) + img[y0, x1] * fx
    bot = img[y1, x0] * (1 - fx) + img[y1, x1] * fx
    return top * (1 - fy) + bot * fy


def to_gray(rgb):
    return rgb[..., 0] * 0.299 + rgb[..., 1] * 0.587 + rgb[..., 2] * 0.114


# ---- face detector (src/vision/detector.rs, anchors.rs) ----------------------------------

def anchors():
    out = []
    for grid, per_cell in ((16, 2), (8, 6)):
        for y in range(grid):
            for x in range(grid):
                for _ in range(per_cell):
                    out.append(((x + 0.5) / grid, (y + 0.5) / grid))
    return np.array(out)


ANCHORS = anchors()


class Letterbox:
    def __init__(self, w, h):
        s = DETECTOR_INPUT / max(w, h)
        self.nw = max(1, round_half_up(w * s))
        self.nh = max(1, round_half_up(h * s))
        self.px = (DETECTOR_INPUT - self.nw) // 2
        self.py = (DETECTOR_INPUT - self.nh) // 2
        self.sx = w / self.nw
        self.sy = h / self.nh

    def tensor(self, rgb):
        small = resize(rgb, self.nw, self.nh)
        t = np.zeros((DETECTOR_INPUT, DETECTOR_INPUT, 3), dtype=np.float64)
        t[self.py:self.py + self.nh, self.px:self.px + self.nw] = small / 127.5 - 1.0
        return t[None].astype(np.float32)

    def to_frame(self, x, y):
        return (x * DETECTOR_INPUT - self.px) * self.sx, (y * DETECTOR_INPUT - self.py) * self.sy


def iou(a, b):
    ax0, ay0, ax1, ay1 = a[0] - a[2] / 2, a[1] - a[3] / 2, a[0] + a[2] / 2, a[1] + a[3] / 2
    bx0, by0, bx1, by1 = b[0] - b[2] / 2, b[1] - b[3] / 2, b[0] + b[2] / 2, b[1] + b[3] / 2
    iw = max(0.0, min(ax1, bx1) - max(ax0, bx0))
    ih = max(0.0, min(ay1, by1) - max(ay0, by0))
    inter = iw * ih
    union = a[2] * a[3] + b[2] * b[3] - inter
    return inter / union if union > 0 else 0.0


def weighted_nms(cands):
    """cands: list of (score, values[16]) with values = cx, cy, w, h, 6 keypoints (x, y)."""
    remaining = sorted(cands, key=lambda c: -c[0])
    out = []
    while remaining:
        top = remaining[0]
        group = [c for c in remaining if iou(top[1][:4], c[1][:4]) > NMS_IOU]
        rest = [c for c in remaining if iou(top[1][:4], c[1][:4]) <= NMS_IOU]
        weights = np.array([c[0] for c in group])
        values = np.array([c[1] for c in group])
        merged = (weights[:, None] * values).sum(axis=0) / weights.sum()
        out.append((top[0], merged))
        remaining = rest
    return out


class Detector:
    def __init__(self, interpreter_cls):
        self.it = interpreter_cls(model_path=str(MODELS / "face_detection_short_range.tflite"))
        self.it.allocate_tensors()
        self.inp = self.it.get_input_details()[0]["index"]
        outs = {tuple(o["shape"]): o["index"] for o in self.it.get_output_details()}
        self.reg = outs[(1, 896, 16)]
        self.cls = outs[(1, 896, 1)]

    def detect(self, rgb):
        h, w = rgb.shape[:2]
        lb = Letterbox(w, h)
        self.it.set_tensor(self.inp, lb.tensor(rgb))
        self.it.invoke()
        reg = self.it.get_tensor(self.reg)[0].astype(np.float64)
        logits = self.it.get_tensor(self.cls)[0, :, 0].astype(np.float64)
        scores = 1 / (1 + np.exp(-np.clip(logits, -100, 100)))
        cands = []
        for i in np.nonzero(scores >= SCORE_THRESHOLD)[0]:
            ax, ay = ANCHORS[i]
            r = reg[i] / DETECTOR_INPUT
            v = np.empty(16)
            v[0], v[1], v[2], v[3] = r[0] + ax, r[1] + ay, r[2], r[3]
            v[4::2] = r[4::2] + ax
            v[5::2] = r[5::2] + ay
            cands.append((scores[i], v))
        faces = []
        for score, v in weighted_nms(cands):
            x0, y0 = lb.to_frame(v[0] - v[2] / 2, v[1] - v[3] / 2)
            x1, y1 = lb.to_frame(v[0] + v[2] / 2, v[1] + v[3] / 2)
            kps = [lb.to_frame(v[4 + 2 * k], v[5 + 2 * k]) for k in range(6)]
            faces.append({"box": [x0, y0, x1 - x0, y1 - y0], "score": float(score),
                          "keypoints": [[float(x), float(y)] for x, y in kps]})
        faces.sort(key=lambda f: (-f["score"]))
        return faces


# ---- crop + emotion classifier (src/vision/crop.rs, classifier.rs) -----------------------

def face_crop(gray, face, scale=None, shift=None):
    scale = CROP_SCALE if scale is None else scale
    shift = CROP_SHIFT_Y if shift is None else shift
    x, y, w, h = face["box"]
    (rx, ry), (lx, ly) = face["keypoints"][0], face["keypoints"][1]
    angle = math.atan2(ly - ry, lx - rx)
    c, s = math.cos(angle), math.sin(angle)
    side = scale * w
    # The centre moves along the face's own vertical axis.
    cx = x + w / 2 - s * shift * h
    cy = y + h / 2 + c * shift * h
    m = min(max(round_half_up(side), FER_SIDE), 4 * FER_SIDE)
    t = ((np.arange(m) + 0.5) / m - 0.5) * side
    tt, ss = np.meshgrid(t, t)  # tt along x (columns), ss along y (rows)
    xs = cx + tt * c - ss * s - 0.5
    ys = cy + tt * s + ss * c - 0.5
    patch = sample_bilinear(gray, xs, ys)
    return resize_lanczos(patch, FER_SIDE, FER_SIDE)


def emotion_tensor(gray48):
    x = resize_bilinear(gray48.astype(np.float64), EMOTION_SIDE, EMOTION_SIDE)
    return ((x / 255.0 - 0.5) * 2.0).reshape(1, EMOTION_SIDE, EMOTION_SIDE, 1).astype(np.float32)


class Classifier:
    def __init__(self, interpreter_cls):
        self.it = interpreter_cls(model_path=str(MODELS / "emotion_mini_xception_int8.tflite"))
        self.it.allocate_tensors()
        self.inp = self.it.get_input_details()[0]["index"]
        self.out = self.it.get_output_details()[0]["index"]

    def classify_once(self, gray48):
        self.it.set_tensor(self.inp, emotion_tensor(gray48))
        self.it.invoke()
        return self.it.get_tensor(self.out)[0].astype(np.float64)

    def classify(self, gray48, mirror_average=True):
        """As moodbox does by default: the mean of the face and its mirror image."""
        p = self.classify_once(gray48)
        if mirror_average:
            p = (p + self.classify_once(gray48[:, ::-1])) / 2
        return p


def load_rgb(path):
    return np.asarray(Image.open(path).convert("RGB"), dtype=np.float64)


def main():
    import tensorflow as tf

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--fixtures", required=True)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    # TF Lite's reference kernels: the specification of each op. Optimised int8 kernels of
    # different TF Lite versions round differently by a few output quanta (1/256 each).
    def interpreter(model_path):
        return tf.lite.Interpreter(
            model_path=model_path,
            experimental_op_resolver_type=tf.lite.experimental.OpResolverType.BUILTIN_REF)

    det, cls = Detector(interpreter), Classifier(interpreter)
    result = {}
    for path in sorted(Path(args.fixtures).iterdir()):
        if path.suffix.lower() not in (".png", ".jpg", ".jpeg"):
            continue
        rgb = load_rgb(path)
        gray = to_gray(rgb)
        faces = det.detect(rgb)
        for f in faces:
            p = cls.classify(face_crop(gray, f))
            f["emotion"] = LABELS[int(np.argmax(p))]
            f["probs"] = {l: float(v) for l, v in zip(LABELS, p)}
        result[path.name] = {"width": rgb.shape[1], "height": rgb.shape[0], "faces": faces}
        print(f"{path.name}: {[(f['emotion'], round(f['score'], 3)) for f in faces]}")
    Path(args.out).write_text(json.dumps(result, indent=1) + "\n")


if __name__ == "__main__":
    main()
