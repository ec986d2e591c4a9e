"""Export RM-1k to every format except images and print the time of each exporter.

Goal (issue 5): all exporters together, writing included, in at most 5 s. The check engine's
review (which the design document includes) is timed on its own line and not counted: it has
its own budget in the checks issue::

    python bench/bench_export.py                  # RM-1k, median of 3 runs
    python bench/bench_export.py --size rm-100 -n 5

Each run is one ``export --to all`` as a new process does it: the exporters' memos are emptied
(:func:`exporters.memo.clear`), then every exporter runs in registry order, so the design
document reuses the diagrams and DDL built by the exporters before it, and no run reuses
anything from an earlier run. The figure per exporter is its median over the runs; the
``(doc only)`` line shows the design document exported with nothing built before it.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.generate import SIZES, generate
from exporters import memo
from exporters.base import Exporter, ExportOptions, Files
from exporters.files import write_files
from exporters.registry import EXPORTERS

GOAL_SECONDS = 5.0


def _median(fn: Callable[[], Any], runs: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def _export_all(
    design: Any, exporters: list[Exporter], options: ExportOptions, runs: int
) -> tuple[dict[str, float], dict[str, Files]]:
    """Median seconds per exporter over ``runs`` cold ``export --to all`` runs, and the files."""
    times: dict[str, list[float]] = {e.name: [] for e in exporters}
    outputs: dict[str, Files] = {}
    for _ in range(runs):
        memo.clear()
        for exporter in exporters:
            start = time.perf_counter()
            outputs[exporter.name] = exporter.export(design, options)
            times[exporter.name].append(time.perf_counter() - start)
    return {name: statistics.median(t) for name, t in times.items()}, outputs


def _write(outputs: dict[str, Files]) -> float:
    """Seconds to write every file in a new folder (not counting its removal)."""
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        for name, files in outputs.items():
            write_files(files, Path(folder) / name)
        return time.perf_counter() - start


def _review(design: Any) -> tuple[Any, ...]:
    try:
        from checks.engine import check_design
    except ImportError:
        return ()
    return tuple(check_design(design).findings)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; exit 1 when the goal is missed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="rm-1k")
    parser.add_argument("-n", "--runs", type=int, default=3, help="cold runs (median)")
    args = parser.parse_args(argv)
    size = SIZES[args.size]
    design = generate(size.services, size.endpoints_per_service, size.tables, size.queries)
    exporters = [e for e in EXPORTERS if not getattr(e, "needs_tool", None)]
    review: tuple[Any, ...] = ()
    if any(getattr(e, "needs_review", False) for e in exporters):
        seconds, review = _median(lambda: _review(design), 1)
        print(
            f"{'(review)':<10} {seconds:7.3f} s  check engine, {len(review)} findings (not counted)"
        )
    options = ExportOptions(review=review)
    medians, outputs = _export_all(design, exporters, options, args.runs)
    total = 0.0
    for name, seconds in medians.items():
        files = outputs[name]
        size = sum(len(c) for c in files.values())
        print(f"{name:<10} {seconds:7.3f} s  {len(files):5d} files {size / 1e6:7.2f} MB")
        total += seconds
    seconds = statistics.median(_write(outputs) for _ in range(args.runs))
    print(f"{'(write)':<10} {seconds:7.3f} s  atomic writes of every file, in a new folder")
    total += seconds
    doc = [e for e in exporters if e.name == "doc"]
    if doc:
        memo.clear()
        seconds, _ = _median(lambda: doc[0].export(design, options), 1)
        print(f"{'(doc only)':<10} {seconds:7.3f} s  nothing built before it (not counted)")
    verdict = "ok" if total <= GOAL_SECONDS else "MISSED"
    print(
        f"{'total':<10} {total:7.3f} s  goal <= {GOAL_SECONDS:.0f} s: {verdict} "
        f"({args.size}: {len(design)} elements)"
    )
    return 0 if total <= GOAL_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
