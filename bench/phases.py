"""Where a scan's time goes, in-process: load (parse or cache), access engines, each rule.

`python -m bench.phases PATH... [--cache-dir DIR] [--max-file-size N] [--skip RULE...]`
prints one JSON object: seconds per phase, per rule (in registry order: the first rule that
needs an engine pays for building it), and the sizes (resources, principals, secrets).
The harness runs it in a subprocess per measurement, so every figure starts cold.
"""

from __future__ import annotations

import argparse
import json
import sys
import time

SECRET_TYPES = {"aws_secretsmanager_secret", "aws_ssm_parameter", "google_secret_manager_secret",
                "azurerm_key_vault_secret", "kubernetes_secret", "kubernetes_secret_v1"}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--cache-dir")
    parser.add_argument("--max-file-size", type=int, default=2 * 1024**3)
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--skip", nargs="*", default=[])
    args = parser.parse_args(argv)

    start = time.perf_counter()
    from sod_iac.access import build_access, principal_addresses
    from sod_iac.load import load_project
    from sod_iac.rules import all_rules
    from sod_iac.rules.context import Context
    from sod_iac.rules.registry import run_rules
    from sod_iac.util.gcpause import paused_gc

    all_rules()  # discovers and imports the rule modules: part of the import phase
    imported = time.perf_counter()
    project = load_project(args.paths, jobs=args.jobs, max_file_size=args.max_file_size,
                           cache_dir=args.cache_dir)
    loaded = time.perf_counter()
    loaded_cpu = time.process_time()
    access = build_access(project)
    ctx = Context(project=project, access=access, config={})
    rules: dict[str, float] = {}
    findings = 0
    with paused_gc():  # as `sod-iac scan` runs the rules (sod_iac.pipeline.scan.judge_project)
        for rule in all_rules():
            if rule.check is None or rule.id in args.skip:
                continue
            t = time.perf_counter()
            findings += len(run_rules(ctx, [rule]))
            rules[rule.id] = time.perf_counter() - t
    analysed = time.perf_counter()
    analysed_cpu = time.process_time()
    principals = len(principal_addresses(project, access))
    print(json.dumps({
        "import": imported - start, "load": loaded - imported, "analysis": analysed - loaded,
        "analysis_cpu": analysed_cpu - loaded_cpu,
        "rules": rules, "resources": len(project.resources), "files": len(project.files),
        "principals": principals, "secrets": sum(r.type in SECRET_TYPES for r in project.resources),
        "findings": findings, "errors": len(project.errors) + len(ctx.errors),
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
