#!/usr/bin/env bash
# kokoro-onnx 0.6.1 (MIT; Kokoro in Python over ONNX Runtime), for the
# side-by-side row of `cargo bench -- neural`: the bench runs
# benches/kokoro-onnx.py with this venv's Python on the same model file,
# style pack and phonemes as briefcast's embedded Kokoro.
#
#   $BRIEFCAST_DEV_CACHE/kokoro-onnx/venv/bin/python
#
# Every package is pinned (kokoro-onnx-requirements.txt), onnxruntime at
# 1.32.0: the wheel whose libonnxruntime.so briefcast's runtime pack
# installs, so both sides run the same library. Nothing happens when the
# install is complete; a partial one is redone from a temporary name
# renamed into place.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="${BRIEFCAST_DEV_CACHE:?run dev/setup}/kokoro-onnx"
# The stamp hashes the contents, not the paths: every checkout shares one install.
stamp="$root/.complete-$(cat "$0" "$here/kokoro-onnx-requirements.txt" | sha256sum | cut -c1-16)"
[ -e "$stamp" ] &&
  "$root/venv/bin/python" -c "import kokoro_onnx" 2>/dev/null && exit 0

echo "dev/setup: installing kokoro-onnx 0.6.1 and onnxruntime 1.32.0 into $root (about 100 MB)"
mkdir -p "$root"
# Built under a temporary name, then renamed: the bench runs
# `venv/bin/python`, never a console script (those keep the temporary path).
rm -rf "$root/venv.new"
python3 -m venv "$root/venv.new"
"$root/venv.new/bin/pip" install -q --disable-pip-version-check --no-input \
  -r "$here/kokoro-onnx-requirements.txt"
"$root/venv.new/bin/python" -c "import kokoro_onnx, onnxruntime"

rm -rf "$root/venv" "$root"/.complete-*
mv "$root/venv.new" "$root/venv"
touch "$stamp"
