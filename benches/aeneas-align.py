"""aeneas on the clips of `cargo bench -- align`, in one process.

Run by benches/align.rs with the Python of dev/setup.d/60-aeneas.sh's
venv. Reads a JSON file (argv[1]):

    {"rconf": "...", "task": "...", "jobs": [{"audio": "a.wav",
      "text": "a.txt", "language": "eng", "rconf": "tts_voice_code=..."}]}

(`rconf`: aeneas runtime settings; `task`: task settings added to the
task's configuration string.)

where each text file holds one word per line, and prints one JSON line
per job: {"begins": [seconds per word], "seconds": alignment time}.
The first line printed is {"aeneas": version} once aeneas is loaded.
"""

import json
import sys
import time

import aeneas
from aeneas.executetask import ExecuteTask
from aeneas.runtimeconfiguration import RuntimeConfiguration
from aeneas.syncmap.fragment import SyncMapFragment
from aeneas.task import Task


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        spec = json.load(f)
    print(json.dumps({"aeneas": aeneas.__version__}), flush=True)
    for job in spec["jobs"]:
        config = "task_language=%s|is_text_type=plain|os_task_file_format=json" % job["language"]
        if spec.get("task"):
            config += "|" + spec["task"]
        task = Task(config_string=config)
        task.audio_file_path_absolute = job["audio"]
        task.text_file_path_absolute = job["text"]
        # aeneas's espeak-ng wrapper hangs when called a second time in
        # one process: each synthesis runs in a child of this Python.
        own = "cew_subprocess_enabled=True|cew_subprocess_path=" + sys.executable
        rconf = "|".join(
            r for r in (own, spec.get("rconf", ""), job.get("rconf", "")) if r
        )
        started = time.perf_counter()
        ExecuteTask(task, rconf=RuntimeConfiguration(rconf)).execute()
        seconds = time.perf_counter() - started
        begins = [
            float(leaf.begin)
            for leaf in task.sync_map_leaves(SyncMapFragment.REGULAR)
        ]
        print(json.dumps({"begins": begins, "seconds": seconds}), flush=True)


if __name__ == "__main__":
    main()
