"""The warm path (sod_iac.cache.inputs, sod_iac.load.reads): a re-scan of unchanged inputs is
served without loading anything, and reads exactly as a fresh scan; a change to anything the
loaders read (a file's text, a new or removed file, a module outside the scanned folder, a
file() target, a variables file, an Atlantis config, a symlink's target, the working folder)
is seen, so a stale pass is never served.

Each change case is written so that the fresh scan's answer differs from the answer before
the change (asserted), so a warm path that missed the read would serve the old answer and fail.
"""

from __future__ import annotations

import ast
import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

import sod_iac.load
from sod_iac.cache import inputs, signing
from sod_iac.load import reads
from sod_iac.pipeline.scan import ScanOptions, run_scan
from sod_iac.report import json_report, sarif

REPO = Path(__file__).resolve().parent.parent
TESTDATA = REPO / "testdata"

KEY_POLICY = '''
resource "aws_kms_key" "k" {}
resource "aws_iam_user" "u" { name = "u" }
resource "aws_iam_user_policy" "p" {
  user   = aws_iam_user.u.name
  policy = %s
}
'''
ADMIN = '"kms:ScheduleKeyDeletion", "kms:PutKeyPolicy"'
ADMIN_AND_USE = ADMIN + ', "kms:Decrypt"'


USE = ('resource "aws_iam_user_policy" "use" {\n  user = aws_iam_user.u.name\n'
       '  policy = jsonencode({Version = "2012-10-17", Statement = [{Effect = "Allow",'
       ' Action = ["kms:Decrypt"], Resource = aws_kms_key.k.arn}]})\n}\n')
"""A second policy of the user that adds the use of the key it administers."""


def _inline(actions: str) -> str:
    return KEY_POLICY % ('jsonencode({Version = "2012-10-17", Statement = [{Effect = "Allow", '
                         f'Action = [{actions}], Resource = aws_kms_key.k.arn}}]}})')


@pytest.fixture
def loads(monkeypatch):
    """Counts the scans that loaded their inputs (a served warm scan loads nothing)."""
    calls = []
    real = sod_iac.load.load_project

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(sod_iac.load, "load_project", counting)
    return calls


def _scan(paths, **options):
    return run_scan([str(p) for p in paths], ScanOptions(jobs=1, **options))


def _sod101(report) -> list[str | None]:
    return [f.principal for f in report.findings if f.rule_id == "SOD101"]


def test_an_unchanged_tree_is_served_without_loading_and_reads_the_same(tmp_path, loads):
    folder = tmp_path / "cache"
    tree = tmp_path / "tree"
    shutil.copytree(TESTDATA, tree / "testdata")
    _write(tree, {"broken/main.tf": 'resource "aws_iam_role" "r" {\n  name = \n}\n'})
    fresh = _scan([tree])
    first = _scan([tree], cache_dir=folder)
    assert len(loads) == 2
    again = _scan([tree], cache_dir=folder)
    assert len(loads) == 2  # served: nothing loaded
    assert fresh.findings and [e.path for e in fresh.errors] == ["broken/main.tf"]  # both to serve
    for report in (first, again):
        assert json_report.render(report) == json_report.render(fresh)
        assert sarif.render(report) == sarif.render(fresh)
        assert report.summary == fresh.summary


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


Change = Callable[[Path], None]


def _policy_file(root: Path, actions: str) -> None:
    _write(root, {"code/main.tf": KEY_POLICY % 'file("${path.module}/policy.json")',
                  "code/policy.json": json.dumps({"Version": "2012-10-17", "Statement": [{
                      "Effect": "Allow", "Action": json.loads(f"[{actions}]"), "Resource": "*"}]})})


def _module_outside(root: Path, actions: str) -> None:
    body = _inline(actions).replace("aws_kms_key.k.arn", "var.key_arn").replace('resource "aws_kms_key" "k" {}', "")
    _write(root, {"code/main.tf": 'resource "aws_kms_key" "k" {}\n'
                                  'module "iam" {\n  source = "../modules/iam"\n  key_arn = aws_kms_key.k.arn\n}\n',
                  "modules/iam/main.tf": 'variable "key_arn" {}\n' + body})


def _var_file(root: Path, actions: str) -> None:
    _write(root, {"code/main.tf": 'variable "actions" {}\n' + _inline("var.actions").replace("[var.actions]", "var.actions"),
                  "vars/ci.tfvars": f"actions = [{actions}]\n"})


def _auto_tfvars(root: Path, actions: str | None) -> None:
    _write(root, {"code/main.tf": f'variable "actions" {{ default = [{ADMIN}] }}\n'
                                  + _inline("var.actions").replace("[var.actions]", "var.actions")})
    if actions is not None:
        _write(root, {"code/terraform.auto.tfvars": f"actions = [{actions}]\n"})


def _symlinked(root: Path, target: str) -> None:
    _write(root, {"policies/admin.tf": _inline(ADMIN), "policies/admin-and-use.tf": _inline(ADMIN_AND_USE)})
    link = root / "code" / "main.tf"
    link.parent.mkdir(parents=True, exist_ok=True)
    if link.is_symlink():
        link.unlink()
    link.symlink_to(root / "policies" / target)


# (name, write the tree before, change it, extra scan options) -- before: no SOD101; after: SOD101 for the user
CASES: list[tuple[str, Change, Change, dict]] = [
    ("a file's text", lambda r: _write(r, {"code/main.tf": _inline(ADMIN)}),
     lambda r: _write(r, {"code/main.tf": _inline(ADMIN_AND_USE)}), {}),
    ("a file added", lambda r: _write(r, {"code/main.tf": _inline(ADMIN)}),
     lambda r: _write(r, {"code/use.tf": USE}), {}),
    ("a file() target", lambda r: _policy_file(r, '"kms:ScheduleKeyDeletion", "kms:PutKeyPolicy"'),
     lambda r: _policy_file(r, '"kms:ScheduleKeyDeletion", "kms:PutKeyPolicy", "kms:Decrypt"'), {}),
    ("a module outside the scanned folder", lambda r: _module_outside(r, ADMIN),
     lambda r: _module_outside(r, ADMIN_AND_USE), {"repo_root": "."}),
    ("a variables file", lambda r: _var_file(r, ADMIN), lambda r: _var_file(r, ADMIN_AND_USE),
     {"var_files": ["vars/ci.tfvars"]}),
    ("an auto.tfvars added", lambda r: _auto_tfvars(r, None), lambda r: _auto_tfvars(r, ADMIN_AND_USE), {}),
    ("a symlink's target", lambda r: _symlinked(r, "admin.tf"), lambda r: _symlinked(r, "admin-and-use.tf"), {}),
]


@pytest.mark.parametrize("before, change, extra", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_a_change_to_what_the_loaders_read_is_seen(tmp_path, loads, monkeypatch, before, change, extra):
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "cache"
    options = {k: (tmp_path / v if k == "repo_root" else [tmp_path / f for f in v]) for k, v in extra.items()}
    before(tmp_path)
    assert _sod101(_scan([tmp_path / "code"], **options)) == []  # the answer before: no finding
    assert _sod101(_scan([tmp_path / "code"], cache_dir=folder, **options)) == []
    served = len(loads)
    assert _sod101(_scan([tmp_path / "code"], cache_dir=folder, **options)) == []
    assert len(loads) == served  # the unchanged tree was served from the warm entry
    change(tmp_path)
    fresh = _scan([tmp_path / "code"], **options)
    assert _sod101(fresh) == [("module.iam." if "repo_root" in extra else "") + "aws_iam_user.u"]  # it matters
    cached = _scan([tmp_path / "code"], cache_dir=folder, **options)
    assert json_report.render(cached) == json_report.render(fresh)


def test_a_removed_file_is_seen(tmp_path, loads):
    folder = tmp_path / "cache"
    _write(tmp_path, {"code/main.tf": _inline(ADMIN), "code/use.tf": USE})
    assert _sod101(_scan([tmp_path / "code"], cache_dir=folder)) == ["aws_iam_user.u"]
    (tmp_path / "code" / "use.tf").unlink()
    assert _sod101(_scan([tmp_path / "code"], cache_dir=folder)) == []


def test_an_atlantis_config_change_is_seen(tmp_path, loads):
    """atlantis.yaml is read by the documents walk, not by the Terraform one (SOD211)."""
    folder = tmp_path / "cache"
    code = tmp_path / "code"
    shutil.copytree(TESTDATA / "approval" / "atlantis-repo-level", code)
    (code / "expected.json").unlink()

    def web() -> list[str]:
        report = _scan([code], cache_dir=folder)
        return [f.resource for f in report.findings if f.rule_id == "SOD211" and "web" in f.resource]

    assert web() == []
    config = code / "atlantis.yaml"
    config.write_text(config.read_text().replace("    apply_requirements: [approved]", "    apply_requirements: []"))
    assert web() == ['atlantis.projects["web"]']


def test_the_working_folder_is_part_of_the_key(tmp_path, loads, monkeypatch):
    """The same relative path names other files from another folder."""
    folder = tmp_path / "cache"
    _write(tmp_path, {"one/code/main.tf": _inline(ADMIN), "two/code/main.tf": _inline(ADMIN_AND_USE)})
    monkeypatch.chdir(tmp_path / "one")
    assert _sod101(run_scan(["code"], ScanOptions(jobs=1, cache_dir=folder))) == []
    monkeypatch.chdir(tmp_path / "two")
    assert _sod101(run_scan(["code"], ScanOptions(jobs=1, cache_dir=folder))) == ["aws_iam_user.u"]


def _warm_entries(folder: Path) -> list[Path]:
    return sorted((folder / f"inputs-v{inputs.FORMAT}").glob("*.json"))


def test_a_planted_warm_entry_is_not_trusted(tmp_path, loads):
    """An entry whose reads say `unchanged` for a changed tree, signed without the user's key."""
    folder = tmp_path / "cache"
    _write(tmp_path, {"code/main.tf": _inline(ADMIN)})
    _scan([tmp_path / "code"], cache_dir=folder)
    (tmp_path / "code" / "main.tf").write_text(_inline(ADMIN_AND_USE), encoding="utf-8")
    [entry] = _warm_entries(folder)
    header, body, _ = entry.read_bytes().split(b"\n")
    name = json.loads(header)["key"]
    with reads.recording() as now:  # the reads of the changed tree: what a forger would plant
        sod_iac.load.load_project([str(tmp_path / "code")], jobs=1)
    forged = json.loads(body)
    forged["reads"] = [list(r) for r in now]
    planted = json.dumps(forged).encode()

    def plant(key: bytes | None) -> None:
        entry.write_bytes(b"\n".join([header, planted, signing.sign(name, planted, key).encode()]))

    plant(b"an attacker does not know the user's key")
    assert _sod101(_scan([tmp_path / "code"], cache_dir=folder)) == ["aws_iam_user.u"]
    plant(None)  # the converse: signed with the user's key, the planted reads are believed
    assert _sod101(_scan([tmp_path / "code"], cache_dir=folder)) == []


@pytest.mark.parametrize("damage", [
    lambda raw: raw[: len(raw) // 2],
    lambda raw: b"",
    lambda raw: b"\x00\xff not json\n" * 2,
    lambda raw: raw.replace(b'"reads"', b'"Reads"', 1),
])
def test_a_damaged_warm_entry_is_ignored_and_rebuilt(tmp_path, loads, damage):
    folder = tmp_path / "cache"
    plain = json_report.render(_scan([TESTDATA / "demo"]))
    _scan([TESTDATA / "demo"], cache_dir=folder)
    for entry in _warm_entries(folder):
        entry.write_bytes(damage(entry.read_bytes()))
    assert json_report.render(_scan([TESTDATA / "demo"], cache_dir=folder)) == plain
    assert len(loads) == 3 and len(_warm_entries(folder)) == 1
    _scan([TESTDATA / "demo"], cache_dir=folder)
    assert len(loads) == 3  # the rebuilt entry serves


def test_digests_do_not_depend_on_the_order_of_sets_and_dicts():
    assert reads.digest({"b", "a", "c"}) == reads.digest({"c", "b", "a"})
    assert reads.digest({"x": 1, "y": 2}) == reads.digest({"y": 2, "x": 1})
    outcomes = [None, "", "1", 1, 1.0, True, [1], (1,), {"1"}, Path("1"), ["a", "b"], ["ab"]]
    digests = {reads.digest(o) for o in outcomes}
    assert len(digests) == len(outcomes) - 1  # a list and a tuple of the same items read alike


# --------------------------------------------------------------------------- every read recorded

LOADERS = Path(sod_iac.load.__file__).resolve().parent
UNRECORDED = {"checkov.py", "reads.py"}
"""checkov.py builds the Project inside Checkov from Checkov's graph (no warm path there);
reads.py is the recorder (it touches no file)."""
FILE_SYSTEM = {"open", "read_text", "read_bytes", "stat", "lstat", "scandir", "iterdir", "walk", "listdir",
               "is_dir", "is_file", "exists", "lexists", "resolve", "is_symlink", "islink", "isdir", "isfile",
               "glob", "rglob", "readlink", "samefile", "expanduser", "getenv", "realpath", "getsize",
               "getmtime", "access", "environ"}
OS_MODULES = {"os", "os.path", "posixpath", "glob", "shutil", "io", "pathlib"}
"""Calls and attributes that read the file system or the environment (`Path.cwd` and
`Path.absolute` are left out: the working folder is part of the warm key)."""


def _unrecorded_reads(tree: ast.Module) -> list[str]:
    found: list[str] = []

    def visit(node: ast.AST, inside: bool) -> None:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            inside = inside or any(isinstance(d, ast.Name) and d.id == "recorded" for d in node.decorator_list)
        name = None
        if isinstance(node, ast.Attribute) and node.attr in FILE_SYSTEM:
            name = node.attr
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "open":
            name = "open"
        elif isinstance(node, ast.ImportFrom) and node.module in OS_MODULES:
            name = ", ".join(a.name for a in node.names if a.name in FILE_SYSTEM) or None
        if name and not inside:
            found.append(f"line {node.lineno}: {name}")
        for child in ast.iter_child_nodes(node):
            visit(child, inside)

    visit(tree, False)
    return found


def test_every_file_system_read_of_the_loaders_is_recorded():
    """A read outside a @recorded function would be missed by the warm path's replay, which
    could then serve a judgement of files that have changed."""
    offenders = {}
    for path in sorted(LOADERS.glob("*.py")):
        if path.name in UNRECORDED:
            continue
        found = _unrecorded_reads(ast.parse(path.read_text(encoding="utf-8")))
        if found:
            offenders[path.name] = found
    assert offenders == {}


def test_the_guard_above_finds_an_unrecorded_read():
    """The converse, so that the guard cannot pass by finding nothing at all."""
    code = ("from pathlib import Path\n"
            "@recorded\ndef ok(p):\n    return p.read_text()\n"
            "def bad(p):\n    return p.is_dir() or open(p)\n"
            "def env():\n    return os.environ.get('X')\n"
            "from os.path import isdir, join\n"
            "def own(resolve):\n    return resolve(1)\n")  # a parameter named like a read is not one
    assert _unrecorded_reads(ast.parse(code)) == ["line 6: is_dir", "line 6: open", "line 8: environ", "line 9: isdir"]


def test_every_recorded_read_replays_by_name():
    """Replay finds each recorded function by its name, importing its module when needed."""
    for name in reads.names():
        assert reads._function(name) is not None, name


def test_a_read_that_cannot_be_recorded_spoils_the_entry_not_the_scan(tmp_path):
    def unpicklable(_: Path) -> object:
        return object()

    marked = reads.recorded(unpicklable)
    with reads.recording() as log:
        marked(tmp_path)
    assert log == [(reads.UNREPLAYABLE, [], "")]
    assert not reads.replay(log)


def test_recorded_reads_of_the_demo_replay_and_a_change_does_not(tmp_path):
    shutil.copytree(TESTDATA / "demo", tmp_path / "demo")
    with reads.recording() as log:
        sod_iac.load.load_project([str(tmp_path / "demo")], jobs=1)
    assert log and reads.replay(log)
    names = {name.rpartition(":")[2] for name, _, _ in log}
    assert {"discover", "read_text", "_document_files"} <= names
    first = sorted((tmp_path / "demo").glob("*.tf"))[0]
    os.utime(first, (0, 0))  # a touch that changes no byte: still the same
    assert reads.replay(log)
    first.write_text(first.read_text() + "\n", encoding="utf-8")
    assert not reads.replay(log)


@pytest.mark.parametrize("other", [("sod_iac.cache.judgements", "_CODE_ID", "another version of sod-iac"),
                                   ("sod_iac.cache.parsed", "_PARSER_ID", "another python-hcl2 or lark")])
def test_other_code_or_another_parser_never_reads_a_warm_entry(tmp_path, loads, monkeypatch, other):
    """The loaders' outcome depends on sod-iac's code and on the parsers' versions, not only on
    the reads: after an upgrade the files are loaded again."""
    folder = tmp_path / "cache"
    _scan([TESTDATA / "demo"], cache_dir=folder)
    _scan([TESTDATA / "demo"], cache_dir=folder)
    assert len(loads) == 1
    module, name, value = other
    monkeypatch.setattr(module + "." + name, value)
    _scan([TESTDATA / "demo"], cache_dir=folder)
    assert len(loads) == 2


def test_a_deleted_working_folder_only_costs_the_warm_path(tmp_path, monkeypatch):
    """Scanning an absolute path from a folder that no longer exists still scans (no key, no warm entry)."""
    gone = tmp_path / "gone"
    gone.mkdir()
    monkeypatch.chdir(gone)
    gone.rmdir()
    report = run_scan([str(TESTDATA / "demo")], ScanOptions(jobs=1, cache_dir=tmp_path / "cache"))
    assert report.findings and not report.errors
    assert _warm_entries(tmp_path / "cache") == []
