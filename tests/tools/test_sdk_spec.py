"""SDK specs: what each form parses to, and cache keys that follow content, not names."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tools.sdk.spec import SpecError, dirty_hash, key, parse


@pytest.mark.parametrize("text", ["", "pinned", "default", " Pinned "])
def test_the_pinned_release_needs_no_install(text: str) -> None:
    spec = parse(text)
    assert spec.kind == "pinned"
    assert key(spec).key == "pinned"


@pytest.mark.parametrize(
    ("text", "requirement"),
    [
        ("1.6.1", "honeyhive==1.6.1"),
        ("1.8.0rc1", "honeyhive==1.8.0rc1"),
        ("==1.5.1", "honeyhive==1.5.1"),
        ("honeyhive==1.7.0", "honeyhive==1.7.0"),
        ("v1.7.0", "honeyhive==1.7.0"),
    ],
)
def test_a_version_is_a_published_release(text: str, requirement: str) -> None:
    spec = parse(text)
    assert (spec.kind, spec.requirement) == ("release", requirement)
    assert spec.source == f"release:{requirement}"
    assert key(spec).key == f"release-{requirement.split('==')[1]}"


def test_a_wheel_is_keyed_by_its_content(tmp_path: Path) -> None:
    wheel = tmp_path / "honeyhive-1.7.0+fault-py3-none-any.whl"
    wheel.write_bytes(b"one build")
    first = key(parse(str(wheel)))
    assert first.spec.kind == "wheel" and first.content.startswith("sha256:")
    assert first.key.startswith("wheel-honeyhive-1.7.0+fault-")
    assert key(parse(str(wheel))) == first  # same bytes, same venv
    wheel.write_bytes(b"another build under the same name")
    assert key(parse(str(wheel))).key != first.key


def test_relative_paths_and_sdists(tmp_path: Path) -> None:
    sdist = tmp_path / "honeyhive-1.7.0.tar.gz"
    sdist.write_bytes(b"x")
    spec = parse("honeyhive-1.7.0.tar.gz", cwd=tmp_path)
    assert spec.kind == "sdist" and spec.path == sdist


def _git(path: Path, *args: str) -> str:
    out = subprocess.run(
        ["git", "-C", str(path), *args], capture_output=True, text=True, check=True
    )
    return out.stdout.strip()


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    repo = tmp_path / "python-sdk"
    repo.mkdir()
    (repo / "pyproject.toml").write_text("[project]\nname = 'honeyhive'\n")
    _git(repo, "init", "-q")
    _git(repo, "add", ".")
    _git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "one")
    return repo


def test_a_checkout_is_keyed_by_its_commit_and_its_uncommitted_changes(checkout: Path) -> None:
    clean = key(parse(str(checkout)))
    head = _git(checkout, "rev-parse", "HEAD")
    assert clean.content == f"git:{head}"
    assert clean.key == f"checkout-python-sdk-{head[:12]}"
    assert dirty_hash(checkout) == ""
    (checkout / "pyproject.toml").write_text("[project]\nname = 'honeyhive'\n# edited\n")
    edited = key(parse(str(checkout)))
    assert edited.key.startswith(clean.key + "-dirty-")
    (checkout / "new.py").write_text("x = 1\n")
    assert key(parse(str(checkout))).key != edited.key  # an untracked file counts too
    (checkout / "new.py").write_text("x = 2\n")
    assert key(parse(str(checkout))).key != edited.key


def test_a_checkout_without_git_is_keyed_by_its_files(tmp_path: Path) -> None:
    tree = tmp_path / "sdk"
    tree.mkdir()
    (tree / "setup.py").write_text("print(1)\n")
    first = key(parse(str(tree)))
    assert "-tree-" in first.key
    (tree / "setup.py").write_text("print(2)\n")
    assert key(parse(str(tree))).key != first.key


def test_a_git_url_is_keyed_by_the_commit_its_ref_names(checkout: Path) -> None:
    head = _git(checkout, "rev-parse", "HEAD")
    _git(checkout, "tag", "v9.9.9")
    spec = parse(f"git+file://{checkout}@v9.9.9")
    assert (spec.kind, spec.url, spec.ref) == ("git", f"file://{checkout}", "v9.9.9")
    assert spec.requirement == f"honeyhive @ git+file://{checkout}@v9.9.9"
    keyed = key(spec)
    assert (keyed.commit, keyed.key) == (head, f"git-python-sdk-{head[:12]}")
    # a full commit needs no lookup
    assert key(parse(f"git+https://example.invalid/x/python-sdk.git@{head}")).commit == head


def test_git_url_forms() -> None:
    ssh = parse("git+ssh://git@github.com/honeyhiveai/python-sdk.git@v1.7.0")
    assert (ssh.url, ssh.ref) == ("ssh://git@github.com/honeyhiveai/python-sdk.git", "v1.7.0")
    bare = parse("https://github.com/honeyhiveai/python-sdk.git@main")
    assert (bare.kind, bare.ref) == ("git", "main")


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("latest", "is not an SDK spec"),
        ("./no/such/honeyhive.whl", "no such file or directory"),
        ("https://example.invalid/honeyhive", "git+<url>@<ref>"),
    ],
)
def test_a_spec_that_names_nothing_says_what_was_expected(text: str, says: str) -> None:
    with pytest.raises(SpecError, match=says.replace("+", r"\+")):
        parse(text)


def test_an_unknown_ref_fails_naming_it(checkout: Path) -> None:
    with pytest.raises(SpecError, match="no branch or tag 'nope'"):
        key(parse(f"git+file://{checkout}@nope"))


def test_a_directory_that_is_no_checkout(tmp_path: Path) -> None:
    with pytest.raises(SpecError, match=r"without pyproject\.toml"):
        parse(str(tmp_path))
