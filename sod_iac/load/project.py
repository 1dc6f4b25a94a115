"""Build a Project from paths: discover files, parse them, assemble modules, add plans, and
read the configuration documents under the root (sod_iac.load.documents).

When a plan is given, it is the source of resources (it is what will be applied); the HCL of
its configuration (_plan_configuration_code) gives line numbers and the backends, which plans lack.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from sod_iac.cache.parsed import open_cache
from sod_iac.core.model import LoadError, Location, Notice, Project, Resource
from sod_iac.load.documents import load_documents
from sod_iac.load.files import (
    FileSet,
    common_root,
    discover,
    file_kind,
    is_dir,
    looks_like_plan,
    module_files,
    size_limit,
    tree_reader,
)
from sod_iac.load.local_files import find_local_files
from sod_iac.load.parse import Parsed, one_hcl_error, parse_all, parse_one, template_parser
from sod_iac.load.plan import MAX_DEPTH as MAX_PLAN_DEPTH
from sod_iac.load.plan import is_plan, load_plan, plan_providers
from sod_iac.load.terraform import Loader, ModuleSource, is_local_source, literal_values

T = TypeVar("T")

def build_project(paths: Sequence[str | Path], *, repo_root: str | Path | None, var_files: Sequence[str | Path],
                  jobs: int | None, max_file_size: int,
                  progress: Callable[[int, int], None] | None,
                  cache_dir: str | Path | None = None) -> Project:
    targets = [Path(p).absolute() for p in paths] or [Path.cwd()]
    root = Path(repo_root).absolute() if repo_root else common_root(targets)
    found = discover(targets, root)
    errors: list[LoadError] = list(found.errors)

    work = []
    for path in found.files:
        kind = file_kind(path)
        if kind == "json" and path not in found.explicit and not looks_like_plan(path):
            continue  # an unrelated JSON file in the tree (package.json, ...)
        if kind is None:
            kind = "json"  # an explicit file without a Terraform name: maybe a plan
        work.append((path, found.rel(path), kind, size_limit(kind, max_file_size)))
    errors.extend(_nothing_found(paths, targets, work, found))
    parsed = parse_all(work, jobs, progress, cache_dir)
    code, called = _plan_configuration_code(parsed, found, root, repo_root is not None, max_file_size)
    if code:
        parsed.extend(parse_all(code, jobs, progress, cache_dir))

    sources: dict[Path, ModuleSource] = {}
    plans: list[Parsed] = []
    files_read: list[str] = []
    for item in parsed:
        if item.error:
            errors.append(item.error)
            continue
        files_read.append(item.rel)
        if item.kind in ("tf", "tf.json"):
            folder = item.path.parent
            sources.setdefault(folder, ModuleSource(folder, found.rel(folder) or "."))
            assert item.tree is not None, "a file of code read without an error has its syntax tree"
            sources[folder].add(item.tree)
        elif item.kind == "json":
            if is_plan(item.data):
                plans.append(item)
            else:
                errors.append(LoadError(path=item.rel, message=(
                    "not a Terraform plan: expected `terraform show -json` output with format_version")))
    warnings: list[Notice] = []
    _attach_auto_tfvars(parsed, sources, errors, warnings.append)

    loader = Loader(root, sources, _var_files(var_files, root, max_file_size, errors, warnings.append),
                    tree_reader(root, max_file_size), _dir_parser(root, max_file_size, errors, files_read, cache_dir),
                    called, template_parser(open_cache(cache_dir)))
    loader.run()

    project = Project(root=str(root), files=sorted(set(files_read)), errors=errors + loader.errors,
                      warnings=warnings + loader.warnings, backends=loader.backends, variables=loader.variables,
                      skipped_modules=loader.skipped, providers=loader.providers)
    project.resources = _with_plans(loader.resources, plans, project, found, root, repo_root is not None)
    project.documents, document_errors = load_documents(root)
    project.errors.extend(document_errors)
    project.errors = one_hcl_error(project.errors)
    project.local_files = find_local_files(project)
    return project


NOTHING_FOUND = "no Terraform files (.tf, .tf.json, plan JSON) found in {}"


def _nothing_found(given: Sequence[str | Path], targets: list[Path], work: list[tuple[Path, str, str, int]],
                   found: FileSet) -> list[LoadError]:
    """A folder to scan without any Terraform in it is an error, not a pass: a wrong path (a
    typo in the Action's `path:`) must not go green. Variables files alone are not Terraform."""
    code = [path for path, _, kind, _ in work if kind != "tfvars"]
    errors = []
    for name, target in zip([*given] or ["."], targets):
        if is_dir(target) and not any(target in path.parents for path in code):
            shown = str(name).rstrip("/\\") or str(name)
            errors.append(LoadError(path=found.rel(target) or ".", message=NOTHING_FOUND.format(f"{shown}/")))
    return errors


def _plan_configuration_code(parsed: list[Parsed], found: FileSet, root: Path, whole_root: bool,
                             max_file_size: int) -> tuple[list[tuple[Path, str, str, int]], frozenset[Path]]:
    """Plans carry no lines and no backends: for each plan named on the command line, the `.tf`
    files of its configuration are read too (only for those), and nothing else: the root
    module's folder (the plan's; with --repo-root, that root when the plan's folder holds no
    code) and the folders of the local module calls its `configuration` names, nested calls
    too. Returns the files to parse and the called module folders (never roots)."""
    jobs: list[tuple[Path, str, str, int]] = []
    called: set[Path] = set()
    known = set(found.files)
    for item in parsed:
        if item.error or item.kind != "json" or item.path not in found.explicit or not is_plan(item.data):
            continue
        folder = _plan_root_folder(item, found, root, whole_root)
        modules = _local_module_folders(item.data.get("configuration"), folder)
        called.update(modules)
        for path in (path for each in (folder, *modules) for path in module_files(each)):
            if path not in known:
                known.add(path)
                jobs.append((path, found.rel(path), file_kind(path) or "tf", max_file_size))
    return jobs, frozenset(called)


def _plan_root_folder(plan: Parsed, found: FileSet, root: Path, whole_root: bool) -> Path:
    """The root module folder a plan was made from: the plan's own folder; for a plan named on
    the command line with --repo-root, that root when the plan's folder holds no code."""
    folder = plan.path.parent
    if plan.path in found.explicit and whole_root and not module_files(folder):
        folder = root
    return folder


def _with_plans(hcl: list[Resource], plans: list[Parsed], project: Project, found: FileSet, root: Path,
                whole_root: bool) -> list[Resource]:
    """The resources to judge: a plan is what will be applied, so it replaces the HCL resources
    of the root module it was made from (and only those: other roots found beside it, e.g. a
    plan kept in one folder of a monorepo, are still judged from their HCL). Plan addresses are
    mapped back to the lines of that root's HCL only, never to a namesake in another root."""
    if not plans:
        return hcl
    by_root: dict[str, list[Resource]] = {}
    for resource in hcl:
        by_root.setdefault(resource.root, []).append(resource)
    kept = dict(by_root)
    planned: list[Resource] = []
    for plan in plans:
        plan_root = found.rel(_plan_root_folder(plan, found, root, whole_root)) or "."
        own = by_root.get(plan_root, [])
        kept.pop(plan_root, None)
        located: dict[str, Location | None] = {r.address: r.location for r in own if r.location}
        providers, provider_errors = plan_providers(plan.data, plan.rel)
        resources, variables, plan_errors = load_plan(plan.data, plan.rel, _locator(located), depth=plan.depth)
        plan.data = None  # handed over (load_plan may have changed it): not used again
        twins = _locator({r.address: r for r in own})
        for resource in resources:
            resource.root = plan.rel
            twin = twins(resource.address) if twins is not None else None
            if twin is not None:  # what only the .tf knows: its statements' lines, its module call
                resource.statement_sites = resource.statement_sites or list(twin.statement_sites)
                resource.call_site = resource.call_site or twin.call_site
        planned.extend(resources)
        project.variables.extend(variables)
        project.providers.extend(providers)
        project.errors.extend(provider_errors + plan_errors)
    return [r for resources in kept.values() for r in resources] + planned


def _local_module_folders(configuration: Any, root_folder: Path) -> list[Path]:
    """Folders of the local module calls in a plan's `configuration` (root_module.module_calls.
    NAME.source, relative to the calling module's folder; nested calls under NAME.module), in
    order, each once. Registry, git and http sources are never fetched, so not read."""
    module = configuration.get("root_module") if isinstance(configuration, dict) else None
    stack: list[tuple[Any, Path, int]] = [(module, root_folder, 0)]
    folders: list[Path] = []
    while stack:
        module, folder, depth = stack.pop()
        calls = module.get("module_calls") if isinstance(module, dict) else None
        if not isinstance(calls, dict) or depth >= MAX_PLAN_DEPTH:
            continue
        for call in reversed(list(calls.values())):
            source = call.get("source") if isinstance(call, dict) else None
            if not isinstance(source, str) or not is_local_source(source):
                continue
            child = Path(os.path.normpath(folder / source))
            if child not in folders:
                folders.append(child)
            stack.append((call.get("module"), child, depth + 1))
    return folders


def _locator(located: dict[str, T]) -> Callable[[str], T | None] | None:
    """Map a plan address to what the HCL block has (its location, its resource): exact
    instance, else the block without index, else the first block whose address is the same
    without any index. None: no HCL."""
    if not located:
        return None
    unindexed: dict[str, T] = {}
    for candidate, location in located.items():
        unindexed.setdefault(_strip_indexes(candidate), location)

    def locate(address: str) -> T | None:
        if address in located:
            return located[address]
        base = address
        while base.endswith("]") and "[" in base:
            base = base[:base.rindex("[")]
            if base in located:
                return located[base]
        return unindexed.get(_strip_indexes(address))
    return locate


def _strip_indexes(address: str) -> str:
    out, depth, quote = [], 0, False
    for ch in address:
        if ch == '"' and depth:
            quote = not quote
        if ch == "[" and not quote:
            depth += 1
        elif ch == "]" and not quote and depth:
            depth -= 1
            continue
        if not depth:
            out.append(ch)
    return "".join(out)


def _attach_auto_tfvars(parsed: list[Parsed], sources: dict[Path, ModuleSource],
                        errors: list[LoadError], warn: Callable[[Notice], None]) -> None:
    """`terraform.tfvars` then `*.auto.tfvars` (lexical order) bind a root module's variables."""
    def order(item: Parsed) -> tuple[int, str]:
        name = item.path.name
        return (0 if name.startswith("terraform.tfvars") else 1, name)

    by_dir: dict[Path, list[Parsed]] = defaultdict(list)
    for item in parsed:
        name = item.path.name
        if item.error or item.kind != "tfvars":
            continue
        if name in ("terraform.tfvars", "terraform.tfvars.json") or ".auto.tfvars" in name:
            by_dir[item.path.parent].append(item)
    for folder, items in by_dir.items():
        if folder not in sources:
            continue
        for item in sorted(items, key=order):
            values = _tfvars_values(item, warn)
            if isinstance(values, dict):
                sources[folder].tfvars.append((item.rel, values))
            else:
                errors.append(LoadError(path=item.rel, message="a variables file must hold an object"))


def _tfvars_values(item: Parsed, warn: Callable[[Notice], None]) -> Any:
    if item.tree is not None and item.tree.body is not None:
        return literal_values(item.tree.body, item.rel, warn)
    return item.data


def _var_files(var_files: Sequence[str | Path], root: Path, max_size: int,
               errors: list[LoadError], warn: Callable[[Notice], None]) -> list[dict[str, Any]]:
    out = []
    for name in var_files:
        path = Path(name).absolute()
        rel = _rel(path, root)
        kind = "json" if path.name.endswith(".json") else "tfvars"
        item = parse_one((path, rel, kind, max_size))
        if item.error:
            errors.append(item.error)
            continue
        values = _tfvars_values(item, warn)
        if isinstance(values, dict):
            out.append(values)
        else:
            errors.append(LoadError(path=rel, message="a variables file must hold an object"))
    return out


def _rel(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def _dir_parser(root: Path, max_size: int, errors: list[LoadError], files_read: list[str],
                cache_dir: str | Path | None = None) -> Callable[[Path], ModuleSource | None]:
    """Parse a module folder that a call reaches but the scanned paths did not include."""
    def parse_dir(folder: Path) -> ModuleSource | None:
        if not is_dir(folder):
            return None
        source = ModuleSource(folder, _rel(folder, root) or ".")
        count = 0
        for path in module_files(folder):
            kind = file_kind(path)
            job = (path, _rel(path, root), kind, max_size)
            item = parse_one(job if cache_dir is None else (*job, str(cache_dir)))
            if item.error:
                errors.append(item.error)
                continue
            files_read.append(item.rel)
            assert item.tree is not None, "a file of code read without an error has its syntax tree"
            source.add(item.tree)
            count += 1
        return source if count else None
    return parse_dir
