"""What parsing costs, per step, on one corpus: python-hcl2's full load (lark parse plus its
transform), the lark parse alone (`parses_to_tree`), our loader (lark tree to our AST), and a
parse-cache hit (read, hash, verify, JSON load, validate). Prints JSON with seconds and MB/s.

    python -m bench.parsers TREE CACHE_DIR
"""

from __future__ import annotations

import json
import shutil
import sys
import time
from pathlib import Path


def main(argv: list[str]) -> int:
    root, cache_dir = Path(argv[0]), Path(argv[1])
    files = sorted(root.rglob("*.tf"))
    texts = [p.read_text(encoding="utf-8") for p in files]
    size = sum(len(t.encode()) for t in texts) / 1e6

    import hcl2

    from sod_iac.cache.parsed import ParseCache
    from sod_iac.load.hcl import parse_hcl

    def timed(fn) -> float:
        start = time.perf_counter()
        for text in texts:
            fn(text)
        return time.perf_counter() - start

    out: dict[str, object] = {"files": len(files), "mb": round(size, 2)}
    steps = {
        "hcl2.loads (lark parse + transform)": lambda t: hcl2.loads(t),
        "hcl2.parses_to_tree (lark parse only)": lambda t: hcl2.parses_to_tree(t if t.endswith("\n") else t + "\n"),
        "sod-iac parse_hcl (lark parse + our AST)": lambda t: parse_hcl(t, "x.tf"),
    }
    shutil.rmtree(cache_dir, ignore_errors=True)
    cache = ParseCache(cache_dir)
    for text in texts:
        cache.put("tf", text, parse_hcl(text, "x.tf"))
    steps["parse cache hit (read entry, verify, load, validate)"] = lambda t: cache.get("tf", t, "x.tf")
    for name, fn in steps.items():
        seconds = timed(fn)
        out[name] = {"seconds": round(seconds, 3), "mb_per_s": round(size / seconds, 2)}
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
