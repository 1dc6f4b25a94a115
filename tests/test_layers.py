"""No import circles among sod_iac's modules (issue 20).

A circle means neither module can be read, tested or changed without the other, and its
order of import decides which half sees the other half-built. Every import counts, at module
level and inside functions (a function-level import is a circle put off, not broken); only
`if TYPE_CHECKING:` imports are left out, since they never run. The allow-list holds the
circles not broken yet; none may be in access/ or cache/, and an entry that is no longer a
circle must leave the list.
"""

from __future__ import annotations

import ast
from pathlib import Path

import sod_iac

PACKAGE = Path(sod_iac.__file__).resolve().parent

ALLOWED: set[frozenset[str]] = set()
"""Circles not broken yet: none (issue 20 broke the last ones)."""


def modules(root: Path = PACKAGE) -> dict[str, Path]:
    """Every module of the package by dotted name (a package by its own name)."""
    found = {}
    for path in root.rglob("*.py"):
        parts = list(path.relative_to(root.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def _type_checking_only(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(tree: ast.AST) -> list[ast.Import | ast.ImportFrom]:
    out: list[ast.Import | ast.ImportFrom] = []
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and _type_checking_only(node):
            stack.extend(node.orelse)
            continue
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            out.append(node)
        stack.extend(ast.iter_child_nodes(node))
    return out


def import_graph(known: dict[str, Path]) -> dict[str, set[str]]:
    """Module -> the package's modules it imports: `from a.b import c` names the module a.b.c
    when there is one, else a.b."""
    graph: dict[str, set[str]] = {}
    for name, path in known.items():
        edges = graph[name] = set()
        package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
        for node in _imports(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                edges.update(a.name for a in node.names if a.name in known)
                continue
            base = node.module or ""
            if node.level:
                base = ".".join(package[:len(package) - node.level + 1] + ([base] if base else []))
            for alias in node.names:
                target = f"{base}.{alias.name}"
                if target in known:
                    edges.add(target)
                elif base in known:
                    edges.add(base)
    return graph


def circles(graph: dict[str, set[str]]) -> list[frozenset[str]]:
    """The strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[frozenset[str]] = []
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(frozenset(component))
    return found


def test_the_graph_sees_function_level_imports():
    graph = import_graph(modules())
    # sod_iac.rules.context imports the duty service inside Context.duties
    assert "sod_iac.access.duties.service" in graph["sod_iac.rules.context"]


def test_no_import_circle_outside_the_allow_list():
    found = set(circles(import_graph(modules())))
    new = [sorted(c) for c in found - ALLOWED]
    assert not new, f"import circles: {new}"


def test_the_allow_list_holds_only_circles_that_still_exist():
    found = set(circles(import_graph(modules())))
    assert not [sorted(c) for c in ALLOWED - found]


def test_no_circle_is_allowed_in_cache():
    assert not [sorted(c) for c in ALLOWED if any(m.startswith("sod_iac.cache.") for m in c)]


def test_the_duty_service_and_the_secret_readers_are_no_circle():
    """The circles issue 20 broke stay broken (duties<->telling<->gcp, secrets<->readers)."""
    found = circles(import_graph(modules()))
    assert not [sorted(c) for c in found if any(m.startswith(("sod_iac.access.duties", "sod_iac.access.secret"))
                                                 for m in c)]


# --- rules combine the engines' answers (issue 20) ------------------------------------------

POLICY_INTERNALS_ALLOWED: set[str] = {
    # SOD120 matches a trust statement's actions itself: not moved into the engine yet
    "sod_iac.rules.combined_duties.ci_trusts",
}
"""Rule modules that still import an engine's policy internals; none may be a state rule."""


def _policy_internals(path: Path) -> list[str]:
    """What a module imports from the engines' policy internals: the AWS policy evaluator
    (access.aws_policy, any access.*_policy module) and the non-table names of access.aws_model
    (statement_evidence and the like; its PRINCIPAL_TYPES-style tables are data)."""
    found = []
    for node in _imports(ast.parse(path.read_text(encoding="utf-8"))):
        names = [a.name for a in node.names]
        base = (node.module or "") if isinstance(node, ast.ImportFrom) else ""
        targets = [base] if base else names
        for target in targets:
            parts = target.split(".")
            if target.startswith("sod_iac.access.") and parts[2].endswith("_policy"):
                found.append(target)
            elif target == "sod_iac.access.aws_model":
                found.extend(f"{target}.{n}" for n in names if not n.isupper())
            elif target == "sod_iac.access" and any(n.endswith("_policy") for n in names):
                found.append(target)
    return found


def _rule_modules() -> dict[str, Path]:
    return {name: path for name, path in modules().items() if name.startswith("sod_iac.rules.")}


def test_rules_do_not_import_policy_internals():
    offenders = {name: found for name, path in _rule_modules().items()
                 if (found := _policy_internals(path)) and name not in POLICY_INTERNALS_ALLOWED}
    assert not offenders, f"rules evaluating policies themselves (ask the engine instead): {offenders}"


def test_the_policy_internals_allow_list_holds_only_offenders():
    known = _rule_modules()
    assert not [m for m in POLICY_INTERNALS_ALLOWED if not _policy_internals(known[m])]


def test_the_state_rules_ask_the_engines_only_the_storage_questions():
    """SOD201-205 and their helpers reach the access layer only through access/storage*.py."""
    state = {name: path for name, path in _rule_modules().items()
             if name.startswith("sod_iac.rules.approval.") and name.rsplit(".", 1)[-1].startswith(
                 ("sod201_", "sod202_", "sod203_", "sod204_", "sod205_", "state_", "common"))}
    assert len(state) == 8
    graph = import_graph(modules())
    reached = {name: sorted(m for m in graph[name] if m.startswith("sod_iac.access")
                            and not m.startswith("sod_iac.access.storage")) for name in state}
    assert not {name: found for name, found in reached.items() if found}


def _sod_iac_imports(path: Path) -> set[str]:
    """The sod_iac modules a file outside the package imports (`from a import b` counts as a)."""
    names: set[str] = set()
    for node in _imports(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names if a.name.split(".")[0] == "sod_iac")
        elif node.module and node.module.split(".")[0] == "sod_iac":
            names.add(node.module)
    return names


def test_the_checkov_adapter_enters_through_one_module():
    """checks/ imports the pipeline's Checkov entry and the model's types, nothing else of
    sod_iac (not the CLI, not the engines): sod_iac's insides may move without touching it."""
    adapter = PACKAGE.parent / "checks" / "sod_iac_checks.py"
    assert _sod_iac_imports(adapter) == {"sod_iac.pipeline.checkov_entry", "sod_iac.core.model"}
