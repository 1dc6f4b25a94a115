"""Wildcards for rule ids, resource addresses and paths.

Why not fnmatch: Terraform addresses contain `[` and `]` (`aws_iam_role.app["k"]`), which
fnmatch reads as character classes. Here only `*` and `?` are special for ids and addresses;
paths are gitignore globs, read by pathspec.
"""

from __future__ import annotations

import re
from functools import lru_cache

import pathspec

_POLICY_VARIABLE = re.compile(r"(\$\{[^}]*\}|\*|\?)")


@lru_cache(maxsize=65536)
def glob_regex(pattern: str, *, case_insensitive: bool = False,
               policy_variables: bool = False) -> re.Pattern[str]:
    """The one `*`/`?` glob: `*` any run of characters (newlines too), `?` one character, the
    rest literal. IAM, GCP, Azure, OIDC subjects, rule ids and addresses all share it;
    `policy_variables` also reads an IAM `${...}` as any run (its value is the request's)."""
    pieces = _POLICY_VARIABLE.split(pattern) if policy_variables else pattern
    body = "".join(".*" if p == "*" or (policy_variables and p.startswith("${") and p.endswith("}"))
                   else "." if p == "?" else re.escape(p) for p in pieces)
    return re.compile(body, re.DOTALL | (re.IGNORECASE if case_insensitive else 0))


def matches(pattern: str, text: str, *, case_insensitive: bool = False) -> bool:
    """`*` is any run of characters (including none), `?` one character; the rest is literal."""
    return glob_regex(pattern, case_insensitive=case_insensitive).fullmatch(text) is not None


def is_pattern(text: str) -> bool:
    return "*" in text or "?" in text


def rule_matches(pattern: str, rule_id: str) -> bool:
    """Rule ids compare case-insensitively: `sod1*` selects SOD101..SOD121."""
    return matches(pattern, rule_id, case_insensitive=True)


@lru_cache(maxsize=1024)
def _path_spec(pattern: str) -> pathspec.GitIgnoreSpec:
    return pathspec.GitIgnoreSpec.from_lines([pattern])


def path_matches(pattern: str, path: str) -> bool:
    """Does a gitignore glob (pathspec's, as git reads .gitignore) match `path` (POSIX,
    relative) or one of its parent folders?

    `examples` and `**/examples` exclude every folder called examples; `modules/legacy/*.tf`
    only those files; `legacy/**` everything below legacy/ at the top.
    """
    return _path_spec(pattern).match_file(path)
