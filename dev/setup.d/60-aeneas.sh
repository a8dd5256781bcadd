#!/usr/bin/env bash
# aeneas-ng 1.7.4 (AGPL-3.0; aeneas's maintained fork: MFCC + DTW against
# an espeak-ng reading of the text), the anchor `cargo bench -- align`
# compares briefcast's aligner with. Only the bench runs it:
#
#   $BRIEFCAST_DEV_CACHE/aeneas/venv/bin/python -m aeneas.tools.execute_task
#
# PyPI has only its sources. Its C extensions (the DTW, the MFCC and the
# espeak-ng and Festival wrappers) compile against the Debian headers of
# espeak-ng and Festival (it links -lFestival even when Festival is never
# used), so those two -dev packages are installed when missing. Every
# Python package is pinned (aeneas-requirements.txt). Nothing happens when
# the install is complete; a partial one is redone from a temporary name
# renamed into place.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="${BRIEFCAST_DEV_CACHE:?run dev/setup}/aeneas"
stamp="$root/.complete-$(cat "$0" "$here/aeneas-requirements.txt" | sha256sum | cut -c1-16)"
[ -e "$stamp" ] && exit 0

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
missing=()
for package in festival-dev libespeak-ng-dev; do
  dpkg-query -W -f '${Status}' "$package" 2>/dev/null | grep -q "ok installed" || missing+=("$package")
done
if ((${#missing[@]})); then
  echo "dev/setup: installing ${missing[*]} (aeneas's C extensions build against them)"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

echo "dev/setup: building aeneas-ng 1.7.4 into $root (about 80 MB)"
mkdir -p "$root"
rm -rf "$root/venv.new"
python3 -m venv "$root/venv.new"
"$root/venv.new/bin/pip" install -q --disable-pip-version-check --no-input \
  -r "$here/aeneas-requirements.txt"
# The C extensions, not their slow pure-Python fallbacks: a build that
# skipped one would make the anchor's timings meaningless.
"$root/venv.new/bin/python" -c "
import aeneas.globalfunctions as gf
assert gf.can_run_c_extension('cdtw') and gf.can_run_c_extension('cmfcc') and gf.can_run_c_extension('cew'), 'aeneas C extensions missing'
"
rm -rf "$root/venv" "$root"/.complete-*
mv "$root/venv.new" "$root/venv"
touch "$stamp"
