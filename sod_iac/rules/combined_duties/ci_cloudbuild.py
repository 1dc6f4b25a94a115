"""SOD120 for Cloud Build triggers: the service account a trigger runs as, and which events run it.

A `google_cloudbuild_trigger` runs its build config from the repository, with the credentials of
its `service_account`, on the events it names (Cloud Build docs "Create and manage build
triggers", REST `projects.triggers`):
- `pull_request` events run the pull request's own code before anyone reviewed it (with the
  default `COMMENTS_ENABLED` a repository writer who authors the pull request starts the build
  with `/gcbrun` in its description: the author still runs it);
- `push` events run for every branch whose name the RE2 `branch` regex matches (unanchored: it
  may match anywhere in the name) or, with `invert_regex`, does not match; tags are not reviewed.
A trigger with `approval_config { approval_required = true }` waits for a Cloud Build approver
before each build runs (an independent gate), and a `disabled` trigger runs nothing: both quiet.
Triggers the code gives no repository event (manual, webhook, Pub/Sub) are not judged here.

A trigger without `service_account` runs as its project's default Cloud Build account (Cloud
Build docs "Default Cloud Build service account", "Cloud Build default service account
change"): the legacy `PROJECT_NUMBER@cloudbuild.gserviceaccount.com` or, where the project's or
organisation's settings make it the default (projects that started using Cloud Build after the
2024 change, org policy), the Compute Engine default
`PROJECT_NUMBER-compute@developer.gserviceaccount.com`. Which one is not in the code, so each
such account the code grants roles to is *possibly* the trigger's identity (and "possibly" again
when the code does not show that its project number is the trigger's project). What Google
grants these accounts by itself (roles/cloudbuild.builds.builder to the legacy one) is not in
the code and is not judged: only the code's own bindings count.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from sod_iac.access.cloud_common import first_block, hop, refs_in, text_of
from sod_iac.rules.combined_duties.ci_systems import Trust, ref_reviewed
from sod_iac.rules.context import Context

EVENT_BLOCKS = ("github", "repository_event_config", "bitbucket_server_trigger_config")


def cloudbuild_trusts(ctx: Context, reviewed: list[str]) -> Iterator[Trust]:
    gcp = getattr(ctx.access, "gcp", None) if ctx.access is not None else None
    if gcp is None:
        return
    for trigger in ctx.project.by_type("google_cloudbuild_trigger"):
        if trigger.values.get("disabled") is True:
            continue  # runs nothing
        approved = first_block(trigger.values.get("approval_config")).get("approval_required") is True
        why = None if approved else next(
            (w for kind, event in _events(trigger.values) if (w := _event_gap(kind, event, reviewed))), None)
        account = trigger.values.get("service_account")
        if account is None:  # the project's default Cloud Build account
            for identity, which, project_open in default_accounts(ctx, gcp, trigger):
                possible = (f"{trigger.address} names no service_account, so it runs as its project's default "
                            "Cloud Build account, which the project's settings make the legacy Cloud Build or the "
                            f"Compute Engine default service account (this is the {which}); the code does not say "
                            "which" + (", nor that this account's project is the trigger's" if project_open else ""))
                said = f"Cloud Build trigger without service_account possibly runs as {identity}" + (
                    f": {why}" if why else "")
                yield Trust(identity, "Cloud Build", trigger.address, why, [hop(trigger, said)], possible)
            continue
        identity, _ = gcp.member_id(_as_member(account), trigger.references.get("service_account", []))
        said = f"Cloud Build trigger runs as {identity}" + (f": {why}" if why else "")
        yield Trust(identity, "Cloud Build", trigger.address, why, [hop(trigger, said)])


_DEFAULT_ACCOUNT = re.compile(r"^serviceAccount:(?P<number>.+?)(?:(?P<legacy>@cloudbuild\.gserviceaccount\.com)"
                              r"|-compute@developer\.gserviceaccount\.com)$")
_NUMBER_OF = re.compile(r"^\$\{(?P<address>.+)\.(?:number|project_number)\}$")
_COMPUTE_DEFAULT_DATA = re.compile(r"\$\{(?P<address>data\.google_compute_default_service_account\.[^}]+?)\.\w+\}")


def default_accounts(ctx: Context, gcp: Any, trigger: Any) -> list[tuple[str, str, bool]]:
    """(member, which default account, whether its project is only possibly the trigger's) of
    each member the code grants roles to that may be the default Cloud Build account of the
    trigger's project: `serviceAccount:N@cloudbuild.gserviceaccount.com`,
    `serviceAccount:N-compute@developer.gserviceaccount.com`, or the email of a
    `data "google_compute_default_service_account"`. A member of another known project is not."""
    trigger_project = gcp.project_key(trigger.values.get("project"))
    out: dict[str, tuple[str, str, bool]] = {}
    for b in gcp.bindings:
        if b.member in out:
            continue
        m = _DEFAULT_ACCOUNT.match(b.member_text)
        data = _COMPUTE_DEFAULT_DATA.search(b.member_text) if m is None else None
        if m is not None:
            which = "legacy Cloud Build one" if m.group("legacy") else "Compute Engine default one"
            owner = _NUMBER_OF.match(m.group("number"))
            project = ctx.project.resource(owner.group("address")) if owner else None
            member_project = gcp.project_key(project.values.get("project_id")) if project is not None \
                and project.type == "google_project" else None
            if project is not None and project.type == "google_project" and member_project is None:
                member_project = project.address
        elif data is not None:
            which = "Compute Engine default one"
            source = ctx.project.resource(data.group("address"))
            member_project = gcp.project_key(source.values.get("project")) if source is not None else None
        else:
            continue
        level = gcp.same_project(trigger_project, member_project)
        if level != "no":
            out[b.member] = (b.member, which, level != "yes")
    return list(out.values())


def _as_member(account: Any) -> Any:
    """`projects/P/serviceAccounts/EMAIL` (or a reference) as an IAM member value."""
    text = text_of(account)
    if text is None or refs_in(account):
        return account
    return "serviceAccount:" + text.rsplit("/", 1)[-1]


def _events(values: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(kind, event block) of each repository event the trigger fires on."""
    for block in EVENT_BLOCKS:
        config = first_block(values.get(block))
        for kind in ("push", "pull_request"):
            event = first_block(config.get(kind))
            if event:
                yield kind, event
    template = first_block(values.get("trigger_template"))
    if template:
        yield "push", {"branch": template.get("branch_name"), "tag": template.get("tag_name"),
                       "invert_regex": template.get("invert_regex")}


def _event_gap(kind: str, event: dict[str, Any], reviewed: list[str]) -> str | None:
    """Why a trigger event runs code nobody reviewed, or None when it runs reviewed branches only."""
    branch = event.get("branch")
    if kind == "pull_request":
        return f"it runs for pull requests (against branches `{branch}`) before they are reviewed"
    if event.get("tag") is not None:
        return f"it runs for pushed tags matching `{event.get('tag')}`, which no review covers"
    if branch is None:
        return None
    regex = text_of(branch)
    if regex is None:
        return f"its branch regex {branch} is a value the code does not state: any branch may match"
    if event.get("invert_regex") is True:
        return f"it runs for every branch except those matching `{regex}`"
    names = literal_branches(regex)
    if names is None and literal_branches(f"^{regex.strip('^$')}$") is not None:
        return (f"its branch regex `{regex}` is not anchored (`^...$`): it also matches every branch "
                "whose name contains it, such as feature branches")
    if names is None:
        return f"its branch regex `{regex}` admits branches nobody reviewed (feature branches)"
    unreviewed = [n for n in names if not ref_reviewed(f"refs/heads/{n}", reviewed)]
    return f"its branch regex `{regex}` admits unreviewed branch `{unreviewed[0]}`" if unreviewed else None


def literal_branches(regex: str) -> list[str] | None:
    """The branch names an anchored regex of literal alternatives matches (`^main$`,
    `^(main|release)$`), or None when it may match other names (unanchored, any pattern)."""
    m = re.fullmatch(r"\^(?:\((?:\?:)?(.*)\)|(.*))\$", regex)
    if m is None:
        return None
    names = []
    for alternative in (m.group(1) if m.group(1) is not None else m.group(2)).split("|"):
        name = re.sub(r"\\(.)", r"\1", alternative)
        if not name or re.search(r"[\\^$.*+?()\[\]{}|]", re.sub(r"\\.", "", alternative)):
            return None
        names.append(name)
    return names
