"""kokoro-onnx's side of `cargo bench -- neural`: the same model file, style
pack and phoneme string as briefcast's embedded Kokoro, through kokoro-onnx
(Python over ONNX Runtime), run by the venv of dev/setup.d/50-kokoro-onnx.sh.

    python kokoro-onnx.py MODEL VOCAB STYLE_BIN PHONEMES SAMPLES_OUT

Loads the model with kokoro-onnx's own session (its defaults), makes one
warm-up clip (written to SAMPLES_OUT as little-endian f32, for the bench to
compare with briefcast's) and prints one JSON line about it. Then, for each
line "CLIENTS N" read from standard input, makes N clips from CLIENTS
threads at once and prints one JSON line: the wall seconds and the seconds
of speech. Standard input's end ends it.
"""

import importlib.metadata
import json
import os
import sys
import tempfile
import threading
import time

import numpy as np
import onnxruntime
from kokoro_onnx import Kokoro

SAMPLE_RATE = 24_000


def main() -> None:
    model, vocab, style_bin, phonemes, samples_out = sys.argv[1:6]
    pack = np.fromfile(style_bin, dtype="<f4").reshape(510, 1, 256)
    # kokoro-onnx styles n tokens with row n - 1, briefcast with row n (as
    # kokoro-js does): without the first row, both give the model the same
    # vector, so both compute the same clip.
    voice = np.ascontiguousarray(pack[1:])
    with tempfile.TemporaryDirectory() as tmp:
        # Kokoro() wants a voices file; the voice itself is passed as an array.
        voices = os.path.join(tmp, "voices.npz")
        np.savez(voices, bench=voice)
        start = time.perf_counter()
        kokoro = Kokoro(model, voices, vocab_config=vocab)
        loaded = time.perf_counter() - start

    def say() -> float:
        audio, rate = kokoro.create(
            phonemes, voice=voice, speed=1.0, is_phonemes=True, trim=False
        )
        return len(audio) / rate

    start = time.perf_counter()
    audio, _ = kokoro.create(
        phonemes, voice=voice, speed=1.0, is_phonemes=True, trim=False
    )
    first = time.perf_counter() - start
    audio.astype("<f4").tofile(samples_out)
    print(
        json.dumps(
            {
                "kokoro_onnx": importlib.metadata.version("kokoro-onnx"),
                "onnxruntime": onnxruntime.__version__,
                "load_s": loaded,
                "first_s": loaded + first,
                "speech_s": len(audio) / SAMPLE_RATE,
            }
        ),
        flush=True,
    )

    for line in sys.stdin:
        if not line.strip():
            continue
        clients, n = (int(x) for x in line.split())
        left = [n]
        lock = threading.Lock()
        speech = [0.0] * clients

        def client(i: int) -> None:
            while True:
                with lock:
                    if left[0] == 0:
                        return
                    left[0] -= 1
                speech[i] += say()

        threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
        start = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - start
        print(json.dumps({"wall_s": wall, "speech_s": sum(speech)}), flush=True)


if __name__ == "__main__":
    main()
