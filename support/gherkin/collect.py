"""Feature files collected as pytest modules (a pytest plugin): `pytest features/x.feature`
runs that file, `pytest features/` every file, `-k` still selects by title. Before a file's
scenarios are created, every one of its steps is checked against the vocabulary: a file with
unknown phrases fails to collect, listing all of them with the phrases that could do the job,
and a Gherkin syntax error names the file and the line."""

from __future__ import annotations

import types
from pathlib import Path
from typing import Any

import pytest
from _pytest._code.code import TerminalRepr
from pytest_bdd import exceptions, scenario
from pytest_bdd.feature import get_feature
from pytest_bdd.scenario import get_python_name_generator

from support.gherkin.vocabulary import phrases, suggest

FEATURES = Path(__file__).resolve().parents[2] / "features"


class FeatureFileError(Exception):
    """A feature file that cannot run as written; the message says where and why."""


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    """Feature files of features/, and any other feature file named on the command line (the
    suite's own probes in tests/ run only when asked for)."""
    if file_path.suffix != ".feature":
        return None
    named = {Path(a.split("::")[0]).resolve() for a in parent.config.args}
    if FEATURES in file_path.resolve().parents or file_path.resolve() in named:
        return FeatureFile.from_parent(parent, path=file_path)
    return None


def _rel(path: Path) -> str:
    try:
        return str(path.relative_to(FEATURES.parent))
    except ValueError:
        return str(path)


def _unknown_steps(feature: Any) -> list[str]:
    from support.sdk.instrumentors import check_phrase

    vocabulary = phrases()
    problems = []
    seen: set[tuple[str, str]] = set()
    for template in feature.scenarios.values():
        contexts = [c for ex in template.examples for c in ex.as_contexts()] or [{}]
        steps = [s for ctx in contexts for s in template.render(ctx).steps]
        for step in steps:
            keyword, text = step.type.capitalize(), step.name
            if (keyword, text) in seen:
                continue
            seen.add((keyword, text))
            if any(p.matches(keyword, text) for p in vocabulary):
                wrong = check_phrase(text)
                if wrong:
                    problems.append(
                        f"  line {step.line_number}: {step.keyword.strip()} {text}\n    {wrong}"
                    )
                continue
            hints = "\n".join(f"      {p}" for p in suggest(keyword, text, vocabulary))
            problems.append(
                f"  line {step.line_number}: {step.keyword.strip()} {text}\n"
                f"    no such phrase; phrases that could do the job:\n{hints}"
            )
    return problems


class FeatureFile(pytest.Module):
    """The scenarios of one feature file, as test functions of a module of their own."""

    def _getobj(self) -> types.ModuleType:
        base, name = str(self.path.parent), self.path.name
        try:
            feature = get_feature(base, name)
        except exceptions.GherkinParseError as exc:
            raise FeatureFileError(
                f"{_rel(self.path)}:{exc.line}: {exc.message}\n  {exc.line_content.strip()}"
            ) from exc
        except Exception as exc:  # the Gherkin parser's own errors carry the line in their text
            raise FeatureFileError(f"{_rel(self.path)}: {exc}") from exc
        unknown = _unknown_steps(feature)
        if unknown:
            raise FeatureFileError(
                f"{_rel(self.path)} uses {len(unknown)} phrase(s) that do not exist "
                "(see docs/steps.md):\n" + "\n".join(unknown)
            )
        module = types.ModuleType(f"features.{self.path.stem}")
        module.__file__ = str(self.path)
        for scenario_name in feature.scenarios:

            def _scenario() -> None:
                pass

            # pytest-bdd's public decorator; it finds the feature already parsed (get_feature's
            # cache), so the file is parsed once
            test = scenario(name, scenario_name, features_base_dir=base)(_scenario)
            for test_name in get_python_name_generator(scenario_name):
                if not hasattr(module, test_name):
                    setattr(module, test_name, test)
                    break
        return module

    def _register_setup_module_fixture(self) -> None:
        pass

    def _register_setup_function_fixture(self) -> None:
        pass

    def repr_failure(
        self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None
    ) -> str | TerminalRepr:
        if isinstance(excinfo.value, FeatureFileError):
            return str(excinfo.value)
        return super().repr_failure(excinfo)
