"""The judged-project cache (sod_iac.cache.judgements): a re-scan of an unchanged project is served
from the cache and reads exactly as a fresh judgement; any change that could change a finding
(a value, the rule settings, the selected rules, sod-iac's code) misses; a planted or damaged
entry is never trusted."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sod_iac.cache import judgements, signing
from sod_iac.core.model import LoadError, Project, Resource
from sod_iac.core.values import Ref, SetValue
from sod_iac.pipeline import scan
from sod_iac.pipeline.scan import ScanOptions, run_scan
from sod_iac.report import json_report, sarif

ROOT = Path(__file__).resolve().parent.parent / "testdata"

ADMIN_AND_USE = '''
resource "aws_kms_key" "k" {}
resource "aws_iam_user" "u" { name = "u" }
resource "aws_iam_user_policy" "p" {
  user   = aws_iam_user.u.name
  policy = jsonencode({Version = "2012-10-17", Statement = [{
    Effect = "Allow", Action = ["kms:ScheduleKeyDeletion", "kms:PutKeyPolicy"%s], Resource = aws_kms_key.k.arn }]})
}
'''


@pytest.fixture
def judged(monkeypatch):
    """Counts real judgements (cache misses) made by run_scan."""
    calls = []
    real = scan.judge_project

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(scan, "judge_project", counting)
    return calls


def _entries(folder: Path) -> list[Path]:
    return sorted((folder / f"judged-v{judgements.FORMAT}").glob("*.json"))


def _json(paths, **options) -> str:
    return json_report.render(run_scan([str(p) for p in paths], ScanOptions(**options)))


def test_a_rescan_is_served_from_the_cache_and_reads_the_same(tmp_path, judged):
    folder = tmp_path / "cache"
    fresh = run_scan([str(ROOT)], ScanOptions(jobs=1))
    first = run_scan([str(ROOT)], ScanOptions(jobs=1, cache_dir=folder))
    assert len(judged) == 2 and len(_entries(folder)) == 1
    again = run_scan([str(ROOT)], ScanOptions(jobs=1, cache_dir=folder))
    assert len(judged) == 2  # served from the cache: not judged a third time
    assert fresh.findings  # the scenarios have findings to serve
    for report in (first, again):
        assert json_report.render(report) == json_report.render(fresh)
        assert sarif.render(report) == sarif.render(fresh)


def test_a_changed_value_is_judged_again(tmp_path, judged):
    folder = tmp_path / "cache"
    code = tmp_path / "code"
    (code / "main.tf").parent.mkdir()
    (code / "main.tf").write_text(ADMIN_AND_USE % "", encoding="utf-8")
    before = json.loads(_json([code], cache_dir=folder))
    assert not [f for f in before["findings"] if f["rule_id"] == "SOD101"]
    (code / "main.tf").write_text(ADMIN_AND_USE % ', "kms:Decrypt"', encoding="utf-8")
    after = json.loads(_json([code], cache_dir=folder))
    assert [f["principal"] for f in after["findings"] if f["rule_id"] == "SOD101"] == ["aws_iam_user.u"]
    assert len(judged) == 2


def test_a_comment_that_moves_no_line_leaves_the_project_and_the_answer_as_they_were(tmp_path, judged):
    folder = tmp_path / "cache"
    code = tmp_path / "code"
    code.mkdir()
    (code / "main.tf").write_text(ADMIN_AND_USE % ', "kms:Decrypt"', encoding="utf-8")
    first = _json([code], cache_dir=folder)
    (code / "main.tf").write_text(ADMIN_AND_USE % ', "kms:Decrypt"' + "# reviewed by security\n", encoding="utf-8")
    assert _json([code], cache_dir=folder) == first
    assert len(judged) == 1
    assert [f["rule_id"] for f in json.loads(first)["findings"]].count("SOD101") == 1


GCS_KEY_FILE = 'terraform {\n  backend "gcs" {\n    bucket      = "acme-tfstate"\n    credentials = "keys/sa.json"\n  }\n}\n'


def test_a_key_file_added_to_the_tree_is_judged_again(tmp_path, judged):
    """A gcs backend's `credentials` is a key file's path (Terraform's gcs backend reads the file
    when the value is a path): once the file is in the repository, its key is in version control
    (SOD204). Adding the file changes no .tf file, yet the cached pass must not be served."""
    folder = tmp_path / "cache"
    code = tmp_path / "code"
    code.mkdir()
    (code / "main.tf").write_text(GCS_KEY_FILE, encoding="utf-8")
    before = run_scan([str(code)], ScanOptions(jobs=1, cache_dir=folder))
    assert not [f for f in before.findings if f.rule_id == "SOD204"]
    (code / "keys").mkdir()
    (code / "keys" / "sa.json").write_text('{"type": "service_account"}', encoding="utf-8")
    cached = run_scan([str(code)], ScanOptions(jobs=1, cache_dir=folder))
    fresh = run_scan([str(code)], ScanOptions(jobs=1))
    assert [f.resource for f in fresh.findings if f.rule_id == "SOD204"] == ["terraform.backend.gcs"]
    assert json_report.render(cached) == json_report.render(fresh)


def test_rule_settings_and_selection_are_part_of_the_key(tmp_path, judged):
    folder = tmp_path / "cache"
    demo = ROOT / "demo"
    _json([demo], cache_dir=folder)
    _json([demo], cache_dir=folder, check=["SOD1*"])
    _json([demo], cache_dir=folder, config={"rules": {"SOD301": {"max_readers": 5}}})
    assert len(judged) == 3
    _json([demo], cache_dir=folder, check=["SOD1*"])
    assert len(judged) == 3


def test_other_code_never_reads_an_entry(tmp_path, judged, monkeypatch):
    folder = tmp_path / "cache"
    _json([ROOT / "demo"], cache_dir=folder)
    monkeypatch.setattr(judgements, "_CODE_ID", "another version of sod-iac")
    _json([ROOT / "demo"], cache_dir=folder)
    assert len(judged) == 2


def _read(entry: Path) -> tuple[str, list[bytes]]:
    """(key, lines) of an entry: a header line, `F` lines (findings), an `E` line, the signature."""
    raw = entry.read_bytes()
    header, rest = raw.split(b"\n", 1)
    return json.loads(header)["key"], rest[:-64].splitlines(keepends=True)


def _write(entry: Path, name: str, lines: list[bytes], key: bytes | None) -> None:
    """An entry of these lines, signed with `key` (None: the user's own key)."""
    payload = b"".join(lines)
    entry.write_bytes(json.dumps({"key": name}).encode() + b"\n" + payload + signing.sign(name, payload, key).encode())


def _emptied(entry: Path, key: bytes | None) -> None:
    """The entry with every finding removed, signed with `key` (None: the user's own key)."""
    name, lines = _read(entry)
    assert any(line.startswith(b"F") for line in lines)
    _write(entry, name, [line for line in lines if not line.startswith(b"F")], key)


def test_a_planted_entry_cannot_hide_a_finding(tmp_path, judged):
    folder = tmp_path / "cache"
    plain = _json([ROOT / "demo"], cache_dir=folder)
    assert json.loads(plain)["findings"]
    for entry in _entries(folder):
        _emptied(entry, b"an attacker does not know the user's key")
    assert _json([ROOT / "demo"], cache_dir=folder) == plain
    assert len(judged) == 2


def test_the_signature_is_what_makes_an_entry_trusted(tmp_path, judged):
    """The converse: the same edit signed with the user's key is served (so the test above
    fails for the right reason)."""
    folder = tmp_path / "cache"
    _json([ROOT / "demo"], cache_dir=folder)
    for entry in _entries(folder):
        _emptied(entry, None)
    assert json.loads(_json([ROOT / "demo"], cache_dir=folder))["findings"] == []
    assert len(judged) == 1


@pytest.mark.parametrize("damage", [
    lambda raw: raw[: len(raw) // 2],                      # truncated
    lambda raw: b"",
    lambda raw: b"\x00\xff not json\n" * 2,
    lambda raw: raw.split(b"\n", 1)[1],                    # header missing
    lambda raw: raw[:-64],                                  # signature missing
    lambda raw: raw.replace(b'"SOD', b'"XOD', 1),           # payload edited, signature kept
])
def test_damaged_entries_are_ignored_and_rebuilt(tmp_path, judged, damage):
    folder = tmp_path / "cache"
    plain = _json([ROOT / "demo"], cache_dir=folder)
    for entry in _entries(folder):
        entry.write_bytes(damage(entry.read_bytes()))
    assert _json([ROOT / "demo"], cache_dir=folder) == plain
    assert len(judged) == 2 and len(_entries(folder)) == 1


@pytest.mark.parametrize("reshape", [
    lambda lines: [b'F{"rule_id": 1}\n', *lines],          # a finding that is not one
    lambda lines: [line for line in lines if not line.startswith(b"E")],  # no last record
    lambda lines: [*lines, lines[0]],                       # something after the last record
    lambda lines: [lines[-1].replace(b'"principals":', b'"principals":"').replace(b"}\n", b'"}\n')],
])
def test_a_signed_entry_of_the_wrong_shape_is_ignored(tmp_path, judged, reshape):
    folder = tmp_path / "cache"
    plain = _json([ROOT / "demo"], cache_dir=folder)
    for entry in _entries(folder):
        name, lines = _read(entry)
        _write(entry, name, reshape(lines), None)
    assert _json([ROOT / "demo"], cache_dir=folder) == plain
    assert len(judged) == 2


def test_a_judgement_with_rule_errors_is_not_stored(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setattr(scan, "judge_project", lambda *a, **k: ([], [LoadError(path="x", message="boom")], 0))
    report = run_scan([str(ROOT / "demo")], ScanOptions(cache_dir=folder))
    assert [e.message for e in report.errors] == ["boom"]
    assert _entries(folder) == []


def test_no_cache_folder_means_no_judged_cache(tmp_path, judged):
    _json([ROOT / "demo"])
    _json([ROOT / "demo"])
    assert len(judged) == 2


def test_old_entries_are_pruned(tmp_path, judged):
    folder = tmp_path / "cache"
    for n in range(judgements.KEEP + 3):
        _json([ROOT / "demo"], cache_dir=folder, config={"rules": {"SOD301": {"max_readers": n + 1}}})
    assert len(_entries(folder)) == judgements.KEEP


def test_large_entries_are_pruned_by_size_but_the_newest_stays(tmp_path, judged, monkeypatch):
    folder = tmp_path / "cache"
    _json([ROOT / "demo"], cache_dir=folder)
    size = _entries(folder)[0].stat().st_size
    monkeypatch.setattr(judgements, "KEEP_BYTES", size * 2 + size // 2)  # room for two
    for n in range(3):
        _json([ROOT / "demo"], cache_dir=folder, config={"rules": {"SOD301": {"max_readers": n + 1}}})
    assert len(_entries(folder)) == 2
    monkeypatch.setattr(judgements, "KEEP_BYTES", 1)  # room for none: the newest still stays
    _json([ROOT / "demo"], cache_dir=folder, config={"rules": {"SOD301": {"max_readers": 9}}})
    assert len(_entries(folder)) == 1
    _json([ROOT / "demo"], cache_dir=folder, config={"rules": {"SOD301": {"max_readers": 9}}})
    assert len(judged) == 5  # the one kept is the one just written: served


def _project(value) -> Project:
    return Project(resources=[Resource(address="aws_s3_bucket.b", type="aws_s3_bucket", name="b",
                                       values={"bucket": value})])


def test_the_key_tells_apart_values_that_print_alike():
    """A reference is not the mapping of its fields, a set is not a list, 1 is not 1.0 or True."""
    ref = Ref(address="aws_iam_role.r", attribute="arn")
    alike = [ref, {"reason": "reference", "address": "aws_iam_role.r", "attribute": "arn"},
             SetValue(["a"]), ["a"], ("a",), 1, 1.0, True, "1", None]
    keys = [judgements.key(_project(v), {}, ["SOD101"]) for v in alike]
    assert None not in keys and len(set(keys)) == len(alike)


def test_the_key_is_the_same_for_equal_projects_however_they_share_objects():
    shared = ["x"]
    one = _project({"a": shared, "b": shared})
    two = _project({"a": ["x"], "b": ["x"]})
    assert judgements.key(one, {}, ["SOD101"]) == judgements.key(two, {}, ["SOD101"])
    assert judgements.key(one, {}, ["SOD101"]) != judgements.key(one, {}, ["SOD102"])
    assert judgements.key(one, {}, ["SOD101"]) != judgements.key(one, {"rules": {"x": 1}}, ["SOD101"])


def test_a_value_the_key_cannot_describe_is_not_cached():
    looped: list = []
    looped.append(looped)
    for value in ((x for x in ()), looped, lambda: None):
        assert judgements.key(_project(value), {}, ["SOD101"]) is None


def test_a_whole_resource_passed_to_a_module_is_cached(tmp_path, judged):
    """`module_depends_on = [github_team.t]` (a whole resource as a value, common in public
    modules) made the project undescribable, so such a project was judged again on every scan."""
    code = tmp_path / "code"
    (code / "m").mkdir(parents=True)
    (code / "main.tf").write_text(ADMIN_AND_USE % ', "kms:Decrypt"' + '''
module "m" {
  source     = "./m"
  depends_on_these = [aws_iam_user.u]
}
''')
    (code / "m" / "main.tf").write_text('variable "depends_on_these" {}\n')
    folder = tmp_path / "cache"
    first = _json([code], jobs=1, cache_dir=folder)
    again = _json([code], jobs=1, cache_dir=folder)
    assert len(judged) == 1 and len(_entries(folder)) == 1
    assert again == first == _json([code], jobs=1)
    assert json.loads(first)["findings"]


def test_a_whole_resource_value_is_described_by_what_it_names():
    from sod_iac.load.evaluate import ResourceValue

    def values() -> dict:
        return {}

    def key(address: str, collection: bool = False) -> str | None:
        return judgements.key(_project([ResourceValue(address, values, collection)]), {}, ["SOD101"])

    assert None not in (key("aws_iam_user.u"), key("aws_iam_user.v"), key("aws_iam_user.u", True))
    assert len({key("aws_iam_user.u"), key("aws_iam_user.v"), key("aws_iam_user.u", True)}) == 3
    assert key("aws_iam_user.u") == key("aws_iam_user.u")
