"""Run one command and report its wall time, peak memory and exit code as one JSON line.

Used by the harness as `python -m bench.measure -- CMD...`: run in its own process, the
getrusage() of its children is the command's alone (ru_maxrss: the largest process of the
command's tree, e.g. sod-iac's main process, not the sum with its parse workers).
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time


def main(argv: list[str]) -> int:
    if argv[:1] == ["--"]:
        argv = argv[1:]
    start = time.perf_counter()
    proc = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wall = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(json.dumps({"wall": wall, "maxrss_kb": usage.ru_maxrss, "rc": proc.returncode,
                      "cpu": usage.ru_utime + usage.ru_stime,
                      "stderr": proc.stderr.decode(errors="replace")[-2000:]}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
