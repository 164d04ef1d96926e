"""Store search latency at 100,000 listings, against a LIKE scan of the same table in the same run.

    python -m bench.search_latency [--listings 100000] [--repeat 30]

Prints p50/p95 per query kind for the catalog's search (FTS5, CJK-aware, with filters and sorts) and
for the baseline (``LIKE '%word%'`` over name and description, the obvious way without an index),
and the ratio between them.
"""

from __future__ import annotations

import argparse
import logging
import statistics
import sys
import tempfile
import time
from pathlib import Path

from app.catalog import open_catalog
from app.core.entities import ListingQuery, ListingSort
from tests.unit.catalog.test_listings import make

log = logging.getLogger("bench.search_latency")

QUERIES = {
    "rare word": ListingQuery(text="99991"),
    "prefix": ListingQuery(text="foxtr", sort=ListingSort.DOWNLOADS),
    "common word": ListingQuery(text="helper", sort=ListingSort.RELEVANCE),
    "common, by likes": ListingQuery(text="helper", sort=ListingSort.LIKES),
    "chinese 2 chars": ListingQuery(text="翻译"),
    "filters + sort": ListingQuery(text="delta", category="coding", max_size=4_000_000_000, sort=ListingSort.RATING),
}
BASELINE = {
    "rare word": ("%99991%",), "prefix": ("%foxtr%",), "common word": ("%helper%",), "common, by likes": ("%helper%",),
    "chinese 2 chars": ("%翻译%",), "filters + sort": ("%delta%",),
}


def timed(fn, repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def p95(samples: list[float]) -> float:
    return sorted(samples)[int(len(samples) * 0.95) - 1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--listings", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        catalog = open_catalog(Path(folder) / "c.sqlite3", backups=Path(folder) / "b")
        started = time.perf_counter()
        listings = [make(i) for i in range(args.listings)]
        shards = {f"shards/{n:04d}": (f"{n:064x}", listings[n * 1000:(n + 1) * 1000])
                  for n in range((args.listings + 999) // 1000)}
        catalog.apply_shards("hub", shards, keep=shards)
        print(f"applied {args.listings} listings in {time.perf_counter() - started:.1f} s")
        conn = catalog._conns.read()  # noqa: SLF001 - the baseline needs raw SQL on the same file
        print(f"{'query':<18}{'search p50':>12}{'p95':>9}{'LIKE p50':>11}{'p95':>9}{'ratio p50':>11}  rows")
        for name, query in QUERIES.items():
            ours = timed(lambda q=query: catalog.search_listings(q), args.repeat)
            pattern = BASELINE[name][0]
            base = timed(lambda p=pattern: conn.execute(
                "SELECT id FROM listings WHERE name LIKE ? OR description LIKE ? ORDER BY downloads DESC LIMIT 50",
                (p, p)).fetchall(), args.repeat)
            rows = len(catalog.search_listings(query))
            print(f"{name:<18}{statistics.median(ours):>10.2f}ms{p95(ours):>7.2f}ms"
                  f"{statistics.median(base):>9.2f}ms{p95(base):>7.2f}ms"
                  f"{statistics.median(ours) / statistics.median(base):>11.3f}  {rows}")
        catalog.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
