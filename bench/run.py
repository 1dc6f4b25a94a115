"""The benchmark harness: sod-iac side by side with Checkov on the same files, in one run.

    python -m bench                    # full: estates of 1k/10k/50k resources, 5 rounds
    python -m bench --quick            # the 1k estate and small corpora only (minutes)
    python -m bench --public           # the public repositories of bench/precision_corpus.yaml only
    python -m bench --help

It builds the corpora (bench/corpus.py, fixed seed), creates Checkov's own virtual environment
when missing (Checkov pins bc-python-hcl2, which clashes with python-hcl2), then for each
comparison runs every contender once per round, rotating the order each round, and keeps the
median of the rounds (at least 5 by default). Every command runs in a fresh process through
bench/measure.py (wall time, peak RSS). "cold" scans start with an empty cache folder; "warm"
scans find it filled by an earlier scan of the same files (parsed files, the judgement of
the unchanged project and the reads that lead to it, so nothing is loaded); "warm parse
cache, judged again" keeps the parsed files but not the judgement, as a re-scan after a
change to the Terraform. It writes bench/RESULTS.md: the
machine, the exact commands, the figures and the ratios (Checkov's median / sod-iac's).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bench import corpus

REPO = Path(__file__).resolve().parent.parent
CHECKOV_SPEC = "checkov>=3.3,<3.4"


# --------------------------------------------------------------------------- environment


def checkov_venv(path: Path) -> Path:
    """Checkov in its own venv (created once): returns the checkov executable."""
    exe = path / "bin" / "checkov"
    if exe.exists():
        return exe
    print(f"creating Checkov's virtual environment in {path} ({CHECKOV_SPEC}) ...", flush=True)
    subprocess.run([sys.executable, "-m", "venv", str(path)], check=True)
    subprocess.run([str(path / "bin" / "python"), "-m", "pip", "install", "-q", CHECKOV_SPEC], check=True)
    return exe


def sod_iac_exe() -> list[str]:
    return [sys.executable, "-m", "sod_iac"]


def machine() -> dict[str, str]:
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    load = ""
    try:
        load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        pass
    return {"cpu": cpu, "cores": str(os.cpu_count()), "memory": mem, "os": platform.platform(),
            "python": platform.python_version(), "load average at start": load}


def versions(checkov: Path) -> dict[str, str]:
    out = {}
    for name, cmd in (("sod-iac", [*sod_iac_exe(), "--version"]), ("checkov", [str(checkov), "--version"])):
        try:
            out[name] = subprocess.run(cmd, capture_output=True, text=True, timeout=120).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            out[name] = "?"
    try:
        from importlib.metadata import version

        out["python-hcl2"] = version("python-hcl2")
    except Exception:  # noqa: BLE001 - a version for the record, not worth failing the benchmark for
        pass
    return out


# --------------------------------------------------------------------------- measuring


@dataclass
class Contender:
    label: str
    cmd: list[str]
    cwd: Path
    before: Callable[[], None] | None = None
    runs: list[dict] = field(default_factory=list)

    def median(self, key: str = "wall") -> float:
        return statistics.median(r[key] for r in self.runs) if self.runs else float("nan")


def measure(contender: Contender) -> dict:
    if contender.before:
        contender.before()
    proc = subprocess.run([sys.executable, "-m", "bench.measure", "--", *contender.cmd], cwd=contender.cwd,
                          capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(REPO)})
    try:
        result = json.loads(proc.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        raise SystemExit(f"measuring {contender.label} failed: {proc.stderr[-2000:]}") from None
    if result["rc"] not in (0, 1):  # 1: findings (sod-iac) / failed checks (checkov)
        print(f"  ! {contender.label} exited {result['rc']}: {result['stderr'][-500:]}", flush=True)
    contender.runs.append(result)
    return result


def compare(title: str, contenders: list[Contender], rounds: int) -> dict:
    """Alternate the contenders round by round (rotating who goes first) and keep medians."""
    print(f"== {title}", flush=True)
    for r in range(rounds):
        order = contenders[r % len(contenders):] + contenders[:r % len(contenders)]
        for c in order:
            res = measure(c)
            print(f"  round {r + 1}: {c.label:<34} {res['wall']:8.2f} s  CPU {res['cpu']:8.2f} s  "
                  f"{res['maxrss_kb'] / 1024:7.0f} MiB",
                  flush=True)
    return {"title": title, "rounds": rounds, "contenders": [
        {"label": c.label, "cmd": c.cmd, "cwd": str(c.cwd), "median_s": c.median(),
         "runs_s": [round(x["wall"], 3) for x in c.runs], "median_cpu_s": c.median("cpu"),
         "peak_rss_mib": max(x["maxrss_kb"] for x in c.runs) / 1024,
         "exit_codes": sorted({x["rc"] for x in c.runs})} for c in contenders]}


def phases(paths: list[str], cwd: Path, cache_dir: Path | None, rounds: int, skip: list[str]) -> dict:
    """In-process breakdown (bench/phases.py), median per figure over `rounds` fresh processes."""
    results = []
    for _ in range(rounds):
        cmd = [sys.executable, "-m", "bench.phases", *paths, "--skip", *skip]
        if cache_dir is not None:
            cmd[4:4] = ["--cache-dir", str(cache_dir)]
        proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True,
                              env={**os.environ, "PYTHONPATH": str(REPO)})
        if proc.returncode != 0:
            raise SystemExit(f"phases failed: {proc.stderr[-2000:]}")
        results.append(json.loads(proc.stdout))
    out = dict(results[0])
    for key in ("import", "load", "analysis", "analysis_cpu"):
        out[key] = statistics.median(r[key] for r in results)
    out["rules"] = {rule: statistics.median(r["rules"][rule] for r in results) for rule in results[0]["rules"]}
    return out


# --------------------------------------------------------------------------- the plan


def fresh(path: Path) -> Callable[[], None]:
    def clear() -> None:
        shutil.rmtree(path, ignore_errors=True)
    return clear


def unjudged(cache: Path) -> Callable[[], None]:
    """Keep the parsed files of a cache folder, forget its judgements (sod_iac.cache.judgements,
    and the warm path's entries that lead to them, sod_iac.cache.inputs): the next scan loads
    and analyses again, as after a change to the Terraform."""
    def clear() -> None:
        for folder in [*cache.glob("judged-v*"), *cache.glob("inputs-v*")]:
            shutil.rmtree(folder, ignore_errors=True)
    return clear


def scan_cmd(target: str, cache: Path | None, skip: list[str], extra: list[str] = ()) -> list[str]:
    cmd = [*sod_iac_exe(), "scan", target, "--format", "json", "-o", os.devnull, *extra]
    cmd += ["--cache-dir", str(cache)] if cache is not None else ["--no-cache"]
    for rule in skip:
        cmd += ["--skip-check", rule]
    return cmd


def checkov_dir_cmd(checkov: Path, target: str, external: bool = False) -> list[str]:
    cmd = [str(checkov), "-d", target, "--framework", "terraform", "--skip-download", "-o", "json"]
    if external:
        cmd += ["--external-checks-dir", str(REPO / "checks")]
    return cmd


def hcl_comparison(name: str, root: Path, target: str, out: Path, checkov: Path, rounds: int,
                   skip: list[str], with_external: bool) -> dict:
    cache = out / "cache" / name
    warm = out / "cache" / f"{name}-warm"
    subprocess.run(scan_cmd(target, warm, skip), cwd=root, capture_output=True)  # fill once
    parsed = out / "cache" / f"{name}-parsed"
    subprocess.run(scan_cmd(target, parsed, skip), cwd=root, capture_output=True)
    contenders = [
        Contender("sod-iac scan (cold cache)", scan_cmd(target, cache, skip), root, before=fresh(cache)),
        Contender("sod-iac scan (warm cache)", scan_cmd(target, warm, skip), root),
        Contender("sod-iac scan (warm parse cache, judged again)", scan_cmd(target, parsed, skip), root,
                  before=unjudged(parsed)),
        Contender("sod-iac scan --no-cache", scan_cmd(target, None, skip), root),
        Contender("checkov -d", checkov_dir_cmd(checkov, target), root),
    ]
    if with_external:
        contenders.append(Contender("checkov -d + sod-iac checks", checkov_dir_cmd(checkov, target, True), root))
    return compare(f"{name}: HCL", contenders, rounds)


def plan_comparison(name: str, plan: Path, checkov: Path, rounds: int, skip: list[str]) -> dict:
    cwd = plan.parent
    contenders = [
        Contender("sod-iac scan plan.json", scan_cmd(plan.name, None, skip, ["--max-file-size", "2G"]), cwd),
        Contender("checkov -f plan.json", [str(checkov), "-f", plan.name, "--framework", "terraform_plan",
                                           "--skip-download", "-o", "json"], cwd),
    ]
    return compare(f"{name}: plan JSON", contenders, rounds)


def parser_costs(root: Path, out: Path) -> dict:
    proc = subprocess.run([sys.executable, "-m", "bench.parsers", str(root), str(out / "cache" / "parsers")],
                          capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(REPO)})
    if proc.returncode != 0:
        raise SystemExit(f"parser costs failed: {proc.stderr[-2000:]}")
    return json.loads(proc.stdout)


def public_run(report: dict, out: Path, checkov: Path, args: argparse.Namespace, started: float) -> int:
    """Real code: the precision corpus's repositories side by side in one tree, scanned as one
    (local module calls stay inside each repository), then the largest ones on their own."""
    tree, repos, problems = corpus.public(out / "public")
    report["command"] = "python -m bench --public"
    report["notes"] = [f"not extracted: {p}" for p in problems]
    report["corpora"]["public (all)"] = {"tf_files": sum(r.tf_files for r in repos),
                                         "hcl_mb": round(sum(r.tf_bytes for r in repos) / 1e6, 2)}
    largest = sorted(repos, key=lambda r: -r.tf_bytes)[:args.largest]
    for r in largest:
        report["corpora"][r.repo] = {"tf_files": r.tf_files, "hcl_mb": round(r.tf_bytes / 1e6, 2)}
    external = not args.no_external
    report["comparisons"].append(hcl_comparison("public", tree.parent, tree.name, out, checkov, args.rounds,
                                                args.skip_check, external))
    for r in largest:
        name = "public-" + r.repo.split("/")[1]
        report["comparisons"].append(hcl_comparison(name, tree, r.root.name, out, checkov, args.rounds,
                                                    args.skip_check, False))
    report["elapsed_min"] = round((time.time() - started) / 60, 1)
    (out / "results-public.json").write_text(json.dumps(report, indent=2))
    from bench.report import write_results

    target = args.results if args.results != REPO / "bench" / "RESULTS.md" else out / "RESULTS-public.md"
    write_results(report, target)
    print(f"wrote {target} ({report['elapsed_min']} min)")
    return 0


def _sizes(text: str) -> list[int]:
    try:
        return [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected sizes like 1000,10000: {text!r}") from None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="1k estate and small corpora only")
    parser.add_argument("--rounds", type=int, default=5, help="rounds per comparison (median; >= 5 for RESULTS)")
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "out", help="corpora, caches, venv")
    parser.add_argument("--checkov-venv", type=Path, help="default: OUT/checkov-venv")
    parser.add_argument("--results", type=Path, default=REPO / "bench" / "RESULTS.md")
    parser.add_argument("--skip-check", action="append", default=[],
                        help="rules left out of every sod-iac run (reported in RESULTS.md)")
    parser.add_argument("--no-external", action="store_true", help="skip Checkov with sod-iac's checks")
    parser.add_argument("--public", action="store_true",
                        help="only the real public repositories (bench/precision_corpus.yaml, from /work/.mirror): "
                        "all in one tree, then the largest ones separately; report to OUT/RESULTS-public.md")
    parser.add_argument("--largest", type=int, default=3, help="with --public: repositories scanned separately")
    parser.add_argument("--estates", type=_sizes, help="estate sizes in resources, e.g. 1000,10000,50000 "
                        "(default: 1000 with --quick, else 1000,10000,50000); 50k and above: memory only")
    parser.add_argument("--scaling", type=_sizes, help="estate sizes for the scaling table, each double the "
                        "last (default: 1000,2000,4000 with --quick, else 2500,5000,10000)")
    args = parser.parse_args(argv)
    out: Path = args.out.absolute()
    out.mkdir(parents=True, exist_ok=True)
    started = time.time()
    info = machine()
    checkov = checkov_venv((args.checkov_venv or out / "checkov-venv").absolute())
    skip = args.skip_check
    report: dict = {"machine": info, "versions": versions(checkov), "rounds": args.rounds, "skip": skip,
                    "quick": args.quick, "comparisons": [], "corpora": {}, "phases": {}, "scaling": []}
    if args.public:
        return public_run(report, out, checkov, args, started)

    sizes = args.estates or ([1000] if args.quick else [1000, 10000, 50000])
    estates = {n: corpus.estate(out / f"estate-{n // 1000}k", n) for n in sizes}
    for n, e in estates.items():
        report["corpora"][f"estate-{n // 1000}k"] = {
            "resources": e.resources, "tf_files": e.tf_files, "hcl_mb": round(e.hcl_bytes / 1e6, 2),
            "plan_mb": round(e.plan_bytes / 1e6, 2), "principals": e.principals, "secrets": e.secrets}
    copies = 4 if args.quick else 20
    td_root, td_files = corpus.testdata(out / f"testdata-x{copies}", REPO, copies)
    pm_root, pm_files = corpus.public_modules(out / "public-modules", 50 if args.quick else 200)
    report["corpora"][f"testdata-x{copies}"] = {"tf_files": td_files}
    report["corpora"]["public-modules"] = {"tf_files": pm_files}

    external = not args.no_external
    report["comparisons"].append(hcl_comparison(f"testdata-x{copies}", td_root.parent, td_root.name, out, checkov,
                                                args.rounds, skip, external))
    report["comparisons"].append(hcl_comparison("public-modules", pm_root.parent, pm_root.name, out, checkov,
                                                args.rounds, skip, external))
    for n, e in estates.items():
        if n >= 50000:
            continue  # measured for memory below, not side by side
        report["comparisons"].append(hcl_comparison(f"estate-{n // 1000}k", e.root.parent, e.root.name, out,
                                                    checkov, args.rounds, skip, external and n <= 1000))
        report["comparisons"].append(plan_comparison(f"estate-{n // 1000}k", e.plan, checkov, args.rounds, skip))

    # where the time goes, and how the analysis grows with the estate (in-process phases)
    for n, e in estates.items():
        if n >= 50000:
            continue
        report["phases"][f"estate-{n // 1000}k"] = phases(["hcl"], e.root.parent,
                                                          out / "cache" / f"estate-{n // 1000}k-warm",
                                                          1 if n >= 10000 else 3, skip)
    steps = args.scaling or ([1000, 2000, 4000] if args.quick else [2500, 5000, 10000])
    for n in steps:
        e = corpus.estate(out / f"scale-{n}", n, with_plan=False)
        subprocess.run(scan_cmd("hcl", out / "cache" / f"scale-{n}", skip), cwd=e.root.parent, capture_output=True)
        ph = phases(["hcl"], e.root.parent, out / "cache" / f"scale-{n}", 3 if n < 10000 else 1, skip)
        report["scaling"].append({"target": n, "resources": ph["resources"], "principals": ph["principals"],
                                  "secrets": ph["secrets"], "analysis_s": ph["analysis"],
                                  "analysis_cpu_s": ph["analysis_cpu"], "rules": ph["rules"]})
        print(f"== scaling {n}: analysis {ph['analysis']:.2f} s", flush=True)

    # peak memory at the largest estate (one run each: HCL cold, HCL warm, plan)
    big = max(estates)
    e = estates[big]
    mem = []
    for label, cmd, cwd, before in (
            ("sod-iac scan HCL (cold cache)", scan_cmd("hcl", out / "cache" / "mem", skip), e.root.parent,
             fresh(out / "cache" / "mem")),
            ("sod-iac scan HCL (warm parse cache, judged again)", scan_cmd("hcl", out / "cache" / "mem", skip),
             e.root.parent, unjudged(out / "cache" / "mem")),
            ("sod-iac scan plan.json", scan_cmd("plan.json", None, skip, ["--max-file-size", "2G"]), e.plan.parent,
             None)):
        c = Contender(label, cmd, cwd, before)
        res = measure(c)
        mem.append({"label": label, "cmd": cmd, "wall_s": res["wall"], "peak_rss_mib": res["maxrss_kb"] / 1024})
        print(f"== memory {label}: {res['maxrss_kb'] / 1024:.0f} MiB, {res['wall']:.1f} s", flush=True)
    report["memory"] = {"estate": f"estate-{big // 1000}k", "runs": mem}
    report["parsers"] = parser_costs(estates[max(n for n in estates if n <= 10000)].root, out)
    report["elapsed_min"] = round((time.time() - started) / 60, 1)
    (out / "results.json").write_text(json.dumps(report, indent=2))
    from bench.report import write_results

    write_results(report, args.results)
    print(f"wrote {args.results} ({report['elapsed_min']} min)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
