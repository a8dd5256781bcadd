# Sourced by the dev/bench-* scripts: starts the real Whisper base server
# (faster-whisper-server 0.0.3 from dev/setup.d/20-whisper.sh) on a free
# port of 127.0.0.1 and appends a `[check]` section pointing at it to the
# voices.toml files given to `whisper_check_section`. Needs $work (a
# temporary folder the caller removes) and stops the server on exit.
export BRIEFCAST_DEV_CACHE="${BRIEFCAST_DEV_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/briefcast-dev}"
bash dev/setup.d/20-whisper.sh
whisper_root="$BRIEFCAST_DEV_CACHE/whisper"
whisper_port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
printf 'models:\n  - name: whisper-1\n    path: %s\n    model_options: { device: cpu, compute_type: int8, cpu_threads: 2 }\n' \
  "$whisper_root/base" >"$work/whisper.yaml"
timeout 14400 "$whisper_root/venv/bin/python" -m faster_whisper_server --config "$work/whisper.yaml" \
  --host 127.0.0.1 --port "$whisper_port" >/dev/null 2>&1 &
whisper_server=$!
trap 'kill -TERM "$whisper_server" 2>/dev/null; rm -rf "$work"' EXIT
until curl -sf "http://127.0.0.1:$whisper_port/health" >/dev/null; do sleep 1; done

whisper_check_section() {
  printf '\n[check]\nservice = "whisper"\n\n[check.services.whisper]\nkind = "openai"\nurl = "http://127.0.0.1:%s"\ntimeout-ms = 600000\n' \
    "$whisper_port" >>"$1"
}
