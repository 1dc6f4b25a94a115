"""Write bench/RESULTS.md from the harness's results (bench/out/results.json)."""

from __future__ import annotations

import json
import shlex
import sys
from pathlib import Path

SOD_COLD, SOD_WARM = "sod-iac scan (cold cache)", "sod-iac scan (warm cache)"
CHECKOV_DIR, CHECKOV_WITH_CHECKS = "checkov -d", "checkov -d + sod-iac checks"


def overhead(base_s: float, with_s: float) -> str:
    """What sod-iac's checks add to `checkov -d`, from the two medians: "+159% (2.6x)"."""
    return f"{(with_s / base_s - 1) * 100:+.0f}% ({with_s / base_s:.1f}x)"


def overheads(report: dict) -> list[tuple[str, float, float]]:
    """(comparison title, checkov -d median, with sod-iac's checks median) where both ran."""
    out = []
    for comp in report["comparisons"]:
        medians = {c["label"]: c["median_s"] for c in comp["contenders"]}
        if CHECKOV_DIR in medians and CHECKOV_WITH_CHECKS in medians:
            out.append((comp["title"], medians[CHECKOV_DIR], medians[CHECKOV_WITH_CHECKS]))
    return out


def _cmd(c: dict) -> str:
    cmd = list(c["cmd"])
    if cmd[:3] and cmd[1:3] == ["-m", "sod_iac"]:
        cmd = ["sod-iac", *cmd[3:]]
    if cmd and cmd[0].endswith("/checkov"):
        cmd[0] = "checkov"
    return " ".join(shlex.quote(x) for x in cmd).replace("/dev/null", "/dev/null")


def write_results(report: dict, path: Path) -> None:
    lines: list[str] = ["# Benchmark results", ""]
    command = report.get("command") or "python -m bench" + (" --quick" if report.get("quick") else "")
    lines += [f"Produced by `{command}` "
              f"({report.get('elapsed_min', '?')} min). Every figure is the median of "
              f"{report['rounds']} rounds; in each round every contender runs once, in a rotating "
              "order, each in a fresh process (bench/measure.py). Ratios are Checkov's median "
              "divided by sod-iac's on the same files in the same run.", ""]
    if report.get("skip"):
        lines += [f"sod-iac ran without rule(s) {', '.join(report['skip'])} (see *Scaling* for why).", ""]
    lines += ["## Machine", ""]
    for k, v in {**report["machine"], **report["versions"]}.items():
        lines.append(f"- {k}: {v}")
    lines += ["", "## Corpora", "", "| corpus | resources | .tf files | HCL MB | plan MB | principals | secrets |",
              "|---|---:|---:|---:|---:|---:|---:|"]
    for name, c in report["corpora"].items():
        lines.append(f"| {name} | {c.get('resources', '')} | {c.get('tf_files', '')} | {c.get('hcl_mb', '')} "
                     f"| {c.get('plan_mb', '')} | {c.get('principals', '')} | {c.get('secrets', '')} |")
    lines += ["", "## Side by side", ""]
    for comp in report["comparisons"]:
        with_cpu = all("median_cpu_s" in c for c in comp["contenders"])
        cpu_head, cpu_rule = (" CPU s | CPU vs Checkov |", "---:|---:|") if with_cpu else ("", "")
        lines += [f"### {comp['title']}", "",
                  f"| contender | median s | runs (s) | peak RSS MiB | vs Checkov |{cpu_head}",
                  f"|---|---:|---|---:|---:|{cpu_rule}"]
        checkov = next((c["median_s"] for c in comp["contenders"] if c["label"].startswith("checkov -")), None)
        checkov_cpu = next((c.get("median_cpu_s") for c in comp["contenders"] if c["label"].startswith("checkov -")),
                           None)
        for c in comp["contenders"]:
            ratio = f"{checkov / c['median_s']:.1f}x faster" if checkov and c["label"].startswith("sod-iac") else ""
            if checkov and c["label"] == CHECKOV_WITH_CHECKS:
                ratio = f"overhead {overhead(checkov, c['median_s'])}"
            cpu = ""
            if with_cpu:
                cpu_ratio = (f"{checkov_cpu / c['median_cpu_s']:.1f}x less" if checkov_cpu
                             and c["label"].startswith("sod-iac") else "")
                cpu = f" {c['median_cpu_s']:.2f} | {cpu_ratio} |"
            lines.append(f"| {c['label']} | {c['median_s']:.2f} | {', '.join(f'{x:.2f}' for x in c['runs_s'])} "
                         f"| {c['peak_rss_mib']:.0f} | {ratio} |{cpu}")
        lines += ["", "Commands (from the corpus folder):", "", "```"]
        lines += [_cmd(c) for c in comp["contenders"]]
        lines += ["```", ""]
    if report.get("phases"):
        lines += ["## Where the time goes (warm cache, in-process, bench/phases.py)", "",
                  "| corpus | import s | load s | analysis s | slowest rules (s) |", "|---|---:|---:|---:|---|"]
        for name, ph in report["phases"].items():
            slow = sorted(ph["rules"].items(), key=lambda kv: -kv[1])[:5]
            lines.append(f"| {name} | {ph['import']:.2f} | {ph['load']:.2f} | {ph['analysis']:.2f} | "
                         + ", ".join(f"{r} {s:.2f}" for r, s in slow) + " |")
        lines.append("")
    if report.get("scaling"):
        lines += ["## Scaling of the analysis (warm cache; doubling principals and secrets)", "",
                  "Wall and CPU seconds of the analysis (engines and rules, after loading); on a shared "
                  "machine the CPU figure is the steadier one.", "",
                  "| resources | principals | secrets | analysis s | x previous | analysis CPU s | x previous |",
                  "|---:|---:|---:|---:|---:|---:|---:|"]
        prev = prev_cpu = None
        for row in report["scaling"]:
            growth = f"{row['analysis_s'] / prev:.2f}" if prev else ""
            cpu = row.get("analysis_cpu_s")
            cpu_growth = f"{cpu / prev_cpu:.2f}" if cpu is not None and prev_cpu else ""
            lines.append(f"| {row['resources']} | {row['principals']} | {row['secrets']} | "
                         f"{row['analysis_s']:.2f} | {growth} | {'' if cpu is None else f'{cpu:.2f}'} | "
                         f"{cpu_growth} |")
            prev, prev_cpu = row["analysis_s"], cpu
        rules = list(report["scaling"][0]["rules"])
        lines += ["", "Per rule (s):", "", "| rule | " + " | ".join(str(r["resources"]) for r in report["scaling"])
                  + " | x last doubling |", "|---|" + "---:|" * (len(report["scaling"]) + 1)]
        for rule in rules:
            vals = [r["rules"].get(rule, 0.0) for r in report["scaling"]]
            growth = f"{vals[-1] / vals[-2]:.2f}" if len(vals) > 1 and vals[-2] > 0.05 else ""
            lines.append(f"| {rule} | " + " | ".join(f"{v:.2f}" for v in vals) + f" | {growth} |")
        lines.append("")
    if report.get("memory"):
        lines += [f"## Peak memory ({report['memory']['estate']})", "", "| run | wall s | peak RSS MiB |",
                  "|---|---:|---:|"]
        for m in report["memory"]["runs"]:
            lines.append(f"| {m['label']} | {m['wall_s']:.1f} | {m['peak_rss_mib']:.0f} |")
        lines.append("")
    if report.get("parsers"):
        p = report["parsers"]
        lines += [f"## Parser costs ({p['files']} files, {p['mb']} MB, one process)", "",
                  "| step | seconds | MB/s |", "|---|---:|---:|"]
        for k, v in p.items():
            if isinstance(v, dict):
                lines.append(f"| {k} | {v['seconds']:.2f} | {v['mb_per_s']:.2f} |")
        lines.append("")
    notes = list(report.get("notes") or [])
    if overheads(report):
        notes += ["### Overhead of sod-iac's checks in `checkov -d` (medians of the side-by-side tables)", "",
                  "| corpus | checkov -d s | + sod-iac checks s | overhead |", "|---|---:|---:|---:|"]
        notes += [f"| {title} | {base:.2f} | {with_checks:.2f} | {overhead(base, with_checks)} |"
                  for title, base, with_checks in overheads(report)]
        notes.append("")
    if notes:
        lines += ["## Notes", "", *notes, ""]
    path.write_text("\n".join(lines))


if __name__ == "__main__":
    data = json.loads(Path(sys.argv[1]).read_text())
    write_results(data, Path(sys.argv[2]))
