"""Review times of the reference design RM-1k next to a plain load of the same file.

Goals (issue 3): a full check excluding SQL analysis within 1 s; a re-check after a
one-element edit, through the incremental checker, within 50 ms (median)::

    python bench/bench_checks.py                 # RM-1k
    python bench/bench_checks.py --size rm-100 -n 11
    python bench/bench_checks.py --profile       # where the full check spends its time
"""

from __future__ import annotations

import argparse
import dataclasses
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
from checks.base import Context
from checks.engine import Engine
from checks.incremental import IncrementalChecker
from checks.registry import GROUPS
from models.design import Design
from models.elements import Service
from models.io import load_design, save_design

FULL_GOAL = 1.0
EDIT_GOAL = 0.050


def _timed(action: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = action()
    return time.perf_counter() - start, result


def _engine() -> Engine:
    """Every rule but the SQL analysis (the index advisor is benchmarked on its own)."""
    return Engine(ignore=["sql"] if "sql" in GROUPS else ())


def _edits(design: Design, count: int) -> list[Callable[[], None]]:
    """One-field edits of different services: flip the purpose, as typing in a field does."""
    services = [sid for sid, _ in design.services()]
    step = max(1, len(services) // count)

    def edit(service_id: str) -> Callable[[], None]:
        def run() -> None:
            old = design.element(service_id)
            assert isinstance(old, Service)
            design.replace_element(service_id, dataclasses.replace(old, purpose=old.purpose + "!"))
        return run

    return [edit(services[(i * step) % len(services)]) for i in range(count)]


def _per_rule(design: Design, engine: Engine) -> list[tuple[float, str]]:
    config = engine.settings(design)
    context = Context(options=config.options, today=engine.context(design, config).today)
    times = []
    for rule in config.rules:
        spent, _ = _timed(lambda rule=rule: engine.run_rule(rule, design, context))
        times.append((spent, f"{rule.code} {rule.name}"))
    return sorted(times, reverse=True)


def main(argv: list[str] | None = None) -> int:
    """Print load, full-check and incremental re-check times; exit 1 when a goal is missed."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="rm-1k")
    parser.add_argument("-n", "--runs", type=int, default=21, help="edits to time (median)")
    parser.add_argument("--profile", action="store_true", help="print the slowest rules")
    args = parser.parse_args(argv)
    size = SIZES[args.size]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{args.size}.yaml"
        save_design(generate(size.services, size.endpoints_per_service, size.tables,
                             size.queries), path)
        load_time, design = _timed(lambda: load_design(path))
    engine = _engine()
    full_time, report = _timed(lambda: engine.run(design))
    checker = IncrementalChecker(design, engine)
    first_time, _ = _timed(lambda: checker.findings)
    edit_times = []
    for edit in _edits(design, args.runs):
        spent, _ = _timed(lambda edit=edit: (edit(), checker.findings))
        edit_times.append(spent)
    assert checker.findings == engine.run(design).findings, "incremental != full review"
    edit_time = statistics.median(edit_times)
    print(f"{args.size}: {len(design)} elements, {len(report.findings)} findings, "
          f"{len(report.rules)} rules")
    print(f"  load_design                 {load_time * 1000:8.1f} ms")
    print(f"  full check (no SQL)         {full_time * 1000:8.1f} ms   goal <= "
          f"{FULL_GOAL * 1000:.0f} ms")
    print(f"  incremental: first review   {first_time * 1000:8.1f} ms")
    print(f"  incremental: re-check edit  {edit_time * 1000:8.1f} ms   goal <= "
          f"{EDIT_GOAL * 1000:.0f} ms (median of {len(edit_times)})")
    if args.profile:
        for spent, name in _per_rule(design, engine)[:10]:
            print(f"    {spent * 1000:8.1f} ms  {name}")
    met = full_time <= FULL_GOAL and edit_time <= EDIT_GOAL
    return 0 if met or args.size != "rm-1k" else 1


if __name__ == "__main__":
    sys.exit(main())
