"""Analysis units (sod_iac.pipeline.units): roots that reuse an address are judged apart, except
when every address they share identifies nothing a rule judges (a random suffix, the provider's
region): those roots stay together, so links between them (state writers in a bootstrap root)
are kept. The scenario testdata/approval/s3-writers-in-other-root shows the finding this keeps."""

from __future__ import annotations

import pytest

from sod_iac.load import load_project
from sod_iac.pipeline.units import analysis_units

SUFFIX = 'resource "random_id" "suffix" {\n  byte_length = 4\n}\n'
REGION = 'data "aws_region" "current" {}\n'
CALLER = 'data "aws_caller_identity" "current" {}\n'
ROLE = ('resource "aws_iam_role" "ci" {\n  name = "{name}"\n  assume_role_policy = jsonencode({Version = "2012-10-17",'
        ' Statement = [{Effect = "Allow", Action = "sts:AssumeRole", Principal = {Service = "ec2.amazonaws.com"}}]})\n}\n')
QUEUE = 'resource "aws_sqs_queue" "{name}" {\n  name = "{name}"\n}\n'


def _units(write_tree, a: str, b: str) -> list[str]:
    root = write_tree({"a/main.tf": a, "b/main.tf": b})
    return [key for key, _ in analysis_units(load_project([root], jobs=1))]


@pytest.mark.parametrize("shared", [SUFFIX, REGION, SUFFIX + REGION,
                                    'resource "null_resource" "wait" {}\n',
                                    'resource "time_sleep" "wait" {\n  create_duration = "30s"\n}\n'])
def test_roots_sharing_only_inert_addresses_are_judged_together(write_tree, shared):
    assert _units(write_tree, shared + QUEUE.replace("{name}", "a"), shared + QUEUE.replace("{name}", "b")) == [""]


@pytest.mark.parametrize("shared", [ROLE.replace("{name}", "ci"), CALLER, QUEUE.replace("{name}", "jobs"),
                                    'resource "random_password" "db" {\n  length = 16\n}\n'])
def test_roots_sharing_an_identity_a_secret_or_any_other_resource_are_judged_apart(write_tree, shared):
    """Two `aws_iam_role.ci` are two roles; two callers may be two identities; a random_password
    is a secret: merged, two of them would read as one."""
    assert _units(write_tree, SUFFIX + shared, SUFFIX + shared) == ["a", "b"]
