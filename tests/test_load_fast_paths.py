"""The load layer's fast paths give exactly what the plain ways give (issue "speed at scale").

- identical files are parsed (or read from the cache) once and share the tree;
- a scan served wholly from the parse cache imports neither python-hcl2 nor lark;
- plan JSON is depth-checked level by level, and a plan handed over with its depth is loaded
  in place instead of copied;
- function arity is checked without inspect.Signature.bind.
"""

from __future__ import annotations

import copy
import inspect
import json
import subprocess
import sys
from pathlib import Path

import pytest

from sod_iac.load import load_project
from sod_iac.load import parse as parse_mod
from sod_iac.load.functions.registry import FUNCTIONS, _arity_text
from sod_iac.load.parse import json_depth
from sod_iac.load.plan import MAX_DEPTH, load_plan

REPO = Path(__file__).resolve().parent.parent
PLAN_FIXTURES = sorted((REPO / "tests" / "fixtures" / "plan").glob("*.json")) + sorted(
    (REPO / "testdata").rglob("plan.json"))

ROLE = '''
resource "aws_iam_role" "r" {
  name               = "r-${var.env}"
  assume_role_policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "sts:AssumeRole" }] })
}

variable "env" {
  default = "dev"
}
'''


def dump(project) -> list:
    """What a scan sees of a project, in order."""
    return [(r.address, r.location, r.module_dir, r.root, repr(r.values), r.references)
            for r in project.resources] + [project.files, project.errors]


# --------------------------------------------------------------------------- identical files


def test_identical_files_are_parsed_once_and_keep_their_own_paths(write_tree, monkeypatch):
    root = write_tree({"a/main.tf": ROLE, "b/main.tf": ROLE, "c/main.tf": ROLE + "\n# changed\n",
                       "d/broken.tf": "resource {", "e/broken.tf": "resource {"})
    parsed: list[str] = []
    real = parse_mod._parse_text
    monkeypatch.setattr(parse_mod, "_parse_text", lambda job: parsed.append(job[2]) or real(job))
    project = load_project([root], jobs=1)
    assert parsed == ["a/main.tf", "c/main.tf", "d/broken.tf"]  # one parse per distinct text
    assert [(r.address, r.location.path, r.root) for r in project.resources] == [
        ("aws_iam_role.r", "a/main.tf", "a"), ("aws_iam_role.r", "b/main.tf", "b"),
        ("aws_iam_role.r", "c/main.tf", "c")]
    assert [e.path for e in project.errors] == ["d/broken.tf", "e/broken.tf"]
    assert project.errors[0].message == project.errors[1].message != ""


def test_the_pool_the_cache_and_one_process_agree(tmp_path, write_tree):
    # distinct texts (a comment each), enough of them for the process pool
    files = {f"m{i:02d}/main.tf": ROLE + f"\n# copy {i}\n" for i in range(parse_mod.PARALLEL_MIN_FILES + 4)}
    files["z/broken.tf"] = 'resource "x" "y" {\n  a = \n}\n'
    root = write_tree(files)
    cache = tmp_path / "cache"
    plain = dump(load_project([root], jobs=1))
    assert dump(load_project([root], jobs=2)) == plain
    assert dump(load_project([root], jobs=2, cache_dir=cache)) == plain  # cold, in the pool
    assert dump(load_project([root], jobs=2, cache_dir=cache)) == plain  # warm, no pool


def test_a_warm_scan_imports_no_parser(tmp_path, write_tree):
    root = write_tree({"main.tf": ROLE, "terraform.tfvars": 'env = "prod"\n', "x.tf.json": '{"locals": {"a": 1}}'})
    cache = tmp_path / "cache"
    script = (
        "import sys\n"
        "from sod_iac.load import load_project\n"
        f"p = load_project([{str(root)!r}], jobs=1, cache_dir={str(cache)!r})\n"
        "print(len(p.resources), len(p.errors), 'hcl2' in sys.modules or 'lark' in sys.modules)\n"
    )
    env = {"XDG_CACHE_HOME": str(tmp_path / "xdg"), "PATH": "/usr/bin:/bin"}

    def run() -> list[str]:
        return subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                              env=env, cwd=REPO, check=True).stdout.split()

    assert run() == ["1", "0", "True"]   # cold: parses
    assert run() == ["1", "0", "False"]  # warm: every file from the cache


# --------------------------------------------------------------------------- plan JSON


def _walk_depth_exceeds(data, limit: int) -> bool:
    """The plain depth check: a node deeper than `limit` (the root has depth 1)."""
    stack = [(data, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            return True
        if isinstance(node, dict):
            stack.extend((v, depth + 1) for v in node.values())
        elif isinstance(node, list):
            stack.extend((v, depth + 1) for v in node)
    return False


def _nest(value, levels: int):
    for i in range(levels):
        value = [value] if i % 2 else {"k": value}
    return value


@pytest.mark.parametrize("leaf", [1, "s", None, [], {}, [1, {}], {"a": []}])
@pytest.mark.parametrize("levels", [0, 1, 2, 5])
def test_json_depth_agrees_with_a_plain_walk(leaf, levels):
    data = _nest(leaf, levels)
    for limit in range(1, 10):
        assert (json_depth(data, limit) > limit) == _walk_depth_exceeds(data, limit), (data, limit)


def test_json_depth_of_a_plan_and_of_the_limit():
    plan = json.loads(PLAN_FIXTURES[0].read_text())
    depth = json_depth(plan, 500)
    assert not _walk_depth_exceeds(plan, depth) and _walk_depth_exceeds(plan, depth - 1)
    deep = _nest(1, 600)
    assert json_depth(deep, 500) == 501


@pytest.mark.parametrize("path", PLAN_FIXTURES, ids=lambda p: str(p.relative_to(REPO)))
def test_a_plan_loaded_in_place_equals_one_loaded_from_a_copy(path):
    data = json.loads(path.read_text())
    original = copy.deepcopy(data)
    copied = load_plan(data, "plan.json")
    assert data == original  # without a depth the loader never changes its input
    in_place = load_plan(data, "plan.json", depth=json_depth(data, 10_000))
    assert repr(in_place) == repr(copied)


def test_a_plan_deeper_than_the_cut_is_still_copied_and_cut():
    deep = _nest("x", MAX_DEPTH + 5)
    plan = {"format_version": "1.2", "planned_values": {"root_module": {"resources": [
        {"address": "aws_s3_bucket.b", "mode": "managed", "type": "aws_s3_bucket", "name": "b",
         "values": {"deep": deep}}]}}}
    original = copy.deepcopy(plan)
    resources, _, errors = load_plan(plan, "plan.json", depth=json_depth(plan, 10_000))
    assert plan == original
    assert [r.address for r in resources] == ["aws_s3_bucket.b"]
    assert any("nested deeper" in e.message for e in errors)


# --------------------------------------------------------------------------- functions


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_arity_checks_agree_with_signature_bind(name):
    function = FUNCTIONS[name]
    signature = inspect.signature(function.args[1])
    refusal = f"{name}(): expected "
    for count in range(8):
        try:
            signature.bind(*range(count))
            binds = True
        except TypeError:
            binds = False
        reason = getattr(function(*(["x"] * count)), "reason", "")
        if binds:
            assert not reason.startswith(refusal), (count, reason)
        else:
            assert reason == f"{name}(): {_arity_text(signature, count)}", (count, reason)
