#!/usr/bin/env bash
# epubcheck (Debian's package, the W3C's EPUB validator in Java) for the
# test that validates the EPUB a real build writes. Debian's
# /usr/bin/epubcheck is an executable jar that runs only where the
# kernel's binfmt jar support is set up, so the test runs
# `java -jar /usr/share/java/epubcheck.jar`: both the jar and a Java
# runtime must be there. Nothing happens when they are.
set -euo pipefail
jar=/usr/share/java/epubcheck.jar
[ -f "$jar" ] && command -v java >/dev/null && exit 0

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
missing=(epubcheck)
# Debian's epubcheck depends on "default-jre-headless | java8-runtime-headless":
# name a headless runtime so no desktop Java comes with it.
command -v java >/dev/null || missing+=(default-jre-headless)
echo "dev/setup: installing ${missing[*]} (the EPUB validator)"
as_root apt-get update -qq
as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
[ -f "$jar" ] || { echo "dev/setup: the epubcheck package has no $jar" >&2; exit 1; }
