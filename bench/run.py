"""Load and save times of the reference design RM-1k next to PyYAML's C floor.

The floor is measured in the same run on the same file: ``yaml.load(text, CSafeLoader)`` for
loading and ``yaml.dump(data, Dumper=CSafeDumper)`` of that data for saving. Goals (issue 2):
``load_design`` within 1.5x and ``dumps_design`` within 2x of the floor::

    python bench/run.py                  # RM-1k, median of 5 runs
    python bench/run.py --size rm-100 -n 9
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

import yaml

from bench.generate import SIZES, generate
from models.io import dumps_design, gc_paused, load_design, save_design

LOAD_GOAL = 1.5
SAVE_GOAL = 2.0


def _seconds(fn: Callable[[], Any]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def measure(path: Path, runs: int) -> dict[str, float]:
    """Median times of our load/save and of the PyYAML floor for the design file at ``path``.

    Each run times every contender once, one after the other, so that a busy machine slows
    ours and the floor alike; the medians are taken over the runs.
    """
    text = path.read_text(encoding="utf-8")
    data = yaml.load(text, Loader=yaml.CSafeLoader)
    design = load_design(path)
    out = path.with_suffix(".saved.yaml")
    contenders: dict[str, Callable[[], Any]] = {
        "floor_load": lambda: yaml.load(text, Loader=yaml.CSafeLoader),
        "load": lambda: load_design(path),
        "floor_dump": lambda: yaml.dump(data, Dumper=yaml.CSafeDumper, sort_keys=False),
        "dumps": lambda: dumps_design(design),
        "save": lambda: save_design(design, out),
    }
    samples: dict[str, list[float]] = {name: [] for name in contenders}
    for _ in range(runs):
        for name, fn in contenders.items():
            samples[name].append(_seconds(fn))
    for name in ("floor_load", "floor_dump"):  # the floor without the collector's rescans
        with gc_paused():
            fn = contenders[name]
            samples[f"{name}_nogc"] = [_seconds(fn) for _ in range(runs)]
    return {name: statistics.median(values) for name, values in samples.items()}


def report(size: str, path: Path, runs: int, times: dict[str, float]) -> str:
    """The results as a small table."""
    lines = [
        f"{size}: {path.stat().st_size / 1e6:.1f} MB, median of {runs} runs",
        _line(
            "load_design", times["load"], "yaml.load(CSafeLoader)", times["floor_load"], LOAD_GOAL
        ),
        _line(
            "dumps_design", times["dumps"], "yaml.dump(CSafeDumper)", times["floor_dump"], SAVE_GOAL
        ),
        _line(
            "save_design", times["save"], "yaml.dump(CSafeDumper)", times["floor_dump"], SAVE_GOAL
        ),
        "floor with the garbage collector paused, as archstudio runs (for reference):",
        _line(
            "load_design",
            times["load"],
            "yaml.load(CSafeLoader)",
            times["floor_load_nogc"],
            LOAD_GOAL,
        ),
        _line(
            "dumps_design",
            times["dumps"],
            "yaml.dump(CSafeDumper)",
            times["floor_dump_nogc"],
            SAVE_GOAL,
        ),
    ]
    return "\n".join(lines)


def _line(ours: str, seconds: float, floor: str, floor_seconds: float, goal: float) -> str:
    ratio = seconds / floor_seconds
    return (
        f"  {ours:<13} {seconds:7.3f} s   floor {floor:<23} {floor_seconds:7.3f} s   "
        f"ratio {ratio:4.2f}x (goal <= {goal}x) {_verdict(ratio, goal)}"
    )


def _verdict(ratio: float, goal: float) -> str:
    return "ok" if ratio <= goal else "MISSED"


def main(argv: list[str] | None = None) -> int:
    """Generate the design into a temporary folder, measure, print."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="rm-1k")
    parser.add_argument("-n", "--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    size = SIZES[args.size]
    with tempfile.TemporaryDirectory(prefix="archstudio-bench-") as folder:
        path = Path(folder) / f"{args.size}.yaml"
        design = generate(
            size.services, size.endpoints_per_service, size.tables, size.queries, seed=args.seed
        )
        save_design(design, path)
        print(report(args.size, path, args.runs, measure(path, args.runs)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
