"""The escalation catalogs (rulesets/aws_escalation.yaml, rulesets/cloud_escalation.yaml) are valid data the engines can trust."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

from sod_iac.access.cloud_escalation import load_cloud_escalation_catalog
from sod_iac.access.escalation import (
    CATALOG_PATH,
    CATEGORIES,
    PLAIN_TARGETS,
    ROLE_IN_USE_RESOURCES,
    EscalationCatalogError,
    load_escalation_catalog,
    parse_target,
)

TESTDATA = Path(__file__).resolve().parent.parent / "testdata" / "escalation"
# A principal demonstrating a catalog path: `# path: <id>` directly above its resource block.
DEMONSTRATION = re.compile(r'^# path: ([a-z0-9-]+)\nresource "([a-z0-9_]+)" "([a-z0-9_]+)"', re.M)


@pytest.fixture(scope="module")
def catalog():
    return load_escalation_catalog()


def test_catalog_loads_and_is_cached(catalog) -> None:
    assert catalog.version == 1
    assert load_escalation_catalog() is catalog
    assert load_escalation_catalog(CATALOG_PATH) is catalog
    assert all(path.line > 0 for path in catalog.paths)


def test_catalog_covers_at_least_forty_paths(catalog) -> None:
    assert len(catalog.paths) >= 40


def test_ids_are_unique_and_kebab_case(catalog) -> None:
    ids = catalog.ids()
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", path_id) for path_id in ids)


def test_every_category_is_used(catalog) -> None:
    assert {path.category for path in catalog.paths} == set(CATEGORIES)


def test_every_target_is_valid(catalog) -> None:
    for path in catalog.paths:
        for req in path.requires:
            kind, arg = parse_target(req.on)
            if kind == "passable-role":
                assert req.action == "iam:PassRole", f"{path.id}: only iam:PassRole goes to a passable role"
                assert arg.endswith(".amazonaws.com")
            elif kind == "role-in-use":
                assert arg in ROLE_IN_USE_RESOURCES
            else:
                assert req.on in PLAIN_TARGETS
    # and every iam:PassRole names the service it passes to
    for path in catalog.paths:
        for req in path.requires:
            if req.action == "iam:PassRole":
                assert req.on.startswith("passable-role:"), path.id


def test_every_path_is_documented(catalog) -> None:
    for path in catalog.paths:
        assert path.references, f"{path.id} has no reference"
        for ref in path.references:
            assert re.fullmatch(r"pathfinding\.cloud [a-z0-9]+-\d{3}|https://\S+", ref), (path.id, ref)
        sentences = [s for s in re.split(r"(?<=[.!?])\s+", path.explanation) if s]
        assert 1 <= len(sentences) <= 3, f"{path.id}: explanation should be 1-3 sentences"


def test_no_two_paths_need_the_same_permissions(catalog) -> None:
    seen: dict[frozenset, str] = {}
    for path in catalog.paths:
        key = frozenset((req.action, req.on) for req in path.requires)
        assert key not in seen, f"{path.id} duplicates {seen[key]}"
        seen[key] = path.id


def _action_checker():
    """is_known(action) from the project's action database, else policy_sentry, else None."""
    try:
        module = importlib.import_module("sod_iac.access.aws_actions")
    except ImportError:
        module = None
    if module is not None and callable(getattr(module, "all_actions", None)):
        canonical = module.all_actions()  # exact spelling, so a miscased name is caught too
        return (lambda action: action in canonical), "sod_iac.access.aws_actions"
    if module is not None and callable(getattr(module, "is_known", None)):
        return module.is_known, "sod_iac.access.aws_actions"
    try:
        from policy_sentry.querying.actions import get_action_data
    except ImportError:
        return None, None

    def is_known(action: str) -> bool:
        service, name = action.split(":", 1)
        data = get_action_data(service, name) or {}
        return any(entry.get("action") == action for entry in data.get(service, []))

    return is_known, "policy_sentry"


def test_every_action_is_a_real_iam_action(catalog) -> None:
    is_known, source = _action_checker()
    if is_known is None:
        pytest.skip("neither sod_iac.access.aws_actions.is_known nor policy_sentry is available "
                    "to check action names against")
    unknown = sorted({req.action for path in catalog.paths for req in path.requires
                      if not is_known(req.action)})
    assert not unknown, f"not IAM actions according to {source}: {unknown}"


def test_every_path_has_a_positive_scenario(catalog) -> None:
    """Each catalog id (AWS and the GCP/Azure/Kubernetes catalog) is named in a `# path: <id>`
    comment of some escalation scenario."""
    demonstrated: set[str] = set()
    for tf in TESTDATA.rglob("*.tf"):
        demonstrated |= {match.group(1) for match in DEMONSTRATION.finditer(tf.read_text())}
    ids = set(catalog.ids()) | {path.id for path in load_cloud_escalation_catalog().paths}
    missing = sorted(ids - demonstrated)
    assert not missing, f"catalog paths without a positive scenario: {missing}"
    assert demonstrated <= ids, sorted(demonstrated - ids)


# ------------------------------------------------------------------ invalid catalogs name file:line

GOOD_ENTRY = """\
version: 1
paths:
  - id: iam-create-policy-version
    title: Rewrite own policy
    category: self-escalation
    explanation: It rewrites its own policy.
    requires:
      - action: iam:CreatePolicyVersion
        on: own-policy
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "broken.yaml"
    path.write_text(text)
    return path


def test_a_minimal_catalog_loads_and_on_stays_a_string(tmp_path: Path) -> None:
    loaded = load_escalation_catalog(_write(tmp_path, GOOD_ENTRY))
    assert loaded.paths[0].requires[0].on == "own-policy"
    assert loaded.paths[0].line == 3


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        (GOOD_ENTRY.replace("on: own-policy", "on: own-polcy"), 9, "unknown target"),
        (GOOD_ENTRY.replace("on: own-policy", "on: passable-role:lambda"), 9, "service principal"),
        (GOOD_ENTRY.replace("on: own-policy", "on: role-in-use:nosuch"), 9, "unknown service"),
        (GOOD_ENTRY.replace("category: self-escalation", "category: lateral"), 5, "category"),
        (GOOD_ENTRY.replace("action: iam:CreatePolicyVersion", "action: iam:Create*"), 8, "IAM action"),
        (GOOD_ENTRY.replace("id: iam-create-policy-version", "id: IAM_001"), 3, "kebab-case"),
        (GOOD_ENTRY.replace("    title: Rewrite own policy\n", ""), 3, "title"),
        (GOOD_ENTRY.replace("    explanation:", "    explanaton:"), 3, "explanaton"),
        (GOOD_ENTRY + GOOD_ENTRY.split("paths:\n", 1)[1], 10, "duplicate path id"),
        (GOOD_ENTRY.replace("version: 1", "version: 2"), 1, "version"),
        (GOOD_ENTRY.replace("    requires:\n", "    requires: [\n"), 8, "invalid YAML"),
        (GOOD_ENTRY.replace("        on: own-policy", "        on: own-policy\n        on: self"), 10,
         "duplicate key"),
        (GOOD_ENTRY.split("    requires:")[0] + "    requires: []\n", 7, "at least one requirement"),
        (GOOD_ENTRY.replace("        on: own-policy\n", ""), 8, "on: Field required"),
        ("- just a list\n", 1, "mapping"),
    ],
    ids=["bad-target", "bad-service-principal", "bad-service", "bad-category", "wildcard-action",
         "bad-id", "missing-title", "unknown-field", "duplicate-id", "bad-version", "yaml-syntax",
         "duplicate-key", "no-requirements", "missing-on", "not-a-mapping"],
)
def test_invalid_catalog_names_file_and_line(tmp_path: Path, text: str, line: int, words: str) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(EscalationCatalogError) as info:
        load_escalation_catalog(path)
    message = str(info.value)
    assert message.startswith(f"{path}:{line}:"), message
    assert words in message, message


CLOUD_ENTRY = """\
version: 1
paths:
  - id: gcp-set-project-iam-policy
    cloud: gcp
    title: Change a project's IAM policy
    category: self-escalation
    explanation: It grants itself roles/owner.
    requires:
      - permission: resourcemanager.projects.setIamPolicy
        on: container
"""


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        (CLOUD_ENTRY.replace("on: container", "on: stronger-identity"), 9, "unknown gcp target"),
        (CLOUD_ENTRY.replace("cloud: gcp", "cloud: aws"), 4, "cloud"),
        (CLOUD_ENTRY.replace("permission: resourcemanager.projects.setIamPolicy",
                             "permission: Microsoft.Authorization/roleAssignments/write"), 9, "not a gcp permission"),
        (CLOUD_ENTRY.replace("id: gcp-set", "id: set"), 3, "gcp-, azure- or k8s-"),
        (CLOUD_ENTRY + CLOUD_ENTRY.split("paths:\n", 1)[1], 11, "duplicate path id"),
    ],
    ids=["target-of-another-cloud", "unknown-cloud", "permission-of-another-cloud", "no-cloud-prefix", "duplicate"],
)
def test_invalid_cloud_catalog_names_file_and_line(tmp_path: Path, text: str, line: int, words: str) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(EscalationCatalogError) as info:
        load_cloud_escalation_catalog(path)
    message = str(info.value)
    assert message.startswith(f"{path}:{line}:"), message
    assert words in message, message


def test_cloud_catalog_loads_every_cloud() -> None:
    catalog = load_cloud_escalation_catalog()
    assert {path.cloud for path in catalog.paths} == {"gcp", "azure", "kubernetes"}
    assert all(path.line > 0 for path in catalog.paths)


def test_unreadable_catalog_names_the_file(tmp_path: Path) -> None:
    with pytest.raises(EscalationCatalogError, match=re.escape(str(tmp_path / "absent.yaml"))):
        load_escalation_catalog(tmp_path / "absent.yaml")


# ------------------------------------------------------------------ the scenarios agree with themselves

SCENARIOS = sorted(p.parent for p in TESTDATA.glob("*/expected.json"))


@pytest.mark.parametrize("folder", SCENARIOS, ids=[f.name for f in SCENARIOS])
def test_scenario_names_only_its_own_resources(folder: Path) -> None:
    """Every address in expected.json exists in the folder, and every `# path:` comment sits
    right above a principal that expected.json says is found."""
    import json

    from sod_iac.load import load_project

    project = load_project([folder])
    assert project.errors == []
    addresses = {resource.address for resource in project.resources}
    expected = json.loads((folder / "expected.json").read_text())
    found = {entry["resource"] for entry in expected.get("findings", [])}
    named = found | {entry["resource"] for entry in expected.get("absent", [])}
    assert named <= addresses, sorted(named - addresses)
    text = (folder / "main.tf").read_text()
    for match in DEMONSTRATION.finditer(text):
        address = f"{match.group(2)}.{match.group(3)}"
        assert address in found, f"{folder.name}: {address} demonstrates {match.group(1)} but is not expected"
