"""Atlantis YAML is read by the load layer (sod_iac.load.documents) into Project.documents;
SOD211 judges those documents and never touches the filesystem. Scenarios in
testdata/approval/atlantis-* cover the rule's Atlantis semantics."""

from __future__ import annotations

import os

import pytest

from sod_iac.core.model import Document, Project
from sod_iac.load import load_project
from sod_iac.load.checkov import load_checkov_graph
from sod_iac.load.documents import MAX_YAML_BYTES, load_documents
from sod_iac.pipeline.scan import ScanOptions, run_scan
from sod_iac.pipeline.units import analysis_units
from sod_iac.rules.context import Context
from sod_iac.rules.registry import get_rule, run_rules

REPO_CONFIG = "version: 3\nprojects:\n  - dir: app\n    apply_requirements: []\n"
SERVER_CONFIG = "repos:\n  - id: /.*/\n    apply_requirements: [mergeable]\n"
ROLE = 'resource "aws_iam_role" "r" {\n  name = "r"\n  assume_role_policy = "{}"\n}\n'


def _sod211(project: Project) -> list:
    return run_rules(Context(project=project), rules=[get_rule("SOD211")])


def test_the_loader_puts_atlantis_yaml_into_documents_with_lines(write_tree):
    root = write_tree({"main.tf": ROLE, "atlantis.yaml": REPO_CONFIG, "ops/repos.yml": SERVER_CONFIG})
    project = load_project([root])
    assert project.errors == []
    assert project.documents == [
        Document(path="atlantis.yaml", kind="atlantis-repo", data={
            "version": 3, "__line__": 1,
            "projects": [{"dir": "app", "apply_requirements": [], "__line__": 3}]}),
        Document(path="ops/repos.yml", kind="atlantis-server", data={
            "__line__": 1, "repos": [{"id": "/.*/", "apply_requirements": ["mergeable"], "__line__": 2}]}),
    ]
    assert "atlantis.yaml" not in project.files  # documents are not Terraform files


def test_broken_yaml_is_a_load_error_with_file_and_line_and_the_rest_loads(write_tree):
    root = write_tree({"main.tf": ROLE, "atlantis.yaml": REPO_CONFIG,
                       "repos.yaml": "repos:\n  - id: /.*/\n    apply_requirements: [approved\n"})
    project = load_project([root])
    [error] = project.errors
    assert (error.path, error.line) == ("repos.yaml", 4)
    assert error.message.startswith("invalid YAML in Atlantis config: ")
    assert [d.path for d in project.documents] == ["atlantis.yaml"]
    assert [r.address for r in project.resources] == ["aws_iam_role.r"]


def test_a_file_that_is_not_utf8_cannot_be_read(write_tree):
    root = write_tree({"atlantis.yaml": "projects:\n  - dir: caf\xe9\n".encode("latin-1")})
    documents, [error] = load_documents(root)
    assert documents == []
    assert error.path == "atlantis.yaml" and error.line is None
    assert error.message.startswith("cannot read Atlantis config: 'utf-8' codec can't decode")


def test_symlinks_oversize_files_and_skipped_folders_are_passed_over(write_tree, tmp_path):
    outside = tmp_path / "outside"
    root = write_tree({
        "big/atlantis.yaml": REPO_CONFIG + "#" * MAX_YAML_BYTES,
        "venv/atlantis.yaml": REPO_CONFIG, ".terraform/repos.yaml": SERVER_CONFIG,
        "node_modules/atlantis.yml": REPO_CONFIG, ".github/atlantis.yaml": REPO_CONFIG,
        "target/atlantis.yaml": REPO_CONFIG,
    }, root=tmp_path / "root")
    write_tree({"atlantis.yaml": REPO_CONFIG}, root=outside)
    try:
        os.symlink(outside / "atlantis.yaml", root / "repos.yaml")
        os.symlink(outside, root / "linked")
    except OSError:  # pragma: no cover - platforms without symlinks
        pytest.skip("symlinks are not available")
    documents, errors = load_documents(root)
    assert errors == []
    # a dot-folder that is not skipped is searched, as SOD211 always did
    assert [d.path for d in documents] == [".github/atlantis.yaml", "target/atlantis.yaml"]


def test_a_root_that_is_not_a_folder_has_no_documents(tmp_path):
    assert load_documents(tmp_path / "missing") == ([], [])


def test_sod211_judges_documents_and_never_reads_files():
    project = Project(root="/nonexistent/sod-iac-root", documents=[
        Document(path="atlantis.yaml", kind="atlantis-repo",
                 data={"__line__": 1, "projects": [{"dir": "app", "apply_requirements": [], "__line__": 3}]})])
    [finding] = _sod211(project)
    assert finding.resource == 'atlantis.projects["app"]'
    assert (finding.location.path, finding.location.start_line) == ("atlantis.yaml", 3)


def test_sod211_ignores_files_on_disk_that_are_not_in_the_project(write_tree):
    root = write_tree({"atlantis.yaml": REPO_CONFIG, "repos.yaml": SERVER_CONFIG})
    assert _sod211(Project(root=str(root))) == []
    assert len(_sod211(load_project([root]))) == 2


def test_a_repository_file_is_judged_once_however_many_units(write_tree):
    """atlantis.yaml belongs to the repository, not to one root module: when roots that reuse
    addresses are judged apart, its findings must not come once per unit."""
    root = write_tree({"envs/prod/main.tf": ROLE, "envs/dev/main.tf": ROLE, "atlantis.yaml": REPO_CONFIG})
    project = load_project([root])
    units = analysis_units(project)
    assert len(units) == 2
    assert [[d.path for d in unit.documents] for _, unit in units] == [["atlantis.yaml"], []]
    report = run_scan([str(root)], ScanOptions(check=["SOD211"]))
    assert [(f.rule_id, f.location.path) for f in report.findings] == [("SOD211", "atlantis.yaml")]


class _EmptyGraph:
    """A Checkov graph (networkx face) without vertices."""

    def nodes(self, data: bool = False) -> list:
        return []

    def edges(self, data: bool = False) -> list:
        return []


def test_the_checkov_adapter_reads_the_documents_under_its_root(write_tree):
    root = write_tree({"atlantis.yaml": REPO_CONFIG, "repos.yaml": "repos: [\n"})
    project = load_checkov_graph(_EmptyGraph(), root=root)
    assert [d.path for d in project.documents] == ["atlantis.yaml"]
    assert [(e.path, e.message.split(":")[0]) for e in project.errors] == [
        ("repos.yaml", "invalid YAML in Atlantis config")]
