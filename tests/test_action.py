"""The GitHub Action (action.yml + action/run.py), the self-test workflow and the pre-commit hook.

Offline throughout: the schemas come from check-jsonschema's vendored copies of SchemaStore's
`github-action` and `github-workflow` schemas; the action's steps run for real in bash with a
simulated GitHub environment (GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, GITHUB_EVENT_PATH with a
pull_request event, a temporary git repository with a base and a head commit); the actions
it `uses:` (setup-python, upload-sarif) are stood in for, and the GitHub API is a fake
transport.
"""

from __future__ import annotations

import importlib.util
import io
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import textwrap
from importlib.resources import files
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
ACTION_YML = ROOT / "action.yml"
RUN_PY = ROOT / "action" / "run.py"
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.y*ml"))
DEMO = ROOT / "testdata" / "demo"
SHA_PIN = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+(/[^@\s]+)?@[0-9a-f]{40}$")


def _load_run_module() -> Any:
    spec = importlib.util.spec_from_file_location("sod_iac_action_run", RUN_PY)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


action = _load_run_module()


# --------------------------------------------------------------------------- YAML as GitHub reads it


class _Yaml12Loader(yaml.SafeLoader):
    """YAML 1.2 booleans (true/false only), as GitHub reads workflows: `on:` stays a key."""


_Yaml12Loader.yaml_implicit_resolvers = {
    key: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}
_Yaml12Loader.add_implicit_resolver("tag:yaml.org,2002:bool",
                                    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))


def load_yaml(text: str) -> Any:
    return yaml.load(text, Loader=_Yaml12Loader)  # noqa: S506 - a SafeLoader subclass


def action_doc() -> dict[str, Any]:
    return load_yaml(ACTION_YML.read_text(encoding="utf-8"))


def vendored_schema(name: str) -> dict[str, Any]:
    """SchemaStore's schema as check-jsonschema ships it (no network)."""
    return json.loads((files("check_jsonschema.builtin_schemas.vendor") / name).read_text(encoding="utf-8"))


def schema_errors(doc: Any, schema_name: str) -> list[str]:
    validator = jsonschema.Draft7Validator(vendored_schema(schema_name))
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(doc)]


def readme_section(title: str) -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"\n## {title}\n" in text, f"README has no '## {title}' section"
    return text.split(f"\n## {title}\n", 1)[1].split("\n## ", 1)[0]


def readme_workflows() -> list[dict[str, Any]]:
    blocks = re.findall(r"```yaml\n(.*?)```", readme_section("GitHub Action"), re.S)
    docs = [load_yaml(b) for b in blocks]
    return [d for d in docs if isinstance(d, dict) and "jobs" in d]


def all_steps(doc: dict[str, Any]) -> list[dict[str, Any]]:
    if "runs" in doc:
        return list(doc["runs"].get("steps", []))
    return [step for job in doc.get("jobs", {}).values() for step in job.get("steps", [])]


# --------------------------------------------------------------------------- schemas


def test_action_yml_matches_the_github_action_schema() -> None:
    assert schema_errors(action_doc(), "github-actions.json") == []


def test_the_action_schema_is_not_a_rubber_stamp() -> None:
    broken = action_doc()
    del broken["runs"]["steps"][1]["shell"]  # composite run steps must name their shell
    broken["outputs"]["findings"].pop("value")  # composite outputs must say where they come from
    assert len(schema_errors(broken, "github-actions.json")) >= 1


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_workflows_match_the_github_workflow_schema(workflow: Path) -> None:
    doc = load_yaml(workflow.read_text(encoding="utf-8"))
    assert "on" in doc, "`on:` must stay a key (YAML 1.2), not turn into True"
    assert schema_errors(doc, "github-workflows.json") == []


def test_the_workflow_schema_is_not_a_rubber_stamp() -> None:
    doc = load_yaml(WORKFLOWS[0].read_text(encoding="utf-8"))
    job = next(iter(doc["jobs"].values()))
    job.pop("runs-on")
    job["steps"].append({"run": "true", "uses": "actions/checkout@x"})
    assert schema_errors(doc, "github-workflows.json")


def test_readme_workflows_match_the_schema() -> None:
    docs = readme_workflows()
    assert len(docs) >= 2, "README shows a minimal workflow and one with Checkov"
    for doc in docs:
        assert schema_errors(doc, "github-workflows.json") == []


# --------------------------------------------------------------------------- hardening


def _run_blocks(doc: dict[str, Any]) -> list[str]:
    return [step["run"] for step in all_steps(doc) if "run" in step]


def test_no_expression_inside_any_run_of_the_action() -> None:
    """Inputs and event fields reach scripts only through env: (script injection)."""
    runs = _run_blocks(action_doc())
    assert runs
    for script in runs:
        assert "${{" not in script, script


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_no_untrusted_expression_inside_workflow_runs(workflow: Path) -> None:
    for script in _run_blocks(load_yaml(workflow.read_text(encoding="utf-8"))):
        assert "${{ inputs." not in script and "${{ github.event" not in script, script
        assert "${{" not in script, "this project's workflows pass every value through env:"


def _uses_lines(text: str) -> list[tuple[str, str]]:
    """(ref, trailing comment) of every `uses:` line."""
    found = []
    for line in text.splitlines():
        match = re.match(r"^\s*(?:-\s+)?uses:\s*([^\s#]+)\s*(#.*)?$", line)
        if match:
            found.append((match.group(1).strip("'\""), (match.group(2) or "").strip()))
    return found


def _assert_pinned(text: str, where: str, allow: tuple[str, ...] = ()) -> int:
    checked = 0
    for ref, comment in _uses_lines(text):
        if ref.startswith("./") or ref.startswith(allow):
            continue
        assert SHA_PIN.match(ref), f"{where}: {ref} is not pinned to a full commit SHA"
        assert re.match(r"^#\s*v\d+(\.\d+)*", comment), f"{where}: {ref} needs its release in a comment (# vX.Y.Z)"
        checked += 1
    return checked


def test_third_party_actions_are_pinned_by_sha_with_the_version_in_a_comment() -> None:
    assert _assert_pinned(ACTION_YML.read_text(encoding="utf-8"), "action.yml") == 2
    for workflow in WORKFLOWS:
        assert _assert_pinned(workflow.read_text(encoding="utf-8"), workflow.name) >= 1
    # The README's workflows pin everything too; the action itself is shown as a placeholder
    # for the release's commit the reader picks.
    assert _assert_pinned(readme_section("GitHub Action"), "README", allow=("OWNER/sod-iac@",)) >= 1


def test_same_action_same_pin_everywhere() -> None:
    texts = [ACTION_YML.read_text(encoding="utf-8"), readme_section("GitHub Action"),
             *(w.read_text(encoding="utf-8") for w in WORKFLOWS)]
    pins: dict[str, set[str]] = {}
    for text in texts:
        for ref, comment in _uses_lines(text):
            if "@" in ref and SHA_PIN.match(ref):
                name, sha = ref.rsplit("@", 1)
                pins.setdefault(name.split("/")[0] + "/" + name.split("/")[1], set()).add(f"{sha} {comment}")
    for name, seen in pins.items():
        assert len(seen) == 1, f"{name} is pinned differently in different places: {seen}"


def test_every_input_reaches_a_step_and_every_output_is_written() -> None:
    doc = action_doc()
    wiring = json.dumps([{k: s.get(k) for k in ("with", "env")} for s in all_steps(doc)])
    for name in doc["inputs"]:
        assert f"inputs.{name} " in wiring or f"inputs.{name}}}" in wiring, f"input {name} is not used"
    source = RUN_PY.read_text(encoding="utf-8")
    for step in all_steps(doc):
        for var in (step.get("env") or {}):
            if var.startswith(("INPUT_", "SOD_IAC")) and var != "SOD_IAC_VENV_PYTHON":
                assert f'"{var}"' in source, f"run.py never reads {var}"
    for name, spec in doc["outputs"].items():
        assert spec["value"] == f"${{{{ steps.scan.outputs.{name} }}}}"
        assert f'"{name}"' in source


def test_setup_python_does_not_change_the_callers_environment() -> None:
    setup = next(s for s in all_steps(action_doc()) if str(s.get("uses", "")).startswith("actions/setup-python@"))
    assert setup["with"]["update-environment"] == "false"


# --------------------------------------------------------------------------- a tiny runner for action.yml


_TOKEN = re.compile(r"\s*(?:(?P<str>'(?:[^']|'')*')|(?P<op>==|!=|&&|\|\||!|\(|\))|(?P<num>\d+)"
                    r"|(?P<name>[A-Za-z_][\w.-]*(?:\(\))?))")


def evaluate(expression: str, ctx: dict[str, Any]) -> Any:
    """The subset of GitHub's expression language action.yml uses: literals, context paths
    (inputs.x, steps.id.outputs.x, github.x), ==, !=, !, &&, || and success()/always()."""
    tokens: list[tuple[str, str]] = []
    pos = 0
    text = expression.strip()
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        assert match and match.end() > pos, f"cannot read {text[pos:]!r}"
        kind = match.lastgroup or ""
        tokens.append((kind, match.group(kind)))
        pos = match.end()

    def peek() -> str | None:
        return tokens[0][1] if tokens else None

    def primary() -> Any:
        kind, value = tokens.pop(0)
        if value == "(":
            result = or_()
            assert tokens.pop(0)[1] == ")"
            return result
        if kind == "str":
            return value[1:-1].replace("''", "'")
        if kind == "num":
            return value
        if value in ("true", "false"):
            return value == "true"
        if value.endswith("()"):
            return {"success()": not ctx["failed"], "always()": True, "failure()": ctx["failed"],
                    "cancelled()": False}[value]
        node: Any = ctx
        for part in value.split("."):
            node = node.get(part, "") if isinstance(node, dict) else ""
        return node

    def comparison() -> Any:
        left = primary()
        if peek() in ("==", "!="):
            op = tokens.pop(0)[1]
            right = primary()
            same = str(left).lower() == str(right).lower()  # GitHub compares strings ignoring case
            return same if op == "==" else not same
        return left

    def unary() -> Any:
        if peek() == "!":
            tokens.pop(0)
            return not unary()
        return comparison()

    def and_() -> Any:
        left = unary()
        while peek() == "&&":
            tokens.pop(0)
            right = unary()
            left = left and right
        return left

    def or_() -> Any:
        left = and_()
        while peek() == "||":
            tokens.pop(0)
            right = and_()
            left = left or right
        return left

    result = or_()
    assert not tokens, f"left over: {tokens}"
    return result


def substitute(value: Any, ctx: dict[str, Any]) -> str:
    text = "" if value is None else str(value).lower() if isinstance(value, bool) else str(value)
    return re.sub(r"\$\{\{(.*?)\}\}", lambda m: _as_text(evaluate(m.group(1), ctx)), text)


def _as_text(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def parse_output_file(path: Path) -> dict[str, str]:
    """Read a GITHUB_OUTPUT file as the runner does: name=value and name<<DELIMITER blocks."""
    outputs: dict[str, str] = {}
    if not path.exists():
        return outputs
    lines = path.read_text(encoding="utf-8").split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delimiter = line.split("<<", 1)
            end = lines.index(delimiter, i + 1)
            outputs[name] = "\n".join(lines[i + 1:end])
            i = end + 1
        elif "=" in line:
            name, value = line.split("=", 1)
            outputs[name] = value
            i += 1
        else:
            i += 1
    return outputs


class ActionRun:
    """The result of running action.yml's steps: per-step stdout and outputs, the uses: calls."""

    def __init__(self) -> None:
        self.steps: list[dict[str, Any]] = []
        self.uses: list[tuple[str, dict[str, str]]] = []
        self.exit_code = 0
        self._outputs: dict[str, str] = {}

    def step(self, step_id: str) -> dict[str, Any]:
        return next(s for s in self.steps if s["id"] == step_id)

    @property
    def outputs(self) -> dict[str, str]:
        return self._outputs

    @property
    def stdout(self) -> str:
        return "".join(s["stdout"] for s in self.steps)


def fake_python(tmp: Path) -> tuple[Path, Path]:
    """A `python` for setup-python's output: `-m venv` makes a venv whose python is this same
    script and whose sod-iac is the real one, `-m pip` records its arguments instead of
    downloading anything, and anything else runs the real interpreter."""
    pip_log = tmp / "pip-args.txt"
    sod_iac = Path(sys.executable).parent / "sod-iac"
    script = tmp / "fake-python"
    script.write_text(textwrap.dedent(f"""\
        #!/usr/bin/env bash
        if [ "$1" = -m ] && [ "$2" = venv ]; then
          mkdir -p "$3/bin" && ln -sf {shlex.quote(str(script))} "$3/bin/python" \\
            && ln -sf {shlex.quote(str(sod_iac))} "$3/bin/sod-iac"; exit $?
        fi
        if [ "$1" = -m ] && [ "$2" = pip ]; then printf '%s\\n' "$@" > {shlex.quote(str(pip_log))}; exit 0; fi
        exec {shlex.quote(sys.executable)} "$@"
        """))
    script.chmod(0o755)
    return script, pip_log


def run_action(inputs: dict[str, str], env: dict[str, str], workspace: Path, tmp: Path) -> ActionRun:
    """Run action.yml's steps in order as the runner would: `run:` steps in bash with their
    `env:` evaluated, `uses:` steps stood in for, `if:` honoured, outputs from GITHUB_OUTPUT."""
    doc = action_doc()
    python, _ = fake_python(tmp)
    github = {"token": "ghs_fake_token", "workspace": str(workspace), "action_path": str(ROOT)}
    ctx: dict[str, Any] = {"github": github, "steps": {}, "failed": False}
    ctx["inputs"] = {name: substitute(inputs.get(name, spec.get("default", "")), ctx)
                     for name, spec in doc["inputs"].items()}
    result = ActionRun()
    for index, step in enumerate(doc["runs"]["steps"]):
        step_id = step.get("id", f"step{index}")
        condition = str(step.get("if", "success()"))
        condition = condition[3:-2] if condition.startswith("${{") else condition
        if "always()" not in condition and "failure()" not in condition and ctx["failed"]:
            continue
        if not evaluate(condition, ctx):
            continue
        with_values = {k: substitute(v, ctx) for k, v in (step.get("with") or {}).items()}
        outputs: dict[str, str] = {}
        stdout, code = "", 0
        if "uses" in step:
            result.uses.append((step["uses"], with_values))
            if step["uses"].startswith("actions/setup-python@"):
                outputs = {"python-path": str(python), "python-version": "3.12.0"}
            elif step["uses"].startswith("github/codeql-action/upload-sarif@"):
                assert Path(with_values["sarif_file"]).is_file(), "upload-sarif would get no file"
            else:
                raise AssertionError(f"no stand-in for {step['uses']}")
        else:
            output_file = tmp / f"output-{index}"
            step_env = {**env, "GITHUB_OUTPUT": str(output_file), "GITHUB_ACTION_PATH": str(ROOT),
                        **{k: substitute(v, ctx) for k, v in (step.get("env") or {}).items()}}
            script = tmp / f"step-{index}.sh"
            script.write_text(step["run"], encoding="utf-8")
            proc = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
                                  cwd=workspace, env=step_env, capture_output=True, text=True, timeout=600)
            stdout, code = proc.stdout, proc.returncode
            assert "Traceback" not in proc.stderr, proc.stderr
            outputs = parse_output_file(output_file)
        ctx["steps"][step_id] = {"outputs": outputs, "outcome": "failure" if code else "success"}
        result.steps.append({"id": step_id, "stdout": stdout, "exit_code": code, "outputs": outputs})
        if code:
            ctx["failed"] = True
            result.exit_code = code
    result._outputs = {name: substitute(spec["value"], ctx) for name, spec in doc["outputs"].items()}
    return result


# --------------------------------------------------------------------------- a pull request, simulated


def _git(repo: Path, *args: str) -> str:
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    proc = subprocess.run(["git", "-C", str(repo), "-c", "user.email=t@example.com", "-c", "user.name=t",
                           "-c", "commit.gpgsign=false", *args], capture_output=True, text=True, env=env,
                          check=True)
    return proc.stdout.strip()


@pytest.fixture
def pull_request(tmp_path: Path) -> dict[str, Any]:
    """A repository whose base commit has two approval problems (delivery.tf) and whose head
    commit adds one SoD problem: a role that both administers and uses a KMS key (kms.tf)."""
    repo = tmp_path / "repo"
    (repo / "infra").mkdir(parents=True)
    _git(repo, "init", "-q", "-b", "main")
    shutil.copy(DEMO / "delivery.tf", repo / "infra" / "delivery.tf")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "base")
    base = _git(repo, "rev-parse", "HEAD")
    shutil.copy(DEMO / "kms.tf", repo / "infra" / "kms.tf")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "head: a key admin that also decrypts")
    head = _git(repo, "rev-parse", "HEAD")
    return {"repo": repo, "base": base, "head": head, "tmp": tmp_path}


def event_file(tmp: Path, base: str, head: str, head_repo: str = "acme/infra", number: int = 7) -> Path:
    event = {"action": "synchronize", "number": number,
             "pull_request": {"number": number, "title": "a title with $(touch pwned) in it",
                              "base": {"sha": base, "ref": "main", "repo": {"full_name": "acme/infra"}},
                              "head": {"sha": head, "ref": "feature", "repo": {"full_name": head_repo}}},
             "repository": {"full_name": "acme/infra"}}
    path = tmp / "event.json"
    path.write_text(json.dumps(event), encoding="utf-8")
    return path


def github_env(workspace: Path, tmp: Path, event: Path | None, event_name: str = "pull_request",
               actor: str = "alice") -> dict[str, str]:
    """A clean environment (nothing from a real runner leaks in) plus GITHUB_* as a runner sets them."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("GITHUB_", "RUNNER_", "INPUT_", "SOD_IAC", "ACTIONS_"))}
    (tmp / "runner-temp").mkdir(exist_ok=True)
    summary = tmp / "step-summary.md"
    summary.touch()
    env.update({"GITHUB_ACTIONS": "true", "GITHUB_WORKSPACE": str(workspace), "GITHUB_EVENT_NAME": event_name,
                "GITHUB_REPOSITORY": "acme/infra", "GITHUB_SERVER_URL": "https://github.com",
                "GITHUB_API_URL": "https://api.github.invalid", "GITHUB_SHA": "0" * 40, "GITHUB_ACTOR": actor,
                "GITHUB_STEP_SUMMARY": str(summary), "RUNNER_TEMP": str(tmp / "runner-temp"),
                "XDG_CACHE_HOME": str(tmp / "xdg-cache"), "NO_COLOR": "1"})
    if event is not None:
        env["GITHUB_EVENT_PATH"] = str(event)
    return env


def _annotations(stdout: str) -> list[str]:
    """Workflow commands the runner would act on (none between stop-commands and its token)."""
    found, stopped = [], None
    for line in stdout.splitlines():
        if stopped is not None:
            if line == f"::{stopped}::":
                stopped = None
            continue
        if line.startswith("::stop-commands::"):
            stopped = line.split("::")[2]
            continue
        if re.match(r"^::(error|warning|notice)( |::)", line):
            found.append(line)
    return found


# --------------------------------------------------------------------------- end to end


def test_pull_request_reports_only_what_it_introduces(pull_request: dict[str, Any]) -> None:
    repo, tmp = pull_request["repo"], pull_request["tmp"]
    env = github_env(repo, tmp, event_file(tmp, pull_request["base"], pull_request["head"]))
    run = run_action({"path": "infra"}, env, repo, tmp)

    # outputs: 3 findings on the head commit, 1 of them new; the scan's exit code is 1
    assert run.outputs["findings"] == "3"
    assert run.outputs["new-findings"] == "1"
    assert run.outputs["exit-code"] == "1"
    sarif_path = Path(run.outputs["sarif-file"])
    assert sarif_path == repo / "sod-iac.sarif"

    # SARIF for code scanning holds every finding, with paths relative to the repository
    sarif = json.loads(sarif_path.read_text(encoding="utf-8"))
    results = sarif["runs"][0]["results"]
    assert sorted(r["ruleId"] for r in results) == ["SOD101", "SOD210", "SOD212"]
    uris = {loc["physicalLocation"]["artifactLocation"]["uri"] for r in results for loc in r["locations"]}
    assert uris == {"infra/kms.tf", "infra/delivery.tf"}

    # annotations: only the new finding, on the file and line GitHub will show it
    commands = _annotations(run.step("scan")["stdout"])
    errors = [c for c in commands if c.startswith("::error")]
    assert len(errors) == 1 and errors[0].startswith("::error file=infra/kms.tf,line=8,")
    assert "SOD101" in errors[0]

    # the step summary leads with what the pull request introduces, then what the base had
    summary = Path(env["GITHUB_STEP_SUMMARY"]).read_text(encoding="utf-8")
    heading, lead = summary.split("\n\n")[:2]
    assert heading == "## sod-iac: this pull request introduces 1 finding"
    assert lead == (f"**This pull request introduces 1 finding**: 1 high. 2 findings were already on the "
                    f"base (`{pull_request['base'][:12]}`) and are not listed.")
    assert "baseline" not in summary
    assert "SOD101" in summary and "SOD210" not in summary
    assert "](https://github.com/acme/infra/blob/" in summary

    # order: the scan step succeeds, SARIF is uploaded, then the last step fails with 1
    assert [s["id"] for s in run.steps] == ["python", "install", "scan", "step3", "step4"]
    assert run.step("scan")["exit_code"] == 0
    assert [u for u, _ in run.uses][1].startswith("github/codeql-action/upload-sarif@")
    assert run.uses[1][1] == {"sarif_file": str(sarif_path), "category": "sod-iac"}
    assert run.steps[-1]["exit_code"] == 1 and run.exit_code == 1
    assert run.uses[0][1] == {"python-version": "3.12", "update-environment": "false"}
    # sod-iac was installed from the action's own checkout (version input empty)
    pip_args = (tmp / "pip-args.txt").read_text().splitlines()
    assert pip_args[-1] == str(ROOT) and "install" in pip_args


def test_soft_fail_keeps_the_job_green_but_reports_the_same(pull_request: dict[str, Any]) -> None:
    repo, tmp = pull_request["repo"], pull_request["tmp"]
    env = github_env(repo, tmp, event_file(tmp, pull_request["base"], pull_request["head"]))
    run = run_action({"path": "infra", "soft-fail": "true", "upload-sarif": "false"}, env, repo, tmp)
    assert run.outputs["exit-code"] == "0" and run.exit_code == 0
    assert run.outputs["new-findings"] == "1" and run.outputs["findings"] == "3"
    assert len([c for c in _annotations(run.stdout) if c.startswith("::error")]) == 1
    assert not any(u.startswith("github/codeql-action/") for u, _ in run.uses)
    assert Path(run.outputs["sarif-file"]).is_file()  # still written, just not uploaded


def test_fail_on_critical_passes_high_findings(pull_request: dict[str, Any]) -> None:
    repo, tmp = pull_request["repo"], pull_request["tmp"]
    env = github_env(repo, tmp, event_file(tmp, pull_request["base"], pull_request["head"]))
    run = run_action({"path": "infra", "fail-on": "critical", "upload-sarif": "false"}, env, repo, tmp)
    assert run.outputs["exit-code"] == "0" and run.exit_code == 0
    assert run.outputs["new-findings"] == "1"


def test_shallow_clone_says_so_and_reports_everything(pull_request: dict[str, Any]) -> None:
    tmp = pull_request["tmp"]
    shallow = tmp / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{pull_request['repo']}", str(shallow)],
                   check=True, capture_output=True)
    env = github_env(shallow, tmp, event_file(tmp, pull_request["base"], pull_request["head"]))
    run = run_action({"path": "infra", "upload-sarif": "false"}, env, shallow, tmp)
    warnings = [c for c in _annotations(run.stdout) if c.startswith("::warning")]
    assert len(warnings) == 1
    assert "title=sod-iac%3A history missing::" in warnings[0]
    assert "shallow" in warnings[0] and "fetch-depth: 0" in warnings[0]
    assert run.outputs["new-findings"] == run.outputs["findings"] == "3"
    assert run.outputs["exit-code"] == "1"
    summary = Path(env["GITHUB_STEP_SUMMARY"]).read_text(encoding="utf-8")
    assert summary.count("SOD21") >= 2
    # the warning comes right after the first paragraph, before the findings, not at the bottom
    heading, lead, warning = summary.split("\n\n")[:3]
    assert heading == "## sod-iac: 3 findings" and lead == "**3 findings**: 3 high."
    assert warning.startswith("> [!WARNING]\n> The base commit") and "fetch-depth: 0" in warning
    assert "cannot tell what the pull request introduces" in warning


def test_fork_pull_request_skips_comment_and_upload_with_a_notice(pull_request: dict[str, Any]) -> None:
    repo, tmp = pull_request["repo"], pull_request["tmp"]
    event = event_file(tmp, pull_request["base"], pull_request["head"], head_repo="mallory/infra")
    env = github_env(repo, tmp, event)
    run = run_action({"path": "infra", "comment": "true"}, env, repo, tmp)
    notices = [c for c in _annotations(run.stdout) if c.startswith("::notice")]
    assert any("SARIF upload skipped" in n and "fork (mallory/infra)" in n for n in notices)
    assert any("PR comment skipped" in n and "fork" in n for n in notices)
    assert not any(u.startswith("github/codeql-action/") for u, _ in run.uses)
    # still reported where a read-only token can: annotations, summary, exit code
    assert run.outputs["new-findings"] == "1" and run.exit_code == 1
    assert "SOD101" in Path(env["GITHUB_STEP_SUMMARY"]).read_text(encoding="utf-8")


def test_push_event_reports_everything_without_history_notes(pull_request: dict[str, Any]) -> None:
    repo, tmp = pull_request["repo"], pull_request["tmp"]
    env = github_env(repo, tmp, None, event_name="push")
    run = run_action({"path": "infra", "upload-sarif": "false"}, env, repo, tmp)
    assert run.outputs["findings"] == run.outputs["new-findings"] == "3"
    assert not [c for c in _annotations(run.stdout) if c.startswith(("::warning", "::notice"))]
    assert len([c for c in _annotations(run.stdout) if c.startswith("::error")]) == 3


def test_inputs_with_shell_metacharacters_are_data(pull_request: dict[str, Any]) -> None:
    """`$(...)`, backticks, quotes and newlines in inputs and in the event are never executed."""
    repo, tmp = pull_request["repo"], pull_request["tmp"]
    weird = "we ird $(touch pwned1) `touch pwned2` 'q' \"dq\"; touch pwned3"
    (repo / weird).mkdir()
    shutil.copy(DEMO / "kms.tf", repo / weird / "kms.tf")
    env = github_env(repo, tmp, event_file(tmp, pull_request["base"], pull_request["head"]))
    sarif_name = "out $(touch pwned4).sarif\nexit-code=0"
    run = run_action({"path": weird, "sarif-file": sarif_name, "upload-sarif": "false", "only-new": "false",
                      "config": ""}, env, repo, tmp)
    for where in (repo, tmp, Path.cwd()):
        assert not list(where.glob("pwned*")), f"an input was executed in {where}"
    assert run.outputs["findings"] == "1"
    assert run.outputs["exit-code"] == "1"  # the newline in sarif-file did not set exit-code=0
    assert run.outputs["sarif-file"] == str(repo / sarif_name)
    assert Path(run.outputs["sarif-file"]).is_file()


def test_bad_inputs_fail_the_action_with_exit_code_2(pull_request: dict[str, Any]) -> None:
    repo, tmp = pull_request["repo"], pull_request["tmp"]
    env = github_env(repo, tmp, event_file(tmp, pull_request["base"], pull_request["head"]))
    run = run_action({"path": "infra", "fail-on": "high; touch pwned"}, env, repo, tmp)
    assert run.outputs["exit-code"] == "2" and run.exit_code == 2
    assert any("fail-on must be one of" in c for c in _annotations(run.stdout))
    assert not any(u.startswith("github/codeql-action/") for u, _ in run.uses)
    assert not list(repo.glob("pwned*"))


def test_missing_path_is_exit_code_2_not_a_crash(pull_request: dict[str, Any]) -> None:
    repo, tmp = pull_request["repo"], pull_request["tmp"]
    env = github_env(repo, tmp, None, event_name="push")
    run = run_action({"path": "nowhere", "upload-sarif": "false"}, env, repo, tmp)
    assert run.outputs["exit-code"] == "2" and run.exit_code == 2
    assert "no such file or directory" in run.step("scan")["stdout"]
    assert any(c.startswith("::error title=sod-iac%3A scan failed::") for c in _annotations(run.stdout))
    # the job summary says that the scan did not run, and why (not only the log)
    summary = Path(env["GITHUB_STEP_SUMMARY"]).read_text(encoding="utf-8")
    assert summary.startswith("## sod-iac: the scan did not run\n")
    assert "exit code 2" in summary
    assert "```text\nnowhere\n```" in summary  # the input that names nothing
    assert f"no such file or directory: {repo / 'nowhere'}" in summary  # sod-iac's own words


def test_a_failed_scan_says_so_in_the_pull_request_comment(pull_request: dict[str, Any]) -> None:
    """An earlier report comment is updated to say the scan did not run (it would go on
    showing old findings as if they were current); none is started for it."""
    repo, tmp = pull_request["repo"], pull_request["tmp"]
    env = github_env(repo, tmp, event_file(tmp, pull_request["base"], pull_request["head"]))
    env.update({"SOD_IAC": str(Path(sys.executable).parent / "sod-iac"), "SOD_IAC_GITHUB_TOKEN": "ghs_fake",
                "INPUT_PATH": "in`fra```", "INPUT_COMMENT": "true", "GITHUB_OUTPUT": str(tmp / "out.txt")})
    github = FakeGitHub([{"id": 5, "body": action.COMMENT_MARKER + "\nold: 1 finding", "user": {"type": "Bot"}}])
    _with_env(env, lambda: action.scan_phase(env, io.StringIO(), transport=github))
    body = github.comments[0]["body"]
    assert body.startswith(action.COMMENT_MARKER + "\n## sod-iac: the scan did not run")
    assert "````text\nin`fra```\n````" in body  # a fence longer than the backticks in the name
    github = FakeGitHub()
    _with_env(env, lambda: action.scan_phase(env, io.StringIO(), transport=github))
    assert [c[0] for c in github.calls] == ["GET"]


def test_a_path_without_terraform_fails_the_action(pull_request: dict[str, Any]) -> None:
    """A `path:` that names a folder without Terraform (here: a docs folder) must not go green."""
    repo, tmp = pull_request["repo"], pull_request["tmp"]
    (repo / "docs").mkdir()
    (repo / "docs" / "README.md").write_text("nothing to scan\n", encoding="utf-8")
    env = github_env(repo, tmp, None, event_name="push")
    run = run_action({"path": "docs", "upload-sarif": "false"}, env, repo, tmp)
    assert run.outputs["exit-code"] == "2" and run.exit_code == 2
    assert "no Terraform files (.tf, .tf.json, plan JSON) found in" in run.stdout


def test_untrusted_scan_output_cannot_issue_workflow_commands(pull_request: dict[str, Any]) -> None:
    """A file name from the pull request that carries a workflow command is logged inertly."""
    repo, tmp = pull_request["repo"], pull_request["tmp"]
    (repo / "infra" / "x\n::warning::injected.tf").write_text("resource {{{", encoding="utf-8")
    env = github_env(repo, tmp, None, event_name="push")
    run = run_action({"path": "infra", "upload-sarif": "false"}, env, repo, tmp)
    assert run.outputs["exit-code"] == "2"  # the broken file could not be analysed
    assert not any("injected" in c and c.startswith("::warning::") for c in _annotations(run.stdout))


# --------------------------------------------------------------------------- the PR comment (fake transport)


class FakeGitHub:
    """Just enough of the issues-comments API, in memory, to be the transport."""

    def __init__(self, comments: list[dict[str, Any]] | None = None, fail: int | None = None) -> None:
        self.comments = comments or []
        self.calls: list[tuple[str, str, dict[str, str], Any]] = []
        self.fail = fail

    def __call__(self, method: str, url: str, headers: Any, body: bytes | None) -> tuple[int, dict, bytes]:
        payload = json.loads(body) if body else None
        self.calls.append((method, url, dict(headers), payload))
        if self.fail:
            return self.fail, {}, json.dumps({"message": "Resource not accessible by integration"}).encode()
        match = re.match(r"^https://api\.github\.invalid/repos/acme/infra/issues/(\d+)/comments"
                         r"\?per_page=100&page=(\d+)$", url)
        if method == "GET" and match:
            page = int(match.group(2))
            return 200, {}, json.dumps(self.comments[(page - 1) * 100:page * 100]).encode()
        if method == "POST" and url.endswith("/issues/7/comments"):
            comment = {"id": 1000 + len(self.comments), "body": payload["body"],
                       "user": {"login": "github-actions[bot]", "type": "Bot"}}
            self.comments.append(comment)
            return 201, {}, json.dumps(comment).encode()
        match = re.match(r"^https://api\.github\.invalid/repos/acme/infra/issues/comments/(\d+)$", url)
        if method == "PATCH" and match:
            comment = next(c for c in self.comments if c["id"] == int(match.group(1)))
            comment["body"] = payload["body"]
            return 200, {}, json.dumps(comment).encode()
        return 404, {}, b'{"message": "Not Found"}'


def _human(i: int, body: str = "looks good") -> dict[str, Any]:
    return {"id": i, "body": body, "user": {"login": f"user{i}", "type": "User"}}


def test_comment_is_created_once_then_updated_in_place(pull_request: dict[str, Any]) -> None:
    repo, tmp = pull_request["repo"], pull_request["tmp"]
    env = github_env(repo, tmp, event_file(tmp, pull_request["base"], pull_request["head"]))
    env.update({"SOD_IAC": str(Path(sys.executable).parent / "sod-iac"), "SOD_IAC_GITHUB_TOKEN": "ghs_fake",
                "INPUT_PATH": "infra", "INPUT_COMMENT": "true", "INPUT_UPLOAD_SARIF": "false",
                "GITHUB_OUTPUT": str(tmp / "out.txt")})
    github = FakeGitHub([_human(1, f"{action.COMMENT_MARKER} pasted by a person")])
    for push in range(2):  # two pushes to the pull request
        out = io.StringIO()
        _with_env(env, lambda out=out: action.scan_phase(env, out, transport=github))
        assert f"PR comment {1001} {'created' if push == 0 else 'updated'}." in out.getvalue()
    bots = [c for c in github.comments if c["user"]["type"] == "Bot"]
    assert len(bots) == 1 and bots[0]["id"] == 1001
    assert bots[0]["body"].startswith(action.COMMENT_MARKER + "\n## sod-iac: this pull request introduces 1 finding")
    assert "SOD101" in bots[0]["body"] and "2 findings were already on the base" in bots[0]["body"]
    assert github.comments[0]["body"].endswith("pasted by a person")  # a person's comment is left alone
    assert [c[0] for c in github.calls] == ["GET", "POST", "GET", "PATCH"]
    headers = github.calls[0][2]
    assert headers["Authorization"] == "Bearer ghs_fake"
    assert headers["Accept"] == "application/vnd.github+json" and headers["X-GitHub-Api-Version"]


def _with_env(env: dict[str, str], fn: Any) -> Any:
    """scan_phase runs git and sod-iac in the current directory: run it from the workspace."""
    old = Path.cwd()
    os.chdir(env["GITHUB_WORKSPACE"])
    try:
        return fn()
    finally:
        os.chdir(old)


def test_comment_found_on_a_later_page() -> None:
    github = FakeGitHub([_human(i) for i in range(1, 151)]
                        + [{"id": 999, "body": action.COMMENT_MARKER + "\nold", "user": {"type": "Bot"}}])
    api = action.GitHubAPI("https://api.github.invalid", "t", github)
    assert action.upsert_comment(api, "acme/infra", 7, action.COMMENT_MARKER + "\nnew") == ("updated", 999)
    assert [c[0] for c in github.calls] == ["GET", "GET", "PATCH"]


def test_no_comment_is_started_for_a_clean_pull_request_but_an_old_one_is_updated(
        pull_request: dict[str, Any]) -> None:
    repo, tmp = pull_request["repo"], pull_request["tmp"]
    env = github_env(repo, tmp, event_file(tmp, pull_request["base"], pull_request["head"]))
    env.update({"SOD_IAC": str(Path(sys.executable).parent / "sod-iac"), "SOD_IAC_GITHUB_TOKEN": "ghs_fake",
                "INPUT_PATH": "infra", "INPUT_COMMENT": "true", "INPUT_FAIL_ON": "critical",
                "GITHUB_OUTPUT": str(tmp / "out.txt")})
    _git(repo, "rm", "-q", "infra/kms.tf")  # the problem is fixed: nothing new any more
    github = FakeGitHub()
    out = io.StringIO()
    _with_env(env, lambda: action.scan_phase(env, out, transport=github))
    assert "no PR comment" in out.getvalue() and [c[0] for c in github.calls] == ["GET"]
    github = FakeGitHub([{"id": 5, "body": action.COMMENT_MARKER + "\nold: 1 finding", "user": {"type": "Bot"}}])
    _with_env(env, lambda: action.scan_phase(env, io.StringIO(), transport=github))
    assert [c[0] for c in github.calls] == ["GET", "PATCH"]
    body = github.comments[0]["body"]
    assert "## sod-iac: this pull request introduces no findings\n" in body
    assert "2 findings were already on the base" in body


def test_comment_failure_is_a_warning_not_a_failed_job(pull_request: dict[str, Any]) -> None:
    repo, tmp = pull_request["repo"], pull_request["tmp"]
    env = github_env(repo, tmp, event_file(tmp, pull_request["base"], pull_request["head"]))
    env.update({"SOD_IAC": str(Path(sys.executable).parent / "sod-iac"), "SOD_IAC_GITHUB_TOKEN": "ghs_fake",
                "INPUT_PATH": "infra", "INPUT_COMMENT": "true", "GITHUB_OUTPUT": str(tmp / "out.txt")})
    out = io.StringIO()
    assert _with_env(env, lambda: action.scan_phase(env, out, transport=FakeGitHub(fail=403))) == 0
    warning = next(c for c in _annotations(out.getvalue()) if c.startswith("::warning"))
    assert "HTTP 403" in warning and "pull-requests: write" in warning
    outputs = parse_output_file(tmp / "out.txt")
    assert outputs["exit-code"] == "1" and outputs["upload-sarif"] == "true"


def test_dependabot_gets_a_read_only_token(tmp_path: Path) -> None:
    event = event_file(tmp_path, "a" * 40, "b" * 40)
    ctx = action.Context.from_env(github_env(tmp_path, tmp_path, event, actor="dependabot[bot]"))
    assert "Dependabot" in (ctx.read_only_reason() or "")
    ctx = action.Context.from_env(github_env(tmp_path, tmp_path, event, event_name="pull_request_target"))
    assert ctx.read_only_reason() is None


def test_comment_body_stays_under_githubs_limit() -> None:
    body = action.comment_body("## sod-iac\n" + "| row |\n" * 20_000)
    assert len(body) <= 65_536 and body.startswith(action.COMMENT_MARKER)
    assert body.rstrip().endswith("the job summary has all of it._")


# --------------------------------------------------------------------------- small pieces


def test_notes_go_where_the_report_leaves_room_else_at_the_end() -> None:
    report = "## sod-iac: 1 finding\n\n**1 finding**: 1 high.\n\n<!-- sod-iac:notes -->\n\n### Findings\n"
    assert action.with_notes(report, ["> [!WARNING]\n> a", "b"]) == (
        "## sod-iac: 1 finding\n\n**1 finding**: 1 high.\n\n> [!WARNING]\n> a\n\nb\n\n### Findings\n")
    older = "## sod-iac: 1 finding\n\n| table |\n"  # a sod-iac release without the marker
    assert action.with_notes(older, ["b"]) == "## sod-iac: 1 finding\n\n| table |\n\nb\n"
    assert action.with_notes(report, []) == report
    from sod_iac.report import markdown  # run.py imports nothing of ours: the two must agree
    assert action.NOTES_MARKER == markdown.NOTES_MARKER


def test_outputs_cannot_be_injected_through_a_value(tmp_path: Path) -> None:
    path = tmp_path / "out"
    action.set_outputs(str(path), {"sarif-file": "a\nexit-code=0\nx<<EOF\ny\nEOF", "exit-code": "1"})
    assert parse_output_file(path) == {"sarif-file": "a\nexit-code=0\nx<<EOF\ny\nEOF", "exit-code": "1"}


def test_workflow_commands_are_escaped() -> None:
    assert action.command("notice", "50% done\n::error::x", "a: b, c") == \
        "::notice title=a%3A b%2C c::50%25 done%0A::error::x"


@pytest.mark.parametrize("version, spec", [("", str(ROOT)), ("0.1.0", "sod-iac==0.1.0"),
                                           ("1.2.3rc1", "sod-iac==1.2.3rc1")])
def test_install_phase(tmp_path: Path, version: str, spec: str) -> None:
    calls: list[list[str]] = []
    env = {"INPUT_VERSION": version, "GITHUB_ACTION_PATH": str(ROOT), "RUNNER_TEMP": str(tmp_path),
           "SOD_IAC_PYTHON": "/opt/python3", "GITHUB_OUTPUT": str(tmp_path / "out")}
    assert action.install_phase(env, io.StringIO(), runner=lambda argv: calls.append(argv) or 0) == 0
    assert calls[0] == ["/opt/python3", "-m", "venv", str(tmp_path / "sod-iac-venv")]
    assert calls[1][-1] == spec and calls[1][1:4] == ["-m", "pip", "install"]
    outputs = parse_output_file(tmp_path / "out")
    assert outputs["sod-iac"] == str(tmp_path / "sod-iac-venv" / "bin" / "sod-iac")


@pytest.mark.parametrize("version", ["--index-url=https://evil", "1.0 @ https://evil/x.whl", "latest", "1;id"])
def test_install_phase_refuses_odd_versions(tmp_path: Path, version: str) -> None:
    out = io.StringIO()
    env = {"INPUT_VERSION": version, "RUNNER_TEMP": str(tmp_path)}
    assert action.install_phase(env, out, runner=lambda argv: pytest.fail("must not run")) == 2
    assert out.getvalue().startswith("::error title=sod-iac%3A bad input::")


@pytest.mark.parametrize("raw, code", [("0", 0), ("1", 1), ("2", 2), ("", 2), ("3; rm -rf /", 2)])
def test_finish_phase(raw: str, code: int) -> None:
    assert action.finish_phase({"SOD_IAC_EXIT_CODE": raw}, io.StringIO()) == code


def test_run_py_takes_escaping_and_git_from_sod_iac_not_copies() -> None:
    """One escaping for `--format github` and the action's own commands, one offline git runner
    for `--new-since` and the action: run.py imports them from the checkout's sod_iac."""
    imported = set(re.findall(r"^(?:from|import) ([\w.]+)", RUN_PY.read_text(encoding="utf-8"), re.M))
    assert {m for m in imported if m.split(".")[0] == "sod_iac"} == {"sod_iac.util.git",
                                                                     "sod_iac.util.workflow_commands"}
    assert {m.split(".")[0] for m in imported} <= set(sys.stdlib_module_names) | {"__future__", "sod_iac"}


def test_run_py_runs_on_a_bare_python(tmp_path: Path) -> None:
    """The install phase runs on setup-python's interpreter, before anything is installed: run.py
    and the sod_iac modules it imports need the standard library only (`-S`: no site-packages,
    so neither the installed sod_iac nor its dependencies can be found)."""
    code = f"import runpy, sys; sys.argv = ['run.py', 'finish']; runpy.run_path({str(RUN_PY)!r}, run_name='__main__')"
    proc = subprocess.run([sys.executable, "-S", "-c", code], capture_output=True, text=True, cwd=tmp_path,
                          env={"PATH": os.environ.get("PATH", ""), "SOD_IAC_EXIT_CODE": "1"}, check=False)
    assert proc.returncode == 1, proc.stderr


def test_run_py_commands_escape_as_the_github_report() -> None:
    from sod_iac.report import github
    for message, title in [("50% done\n::error::x", "a: b, c"), ("\r\n%0A", "x,y:z=1")]:
        assert action.command("warning", message, title) == github.command("warning", message, title=title)


# --------------------------------------------------------------------------- self-test workflow


def test_self_test_workflow_runs_the_action_on_the_demo_and_the_readme_test_command() -> None:
    doc = load_yaml((ROOT / ".github" / "workflows" / "self-test.yml").read_text(encoding="utf-8"))
    assert "pull_request" in doc["on"]
    assert doc["permissions"] == {"contents": "read"}
    steps = all_steps(doc)
    local = [s for s in steps if s.get("uses") == "./"]
    assert local and all(s["with"]["path"] == "testdata/demo" for s in local)
    assert any(s["with"].get("soft-fail") == "true" for s in local)
    checkout = next(s for s in steps if str(s.get("uses", "")).startswith("actions/checkout@"))
    assert checkout["with"]["fetch-depth"] == 0
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    fresh_machine = readme.split("## Two commands on a fresh machine", 1)[1]
    test_command = re.findall(r"```sh\n(.*?)```", fresh_machine, re.S)[1]
    assert any(test_command.strip() in s.get("run", "") for s in steps)


# --------------------------------------------------------------------------- pre-commit


def test_pre_commit_hook_definition() -> None:
    hooks = load_yaml((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    hook = next(h for h in hooks if h["id"] == "sod-iac")
    assert {"id", "name", "entry", "language"} <= set(hook)
    assert hook["language"] == "python" and hook["pass_filenames"] is False
    files_re = re.compile(hook["files"])
    for name in ("main.tf", "env/prod.tfvars", "x.tf.json"):
        assert files_re.search(name), name
    for name in ("README.md", "main.tf.bak", "plan.json"):
        assert not files_re.search(name), name
    assert "id: sod-iac" in readme_section("pre-commit")


def test_pre_commit_entry_scans_the_repository(tmp_path: Path) -> None:
    """What pre-commit runs (entry, no file names, from the repository root) finds the demo's problems."""
    hook = load_yaml((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))[0]
    shutil.copytree(DEMO, tmp_path / "infra")
    argv = shlex.split(hook["entry"])
    argv[0] = str(Path(sys.executable).parent / argv[0])
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    proc = subprocess.run([*argv, "--no-cache"], cwd=tmp_path, capture_output=True, text=True, env=env,
                          timeout=300)
    assert proc.returncode == 1, proc.stderr
    assert "SOD101" in proc.stdout


# --------------------------------------------------------------------------- README


def test_readme_documents_permissions_history_and_forks() -> None:
    section = readme_section("GitHub Action")
    for needle in ("contents: read", "security-events: write", "pull-requests: write", "fetch-depth: 0",
                   "fork", "only-new", "upload-sarif", "comment", "soft-fail", "exit-code", "new-findings"):
        assert needle in section, needle
    minimal = readme_workflows()[0]
    job = next(iter(minimal["jobs"].values()))
    assert minimal["permissions"] == {"contents": "read"} or job.get("permissions", {}).get("contents") == "read"
    checkout = next(s for s in job["steps"] if str(s.get("uses", "")).startswith("actions/checkout@"))
    assert checkout["with"]["fetch-depth"] == 0
    doc_inputs = set(re.findall(r"^\| `([a-z-]+)` \|", section, re.M))
    assert set(action_doc()["inputs"]) <= doc_inputs, "every input is in the README's table"
