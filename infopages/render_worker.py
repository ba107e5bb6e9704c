"""A renderer process (see ``infopages.render_pool``): one JSON line in, one JSON line out.

It limits its own address space, and before each render sets an alarm whose default action
ends the process, so a render that loops for ever stops even if nobody is left to kill it.
"""

import importlib
import json
import math
import resource
import signal
import sys


def _load(path: str):
    module, name = path.rsplit(".", 1)
    return getattr(importlib.import_module(module), name)


def main() -> None:
    memory = int(sys.argv[1])
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    signal.signal(signal.SIGALRM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C in runserver is for the parent
    converters = {}
    for path in sys.argv[2:]:  # loaded and warmed before "ready": not part of any budget
        converters[path] = _load(path)
        converters[path]("warm *up*")
    sys.stdout.buffer.write(b"ready\n")
    sys.stdout.buffer.flush()
    for line in sys.stdin.buffer:
        request = json.loads(line)
        try:
            path = request["converter"]
            if path not in converters:
                converters[path] = _load(path)
            signal.alarm(math.ceil(request["budget"]) + 1)
            answer = {"html": converters[path](request["text"], id_prefix=request["id_prefix"])}
        except BaseException as error:  # RecursionError, MemoryError, a bug in an extension
            answer = {"error": f"{type(error).__name__}: {error}"[:500]}
        finally:
            signal.alarm(0)
        sys.stdout.buffer.write(json.dumps(answer).encode() + b"\n")
        sys.stdout.buffer.flush()


if __name__ == "__main__":
    main()
