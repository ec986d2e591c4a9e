"""Export RM-1k to every format except images and print the time of each exporter.

Goal (issue 5): all exporters together, writing included, in at most 5 s. The check engine's
review (which the design document includes) is timed on its own line and not counted: it has
its own budget in the checks issue::

    python bench/bench_export.py                  # RM-1k, median of 3 runs
    python bench/bench_export.py --size rm-100 -n 5
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
from exporters.base import ExportOptions
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
    parser.add_argument("-n", "--runs", type=int, default=3, help="runs per exporter (median)")
    args = parser.parse_args(argv)
    size = SIZES[args.size]
    design = generate(size.services, size.endpoints_per_service, size.tables, size.queries)
    exporters = [e for e in EXPORTERS if not getattr(e, "needs_tool", None)]
    review: tuple[Any, ...] = ()
    if any(getattr(e, "needs_review", False) for e in exporters):
        seconds, review = _median(lambda: _review(design), 1)
        print(f"{'(review)':<10} {seconds:7.3f} s  check engine, {len(review)} findings "
              "(not counted)")
    options = ExportOptions(review=review)
    total = 0.0
    outputs = {}
    for exporter in exporters:
        seconds, files = _median(lambda e=exporter: e.export(design, options), args.runs)
        outputs[exporter.name] = files
        size = sum(len(c) for c in files.values())
        print(f"{exporter.name:<10} {seconds:7.3f} s  {len(files):5d} files {size / 1e6:7.2f} MB")
        total += seconds
    with tempfile.TemporaryDirectory() as folder:
        seconds, _ = _median(lambda: [write_files(files, Path(folder) / name)
                                      for name, files in outputs.items()], 1)
    print(f"{'(write)':<10} {seconds:7.3f} s  atomic writes of every file")
    total += seconds
    verdict = "ok" if total <= GOAL_SECONDS else "MISSED"
    print(f"{'total':<10} {total:7.3f} s  goal <= {GOAL_SECONDS:.0f} s: {verdict} "
          f"({args.size}: {len(design)} elements)")
    return 0 if total <= GOAL_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
