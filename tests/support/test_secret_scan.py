from __future__ import annotations

import sqlite3
from pathlib import Path

from tools.secret_scan import main, scan


def test_finds_configured_values_generated_keys_and_bearer_tokens(tmp_path: Path) -> None:
    (tmp_path / "log.txt").write_text("GET / 200\nAuthorization: Bearer abcdefgh12345\n")
    (tmp_path / "report.json").write_text('{"key": "hh_local_0123456789abcdef0123"}')
    (tmp_path / "bench.txt").write_text("my-configured-secret appears here")
    hits = scan([tmp_path], [b"my-configured-secret"])
    assert {h.path.name for h in hits} == {"log.txt", "report.json", "bench.txt"}


def test_redacted_text_and_sdk_placeholders_are_clean(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Authorization: Bearer [REDACTED]\nBearer None\nsession ok\n")
    assert scan([tmp_path]) == []


def test_scans_binary_databases(tmp_path: Path) -> None:
    db = sqlite3.connect(tmp_path / "x.db")
    db.execute("CREATE TABLE t (v TEXT)")
    db.execute("INSERT INTO t VALUES ('sk-local-00112233445566778899')")
    db.commit()
    db.close()
    assert [h.path.name for h in scan([tmp_path])] == ["x.db"]


def test_main_exits_non_zero_on_hits(tmp_path: Path) -> None:
    (tmp_path / "clean.txt").write_text("nothing here")
    assert main([str(tmp_path)]) == 0
    (tmp_path / "dirty.txt").write_text("hh_invalid_00112233445566778899aabb")
    assert main([str(tmp_path)]) == 1


def test_finds_secrets_inside_the_single_file_reports_embedded_data(tmp_path: Path) -> None:
    import base64

    hidden = base64.b64encode(b'{"param": "hh_local_00112233445566778899aabb"}').decode()
    (tmp_path / "index.html").write_text(f'<script>d("data/x.json", "{hidden}")</script>')
    assert [h.path.name for h in scan([tmp_path])] == ["index.html"]
