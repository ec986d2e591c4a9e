"""``archstudio sql advise``: check a queries file against a schema file.

``studio/cli.py`` wires the subcommand with :func:`add_arguments` and :func:`run`; the
module also runs on its own: ``python -m checks.index_advisor.advise --schema ...``.

Exit status: 0 when every query is served by an index, 1 when any is not, 2 when an
input is unreadable, a query cannot be parsed, or the usage is wrong.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from checks.index_advisor.analyzer import DIALECTS, Advisor, QueryVerdict
from checks.index_advisor.lint import (
    IndexFinding,
    redundant_indexes,
    unindexed_foreign_keys,
    unused_indexes,
)
from checks.index_advisor.queries import split_queries
from checks.index_advisor.schema import Schema, load_schema
from checks.index_advisor.sqltext import SqlTextError

EXIT_SERVED, EXIT_UNSERVED, EXIT_BAD_INPUT = 0, 1, 2


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the ``sql advise`` options to ``parser``."""
    parser.add_argument(
        "--schema", required=True, type=Path, help="DDL file (CREATE TABLE/INDEX ...)"
    )
    parser.add_argument(
        "--queries", required=True, type=Path, help="queries file, `-- name: NAME` per query"
    )
    parser.add_argument(
        "--dialect", default="postgres", choices=DIALECTS, help="SQL dialect (default: postgres)"
    )
    parser.add_argument(
        "--format", default="text", choices=("text", "json"), help="output format (default: text)"
    )


def run(args: argparse.Namespace, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Run ``sql advise`` with parsed ``args``; return the exit status."""
    out, err = out or sys.stdout, err or sys.stderr
    loaded = _load(args, err)
    if loaded is None:
        return EXIT_BAD_INPUT
    schema, queries_text = loaded
    for note in schema.notes:
        print(f"{args.schema}:{note.line}:{note.col}: note: {note.message}", file=err)
    verdicts = Advisor(schema, args.dialect).check_all(split_queries(queries_text, args.dialect))
    for verdict in verdicts:
        if verdict.error is not None:
            where = f"{args.queries}:{verdict.line}:{verdict.col}"
            print(f"{where}: error: {verdict.name}: {verdict.error}", file=err)
    findings = (
        unindexed_foreign_keys(schema, args.dialect)
        + redundant_indexes(schema, args.dialect)
        + unused_indexes(schema, verdicts, args.dialect)
    )
    if args.format == "json":
        json.dump([v.to_json() for v in verdicts], out, indent=2)
        out.write("\n")
    else:
        _write_text(verdicts, findings, out)
    if any(v.error is not None for v in verdicts):
        return EXIT_BAD_INPUT
    return EXIT_SERVED if all(v.indexed for v in verdicts) else EXIT_UNSERVED


def _load(args: argparse.Namespace, err: TextIO) -> tuple[Schema, str] | None:
    try:
        schema_text = args.schema.read_text(encoding="utf-8")
        queries_text = args.queries.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        print(
            f"{getattr(error, 'filename', None) or args.schema}:1:1: error: cannot read: {error}",
            file=err,
        )
        return None
    try:
        schema = load_schema(schema_text, args.dialect)
    except SqlTextError as error:
        print(f"{args.schema}:{error.line}:{error.col}: error: {error.message}", file=err)
        return None
    return schema, queries_text


def _write_text(verdicts: list[QueryVerdict], findings: list[IndexFinding], out: TextIO) -> None:
    for verdict in verdicts:
        if verdict.error is not None:
            print(f"ERROR   {verdict.name} (line {verdict.line}): {verdict.error}", file=out)
            continue
        print(f"{'ok     ' if verdict.indexed else 'UNSERVED'} {verdict.name}", file=out)
        for reason in verdict.reasons:
            print(f"    - {reason}", file=out)
        for suggestion in verdict.suggestions:
            print(f"    + {suggestion};", file=out)
    for finding in findings:
        print(f"{finding.kind.value}: {finding.message}\n    hint: {finding.hint}", file=out)
    served = sum(v.indexed for v in verdicts)
    print(f"{served}/{len(verdicts)} queries served by an index", file=out)


def main(argv: Sequence[str] | None = None) -> int:
    """Stand-alone entry point (``python -m checks.index_advisor.advise``)."""
    parser = argparse.ArgumentParser(
        prog="archstudio sql advise", description=__doc__.splitlines()[0]
    )
    add_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
