"""The baseline by default: the newest published release that is not the candidate."""

from __future__ import annotations

from packaging.version import Version

from tools.signoff.releases import last, newest_other_than, versions

DOCUMENT = {
    "releases": {
        "1.5.1": [{"yanked": False}],
        "1.6.0": [{"yanked": True}],  # every file yanked: not a release to compare with
        "1.6.1": [{"yanked": False}],
        "1.7.0": [{"yanked": False}],
        "1.8.0rc1": [{"yanked": False}],
        "1.9.0": [],  # no files
        "not-a-version": [{"yanked": False}],
    }
}


def test_releases_leave_out_yanked_empty_and_pre_releases() -> None:
    assert versions(DOCUMENT) == [Version("1.5.1"), Version("1.6.1"), Version("1.7.0")]
    assert versions(DOCUMENT, pre=True)[-1] == Version("1.8.0rc1")


def test_the_baseline_is_the_newest_release_other_than_the_candidate() -> None:
    published = versions(DOCUMENT)
    assert newest_other_than("1.7.0", published) == Version("1.6.1")
    assert newest_other_than("1.8.0rc1", published) == Version("1.7.0")
    assert newest_other_than("1.7.0+fault1", published) == Version("1.7.0")
    assert newest_other_than(None, published) == Version("1.7.0")


def test_the_nightly_takes_the_last_three() -> None:
    assert [str(v) for v in last(3, versions(DOCUMENT))] == ["1.5.1", "1.6.1", "1.7.0"]
