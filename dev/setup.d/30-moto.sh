#!/usr/bin/env bash
# moto's standalone S3 server (moto[server] 5.2.5 from PyPI), the object
# store the shared-cache tests run on 127.0.0.1:
# $BRIEFCAST_DEV_CACHE/moto/venv. It implements the conditional create
# briefcast relies on (PutObject with If-None-Match: * answers 412 when the
# key exists).
set -euo pipefail
dest="$BRIEFCAST_DEV_CACHE/moto"
[ -f "$dest/.complete" ] && exit 0
tmp="$BRIEFCAST_DEV_CACHE/.moto.tmp"
rm -rf "$tmp"
mkdir -p "$tmp"
echo "dev/setup: installing moto's S3 server (about 60 MB)"
python3 -m venv "$tmp/venv"
"$tmp/venv/bin/python" -m pip install --quiet --disable-pip-version-check "moto[server]==5.2.5"
"$tmp/venv/bin/python" -c 'import moto.server'
touch "$tmp/.complete"
rm -rf "$dest"
mv "$tmp" "$dest"
