"""Suite 5, manifests and packages: hypothesis-made gpt.json files and .gptshelf packages, each wrong.

Every manifest breaks one rule (tests/reliability/manifest_faults.py) and must be refused with a
BadManifest problem at the broken field (or, for JSON that is no JSON, a sentence saying so). Every
package is a good export with one hostile change: an entry at a forbidden path, a broken manifest
inside, a changed byte, a cut archive, a file gpt.json does not name. It must be refused with a known
error, and nothing may be written, neither in the data folder nor anywhere beside it.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.core.entities import GenerationParams
from app.core.errors import BadManifest, KnownError
from app.core.paths import AppPaths
from app.manifest import parse_manifest
from app.services.container import open_services
from tests.reliability.figures import Figures, size
from tests.reliability.manifest_faults import broken_manifest, forbidden_path

MANIFESTS = size(300, 4500)
PACKAGES = size(20, 500)
FUZZ = dict(deadline=None, database=None, derandomize=True,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                   HealthCheck.function_scoped_fixture, HealthCheck.filter_too_much])


def test_broken_manifests_are_all_refused_at_the_broken_field(figures: Figures) -> None:
    seen = {"refused": 0, "accepted": [], "vague": [], "bugs": []}

    @settings(max_examples=MANIFESTS, **FUZZ)
    @given(broken_manifest())
    def trial(case: tuple[str, dict, str]) -> None:
        family, manifest, where = case
        try:
            parse_manifest(json.dumps(manifest, allow_nan=True))
        except BadManifest as exc:
            seen["refused"] += 1
            named = any(p.location == where or p.location.startswith((f"{where}.", f"{where}[")) for p in exc.problems)
            whole_file = any(not p.location and ("JSON" in p.rule or "digits" in p.rule) for p in exc.problems)
            if not (named or whole_file):
                seen["vague"].append(f"{family} {where}: {exc}")
        except Exception as exc:  # noqa: BLE001 - what is being counted
            seen["bugs"].append(f"{family} {where}: {type(exc).__name__}: {exc}")
        else:
            seen["accepted"].append(f"{family} {where}")

    trial()
    total = seen["refused"] + len(seen["accepted"]) + len(seen["bugs"])
    suite = "5 manifests"
    figures.record(suite, "hypothesis-made broken manifests", total, str(MANIFESTS), total >= MANIFESTS)
    figures.record(suite, "refused, naming the broken field", f"{100 * (seen['refused'] - len(seen['vague'])) / total:.1f}%",
                   "100%", not seen["accepted"] and not seen["vague"])
    figures.record(suite, "uncaught exceptions", len(seen["bugs"]), "0", not seen["bugs"])
    assert not seen["bugs"], seen["bugs"][:5]
    assert not seen["accepted"], seen["accepted"][:5]
    assert not seen["vague"], seen["vague"][:5]


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory, tiny_models: dict[str, Path]) -> list[tuple[zipfile.ZipInfo, bytes]]:
    home = tmp_path_factory.mktemp("exporter")
    with open_services(AppPaths(home), install_starter=False) as services:
        model = services.models.import_gguf(tiny_models["chatml"])
        guide = home / "guide.md"
        guide.write_text("# Guide\nBe kind.\n", encoding="utf-8")
        gpt = services.gpts.create("Packed", model.sha256, instructions="Be brief.",
                                   params=GenerationParams(temperature=0.2))
        gpt = services.gpts.edit(gpt.id, knowledge=[guide])
        package = services.packages.export_gpt(gpt.id, home / "good.gptshelf", with_model=True)
    with zipfile.ZipFile(package) as archive:
        return [(info, archive.read(info)) for info in archive.infolist()]


def _entry(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.create_system, info.external_attr = 3, 0o100644 << 16
    return info


@st.composite
def hostile_package(draw: st.DrawFn, items: list[tuple[zipfile.ZipInfo, bytes]]) -> tuple[str, list, int | None]:
    """(what changed, the entries, a length to cut the archive to or None)."""
    kind = draw(st.sampled_from(["forbidden entry", "broken manifest", "changed byte", "cut archive", "unknown file"]))
    items = list(items)
    if kind == "forbidden entry":
        items.append((_entry(draw(forbidden_path())), b"payload"))
    elif kind == "broken manifest":
        _family, manifest, _where = draw(broken_manifest())
        real = json.loads(items[0][1])
        manifest["model"], manifest["knowledge"] = real["model"], real.get("knowledge", [])
        items[0] = (items[0][0], json.dumps(manifest, allow_nan=True).encode())
        if manifest == real:
            items.append((_entry("stowaway.txt"), b"x"))  # the break was in a part replaced above
    elif kind == "changed byte":
        index = draw(st.integers(1, len(items) - 1))
        info, data = items[index]
        at = draw(st.integers(0, len(data) - 1))
        items[index] = (info, data[:at] + bytes([data[at] ^ (1 << draw(st.integers(0, 7)))]) + data[at + 1:])
    elif kind == "unknown file":
        name = draw(st.text(alphabet="abcdefghij", min_size=1, max_size=8)) + draw(st.sampled_from([".txt", ".gguf", ".py", "/x.md"]))
        items.append((_entry(name), b"extra"))
    cut = draw(st.integers(0, 100_000)) if kind == "cut archive" else None
    return kind, items, cut


def _tree(root: Path, skip: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): (hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "folder")
            for p in sorted(root.rglob("*")) if p != skip and not p.name.endswith("-shm")}


def test_hostile_packages_are_all_refused_and_write_nothing(exported, tmp_path: Path, figures: Figures) -> None:
    seen = {"refused": 0, "accepted": [], "bugs": [], "writes": []}
    root = tmp_path / "world"
    (root / "outside").mkdir(parents=True)
    (root / "outside" / "keep.txt").write_text("untouched")
    with open_services(AppPaths(root / "home"), install_starter=False) as services:
        hostile = root / "hostile.gptshelf"

        @settings(max_examples=PACKAGES, **FUZZ)
        @given(hostile_package(exported))
        def trial(case: tuple[str, list, int | None]) -> None:
            kind, items, cut = case
            with zipfile.ZipFile(hostile, "w") as archive:
                for info, data in items:
                    archive.writestr(info, data)
            if cut is not None:
                data = hostile.read_bytes()
                hostile.write_bytes(data[:cut % max(len(data), 1)])
            before = _tree(root, hostile)
            try:
                services.packages.import_gpt(hostile)
            except KnownError:
                seen["refused"] += 1
            except Exception as exc:  # noqa: BLE001 - what is being counted
                seen["bugs"].append(f"{kind}: {type(exc).__name__}: {exc}")
            else:
                seen["accepted"].append(kind)
            if _tree(root, hostile) != before:
                changed = set(_tree(root, hostile).items()) ^ set(before.items())
                seen["writes"].append(f"{kind}: {sorted(changed)[:3]}")

        trial()
    total = seen["refused"] + len(seen["accepted"]) + len(seen["bugs"])
    suite = "5 packages"
    figures.record(suite, "hypothesis-made hostile .gptshelf files", total, str(PACKAGES), total >= PACKAGES)
    figures.record(suite, "refused with a known error", f"{100 * seen['refused'] / total:.1f}%", "100%",
                   seen["refused"] == total)
    figures.record(suite, "uncaught exceptions", len(seen["bugs"]), "0", not seen["bugs"])
    figures.record(suite, "writes in or beside the data folder", len(seen["writes"]), "0", not seen["writes"])
    assert not seen["bugs"], seen["bugs"][:5]
    assert not seen["accepted"], seen["accepted"][:5]
    assert not seen["writes"], seen["writes"][:5]
