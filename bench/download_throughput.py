"""Figure 8: the store's install download against `hf download`, same file, same loopback fake hub.

    python -m bench.download_throughput [--mib 512] [--pairs 5]

The fake hub (tests/support/fake_hub*.py) runs in a process of its own and serves one random LFS
file. Baseline: huggingface_hub's own CLI, ``hf download REPO FILE --revision SHA --local-dir DIR``,
as a process. Ours, also as a process (``python -m bench.download_throughput --ours …``): what the
store's installer does for a file, ``HubClient.file_ref`` for the hub's size and LFS sha256, then
``Downloader.download`` into the content-addressed store with its catalog state, sha256 verified,
flushed to disk and renamed into place. Both are timed from process start to exit, interleaved; the
ratio is ours ÷ hf in throughput (hf seconds ÷ our seconds), the median of the pairs. Goal ≥ 0.95.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.harness import Row, Section, at_least, interleaved
from bench.loopback import ServedFile, fake_hub_with_file
from bench.show import print_section

ROOT = Path(__file__).resolve().parent.parent
GOAL = 0.95


def _env(home: Path, endpoint: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "HUGGING"))}
    env.update(HF_ENDPOINT=endpoint, HF_HOME=str(home / "hf-home"), HF_HUB_DISABLE_TELEMETRY="1",
               HF_HUB_DISABLE_PROGRESS_BARS="1", HF_HUB_DISABLE_XET="1", GPTSHELF_HOME=str(home / "gptshelf"),
               PYTHONPATH=str(ROOT))
    return env


def _timed_process(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return time.perf_counter() - started


def hf_download(served: ServedFile, work: Path) -> float:
    home = Path(tempfile.mkdtemp(dir=work))
    try:
        hf = Path(sys.executable).with_name("hf")
        return _timed_process([str(hf), "download", served.repo, served.path, "--revision", served.revision,
                               "--local-dir", str(home / "out")], _env(home, served.endpoint))
    finally:
        shutil.rmtree(home)


def our_download(served: ServedFile, work: Path) -> float:
    home = Path(tempfile.mkdtemp(dir=work))
    try:
        return _timed_process([sys.executable, "-m", "bench.download_throughput", "--ours", served.endpoint,
                               served.repo, served.revision, served.path, served.sha256, str(home / "gptshelf")],
                              _env(home, served.endpoint))
    finally:
        shutil.rmtree(home)


def _ours(endpoint: str, repo: str, revision: str, path: str, sha256: str, home: str) -> int:
    """The child: the installer's download of one file (Installer._fetch without the GGUF check)."""
    from app.catalog import open_catalog  # noqa: PLC0415 - the child process
    from app.core.paths import AppPaths  # noqa: PLC0415
    from app.hub.client import HubClient  # noqa: PLC0415
    from app.hub.download import Downloader, DownloadRequest  # noqa: PLC0415

    paths = AppPaths(Path(home)).ensure()
    with open_catalog(paths.database, backups=paths.backups) as catalog:
        client = HubClient(endpoint, cache_dir=paths.home / "hub-cache", token=lambda: None)
        ref = client.file_ref(repo, path, revision=revision)
        if ref.sha256 != sha256:
            raise SystemExit(f"the hub's sha256 {ref.sha256} is not the file's {sha256}")
        request = DownloadRequest(key=f"{repo}@{revision}/{path}", url=ref.url, target=paths.blob(sha256),
                                  expected_sha256=sha256, expected_size=ref.size, headers=client.headers())
        Downloader(catalog, folders=(paths.store,)).download(request)
    return 0


def run(mib: int = 512, pairs: int = 5, folder: str | None = None) -> Section:
    section = Section("Downloads (figure 8)")
    if not Path(sys.executable).with_name("hf").exists():
        section.skipped = "huggingface_hub's `hf` CLI is not installed in this environment"
        return section
    with tempfile.TemporaryDirectory(dir=folder) as work_folder, fake_hub_with_file(mib) as served:
        work = Path(work_folder)
        hf_download(served, work)  # warm: page cache, .pyc files
        our_download(served, work)
        measured = interleaved(lambda: our_download(served, work), lambda: hf_download(served, work), pairs)
    ratio = 1 / measured.ratio  # throughput: hf seconds ÷ our seconds
    goal, met = at_least(ratio, GOAL)
    size = mib
    section.rows.append(Row(
        figure=f"8 download {size} MiB: ours ÷ hf download (throughput)", ratio=ratio, goal=goal, met=met,
        ours=size / measured.ours_median, baseline=size / measured.baseline_median, unit="MiB/s (process start to exit)",
        note=f"ours {measured.ours_median:.2f} s, hf {measured.baseline_median:.2f} s; ours includes sha256, "
             "catalog state, fsync and rename"))
    section.text = (
        f"One random {size} MiB LFS file served by the fake hub in its own process on 127.0.0.1. Both clients run as "
        f"processes, timed from start to exit (imports included), interleaved, {pairs} pairs; ratio = median of "
        "hf seconds ÷ our seconds. `hf download` checks only the size; ours also verifies the sha256 and makes "
        "the file durable before it counts as installed.")
    return section


def main(argv: list[str] | None = None) -> int:
    if argv is None and len(sys.argv) > 1 and sys.argv[1] == "--ours":
        return _ours(*sys.argv[2:8])
    parser = argparse.ArgumentParser()
    parser.add_argument("--mib", type=int, default=512)
    parser.add_argument("--pairs", type=int, default=5)
    parser.add_argument("--folder", help="where the clients write (default: the system's temp folder)")
    args = parser.parse_args(argv)
    print_section(run(args.mib, args.pairs, args.folder))
    return 0


if __name__ == "__main__":
    sys.exit(main())
