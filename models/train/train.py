#!/usr/bin/env python3
"""Train moodbox's emotion classifier on FER2013 and convert it to full-integer int8 TF Lite.

The network reads what moodbox's classifier feeds it (src/vision/classifier.rs): a
[1, 64, 64, 1] float32 grayscale face, FER2013's 48x48 crop resized to 64x64 with bilinear
interpolation (OpenCV INTER_LINEAR), then x / 255 and (x - 0.5) * 2. It answers [1, 7]
softmax probabilities in FER2013 label order.

Subcommands (run from the repository root):

    train     train on FER2013 train/ (part of it held out for validation); one checkpoint
              per epoch in the run folder, the curve in RUN/log.csv; --resume goes on from
              the last checkpoint
    convert   turn a run's best (or given) weights into a full-integer int8 .tflite with
              float32 input and output, and check it loads on TF Lite 1.15.5 (tfcheck.py)
    eval      accuracy and macro-F1 of any emotion .tflite on a FER2013 split (one pass,
              and the face and its mirror averaged)

    python3 models/train/train.py train --fer2013 ../shared/datasets/fer2013 --run models/train/run
    python3 models/train/train.py convert --fer2013 ../shared/datasets/fer2013 --run models/train/run \
        --out models/emotion_resnet_int8.tflite
    python3 models/train/train.py eval --fer2013 ../shared/datasets/fer2013 --split test \
        models/emotion_resnet_int8.tflite

Only train/ is trained and validated on; the test split is only measured by `eval`.
"""
import argparse
import csv
import hashlib
import json
import math
import os
import subprocess
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np
from PIL import Image

LABELS = ["angry", "disgust", "fear", "happy", "sad", "surprise", "neutral"]
SRC = 48   # FER2013 face side
SIZE = 64  # model input side (moodbox's classifier INPUT_SIZE)
REPRESENTATIVE_PER_CLASS = 60


# ---------------------------------------------------------------- data

def load_split(fer2013, split):
    """All images of a split as uint8 [N, 48, 48] and int labels, in sorted file order."""
    xs, ys = [], []
    for label, name in enumerate(LABELS):
        folder = Path(fer2013) / split / name
        for f in sorted(folder.iterdir()):
            img = Image.open(f).convert("L")
            if img.size != (SRC, SRC):
                img = img.resize((SRC, SRC), Image.BILINEAR)
            xs.append(np.asarray(img, dtype=np.uint8))
            ys.append(label)
    return np.stack(xs), np.asarray(ys, dtype=np.int64)


def cached_split(fer2013, split, cache_dir):
    cache = Path(cache_dir) / f"fer2013-{split}.npz"
    if cache.exists():
        d = np.load(cache)
        return d["x"], d["y"]
    x, y = load_split(fer2013, split)
    cache.parent.mkdir(parents=True, exist_ok=True)
    np.savez(cache, x=x, y=y)
    return x, y


def holdout(y, fraction, seed):
    """Stratified split of train/ indices into (train, validation)."""
    rng = np.random.default_rng(seed)
    tr, va = [], []
    for c in range(len(LABELS)):
        idx = np.flatnonzero(y == c)
        rng.shuffle(idx)
        n = int(round(len(idx) * fraction))
        va.append(idx[:n])
        tr.append(idx[n:])
    return np.sort(np.concatenate(tr)), np.sort(np.concatenate(va))


def resize_bilinear(img, size):
    """OpenCV INTER_LINEAR (half-pixel centres, edge clamp), float math; img is HxW."""
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
    img = img.astype(np.float32)
    top = img[y0][:, x0] * (1 - fx) + img[y0][:, x1] * fx
    bot = img[y1][:, x0] * (1 - fx) + img[y1][:, x1] * fx
    return top * (1 - fy) + bot * fy


def model_input(gray):
    """moodbox's preprocessing for one face of any size: [64, 64, 1] float32 in [-1, 1]."""
    x = resize_bilinear(gray, (SIZE, SIZE))
    return ((x / 255.0 - 0.5) * 2.0).astype(np.float32)[..., None]


def model_inputs(xs):
    return np.stack([model_input(x) for x in xs])


# ---------------------------------------------------------------- augmentation

def augment_fn(tf, cfg):
    """A batched augmentation in the TF graph: uint8 [B, 48, 48] -> float [B, 64, 64, 1].

    One projective warp per face does the 48 -> 64 bilinear resize (half-pixel centres, as
    moodbox) together with a random mirror, rotation, scale and shift; then brightness,
    contrast and a random erased rectangle; then moodbox's (x/255 - 0.5) * 2.
    """
    k = SRC / SIZE
    d = 0.5 * k - SRC / 2.0
    c0 = (SRC - 1) / 2.0

    def aug(x, y):
        b = tf.shape(x)[0]
        x = tf.cast(x, tf.float32)[..., None]
        u = lambda lo, hi: tf.random.uniform([b], lo, hi)
        theta = u(-cfg["rotate"], cfg["rotate"]) * (math.pi / 180.0)
        scale = tf.exp(u(math.log(cfg["scale_lo"]), math.log(cfg["scale_hi"])))
        flip = tf.where(tf.random.uniform([b]) < 0.5, -1.0, 1.0)
        tx = u(-cfg["shift"], cfg["shift"])
        ty = u(-cfg["shift"], cfg["shift"])
        cos, sin = tf.cos(theta) / scale, tf.sin(theta) / scale
        # input = M @ (output centred) + centre + shift, M = rot(theta) / scale @ diag(flip, 1)
        m00, m01, m10, m11 = cos * flip, -sin, sin * flip, cos
        a0, a1 = m00 * k, m01 * k
        a2 = (m00 + m01) * d + c0 + tx
        b0, b1 = m10 * k, m11 * k
        b2 = (m10 + m11) * d + c0 + ty
        zeros = tf.zeros([b])
        transforms = tf.stack([a0, a1, a2, b0, b1, b2, zeros, zeros], axis=1)
        x = tf.raw_ops.ImageProjectiveTransformV3(
            images=x, transforms=transforms, output_shape=[SIZE, SIZE],
            interpolation="BILINEAR", fill_mode="NEAREST", fill_value=0.0)
        # brightness and contrast about each face's mean
        mean = tf.reduce_mean(x, axis=[1, 2, 3], keepdims=True)
        con = tf.reshape(u(1 - cfg["contrast"], 1 + cfg["contrast"]), [b, 1, 1, 1])
        bri = tf.reshape(u(-cfg["brightness"], cfg["brightness"]), [b, 1, 1, 1]) * 255.0
        x = tf.clip_by_value((x - mean) * con + mean + bri, 0.0, 255.0)
        # random erasing: one rectangle per face (with probability erase_p), filled with noise
        if cfg["erase_p"] > 0:
            cy, cx = u(0, SIZE), u(0, SIZE)
            hh, hw = u(4, cfg["erase_max"] / 2), u(4, cfg["erase_max"] / 2)
            on = tf.cast(tf.random.uniform([b]) < cfg["erase_p"], tf.float32)
            r = tf.range(SIZE, dtype=tf.float32)
            my = tf.cast(tf.abs(r[None, :] - cy[:, None]) < hh[:, None], tf.float32)
            mx = tf.cast(tf.abs(r[None, :] - cx[:, None]) < hw[:, None], tf.float32)
            mask = (my[:, :, None] * mx[:, None, :] * on[:, None, None])[..., None]
            noise = tf.random.uniform(tf.shape(x), 0.0, 255.0)
            x = x * (1 - mask) + noise * mask
        x = (x / 255.0 - 0.5) * 2.0
        return x, y

    return aug


# ---------------------------------------------------------------- network

def build_model(width=1.0, dropout=0.3, weight_decay=5e-4, stem="strided", stem_kernel=5):
    """A small ResNet for 64x64 faces (FER2013's 48x48, upsampled).

    stem 5x5/2 @32 (or 3x3 @64 -> 3x3/2 @32) -> [3x3/2, 3x3 + 1x1/2 shortcut] @16 and @8 -> 3x3/2 @4
    -> global average -> dropout -> dense 7 -> softmax. Conv + BatchNorm + ReLU everywhere,
    which TF Lite folds into int8 CONV_2D with a fused ReLU.
    """
    import tf_keras as keras
    from tf_keras import layers

    reg = keras.regularizers.l2(weight_decay / 2)
    ch = [max(8, int(round(c * width))) for c in (16, 32, 64, 128, 256)]

    def conv_bn(x, filters, stride=1, kernel=3, relu=True):
        x = layers.Conv2D(filters, kernel, strides=stride, padding="same", use_bias=False,
                          kernel_regularizer=reg, kernel_initializer="he_normal")(x)
        x = layers.BatchNormalization(momentum=0.9)(x)
        return layers.ReLU()(x) if relu else x

    def down_block(x, filters):
        short = conv_bn(x, filters, stride=2, kernel=1, relu=False)
        y = conv_bn(x, filters, stride=2)
        y = conv_bn(y, filters, relu=False)
        return layers.ReLU()(layers.Add()([y, short]))

    inp = keras.Input((SIZE, SIZE, 1), name="face")
    if stem == "full":
        x = conv_bn(inp, ch[0])
        x = conv_bn(x, ch[1], stride=2)
    else:  # "strided": the first convolution already halves the 64x64 input
        x = conv_bn(inp, ch[1], stride=2, kernel=stem_kernel)
    x = down_block(x, ch[2])
    x = down_block(x, ch[3])
    x = conv_bn(x, ch[4], stride=2)
    x = layers.GlobalAveragePooling2D()(x)
    x = layers.Dropout(dropout)(x)
    x = layers.Dense(len(LABELS), kernel_regularizer=reg)(x)
    out = layers.Softmax(name="probs")(x)
    return keras.Model(inp, out, name="emotion_resnet")


def count_macs(model):
    """Multiply-accumulates of one forward pass (convolutions and dense layers)."""
    from tf_keras import layers
    total = 0
    for layer in model.layers:
        if isinstance(layer, layers.Conv2D):
            _, h, w, c = layer.output.shape
            kh, kw = layer.kernel_size
            total += h * w * c * kh * kw * layer.input.shape[-1]
        elif isinstance(layer, layers.Dense):
            total += layer.input.shape[-1] * layer.units
    return int(total)


# ---------------------------------------------------------------- train

def cmd_train(args):
    import tensorflow as tf
    import tf_keras as keras

    tf.config.threading.set_intra_op_parallelism_threads(args.threads)
    tf.config.threading.set_inter_op_parallelism_threads(1)
    run = Path(args.run)
    run.mkdir(parents=True, exist_ok=True)
    cfg_path = run / "config.json"
    if args.resume:
        cfg = json.loads(cfg_path.read_text())
        if args.epochs and args.epochs != cfg["epochs"]:
            # a shorter (or longer) schedule from here on; the cosine follows the new length
            print(f"schedule length changed from {cfg['epochs']} to {args.epochs} epochs", flush=True)
            cfg.setdefault("epochs_changed", []).append({"from": cfg["epochs"], "to": args.epochs})
            cfg["epochs"] = args.epochs
            cfg_path.write_text(json.dumps(cfg, indent=2) + "\n")
    else:
        if (run / "ckpt").exists():
            sys.exit(f"{run} already holds a run; pass --resume or choose another --run")
        cfg = {k: v for k, v in vars(args).items()
               if k not in ("func", "resume", "run", "fer2013", "threads", "verbose")}
        cfg["epochs"] = args.epochs or 30
        cfg_path.write_text(json.dumps(cfg, indent=2) + "\n")
    tf.keras.utils.set_random_seed(cfg["seed"])

    x_all, y_all = cached_split(args.fer2013, "train", run / "cache")
    tr, va = holdout(y_all, cfg["val_fraction"], cfg["seed"])
    if cfg["subset"]:
        tr, va = tr[:: max(1, len(tr) // cfg["subset"])], va[:: max(1, len(va) // (cfg["subset"] // 5 + 1))]
    x_tr, y_tr = x_all[tr], y_all[tr]
    x_va, y_va = model_inputs(x_all[va]), y_all[va]
    print(f"train {len(tr)} faces, validation {len(va)} (held out of train/)", flush=True)

    steps = len(tr) // cfg["batch"]
    total = steps * cfg["epochs"]
    warm = steps * cfg["warmup"]

    class Cosine(keras.optimizers.schedules.LearningRateSchedule):
        def __call__(self, step):
            step = tf.cast(step, tf.float32)
            lr_warm = cfg["lr"] * (step + 1) / max(1, warm)
            p = tf.clip_by_value((step - warm) / max(1, total - warm), 0.0, 1.0)
            lr_cos = cfg["lr_min"] + 0.5 * (cfg["lr"] - cfg["lr_min"]) * (1 + tf.cos(math.pi * p))
            return tf.where(step < warm, lr_warm, lr_cos)

        def get_config(self):
            return {}

    model = build_model(cfg["width"], cfg["dropout"], cfg["weight_decay"], cfg["stem"], cfg["stem_kernel"])
    schedule = Cosine()
    opt = keras.optimizers.SGD(schedule, momentum=0.9, nesterov=True)
    model.compile(optimizer=opt,
                  loss=keras.losses.CategoricalCrossentropy(label_smoothing=cfg["label_smoothing"]),
                  metrics=["accuracy"])
    print(f"{model.count_params()} parameters, {count_macs(model) / 1e6:.1f}M MACs per face", flush=True)

    epoch_var = tf.Variable(0, dtype=tf.int64)
    best_var = tf.Variable(0.0, dtype=tf.float64)
    ckpt = tf.train.Checkpoint(model=model, optimizer=opt, epoch=epoch_var, best=best_var)
    manager = tf.train.CheckpointManager(ckpt, str(run / "ckpt"), max_to_keep=2)
    if args.resume and manager.latest_checkpoint:
        ckpt.restore(manager.latest_checkpoint)
        print(f"resumed from {manager.latest_checkpoint}: epoch {int(epoch_var.numpy())} done, "
              f"best val {best_var.numpy():.4f}", flush=True)
    start = int(epoch_var.numpy())

    aug = augment_fn(tf, cfg)
    ds = (tf.data.Dataset.from_tensor_slices((x_tr, tf.one_hot(y_tr, len(LABELS))))
          .shuffle(len(tr), seed=cfg["seed"] + start, reshuffle_each_iteration=True)
          .batch(cfg["batch"], drop_remainder=True)
          .map(aug, num_parallel_calls=1)
          .prefetch(2))
    y_va1 = tf.one_hot(y_va, len(LABELS)).numpy()

    log_path = run / "log.csv"
    if not log_path.exists():
        log_path.write_text("epoch,lr,train_loss,train_acc,val_loss,val_acc,seconds\n")
    for epoch in range(start, cfg["epochs"]):
        t0 = time.time()
        h = model.fit(ds, epochs=1, steps_per_epoch=steps, verbose=2 if args.verbose else 0)
        val_loss, val_acc = model.evaluate(x_va, y_va1, batch_size=256, verbose=0)
        secs = time.time() - t0
        lr = float(schedule(opt.iterations))
        tl, ta = h.history["loss"][-1], h.history["accuracy"][-1]
        with open(log_path, "a") as f:
            f.write(f"{epoch + 1},{lr:.5f},{tl:.4f},{ta:.4f},{val_loss:.4f},{val_acc:.4f},{secs:.0f}\n")
        model.save_weights(str(run / "last.weights.h5"))
        if val_acc > best_var.numpy():
            best_var.assign(val_acc)
            model.save_weights(str(run / "best.weights.h5"))
            (run / "best.json").write_text(json.dumps({"epoch": epoch + 1, "val_acc": val_acc}) + "\n")
        epoch_var.assign(epoch + 1)
        manager.save()
        print(f"epoch {epoch + 1}/{cfg['epochs']}: train acc {ta:.4f} loss {tl:.4f}, "
              f"val acc {val_acc:.4f} loss {val_loss:.4f}, lr {lr:.4f}, {secs:.0f} s", flush=True)
    print(f"done; best val acc {best_var.numpy():.4f} ({(run / 'best.json').read_text().strip()})")


# ---------------------------------------------------------------- convert

def representative_faces(fer2013, run, cfg):
    """REPRESENTATIVE_PER_CLASS faces per label from the training part of train/."""
    x_all, y_all = cached_split(fer2013, "train", Path(run) / "cache")
    tr, _ = holdout(y_all, cfg["val_fraction"], cfg["seed"])
    picks = []
    for c in range(len(LABELS)):
        idx = tr[y_all[tr] == c]
        step = max(1, len(idx) // REPRESENTATIVE_PER_CLASS)
        picks += list(idx[::step][:REPRESENTATIVE_PER_CLASS])
    return x_all[picks]


def cmd_convert(args):
    import tensorflow as tf

    run = Path(args.run)
    cfg = json.loads((run / "config.json").read_text())
    weights = Path(args.weights) if args.weights else run / "best.weights.h5"
    model = build_model(cfg["width"], cfg["dropout"], cfg["weight_decay"], cfg["stem"], cfg["stem_kernel"])
    model.load_weights(str(weights))
    print(f"{weights}: {model.count_params()} parameters, {count_macs(model) / 1e6:.1f}M MACs")
    faces = representative_faces(args.fer2013, run, cfg)
    print(f"representative set: {len(faces)} FER2013 train faces")

    def dataset():
        for f in faces:
            yield [model_input(f)[None]]

    converter = tf.lite.TFLiteConverter.from_keras_model(model)
    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    converter.representative_dataset = dataset
    converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    converter.inference_input_type = tf.float32
    converter.inference_output_type = tf.float32
    out = Path(args.out)
    out.write_bytes(converter.convert())
    print(f"wrote {out} ({out.stat().st_size} bytes) sha256 {hashlib.sha256(out.read_bytes()).hexdigest()}")
    if args.tfcheck:
        r = subprocess.run([sys.executable, args.tfcheck, str(out)])
        if r.returncode != 0:
            sys.exit("tfcheck: the model will not load on TF Lite 1.15.5")


# ---------------------------------------------------------------- eval

def cmd_eval(args):
    import tensorflow as tf

    x, y = load_split(args.fer2013, args.split)
    for path in args.models:
        interp = tf.lite.Interpreter(
            model_path=path, num_threads=args.threads,
            experimental_op_resolver_type=tf.lite.experimental.OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES)
        interp.allocate_tensors()
        inp, out = interp.get_input_details()[0], interp.get_output_details()[0]
        side = int(inp["shape"][1])

        def probs(face):
            v = resize_bilinear(face, (side, side))
            v = ((v / 255.0 - 0.5) * 2.0).astype(np.float32).reshape(1, side, side, 1)
            interp.set_tensor(inp["index"], v)
            interp.invoke()
            return interp.get_tensor(out["index"])[0].copy()

        t0 = time.time()
        single = np.stack([probs(f) for f in x])
        secs = (time.time() - t0) / len(x)
        mirror = (single + np.stack([probs(f[:, ::-1]) for f in x])) / 2
        report = {"model": path, "split": args.split, "faces": len(x),
                  "bytes": os.path.getsize(path), "ms_per_face_x86": round(secs * 1000, 3)}
        for name, p in (("single", single), ("mirror", mirror)):
            pred = p.argmax(1)
            cm = np.zeros((len(LABELS), len(LABELS)), dtype=np.int64)
            np.add.at(cm, (y, pred), 1)
            tp = np.diag(cm).astype(float)
            prec = tp / np.maximum(cm.sum(0), 1)
            rec = tp / np.maximum(cm.sum(1), 1)
            f1 = np.where(prec + rec > 0, 2 * prec * rec / np.maximum(prec + rec, 1e-12), 0)
            report[name] = {"accuracy": round(float((pred == y).mean()), 4),
                            "macro_f1": round(float(f1.mean()), 4),
                            "recall": dict(zip(LABELS, np.round(rec, 3).tolist()))}
        print(json.dumps(report, indent=2), flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(required=True)

    t = sub.add_parser("train", help="train (or --resume) a run")
    t.set_defaults(func=cmd_train)
    t.add_argument("--fer2013", required=True, help="FER2013 folder with train/<label>/*.jpg")
    t.add_argument("--run", default="models/train/run", help="run folder (checkpoints, log)")
    t.add_argument("--resume", action="store_true", help="go on from the run's last checkpoint")
    t.add_argument("--epochs", type=int, help="length of the cosine schedule (default 30; "
                   "with --resume, changes the remaining schedule)")
    t.add_argument("--batch", type=int, default=128)
    t.add_argument("--lr", type=float, default=0.1)
    t.add_argument("--lr-min", type=float, default=1e-4)
    t.add_argument("--warmup", type=int, default=2, help="epochs of linear warm-up")
    t.add_argument("--weight-decay", type=float, default=5e-4)
    t.add_argument("--label-smoothing", type=float, default=0.1)
    t.add_argument("--dropout", type=float, default=0.3)
    t.add_argument("--width", type=float, default=0.75, help="channel multiplier")
    t.add_argument("--stem", choices=["strided", "full"], default="strided",
                   help="strided: the first conv halves the input; full: one 3x3 at 64x64 first")
    t.add_argument("--stem-kernel", type=int, default=5)
    t.add_argument("--rotate", type=float, default=10.0, help="max rotation, degrees")
    t.add_argument("--scale-lo", type=float, default=0.87)
    t.add_argument("--scale-hi", type=float, default=1.15)
    t.add_argument("--shift", type=float, default=3.0, help="max shift, 48-px pixels")
    t.add_argument("--brightness", type=float, default=0.1)
    t.add_argument("--contrast", type=float, default=0.25)
    t.add_argument("--erase-p", type=float, default=0.4)
    t.add_argument("--erase-max", type=float, default=24.0, help="max erased side, 64-px pixels")
    t.add_argument("--val-fraction", type=float, default=0.1)
    t.add_argument("--seed", type=int, default=1)
    t.add_argument("--subset", type=int, default=0, help="train on about this many faces (smoke test)")
    t.add_argument("--threads", type=int, default=2)
    t.add_argument("--verbose", action="store_true")

    c = sub.add_parser("convert", help="int8 .tflite from a run's weights, checked with tfcheck")
    c.set_defaults(func=cmd_convert)
    c.add_argument("--fer2013", required=True)
    c.add_argument("--run", default="models/train/run")
    c.add_argument("--weights", help="weights file (default RUN/best.weights.h5)")
    c.add_argument("--out", required=True)
    c.add_argument("--tfcheck", default="../shared/tools/tfcheck.py",
                   help="tfcheck.py path ('' to skip)")

    e = sub.add_parser("eval", help="accuracy and macro-F1 of .tflite models on a split")
    e.set_defaults(func=cmd_eval)
    e.add_argument("--fer2013", required=True)
    e.add_argument("--split", default="test")
    e.add_argument("--threads", type=int, default=1)
    e.add_argument("models", nargs="+")

    args = ap.parse_args()
    args.func(args)


if __name__ == "__main__":
    main()
