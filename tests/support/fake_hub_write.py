"""Write-side routes of the fake hub: create repo, preupload, LFS batch/upload/verify, commit, YAML check,
discussions. All need a known token; writing to a repo needs the token's user to own its namespace.

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

from tests.support.fake_hub_http import HubError, Reply, Request, json_reply, route
from tests.support.fake_hub_routes import R, T, find_commit, find_repo
from tests.support.fake_hub_store import Discussion, comment_event, discussion_json, git_blob_sha1, iso

if TYPE_CHECKING:
    from tests.support.fake_hub import FakeHub

GITATTRIBUTES = b"*.gguf filter=lfs diff=lfs merge=lfs -text\n*.bin filter=lfs diff=lfs merge=lfs -text\n"


def writable(hub: FakeHub, req: Request, g: dict):
    user = req.require_user()
    repo = find_repo(hub, g)
    if repo.repo_id.split("/")[0] != user:
        raise HubError(403, f"You don't have the rights to write to {repo.repo_id}")
    return user, repo


@route("POST", r"/api/repos/create")
def create_repo(hub: FakeHub, req: Request, g: dict) -> Reply:
    user = req.require_user()
    body = req.json() or {}
    namespace = body.get("organization") or user
    repo_type = body.get("type") or "model"
    if namespace != user:
        raise HubError(403, f"You don't have the rights to create a repo under {namespace}")
    repo_id = f"{namespace}/{body['name']}"
    url = hub.repo_url(repo_id, repo_type)
    if (repo_type, repo_id) in hub._repos:
        return json_reply({"error": f"You already created this {repo_type} repo", "url": url}, 409)
    hub._new_repo(repo_id, {".gitattributes": GITATTRIBUTES}, repo_type=repo_type, author=user,
                  title="initial commit")
    return json_reply({"url": url, "name": repo_id, "id": repo_id})


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
    _, repo = writable(hub, req, g)
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
    writable(hub, req, g)
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
    user, repo = writable(hub, req, g)
    if g["rev"] not in ("main", "refs/heads/main"):
        raise HubError(400, f"FakeHub commits only to main, not {g['rev']}")
    if req.flag("create_pr"):
        raise HubError(400, "FakeHub does not support pull requests (create_pr)")
    header, changes = {}, {}
    for line in req.body.splitlines():
        if not line.strip():
            continue
        item = json.loads(line)
        key, value = item["key"], item["value"]
        if key == "header":
            header = value
        elif key == "file":
            changes[value["path"]] = base64.b64decode(value["content"])
        elif key == "lfsFile":
            changes[value["path"]] = _lfs_content(hub, value["oid"])
        elif key in ("deletedFile", "deletedFolder"):
            path = value["path"]
            folder = key == "deletedFolder" or path.endswith("/")
            exists = any(p.startswith(path.rstrip("/") + "/") for p in repo.head.files) if folder \
                else path in repo.head.files
            if not exists:
                raise HubError(404, "A file with this name doesn't exist", "EntryNotFound")
            changes[path.rstrip("/") + "/" if folder else path] = None
        else:
            raise HubError(400, f"FakeHub does not support commit operation {key!r}")
    parent = header.get("parentCommit")
    if parent and parent != repo.main:
        raise HubError(412, "A commit has happened since. Please refresh and try again.")
    new = hub._commit_locked(repo, changes, title=header.get("summary") or "update",
                             message=header.get("description") or "", author=user)
    return json_reply({"success": True, "commitOid": new.sha, "hookOutput": "",
                       "commitUrl": f"{hub.repo_url(repo.repo_id, repo.repo_type)}/commit/{new.sha}"})


def _lfs_content(hub: FakeHub, oid: str) -> bytes:
    if oid in hub._uploads:
        return hub._uploads[oid]
    if oid in hub._blobs:
        return hub._blobs[oid].data
    raise HubError(422, f"LFS object {oid} was never uploaded")


@route("GET POST", T + "/" + R + r"/discussions")
def discussions(hub: FakeHub, req: Request, g: dict) -> Reply:
    """GET: one page (``p``) of ``hub.discussions_page_size``, newest first. POST: open one."""
    repo = find_repo(hub, g)
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
                           "count": len(items), "start": start, "numClosedDiscussions": 0})
    user = req.require_user()
    body = req.json() or {}
    when = hub._tick()
    d = Discussion(len(repo.discussions) + 1, body.get("title", ""), user, when, bool(body.get("pullRequest")))
    if body.get("description"):
        d.events.append(comment_event(user, body["description"], when, 0))
    repo.discussions.append(d)
    return json_reply({"num": d.num, "pullRequest": d.is_pull_request,
                       "url": f"{hub.repo_url(repo.repo_id, repo.repo_type)}/discussions/{d.num}"})


def _discussion(hub: FakeHub, g: dict):
    repo = find_repo(hub, g)
    num = int(g["num"])
    if not 1 <= num <= len(repo.discussions):
        raise HubError(404, f"Discussion {num} not found")
    return repo, repo.discussions[num - 1]


@route("GET", T + "/" + R + r"/discussions/(?P<num>\d+)")
def discussion_details(hub: FakeHub, req: Request, g: dict) -> Reply:
    repo, d = _discussion(hub, g)
    out = {**discussion_json(repo, d), "events": d.events, "diff": None}
    if d.is_pull_request:
        out.update({"changes": {"base": "refs/heads/main"}, "filesWithConflicts": []})
    return json_reply(out)


@route("POST", T + "/" + R + r"/discussions/(?P<num>\d+)/(?P<resource>comment|status)")
def discussion_post(hub: FakeHub, req: Request, g: dict) -> Reply:
    user = req.require_user()
    repo, d = _discussion(hub, g)
    body, when = req.json() or {}, hub._tick()
    if g["resource"] == "comment":
        event = comment_event(user, body.get("comment", ""), when, len(d.events))
        d.events.append(event)
        return json_reply({"newMessage": event})
    if body.get("status") not in ("open", "closed"):
        raise HubError(400, "status must be open or closed")
    if body.get("comment"):
        d.events.append(comment_event(user, body["comment"], when, len(d.events)))
    d.status = body["status"]
    event = {"id": hashlib.sha1(f"{when}|{len(d.events)}".encode()).hexdigest()[:24], "type": "status-change",
             "createdAt": iso(when), "author": {"name": user},
             "data": {"status": d.status}}
    d.events.append(event)
    return json_reply({"newStatus": event})

