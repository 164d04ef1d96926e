"""Discussions and pull requests on the fake hub: list, open, details, comment, status, and the state a
pull request keeps (its ``refs/pr/N``, the commit of ``main`` it started from, its merge commit).

A pull request is a discussion with ``isPullRequest``; ``HfApi.create_commit(create_pr=True)`` opens one
(see fake_hub_write.py) and ``create_discussion(pull_request=True)`` opens an empty draft. The details of a
pull request carry ``changes.base``, ``changes.mergeCommitId`` once merged, ``filesWithConflicts`` and a
plain ``diff`` (one line per changed file), which ``get_discussion_details`` parses.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from tests.support.fake_hub_http import HubError, Reply, Request, json_reply, route
from tests.support.fake_hub_routes import R, T, find_repo
from tests.support.fake_hub_store import Commit, Discussion, Repo, comment_event, discussion_json, iso

if TYPE_CHECKING:
    from tests.support.fake_hub import FakeHub


def open_pull_request(hub: FakeHub, repo: Repo, author: str, title: str, description: str, base: Commit | None,
                      *, status: str = "open") -> Discussion:
    """A new pull request on ``repo`` whose ``refs/pr/N`` starts at ``base`` (``main``'s head by default)."""
    when = hub._tick()
    base = base or repo.head
    pr = Discussion(len(repo.discussions) + 1, title, author, when, True, status=status, base=base.sha)
    if description:
        pr.events.append(comment_event(author, description, when, 0))
    repo.discussions.append(pr)
    repo.refs[pr.ref] = base.sha
    return pr


def commit_event(author: str, title: str, sha: str, when: float, counter: int) -> dict:
    return {"id": hashlib.sha1(f"{author}|{when}|{counter}|{sha}".encode()).hexdigest()[:24], "type": "commit",
            "createdAt": iso(when), "author": {"name": author}, "data": {"subject": title, "oid": sha}}


def status_event(author: str, status: str, when: float, counter: int) -> dict:
    return {"id": hashlib.sha1(f"{when}|{counter}".encode()).hexdigest()[:24], "type": "status-change",
            "createdAt": iso(when), "author": {"name": author}, "data": {"status": status}}


def pr_changes(repo: Repo, pr: Discussion) -> dict[str, bytes | None]:
    """What the pull request changes against the commit it started from (``None``: deleted)."""
    base = repo.commits[pr.base].files
    head = repo.commits[repo.refs[pr.ref]].files
    changes: dict[str, bytes | None] = {p: None for p in base if p not in head}
    changes.update({p: b.data for p, b in head.items() if p not in base or base[p].blob_id != b.blob_id})
    return changes


def conflicts(repo: Repo, pr: Discussion) -> list[str]:
    """Files the pull request changes that ``main`` has changed too since the pull request started."""
    base, main = repo.commits[pr.base].files, repo.head.files
    return sorted(p for p in pr_changes(repo, pr)
                  if (base[p].blob_id if p in base else None) != (main[p].blob_id if p in main else None))


def merge(hub: FakeHub, repo: Repo, pr: Discussion, user: str, comment: str = "") -> Commit:
    """Apply the pull request's changes on ``main`` as one commit (409 on conflicts, as the Hub refuses)."""
    if pr.status not in ("open", "draft"):
        raise HubError(400, f"Pull request #{pr.num} is {pr.status}; it cannot be merged")
    clashing = conflicts(repo, pr)
    if clashing:
        raise HubError(409, f"Pull request #{pr.num} conflicts with main on {', '.join(clashing)}")
    when = hub._tick()
    commit = hub._commit_locked(repo, pr_changes(repo, pr), title=f"Merge pull request #{pr.num}: {pr.title}",
                                message=comment, author=user)
    if comment:
        pr.events.append(comment_event(user, comment, when, len(pr.events)))
    pr.status, pr.merge_commit = "merged", commit.sha
    pr.events.append(status_event(user, "merged", when, len(pr.events)))
    return commit


@route("GET POST", T + "/" + R + r"/discussions")
def discussions(hub: FakeHub, req: Request, g: dict) -> Reply:
    """GET: one page (``p``) of ``hub.discussions_page_size``, newest first. POST: open one."""
    repo = find_repo(hub, g, req)
    if req.method == "GET":
        items = sorted(repo.discussions, key=lambda d: d.num, reverse=True)
        for name, attr in (("status", "status"), ("author", "author")):
            if req.arg(name) and req.arg(name) != "all":
                items = [d for d in items if getattr(d, attr) == req.arg(name)]
        kind = req.arg("type")
        if kind in ("discussion", "pull_request"):
            items = [d for d in items if d.is_pull_request == (kind == "pull_request")]
        size = hub.discussions_page_size
        start = int(req.arg("p") or 0) * size
        return json_reply({"discussions": [discussion_json(repo, d) for d in items[start:start + size]],
                           "count": len(items), "start": start,
                           "numClosedDiscussions": sum(d.status != "open" for d in repo.discussions)})
    user = req.require_user()
    body = req.json() or {}
    if body.get("pullRequest"):
        d = open_pull_request(hub, repo, user, body.get("title", ""), body.get("description") or "", None,
                              status="draft")
    else:
        when = hub._tick()
        d = Discussion(len(repo.discussions) + 1, body.get("title", ""), user, when, False)
        if body.get("description"):
            d.events.append(comment_event(user, body["description"], when, 0))
        repo.discussions.append(d)
    return json_reply({"num": d.num, "pullRequest": d.is_pull_request,
                       "url": f"{hub.repo_url(repo.repo_id, repo.repo_type)}/discussions/{d.num}"})


def find_discussion(hub: FakeHub, g: dict, req: Request) -> tuple[Repo, Discussion]:
    repo = find_repo(hub, g, req)
    num = int(g["num"])
    if not 1 <= num <= len(repo.discussions):
        raise HubError(404, f"Discussion {num} not found")
    return repo, repo.discussions[num - 1]


@route("GET", T + "/" + R + r"/discussions/(?P<num>\d+)")
def discussion_details(hub: FakeHub, req: Request, g: dict) -> Reply:
    repo, d = find_discussion(hub, g, req)
    out = {**discussion_json(repo, d), "events": d.events, "diff": None}
    if d.is_pull_request:
        changes = {"base": "refs/heads/main"}
        if d.merge_commit:
            changes["mergeCommitId"] = d.merge_commit
        out.update({"changes": changes, "filesWithConflicts": [] if d.merge_commit else conflicts(repo, d),
                    "diff": "".join(f"{'deleted' if data is None else 'changed'} {path}\n"
                                    for path, data in sorted(pr_changes(repo, d).items()))})
    return json_reply(out)


@route("POST", T + "/" + R + r"/discussions/(?P<num>\d+)/(?P<resource>comment|status)")
def discussion_post(hub: FakeHub, req: Request, g: dict) -> Reply:
    user = req.require_user()
    repo, d = find_discussion(hub, g, req)
    body, when = req.json() or {}, hub._tick()
    if g["resource"] == "comment":
        event = comment_event(user, body.get("comment", ""), when, len(d.events))
        d.events.append(event)
        return json_reply({"newMessage": event})
    if body.get("status") not in ("open", "closed"):
        raise HubError(400, "status must be open or closed")
    if user not in (d.author, repo.namespace):
        raise HubError(403, f"Only the author of #{d.num} or the owner of {repo.repo_id} can change its status")
    if d.status == "merged":
        raise HubError(400, f"Pull request #{d.num} is merged")
    if body.get("comment"):
        d.events.append(comment_event(user, body["comment"], when, len(d.events)))
    d.status = body["status"]
    event = status_event(user, d.status, when, len(d.events))
    d.events.append(event)
    return json_reply({"newStatus": event})
