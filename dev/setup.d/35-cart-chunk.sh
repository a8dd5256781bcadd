#!/usr/bin/env bash
# python-cart-chunk 0.0.2b2 (PyPI), an independent reader of the AES46
# `cart` chunk: the playout tests read every episode's cart fields back
# with its `CartChunk(path).cart_data`:
# $BRIEFCAST_DEV_CACHE/cart-chunk/venv. It imports numpy without declaring
# it, so numpy is installed beside it (any version with a wheel for this
# Python: the reader only uses it to write, never to read).
set -euo pipefail
dest="$BRIEFCAST_DEV_CACHE/cart-chunk"
[ -f "$dest/.complete" ] && exit 0
tmp="$BRIEFCAST_DEV_CACHE/.cart-chunk.tmp"
rm -rf "$tmp"
mkdir -p "$tmp"
echo "dev/setup: installing python-cart-chunk (the cart chunk reader)"
python3 -m venv "$tmp/venv"
"$tmp/venv/bin/python" -m pip install --quiet --disable-pip-version-check "python-cart-chunk==0.0.2b2" numpy
"$tmp/venv/bin/python" -c 'from cart_chunk import CartChunk'
touch "$tmp/.complete"
rm -rf "$dest"
mv "$tmp" "$dest"
