"""Warm services: the run's two local servers left up for the next run on the same checkout.

The first run starts a server as usual and leaves it running; a later run reuses it when it is
safe, and otherwise replaces it with one line saying why. Beside each server, in ``.warm/``
(gitignored, mode 0700: it holds the control tokens; never under ``reports/``, which is scanned
for secrets), ``<name>.json`` keeps its pid, process start time, URL, tokens and a fingerprint
of everything that shapes it:

- the checkout it belongs to (its path),
- its sources (every file of its ``emulator/`` packages, by content hash),
- its flags (argv),
- the model file (path, size, modification time) for the model server,
- the Python that runs it (its environment, resolved) and the installed distributions (the
  venv's ``*.dist-info`` names).

Reused only when the fingerprint matches, the pid is the same process (start time checked) and
the health probe answers 200 (within 1 s, or a second probe within 3 s; a dead or stopped server
fails it and is killed and replaced). Each run still makes its own projects, tenants and model
keys, so runs sharing a server see nothing of each other.

Each run holds a lease (``leases/<pid>``) while it uses the servers. A watchdog process (this
module's ``__main__``) stops every warm server once no live run holds a lease and the last one
ended ``IDLE_S`` ago (default 15 min, ``ACCEPTANCE_WARM_IDLE_S``), then exits. ``make stop``
(``python -m support.target.warm stop``) stops them now.

Warm is the default for a developer's runs. ``ACCEPTANCE_WARM=0`` starts cold and stops the
servers at the end (``make test``, the sign-off and CI, where ``CI=true`` does the same).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from emulator.process import PACKAGE_ROOT

WARM_ENV = "ACCEPTANCE_WARM"
WARM_DIR_ENV = "ACCEPTANCE_WARM_DIR"
IDLE_ENV = "ACCEPTANCE_WARM_IDLE_S"
IDLE_S = 15 * 60.0
#: a warm server that answers neither health probe within these (a second chance: a busy machine
#: can delay a healthy server's answer, and replacing it would break a run still using it)
HEALTH_TIMEOUTS_S = (1.0, 3.0)
CHECKOUT = PACKAGE_ROOT
#: the sources that shape each server (relative to the checkout), besides emulator/*.py
SOURCES = {"honeyhive": ("emulator/honeyhive",), "llm": ("emulator/llm",)}


def enabled(env: Mapping[str, str] = os.environ) -> bool:
    """Warm unless ACCEPTANCE_WARM=0, or on CI (CI=true) unless ACCEPTANCE_WARM=1."""
    value = env.get(WARM_ENV, "").strip().lower()
    if value in ("0", "false", "no", "off"):
        return False
    if value in ("1", "true", "yes", "on"):
        return True
    return env.get("CI", "").strip().lower() not in ("1", "true", "yes")


def warm_dir(env: Mapping[str, str] = os.environ) -> Path:
    return Path(env.get(WARM_DIR_ENV) or CHECKOUT / ".warm").resolve()


def idle_seconds(env: Mapping[str, str] = os.environ) -> float:
    try:
        return float(env.get(IDLE_ENV) or IDLE_S)
    except ValueError:
        return IDLE_S


# ---- the fingerprint ----------------------------------------------------------------------------


def _files(roots: Iterable[Path]) -> Iterator[Path]:
    for root in roots:
        for path in sorted(root.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
                yield path


def fingerprint(kind: str, argv: list[str], model_file: Path | None = None) -> dict[str, Any]:
    """Everything that shapes a server of ``kind`` ("honeyhive" or "llm"), as JSON values."""
    roots = [CHECKOUT / part for part in SOURCES[kind]]
    sources = {
        str(p.relative_to(CHECKOUT)): hashlib.sha256(p.read_bytes()).hexdigest()[:16]
        for p in [*_files(roots), *sorted((CHECKOUT / "emulator").glob("*.py"))]
    }
    site = [p for p in sys.path if p.endswith("site-packages") and Path(p).is_dir()]
    dists = sorted(n for s in site for n in os.listdir(s) if n.endswith(".dist-info"))
    model = None
    if model_file is not None:
        stat = model_file.stat()
        model = [str(model_file.resolve()), stat.st_size, stat.st_mtime_ns]
    return {
        "checkout": str(CHECKOUT),
        "argv": argv,
        "sources": sources,
        "model": model,
        # the environment (venv) resolved: `.venv/bin/python` reached through a symlinked `.venv`
        # or by another name of the same venv is one Python
        "python": [os.path.realpath(sys.prefix), sys.version],
        "distributions": hashlib.sha256("\n".join(dists).encode()).hexdigest()[:16],
    }


def mismatch(kept: Mapping[str, Any], now: Mapping[str, Any]) -> str | None:
    """Why a server with fingerprint ``kept`` must not serve a run that expects ``now``."""
    if kept.get("checkout") != now["checkout"]:
        return f"it belongs to another checkout ({kept.get('checkout')})"
    old, new = kept.get("sources") or {}, now["sources"]
    changed = sorted(k for k in old.keys() | new.keys() if old.get(k) != new.get(k))
    if changed:
        more = f" and {len(changed) - 1} more" if len(changed) > 1 else ""
        return f"its sources changed ({changed[0]}{more})"
    for key, what in (
        ("argv", "its flags changed"),
        ("model", "the model file changed"),
        ("python", "the Python changed"),
        ("distributions", "the installed packages changed"),
    ):
        if kept.get(key) != now[key]:
            return what
    return None


# ---- processes ----------------------------------------------------------------------------------


def process_started(pid: int) -> str | None:
    """The process's start time (clock ticks since boot), or None if it does not exist (or has
    exited and waits to be reaped)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[1].split()
    return None if fields[0] in ("Z", "X") else fields[19]


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def terminate(pid: int, started: str | None, grace: float = 5.0) -> None:
    """Stop the process group of ``pid`` (the server and anything it started): SIGTERM, then
    SIGKILL after ``grace`` (also what a stopped process gets: SIGTERM waits for SIGCONT)."""
    if started is None or process_started(pid) != started:
        return  # gone, or the pid now names another process
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGCONT)
        os.killpg(pid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline and process_started(pid) == started:
        _reap(pid)
        time.sleep(0.05)  # waiting for a process to exit, not for data
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)
    _reap(pid)


def _reap(pid: int) -> None:
    with contextlib.suppress(ChildProcessError, OSError):
        os.waitpid(pid, os.WNOHANG)


# ---- state on disk ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Kept:
    """A warm server as its state file describes it."""

    name: str
    pid: int
    started: str
    url: str
    tokens: dict[str, str]
    print_: dict[str, Any]

    @classmethod
    def read(cls, path: Path) -> Kept | None:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return cls(
                data["name"],
                int(data["pid"]),
                str(data["started"]),
                str(data["url"]),
                dict(data["tokens"]),
                dict(data["fingerprint"]),
            )
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def write(self, path: Path) -> None:
        scratch = path.with_suffix(".tmp")
        scratch.touch(mode=0o600)
        data = {
            "name": self.name,
            "pid": self.pid,
            "started": self.started,
            "url": self.url,
            "tokens": self.tokens,
            "fingerprint": self.print_,
        }
        scratch.write_text(json.dumps(data, indent=1), encoding="utf-8")
        scratch.replace(path)

    def problem(self, now: Mapping[str, Any], health_path: str) -> str | None:
        """Why this server cannot be reused (None: it can)."""
        reason = mismatch(self.print_, now)
        if reason:
            return reason
        if process_started(self.pid) != self.started:
            return f"its process {self.pid} is gone"
        answer = ""
        for timeout in HEALTH_TIMEOUTS_S:
            answer = _probe_within(f"{self.url}{health_path}", timeout)
            if answer == "200":
                return None
        waited = sum(HEALTH_TIMEOUTS_S)
        return f"its health probe did not answer 200 within {waited:.0f} s ({answer})"

    def stop(self) -> None:
        terminate(self.pid, self.started)


def _probe_within(url: str, timeout: float) -> str:
    import http.client
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=timeout)
    try:
        connection.request("GET", parts.path or "/")
        return str(connection.getresponse().status)
    except (OSError, http.client.HTTPException) as exc:
        return type(exc).__name__
    finally:
        connection.close()


@contextlib.contextmanager
def locked(folder: Path) -> Iterator[None]:
    """One run at a time decides about (and starts) the warm servers of a checkout."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    with (folder / "lock").open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def take_lease(folder: Path, pid: int | None = None) -> Path:
    leases = folder / "leases"
    leases.mkdir(mode=0o700, parents=True, exist_ok=True)
    lease = leases / str(pid or os.getpid())
    lease.write_text(str(time.time()), encoding="utf-8")
    return lease


def release_lease(folder: Path, pid: int | None = None) -> None:
    """The run ended: the idle time counts from now."""
    lease = folder / "leases" / str(pid or os.getpid())
    with contextlib.suppress(OSError):
        lease.unlink()
        (folder / "last-used").write_text(str(time.time()), encoding="utf-8")


def in_use(folder: Path) -> bool:
    """A live run holds a lease (leases of runs that died are removed)."""
    busy = False
    for lease in (folder / "leases").glob("*"):
        if lease.name.isdigit() and alive(int(lease.name)):
            busy = True
        else:
            with contextlib.suppress(OSError):
                lease.unlink()
    return busy


def last_used(folder: Path) -> float:
    try:
        return (folder / "last-used").stat().st_mtime
    except OSError:
        return 0.0


def kept_servers(folder: Path) -> list[tuple[Path, Kept]]:
    found = []
    for path in sorted(folder.glob("*.json")):
        kept = Kept.read(path)
        if kept is not None:
            found.append((path, kept))
    return found


def stop_all(folder: Path) -> list[str]:
    """Every warm server of ``folder`` and its watchdog, stopped now; what was stopped."""
    stopped = []
    with locked(folder):
        for path, kept in kept_servers(folder):
            kept.stop()
            path.unlink(missing_ok=True)
            stopped.append(f"{kept.name} (pid {kept.pid})")
        watchdog = _watchdog(folder)
        if watchdog is not None:
            terminate(*watchdog)
            (folder / "watchdog.json").unlink(missing_ok=True)
    return stopped


# ---- the watchdog -------------------------------------------------------------------------------


def _watchdog(folder: Path) -> tuple[int, str] | None:
    try:
        data = json.loads((folder / "watchdog.json").read_text(encoding="utf-8"))
        pid, started = int(data["pid"]), str(data["started"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return (pid, started) if process_started(pid) == started else None


def ensure_watchdog(folder: Path, idle: float) -> None:
    """A watchdog for ``folder`` is running (started detached if not)."""
    if _watchdog(folder) is not None:
        return
    process = subprocess.Popen(
        [sys.executable, "-m", "support.target.warm", "watch", str(folder), str(idle)],
        cwd=str(CHECKOUT),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=(folder / "watchdog.log").open("a"),
        start_new_session=True,
        env={**os.environ, "PYTHONPATH": str(CHECKOUT)},
    )
    started = process_started(process.pid) or ""
    (folder / "watchdog.json").write_text(
        json.dumps({"pid": process.pid, "started": started}), encoding="utf-8"
    )


def watch(folder: Path, idle: float, tick: float | None = None) -> None:
    """Until no warm server is left: stop them all once no run uses them and the last one
    ended ``idle`` seconds ago (or a server's process is gone)."""
    tick = tick if tick is not None else max(0.2, min(5.0, idle / 20))
    while True:
        time.sleep(tick)  # a timer: checks the leases every tick
        with locked(folder):
            servers = kept_servers(folder)
            for path, kept in servers:
                if process_started(kept.pid) != kept.started:
                    path.unlink(missing_ok=True)
            servers = kept_servers(folder)
            if not servers:
                (folder / "watchdog.json").unlink(missing_ok=True)
                return
            if in_use(folder) or time.time() - last_used(folder) < idle:
                continue
            for path, kept in servers:
                print(f"idle for {idle:.0f} s: stopping {kept.name} (pid {kept.pid})", flush=True)
                kept.stop()
                path.unlink(missing_ok=True)
            (folder / "watchdog.json").unlink(missing_ok=True)
            return


def main(argv: list[str]) -> int:
    if argv[:1] == ["watch"] and len(argv) == 3:
        watch(Path(argv[1]), float(argv[2]))
        return 0
    if argv[:1] == ["stop"]:
        folder = Path(argv[1]) if len(argv) > 1 else warm_dir()
        stopped = stop_all(folder) if folder.is_dir() else []
        print(f"stopped: {', '.join(stopped)}" if stopped else "no warm server was running")
        return 0
    print("usage: python -m support.target.warm stop [FOLDER] | watch FOLDER IDLE_S")
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
