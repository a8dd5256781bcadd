"""Where an engine says its words start, against where their sound does.

Asks a running `briefcast serve` for each line of a text file, reads the
word times of its `bcwd` chunk and the audio, and measures two things
whose place in the audio is unambiguous:

- after a pause (the clip's start, or after punctuation), a word that
  begins with a vowel, nasal or fricative: where the sound rises out of
  the silence (10 ms windows every 2.5 ms, 40 dB under the loudest);
- between two words with no pause, a word that begins with a stop
  consonant: where the stop's silence (its closure) begins, 35 dB under
  the loudest for 15 ms or more.

Prints, per kind, the median and quartiles of (landmark - reported start)
in ms: negative means the sound comes before the reported start.

    python3 dev/word-onsets.py URL VOICE TEXTFILE zh|en

Needs numpy. Used by dev/bench-word-onsets (BENCHMARKS.md, section 14).
"""
import json
import re
import struct
import sys
import urllib.request

import numpy as np

PUNCTUATION = r"[,.;:!?，。；：！？、]"
STOPS = {"zh": ("b", "p", "d", "t", "g", "k", "j", "q", "zh", "ch", "z", "c"),
         "en": ("p", "t", "k", "b", "d", "g", "c")}


def speak(url, text, voice):
    body = json.dumps({"input": text, "voice": voice, "speed": 1.0,
                       "response_format": "wav"}).encode()
    request = urllib.request.Request(url, data=body,
                                     headers={"Content-Type": "application/json"})
    data = urllib.request.urlopen(request).read(64 << 20)
    at, rate, samples, words = 12, None, None, []
    while at + 8 <= len(data):
        kind, size = data[at:at + 4], struct.unpack("<I", data[at + 4:at + 8])[0]
        chunk = data[at + 8:at + 8 + size]
        if kind == b"fmt ":
            rate = struct.unpack("<I", chunk[4:8])[0]
        elif kind == b"data":
            samples = np.frombuffer(chunk[:len(chunk) // 2 * 2], dtype="<i2") / 32768.0
        elif kind == b"bcwd":
            n = struct.unpack("<I", chunk[4:8])[0]
            words = [struct.unpack("<IIII", chunk[8 + 16 * k:24 + 16 * k]) for k in range(n)]
        at += 8 + size + (size & 1)
    return rate, samples, words


def levels(samples, rate):
    hop, window = int(rate * 0.0025), int(rate * 0.010)
    n = max(1, (len(samples) - window) // hop)
    power = np.array([np.mean(samples[i * hop:i * hop + window] ** 2) for i in range(n)])
    return 10 * np.log10(power + 1e-12), hop / rate, window / rate / 2


def landmarks(url, voice, text, stops):
    rate, samples, words = speak(url, text, voice)
    db, step, centre = levels(samples, rate)
    out = {"onset after a pause": [], "closure between words": []}
    for k, (first, after, start, _) in enumerate(words):
        start /= rate
        before = text[words[k - 1][1]:first] if k else text[:first]
        word = text[first:after].lower()
        if k == 0 or re.search(PUNCTUATION, before):
            if word.startswith(stops):
                continue
            loud = db > db.max() - 40
            lo, hi = max(1, int((start - 0.25) / step)), min(len(db) - 1, int((start + 0.15) / step))
            found = [i for i in range(lo, hi) if loud[i] and not loud[max(0, i - 8):i].any()]
            kind = "onset after a pause"
        elif before.strip() == "" and word.startswith(stops):
            loud = db > db.max() - 35
            lo, hi = max(1, int((start - 0.15) / step)), min(len(db) - 7, int((start + 0.10) / step))
            found = [i for i in range(lo, hi) if loud[i - 1] and not loud[i:i + 6].any()]
            kind = "closure between words"
        else:
            continue
        if found:
            i = min(found, key=lambda i: abs(i * step + centre - start))
            out[kind].append((i * step + centre - start) * 1000)
    return out


def main():
    url, voice, path, language = sys.argv[1:5]
    totals = {}
    for line in open(path, encoding="utf-8"):
        if line.strip():
            for kind, values in landmarks(url, voice, line.strip(), STOPS[language]).items():
                totals.setdefault(kind, []).extend(values)
    for kind, values in totals.items():
        if values:
            q1, median, q3 = np.percentile(values, [25, 50, 75])
            print(f"| {voice} | {kind} | {len(values)} | {median:+.0f} | {q1:+.0f} to {q3:+.0f} |")


if __name__ == "__main__":
    main()
