"""`.pre-commit-hooks.yaml`: the hook runs when a file that changes the scan's answer is committed.

pre-commit matches `files` with Python's `re.search` against each staged path (relative to
the repository root, `/`-separated); the hook must fire for every input `sod-iac scan` reads:
Terraform code in both syntaxes, variable files in both syntaxes, and the config file.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from sod_iac.pipeline.config import CONFIG_NAMES

HOOKS = Path(__file__).resolve().parent.parent / ".pre-commit-hooks.yaml"


def _files_pattern() -> re.Pattern[str]:
    (hook,) = [h for h in yaml.safe_load(HOOKS.read_text()) if h["id"] == "sod-iac"]
    return re.compile(hook["files"])


@pytest.mark.parametrize("path", [
    "main.tf", "modules/iam/roles.tf", "main.tf.json", "env/prod.tfvars", "terraform.tfvars.json",
    "env/prod.auto.tfvars.json", *CONFIG_NAMES, *(f"infra/{name}" for name in CONFIG_NAMES),
])
def test_hook_fires_for_every_input_of_a_scan(path):
    assert _files_pattern().search(path), path


@pytest.mark.parametrize("path", [
    "README.md", "main.tf.bak", "notes.json", "plan.tfplan", "my.sod-iac.yaml", "x.sod-iac.yml.orig",
    "tf", "terraform.tfstate",
])
def test_hook_ignores_other_files(path):
    assert not _files_pattern().search(path), path
