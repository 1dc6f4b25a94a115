"""The parse cache (sod_iac/cache/parsed.py): same results with and without it, and an entry
that is corrupted, foreign, forged or stale is ignored and rebuilt, never trusted."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import pickle
from pathlib import Path

import pytest
from click.testing import CliRunner

from sod_iac.cache import parsed as cache_mod
from sod_iac.cache import signing
from sod_iac.cache.location import default_dir
from sod_iac.cache.parsed import CacheError, ParseCache, decode, encode
from sod_iac.cli import cli
from sod_iac.load.hcl import parse_hcl, parse_tf_json
from sod_iac.pipeline.scan import ScanOptions, run_scan
from sod_iac.report import json_report

REPO = Path(__file__).resolve().parent.parent
DEMO = REPO / "testdata" / "demo"

RICH = r'''
locals {
  a = [for k, v in var.m : upper(v) if k != "x"]
  b = { for k, v in var.m : k => v... }
  c = var.on ? -1 : !var.off
  d = aws_iam_role.r[*].arn
  e = aws_iam_role.r.*.name
  f = format("%s-%d", var.name, 2 * (3 + 4) % 5)
  g = "prefix-${var.x}-%{ if var.y }yes%{ else }no%{ endif }-${join(",", [for s in var.l : s])}"
  h = <<-EOT
    {"Version": "2012-10-17", "k": "${var.v}"}
  EOT
  i = var.list[0].name
  j = merge(var.maps...)
  k = 1.5e3
  l = null
  m = "\u00e9\t\"q\""
}

resource "aws_iam_role" "r" {
  count = 2
  name  = "r-${count.index}"
  dynamic "inline_policy" {
    for_each = var.policies
    content {
      name = inline_policy.key
    }
  }
}
'''


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    """Each test has its own user cache directory, key and open caches."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv(signing.KEY_ENV, raising=False)
    monkeypatch.setattr(cache_mod, "_OPEN", {})


def entries(folder: Path) -> list[Path]:
    """The parse cache's entries (the judged-project cache keeps its own: test_judged_cache)."""
    return sorted((folder / f"v{cache_mod.FORMAT}").rglob("*.json"))


def scan_json(paths, **options) -> str:
    report = run_scan([str(p) for p in paths], ScanOptions(**options))
    return json_report.render(report)


# --------------------------------------------------------------------------- the format


@pytest.mark.parametrize("text, parse", [(RICH, parse_hcl), ('{"resource": {"aws_iam_role": {"r": '
                                                           '{"name": "x-${var.y}", "tags": {"a": 1}}}}}',
                                                           parse_tf_json)])
def test_every_node_survives_a_round_trip(text, parse):
    tree = parse(text, "main.tf")
    assert tree.error is None
    data = json.loads(json.dumps(encode(tree)))
    assert decode(data, "main.tf") == tree


def test_errors_are_cached_too(tmp_path):
    tree = parse_hcl('resource "x" "y" {\n  a = \n}\n', "bad.tf")
    assert tree.error
    cache = ParseCache(tmp_path / "c")
    cache.put("tf", "text", tree)
    assert cache.get("tf", "text", "other.tf") == type(tree)(path="other.tf", body=None, error=tree.error,
                                                            error_line=tree.error_line)


@pytest.mark.parametrize("data", [
    None, [], {"body": None}, {"body": None, "error": None, "error_line": None},
    {"body": [[], []], "error": "x", "error_line": None},
    {"body": [[["a", ["Z", 1], 1, 1]], []], "error": None, "error_line": None},
    {"body": [[["a", ["L", {"x": 1}], 1, 1]], []], "error": None, "error_line": None},
    {"body": [[["a", ["L", 1], "1", 1]], []], "error": None, "error_line": None},
    {"body": [[["a", ["G", ["N", "x"]], 1, 1]], []], "error": None, "error_line": None},
    {"body": [[["a", ["L", 1], 1, 1], ["a", ["L", 2], 2, 2]], []], "error": None, "error_line": None},
    {"body": [[], [["b", ["l", 1], [[], []], 1, 1]]], "error": None, "error_line": None},
])
def test_invalid_entries_are_refused(data):
    with pytest.raises(CacheError):
        decode(data, "x.tf")


def test_deeply_nested_entries_are_refused():
    node: list = ["L", 1]
    for _ in range(cache_mod.MAX_DEPTH + 5):
        node = ["U", [node]]
    with pytest.raises(CacheError):
        decode({"body": [[["a", node, 1, 1]], []], "error": None, "error_line": None}, "x.tf")


# --------------------------------------------------------------------------- same results


def test_cached_scans_report_exactly_what_uncached_scans_do(tmp_path):
    folder = tmp_path / "cache"
    plain = scan_json([DEMO], jobs=1)
    assert scan_json([DEMO], jobs=1, cache_dir=folder) == plain  # cold: fills the cache
    assert entries(folder)
    assert scan_json([DEMO], jobs=1, cache_dir=folder) == plain  # warm: every file a hit


def test_results_do_not_depend_on_jobs_or_cache_state(tmp_path):
    root = tmp_path / "tree"
    for i in range(10):  # 20 distinct texts (identical ones are parsed once): enough for the pool
        for f in DEMO.glob("*.tf"):
            (root / f"copy{i}").mkdir(parents=True, exist_ok=True)
            (root / f"copy{i}" / f.name).write_text(f.read_text() + f"\n# copy {i}\n")
    folder = tmp_path / "cache"
    outputs = {scan_json([root], jobs=1),
               scan_json([root], jobs=2),
               scan_json([root], jobs=2, cache_dir=folder),   # cold, in the pool
               scan_json([root], jobs=2, cache_dir=folder),   # warm
               scan_json([root], jobs=1, cache_dir=folder)}
    assert len(outputs) == 1


def test_identical_files_share_one_entry(tmp_path, write_tree):
    root = write_tree({"a/main.tf": 'variable "x" {}\n', "b/main.tf": 'variable "x" {}\n'})
    folder = tmp_path / "cache"
    scan_json([root], cache_dir=folder)
    assert len(entries(folder)) == 1


# --------------------------------------------------------------------------- never trusted


def forget_judgements(folder: Path) -> None:
    """Drop the judged cache's entries (sod_iac.cache.judgements, .inputs), keeping the parsed
    files: the next scan then reads every file through the parse cache, which is what these
    tests are about."""
    for entry in [*folder.glob("judged-v*/*"), *folder.glob("inputs-v*/*")]:
        entry.unlink()


def _prime(tmp_path) -> tuple[Path, str, list[Path]]:
    folder = tmp_path / "cache"
    plain = scan_json([DEMO], jobs=1)
    scan_json([DEMO], jobs=1, cache_dir=folder)
    forget_judgements(folder)
    return folder, plain, entries(folder)


@pytest.mark.parametrize("damage", [
    lambda raw: raw[: len(raw) // 2],                       # truncated
    lambda raw: b"",                                         # empty
    lambda raw: b"\x00\xff garbage \n" * 3,                  # not JSON
    lambda raw: raw.replace(b'"L"', b'"Z"', 1),              # payload edited: signature breaks
    lambda raw: raw.split(b"\n", 1)[1],                      # header missing
    lambda raw: pickle.dumps({"body": None}),                # a pickle is only bytes to us
])
def test_damaged_entries_are_ignored_and_rebuilt(tmp_path, damage):
    folder, plain, files = _prime(tmp_path)
    for file in files:
        file.write_bytes(damage(file.read_bytes()))
    assert scan_json([DEMO], jobs=1, cache_dir=folder) == plain
    for file in entries(folder):  # rebuilt: valid again
        header = json.loads(file.read_bytes().split(b"\n", 1)[0])
        assert header["key"] == file.stem


def _resign(file: Path, payload: bytes, key: bytes) -> None:
    header = json.loads(file.read_bytes().split(b"\n", 1)[0])
    header["mac"] = hmac.new(key, header["key"].encode() + b"\n" + payload, hashlib.sha256).hexdigest()
    file.write_bytes(json.dumps(header).encode() + b"\n" + payload)


def test_a_forged_entry_cannot_hide_a_finding(tmp_path):
    """Someone who can write the cache folder (e.g. a folder inside a scanned pull request)
    plants well-formed entries that empty every file; without the user's key they are foreign."""
    folder, plain, files = _prime(tmp_path)
    assert json.loads(plain)["findings"]
    empty = json.dumps({"body": [[], []], "error": None, "error_line": None}).encode()
    for file in files:
        _resign(file, empty, b"attacker does not know the key")
    assert scan_json([DEMO], jobs=1, cache_dir=folder) == plain


def test_entries_signed_with_the_users_key_are_used(tmp_path):
    """The converse of the test above: the signature is what makes an entry trusted."""
    folder, plain, files = _prime(tmp_path)
    empty = json.dumps({"body": [[], []], "error": None, "error_line": None}).encode()
    key = cache_mod._secret()
    for file in files:
        _resign(file, empty, key)
    assert json.loads(scan_json([DEMO], jobs=1, cache_dir=folder))["findings"] == []


def test_entries_from_another_key_or_parser_are_misses(tmp_path, monkeypatch):
    text = 'variable "x" {}\n'
    cache = ParseCache(tmp_path / "c")
    cache.put("tf", text, parse_hcl(text, "a.tf"))
    assert cache.get("tf", text, "a.tf") is not None
    monkeypatch.setattr(cache_mod, "_PARSER_ID", "another parser")  # the parser's code changed
    assert cache.get("tf", text, "a.tf") is None
    monkeypatch.setattr(cache_mod, "_PARSER_ID", None)
    other = ParseCache(tmp_path / "c")
    other.secret = b"another user"
    assert other.get("tf", text, "a.tf") is None


def test_an_entry_for_other_content_is_refused(tmp_path):
    cache = ParseCache(tmp_path / "c")
    one, two = 'variable "a" {}\n', 'variable "b" {}\n'
    cache.put("tf", one, parse_hcl(one, "x.tf"))
    cache.put("tf", two, parse_hcl(two, "x.tf"))
    file_one, _ = cache._entry("tf", cache_mod.content_hash(one))
    file_two, _ = cache._entry("tf", cache_mod.content_hash(two))
    file_two.write_bytes(file_one.read_bytes())  # renamed: its header names another key
    assert cache.get("tf", two, "x.tf") is None


def test_parser_id_covers_the_parser_source():
    digest = cache_mod.parser_id()
    assert len(digest) == 64
    for name in cache_mod._SOURCES:
        assert (Path(cache_mod.__file__).parent.parent / name).is_file()


def test_the_key_never_lives_in_the_cache_folder(tmp_path):
    folder, _, _ = _prime(tmp_path)
    key_file = default_dir() / "cache.key"
    assert key_file.is_file() and not key_file.is_relative_to(folder)
    assert key_file.stat().st_mode & 0o077 == 0
    assert not list(folder.rglob("*.key"))


def test_a_key_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv(signing.KEY_ENV, "ci secret")
    assert cache_mod._secret() == hashlib.sha256(b"ci secret").digest()
    assert not (default_dir() / "cache.key").exists()


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root ignores permissions")
def test_an_unwritable_cache_only_costs_speed(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        assert scan_json([DEMO], cache_dir=folder) == scan_json([DEMO])
    finally:
        folder.chmod(0o700)


def test_a_cache_path_that_is_a_file_only_costs_speed(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    assert scan_json([DEMO], cache_dir=blocker) == scan_json([DEMO])


# --------------------------------------------------------------------------- command line


def test_cli_caches_in_the_user_cache_directory_by_default(tmp_path):
    result = CliRunner().invoke(cli, ["scan", str(DEMO), "--format", "json"])
    assert result.exit_code in (1, 2), result.output
    assert entries(default_dir())


def test_cli_no_cache_writes_nothing(tmp_path):
    result = CliRunner().invoke(cli, ["scan", str(DEMO), "--format", "json", "--no-cache"])
    assert result.exit_code in (1, 2), result.output
    assert not entries(tmp_path / "xdg")


def test_cli_cache_dir(tmp_path):
    folder = tmp_path / "elsewhere"
    runner = CliRunner()
    first = runner.invoke(cli, ["scan", str(DEMO), "--format", "json", "--cache-dir", str(folder)])
    second = runner.invoke(cli, ["scan", str(DEMO), "--format", "json", "--cache-dir", str(folder)])
    assert entries(folder)
    assert first.output == second.output and first.exit_code == second.exit_code


def test_a_cache_folder_inside_the_tree_is_not_scanned(tmp_path, write_tree):
    root = write_tree({"main.tf": 'variable "x" {}\n'})
    folder = root / ".sod-iac-cache"
    report = json.loads(scan_json([root], cache_dir=folder))
    report_again = json.loads(scan_json([root], cache_dir=folder))
    assert report["summary"]["files"] == report_again["summary"]["files"] == 1


def test_templates_come_from_the_cache_on_a_rescan(tmp_path, write_tree, monkeypatch):
    """templatefile() parsed its template again on every scan, importing the HCL parser on an
    otherwise fully cached re-scan; the template is now a cache entry like any file."""
    from sod_iac.load import hcl

    root = write_tree({
        "main.tf": 'resource "aws_iam_policy" "p" {\n'
                   '  policy = templatefile("${path.module}/p.json.tpl", { action = "kms:Decrypt" })\n}\n',
        "p.json.tpl": '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", '
                      '"Action": "${action}", "Resource": "*"}]}\n'})
    parses = []
    real = hcl.parse_template
    monkeypatch.setattr(hcl, "parse_template", lambda text, line=1: parses.append(text) or real(text, line))
    folder = tmp_path / "cache"
    plain = scan_json([root], jobs=1)
    assert len(parses) == 1
    assert scan_json([root], jobs=1, cache_dir=folder) == plain  # cold: parsed and stored
    assert len(parses) == 2
    assert scan_json([root], jobs=1, cache_dir=folder) == plain  # warm: from the cache
    assert len(parses) == 2
    from sod_iac.load import load_project

    for cache_dir in (None, folder):  # the template's value, rendered from the cached expression too
        policy = load_project([root], jobs=1, cache_dir=cache_dir).resources[0].values["policy"]
        assert '"Action": "kms:Decrypt"' in policy
