"""Which honeyhive SDK the tests run with (1.5.1, 1.6.1 and 1.7.0 are checked), and a skip for a
test of SDK surface an older release does not have, naming the version."""

from __future__ import annotations

from importlib.metadata import version

import pytest
from packaging.version import Version

SDK_VERSION = Version(version("honeyhive"))


def requires_sdk(minimum: str, what: str) -> pytest.MarkDecorator:
    return pytest.mark.skipif(
        Version(minimum) > SDK_VERSION,
        reason=f"honeyhive {SDK_VERSION} lacks {what} (added in {minimum})",
    )


# 1.7.0's generated client parses HoneyHive's error body into HTTPException.server_message and
# .error_code; 1.5.1 and 1.6.1 raise HTTPException(status_code, message) with neither
ERROR_BODY_ON_EXCEPTIONS = requires_sdk("1.7.0", "HTTPException.server_message/.error_code")
