"""The shared model: what loaders produce and what rules and reporters consume.

Shapes follow the contracts in DESIGN.md: Terraform addresses, locations relative to the
scanned root with 1-based lines, and the versioned finding JSON.
"""

from __future__ import annotations

import hashlib
import posixpath
import re
import traceback
from collections.abc import Iterable
from pathlib import PurePath
from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field

from sod_iac import __version__

Severity = Literal["critical", "high", "medium", "low"]
Family = Literal["combined-duties", "approval", "secret-readers"]
SEVERITIES: tuple[str, ...] = get_args(Severity)  # most severe first
SEVERITY_ORDER: dict[str, int] = {s: len(SEVERITIES) - i for i, s in enumerate(SEVERITIES)}  # low = 1
REPORT_VERSION = 1


def worst_severity(severities: Iterable[str], default: str | None = None) -> str | None:
    """The most severe of `severities` (`default` when there are none)."""
    return max(severities, key=SEVERITY_ORDER.__getitem__, default=default)



Mode = Literal["managed", "data"]
"""A resource block (`managed`) or a data source (`data`), as Terraform addresses them."""

class Location(BaseModel):
    """A span in a source file; `path` is relative to the scanned root (POSIX separators)."""

    model_config = ConfigDict(frozen=True)

    path: str
    start_line: int = Field(ge=1)
    end_line: int = Field(ge=1)

    def __str__(self) -> str:
        return f"{self.path}:{self.start_line}"


class StatementSite(BaseModel):
    """Where one policy statement of a resource is written: a `statement` block of an
    `aws_iam_policy_document`, or the argument holding a `jsonencode`/heredoc policy (whose
    elements carry no lines of their own). `signature` is `values.statement_signature`: the
    access layer finds the statement again by it, so evidence can end at the statement."""

    model_config = ConfigDict(frozen=True)

    signature: str
    argument: str
    """`statement` for a policy document's blocks, else the argument (`policy`, `assume_role_policy`)."""
    location: Location
    actions: tuple[str, ...] = ()
    """The action (or NotAction) patterns in the order written, when known: Terraform renders a
    policy document's actions in its own set order, a reviewer looks for them as written."""


class Resource(BaseModel):
    """One resource or data source instance of the future state.

    `values` holds the evaluated arguments in the shape of plan JSON: nested blocks are lists
    of objects, unknown values are `Unknown`/`Ref`/`Template` objects (sod_iac.core.values).
    `references` maps an argument name to the addresses it refers to, so later layers can link
    resources whose values are only known after apply (e.g. a role policy's `role`).
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    address: str
    type: str
    name: str
    mode: Mode = "managed"
    module: str = ""
    index: int | str | None = None
    values: dict[str, Any] = Field(default_factory=dict)
    references: dict[str, list[str]] = Field(default_factory=dict)
    location: Location | None = None
    source: Literal["hcl", "plan"] = "hcl"
    module_dir: str = ""
    """Directory (relative to the root) of the module that declares it: ties it to backends."""
    root: str = ""
    """The root module (folder, or plan file) whose configuration it belongs to: addresses are
    unique only within one root, so roots that reuse addresses are analysed apart."""
    statement_sites: list[StatementSite] = Field(default_factory=list)
    """Where the policy statements written in this resource are (HCL only; see StatementSite)."""
    call_site: Location | None = None
    """For a resource of a called module: the `module` block in the scanned root that makes it
    (through nested calls, the outermost one), where a reviewer of the root sees it (HCL only)."""
    provider: str = ""
    """The key of the provider configuration it is created or read with (ProviderConfig.key, in
    its root): its `provider` meta-argument, else its provider's default configuration as its
    module sees it (passed by a `providers` map, or inherited). Empty when not known."""


class Backend(BaseModel):
    """A `terraform { backend "TYPE" {} }` or `cloud {}` block of a root module."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    type: str
    config: dict[str, Any] = Field(default_factory=dict)
    location: Location
    module_dir: str = ""

    @property
    def address(self) -> str:
        return f"terraform.backend.{self.type}"


class ProviderConfig(BaseModel):
    """A `provider` block: one configuration per module path, provider name and alias, with its
    arguments evaluated (plan-JSON shape, like Resource.values). Resources point at it by `key`."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    key: str
    """As plan JSON's `provider_config` keys it: `aws`, `aws.prod`, `module.net:aws` (module path
    without instance keys, then `:`)."""
    name: str
    alias: str = ""
    module: str = ""
    root: str = ""
    """The root module (folder, or plan file) it belongs to, as Resource.root."""
    values: dict[str, Any] = Field(default_factory=dict)
    location: Location | None = None


def provider_key(module: str, address: str) -> str:
    """The key of configuration `address` (`aws`, `aws.prod`) declared in module `module`
    (`module.a[0].module.b` or without keys): Terraform's `provider_config` key."""
    path = re.sub(r'\[(?:\d+|"(?:[^"\\]|\\.)*")\]', "", module)
    return f"{path}:{address}" if path else address


class Variable(BaseModel):
    """An input variable of a module with the value it was bound to (default, tfvars, caller)."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    name: str
    module: str = ""
    value: Any = None
    sensitive: bool = False
    location: Location | None = None


class SkippedModule(BaseModel):
    """A module call whose source is not in the scanned tree (registry, git, http): never fetched."""

    address: str
    source: str
    location: Location | None = None


class LoadError(BaseModel):
    """An input that could not be (fully) analysed; makes the scan incomplete (exit 2)."""

    path: str
    message: str
    line: int | None = None

    @classmethod
    def internal(cls, path: str, exc: BaseException, what: str = "", after: str = "") -> LoadError:
        """A bug of ours met while judging (a rule, an access engine), as one error line
        naming what failed and where in our code: never a traceback, never a lost report."""
        frame = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
        where = f" at {PurePath(frame.filename).name}:{frame.lineno}" if frame else ""
        return cls(path=path, message=f"internal error{what}: {type(exc).__name__}: {exc}{where}{after}")


class Notice(BaseModel):
    """A warning about the scan's own inputs (an ignore without a reason, an unused ignore, an
    expression the loader failed to evaluate and took as unknown): reported, but never a
    finding and never a reason to exit 2."""

    path: str
    line: int | None = None
    message: str


DocumentKind = Literal["atlantis-repo", "atlantis-server"]


class Document(BaseModel):
    """A configuration file beside the code that rules judge, read and parsed by the loader
    (sod_iac.load.documents): today Atlantis repo config (`atlantis.yaml`) and server-side repo
    config (`repos.yaml`). `data` is the parsed YAML as is (any shape; rules check it), with the
    1-based line of every mapping under the key `__line__`."""

    path: str
    """Relative to the scanned root, POSIX separators."""
    kind: DocumentKind
    data: Any = None


class Project(BaseModel):
    """Everything the loaders read, in one model, whatever the source format."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    root: str = "."
    resources: list[Resource] = Field(default_factory=list)
    backends: list[Backend] = Field(default_factory=list)
    variables: list[Variable] = Field(default_factory=list)
    files: list[str] = Field(default_factory=list)
    errors: list[LoadError] = Field(default_factory=list)
    warnings: list[Notice] = Field(default_factory=list)
    """What the loaders could read but not wholly evaluate (the value became unknown)."""
    skipped_modules: list[SkippedModule] = Field(default_factory=list)
    providers: list[ProviderConfig] = Field(default_factory=list)
    """Provider configurations of every root (see Resource.provider)."""
    documents: list[Document] = Field(default_factory=list)
    """Non-Terraform configuration found under `root` (Atlantis YAML), already parsed: rules
    judge these, they never read files themselves."""
    local_files: list[str] = Field(default_factory=list)
    """The paths in backend configurations (a gcs `credentials` key file, ...) that name a file
    inside the scanned tree, as `local_file_key`: the loader looks, so that rules judge a file's
    presence without touching the disk and the judged cache sees the file appear."""

    def has_local_file(self, folder: str, path: str) -> bool:
        """Whether `path`, as written in the module at `folder` (relative to the root), is a file
        inside the scanned tree (see local_files)."""
        return local_file_key(folder, path) in self.local_files

    def resource(self, address: str) -> Resource | None:
        return self._index().get(address)

    def provider_of(self, resource: Resource) -> ProviderConfig | None:
        """The provider configuration a resource uses, when the loader found it."""
        if not resource.provider:
            return None
        key = (id(self.providers), len(self.providers))
        cache = self.__dict__.get("_provider_index")
        if cache is None or cache[0] != key:
            cache = (key, {(p.root, p.key): p for p in self.providers})
            self.__dict__["_provider_index"] = cache
        return cache[1].get((resource.root, resource.provider))

    def release_contents(self) -> None:
        """Let the resources, backends, variables and documents go (their indexes too), keeping
        the root, files, errors and skipped modules: for a scan whose judgement is read from
        the cache, so that a large estate is not held while it is."""
        self.resources, self.backends, self.variables, self.documents = [], [], [], []
        self.__dict__.pop("_type_index_cache", None)
        self.__dict__.pop("_address_index", None)

    def by_type(self, *types: str) -> list[Resource]:
        """Resources of the given types, in project order (indexed once, not rescanned)."""
        index = self._type_index()
        if len(types) == 1:
            return list(index.get(types[0], ()))
        wanted = set(types)
        return [r for r in self.resources if r.type in wanted]

    def _type_index(self) -> dict[str, list[Resource]]:
        key = (id(self.resources), len(self.resources))  # a copy or a new list rebuilds it
        cache = self.__dict__.get("_type_index_cache")
        if cache is None or cache[0] != key:
            by_type: dict[str, list[Resource]] = {}
            for r in self.resources:
                by_type.setdefault(r.type, []).append(r)
            cache = (key, by_type)
            self.__dict__["_type_index_cache"] = cache
        return cache[1]

    def _index(self) -> dict[str, Resource]:
        key = (id(self.resources), len(self.resources))
        cache = self.__dict__.get("_address_index")
        if cache is None or cache[0] != key:
            cache = (key, {r.address: r for r in self.resources})
            self.__dict__["_address_index"] = cache
        return cache[1]


def local_file_key(folder: str, path: str) -> str:
    """How Project.local_files names `path` as written in the module at `folder`: lexical only
    (no disk, no home folder), the same for the loader that looks and the rule that asks."""
    return posixpath.normpath(posixpath.join(folder or ".", path))


class Evidence(BaseModel):
    """One hop of the chain that explains a finding (a policy, an attachment, a binding)."""

    address: str
    detail: str
    location: Location | None = None
    duty: str | None = None
    """The duty this hop gives, when the rule knows it (draws duty -> grant in diagrams)."""
    kind: Literal["statement"] | None = None
    """`statement`: this hop is the grant as written, what a reviewer changes (an IAM policy
    statement, quoted; a GCP binding or member; a Kubernetes role rule; an Azure role
    assignment). Other hops (policy, attachment, membership) say how it reaches the principal."""


def unique_evidence(hops: Iterable[Evidence]) -> list[Evidence]:
    """The hops in order, each once (equal fields, as Evidence's ==), in linear time: reader
    sets and escalation chains join thousands of hops, and `not in list` is quadratic."""
    seen: set[tuple[Any, ...]] = set()
    out: list[Evidence] = []
    for hop in hops:
        key = (hop.address, hop.detail, hop.location, hop.duty, hop.kind)
        if key not in seen:
            seen.add(key)
            out.append(hop)
    return out


class Finding(BaseModel):
    """A rule's verdict on one anchor resource, as the JSON contract in DESIGN.md."""

    rule_id: str
    family: Family
    severity: Severity
    title: str
    message: str
    resource: str
    principal: str | None = None
    principals: list[str] | None = None
    secret: str | None = None
    duties: list[str] = Field(default_factory=list)
    location: Location | None = None
    evidence: list[Evidence] = Field(default_factory=list)
    fingerprint: str = ""

    def model_post_init(self, __context: Any) -> None:
        if not self.fingerprint:  # a finding built by hand (tests, adapters): its plain identity
            self.fingerprint = fingerprint(self.rule_id, self.resource, self.duties, self.principal)


def fingerprint(rule_id: str, resource: str, duties: Iterable[str] = (), principal: str | None = None,
                *, root: str = "", qualifier: str = "") -> str:
    """A finding's identity, the one place it is computed: what de-duplication, baselines,
    `--new-since` and SARIF's partialFingerprints compare. Independent of line numbers,
    messages, severities and reader counts, so a finding that moves or grows is not new.

    - `resource` (the anchor), `principal` and `duties`: what the verdict is about;
    - `root`: the root module of the anchor when the project is judged in several analysis
      units (sod_iac.pipeline.units: roots that reuse an address); empty for a single unit, so the
      fingerprints of single-root projects, and their baselines, never carry it;
    - `qualifier`: what the rule adds to tell apart verdicts that share all of the above (a
      backend's module folder, a YAML document's key). It extends the principal slot, which
      is where rules put it by hand before this function took it: old baselines still match.
    """
    parts = [rule_id, resource, (principal or "") + qualifier, ",".join(sorted(duties))]
    key = "\x1f".join(parts + ([root] if root else []))
    return hashlib.sha256(key.encode()).hexdigest()[:32]


class Tool(BaseModel):
    name: str = "sod-iac"
    version: str = __version__


class Comparison(BaseModel):
    """What a scan's findings were compared with, so a report can say what `baselined` counts:
    findings in a baseline file, findings the tree already had at a git revision, or both."""

    baseline: str | None = None
    """The `--baseline` file, as given."""
    new_since: str | None = None
    """The `--new-since` git revision, as given."""


class Summary(BaseModel):
    files: int = 0
    resources: int = 0
    principals: int = 0
    findings: int = 0
    suppressed: int = 0
    """Findings silenced by an inline `sod-iac:ignore` / `checkov:skip` with a reason."""
    baselined: int = 0
    """Findings left out because the baseline or the `--new-since` base already had them."""
    compared_with: Comparison | None = None
    """Set when a baseline or `--new-since` decided which findings are new."""
    skipped_modules: list[SkippedModule] = Field(default_factory=list)


class Report(BaseModel):
    """The whole scan result: what `--format json` prints (version 1)."""

    version: int = REPORT_VERSION
    tool: Tool = Field(default_factory=Tool)
    findings: list[Finding] = Field(default_factory=list)
    errors: list[LoadError] = Field(default_factory=list)
    warnings: list[Notice] = Field(default_factory=list)
    summary: Summary = Field(default_factory=Summary)
