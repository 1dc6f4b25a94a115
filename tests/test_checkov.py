"""sod-iac inside Checkov (`checks/`): the same rules, the same answers.

Two layers:

* the adapter `sod_iac.load.checkov` (Checkov graph -> Project) is tested here directly, on
  small graphs shaped like Checkov's, without Checkov;
* the real Checkov 3.3.x runs from its own virtual environment (its bc-python-hcl2 installs a
  module `hcl2` that clashes with ours), created on first use under
  `~/.cache/sod-iac-tests/checkov-3.3-pyX.Y` (or at `$SOD_IAC_CHECKOV_VENV`) and reused. Every
  `testdata/` scenario with an `expected.json` is scanned with
  `checkov -d <scenario> --framework terraform --external-checks-dir checks` (and its
  `plan.json` with `--framework terraform_plan`); the FAILED (check id, resource) pairs must
  satisfy the scenario and equal what `sod-iac scan` finds on the same input. Checkov has no
  entity for a `terraform` block or Atlantis YAML: a backend's findings are expected on the
  first provider block of the backend's folder, and the others as one error line each in
  Checkov's log.

The Checkov tests skip, with the reason, only when pip cannot reach the package index at all;
any other failure to set Checkov up fails them.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path, PurePosixPath
from typing import Any

import pytest
from scenarios import SCENARIOS, TESTDATA  # tests/ is on sys.path (rootdir-relative test modules)

from sod_iac.core.values import Ref, Template, Unknown, expand_alternatives
from sod_iac.load.checkov import (
    data_address,
    heredocs,
    load_checkov_graph,
    provider_hosts,
    split_address,
    split_template,
    unwrap,
)
from sod_iac.rules.registry import all_rules, get_rule

REPO = Path(__file__).resolve().parent.parent
CHECKS = REPO / "checks"
CHECKOV_SPEC = "checkov>=3.3,<3.4"
CHECKOV_SERIES = "3.3"
CHECKOV_ENV = {"BC_SKIP_MAPPING": "TRUE", "CHECKOV_SKIP_DOWNLOAD": "TRUE", "LOG_LEVEL": "WARNING",
               "ANSI_COLORS_DISABLED": "1", "PYTHONDONTWRITEBYTECODE": "1"}
TIMEOUT = 600


# =========================================================================== the adapter


class FakeGraph:
    """The networkx face of a Checkov graph: nodes(data=True) and edges(data=True)."""

    def __init__(self, vertices: dict[str, dict[str, Any]], edges: list[tuple[str, str, str]] = ()) -> None:
        self._vertices = vertices
        self._edges = list(edges)

    def nodes(self, data: bool = False):
        return list(self._vertices.items())

    def edges(self, data: bool = False):
        return [(s, t, {"label": label}) for s, t, label in self._edges]


def _vertex(block_type: str, rtype: str, name: str, conf: dict[str, Any], path: str,
            start: int = 1, end: int = 3) -> dict[str, Any]:
    conf = {"__start_line__": start, "__end_line__": end, **conf}
    return {"block_type_": block_type, "file_path_": path, "config_": {rtype: {name: conf}},
            "block_name_": f"{rtype}.{name}", "source_module_object_": None}


def test_addresses_split_like_terraform():
    assert split_address('module.a[0].module.b.aws_iam_role.r["k"]') == (
        "module.a[0].module.b", "managed", "aws_iam_role", "r", "k")
    assert split_address("data.aws_iam_policy_document.d") == ("", "data", "aws_iam_policy_document", "d", None)
    assert split_address("aws_iam_role.r[3]") == ("", "managed", "aws_iam_role", "r", 3)
    assert split_address("not an address") is None
    assert data_address("aws_iam_policy_document.d") == "data.aws_iam_policy_document.d"
    assert data_address('module.m.aws_iam_policy_document.d["x"]') == 'module.m.data.aws_iam_policy_document.d["x"]'


def test_templates_and_checkov_wrapping():
    assert split_template("a-${x.y}-b") == [(False, "a-"), (True, "x.y"), (False, "-b")]
    assert split_template('${lookup(m, "k}")}') == [(True, 'lookup(m, "k}")')]
    assert split_template("$${literal}") == [(False, "${literal}")]
    assert unwrap(["x"]) == "x"
    assert unwrap([{"name": ["a"]}, {"name": ["b"]}]) == [{"name": "a"}, {"name": "b"}]  # blocks
    assert unwrap([{"Name": "x"}]) == {"Name": "x"}  # an object argument
    # Checkov 3.3 renders `[a.name, b.name]` as the rendered list nested before the rest
    assert unwrap([[["a", "b.name"], "b.name"]]) == ["a", "b.name"]


def test_heredocs_are_read_from_the_source():
    lines = textwrap.dedent('''\
        resource "vault_policy" "p" {
          name   = "p"
          policy = <<-EOT
            path "kv/*" {
              capabilities = ["read"]
            }
          EOT
        }
    ''').splitlines()
    assert heredocs(lines, 1, 8) == {"policy": 'path "kv/*" {\n  capabilities = ["read"]\n}\n'}


def test_a_heredoc_inside_a_list_is_read_from_the_source():
    """helm_release `values = [<<-EOT ... EOT]`: Checkov's parser drops the document's line
    breaks (its YAML then reads as one line), so the text comes from the source, as for a plain
    heredoc argument; Terraform keeps the line breaks."""
    lines = textwrap.dedent('''\
        resource "helm_release" "atlantis" {
          chart  = "atlantis"
          values = [<<-EOT
            orgAllowlist: github.com/acme/*
            repoConfig: |
              repos:
              - id: /.*/
          EOT
          ]
        }
    ''').splitlines()
    assert heredocs(lines, 1, 10) == {
        "values": "orgAllowlist: github.com/acme/*\nrepoConfig: |\n  repos:\n  - id: /.*/\n"}


def test_graph_becomes_the_project_the_rules_read(tmp_path):
    main = tmp_path / "main.tf"
    main.write_text("# lines are read only for heredocs and backends\n" * 20)
    path = str(main)
    vertices = {
        "role": _vertex("resource", "aws_iam_role", "app", {
            "name": ["app"], "assume_role_policy": ["data.aws_iam_policy_document.trust.json"],
            "__address__": "aws_iam_role.app"}, path, 1, 4),
        "doc": _vertex("data", "aws_iam_policy_document", "trust", {
            "statement": [{"actions": [["sts:AssumeRole"]], "principals": [
                {"type": ["Service"], "identifiers": [["ec2.amazonaws.com"]]}]}],
            "__address__": "aws_iam_policy_document.trust"}, path, 5, 12),
        "policy": _vertex("resource", "aws_iam_role_policy", "p", {
            "role": ["aws_iam_role.app.id"],
            "policy": [{"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "aws_s3_bucket.b.arn/*"}]}],
            "count": [2], "__address__": "aws_iam_role_policy.p"}, path, 13, 16),
        "bucket": _vertex("resource", "aws_s3_bucket", "b", {
            "bucket": ["logs-${var.env}"], "__address__": "aws_s3_bucket.b"}, path, 17, 19),
        "inner": _vertex("resource", "aws_iam_user", "u", {
            "name": ["aws_iam_role.app.name"], "__address__": "module.m.aws_iam_user.u"},
            str(tmp_path / "mod" / "main.tf"), 1, 3),
    }
    edges = [("role", "doc", "assume_role_policy"), ("policy", "role", "role"),
             ("policy", "bucket", "policy.Statement.0.Resource")]
    project = load_checkov_graph(FakeGraph(vertices, edges), root=tmp_path)
    assert project.errors == []
    role = project.resource("aws_iam_role.app")
    assert role.location.path == "main.tf" and role.location.start_line == 1 and role.module_dir == "."
    assert json.loads(role.values["assume_role_policy"])["Statement"][0]["Principal"] == {
        "Service": "ec2.amazonaws.com"}
    assert role.references == {"assume_role_policy": ["data.aws_iam_policy_document.trust"]}
    policy = project.resource("aws_iam_role_policy.p")
    assert policy.values["role"] == Ref(address="aws_iam_role.app", attribute="id")
    assert "count" not in policy.values
    text = policy.values["policy"]  # a jsonencode Checkov evaluated: JSON text again, as in HCL
    assert isinstance(text, Template) and Ref(address="aws_s3_bucket.b", attribute="arn") in text.parts
    assert policy.references["role"] == ["aws_iam_role.app"]
    bucket = project.resource("aws_s3_bucket.b")
    assert bucket.values["bucket"] == Template(("logs-", Unknown("var.env")))
    # inside a module, references are relative to it: module.m has no aws_iam_role.app
    inner = project.resource("module.m.aws_iam_user.u")
    assert inner.module == "module.m" and inner.location.path == "mod/main.tf"
    assert inner.values["name"] == "aws_iam_role.app.name"


def test_module_output_holding_a_whole_resource_is_that_resource(tmp_path):
    """Terraform: `output "role" { value = aws_iam_role.this }` makes `module.m.role` the role
    object, so `.name` and `["name"]` read its name; an instance `module.t["k"]` of a call whose
    for_each Checkov could not expand (keys from an unset variable) is that call's one copy.
    Shaped as Checkov 3.3 leaves it: the output vertex keeps the reference text, the consumer
    keeps `module.ops.role["name"]` unrendered, and `each.key` stays text."""
    main, inner = str(tmp_path / "main.tf"), str(tmp_path / "modules" / "role" / "main.tf")

    def call(name: str) -> dict[str, Any]:
        return {"path": main, "name": name, "foreach_idx": None, "nested_tf_module": None}

    def in_module(vertex: dict[str, Any], name: str) -> dict[str, Any]:
        return {**vertex, "source_module_object_": call(name)}

    def output(name: str) -> dict[str, Any]:
        return {"block_type_": "output", "file_path_": inner, "block_name_": "role",
                "config_": {"role": {"value": ["aws_iam_role.this"]}}, "source_module_object_": call(name)}

    vertices = {
        "ops_role": in_module(_vertex("resource", "aws_iam_role", "this", {
            "name": ["ops"], "__address__": "module.ops.aws_iam_role.this"}, inner), "ops"),
        "team_role": in_module(_vertex("resource", "aws_iam_role", "this", {
            "name": ["each.key"], "__address__": "module.team.aws_iam_role.this"}, inner), "team"),
        "ops_out": output("ops"),
        "team_out": output("team"),
        "ops": _vertex("resource", "aws_iam_role_policy_attachment", "ops", {
            "role": ['module.ops.role["name"]'], "__address__": "aws_iam_role_policy_attachment.ops"}, main),
        "team": _vertex("resource", "aws_iam_role_policy_attachment", "team", {
            "role": ['module.team["platform"].role.name'], "__address__": "aws_iam_role_policy_attachment.team"},
            main),
        "arn": _vertex("resource", "aws_iam_role_policy_attachment", "arn", {
            "role": ["module.ops.role.arn"], "__address__": "aws_iam_role_policy_attachment.arn"}, main),
    }
    project = load_checkov_graph(FakeGraph(vertices), root=tmp_path)
    assert project.errors == []
    assert project.resource("aws_iam_role_policy_attachment.ops").values["role"] == "ops"
    assert project.resource("aws_iam_role_policy_attachment.team").values["role"] == Ref(
        address="module.team.aws_iam_role.this", attribute="name")
    assert project.resource("aws_iam_role_policy_attachment.arn").values["role"] == Ref(
        address="module.ops.aws_iam_role.this", attribute="arn")
    assert project.resource("module.team.aws_iam_role.this").values["name"] == Unknown("each.key")
    assert project.resource("aws_iam_role_policy_attachment.team").references == {
        "role": ['module.team["platform"]']}


def test_templatefile_is_rendered_as_sod_iac_scan_renders_it(tmp_path):
    """Terraform renders `%{ if c }A%{ else }B%{ endif }` as A when c is true, else B; with c
    unknown either may be the policy (unknown means possible). Checkov 3.3 leaves the call
    unrendered, its arguments as Python literals with `${...}` where it could not render them
    and `path.module` as text: the adapter reads the file and renders it itself."""
    (tmp_path / "trust.tpl").write_text(
        '{"Principal": %{ if on ~}{"AWS": "${arn}"}%{ else ~}{"Service": "ecs-tasks.amazonaws.com"}%{ endif ~}}')
    main = tmp_path / "main.tf"
    main.write_text("\n" * 20)

    def role(name: str, on: str, start: int, path: str = "${path.module}/trust.tpl") -> dict[str, Any]:
        call = f"${{templatefile(\"{path}\",{{'on': {on}, 'arn': '${{aws_iam_user.u.arn}}'}})}}"
        return _vertex("resource", "aws_iam_role", name, {
            "assume_role_policy": [call], "__address__": f"aws_iam_role.{name}"}, str(main), start, start + 1)

    vertices = {
        "user": _vertex("resource", "aws_iam_user", "u", {"name": ["u"], "__address__": "aws_iam_user.u"}, str(main)),
        "maybe": role("maybe", "'${var.on}'", 4),
        "yes": role("yes", "True", 6),
        "no": role("no", "False", 8),
        "outside": role("outside", "True", 10, path="../elsewhere.tpl"),
        "opaque": _vertex("resource", "aws_iam_role", "opaque", {
            "assume_role_policy": ['${templatefile("trust.tpl", {for k in var.ks : k => true})}'],
            "__address__": "aws_iam_role.opaque"}, str(main), 12, 13),
    }
    project = load_checkov_graph(FakeGraph(vertices), root=tmp_path)
    arn = Ref(address="aws_iam_user.u", attribute="arn")
    trusts_user = Template(('{"Principal": {"AWS": "', arn, '"}}'))
    trusts_ecs = '{"Principal": {"Service": "ecs-tasks.amazonaws.com"}}'
    maybe = project.resource("aws_iam_role.maybe").values["assume_role_policy"]
    assert expand_alternatives(maybe) == [trusts_user, trusts_ecs]
    assert project.resource("aws_iam_role.yes").values["assume_role_policy"] == trusts_user
    assert project.resource("aws_iam_role.no").values["assume_role_policy"] == trusts_ecs
    # outside the scanned tree: not read, as `sod-iac scan` does not read it
    assert isinstance(project.resource("aws_iam_role.outside").values["assume_role_policy"], Unknown)
    # arguments Checkov left as HCL: unknown (possible), and one error line says so
    assert isinstance(project.resource("aws_iam_role.opaque").values["assume_role_policy"], Unknown)
    assert [(e.path, e.line) for e in project.errors] == [("main.tf", 12)]
    assert "aws_iam_role.opaque: Checkov left templatefile(" in project.errors[0].message


def test_provider_hosts_are_the_first_root_provider_of_each_folder(tmp_path):
    def provider(name: str, conf: dict[str, Any], path: str, start: int, module: Any = None) -> dict[str, Any]:
        return {"block_type_": "provider", "file_path_": str(tmp_path / path), "block_name_": name,
                "config_": {name.split(".")[0]: {"__start_line__": start, "__end_line__": start + 2, **conf}},
                "source_module_object_": module}
    graph = FakeGraph({
        "b": provider("aws", {"__address__": "aws.default"}, "envs/prod/main.tf", 20),
        "a": provider("aws.west", {"alias": ["west"], "__address__": "aws.west"}, "envs/prod/main.tf", 5),
        "c": provider("google", {"__address__": "google.default"}, "envs/prod/z.tf", 1),
        "d": provider("aws", {"__address__": "module.m.aws.default"}, "main.tf", 1,
                      module={"path": str(tmp_path / "x.tf"), "name": "m"}),
        "e": provider("azurerm", {"__address__": "azurerm.default"}, "main.tf", 9),
    })
    hosts = provider_hosts(graph, tmp_path)
    assert {folder: (address, str(location)) for folder, (address, location) in hosts.items()} == {
        "envs/prod": ("aws.west", "envs/prod/main.tf:5"), ".": ("azurerm.default", "main.tf:9")}


# =========================================================================== real Checkov


def _venv_dir() -> Path:
    given = os.environ.get("SOD_IAC_CHECKOV_VENV")
    if given:
        return Path(given).expanduser()
    cache = Path(os.environ["SOD_IAC_TESTS_USER_CACHE"])  # the real one: conftest redirects XDG_CACHE_HOME
    return cache / "sod-iac-tests" / f"checkov-{CHECKOV_SERIES}-py{sys.version_info[0]}.{sys.version_info[1]}"


def _bin(venv: Path, name: str) -> Path:
    return venv / ("Scripts" if os.name == "nt" else "bin") / name


def _run(args: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, capture_output=True, text=True, timeout=TIMEOUT, **kwargs)


def _index_unreachable(pip: Path) -> str | None:
    """Why pip cannot reach the package index at all, or None when it can."""
    probe = _run([str(pip), "download", "--no-deps", "--no-cache-dir", "--disable-pip-version-check",
                  "-d", str(Path(os.environ.get("TMPDIR", "/tmp")) / "sod-iac-pip-probe"), "six"])
    if probe.returncode == 0:
        return None
    return (probe.stderr.strip().splitlines() or ["no output"])[-1]


def _sources_hash() -> str:
    digest = hashlib.sha256()
    for path in sorted([REPO / "pyproject.toml", *(REPO / "sod_iac").rglob("*")]):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(path.relative_to(REPO).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _runtime_requirements() -> list[str]:
    try:
        import tomllib
    except ImportError:  # Python 3.10
        import tomli as tomllib  # type: ignore[no-redef] - the same module before Python 3.11

    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    return [r for r in project.get("dependencies", []) if not r.replace("_", "-").lower().startswith("python-hcl2")]


def _setup_failure(venv: Path, step: str, result: subprocess.CompletedProcess[str]) -> None:
    reason = _index_unreachable(_bin(venv, "pip")) if _bin(venv, "pip").exists() else None
    if reason is not None:
        pytest.skip(f"Checkov tests need the package index and pip cannot reach it ({reason})")
    pytest.fail(f"setting up Checkov's environment at {venv} failed at `{step}`:\n"
                f"{result.stdout[-2000:]}\n{result.stderr[-3000:]}")


@pytest.fixture(scope="session")
def checkov_venv() -> Path:
    """Checkov 3.3.x (and sod-iac without python-hcl2) in their own virtual environment."""
    venv = _venv_dir()
    checkov = _bin(venv, "checkov")
    if not checkov.exists():
        if not _bin(venv, "python").exists():
            made = _run([sys.executable, "-m", "venv", str(venv)])
            if made.returncode != 0:
                pytest.fail(f"cannot create a virtual environment at {venv}: {made.stderr[-2000:]}")
        pip = [str(_bin(venv, "python")), "-m", "pip", "--disable-pip-version-check"]
        step = [*pip, "install", "-q", CHECKOV_SPEC]
        installed = _run(step)
        if installed.returncode != 0:
            _setup_failure(venv, " ".join(step[3:]), installed)
    marker = venv / ".sod-iac-sources"
    wanted = _sources_hash()
    if not marker.exists() or marker.read_text() != wanted:
        pip = [str(_bin(venv, "python")), "-m", "pip", "--disable-pip-version-check"]
        for step in ([*pip, "install", "-q", *_runtime_requirements()],
                     [*pip, "install", "-q", "--no-deps", "--force-reinstall", str(REPO)]):
            done = _run(step)
            if done.returncode != 0:
                _setup_failure(venv, " ".join(step[3:]), done)
        marker.write_text(wanted)
    hcl2 = _run([str(_bin(venv, "python")), "-c",
                 "import importlib.metadata as m; print(m.version('bc-python-hcl2'))"])
    assert hcl2.returncode == 0, "Checkov's environment must carry bc-python-hcl2, not python-hcl2"
    return venv


def run_checkov(venv: Path, args: list[str], checks: Path = CHECKS, env: dict[str, str] | None = None,
                select: str | None = None) -> tuple[dict[str, Any], str]:
    """`checkov ARGS --external-checks-dir checks ...`: its JSON report (terraform) and stderr."""
    command = _checkov_command(args, checks, select)
    result = _run([str(_bin(venv, "checkov")), *command], env=env or _checkov_env(), cwd=str(REPO))
    return _report(result.returncode, result.stdout, result.stderr, command)


def results(report: dict[str, Any], kind: str = "failed_checks") -> set[tuple[str, str]]:
    """(check id, Terraform address) of one kind of result; data sources get their `data.` back."""
    out = set()
    for record in report.get("results", {}).get(kind, []):
        resource = record["resource"]
        code = record.get("code_block") or []
        if code and str(code[0][1]).lstrip().startswith("data ") and not resource.startswith("data."):
            resource = data_address(resource) or resource
        out.add((record["check_id"], resource))
    return out




def _checkov_args(folder: Path, entry: str) -> list[str]:
    if entry == "plan":
        return ["-f", str(folder / "plan.json"), "--framework", "terraform_plan"]
    return ["-d", str(folder), "--framework", "terraform"]


# Checkov takes seconds to import; the scenario sweep imports it once and forks one child per
# scan, each running Checkov's own entry point (`Checkov().run()`, what `bin/checkov` runs)
# with the same arguments as the command line.
FORKING_DRIVER = r"""
import json, os, sys, warnings
jobs = json.load(open(sys.argv[1]))
parallel = int(sys.argv[2])
from checkov.main import Checkov  # noqa: E402 - imported once, before forking
try:  # warm what every scan loads (the checks use this same checkout's sod_iac)
    sys.path.insert(0, os.environ["SOD_IAC_REPO"])
    import sod_iac.rules, sod_iac.access, sod_iac.load.checkov
    from sod_iac.access.aws_actions import expand_action
    sod_iac.rules.all_rules()
    expand_action("s3:GetObject")
except Exception:
    pass
finally:
    sys.path.pop(0)
running = {}
def reap():
    pid, status = os.wait()
    name = running.pop(pid)
    json.dump({"rc": os.waitstatus_to_exitcode(status)}, open(jobs[name]["rc"], "w"))
for name, job in jobs.items():
    while len(running) >= parallel:
        reap()
    pid = os.fork()
    if pid == 0:
        code = 3
        try:
            out = os.open(job["stdout"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
            err = os.open(job["stderr"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
            os.dup2(out, 1)
            os.dup2(err, 2)
            sys.argv = ["checkov", *job["args"]]
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", category=SyntaxWarning)
                code = Checkov(argv=job["args"]).run() or 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        except BaseException:
            import traceback
            traceback.print_exc()
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
    running[pid] = name
while running:
    reap()
"""


def _checkov_command(args: list[str], checks: Path = CHECKS, select: str | None = None) -> list[str]:
    implemented = select or ",".join(r.id for r in all_rules() if r.implemented)
    return [*args, "--external-checks-dir", str(checks), "--skip-download", "-o", "json", "--check", implemented]


def _checkov_env() -> dict[str, str]:
    env = {**os.environ, **CHECKOV_ENV}
    env.pop("PYTHONPATH", None)
    return env


def _report(rc: int, stdout: str, stderr: str, args: list[str]) -> tuple[dict[str, Any], str]:
    if rc not in (0, 1):
        raise AssertionError(f"checkov {' '.join(args)} exited {rc}:\n{stderr[-4000:]}")
    try:
        data = json.loads(stdout)
    except ValueError as exc:
        raise AssertionError(f"checkov printed no JSON ({exc}):\n{stdout[:2000]}\n{stderr[-2000:]}") from exc
    reports = data if isinstance(data, list) else [data]
    report = next((r for r in reports if str(r.get("check_type", "")).startswith("terraform")), reports[0])
    assert "Cannot load external check" not in stderr, stderr[-4000:]
    return report, stderr


def run_checkov_many(venv: Path, jobs: dict[str, list[str]], workdir: Path) -> dict[str, Any]:
    """Checkov on many inputs: {name: (report, stderr) or the AssertionError it raised}."""
    driver = workdir / "driver.py"
    driver.write_text(FORKING_DRIVER)
    spec = {}
    for i, (name, args) in enumerate(jobs.items()):
        spec[name] = {"args": _checkov_command(args), "stdout": str(workdir / f"{i}.out"),
                      "stderr": str(workdir / f"{i}.err"), "rc": str(workdir / f"{i}.rc")}
    (workdir / "jobs.json").write_text(json.dumps(spec))
    parallel = str(max(2, min(4, os.cpu_count() or 2)))
    done = subprocess.run([str(_bin(venv, "python")), str(driver), str(workdir / "jobs.json"), parallel],
                          capture_output=True, text=True, timeout=TIMEOUT * 3, cwd=str(REPO),
                          env={**_checkov_env(), "SOD_IAC_REPO": str(REPO)})
    out: dict[str, Any] = {}
    for name, job in spec.items():
        rc_file = Path(job["rc"])
        if not rc_file.exists():
            out[name] = AssertionError(f"Checkov driver did not run {name}: {done.stderr[-3000:]}")
            continue
        rc = json.loads(rc_file.read_text())["rc"]
        try:
            out[name] = _report(rc, Path(job["stdout"]).read_text(), Path(job["stderr"]).read_text(), job["args"])
        except AssertionError as exc:
            out[name] = exc
    return out


@pytest.fixture(scope="session")
def scenario_reports(checkov_venv: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Checkov on every scenario (imported once, one forked run per scenario)."""
    if not hasattr(os, "fork"):
        return {name: _safe(run_checkov, checkov_venv, _checkov_args(folder, entry))
                for name, folder, entry in SCENARIOS}
    jobs = {name: _checkov_args(folder, entry) for name, folder, entry in SCENARIOS}
    return run_checkov_many(checkov_venv, jobs, tmp_path_factory.mktemp("checkov-runs"))


def _safe(function: Any, *args: Any) -> Any:
    try:
        return function(*args)
    except AssertionError as exc:
        return exc


def _sod_iac_scan(folder: Path, entry: str):
    from sod_iac.pipeline.scan import ScanOptions, run_scan

    targets = [folder / "plan.json"] if entry == "plan" else sorted(folder.rglob("*.tf"))
    return run_scan(targets, ScanOptions(repo_root=folder, jobs=1))


def visible_in_checkov(address: str) -> bool:
    """Checkov reports on resources and data sources; a backend block (`terraform.backend.s3`)
    or an Atlantis repo config (`atlantis.repos[...]`) has no Checkov entity."""
    return split_address(address) is not None and not address.startswith(("terraform.", "atlantis."))


_PROVIDER = re.compile(r'^provider\s+"([^"]+)"\s*\{')
_ALIAS = re.compile(r'^\s*alias\s*=\s*"([^"]+)"')


def first_provider(folder: Path) -> str | None:
    """Checkov's name (`aws.default`, `aws.west`) of a folder's first provider block, by file
    then line: where the Checkov checks report the folder's backend findings."""
    for path in sorted(folder.glob("*.tf")):
        lines = path.read_text().splitlines()
        for number, line in enumerate(lines):
            match = _PROVIDER.match(line)
            if match:
                body = lines[number + 1:]
                end = next((i for i, text in enumerate(body) if text.startswith("}")), len(body))
                alias = next((m.group(1) for m in map(_ALIAS.match, body[:end]) if m), "default")
                return f"{match.group(1)}.{alias}"
    return None


def in_checkov(finding: Any, root: Path, entry: str = "hcl") -> tuple[str, str] | None:
    """(check id, Checkov resource) where Checkov shows a sod-iac finding; None if it cannot."""
    if finding.resource.startswith("terraform.") and finding.location and entry == "hcl":
        host = first_provider(root / PurePosixPath(finding.location.path).parent)
        return (finding.rule_id, host) if host else None
    return (finding.rule_id, finding.resource) if visible_in_checkov(finding.resource) else None


def unreported_line(finding: Any) -> str:
    """The start of the error line Checkov's log carries for a finding it cannot show."""
    return f"sod-iac: {finding.rule_id} {finding.resource} ({finding.location}) is not reported by Checkov"


def _has_entities(folder: Path, entry: str) -> bool:
    """Whether Checkov runs any check on this input (without an entity, no check runs)."""
    return entry == "plan" or any(re.search(r'^(resource|data|provider|module)\s+"', p.read_text(), re.M)
                                  for p in folder.rglob("*.tf"))


@pytest.mark.parametrize(("case", "folder", "entry"), SCENARIOS, ids=[c[0] for c in SCENARIOS])
def test_scenario_in_checkov(case: str, folder: Path, entry: str, scenario_reports: dict[str, Any]) -> None:
    expected = json.loads((folder / "expected.json").read_text())
    planned = sorted({f["rule_id"] for f in expected.get("findings", []) + expected.get("absent", [])
                      if not get_rule(f["rule_id"]).implemented})
    if planned:
        pytest.skip(f"rules not implemented yet: {', '.join(planned)}")
    outcome = scenario_reports[case]
    if isinstance(outcome, AssertionError):
        raise outcome
    report, stderr = outcome
    found = results(report)
    assert "passed no Terraform graph" not in stderr

    # 1. the scenario's expectations, where Checkov can show them
    wanted = {(f["rule_id"], f["resource"]) for f in expected.get("findings", [])
              if visible_in_checkov(f["resource"])}
    absent = {(f["rule_id"], f["resource"]) for f in expected.get("absent", [])}
    assert wanted <= found, f"missing in Checkov: {sorted(wanted - found)}"
    assert not (absent & found), f"must be absent in Checkov: {sorted(absent & found)}"

    # 2. the same answers as `sod-iac scan` on the same input (a backend's on its folder's
    #    first provider block); what Checkov cannot show is one error line each in its log
    sod = _sod_iac_scan(folder, entry)
    shown = [(f, in_checkov(f, folder, entry)) for f in sod.findings]
    same = {where for _, where in shown if where is not None}
    assert found == same, (f"Checkov and sod-iac differ: only Checkov {sorted(found - same)}, "
                           f"only sod-iac {sorted(same - found)}")
    if _has_entities(folder, entry):
        # a plan has no backend: `sod-iac scan plan.json` reads it from the .tf files beside the
        # plan, Checkov's plan graph has none, so the checks never see that finding
        silent = [f"{f.rule_id} {f.resource}" for f, where in shown
                  if where is None and unreported_line(f) not in stderr
                  and not (entry == "plan" and f.resource.startswith("terraform."))]
        assert not silent, f"neither shown nor logged by Checkov: {silent}\n{stderr[-2000:]}"


def test_messages_and_evidence_reach_checkov_details(checkov_venv: Path) -> None:
    folder = TESTDATA / "escalation" / "paths-iam-own-policies"
    report, _ = run_checkov(checkov_venv, _checkov_args(folder, "hcl"))
    sod = {(f.rule_id, f.resource): f for f in _sod_iac_scan(folder, "hcl").findings}
    failed = report["results"]["failed_checks"]
    assert failed
    for record in failed:
        finding = sod[(record["check_id"], record["resource"])]
        assert record["details"][0] == finding.message
        assert f"fingerprint: {finding.fingerprint}" in record["details"]
        assert any(line.startswith("evidence: ") for line in record["details"])
        assert record["severity"] == finding.severity.upper()
        assert record["file_path"] == f"/{finding.location.path}"
    passed = results(report, "passed_checks")
    assert ("SOD110", "aws_iam_user.auditor") in passed  # a principal without a finding
    assert not any(r.startswith("aws_iam_policy.") for _, r in passed)  # no noise on non-principals


def test_checkov_skip_comment_suppresses_a_finding(checkov_venv: Path, tmp_path: Path) -> None:
    source = TESTDATA / "escalation" / "paths-iam-own-policies" / "main.tf"
    text = source.read_text().replace(
        'resource "aws_iam_user" "policy_rewriter" {',
        'resource "aws_iam_user" "policy_rewriter" {\n  #checkov:skip=SOD110:reviewed, break-glass user', 1)
    (tmp_path / "main.tf").write_text(text)
    report, _ = run_checkov(checkov_venv, _checkov_args(tmp_path, "hcl"))
    assert ("SOD110", "aws_iam_user.policy_rewriter") in results(report, "skipped_checks")
    assert ("SOD110", "aws_iam_user.policy_rewriter") not in results(report)
    assert ("SOD110", "aws_iam_role.version_switcher") in results(report)
    skipped = report["results"]["skipped_checks"][0]
    assert skipped["check_result"]["suppress_comment"] == "reviewed, break-glass user"


def test_sod_iac_ignore_comment_is_a_skip_with_its_reason(checkov_venv: Path, tmp_path: Path) -> None:
    """`# sod-iac:ignore SOD120 -- reason` (inside or directly above the block, as `sod-iac
    scan` reads it) is SKIPPED in Checkov with the reason, as `#checkov:skip` is; an ignore
    without a reason suppresses nothing: FAILED, and a warning in Checkov's log."""
    text = (TESTDATA / "duties" / "sod120-aws" / "main.tf").read_text()
    for block, comment, inside in (
            ("any_branch", "# sod-iac:ignore SOD120 -- only the infra repo's own workflows, reviewed", True),
            ("no_sub", "// sod-iac:ignore SOD120: accepted until the provider moves", False),
            ("pull_requests", "# sod-iac:ignore SOD120", True)):
        head = f'resource "aws_iam_role" "{block}" {{'
        assert head in text
        text = text.replace(head, f"{head}\n  {comment}" if inside else f"{comment}\n{head}", 1)
    (tmp_path / "main.tf").write_text(text)
    report, stderr = run_checkov(checkov_venv, _checkov_args(tmp_path, "hcl"))
    skipped = {(r["check_id"], r["resource"]): r["check_result"]["suppress_comment"]
               for r in report["results"]["skipped_checks"]}
    assert skipped == {("SOD120", "aws_iam_role.any_branch"): "only the infra repo's own workflows, reviewed",
                       ("SOD120", "aws_iam_role.no_sub"): "accepted until the provider moves"}
    failed = {pair for pair in results(report) if pair[0] == "SOD120"}
    assert failed == {("SOD120", "aws_iam_role.pull_requests"), ("SOD120", "aws_iam_role.tfc_plans")}
    assert "has no reason, so it suppresses nothing" in stderr
    # the same verdicts as `sod-iac scan`, which drops the silenced findings
    assert results(report) == {(f.rule_id, f.resource) for f in _sod_iac_scan(tmp_path, "hcl").findings}


def test_checks_work_from_an_installed_sod_iac(checkov_venv: Path, tmp_path: Path) -> None:
    """checks/ copied away from the checkout (e.g. a CI image) uses the installed package."""
    copy = tmp_path / "checks"
    shutil.copytree(CHECKS, copy, ignore=shutil.ignore_patterns("__pycache__"))
    folder = TESTDATA / "escalation" / "paths-iam-own-policies"
    installed, _ = run_checkov(checkov_venv, _checkov_args(folder, "hcl"), checks=copy)
    beside, _ = run_checkov(checkov_venv, _checkov_args(folder, "hcl"))
    assert results(installed) == results(beside) != set()


def test_plan_file_gives_the_same_answers(checkov_venv: Path, tmp_path: Path) -> None:
    """A plan with an administrator role: the plan runner reaches the same checks."""
    plan = json.loads((REPO / "tests" / "fixtures" / "parity" / "plan.json").read_text())
    admin = {"address": "aws_iam_role_policy_attachment.admin", "mode": "managed",
             "type": "aws_iam_role_policy_attachment", "name": "admin",
             "provider_name": "registry.terraform.io/hashicorp/aws", "schema_version": 0,
             "values": {"policy_arn": "arn:aws:iam::aws:policy/AdministratorAccess", "role": "app-prod-1"},
             "sensitive_values": {}}
    plan["planned_values"]["root_module"]["resources"].append(admin)
    (tmp_path / "plan.json").write_text(json.dumps(plan))
    report, _ = run_checkov(checkov_venv, ["-f", str(tmp_path / "plan.json"), "--framework", "terraform_plan"])
    sod = {(f.rule_id, f.resource) for f in _sod_iac_scan(tmp_path, "plan").findings}
    assert ("SOD111", "aws_iam_role.app[1]") in sod
    assert results(report) == sod


def _backend_roots(tmp: Path) -> None:
    """Roots with a backend: `open/` (SOD205 on the backend itself, providers in two files),
    `skip/` (the same, skipped on its provider), `protected/` (no finding). Bodies differ: one
    Checkov graph would merge identical blocks of different roots."""
    acl = (TESTDATA / "approval" / "s3-backend-acl-encrypt" / "main.tf").read_text()
    for name, provider in (("open", 'provider "aws" {\n  region = "eu-west-1"\n}\n'),
                           ("skip", 'provider "aws" {\n  #checkov:skip=SOD205:public state ACL reviewed\n'
                                    '  region = "eu-west-2"\n}\n')):
        (tmp / name).mkdir()
        (tmp / name / "main.tf").write_text(acl.replace('"terraform.tfstate"', f'"{name}.tfstate"') + provider)
    (tmp / "open" / "z_other.tf").write_text('provider "google" {\n  project = "p"\n}\n')
    (tmp / "protected").mkdir()
    (tmp / "protected" / "main.tf").write_text(
        (TESTDATA / "approval" / "s3-protected" / "main.tf").read_text()
        + 'provider "aws" {\n  alias  = "state"\n  region = "eu-west-1"\n}\n')


def test_backend_findings_are_reported_on_a_provider_block(checkov_venv: Path, tmp_path: Path) -> None:
    """Checkov has no entity for `terraform { backend ... }`: a backend's findings are FAILED on
    the first provider block of its folder, details led by the backend's address and lines,
    as `sod-iac scan` finds them."""
    _backend_roots(tmp_path)
    report, _ = run_checkov(checkov_venv, _checkov_args(tmp_path, "hcl"))
    failed = {(r["check_id"], r["resource"], r["file_path"]): r for r in report["results"]["failed_checks"]}
    record = failed[("SOD205", "aws.default", "/open/main.tf")]
    assert record["details"][0].startswith("terraform.backend.s3 (open/main.tf:9-16): terraform.backend.s3: ")
    assert any(line.startswith("fingerprint: ") for line in record["details"])
    assert record["severity"] == "HIGH"
    skipped = {(r["check_id"], r["file_path"]): r for r in report["results"]["skipped_checks"]}
    assert skipped[("SOD205", "/skip/main.tf")]["check_result"]["suppress_comment"] == "public state ACL reviewed"
    assert not any(path.startswith(("/skip/", "/protected/")) for _, _, path in failed)
    passed = {(r["check_id"], r["resource"], r["file_path"]) for r in report["results"]["passed_checks"]}
    assert {("SOD202", "aws.state", "/protected/main.tf"), ("SOD205", "aws.state", "/protected/main.tf"),
            ("SOD202", "aws.default", "/open/main.tf")} <= passed
    assert not any(r == "google.default" for _, r, _ in passed | set(failed))  # only the first provider
    sod = _sod_iac_scan(tmp_path, "hcl")
    expected = {in_checkov(f, tmp_path) for f in sod.findings} - {None}
    assert expected == results(report) | results(report, "skipped_checks") == {
        ("SOD205", "aws.default")}


def test_backend_without_provider_block_is_logged(checkov_venv: Path) -> None:
    """No provider block in the backend's folder: one error line per finding, shown at
    Checkov's default log level."""
    folder = TESTDATA / "approval" / "s3-writers-bucket-policy"
    env = {k: v for k, v in _checkov_env().items() if k != "LOG_LEVEL"}
    report, stderr = run_checkov(checkov_venv, _checkov_args(folder, "hcl"), env=env)
    [finding] = [f for f in _sod_iac_scan(folder, "hcl").findings if f.resource.startswith("terraform.")]
    line = (f"sod-iac: SOD203 terraform.backend.s3 (main.tf:{finding.location.start_line}) is not reported by "
            "Checkov (no provider block in its folder to host it); run `sod-iac scan` to gate on it")
    assert stderr.count(line) == 1 and "[ERROR]" in stderr, stderr[-2000:]
    assert not results(report)


def test_atlantis_findings_are_logged_once_each(checkov_venv: Path) -> None:
    folder = TESTDATA / "approval" / "atlantis-repo-level"
    _, stderr = run_checkov(checkov_venv, _checkov_args(folder, "hcl"))
    sod = [f for f in _sod_iac_scan(folder, "hcl").findings if f.resource.startswith("atlantis.")]
    assert sod
    for finding in sod:
        assert stderr.count(unreported_line(finding)) == 1, stderr[-2000:]
    assert "Checkov does not read Atlantis YAML" in stderr
    # Checkov's --check selection applies: without SOD211 selected, nothing about it is logged
    _, quiet = run_checkov(checkov_venv, _checkov_args(folder, "hcl"), select="SOD110")
    assert "SOD211" not in quiet


def _sod_iac_cli_in(venv: Path, args: list[str]) -> subprocess.CompletedProcess[str]:
    """`sod-iac ARGS` run by Checkov's environment's Python on this checkout's sources."""
    env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("SOD_IAC_DEBUG", None)
    return _run([str(_bin(venv, "python")), "-m", "sod_iac", *args, "--no-cache"], env=env, cwd=str(REPO))


def test_sod_iac_scan_in_checkovs_environment_says_once_why_it_cannot_parse_hcl(checkov_venv: Path) -> None:
    """README lets sod-iac be installed into Checkov's environment (for the checks); its CLI
    there has bc-python-hcl2 as `hcl2`: one line says so and what to do, exit 2, no per-file
    AttributeError; a plan is still analysed (the .tf beside it, for lines and backends, not)."""
    folder = TESTDATA / "demo"
    result = _sod_iac_cli_in(checkov_venv, ["scan", str(folder), "--format", "json"])
    assert result.returncode == 2, result.stderr[-2000:]
    assert "Traceback" not in result.stderr and "AttributeError" not in result.stdout + result.stderr
    [error] = json.loads(result.stdout)["errors"]
    assert error["path"] == "<hcl2>"
    assert error["message"].startswith(
        "sod-iac cannot parse HCL here: the installed `hcl2` module is Checkov's bc-python-hcl2, not "
        "python-hcl2; install sod-iac in its own virtual environment")
    assert f"{len(list(folder.glob('*.tf')))} HCL files not analysed" in error["message"]

    plan = TESTDATA / "approval" / "tfe-auto-apply"
    expected = {(f["rule_id"], f["resource"]) for f in json.loads((plan / "expected.json").read_text())["findings"]}
    result = _sod_iac_cli_in(checkov_venv, ["scan", str(plan / "plan.json"), "--format", "json"])
    assert result.returncode == 2, result.stderr[-2000:]
    data = json.loads(result.stdout)
    assert [e["path"] for e in data["errors"]] == ["<hcl2>"]
    assert expected <= {(f["rule_id"], f["resource"]) for f in data["findings"]}
