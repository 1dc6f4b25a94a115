"""Assemble parsed `.tf` files into modules and evaluate them into Resources.

Terraform semantics we follow: every folder with `.tf` files is a module; a folder not
called by another scanned module is a root; local module calls (`./x`, `../x`) are expanded
under `module.NAME.`; `count`/`for_each` expand to `x[0]` / `x["k"]` when known; variables
take (lowest to highest) default, `terraform.tfvars`, `*.auto.tfvars` (lexical order),
`--var-file`, and in child modules the caller's argument. Remote modules are never fetched.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sod_iac.core.model import (
    Backend,
    LoadError,
    Location,
    Mode,
    Notice,
    ProviderConfig,
    Resource,
    SkippedModule,
    Variable,
    provider_key,
)
from sod_iac.core.values import Unknown
from sod_iac.load.evaluate import Evaluator, Lazy, ModuleValue, ResourceValue, iteration_pairs
from sod_iac.load.hcl_ast import (
    META_ATTRIBUTES,
    META_BLOCKS,
    Attribute,
    Block,
    Body,
    Lit,
    ObjectExpr,
    ParsedFile,
    traversal_roots,
)
from sod_iac.load.policy_document import render_policy_json
from sod_iac.load.statement_sites import statement_sites
from sod_iac.load.templates import TemplateScope, templatefile
from sod_iac.load.types import convert

NON_RESOURCE_ROOTS = {"var", "local", "each", "count", "path", "terraform", "self", "module", "data"}
MAX_MODULE_DEPTH = 16
POLICY_DOCUMENT = "data.aws_iam_policy_document"


@dataclass
class ModuleSource:
    """The declarations of one module folder, merged over its files."""

    dir: Path
    rel: str
    variables: dict[str, tuple[Block, str]] = field(default_factory=dict)
    locals: dict[str, tuple[Attribute, str]] = field(default_factory=dict)
    resources: dict[str, tuple[Block, str]] = field(default_factory=dict)
    modules: dict[str, tuple[Block, str]] = field(default_factory=dict)
    outputs: dict[str, tuple[Block, str]] = field(default_factory=dict)
    backends: list[tuple[Block, str]] = field(default_factory=list)
    providers: dict[str, tuple[Block, str]] = field(default_factory=dict)
    """`provider` blocks by the address they configure (`aws`, `aws.prod`)."""
    tfvars: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    errors: list[LoadError] = field(default_factory=list)
    """Declarations Terraform would reject (a name declared twice)."""
    _primary: dict[tuple[str, str], tuple[Any, str]] = field(default_factory=dict, repr=False)
    _overridden: set[tuple[str, str]] = field(default_factory=set, repr=False)

    def add(self, parsed: ParsedFile) -> None:
        assert parsed.body is not None
        override = _is_override(parsed.path)
        for block in parsed.body.blocks:
            kind, labels = block.type, block.labels
            if kind == "resource" and len(labels) == 2:
                self._declare(self.resources, f"{labels[0]}.{labels[1]}", block, parsed.path, override, "resource")
            elif kind == "data" and len(labels) == 2:
                self._declare(self.resources, f"data.{labels[0]}.{labels[1]}", block, parsed.path, override,
                              "data source")
            elif kind == "variable" and labels:
                self._declare(self.variables, labels[0], block, parsed.path, override, "variable")
            elif kind == "locals":
                for name, attr in block.body.attributes.items():
                    self._declare(self.locals, name, attr, parsed.path, override, "local value")
            elif kind == "module" and labels:
                self._declare(self.modules, labels[0], block, parsed.path, override, "module call")
            elif kind == "output" and labels:
                self._declare(self.outputs, labels[0], block, parsed.path, override, "output")
            elif kind == "provider" and labels:
                alias = _literal(block.body.attributes.get("alias"))
                address = f"{labels[0]}.{alias}" if isinstance(alias, str) and alias else labels[0]
                self._declare(self.providers, address, block, parsed.path, override, "provider configuration")
            elif kind == "terraform":
                for inner in block.body.blocks:
                    if inner.type == "backend" and inner.labels or inner.type == "cloud":
                        self.backends.append((inner, parsed.path))

    def _declare(self, table: dict[str, Any], name: str, item: Block | Attribute, path: str, override: bool,
                 what: str) -> None:
        """Enter a declaration. Terraform rejects a module that declares a name twice in its
        primary files: that is a load error naming both places, and the first is kept (the one
        Terraform names first too). An override file's block (read after the primary files, in
        whatever order they come here) replaces the original whole: its arguments are not merged."""
        first = self._primary.get((what, name))
        if override:
            self._overridden.add((what, name))
            table[name] = (item, path)
        elif first is None:
            self._primary[(what, name)] = (item, path)
            if (what, name) not in self._overridden:
                table[name] = (item, path)
        else:
            where = f"{first[1]}:{first[0].start_line}"
            self.errors.append(LoadError(path=path, line=item.start_line, message=(
                f"line {item.start_line}: {what} {name} is declared twice in this module, at {where} and at "
                f"{path}:{item.start_line}; Terraform rejects the configuration (only the first is analysed)")))

    def local_calls(self) -> list[Path]:
        """Folders this module calls with a local source (no evaluation needed)."""
        out = []
        for block, _ in self.modules.values():
            source = _literal_source(block)
            if source and is_local_source(source):
                out.append(Path(os.path.normpath(self.dir / source)))
        return out


def _is_override(path: str) -> bool:
    """Terraform's override files: `override.tf`, `*_override.tf` (and `.tf.json`)."""
    stem = path.rsplit("/", 1)[-1].removesuffix(".json").removesuffix(".tf")
    return stem == "override" or stem.endswith("_override")


def _literal_source(block: Block) -> str | None:
    source = _literal(block.body.attributes.get("source"))
    return source if isinstance(source, str) else None


def _literal(attr: Attribute | None) -> Any:
    return attr.expr.value if attr is not None and isinstance(attr.expr, Lit) else None


def provider_address(expr: Any) -> str | None:
    """The configuration a `provider` meta-argument or a `providers` map key or value names:
    `aws` or `aws.prod` (a traversal in HCL, a string in `.tf.json`); None for anything else."""
    if isinstance(expr, Lit) and isinstance(expr.value, str):
        return expr.value
    roots = traversal_roots(expr)
    if len(roots) == 1 and 1 <= len(roots[0]) <= 2 and "[" not in "".join(roots[0]):
        return ".".join(roots[0])
    return None


def is_local_source(source: str) -> bool:
    """A module source that is a folder on disk: Terraform requires `./` or `../` for those."""
    return source.startswith("./") or source.startswith("../") or source in (".", "..")


class Loader:
    """Holds every module source and builds the Project's resources from the roots."""

    def __init__(self, root: Path, sources: dict[Path, ModuleSource],
                 var_files: list[dict[str, Any]], read_file: Callable[[Path], str | None],
                 parse_dir: Callable[[Path], ModuleSource | None], called: frozenset[Path] = frozenset(),
                 parse_template: Callable[[str], Any] | None = None) -> None:
        """`called`: folders known to be called modules (a plan's configuration says so), never
        roots even when no scanned code calls them. `parse_template`: templatefile()'s text to
        its expression (default sod_iac.load.hcl.parse_template; the scan passes one through
        the parse cache)."""
        self.root = root
        self.sources = sources
        self.called = called
        self.var_files = var_files
        self.read_file = read_file
        self.parse_dir = parse_dir
        self.parse_template = parse_template
        self.resources: list[Resource] = []
        self.backends: list[Backend] = []
        self.variables: list[Variable] = []
        self.skipped: list[SkippedModule] = []
        self.providers: list[ProviderConfig] = []
        self.errors: list[LoadError] = []
        self.warnings: list[Notice] = []
        self._warned: set[tuple[str, int | None, str]] = set()
        self._roots: dict[int, tuple[Attribute, list[list[str]]]] = {}

    def rel(self, path: Path) -> str:
        try:
            return path.relative_to(self.root).as_posix() or "."
        except ValueError:
            return path.as_posix()

    def warn(self, notice: Notice) -> None:
        """Record a warning once, however many instances evaluate the same expression."""
        key = (notice.path, notice.line, notice.message)
        if key not in self._warned:
            self._warned.add(key)
            self.warnings.append(notice)

    def add_provider(self, config: ProviderConfig) -> None:
        """Record a configuration once (a module's instances share their module's blocks)."""
        if not any(p.key == config.key and p.root == config.root for p in self.providers):
            self.providers.append(config)

    def roots(self) -> list[ModuleSource]:
        called = self.called | {p for src in self.sources.values() for p in src.local_calls()}
        return [src for d, src in sorted(self.sources.items()) if d not in called]

    def run(self) -> None:
        for source in self.roots():
            instance = ModuleInstance(self, source, "", {}, source.dir, chain=(source.dir,))
            for block, path in source.backends:
                config = instance.eval_body(block.body, instance.evaluator(), path)
                btype = block.labels[0] if block.type == "backend" else "cloud"
                self.backends.append(Backend(type=btype, config=config, module_dir=source.rel,
                                             location=Location(path=path, start_line=block.start_line,
                                                               end_line=block.end_line)))
            instance.collect()
        for source in self.sources.values():
            self.errors.extend(source.errors)

    def roots_of(self, attr: Attribute) -> list[list[str]]:
        """traversal_roots of an argument, once per argument however many instances its
        module has (the list is shared: callers only read it)."""
        known = self._roots.get(id(attr))
        if known is None:
            known = self._roots[id(attr)] = (attr, traversal_roots(attr.expr))  # keeps attr alive
        return known[1]

    def source_for(self, folder: Path) -> ModuleSource | None:
        if folder not in self.sources:
            parsed = self.parse_dir(folder)
            if parsed is None:
                return None
            self.sources[folder] = parsed
        return self.sources[folder]


class ModuleInstance:
    """One instance of a module (a root, or a call's instance) with its bound variables."""

    def __init__(self, loader: Loader, source: ModuleSource, prefix: str,
                 inputs: dict[str, Callable[[], Any]], root_dir: Path, chain: tuple[Path, ...],
                 call_site: Location | None = None, passed: Callable[[str], str] | None = None) -> None:
        self.loader = loader
        self.passed = passed
        """The provider configuration keys the call hands this instance, by the address the
        module uses (None for a root)."""
        self.call_site = call_site
        """The `module` block of the root that (directly or through other modules) makes this
        instance; None for a root."""
        self.source = source
        self.prefix = prefix
        self.inputs = inputs
        self.root_dir = root_dir
        self.chain = chain
        self._cache: dict[str, Any] = {}
        self._active: set[str] = set()
        self._children: dict[str, Any] = {}
        self._var_lazy = Lazy(self.var, "var")
        self._local_lazy = Lazy(self.local, "local")
        self._data_lazy = Lazy(lambda t: Lazy(lambda n: self.resource_object(f"data.{t}.{n}"), t), "data")
        self._module_lazy = Lazy(self.module_object, "module")

    # --- Scope protocol -------------------------------------------------------------------
    def evaluator(self, **names: Any) -> Evaluator:
        return Evaluator(self, names)

    def lookup(self, name: str) -> Any:
        if name == "var":
            return self._var_lazy
        if name == "local":
            return self._local_lazy
        if name == "data":
            return self._data_lazy
        if name == "module":
            return self._module_lazy
        if name == "path":
            # Terraform runs in the root module's folder: path.module and path.root are relative
            # to it, path.cwd is its absolute path (so `basename(path.cwd)` names the root).
            module_path = os.path.relpath(self.source.dir, self.root_dir).replace(os.sep, "/")
            return {"module": module_path, "root": ".", "cwd": self.root_dir.as_posix()}
        if name == "terraform":
            return {"workspace": Unknown("terraform.workspace")}
        if name in ("each", "count", "self"):
            return Unknown(f"{name} outside its block")
        return Lazy(lambda n: self.resource_object(f"{name}.{n}"), name)

    def call(self, name: str, args: list[Any], exprs: tuple[Any, ...]) -> Any | None:
        if name in ("file", "templatefile", "fileexists"):
            return self._file_function(name, args)
        return None

    def _file_function(self, name: str, args: list[Any]) -> Any:
        if not args or not isinstance(args[0], str):
            return Unknown(f"{name}() of an unknown path")
        path = Path(os.path.normpath(self.root_dir / args[0]))
        text = self.loader.read_file(path)
        if name == "fileexists":
            return text is not None
        if text is None:
            return Unknown(f"{name}({args[0]!r}): not readable inside the scanned tree")
        if name == "file":
            return text
        parse = self.loader.parse_template
        if parse is None:
            from sod_iac.load.hcl import parse_template

            parse = parse_template
        return templatefile(args, text, parse)

    # --- provider configurations ------------------------------------------------------
    def provider_key(self, address: str) -> str:
        """The configuration `address` (`aws`, `aws.prod`) stands for in this module: its own
        `provider` block; else what its call passes; else this module's implicit empty
        default configuration (a root's, when it declares none)."""
        if address in self.source.providers:
            return provider_key(self.prefix.rstrip("."), address)
        passed = self.passed(address) if self.passed is not None else ""
        return passed or provider_key(self.prefix.rstrip("."), address)

    def _passed_providers(self, block: Block) -> Callable[[str], str]:
        """What a module call hands the child: exactly its `providers` map when it has one;
        without, the caller's default configurations (Terraform's implicit inheritance,
        never an aliased one)."""
        attr = block.body.attributes.get("providers")
        if attr is None:
            return lambda address: "" if "." in address else self.provider_key(address)
        mapping = {}
        for key, value in attr.expr.items if isinstance(attr.expr, ObjectExpr) else ():
            child, parent = provider_address(key), provider_address(value)
            if child and parent:
                mapping[child] = self.provider_key(parent)
        return lambda address: mapping.get(address, "")

    def _resource_provider(self, block: Block, rtype: str) -> str:
        """A resource's `provider` meta-argument, else its type's provider (the type's prefix)."""
        attr = block.body.attributes.get("provider")
        address = provider_address(attr.expr) if attr is not None else rtype.split("_", 1)[0]
        return self.provider_key(address) if address else ""

    # --- guarded, cached evaluation -------------------------------------------------------
    def eval_attr(self, attr: Attribute, path: str, evaluator: Evaluator | None = None) -> Any:
        """One argument's value in this module (see `eval_attribute`)."""
        return eval_attribute(evaluator or self.evaluator(), attr, path, self.loader.warn)

    def _cached(self, key: str, compute: Callable[[], Any]) -> Any:
        if key in self._cache:
            return self._cache[key]
        if key in self._active:
            return Unknown(f"cycle through {key}")
        self._active.add(key)
        try:
            value = compute()
        finally:
            self._active.discard(key)
        self._cache[key] = value
        return value

    def var(self, name: str) -> Any:
        return self._cached(f"var.{name}", lambda: self._var_value(name))

    def _var_value(self, name: str) -> Any:
        """What the module sees: the bound value, with `nullable = false` turning a null into the
        default and the `type` constraint applied (optional attributes, their defaults)."""
        declared = self.source.variables.get(name)
        attrs, path = (declared[0].body.attributes, declared[1]) if declared else ({}, "")
        value = self._bound_value(name, attrs, path)
        nullable = attrs.get("nullable")
        if value is None and "default" in attrs and nullable is not None \
                and isinstance(nullable.expr, Lit) and nullable.expr.value is False:
            value = self.eval_attr(attrs["default"], path)
        if "type" in attrs:
            value = convert(value, attrs["type"].expr, Evaluator(TemplateScope()).eval)
        return value

    def _bound_value(self, name: str, attrs: dict[str, Attribute], path: str) -> Any:
        """Lowest to highest: default, terraform.tfvars, *.auto.tfvars, --var-file, argument."""
        if name in self.inputs:
            return self.inputs[name]()
        if self.prefix == "":
            for values in reversed(self.loader.var_files):
                if name in values:
                    return values[name]
            for _, values in reversed(self.source.tfvars):
                if name in values:
                    return values[name]
        if "default" in attrs:
            return self.eval_attr(attrs["default"], path)
        return Unknown(f"var.{name}")

    def local(self, name: str) -> Any:
        if name not in self.source.locals:
            return Unknown(f"local.{name} is not defined")
        return self._cached(f"local.{name}", lambda: self.eval_attr(*self.source.locals[name]))

    # --- resources ------------------------------------------------------------------------
    def expand(self, block: Block, path: str) -> list[tuple[Any, dict[str, Any]]]:
        """Instances of a block as (index, iteration names). A plain block is one instance with
        index None; so is a counted/for_each block whose count or keys are unknown (its
        `count.index`/`each` unknown: one possible instance); a known empty one has none."""
        attrs = block.body.attributes
        if "count" in attrs:
            count = self.eval_attr(attrs["count"], path)
            if isinstance(count, (int, float)) and not isinstance(count, bool) and count >= 0:
                return [(i, {"count": {"index": i}}) for i in range(int(count))]
            return [(None, {"count": {"index": Unknown("count.index")}})]
        if "for_each" in attrs:
            items = self.eval_attr(attrs["for_each"], path)
            if isinstance(items, dict) and all(isinstance(k, str) for k in items):
                return [(k, {"each": {"key": k, "value": v}}) for k, v in sorted(items.items())]
            if isinstance(items, list) and all(isinstance(i, str) for i in items):
                return [(k, {"each": {"key": k, "value": k}}) for k in sorted(set(items))]
            return [(None, {"each": {"key": Unknown("each.key"), "value": Unknown("each.value")}})]
        return [(None, {})]

    def _instances(self, key: str) -> list[tuple[str, Any, dict[str, Any]]]:
        """(address without module prefix, index, names) of each instance of a resource."""
        def compute() -> list[tuple[str, Any, dict[str, Any]]]:
            block, path = self.source.resources[key]
            return [(key if i is None else f"{key}[{_index_text(i)}]", i, names)
                    for i, names in self.expand(block, path)]

        return self._cached(f"instances:{key}", compute)

    def instance_values(self, key: str, address: str, names: dict[str, Any]) -> dict[str, Any]:
        def compute() -> dict[str, Any]:
            block, path = self.source.resources[key]
            values = self.eval_body(block.body, self.evaluator(**names), path, meta=True)
            if key.startswith(POLICY_DOCUMENT + "."):
                values["json"] = values["minified_json"] = self._render_policy(values, block, path)
            return values

        return self._cached(f"values:{address}", compute)

    def _render_policy(self, values: dict[str, Any], block: Block, path: str) -> Any:
        """The provider's `json` attribute; a document the provider would reject is an error."""
        try:
            return render_policy_json(values)
        except ValueError as exc:
            self.loader.errors.append(LoadError(
                path=path, line=block.start_line,
                message=f"line {block.start_line}: invalid aws_iam_policy_document: {exc}"))
            return Unknown("invalid policy document")

    def resource_object(self, key: str) -> Any:
        if key not in self.source.resources:
            return Unknown(f"{key} is not declared in this module")
        block, _ = self.source.resources[key]
        instances = self._instances(key)
        objects = [(index, ResourceValue(self.prefix + address,
                                         _bind(self.instance_values, key, address, names),
                                         collection=index is None and _repeated(block)))
                   for address, index, names in instances]
        if all(index is not None for index, _ in objects):  # known instances, maybe none
            if "for_each" in block.body.attributes:
                return {index: obj for index, obj in objects}
            if "count" in block.body.attributes:
                return [obj for _, obj in objects]
        return objects[0][1]

    def eval_body(self, body: Body, evaluator: Evaluator, path: str, meta: bool = False) -> dict[str, Any]:
        """Arguments and nested blocks in plan-JSON shape (blocks are lists of objects).
        `meta`: this is a resource's own body, whose meta-arguments (count, provider, ...)
        and meta-blocks (lifecycle, ...) are Terraform's, not the provider's; nested blocks
        keep arguments of the same names (a CodePipeline action's `provider`)."""
        values: dict[str, Any] = {}
        for name, attr in body.attributes.items():
            if not (meta and name in META_ATTRIBUTES):
                values[name] = self.eval_attr(attr, path, evaluator)
        for block in body.blocks:
            if meta and block.type in META_BLOCKS:
                continue
            if block.type == "dynamic" and block.labels:
                values.setdefault(block.labels[0], []).extend(self._dynamic(block, evaluator, path))
            else:
                values.setdefault(block.type, []).append(self.eval_body(block.body, evaluator, path))
        return values

    def _dynamic(self, block: Block, evaluator: Evaluator, path: str) -> list[dict[str, Any]]:
        attrs = block.body.attributes
        iterator = block.labels[0]
        if "iterator" in attrs:
            roots = traversal_roots(attrs["iterator"].expr)
            iterator = roots[0][0] if roots else iterator
        content = next((b for b in block.body.blocks if b.type == "content"), None)
        if content is None:
            return []
        items = self.eval_attr(attrs["for_each"], path, evaluator) if "for_each" in attrs else Unknown("for_each")
        pairs = iteration_pairs(items)
        if pairs is None:  # unknown: one possible block
            pairs = [(Unknown(f"{iterator}.key"), Unknown(f"{iterator}.value"))]
        return [self.eval_body(content.body, evaluator.with_vars(**{iterator: {"key": k, "value": v}}), path)
                for k, v in pairs]

    def references(self, body: Body, path: str = "") -> dict[str, list[str]]:
        """Addresses each argument refers to (`role` -> [`aws_iam_role.app`])."""
        out: dict[str, list[str]] = {}
        for name, attr in body.attributes.items():
            if type(attr.expr) is Lit:
                continue  # refers to nothing
            refs = self._addresses(self.loader.roots_of(attr))
            if refs:
                out[path + name] = refs
        for block in body.blocks:
            inner = block.body
            if block.type == "dynamic":
                inner = next((b.body for b in inner.blocks if b.type == "content"), Body())
                name = block.labels[0] if block.labels else "dynamic"
            else:
                name = block.type
            for key, refs in self.references(inner, f"{path}{name}.").items():
                merged = sorted(set(out.get(key, [])) | set(refs))
                out[key] = merged
        return out

    def _addresses(self, roots: list[list[str]]) -> list[str]:
        found = set()
        for names in roots:
            if names[0] == "data" and len(names) >= 3 \
                    and f"data.{names[1]}.{_base(names[2])}" in self.source.resources:
                found.add(f"{self.prefix}data.{names[1]}.{names[2]}")
            elif names[0] == "module" and len(names) >= 2:
                found.add(f"{self.prefix}module.{names[1]}")
            elif names[0] not in NON_RESOURCE_ROOTS and len(names) >= 2 \
                    and f"{names[0]}.{_base(names[1])}" in self.source.resources:
                found.add(f"{self.prefix}{names[0]}.{names[1]}")
        return sorted(found)

    # --- module calls ---------------------------------------------------------------------
    def _call_instances(self, name: str) -> list[tuple[Any, ModuleInstance]] | None:
        """Instances of `module.NAME` as (index, instance), index None when the call is not
        counted or its count/keys are unknown; None when the module cannot be analysed."""
        def compute() -> list[tuple[Any, ModuleInstance]] | None:
            block, path = self.source.modules[name]
            source = _literal_source(block)
            location = Location(path=path, start_line=block.start_line, end_line=block.end_line)
            address = f"{self.prefix}module.{name}"
            if source is None or not is_local_source(source):
                self.loader.skipped.append(SkippedModule(address=address, source=str(source or "?"),
                                                         location=location))
                return None
            folder = Path(os.path.normpath(self.source.dir / source))
            reason = self._unusable(folder)
            child_source = None if reason else self.loader.source_for(folder)
            if reason or child_source is None:
                self.loader.skipped.append(SkippedModule(
                    address=address, source=f"{source} ({reason or 'no .tf files there'})",
                    location=location))
                return None
            out = []
            for index, names in self.expand(block, path):
                prefix = f"{address}[{_index_text(index)}]." if index is not None else f"{address}."
                inputs = {arg: _bind(self._input, attr, path, names)
                          for arg, attr in block.body.attributes.items() if arg not in META_ATTRIBUTES}
                out.append((index, ModuleInstance(self.loader, child_source, prefix, inputs,
                                                  self.root_dir, self.chain + (folder,), self.call_site or location,
                                                  self._passed_providers(block))))
            return out

        return self._cached(f"module:{name}", compute)

    def _unusable(self, folder: Path) -> str | None:
        if folder in self.chain:
            return "calls itself recursively"
        if len(self.chain) > MAX_MODULE_DEPTH:
            return f"module nesting deeper than {MAX_MODULE_DEPTH}"
        try:
            folder.relative_to(self.loader.root)
        except ValueError:
            return "outside the scanned tree; use --repo-root to include it"
        return None

    def _input(self, attr: Attribute, path: str, names: dict[str, Any]) -> Any:
        return self.eval_attr(attr, path, self.evaluator(**names))

    def module_object(self, name: str) -> Any:
        if name not in self.source.modules:
            return Unknown(f"module.{name} is not declared")
        instances = self._call_instances(name)
        if instances is None:
            return Unknown(f"outputs of module.{name} (not analysed)")
        block, _ = self.source.modules[name]
        objects = [(index, ModuleValue(child.output, child.prefix, _bind(sorted, child.source.outputs),
                                       collection=index is None and _repeated(block)))
                   for index, child in instances]
        if all(index is not None for index, _ in objects):  # known instances, maybe none
            if "for_each" in block.body.attributes:
                return {index: obj for index, obj in objects}
            if "count" in block.body.attributes:
                return [obj for _, obj in objects]
        return objects[0][1]

    def output(self, name: str) -> Any:
        if name not in self.source.outputs:
            return Unknown(f"output {name} is not declared")
        block, path = self.source.outputs[name]
        attr = block.body.attributes.get("value")
        if attr is None:
            return Unknown(f"output {name} has no value")
        return self._cached(f"output.{name}", lambda: self.eval_attr(attr, path))

    # --- producing the model --------------------------------------------------------------
    def collect(self) -> None:
        loader = self.loader
        for name, (block, path) in self.source.variables.items():
            sensitive = block.body.attributes.get("sensitive")
            is_sensitive = bool(sensitive and isinstance(sensitive.expr, Lit) and sensitive.expr.value is True)
            with self._block_guard(block, path, f"var.{name}"):
                loader.variables.append(Variable(
                    name=name, module=self.prefix.rstrip("."), sensitive=is_sensitive,
                    value=Unknown("sensitive") if is_sensitive else self.var(name),
                    location=Location(path=path, start_line=block.start_line, end_line=block.end_line)))
        root = loader.rel(self.root_dir)
        module = self.prefix.rstrip(".")
        for address, (block, path) in self.source.providers.items():
            with self._block_guard(block, path, f"provider {address}"):
                loader.add_provider(ProviderConfig(
                    key=provider_key(module, address), name=block.labels[0], alias=address.partition(".")[2],
                    module=provider_key(module, "").rstrip(":"), root=root,
                    values=self.eval_body(block.body, self.evaluator(), path),
                    location=Location(path=path, start_line=block.start_line, end_line=block.end_line)))
        for key, (block, path) in self.source.resources.items():
            mode: Mode = "data" if key.startswith("data.") else "managed"
            rtype, rname = block.labels
            provider = self._resource_provider(block, rtype)
            references = self.references(block.body)
            location = Location(path=path, start_line=block.start_line, end_line=block.end_line)
            with self._block_guard(block, path, key):
                for address, index, names in self._instances(key):
                    values = self.instance_values(key, address, names)
                    loader.resources.append(Resource(
                        address=self.prefix + address, type=rtype, name=rname, mode=mode,
                        module=module, index=index, values=values, references=references,
                        location=location, source="hcl", module_dir=self.source.rel, call_site=self.call_site,
                        root=root, provider=provider, statement_sites=statement_sites(block, path, rtype, values,
                                                                 self.source.locals)))
        for name, (block, path) in self.source.modules.items():
            with self._block_guard(block, path, f"module.{name}"):
                for _, child in self._call_instances(name) or []:
                    child.collect()

    @contextmanager
    def _block_guard(self, block: Block, path: str, what: str) -> Iterator[None]:
        """A block that cannot be built at all (not one value: those become unknown) is an
        error naming file and line; the other blocks and modules are still collected."""
        where = f"line {block.start_line}: {self.prefix}{what}"
        try:
            yield
        except RecursionError:
            self.loader.errors.append(LoadError(path=path, line=block.start_line, message=(
                f"{where}: expressions nested too deeply")))
        except Exception as exc:  # noqa: BLE001 - one bad block must not stop the scan
            self.loader.errors.append(LoadError(path=path, line=block.start_line, message=(
                f"{where}: internal error while evaluating ({type(exc).__name__}: {exc}); "
                "please report it")))


def eval_attribute(evaluator: Evaluator, attr: Attribute, path: str,
                   warn: Callable[[Notice], None]) -> Any:
    """The value of one argument. An exception here is a defect of ours, not of the code (a
    Terraform error is a CallError value, an unknown an Unknown): that one value becomes
    unknown, which reads as "possible", and `warn` gets a notice naming file and line, so the
    rest of the scan goes on and the report says what was not evaluated. Runaway nesting
    (RecursionError) is left to the block: a deep chain is an input problem, not ours."""
    try:
        return evaluator.eval(attr.expr)
    except RecursionError:
        raise
    except Exception as exc:  # noqa: BLE001 - the one place an expression's defect stops
        warn(Notice(path=path, line=attr.start_line, message=(
            f"`{attr.name}` could not be evaluated ({type(exc).__name__}: {exc}); taken as unknown "
            "(possible). Please report it")))
        return Unknown(f"{attr.name}: not evaluated ({type(exc).__name__})")


def _bind(function: Callable[..., Any], *args: Any) -> Callable[[], Any]:
    return lambda: function(*args)


def _repeated(block: Block) -> bool:
    """A block with count or for_each: its name stands for a collection of instances."""
    return "count" in block.body.attributes or "for_each" in block.body.attributes


def _base(name: str) -> str:
    """`r["a"]` -> `r`: the block name of an instance reference."""
    return name.split("[", 1)[0]


def _index_text(index: Any) -> str:
    return json.dumps(index) if isinstance(index, str) else str(index)


def literal_values(body: Body, path: str, warn: Callable[[Notice], None]) -> dict[str, Any]:
    """Evaluate a `.tfvars` body: literals and expressions without references."""
    evaluator = Evaluator(TemplateScope())
    return {name: eval_attribute(evaluator, attr, path, warn) for name, attr in body.attributes.items()}

