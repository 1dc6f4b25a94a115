"""ARNs of the resources the code defines, and policy values resolved against them.

The code rarely states an ARN: it references `aws_s3_bucket.state.arn`, or the account is a
data source. We build the ARN from what is known and put `*` where it is not (partition,
region and account are usually unknown), so matching errs toward "possible", never "no".
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from sod_iac.access.aws_policy import judge_condition, resource_match
from sod_iac.core.model import Project, ProviderConfig, Resource
from sod_iac.core.values import Ref, Template, Unknown, make_template

_IAM_KINDS = {"aws_iam_role": "role", "aws_iam_user": "user", "aws_iam_group": "group",
              "aws_iam_policy": "policy"}


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _iam_path(values: dict[str, Any]) -> str:
    """`/` unless stated (AWS's default path); an unknown path is `/` followed by anything
    (`/*`, the name written right after it), never assumed to be `/`."""
    stated = values.get("path")
    if stated is None:
        return "/"
    path = _text(stated)
    if path is None:
        return "/*"
    return path if path.endswith("/") else path + "/"


def _name_pattern(values: dict[str, Any], key: str = "name") -> str | None:
    """The stated name; else, with `name_prefix` (which excludes `name`), the prefix and `*`
    (the provider appends a unique suffix); else None (unknown)."""
    name = _text(values.get(key))
    if name:
        return name
    prefix = _text(values.get("name_prefix"))
    return prefix + "*" if prefix else None


_ACCOUNT = re.compile(r"\d{12}")
_ACCOUNT_IN_ARN = re.compile(r"arn:[^:]*:[^:]*:[^:]*:(\d{12}):")
_PRINCIPAL_KINDS = ("aws_iam_role", "aws_iam_user", "aws_iam_group")


def stated_account(config: ProviderConfig | None) -> str | None:
    """The one account an AWS provider configuration states for certain, else None: the
    provider refuses to work in any account but `allowed_account_ids` (exactly one literal id
    here), and works in the account of the role it assumes (a literal `assume_role` or
    `assume_role_with_web_identity` `role_arn`; with several `assume_role` blocks, a chain,
    the last). The one allowed id decides even when the role is unknown (the provider stops
    in any other account). Statements that disagree, several ids, unknown values: not stated."""
    if config is None:
        return None
    found: set[str] = set()
    allowed = config.values.get("allowed_account_ids")
    if isinstance(allowed, list):
        if len(allowed) != 1 or not isinstance(allowed[0], str) or not _ACCOUNT.fullmatch(allowed[0]):
            return None
        found.add(allowed[0])
    elif allowed is not None:
        return None  # unknown: may allow any
    role_unknown = False
    for block in ("assume_role", "assume_role_with_web_identity"):
        blocks = config.values.get(block)
        if blocks is None or blocks == []:
            continue
        last = blocks[-1] if isinstance(blocks, list) else None
        role = last.get("role_arn") if isinstance(last, dict) else None
        account = _ACCOUNT_IN_ARN.match(role) if isinstance(role, str) else None
        if account is None:
            role_unknown = True  # a role of an account the code does not state
        else:
            found.add(account.group(1))
    if len(found) != 1 or (role_unknown and allowed is None):
        return None
    return found.pop()


def account_of(project: Project, resource: Resource) -> str | None:
    """The account a resource is created (or a data source read) in, when its provider
    configuration states it (stated_account)."""
    return stated_account(project.provider_of(resource))


def named_account(text: str) -> str | None:
    """The account a trust or resource-policy principal names by id (`111111111111`) or by its
    root (`arn:aws:iam::111111111111:root`), else None."""
    if _ACCOUNT.fullmatch(text):
        return text
    found = _ACCOUNT_IN_ARN.match(text)
    return found.group(1) if found and text.endswith(":root") else None


def arn_of(resource: Resource, account: str | None = None) -> str | None:
    """The ARN (a pattern where parts are unknown) of a resource, or None if we do not know
    its ARN format. `account`: the account its provider configuration states (account_of),
    in the ARN of an IAM principal; else `*`."""
    v = resource.values
    rtype = resource.type
    stated = _text(v.get("arn"))
    if stated and stated.startswith("arn:") and stated.count(":") >= 5:
        return stated  # known, e.g. from the state in a plan of existing resources
    if rtype in _IAM_KINDS:
        name = _name_pattern(v) or "*"
        owner = account if account and rtype in _PRINCIPAL_KINDS else "*"
        return f"arn:aws:iam::{owner}:{_IAM_KINDS[rtype]}{_iam_path(v)}{name}"
    if rtype == "aws_s3_bucket":
        return f"arn:aws:s3:::{_text(v.get('bucket')) or '*'}"
    if rtype == "aws_kms_key":
        return "arn:aws:kms:*:*:key/*"
    if rtype == "aws_kms_alias":
        return f"arn:aws:kms:*:*:{_text(v.get('name')) or 'alias/*'}"
    if rtype == "aws_secretsmanager_secret":
        name = _text(v.get("name"))
        if name:
            return f"arn:aws:secretsmanager:*:*:secret:{name}-??????"
        return f"arn:aws:secretsmanager:*:*:secret:{_name_pattern(v) or '*'}"
    if rtype == "aws_ssm_parameter":
        name = _text(v.get("name"))
        return f"arn:aws:ssm:*:*:parameter/{name.lstrip('/')}" if name else "arn:aws:ssm:*:*:parameter/*"
    if rtype == "aws_lambda_function":
        return f"arn:aws:lambda:*:*:function:{_text(v.get('function_name')) or '*'}"
    if rtype == "aws_instance":
        return "arn:aws:ec2:*:*:instance/*"
    if rtype == "aws_launch_template":
        return "arn:aws:ec2:*:*:launch-template/*"
    if rtype == "aws_sqs_queue":
        return f"arn:aws:sqs:*:*:{_text(v.get('name')) or '*'}"
    if rtype == "aws_sns_topic":
        return f"arn:aws:sns:*:*:{_text(v.get('name')) or '*'}"
    if rtype == "aws_dynamodb_table":
        return f"arn:aws:dynamodb:*:*:table/{_text(v.get('name')) or '*'}"
    if rtype == "aws_ecr_repository":
        return f"arn:aws:ecr:*:*:repository/{_text(v.get('name')) or '*'}"
    if rtype == "aws_cloudtrail":
        return f"arn:aws:cloudtrail:*:*:trail/{_text(v.get('name')) or '*'}"
    if rtype == "aws_glue_job":
        return f"arn:aws:glue:*:*:job/{_text(v.get('name')) or '*'}"
    if rtype == "aws_codebuild_project":
        return f"arn:aws:codebuild:*:*:project/{_text(v.get('name')) or '*'}"
    if rtype == "aws_sagemaker_notebook_instance":
        return f"arn:aws:sagemaker:*:*:notebook-instance/{_text(v.get('name')) or '*'}"
    if rtype == "aws_apprunner_service":
        return f"arn:aws:apprunner:*:*:service/{_text(v.get('service_name')) or '*'}/*"
    if rtype == "aws_bedrockagentcore_code_interpreter":
        return f"arn:aws:bedrock-agentcore:*:*:code-interpreter/{_text(v.get('name')) or '*'}-*"
    if rtype == "aws_glue_dev_endpoint":
        return f"arn:aws:glue:*:*:devEndpoint/{_text(v.get('name')) or '*'}"
    if rtype == "aws_ecs_task_definition":
        return f"arn:aws:ecs:*:*:task-definition/{_text(v.get('family')) or '*'}:*"
    if rtype == "aws_cognito_user_pool":
        return "arn:aws:cognito-idp:*:*:userpool/*"  # the pool id is made by AWS
    if rtype == "aws_cloudformation_stack":
        return f"arn:aws:cloudformation:*:*:stack/{_text(v.get('name')) or '*'}/*"
    return None


def delegates_to_account(text: str, certain: bool) -> bool:
    """A trust or resource-policy principal that names the account (or everyone), leaving
    the decision to the principal's own IAM policies."""
    return (text == "*" and certain) or text.isdigit() or text.endswith(":root")


def partition_free(value: Any, *, any_unknown: bool = False) -> Any:
    """A value whose partition field is `data.aws_partition` (the code's own partition)
    written in partition `aws`, as the ARNs we build are; else the value itself. With
    `any_unknown`, any unknown partition field: the partition is one of aws, aws-cn,
    aws-us-gov, which hold the same AWS-managed policies (for managed-policy lookup)."""
    if isinstance(value, Template) and len(value.parts) >= 3 and value.parts[0] == "arn:" \
            and isinstance(value.parts[1], Unknown) and isinstance(value.parts[2], str) \
            and value.parts[2].startswith(":") and (any_unknown or _is_partition(value.parts[1])):
        return make_template(["arn:aws", *value.parts[2:]])
    return value


def _is_partition(part: Any) -> bool:
    return isinstance(part, Ref) and data_source_type(part.address) == "aws_partition" \
        and part.attribute in ("partition", "id")


CALLER = "aws_caller_identity"
CALLER_NAME = "the identity running Terraform"


def names_caller(value: Any) -> bool:
    """`data.aws_caller_identity.X.arn` or `.user_id`: the identity running Terraform itself
    (its `account_id` is the account, not the identity)."""
    return isinstance(value, Ref) and data_source_type(value.address) == CALLER \
        and value.attribute in ("arn", "user_id")


def data_source_type(address: str) -> str | None:
    """The type of a data source address (`data.T.N`, `module.m.data.T.N[0]`), else None."""
    found = re.search(r"(?:^|\.)data\.([A-Za-z0-9_-]+)\.", address)
    return found.group(1) if found else None


def name_of(resource: Resource) -> str | None:
    """What `.id` / `.name` of the resource evaluate to when the code states it."""
    v = resource.values
    for key in ("name", "bucket", "function_name"):
        if _text(v.get(key)):
            return v[key]
    return None


def bucket_named(project: Project, name: str) -> Resource | None:
    """The aws_s3_bucket of the code whose `bucket` is `name`: the holder of the bucket policy
    for an object ARN or a bucket named by a string, not a reference."""
    return next((b for b in project.by_type("aws_s3_bucket") if b.values.get("bucket") == name), None)


def caller_arn(account: str | None) -> str:
    """The identity running Terraform: any user or role session (`*`), of its account when
    its provider configuration states it."""
    return f"arn:aws:*::{account}:*" if account else "*"


class Resolver:
    """Turns policy values with references into ARN patterns, saying whether it guessed."""

    def __init__(self, lookup: Callable[[str], Resource | None],
                 account: Callable[[Resource], str | None] = lambda resource: None) -> None:
        self.lookup = lookup
        self.account = account

    def value(self, value: Any) -> tuple[str, bool]:
        """(pattern, certain): a str as is; a Ref to a known resource's arn/id/name becomes
        its ARN or name; anything unknown becomes `*` and `certain` is False."""
        if isinstance(value, Template):
            value = partition_free(value)
        if isinstance(value, str):
            return value, True
        if isinstance(value, Template):
            parts = [self.value(p) for p in value.parts]
            return "".join(p for p, _ in parts), all(c for _, c in parts)
        if isinstance(value, Ref):
            return self._ref(value)
        if isinstance(value, Unknown):
            return "*", False
        return str(value), True

    def arn_condition(self, arn: str, rules_out: Callable[[str], bool] = lambda pattern: False
                      ) -> Callable[[Any], bool | None]:
        """A judge of an ARN condition key (aws:PrincipalArn, iam:PolicyARN) for a request whose
        value is `arn`: each policy value becomes its pattern; a match through a guessed value is
        only possible; a pattern `rules_out` says cannot be the request's is none."""
        def match(value: Any) -> str:
            pattern, certain = self.value(value)
            if rules_out(pattern):
                return "no"
            got = resource_match(pattern, arn)
            return "possible" if got == "yes" and not certain else got

        return lambda cond: judge_condition(cond, match)

    def _ref(self, ref: Ref) -> tuple[str, bool]:
        target = self.lookup(ref.address)
        if target is None:
            return "*", False
        if ref.attribute == "account_id" and target.type == CALLER and target.mode == "data":
            account = self.account(target)
            return (account, True) if account else ("*", False)
        if ref.attribute == "arn":
            arn = arn_of(target, self.account(target))
            return (arn, "*" not in arn and "?" not in arn) if arn else ("*", False)
        if ref.attribute in ("id", "name", "bucket", "function_name", "key_id", "secret_id"):
            name = name_of(target) if target.type != "aws_secretsmanager_secret" else None
            if ref.attribute == "id" and target.type == "aws_secretsmanager_secret":
                return arn_of(target, self.account(target)) or "*", False
            return (name, True) if name else ("*", False)
        return "*", False
