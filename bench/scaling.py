"""How the analysis scales on each estate shape of bench/shapes.py (issue 18).

    python -m bench.scaling [--shapes a b ...] [--sizes 2500 5000 10000 20000] [--analysis-only]
    python -m bench.scaling --versus-checkov 10000 [--rounds 3] [--checkov PATH]

For each shape and size: the analysis CPU seconds in-process (bench/phases.py, its own
process), and unless `--analysis-only` a whole `sod-iac scan --no-cache --format json` through
bench/measure.py (wall, CPU, peak RSS, report bytes, exit code). CPU time is the fairer
measure on a shared machine. Prints one JSON line per measurement and a Markdown table. `--versus-checkov N` instead runs
the plan of shape (a) at N resources side by side with `checkov -f` in one run: each round
runs both (rotating which goes first), each in a fresh process; medians and the ratio.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

from bench.shapes import SHAPES

OUT = Path(__file__).resolve().parent / "out" / "shapes"


def _run_json(argv: list[str], timeout: float) -> dict:
    try:
        proc = subprocess.run(argv, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"timeout": timeout}
    lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
    return json.loads(lines[-1]) if lines else {"failed": proc.stderr[-500:]}


def measure(shape: str, size: int, analysis_only: bool, timeout: float) -> dict:
    path = SHAPES[shape](OUT / shape / str(size), size)
    phases = _run_json([sys.executable, "-m", "bench.phases", str(path)], timeout)
    row = {"shape": shape, "size": size, "resources": phases.get("resources"),
           "analysis_cpu": phases.get("analysis_cpu"), "findings": phases.get("findings"),
           "slowest": sorted(phases.get("rules", {}).items(), key=lambda kv: -kv[1])[:3]}
    if "timeout" in phases:
        row["analysis_cpu"] = f">{timeout:.0f}"
    if not analysis_only:
        report = OUT / f"{shape}-{size}.json"
        scan = _run_json([sys.executable, "-m", "bench.measure", "--", sys.executable, "-m", "sod_iac",
                          "scan", str(path), "--format", "json", "-o", str(report), "--no-cache",
                          "--max-file-size", str(2 * 1024**3)], timeout)
        row.update({"wall": scan.get("wall"), "cpu": scan.get("cpu"), "rss_mib": (scan.get("maxrss_kb") or 0) / 1024,
                    "report_mb": report.stat().st_size / 1e6 if report.exists() else None, "rc": scan.get("rc")})
    return row


def table(rows: list[dict]) -> str:
    lines = ["| shape | resources | analysis CPU s | x previous | scan wall s | scan CPU s | x previous "
             "| peak RSS MiB | report MB | findings |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    previous: dict[str, dict] = {}
    for row in rows:
        last = previous.get(row["shape"])

        def ratio(key: str, row: dict = row, last: dict | None = last) -> str:
            if last and isinstance(row.get(key), float) and isinstance(last.get(key), float) and last[key] > 0:
                return f"{row[key] / last[key]:.2f}"
            return ""

        def fmt(key: str, digits: int = 2, row: dict = row) -> str:
            value = row.get(key)
            return f"{value:.{digits}f}" if isinstance(value, float) else str(value if value is not None else "")

        lines.append(f"| {row['shape']} | {row['resources']} | {fmt('analysis_cpu')} | {ratio('analysis_cpu')} "
                     f"| {fmt('wall')} | {fmt('cpu')} | {ratio('cpu')} | {fmt('rss_mib', 0)} "
                     f"| {fmt('report_mb', 1)} | {row.get('findings', '')} |")
        previous[row["shape"]] = row
    return "\n".join(lines)


def versus_checkov(size: int, rounds: int, checkov: str, timeout: float) -> str:
    plan = SHAPES["iam_plan"](OUT / "iam_plan" / str(size), size)
    commands = {
        "sod-iac scan plan (no cache)": [sys.executable, "-m", "sod_iac", "scan", str(plan), "--format", "json",
                                         "-o", "/dev/null", "--no-cache", "--max-file-size", str(2 * 1024**3)],
        "checkov -f plan": [checkov, "-f", str(plan), "--framework", "terraform_plan", "--skip-download",
                            "-o", "json"],
    }
    runs: dict[str, list[dict]] = {name: [] for name in commands}
    for r in range(rounds):
        names = list(commands)[r % 2:] + list(commands)[:r % 2]
        for name in names:
            got = _run_json([sys.executable, "-m", "bench.measure", "--", *commands[name]], timeout)
            print(json.dumps({"round": r, "contender": name, **got})[:300], flush=True)
            runs[name].append(got)
    lines = ["| contender | median wall s | runs (s) | median CPU s | peak RSS MiB | vs Checkov (wall) |",
             "|---|---:|---|---:|---:|---:|"]
    checkov_wall = statistics.median(r["wall"] for r in runs["checkov -f plan"])
    for name, got in runs.items():
        wall = statistics.median(r["wall"] for r in got)
        cpu = statistics.median(r["cpu"] for r in got)
        rss = max(r["maxrss_kb"] for r in got) / 1024
        ratio = f"{checkov_wall / wall:.1f}x faster" if name.startswith("sod-iac") else ""
        lines.append(f"| {name} | {wall:.2f} | {_runs(got)} "
                     f"| {cpu:.2f} | {rss:.0f} | {ratio} |")
    return "\n".join(lines) + "\n\nCommands:\n\n```\n" + "\n".join(
        " ".join(c) for c in commands.values()) + "\n```"


def _runs(got: list[dict]) -> str:
    return ", ".join(f"{r['wall']:.2f}" for r in got)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--shapes", nargs="*", default=list(SHAPES))
    parser.add_argument("--sizes", nargs="*", type=int, default=[2500, 5000, 10000, 20000])
    parser.add_argument("--analysis-only", action="store_true")
    parser.add_argument("--timeout", type=float, default=900)
    parser.add_argument("--versus-checkov", type=int, metavar="RESOURCES")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--checkov", default=str(Path.home() / ".cache" / "sod-iac-tests" / "checkov-3.3-py3.11"
                                                 / "bin" / "checkov"))
    args = parser.parse_args(argv)
    if args.versus_checkov:
        print(versus_checkov(args.versus_checkov, args.rounds, args.checkov, args.timeout))
        return 0
    rows = []
    for shape in args.shapes:
        for size in args.sizes:
            row = measure(shape, size, args.analysis_only, args.timeout)
            print(json.dumps(row), flush=True)
            rows.append(row)
    print(table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
