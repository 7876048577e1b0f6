"""python -m tools.signoff {run,report,acceptance,releases} (see tools/signoff/__init__.py)."""

from __future__ import annotations

import argparse
import shlex
import sys
from collections.abc import Sequence
from pathlib import Path

from tools.signoff import releases
from tools.signoff.acceptance import acceptance_report
from tools.signoff.run import OUT, ROOT, releases_report, signoff


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["releases"]:
        return releases.main(argv[1:])
    parser = argparse.ArgumentParser(prog="python -m tools.signoff")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="sign off a candidate SDK against a baseline")
    run.add_argument("--candidate", required=True)
    run.add_argument("--baseline", default="", help="default: newest release but the candidate")
    run.add_argument("--pre", action="store_true", help="a pre-release may be the baseline")
    run.add_argument("--pytest-args", default="", help="extra pytest arguments, one string")
    run.add_argument("--out", type=Path, default=OUT)
    run.add_argument(
        "--reuse",
        action="store_true",
        help="reuse an SDK's stored results of the same suite state and arguments",
    )
    commands.add_parser("releases", help="published versions (see --help there)")
    merged = commands.add_parser("report", help="one report over several SDK runs' results")
    merged.add_argument("results", nargs="+", type=Path, help="an Allure results folder per SDK")
    merged.add_argument("--out", type=Path, default=ROOT / "reports" / "releases")
    one = commands.add_parser("acceptance", help="the report of one run (make report)")
    one.add_argument("results", type=Path, help="the run's Allure results folder")
    one.add_argument("--out", type=Path, default=ROOT / "reports" / "allure-report")
    one.add_argument("--history", type=Path, default=ROOT / "reports" / "history" / "local.jsonl")
    args = parser.parse_args(argv)
    if args.command == "acceptance":
        return acceptance_report(args.results, args.out, history=args.history)
    if args.command == "report":
        return releases_report(args.results, args.out)
    return signoff(
        args.candidate,
        args.baseline,
        pytest_args=shlex.split(args.pytest_args),
        out=args.out,
        pre=args.pre,
        reuse=args.reuse,
    )


if __name__ == "__main__":
    sys.exit(main())
