"""Write-side routes of the fake hub: create/delete repo, settings (visibility), preupload, LFS
batch/upload/verify, commit (to ``main``, to a pull request's ``refs/pr/N``, or opening one with
``create_pr=1``), YAML check. Discussions and merges live in fake_hub_discussions.py.

All need a known token with the ``write`` role (a ``read`` token gets 403, as on the Hub). Writing to ``main``
needs the token's user to own the namespace; opening a pull request needs only a repo the user can see (that
is how anyone contributes to a public repo, e.g. a listing to the store index); pushing to ``refs/pr/N``
needs the pull request's author or the owner, and an open pull request.

What huggingface_hub 2.4.0 does on ``upload_file`` / ``create_commit``: POST ``/api/validate-yaml`` (only
for a README.md), POST ``/preupload/{rev}`` (the server picks ``regular`` or ``lfs`` per file), then for
``lfs`` files either Xet (whenever ``hf_xet`` is installed, which it is here) or, with Xet disabled
(``constants.HF_HUB_DISABLE_XET``), the LFS batch API (PUT + verify), then the NDJSON POST ``/commit/{rev}``.
The fake hub does not speak Xet, so by default preupload answers ``regular`` for every file (content goes
base64 in the commit); ``FakeHub(lfs_uploads=True)`` answers ``lfs`` per the repo's LFS rule, for tests that
disable Xet. Either way the stored file is LFS or not by the repo's LFS rule.
"""

from __future__ import annotations

import base64
import hashlib
import json
from typing import TYPE_CHECKING

import yaml

from tests.support.fake_hub_discussions import commit_event, find_discussion, merge, open_pull_request
from tests.support.fake_hub_http import HubError, Reply, Request, json_reply, route
from tests.support.fake_hub_routes import R, T, find_commit, find_repo
from tests.support.fake_hub_store import Commit, Discussion, Repo, git_blob_sha1

if TYPE_CHECKING:
    from tests.support.fake_hub import FakeHub

GITATTRIBUTES = b"*.gguf filter=lfs diff=lfs merge=lfs -text\n*.bin filter=lfs diff=lfs merge=lfs -text\n"


def write_user(hub: FakeHub, req: Request) -> str:
    """The token's user, if the token may write at all (401 without a known token, 403 for a read token)."""
    user = req.require_user()
    if req.token in hub.read_only_tokens:
        raise HubError(403, "You don't have the rights to write with this token: it is a read token")
    return user


def writable(hub: FakeHub, req: Request, g: dict):
    """(user, repo) when the token's user owns the repo (404 if they cannot even see it, 403 otherwise)."""
    user = write_user(hub, req)
    repo = find_repo(hub, g, req)
    if repo.namespace != user:
        raise HubError(403, f"You don't have the rights to write to {repo.repo_id}")
    return user, repo


def pushable(hub: FakeHub, req: Request, g: dict, revision: str) -> tuple[str, Repo, Discussion | None]:
    """(user, repo, pull request) for a write to ``revision``: ``main`` (or a new pull request with
    ``create_pr``) or an open pull request's ``refs/pr/N``."""
    if revision.startswith("refs/pr/"):
        user = write_user(hub, req)
        repo = find_repo(hub, g, req)
        pr = find_pr(repo, revision)
        if user not in (pr.author, repo.namespace):
            raise HubError(403, f"Only the author of {revision} or the owner of {repo.repo_id} can push to it")
        if pr.status not in ("open", "draft"):
            raise HubError(400, f"Pull request {revision} is {pr.status}; it cannot take new commits")
        return user, repo, pr
    if revision not in ("main", "refs/heads/main"):
        raise HubError(400, f"FakeHub commits only to main or refs/pr/N, not {revision}")
    if req.flag("create_pr"):
        return write_user(hub, req), find_repo(hub, g, req), None
    user, repo = writable(hub, req, g)
    return user, repo, None


def find_pr(repo: Repo, ref: str) -> Discussion:
    for d in repo.discussions:
        if d.is_pull_request and d.ref == ref:
            return d
    raise HubError(404, f"Invalid rev id: {ref}", "RevisionNotFound")


@route("POST", r"/api/repos/create")
def create_repo(hub: FakeHub, req: Request, g: dict) -> Reply:
    """``HfApi.create_repo``: ``{"name", "organization", "type", "visibility"}`` (2.4.0 sends ``visibility``;
    older clients sent ``private``). 409 when it exists, which ``exist_ok=True`` tolerates."""
    user = write_user(hub, req)
    body = req.json() or {}
    namespace = body.get("organization") or user
    repo_type = body.get("type") or "model"
    if namespace != user:
        raise HubError(403, f"You don't have the rights to create a repo under {namespace}")
    repo_id = f"{namespace}/{body['name']}"
    url = hub.repo_url(repo_id, repo_type)
    if (repo_type, repo_id) in hub._repos:
        return json_reply({"error": f"You already created this {repo_type} repo", "url": url}, 409)
    repo = hub._new_repo(repo_id, {".gitattributes": GITATTRIBUTES}, repo_type=repo_type, author=user,
                         title="initial commit")
    repo.private = _private(body, default=False)
    return json_reply({"url": url, "name": repo_id, "id": repo_id})


def _private(body: dict, *, default: bool) -> bool:
    visibility = body.get("visibility")
    if visibility is not None:
        if visibility not in ("public", "private"):
            raise HubError(400, f"visibility must be public or private, not {visibility!r}")
        return visibility == "private"
    private = body.get("private")
    return default if private is None else bool(private)


@route("DELETE", r"/api/repos/delete")
def delete_repo(hub: FakeHub, req: Request, g: dict) -> Reply:
    """``HfApi.delete_repo``: ``{"name", "organization", "type"}``; owner only."""
    user = write_user(hub, req)
    body = req.json() or {}
    namespace = body.get("organization") or user
    key = (body.get("type") or "model", f"{namespace}/{body.get('name')}")
    repo = hub._repos.get(key)
    if repo is None or not repo.visible_to(user):
        raise HubError(404, "Repository not found", "RepoNotFound")
    if namespace != user:
        raise HubError(403, f"You don't have the rights to delete {key[1]}")
    del hub._repos[key]
    return Reply(200)


@route("PUT", T + "/" + R + r"/settings")
def settings(hub: FakeHub, req: Request, g: dict) -> Reply:
    """``HfApi.update_repo_settings``: ``visibility`` (or ``private``) and ``gated``; owner only."""
    _, repo = writable(hub, req, g)
    body = req.json() or {}
    repo.private = _private(body, default=repo.private)
    if "gated" in body:
        repo.extra["gated"] = body["gated"]
    return json_reply({})


@route("POST", r"/api/validate-yaml")
def validate_yaml(hub: FakeHub, req: Request, g: dict) -> Reply:
    content = (req.json() or {}).get("content", "")
    if content.startswith("---"):
        try:
            yaml.safe_load(content.split("\n---", 1)[0][3:])
        except yaml.YAMLError as e:
            return json_reply({"errors": [{"message": str(e)}], "warnings": []}, 400)
    return json_reply({"errors": [], "warnings": []})


@route("GET POST", T + "/" + R + r"/xet-(?P<kind>read|write)-token(?:/.*)?")
def xet_token(hub: FakeHub, req: Request, g: dict) -> Reply:
    raise HubError(501, "FakeHub does not speak Xet: set huggingface_hub.constants.HF_HUB_DISABLE_XET = True")


@route("POST", T + "/" + R + r"/preupload/(?P<rev>[^/]+)")
def preupload(hub: FakeHub, req: Request, g: dict) -> Reply:
    _, repo, _ = pushable(hub, req, g, g["rev"])
    commit = find_commit(repo, g["rev"])
    out = []
    for f in (req.json() or {}).get("files", []):
        lfs = hub.lfs_uploads and repo.is_lfs(f["path"], int(f["size"]))
        existing = commit.files.get(f["path"])
        oid = None
        if existing is not None:
            oid = existing.sha256 if lfs else git_blob_sha1(existing.data)
        out.append({"path": f["path"], "uploadMode": "lfs" if lfs else "regular", "shouldIgnore": False,
                    "oid": oid})
    return json_reply({"files": out, "commitOid": commit.sha})


@route("POST", r"/(?:(?P<prefix>datasets|spaces)/)?(?P<ns>[^/]+)/(?P<name>[^/]+?)\.git/info/lfs/objects/batch")
def lfs_batch(hub: FakeHub, req: Request, g: dict) -> Reply:
    """Anyone who may push (to ``main`` or a pull request) may upload blobs; the commit checks the rest."""
    write_user(hub, req)
    find_repo(hub, g, req)
    objects = []
    for obj in (req.json() or {}).get("objects", []):
        oid, size = obj["oid"], int(obj["size"])
        item = {"oid": oid, "size": size, "authenticated": True}
        if oid not in hub._blobs and oid not in hub._uploads:
            item["actions"] = {"upload": {"href": f"{hub.url}/lfs-upload/{oid}"},
                               "verify": {"href": f"{hub.url}/lfs-verify/{oid}"}}
        objects.append(item)
    return json_reply({"transfer": "basic", "objects": objects},
                      headers={"Content-Type": "application/vnd.git-lfs+json"})


@route("PUT", r"/lfs-upload/(?P<oid>[0-9a-f]{64})")
def lfs_upload(hub: FakeHub, req: Request, g: dict) -> Reply:
    if hashlib.sha256(req.body).hexdigest() != g["oid"]:
        raise HubError(400, "uploaded content does not match its sha256")
    hub._uploads[g["oid"]] = req.body
    return Reply(200)


@route("POST", r"/lfs-verify/(?P<oid>[0-9a-f]{64})")
def lfs_verify(hub: FakeHub, req: Request, g: dict) -> Reply:
    req.require_user()
    body = req.json() or {}
    data = hub._uploads.get(g["oid"])
    if data is None or len(data) != int(body.get("size", -1)):
        raise HubError(404, "LFS object not found")
    return json_reply({"success": True})


@route("POST", T + "/" + R + r"/commit/(?P<rev>[^/]+)")
def commit(hub: FakeHub, req: Request, g: dict) -> Reply:
    """The NDJSON commit: a ``header`` line (summary, description, optional parentCommit), then ``file``
    (base64 content), ``lfsFile`` (oid + size of a blob uploaded through the LFS batch API), ``deletedFile``
    and ``deletedFolder`` lines. With ``create_pr=1`` the commit opens a pull request (``refs/pr/N``)
    instead of moving ``main``; to ``refs/pr/N`` it adds to that pull request."""
    user, repo, pr = pushable(hub, req, g, g["rev"])
    header, changes = _parse_commit(hub, req.body)
    create_pr = req.flag("create_pr")
    base = repo.commits[repo.refs[pr.ref]] if pr is not None else repo.head
    parent = header.get("parentCommit")
    if parent:
        if create_pr:  # a pull request "from parent_commit"
            base = find_commit(repo, parent)
        elif parent != base.sha:
            raise HubError(412, "A commit has happened since. Please refresh and try again.")
    for path, data in changes.items():
        if data is None and not _exists(base, path):
            raise HubError(404, "A file with this name doesn't exist", "EntryNotFound")
    title = header.get("summary") or "update"
    if create_pr:
        pr = open_pull_request(hub, repo, user, title, header.get("description") or "", base)
    new = hub._commit_locked(repo, changes, title=title, message=header.get("description") or "", author=user,
                             base=base, ref=pr.ref if pr is not None else None)
    if pr is not None:
        pr.events.append(commit_event(user, title, new.sha, hub._tick(), len(pr.events)))
    out = {"success": True, "commitOid": new.sha, "hookOutput": "",
           "commitUrl": f"{hub.repo_url(repo.repo_id, repo.repo_type)}/commit/{new.sha}"}
    if create_pr:
        out["pullRequestUrl"] = f"{hub.repo_url(repo.repo_id, repo.repo_type)}/discussions/{pr.num}"
    return json_reply(out)


def _parse_commit(hub: FakeHub, body: bytes) -> tuple[dict, dict[str, bytes | None]]:
    header: dict = {}
    changes: dict[str, bytes | None] = {}
    for line in body.splitlines():
        if not line.strip():
            continue
        item = json.loads(line)
        key, value = item["key"], item["value"]
        if key == "header":
            header = value
        elif key == "file":
            changes[value["path"]] = base64.b64decode(value["content"])
        elif key == "lfsFile":
            data = _lfs_content(hub, value["oid"])
            if "size" in value and int(value["size"]) != len(data):
                raise HubError(422, f"LFS object {value['oid']} is not {value['size']} bytes")
            changes[value["path"]] = data
        elif key in ("deletedFile", "deletedFolder"):
            path = value["path"]
            folder = key == "deletedFolder" or path.endswith("/")
            changes[path.rstrip("/") + "/" if folder else path] = None
        else:
            raise HubError(400, f"FakeHub does not support commit operation {key!r}")
    return header, changes


def _exists(commit: Commit, path: str) -> bool:
    if path.endswith("/"):
        return any(p.startswith(path) for p in commit.files)
    return path in commit.files


def _lfs_content(hub: FakeHub, oid: str) -> bytes:
    if oid in hub._uploads:
        return hub._uploads[oid]
    if oid in hub._blobs:
        return hub._blobs[oid].data
    raise HubError(422, f"LFS object {oid} was never uploaded")




@route("POST", T + "/" + R + r"/discussions/(?P<num>\d+)/merge")
def merge_pull_request(hub: FakeHub, req: Request, g: dict) -> Reply:
    """``HfApi.merge_pull_request``: the owner merges; the pull request's changes land on ``main``."""
    user, repo = writable(hub, req, g)
    _, pr = find_discussion(hub, g, req)
    if not pr.is_pull_request:
        raise HubError(400, f"#{pr.num} is a discussion, not a pull request")
    merge(hub, repo, pr, user, str((req.json() or {}).get("comment") or ""))
    return json_reply({})
