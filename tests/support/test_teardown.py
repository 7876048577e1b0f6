from __future__ import annotations

import functools

from support.teardown import Teardown


def test_undoes_in_reverse_order() -> None:
    done: list[str] = []
    td = Teardown()
    for name in ("open tracer", "create session", "start span"):
        td.add(name, functools.partial(done.append, name))
    assert td.run() == []
    assert done == ["start span", "create session", "open tracer"]


def test_keeps_going_after_a_failing_undo_and_reports_it() -> None:
    done: list[str] = []
    td = Teardown()
    td.add("close tracer", lambda: done.append("closed"))
    td.add("delete session s1", lambda: (_ for _ in ()).throw(RuntimeError("404")))
    td.add("delete session s2", lambda: done.append("s2"))
    problems = td.run()
    assert done == ["s2", "closed"]
    assert problems == ["could not delete session s1: RuntimeError: 404"]


def test_running_twice_does_nothing_the_second_time() -> None:
    calls: list[int] = []
    td = Teardown()
    td.add("x", lambda: calls.append(1))
    td.run()
    td.run()
    assert calls == [1]
