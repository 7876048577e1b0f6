"""python -m tools.signoff {run,verdict,report,releases} (see tools/signoff/__init__.py)."""

from __future__ import annotations

import argparse
import shlex
import sys
from collections.abc import Sequence
from pathlib import Path

from tools.signoff import releases
from tools.signoff.run import OUT, signoff


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
    commands.add_parser("releases", help="published versions (see --help there)")
    args = parser.parse_args(argv)
    return signoff(
        args.candidate,
        args.baseline,
        pytest_args=shlex.split(args.pytest_args),
        out=args.out,
        pre=args.pre,
    )


if __name__ == "__main__":
    sys.exit(main())
