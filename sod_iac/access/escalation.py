"""The AWS privilege-escalation catalog: data in `rulesets/aws_escalation.yaml`, read here.

Each path is a set of permissions that, held together by one principal on the right kind of
resource, lets it raise its own power. The engine (`access/aws.py`) judges a principal on
everything it holds after combining all its policies; this module only reads and validates
the data, so that the judgement and the catalog stay apart.

Targets (`on`): what an action must be allowed on for the path to be exploitable.

| target | the action must be allowed on |
|---|---|
| `any` | some resource (the action's resource does not matter to the path) |
| `self` | the principal's own user or role ARN |
| `own-policy` | a customer-managed policy attached to the principal or to one of its groups |
| `any-policy` | any customer-managed policy |
| `own-role` | a role the principal is, or can assume |
| `stronger-role` | another role the principal can assume that gives power it lacks: full administrator, an escalation path of its own, or IAM permission administration (a peer role with different permissions is lateral access, not escalation) |
| `other-user` | an IAM user other than the principal |
| `any-group` | an IAM group |
| `any-role` | an IAM role |
| `passable-role:<service principal>` | (iam:PassRole) a role whose trust policy admits that service (`lambda.amazonaws.com`) and that holds permissions the principal lacks |
| `role-in-use:<service>` | an existing resource of that service that runs with a role (see `ROLE_IN_USE`) |

The YAML is read with a SafeLoader subclass that keeps line numbers and resolves only
`true`/`false` as booleans, so a key spelled `on` stays the string "on" (PyYAML's YAML 1.1
default would turn it into True). Any problem raises `EscalationCatalogError` naming
`file:line`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, field_validator

from sod_iac.access.graph import Level
from sod_iac.core.model import Evidence
from sod_iac.util.yaml_lines import LineMapping as _Mapping
from sod_iac.util.yaml_lines import LineSequence as _Sequence
from sod_iac.util.yaml_lines import TrackedLineLoader, load_yaml

CATALOG_PATH = Path(__file__).resolve().parent.parent / "rulesets" / "aws_escalation.yaml"

Category = Literal[
    "self-escalation", "principal-access", "new-passrole", "existing-passrole", "credential-access"
]
CATEGORIES: tuple[str, ...] = (
    "self-escalation", "principal-access", "new-passrole", "existing-passrole", "credential-access"
)

PLAIN_TARGETS: frozenset[str] = frozenset(
    {"any", "self", "own-policy", "any-policy", "own-role", "stronger-role", "other-user", "any-group",
     "any-role"}
)
PASSABLE_ROLE = "passable-role"
ROLE_IN_USE = "role-in-use"

# `role-in-use:<service>`: the Terraform resources of that service that run with a role, and
# the argument naming the role (for ec2, the instance profile whose role the instance carries).
ROLE_IN_USE_RESOURCES: dict[str, tuple[tuple[str, str], ...]] = {
    "lambda": (("aws_lambda_function", "role"),),
    "ec2": (("aws_instance", "iam_instance_profile"), ("aws_launch_template", "iam_instance_profile")),
    "glue": (("aws_glue_job", "role_arn"), ("aws_glue_dev_endpoint", "role_arn")),
    "codebuild": (("aws_codebuild_project", "service_role"),),
    "ecs": (("aws_ecs_task_definition", "task_role_arn"),),
    "cloudformation": (("aws_cloudformation_stack", "iam_role_arn"),),
    "sagemaker": (("aws_sagemaker_notebook_instance", "role_arn"),),
    "apprunner": (("aws_apprunner_service", "instance_configuration.instance_role_arn"),),
    "bedrock-agentcore": (("aws_bedrockagentcore_code_interpreter", "execution_role_arn"),),
}

_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_ACTION = re.compile(r"^[a-z0-9-]+:[A-Za-z0-9]+$")
_SERVICE_PRINCIPAL = re.compile(r"^[a-z0-9-]+(?:\.[a-z0-9-]+)*\.amazonaws\.com$")


@dataclass
class PathHit:
    """A path a principal holds: how surely, the hops that give it, and what it would target
    (the role, service account or identity to reach), strongest first."""

    path: Any
    level: Level
    evidence: list[Evidence] = field(default_factory=list)
    targets: list[str] = field(default_factory=list)


class EscalationCatalogError(ValueError):
    """The escalation catalog cannot be used; the message starts with `file:line:`."""


def parse_target(on: str) -> tuple[str, str | None]:
    """Split a target into its kind and argument: `passable-role:lambda.amazonaws.com` ->
    (`passable-role`, `lambda.amazonaws.com`), `self` -> (`self`, None). ValueError if invalid."""
    if on in PLAIN_TARGETS:
        return on, None
    kind, sep, arg = on.partition(":")
    if sep and kind == PASSABLE_ROLE:
        if not _SERVICE_PRINCIPAL.match(arg):
            raise ValueError(f"{on!r}: {arg!r} is not a service principal like lambda.amazonaws.com")
        return kind, arg
    if sep and kind == ROLE_IN_USE:
        if arg not in ROLE_IN_USE_RESOURCES:
            known = ", ".join(sorted(ROLE_IN_USE_RESOURCES))
            raise ValueError(f"{on!r}: unknown service {arg!r} (known: {known})")
        return kind, arg
    plain = ", ".join(sorted(PLAIN_TARGETS))
    raise ValueError(
        f"unknown target {on!r}: use one of {plain}, "
        f"{PASSABLE_ROLE}:<service principal> or {ROLE_IN_USE}:<service>"
    )


class Requirement(BaseModel):
    """One permission a path needs: `action` allowed on a resource of kind `on`."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    action: str
    on: str

    @field_validator("action")
    @classmethod
    def _action_shape(cls, value: str) -> str:
        if not _ACTION.match(value):
            raise ValueError(f"{value!r} is not an IAM action of the form service:Action (no wildcards)")
        return value

    @field_validator("on")
    @classmethod
    def _target_shape(cls, value: str) -> str:
        parse_target(value)
        return value

    @property
    def service(self) -> str:
        return self.action.split(":", 1)[0]

    @property
    def key(self) -> tuple[str, str]:
        """What makes two requirements the same (IAM actions are case-insensitive)."""
        return self.action.lower(), self.on


class CatalogEntry(BaseModel):
    """What every escalation catalog entry has, whatever the cloud: id, words, references and
    the line it starts on (kept by `load_catalog`)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    title: str = Field(min_length=1)
    category: Category
    explanation: str = Field(min_length=1)
    references: tuple[str, ...] = ()
    _line: int = PrivateAttr(default=0)

    @field_validator("title", "explanation")
    @classmethod
    def _stripped(cls, value: str) -> str:
        return " ".join(value.split())

    @property
    def line(self) -> int:
        """The line of this entry in the catalog file (0 when built in code)."""
        return self._line


class EscalationPath(CatalogEntry):
    """A set of permissions that together let a principal raise its own power."""

    requires: tuple[Requirement, ...]

    @field_validator("requires")
    @classmethod
    def _not_empty(cls, value: tuple[Requirement, ...]) -> tuple[Requirement, ...]:
        if not value:
            raise ValueError("a path needs at least one requirement")
        return value

    @field_validator("id")
    @classmethod
    def _id_shape(cls, value: str) -> str:
        if not _ID.match(value):
            raise ValueError(f"{value!r} is not kebab-case (lowercase words joined by '-')")
        return value

    @property
    def actions(self) -> tuple[str, ...]:
        return tuple(req.action for req in self.requires)


class CatalogFile(BaseModel):
    """A catalog file: a version and its entries (`paths`, declared by each catalog), in file order."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    version: Literal[1]
    _source: str = PrivateAttr(default="")

    @field_validator("paths", check_fields=False)
    @classmethod
    def _not_empty(cls, value: tuple[Any, ...]) -> tuple[Any, ...]:
        if not value:
            raise ValueError("the catalog lists no paths")
        return value

    @property
    def source(self) -> str:
        return self._source


class EscalationCatalog(CatalogFile):
    """The AWS catalog."""

    paths: tuple[EscalationPath, ...]

    def ids(self) -> list[str]:
        return [path.id for path in self.paths]

    def get(self, path_id: str) -> EscalationPath:
        """The path with this id; KeyError if there is none."""
        for path in self.paths:
            if path.id == path_id:
                return path
        raise KeyError(path_id)


CatalogT = TypeVar("CatalogT", bound="CatalogFile")


# --------------------------------------------------------------------------- YAML with lines


def _line_of(data: Any, loc: tuple[Any, ...]) -> int:
    """The line of the deepest node on `loc` that the YAML gave a line to."""
    line = getattr(data, "line", 1)
    node = data
    for step in loc:
        if isinstance(node, _Mapping) and step in node:
            line = node.key_lines.get(step, line)
            node = node[step]
        elif isinstance(node, _Sequence) and isinstance(step, int) and 0 <= step < len(node):
            node = node[step]
        else:
            break
        line = getattr(node, "line", line)
    return line


def _plain(value: Any) -> Any:
    """The same data as built-in dicts and lists, which pydantic validates as it would JSON."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


# --------------------------------------------------------------------------- loading


def load_escalation_catalog(path: Path | str | None = None) -> EscalationCatalog:
    """Read and validate a catalog (the packaged one by default), cached per path.

    Raises EscalationCatalogError whose message names `file:line` of the first problem and
    lists every problem found.
    """
    return _load(Path(path) if path is not None else CATALOG_PATH)


@lru_cache(maxsize=8)
def _load(path: Path) -> EscalationCatalog:
    return load_catalog(path, EscalationCatalog)


def load_catalog(path: Path, model: type[CatalogT]) -> CatalogT:
    """Read a catalog file of `version` and `paths` into `model` (each path keeping its line),
    checking that ids are unique and no path lists a requirement twice. Shared by the AWS
    catalog and the GCP/Azure/Kubernetes one (cloud_escalation.py)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise EscalationCatalogError(f"{path}:1: cannot read escalation catalog: {exc}") from exc
    try:
        data = load_yaml(text, TrackedLineLoader)  # mappings and sequences with their lines
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        problem = getattr(exc, "problem", None) or str(exc)
        raise EscalationCatalogError(f"{path}:{line}: invalid YAML: {problem}") from exc
    if not isinstance(data, _Mapping):
        raise EscalationCatalogError(f"{path}:1: the catalog must be a mapping with 'version' and 'paths'")
    try:
        catalog = model.model_validate(_plain(data))
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            loc = tuple(error["loc"])
            where = ".".join(str(step) for step in loc)
            message = error["msg"].removeprefix("Value error, ")
            problems.append((_line_of(data, loc), f"{where}: {message}"))
        problems.sort(key=lambda item: item[0])
        text = "; ".join(f"{path}:{line}: {problem}" for line, problem in problems)
        raise EscalationCatalogError(text) from None
    catalog._source = str(path)
    seen: dict[str, int] = {}
    for index, entry in enumerate(catalog.paths):
        line = data["paths"][index].line
        entry._line = line
        if entry.id in seen:
            raise EscalationCatalogError(
                f"{path}:{line}: duplicate path id {entry.id!r} (first at line {seen[entry.id]})")
        seen[entry.id] = line
        pairs = [req.key for req in entry.requires]
        if len(set(pairs)) != len(pairs):
            raise EscalationCatalogError(f"{path}:{line}: {entry.id}: a requirement is listed twice")
    return catalog


def escalation_paths() -> tuple[EscalationPath, ...]:
    """Every path of the packaged catalog, in file order."""
    return load_escalation_catalog().paths
