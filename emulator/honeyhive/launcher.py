"""The HoneyHive emulator as a child process (``emulator.process.Service``), started the same way
by the suite, the tests and the benchmarks: 127.0.0.1, port 0 unless ``--port`` is in
``extra``, the control token through the environment, stderr to ``<log_dir>/<name>.log``."""

from __future__ import annotations

from pathlib import Path

from emulator.process import Service

#: read by ``python -m emulator.honeyhive`` (an environment variable: a token that starts with
#: "-" cannot be mistaken for an option, and it stays out of the process list)
TOKEN_ENV = "HH_EMULATOR_CONTROL_TOKEN"


def honeyhive_emulator(
    log_dir: Path, db: Path | str, control_token: str, *extra: str, name: str = "honeyhive"
) -> Service:
    """An unstarted emulator over ``db`` (a SQLite file, or ``:memory:``)."""
    return Service(
        name=name,
        argv=[
            "-m",
            "emulator.honeyhive",
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--db",
            str(db),
            *extra,
        ],
        log_path=log_dir / f"{name}.log",
        env={TOKEN_ENV: control_token},
    )
