"""Why the suite checks URLs itself: honeyhive 1.7.0 (`config/resolved.py`, `normalize_api_url`)
replaces a URL that does not start with `http://` or `https://` (a typo, `HTTP://`, a bare
host:port) by its production default, with only a log warning. Pinned without any network: the
process's DNS and connects are replaced by recorders that refuse. If this test fails, the SDK
changed and the note in docs/findings.md (and the suite's own check) should be revisited."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

from support.target.config import SDK_DEFAULT_URL, ConfigError, load_config

PROBE = textwrap.dedent(
    """
    import json, logging, socket, sys
    attempts = []
    def no_dns(host, *args, **kwargs):
        attempts.append(["dns", host])
        raise socket.gaierror(socket.EAI_NONAME, "refused by the probe")
    def no_connect(self, address):
        attempts.append(["connect", str(address)])
        raise OSError("refused by the probe")
    socket.getaddrinfo = no_dns
    socket.socket.connect = no_connect
    logging.disable(logging.CRITICAL)
    from opentelemetry import trace
    from opentelemetry.sdk.trace import TracerProvider
    trace.set_tracer_provider(TracerProvider())
    from honeyhive import HoneyHive, HoneyHiveTracer
    test_mode, results = sys.argv[1] == "test_mode", {}
    for url in sys.argv[2:]:
        attempts.clear()
        client = HoneyHive(api_key="hh_probe_key_0000", server_url=url)
        found = {"client.server_url": client.server_url}
        tracer = HoneyHiveTracer(api_key="hh_probe_key_0000", server_url=url,
                                 session_name="probe", test_mode=test_mode, verbose=False)
        found["tracer.config.server_url"] = tracer.config.server_url
        exporter = getattr(getattr(tracer, "otlp_exporter", None), "_otlp_exporter", None)
        found["tracer.otlp_exporter._otlp_exporter.endpoint"] = getattr(exporter, "endpoint", None)
        found["attempts"] = list(attempts)
        results[url] = found
    print(json.dumps(results))
    """
)


def probe(mode: str, *urls: str) -> dict[str, dict[str, object]]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, mode, *urls],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        env={"PATH": "/usr/bin:/bin", "HOME": "/tmp"},
    )
    found: dict[str, dict[str, object]] = json.loads(done.stdout.strip().splitlines()[-1])
    return found


TYPOS = ["htp://127.0.0.1:9", "HTTP://127.0.0.1:9", "127.0.0.1:9", "ftp://127.0.0.1:9"]


def test_the_sdk_sends_a_url_without_http_to_production_and_the_suite_refuses_it() -> None:
    probed = probe("test_mode", *TYPOS, "http://127.0.0.1:9/")  # test mode: the SDK sends nothing
    for url in TYPOS:
        assert probed[url]["client.server_url"] == SDK_DEFAULT_URL, url
        assert probed[url]["tracer.config.server_url"] == SDK_DEFAULT_URL, url
        assert probed[url]["attempts"] == []
        try:
            checked = load_config({"HH_API_KEY": "hh_k", "HH_API_URL": url}, None).hh_api_url
        except ConfigError:
            continue  # refused before anything is built
        assert checked == "http://127.0.0.1:9"  # `HTTP://` is passed on as the SDK keeps it
        assert probe("test_mode", checked)[checked]["client.server_url"] == checked
    assert probed["http://127.0.0.1:9/"]["client.server_url"] == "http://127.0.0.1:9"


def test_a_live_tracer_with_a_typo_looks_up_the_production_host() -> None:
    found = probe("live", "htp://127.0.0.1:9")["htp://127.0.0.1:9"]
    assert found["tracer.otlp_exporter._otlp_exporter.endpoint"] == (
        f"{SDK_DEFAULT_URL}/opentelemetry/v1/traces"
    )
    assert ["dns", SDK_DEFAULT_URL.removeprefix("https://")] in found["attempts"]  # type: ignore[operator]
