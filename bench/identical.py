"""Byte-identical reports before and after a restructure (issue 20's measure of "behaviour unchanged").

    python -m bench.identical record OUT            # every input below, reports written under OUT
    python -m bench.identical compare OLD NEW        # lists every report that differs; exit 1 if any

The inputs: every testdata scenario (a folder with expected.json) and the demo, scanned with every
report format at once plus `matrix` in JSON and markdown; the bench shapes and the generated estate
at a small size; the precision corpus's public repositories (extracted from /work/.mirror at their
pinned commits into one fixed folder, so paths in the reports do not vary); and `sod-iac rules`
and `sod-iac explain` of every rule. Each scan runs the CLI in its own process with --no-cache,
so what is compared is exactly what a user sees.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bench import corpus, precision
from bench.shapes import SHAPES

REPO = Path(__file__).resolve().parent.parent
INPUTS = Path(os.environ.get("SOD_IAC_IDENTICAL_INPUTS", "/tmp/sod-identical-inputs"))
FORMATS = ("json", "sarif", "text", "markdown", "github", "junit")
SHAPE_SIZE = 400


def _cli() -> list[str]:
    return [sys.executable, "-m", "sod_iac"]


def _inputs() -> list[tuple[str, Path, Path]]:
    """(name, folder to run in, path to scan) of every input, generated or extracted once."""
    found = [(f"testdata/{p.parent.relative_to(REPO / 'testdata')}", REPO, p.parent.relative_to(REPO))
             for p in sorted((REPO / "testdata").rglob("expected.json"))]
    found.append(("testdata/demo", REPO, Path("testdata/demo")))
    for shape, make in SHAPES.items():
        folder = INPUTS / "shapes" / shape
        if not folder.exists():
            make(folder, SHAPE_SIZE)
        found.append((f"shape/{shape}", folder, Path(".")))
    estate = INPUTS / "estate"
    if not estate.exists():
        corpus.estate(estate, 600)
    found.append(("estate", estate, Path(".")))
    for entry in precision.load_corpus(precision.CORPUS):
        folder = INPUTS / "public" / entry.repo.replace("/", "+")
        gdir = precision.git_dir(precision.DEFAULT_MIRROR, entry.repo)
        if gdir is None:
            print(f"skipped {entry.repo}: no snapshot (fetch github:{entry.repo})", file=sys.stderr)
            continue
        if not folder.exists():
            folder.mkdir(parents=True)
            problem = precision.extract(gdir, entry.commit, folder)
            if problem:
                print(f"skipped {entry.repo}: {problem}", file=sys.stderr)
                shutil.rmtree(folder)
                continue
        found.append((f"public/{entry.repo}", folder, Path(".")))
    return found


def _run(argv: list[str], cwd: Path, out: Path) -> None:
    proc = subprocess.run(argv, cwd=cwd, capture_output=True)
    (out / "stdout").write_bytes(proc.stdout)
    (out / "stderr").write_bytes(proc.stderr)
    (out / "exit").write_text(f"{proc.returncode}\n")


def _record_one(name: str, cwd: Path, path: Path, out: Path) -> None:
    scan = out / name / "scan"
    scan.mkdir(parents=True, exist_ok=True)
    outputs = [arg for fmt in FORMATS for arg in ("--format", fmt, "-o", f"{fmt}:{scan / fmt}")]
    _run([*_cli(), "scan", "--no-cache", "--jobs", "1", "--repo-root", ".", *outputs, str(path)], cwd, scan)
    for fmt in ("json", "markdown"):
        matrix = out / name / f"matrix-{fmt}"
        matrix.mkdir(parents=True, exist_ok=True)
        _run([*_cli(), "matrix", "--no-cache", "--format", fmt, str(path)], cwd, matrix)


def record(out: Path, jobs: int) -> int:
    out.mkdir(parents=True, exist_ok=True)
    (out / "rules").mkdir(exist_ok=True)
    _run([*_cli(), "rules"], REPO, out / "rules")
    ids = [line.split()[0] for line in (out / "rules" / "stdout").read_text().splitlines()
           if line.startswith("SOD")]
    for rule_id in ids:
        (out / "explain" / rule_id).mkdir(parents=True, exist_ok=True)
        _run([*_cli(), "explain", rule_id], REPO, out / "explain" / rule_id)
    inputs = _inputs()
    with ThreadPoolExecutor(jobs) as pool:
        list(pool.map(lambda item: _record_one(*item, out), inputs))
    print(f"recorded {len(inputs)} inputs and {len(ids)} explain pages under {out}")
    return 0


def compare(old: Path, new: Path) -> int:
    files = {side: {p.relative_to(side): p for p in side.rglob("*") if p.is_file()} for side in (old, new)}
    differ = sorted(str(rel) for rel in files[old].keys() ^ files[new].keys())
    differ += sorted(str(rel) for rel in files[old].keys() & files[new].keys()
                     if files[old][rel].read_bytes() != files[new][rel].read_bytes())
    for name in differ:
        print(f"differs: {name}")
    print(f"{len(files[old])} files compared, {len(differ)} differ")
    return 1 if differ else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.identical", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    rec = sub.add_parser("record", help="write every report of every input under OUT")
    rec.add_argument("out", type=Path)
    rec.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    cmp_ = sub.add_parser("compare", help="list the reports that differ between two recordings")
    cmp_.add_argument("old", type=Path)
    cmp_.add_argument("new", type=Path)
    args = parser.parse_args(argv)
    if args.command == "record":
        return record(args.out, args.jobs)
    return compare(args.old, args.new)


if __name__ == "__main__":
    sys.exit(main())
