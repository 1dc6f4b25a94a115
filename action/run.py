#!/usr/bin/env python3
"""The logic of the sod-iac GitHub Action (`action.yml`), in one script the steps run.

    run.py install   make a virtual environment and install sod-iac into it
    run.py scan      scan, annotate, write the step summary, comment, set the outputs
    run.py finish    exit with the scan's exit code

Why a script and not shell in action.yml: every value that comes from the workflow (the
inputs, the event, the token) reaches this code through environment variables set in the
step's `env:` and is only ever used as data: an argument in an argv list (never a shell
string), a JSON field, or a line of a file command written with a random delimiter. No
`${{ ... }}` expression is expanded inside a script, which is what makes an input such as
`$(touch pwned)` harmless. And a script can be run by the tests with a simulated GitHub
environment (`GITHUB_OUTPUT`, `GITHUB_STEP_SUMMARY`, `GITHUB_EVENT_PATH`, ...).

It calls the `sod-iac` command line as a subprocess, so it works with whichever sod-iac
version the `version` input installs. Of sod-iac's code it imports only two modules of the
standard library alone, from the `sod_iac` package beside it in the action's own checkout (the
same commit as this file, whatever `version` installs): the workflow commands' escaping
(sod_iac.util.workflow_commands, as `--format github` escapes) and git run offline
(sod_iac.util.git, as `--new-since` runs it). So the `install` phase runs them on a bare
Python, before anything is installed.

The order of the steps is the point of `scan` not failing: it always succeeds and leaves
the scan's exit code in the `exit-code` output, so the SARIF upload and the step summary
happen for a failing scan too; `finish`, the last step, then exits with that code.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

# sod_iac from this checkout (action/run.py's parent folder), not an installed release: the
# modules imported below use the standard library only (tests/test_action.py checks it).
_CHECKOUT = str(Path(__file__).resolve().parent.parent)
if _CHECKOUT not in sys.path:
    sys.path.insert(0, _CHECKOUT)

from sod_iac.util.git import GitError, GitFailed, commit_of, is_shallow, toplevel  # noqa: E402 - needs the checkout on sys.path
from sod_iac.util.workflow_commands import workflow_command  # noqa: E402 - needs the checkout on sys.path

SEVERITIES = ("critical", "high", "medium", "low")
COMMENT_MARKER = "<!-- sod-iac:pull-request-report -->"
"""Hidden first line of the one PR comment this action keeps up to date."""
COMMENT_MAX_CHARS = 65_000
"""GitHub refuses comment bodies over 65,536 characters; keep a margin."""
_VERSION = re.compile(r"^[0-9][0-9A-Za-z.+!-]*$")
_SCAN_TIMEOUT = 3600

Transport = Callable[[str, str, Mapping[str, str], bytes | None], tuple[int, Mapping[str, str], bytes]]
"""(method, url, headers, body) -> (status, headers, body): how the GitHub API is reached."""


class ActionError(Exception):
    """A bad input: reported as an error annotation, and the action exits 2."""


# --------------------------------------------------------------------------- workflow commands


def command(level: str, message: str, title: str = "sod-iac") -> str:
    """`::notice title=...::message`, escaped so a message can never start another command."""
    return workflow_command(level, message, [("title", title)])


class Log:
    """What the step prints: workflow commands, and untrusted text with commands switched off."""

    def __init__(self, out: TextIO) -> None:
        self.out = out

    def line(self, text: str) -> None:
        self.out.write(text + "\n")
        self.out.flush()

    def notice(self, message: str, title: str = "sod-iac") -> None:
        self.line(command("notice", message, title))

    def warning(self, message: str, title: str = "sod-iac") -> None:
        self.line(command("warning", message, title))

    def error(self, message: str, title: str = "sod-iac") -> None:
        self.line(command("error", message, title))

    def verbatim(self, text: str) -> None:
        """Text that may come from the scanned code (file names, messages): printed between
        `::stop-commands::` and its random token, so the runner reads no command in it."""
        if not text.strip():
            return
        token = secrets.token_hex(16)
        self.line(f"::stop-commands::{token}")
        self.out.write(text if text.endswith("\n") else text + "\n")
        self.line(f"::{token}::")


# --------------------------------------------------------------------------- files the runner reads


def set_outputs(path: str | None, values: Mapping[str, str]) -> None:
    """Append outputs to $GITHUB_OUTPUT in the multi-line form with a random delimiter, so a
    value (a path from an input, say) can never add or overwrite another output."""
    if not path:
        return
    with open(path, "a", encoding="utf-8") as fh:
        for name, value in values.items():
            delimiter = f"ghadelimiter_{secrets.token_hex(16)}"
            fh.write(f"{name}<<{delimiter}\n{value}\n{delimiter}\n")


def append_summary(path: str | None, markdown: str) -> None:
    if not path:
        return
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(markdown if markdown.endswith("\n") else markdown + "\n")


# --------------------------------------------------------------------------- inputs and context


def _bool(env: Mapping[str, str], variable: str, default: bool) -> bool:
    """INPUT_SOFT_FAIL -> the soft-fail input as a boolean; only 'true' and 'false' mean one."""
    raw = env.get(variable, "").strip().lower()
    if raw == "":
        return default
    if raw in ("true", "false"):
        return raw == "true"
    name = variable.removeprefix("INPUT_").lower().replace("_", "-")
    raise ActionError(f"input {name} must be 'true' or 'false', not {raw!r}")


@dataclass
class Inputs:
    paths: list[str]
    config: str
    fail_on: str
    soft_fail: bool
    only_new: bool
    sarif_file: str
    upload_sarif: bool
    annotations: bool
    summary: bool
    comment: bool
    matrix: bool = False

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Inputs:
        paths = [p.strip() for p in env.get("INPUT_PATH", "").splitlines() if p.strip()] or ["."]
        fail_on = env.get("INPUT_FAIL_ON", "").strip().lower() or "high"
        if fail_on not in SEVERITIES:
            raise ActionError(f"input fail-on must be one of {', '.join(SEVERITIES)}, not {fail_on!r}")
        return cls(paths=paths, config=env.get("INPUT_CONFIG", "").strip(), fail_on=fail_on,
                   soft_fail=_bool(env, "INPUT_SOFT_FAIL", False), only_new=_bool(env, "INPUT_ONLY_NEW", True),
                   sarif_file=env.get("INPUT_SARIF_FILE", "").strip() or "sod-iac.sarif",
                   upload_sarif=_bool(env, "INPUT_UPLOAD_SARIF", True),
                   annotations=_bool(env, "INPUT_ANNOTATIONS", True), summary=_bool(env, "INPUT_SUMMARY", True),
                   comment=_bool(env, "INPUT_COMMENT", False), matrix=_bool(env, "INPUT_MATRIX", False))


@dataclass
class Context:
    """What the runner tells about the run, read from GITHUB_* variables and the event file."""

    workspace: Path
    event_name: str
    event: dict[str, Any]
    repository: str
    actor: str
    api_url: str
    token: str
    temp: Path

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Context:
        event: dict[str, Any] = {}
        event_path = env.get("GITHUB_EVENT_PATH", "")
        if event_path:
            try:
                loaded = json.loads(Path(event_path).read_text(encoding="utf-8"))
                event = loaded if isinstance(loaded, dict) else {}
            except (OSError, ValueError):
                event = {}
        temp = Path(env.get("RUNNER_TEMP") or tempfile.gettempdir()) / "sod-iac"
        return cls(workspace=Path(env.get("GITHUB_WORKSPACE") or os.getcwd()).absolute(),
                   event_name=env.get("GITHUB_EVENT_NAME", ""), event=event,
                   repository=env.get("GITHUB_REPOSITORY", ""), actor=env.get("GITHUB_ACTOR", ""),
                   api_url=(env.get("GITHUB_API_URL") or "https://api.github.com").rstrip("/"),
                   token=env.get("SOD_IAC_GITHUB_TOKEN", ""), temp=temp)

    @property
    def pull_request(self) -> dict[str, Any] | None:
        pr = self.event.get("pull_request")
        return pr if isinstance(pr, dict) else None

    @property
    def base_sha(self) -> str | None:
        sha = ((self.pull_request or {}).get("base") or {}).get("sha")
        return sha if isinstance(sha, str) and re.fullmatch(r"[0-9a-f]{40}|[0-9a-f]{64}", sha) else None

    def read_only_reason(self) -> str | None:
        """Why the token cannot write on this run, or None. On `pull_request` events from a
        fork (and from Dependabot) GitHub hands out a read-only token whatever `permissions:`
        says; commenting and uploading would only fail the job."""
        pr = self.pull_request
        if self.event_name != "pull_request" or pr is None:
            return None
        head = ((pr.get("head") or {}).get("repo") or {}).get("full_name")
        base = ((pr.get("base") or {}).get("repo") or {}).get("full_name") or self.repository
        if head != base:
            return f"this pull request comes from a fork ({head or 'a deleted repository'})"
        if self.actor == "dependabot[bot]":
            return "Dependabot's pull requests run with a read-only token"
        return None


# --------------------------------------------------------------------------- git and the scan


def repository_root(paths: list[Path], workspace: Path) -> Path:
    """The git repository holding the scanned paths (report paths are relative to it, as code
    scanning wants); the workspace when they are not in a repository."""
    first = paths[0] if paths[0].is_dir() else paths[0].parent
    try:
        return toplevel(first if first.is_dir() else workspace)
    except GitError:
        return workspace


def missing_history(repo: Path, sha: str) -> str | None:
    """None when `sha` is in the clone; else why not, in words for the workflow log."""
    try:
        if commit_of(repo, sha) is not None:
            return None
        shallow = is_shallow(repo)
    except GitFailed:  # not a repository at all: the commit is not there either
        shallow = False
    except GitError as exc:
        return str(exc)
    if shallow:
        return "this clone is shallow (actions/checkout fetches one commit by default)"
    return "the base commit is not in this clone"


@dataclass
class Scan:
    """One run of `sod-iac scan` and what it wrote."""

    exit_code: int
    stderr: str
    reports: dict[str, Path] = field(default_factory=dict)

    def count(self) -> int | None:
        path = self.reports.get("json")
        try:
            return len(json.loads(path.read_text(encoding="utf-8"))["findings"]) if path else None
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def text(self, fmt: str) -> str:
        path = self.reports.get(fmt)
        try:
            return path.read_text(encoding="utf-8") if path else ""
        except OSError:
            return ""


def run_scan(sod_iac: list[str], paths: list[Path], inputs: Inputs, repo_root: Path, reports: dict[str, Path],
             env: Mapping[str, str], cache_dir: Path, config: Path | None, new_since: str | None = None) -> Scan:
    """`sod-iac scan` with every value as its own argv element (no shell), `--opt=value` forms
    so no value is read as an option, and the paths after `--`."""
    args = [*sod_iac, "scan", "--no-color", f"--fail-on={inputs.fail_on}", f"--repo-root={repo_root}",
            f"--cache-dir={cache_dir}"]
    if config is not None:
        args.append(f"--config={config}")
    if inputs.soft_fail:
        args.append("--soft-fail")
    if new_since:
        args.append(f"--new-since={new_since}")
    for fmt, path in reports.items():
        path.unlink(missing_ok=True)
        args.append(f"--output={fmt}:{path}")
    args += ["--", *map(str, paths)]
    try:
        proc = run_child(args, env)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return Scan(2, f"sod-iac could not be run: {exc}")
    written = {fmt: path for fmt, path in reports.items() if path.is_file()}
    return Scan(proc.returncode if proc.returncode in (0, 1, 2) else 2, proc.stderr + proc.stdout, written)


def run_child(args: list[str], env: Mapping[str, str]) -> subprocess.CompletedProcess[str]:
    """sod-iac as a child: argv (no shell), no stdin, without the token and the inputs."""
    child_env = {k: v for k, v in env.items() if k != "SOD_IAC_GITHUB_TOKEN" and not k.startswith("INPUT_")}
    return subprocess.run(args, capture_output=True, text=True, env=child_env, timeout=_SCAN_TIMEOUT,
                          check=False, stdin=subprocess.DEVNULL)


def matrix_markdown(sod_iac: list[str], paths: list[Path], repo_root: Path, env: Mapping[str, str],
                    cache_dir: Path, config: Path | None, log: Log) -> str:
    """`sod-iac matrix --format markdown` for the job summary (input `matrix`), run as the scan
    is (argv, `--opt=value`, paths after `--`). Its exit code does not change the job's: the
    scan's findings already do."""
    args = [*sod_iac, "matrix", "--format=markdown", f"--repo-root={repo_root}", f"--cache-dir={cache_dir}"]
    if config is not None:
        args.append(f"--config={config}")
    args += ["--", *map(str, paths)]
    try:
        proc = run_child(args, env)
    except (OSError, subprocess.TimeoutExpired) as exc:
        log.warning(f"the SoD matrix could not be made: {exc}")
        return ""
    log.verbatim(proc.stderr)
    return proc.stdout


# --------------------------------------------------------------------------- the pull-request comment


def urllib_transport(method: str, url: str, headers: Mapping[str, str], body: bytes | None
                     ) -> tuple[int, Mapping[str, str], bytes]:
    request = urllib.request.Request(url, data=body, headers=dict(headers), method=method)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - https API URL
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers or {}), exc.read()


class GitHubAPI:
    """The three REST calls the comment needs, through a transport the tests can replace."""

    def __init__(self, api_url: str, token: str, transport: Transport = urllib_transport) -> None:
        self.api_url, self.token, self.transport = api_url.rstrip("/"), token, transport

    def call(self, method: str, path: str, payload: Any = None) -> Any:
        headers = {"Accept": "application/vnd.github+json", "Authorization": f"Bearer {self.token}",
                   "X-GitHub-Api-Version": "2022-11-28", "User-Agent": "sod-iac-action"}
        body = None
        if payload is not None:
            body = json.dumps(payload).encode("utf-8")
            headers["Content-Type"] = "application/json"
        status, _headers, data = self.transport(method, f"{self.api_url}{path}", headers, body)
        if not 200 <= status < 300:
            detail = ""
            try:
                detail = str(json.loads(data.decode("utf-8")).get("message", ""))
            except (ValueError, AttributeError, UnicodeDecodeError):
                pass
            raise ActionError(f"GitHub API {method} {path}: HTTP {status}" + (f" ({detail})" if detail else ""))
        return json.loads(data.decode("utf-8")) if data else None


def upsert_comment(api: GitHubAPI, repository: str, number: int, body: str, create: bool = True
                   ) -> tuple[str, int]:
    """Update the report comment a previous run made (found by the hidden marker, and written
    by a bot, so a comment someone pasted the marker into is left alone), or create it when
    `create`. Returns ("created" | "updated" | "skipped", comment id or 0)."""
    existing = None
    page = 1
    while existing is None:
        comments = api.call("GET", f"/repos/{repository}/issues/{number}/comments?per_page=100&page={page}")
        if not isinstance(comments, list):
            break
        for item in comments:
            user = item.get("user") or {}
            if str(item.get("body", "")).startswith(COMMENT_MARKER) and user.get("type") == "Bot":
                existing = item
                break
        if len(comments) < 100:
            break
        page += 1
    if existing is not None:
        api.call("PATCH", f"/repos/{repository}/issues/comments/{existing['id']}", {"body": body})
        return "updated", int(existing["id"])
    if not create:
        return "skipped", 0
    created = api.call("POST", f"/repos/{repository}/issues/{number}/comments", {"body": body})
    return "created", int(created["id"])


def comment_body(markdown: str) -> str:
    body = f"{COMMENT_MARKER}\n{markdown.rstrip()}\n"
    if len(body) <= COMMENT_MAX_CHARS:
        return body
    tail = "\n\n_The report is longer than a comment may be: the job summary has all of it._\n"
    cut = body[:COMMENT_MAX_CHARS - len(tail)]
    return cut[:cut.rfind("\n")] + tail


# --------------------------------------------------------------------------- the summary's own parts


NOTES_MARKER = "<!-- sod-iac:notes -->"
"""Where sod-iac's markdown report wants notes of its caller: after its first paragraph, which
says what the pull request introduces and what was already on the base."""


def warning_note(text: str) -> str:
    """A GitHub alert block (rendered as a yellow "Warning" box)."""
    return "> [!WARNING]\n> " + text


def with_notes(markdown: str, notes: list[str]) -> str:
    """The report with the action's notes where the report leaves room for them; a report
    without the marker (a sod-iac release from before it) gets them at the end."""
    if not markdown or not notes:
        return markdown
    note = "\n\n".join(notes)
    if NOTES_MARKER in markdown:
        return markdown.replace(NOTES_MARKER, note, 1)
    return f"{markdown.rstrip()}\n\n{note}\n"


def fenced(text: str, limit: int = 20_000) -> str:
    """Untrusted text (messages naming the scanned files) shown as is: in a code fence longer
    than any run of backticks inside it, so it can close nothing; the end of it when long."""
    text = text.strip()
    if len(text) > limit:
        text = "…" + text[-limit:]
    fence = "`" * max(3, max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    return f"{fence}text\n{text}\n{fence}"


def did_not_run(scan: Scan, missing: list[str]) -> str:
    """The job summary (and comment) when sod-iac wrote no report: say so and why, so the
    summary is not empty with the reason only in the log."""
    parts = ["## sod-iac: the scan did not run",
             f"**sod-iac stopped before reporting anything (exit code {scan.exit_code})**, so this run "
             "reports no findings, and the job fails."]
    if missing:
        parts.append("The `path` input names what does not exist in the workspace (paths are relative to "
                     "`$GITHUB_WORKSPACE`, the checkout):\n\n" + fenced("\n".join(missing)))
    if scan.stderr.strip():
        parts.append("What sod-iac said:\n\n" + fenced(scan.stderr))
    return "\n\n".join(parts) + "\n"


# --------------------------------------------------------------------------- the phases


def scan_phase(env: Mapping[str, str], out: TextIO, transport: Transport = urllib_transport) -> int:
    """Run the scan and everything that reports it. Returns the step's exit code, which is 0
    unless the action itself is broken: findings reach the job through `finish`."""
    log = Log(out)
    outputs = {"findings": "", "new-findings": "", "sarif-file": "", "exit-code": "2", "upload-sarif": "false"}
    try:
        inputs = Inputs.from_env(env)
    except ActionError as exc:
        log.error(str(exc), "sod-iac: bad input")
        set_outputs(env.get("GITHUB_OUTPUT"), outputs)
        return 0
    ctx = Context.from_env(env)
    ctx.temp.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="run-", dir=ctx.temp))
    sod_iac = [env.get("SOD_IAC") or "sod-iac"]

    scan_paths = [ctx.workspace / p for p in inputs.paths]
    repo_root = repository_root(scan_paths, ctx.workspace)
    sarif = ctx.workspace / inputs.sarif_file
    config = ctx.workspace / inputs.config if inputs.config else None
    cache_dir = ctx.temp / "cache"
    read_only = ctx.read_only_reason()

    base = ctx.base_sha if inputs.only_new else None
    notes: list[str] = []
    if inputs.only_new and ctx.pull_request is not None and base is None:
        log.warning("only-new: the pull_request event names no base commit; every finding is reported.")
        notes.append(warning_note("The pull request event names no base commit, so this report cannot tell "
                                  "what the pull request introduces: it lists every finding on the commit."))
    if base is not None:
        why = missing_history(repo_root, base)
        if why is not None:
            log.warning(f"only-new: the base commit {base[:12]} of this pull request is not available: {why}. "
                        "Every finding is reported, not only the new ones. Check out with "
                        "`fetch-depth: 0` (actions/checkout) to report only what the pull request introduces.",
                        "sod-iac: history missing")
            notes.append(warning_note(
                f"The base commit `{base[:12]}` is not in this clone, so this report cannot tell what the "
                "pull request introduces: it lists every finding on the commit. Check out with "
                "`fetch-depth: 0` (actions/checkout) to see only the new ones."))
            base = None

    # The full scan: SARIF for code scanning always holds every finding (code scanning tells
    # new from old itself, and a partial upload would mark the others as fixed).
    try:
        sarif.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        log.error(f"cannot create the folder for sarif-file: {exc}", "sod-iac: bad input")
    full = run_scan(sod_iac, scan_paths, inputs, repo_root, {
        "json": work / "all.json", "sarif": sarif, "markdown": work / "all.md", "github": work / "all.gh",
        "text": work / "all.txt"},
        env, cache_dir, config)
    log.verbatim(full.stderr)
    result = full
    if base is not None and "json" in full.reports:
        new = run_scan(sod_iac, scan_paths, inputs, repo_root, {
            "json": work / "new.json", "markdown": work / "new.md", "github": work / "new.gh",
            "text": work / "new.txt"},
            env, cache_dir, config, new_since=base)
        if "json" in new.reports:
            result = new
            if new.stderr != full.stderr:
                log.verbatim(new.stderr)
        else:  # --new-since itself failed: report everything rather than nothing
            log.warning("only-new: comparing with the base commit failed, so every finding is reported.",
                        "sod-iac: history missing")
            log.verbatim(new.stderr)
            notes.append(warning_note(f"Comparing with the base commit `{base[:12]}` failed (see the job log), "
                                      "so this report lists every finding on the commit."))

    log.verbatim(result.text("text"))
    total, new_count = full.count(), result.count()
    outputs["findings"] = "" if total is None else str(total)
    outputs["new-findings"] = "" if new_count is None else str(new_count)
    outputs["exit-code"] = str(result.exit_code)
    if "sarif" in full.reports:
        outputs["sarif-file"] = str(sarif)
    if "json" not in result.reports:
        log.error("sod-iac could not scan; see the messages above.", "sod-iac: scan failed")

    if inputs.annotations:
        annotations = result.text("github")
        if annotations:
            out.write(annotations if annotations.endswith("\n") else annotations + "\n")
            out.flush()

    markdown = with_notes(result.text("markdown"), notes)
    if "json" not in result.reports and not markdown:
        markdown = did_not_run(result, [p for p, full_path in zip(inputs.paths, scan_paths)
                                                      if not full_path.exists()])
    if inputs.summary and markdown:
        append_summary(env.get("GITHUB_STEP_SUMMARY"), markdown)

    if inputs.matrix:
        append_summary(env.get("GITHUB_STEP_SUMMARY"), matrix_markdown(sod_iac, scan_paths, repo_root, env, cache_dir,
                                                                       config, log))

    if inputs.upload_sarif:
        if read_only:
            log.notice(f"SARIF upload skipped: {read_only}, and its token cannot write code scanning alerts. "
                       "The annotations and the job summary still show the findings.")
        elif "sarif" in full.reports:
            outputs["upload-sarif"] = "true"

    if inputs.comment:
        post_comment(ctx, log, read_only, markdown, transport, create=bool(new_count))

    set_outputs(env.get("GITHUB_OUTPUT"), outputs)
    return 0


def post_comment(ctx: Context, log: Log, read_only: str | None, markdown: str,
                 transport: Transport, create: bool) -> None:
    """The one report comment: created when there is something to report, and from then on
    updated on every push (also to say that the findings are gone)."""
    pr = ctx.pull_request
    number = (pr or {}).get("number")
    if pr is None or not isinstance(number, int):
        log.notice("comment: only pull requests get a comment; this run is not for one.")
        return
    if read_only:
        log.notice(f"PR comment skipped: {read_only}, and its token cannot write comments. "
                   "The annotations and the job summary still show the findings.")
        return
    if not markdown:
        log.warning("PR comment skipped: the scan wrote no report.")
        return
    if not ctx.token or not ctx.repository:
        log.warning("PR comment skipped: no token (input github-token) or no GITHUB_REPOSITORY.")
        return
    api = GitHubAPI(ctx.api_url, ctx.token, transport)
    try:
        action, comment_id = upsert_comment(api, ctx.repository, number, comment_body(markdown), create)
    except (ActionError, OSError, ValueError, KeyError, TypeError) as exc:
        log.warning(f"PR comment failed: {exc}. Does the job have `permissions: pull-requests: write`?")
        return
    if action == "skipped":
        log.line("sod-iac: no findings to report and no earlier comment: no PR comment.")
    else:
        log.line(f"sod-iac: PR comment {comment_id} {action}.")


def install_phase(env: Mapping[str, str], out: TextIO,
                  runner: Callable[[list[str]], int] | None = None) -> int:
    """A virtual environment in $RUNNER_TEMP with sod-iac: from the action's own checkout
    ($GITHUB_ACTION_PATH), or the release named by the `version` input."""
    log = Log(out)
    run = runner or (lambda argv: subprocess.run(argv, check=False, stdin=subprocess.DEVNULL).returncode)
    version = env.get("INPUT_VERSION", "").strip()
    if version and not _VERSION.match(version):
        log.error(f"input version must be a release number such as 0.1.0, not {version!r}", "sod-iac: bad input")
        return 2
    action_path = env.get("GITHUB_ACTION_PATH") or str(Path(__file__).resolve().parent.parent)
    spec = f"sod-iac=={version}" if version else action_path
    python = env.get("SOD_IAC_PYTHON") or sys.executable
    venv = Path(env.get("RUNNER_TEMP") or tempfile.gettempdir()) / "sod-iac-venv"
    bin_dir = venv / ("Scripts" if os.name == "nt" else "bin")
    venv_python = bin_dir / ("python.exe" if os.name == "nt" else "python")
    if run([python, "-m", "venv", str(venv)]) != 0:
        log.error(f"could not create a virtual environment with {python}", "sod-iac: install failed")
        return 2
    if run([str(venv_python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", spec]) != 0:
        log.error(f"could not install {spec}", "sod-iac: install failed")
        return 2
    set_outputs(env.get("GITHUB_OUTPUT"), {
        "python": str(venv_python), "sod-iac": str(bin_dir / ("sod-iac.exe" if os.name == "nt" else "sod-iac"))})
    return 0


def finish_phase(env: Mapping[str, str], out: TextIO) -> int:
    """The scan's exit code, as the action's: 0, 1 (findings) or 2 (not analysed)."""
    raw = env.get("SOD_IAC_EXIT_CODE", "").strip()
    if raw not in ("0", "1", "2"):
        Log(out).error(f"no exit code from the scan step ({raw!r})", "sod-iac: scan failed")
        return 2
    return int(raw)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    phases = {"install": install_phase, "scan": scan_phase, "finish": finish_phase}
    if len(args) != 1 or args[0] not in phases:
        sys.stderr.write(f"usage: run.py {{{'|'.join(phases)}}}\n")
        return 2
    return phases[args[0]](os.environ, sys.stdout)


if __name__ == "__main__":
    sys.exit(main())
