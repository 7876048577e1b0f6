"""python -m tools.sdk {build,key,identity,list} ...  (see tools/sdk/__init__.py)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from tools.sdk.build import BuildError, built_venvs, ensure
from tools.sdk.identity import current
from tools.sdk.spec import SpecError, key, parse

EXIT_BAD_SPEC = 2


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.sdk", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    build = commands.add_parser("build", help="build (or reuse) the SDK's venv; print its python")
    build.add_argument("spec", nargs="?", default="")
    build.add_argument("--json", action="store_true", help="print the build record instead")
    show_key = commands.add_parser("key", help="the cache key of a spec (installs nothing)")
    show_key.add_argument("spec")
    identity = commands.add_parser("identity", help="the SDK this interpreter imports")
    identity.add_argument("--json", action="store_true")
    commands.add_parser("list", help="the SDK venvs built so far")
    args = parser.parse_args(argv)
    try:
        if args.command == "build":
            built = ensure(args.spec)
            if args.json:
                print(
                    json.dumps(
                        {
                            "python": str(built.python),
                            "reused": built.reused,
                            "seconds": round(built.seconds, 2),
                            **built.record,
                        },
                        indent=2,
                    )
                )
            else:
                print(built.python)
        elif args.command == "key":
            keyed = key(parse(args.spec))
            print(f"{keyed.key}\t{keyed.content}")
        elif args.command == "identity":
            found = current()
            print(json.dumps(found.as_dict(), indent=2) if args.json else found.line())
        else:
            for venv, record in built_venvs():
                print(f"{venv.name}\t{record.get('version')}\t{record.get('source')}")
    except (SpecError, BuildError) as exc:
        print(f"sdk: {exc}", file=sys.stderr)
        return EXIT_BAD_SPEC
    return 0


if __name__ == "__main__":
    sys.exit(main())
