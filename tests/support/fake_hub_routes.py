"""Read-side routes of the fake hub: repo info, listing, tree, refs, commits, file resolve, CDN, whoami, likes.

URL shapes are the ones huggingface_hub 2.4.0 builds (see ``HfApi.model_info``, ``list_models``,
``list_repo_tree``, ``hf_hub_url``, ``unlike``, ``list_liked_repos``...). Reads need no token; an unknown
token is refused everywhere (401), as on the Hub.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import quote, urlencode

from tests.support.fake_hub_http import HubError, Reply, Request, file_reply, json_reply, route
from tests.support.fake_hub_store import (
    Commit,
    Repo,
    commit_json,
    file_entry,
    iso,
    repo_info_json,
    repo_tags,
    sibling_json,
    tree_entries,
)

if TYPE_CHECKING:
    from tests.support.fake_hub import FakeHub

T = r"/api/(?P<type>models|datasets|spaces)"
R = r"(?P<ns>[^/]+)/(?P<name>[^/]+)"
PLURAL = {"models": "model", "datasets": "dataset", "spaces": "space", None: "model"}


def find_repo(hub: FakeHub, g: dict, req: Request | None = None) -> Repo:
    """The repo named by the route's groups; a private repo only for its owner's token (``req``), else the
    same 404 as a missing repo, as the Hub answers (so nobody learns that a private repo exists)."""
    repo_type = PLURAL[g.get("type") or g.get("prefix")]
    repo = hub._repos.get((repo_type, f"{g['ns']}/{g['name']}"))
    if repo is None or not repo.visible_to(req.user if req is not None else None):
        raise HubError(404, "Repository not found", "RepoNotFound")
    return repo


def find_commit(repo: Repo, revision: str) -> Commit:
    commit = repo.resolve(revision)
    if commit is None:
        raise HubError(404, f"Invalid rev id: {revision}", "RevisionNotFound")
    return commit


@route("GET", r"/api/whoami-v2")
def whoami(hub: FakeHub, req: Request, g: dict) -> Reply:
    user = req.require_user()
    return json_reply({
        "type": "user", "id": user, "name": user, "fullname": user.title(), "email": f"{user}@example.test",
        "emailVerified": True, "isPro": False, "orgs": [],
        "auth": {"type": "access_token", "accessToken": {
            "displayName": "fake-hub", "role": "read" if req.token in hub.read_only_tokens else "write"}},
    })


@route("GET", T + "/" + R + r"(?:/revision/(?P<rev>[^/]+))?")
def repo_info(hub: FakeHub, req: Request, g: dict) -> Reply:
    repo = find_repo(hub, g, req)
    commit = find_commit(repo, g["rev"] or "main")
    info = repo_info_json(repo, commit, blobs=req.flag("blobs"))
    return json_reply(_expand(info, req.query.get("expand")))


def _expand(info: dict, expand: list[str] | None) -> dict:
    if not expand:
        return info
    return {k: v for k, v in info.items() if k in ("_id", "id") or k in expand}


@route("GET", T)
def list_repos(hub: FakeHub, req: Request, g: dict) -> Reply:
    """``list_models`` / ``list_datasets``: search (substring of the id, any case), author, filter (tags, all
    must match), sort (descending), limit; ``full`` / ``cardData`` / ``expand`` add fields. Pages of
    ``hub.list_page_size`` with a ``Link: rel="next"`` header when no limit is given."""
    repo_type = PLURAL[g["type"]]
    search = (req.arg("search") or "").lower()
    author = req.arg("author")
    wanted = [f for v in req.query.get("filter", []) for f in v.split(",") if f]
    rows = []
    for repo in hub._repos.values():
        if repo.repo_type != repo_type or search not in repo.repo_id.lower() or not repo.visible_to(req.user):
            continue
        if author and repo.repo_id.split("/")[0] != author:
            continue
        if not set(wanted) <= set(repo_tags(repo, repo.head)) | {repo.repo_id}:
            continue
        rows.append(repo)
    key = req.arg("sort")
    sort_keys = {"downloads": lambda r: r.downloads, "likes": lambda r: r.likes,
                 "lastModified": lambda r: r.head.date, "createdAt": lambda r: r.created,
                 "trendingScore": lambda r: r.downloads, "id": lambda r: r.repo_id}
    if key:
        if key not in sort_keys:
            raise HubError(400, f"unsupported sort: {key}")
        rows.sort(key=sort_keys[key], reverse=key != "id")
    limit = int(req.arg("limit") or 0)
    cursor = int(req.arg("cursor") or 0)
    headers = {}
    if limit:
        rows = rows[:limit]
    else:
        page = rows[cursor:cursor + hub.list_page_size]
        if cursor + hub.list_page_size < len(rows):
            query = [(k, v) for k, vs in req.query.items() if k != "cursor" for v in vs]
            query.append(("cursor", str(cursor + hub.list_page_size)))
            headers["Link"] = f'<{hub.url}{req.path}?{urlencode(query)}>; rel="next"'
        rows = page
    return json_reply([_list_item(r, req) for r in rows], headers=headers)


def _list_item(repo: Repo, req: Request) -> dict:
    full = repo_info_json(repo, repo.head)
    full["siblings"] = [sibling_json(p, b, False) for p, b in sorted(repo.head.files.items())]
    full["trendingScore"] = 0
    expand = req.query.get("expand")
    if expand:
        return _expand(full, expand)
    keys = {"_id", "id", "modelId", "likes", "downloads", "trendingScore", "private", "tags", "createdAt"}
    if req.flag("full"):
        keys |= {"sha", "lastModified", "author", "siblings", "gated", "disabled"}
    if req.flag("cardData") or req.flag("full"):
        keys |= {"cardData"}
    return {k: v for k, v in full.items() if k in keys or k in repo.extra}


@route("GET", T + "/" + R + r"/tree/(?P<rev>[^/]+)(?:/(?P<path>.*))?")
def tree(hub: FakeHub, req: Request, g: dict) -> Reply:
    commit = find_commit(find_repo(hub, g, req), g["rev"])
    folder = (g["path"] or "").strip("/")
    entries = tree_entries(commit, folder, req.flag("recursive"))
    if folder and not entries and folder not in commit.files:
        raise HubError(404, f"{folder} does not exist", "EntryNotFound", {"X-Repo-Commit": commit.sha})
    return json_reply(entries)


@route("POST", T + "/" + R + r"/paths-info/(?P<rev>[^/]+)")
def paths_info(hub: FakeHub, req: Request, g: dict) -> Reply:
    from urllib.parse import parse_qs

    commit = find_commit(find_repo(hub, g, req), g["rev"])
    paths = parse_qs(req.body.decode()).get("paths", [])
    out = []
    for path in paths:
        if path in commit.files:
            out.append(file_entry(path, commit.files[path]))
        elif any(p.startswith(path.rstrip("/") + "/") for p in commit.files):
            out.append({"type": "directory", "oid": "0" * 40, "size": 0, "path": path.rstrip("/")})
    return json_reply(out)


@route("GET", T + "/" + R + r"/refs")
def refs(hub: FakeHub, req: Request, g: dict) -> Reply:
    repo = find_repo(hub, g, req)
    main = {"name": "main", "ref": "refs/heads/main", "targetCommit": repo.main}
    out = {"branches": [main], "converts": [], "tags": []}
    if req.flag("include_prs"):
        out["pullRequests"] = [{"name": ref.removeprefix("refs/"), "ref": ref, "targetCommit": sha}
                               for ref, sha in sorted(repo.refs.items())]
    return json_reply(out)


@route("GET", T + "/" + R + r"/commits/(?P<rev>[^/]+)")
def commits(hub: FakeHub, req: Request, g: dict) -> Reply:
    repo = find_repo(hub, g, req)
    return json_reply([commit_json(c) for c in repo.history(find_commit(repo, g["rev"]))])


@route("POST DELETE", T + "/" + R + r"/like")
def like(hub: FakeHub, req: Request, g: dict) -> Reply:
    """POST likes, DELETE unlikes (``HfApi.unlike``; 2.4.0 has no ``HfApi.like``: POST it yourself)."""
    user = req.require_user()
    repo = find_repo(hub, g, req)
    if req.method == "POST":
        repo.likers.setdefault(user, hub._tick())
    else:
        repo.likers.pop(user, None)
    return json_reply({"likes": repo.likes})


@route("GET", T + "/" + R + r"/likers")
def likers(hub: FakeHub, req: Request, g: dict) -> Reply:
    repo = find_repo(hub, g, req)
    return json_reply([{"user": u, "fullname": u.title(), "avatarUrl": "", "type": "user"} for u in repo.likers])


@route("GET", r"/api/users/(?P<user>[^/]+)/likes")
def user_likes(hub: FakeHub, req: Request, g: dict) -> Reply:
    user = g["user"]
    if user not in hub.tokens.values():
        raise HubError(404, f"user {user} not found")
    likes = [(when, repo) for repo in hub._repos.values() for u, when in repo.likers.items()
             if u == user and repo.visible_to(req.user)]
    likes.sort(key=lambda item: item[0], reverse=True)
    return json_reply([{"createdAt": iso(when), "repo": {"name": r.repo_id, "type": r.repo_type}}
                       for when, r in likes])


@route("HEAD GET", r"/(?:(?P<prefix>datasets|spaces)/)?" + R + r"/resolve/(?P<rev>[^/]+)/(?P<path>.+)")
def resolve(hub: FakeHub, req: Request, g: dict) -> Reply:
    """A file at a revision: the headers ``hf_hub_download`` needs, ``Range``, faults, and (with
    ``redirect_lfs``) a 302 to the CDN origin for LFS files, as the Hub redirects to its CDN."""
    repo = find_repo(hub, g, req)
    commit = find_commit(repo, g["rev"])
    blob = commit.files.get(g["path"])
    if blob is None:
        raise HubError(404, "Entry not found", "EntryNotFound", {"X-Repo-Commit": commit.sha})
    headers = {"X-Repo-Commit": commit.sha, "ETag": f'"{blob.etag}"'}
    if blob.lfs:
        headers.update({"X-Linked-Etag": f'"{blob.sha256}"', "X-Linked-Size": str(blob.size)})
        if hub.redirect_lfs:
            location = f"{hub.cdn_url}/lfs-cdn/{blob.sha256}/{quote(g['path'])}?{urlencode({'repo': repo.repo_id})}"
            return Reply(302, {**headers, "Location": location})
    fault = hub.faults.take(repo.repo_id, g["path"]) if req.method == "GET" else None
    return file_reply(req, blob.data, headers, fault)


@route("HEAD GET", r"/lfs-cdn/(?P<sha>[0-9a-f]{64})/(?P<path>.+)")
def cdn(hub: FakeHub, req: Request, g: dict) -> Reply:
    """The "CDN": serves LFS blobs by sha256, on its own origin (``hub.cdn_url``), without Hub headers."""
    blob = hub._blobs.get(g["sha"])
    if blob is None:
        raise HubError(404, "NoSuchKey")
    name = g["path"].rsplit("/", 1)[-1]
    headers = {"ETag": f'"{blob.sha256}"', "Content-Disposition": f'attachment; filename="{name}"'}
    fault = hub.faults.take(req.arg("repo"), g["path"]) if req.method == "GET" else None
    return file_reply(req, blob.data, headers, fault)
