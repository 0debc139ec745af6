"""The command line contract: output formats, exit codes, one-line errors."""

import json
import subprocess
import sys

import pytest

import pdfgen
from analyzer import __version__
from analyzer.cli import main


def test_parse_json_matches_the_contract(tmp_path, capsys):
    path = tmp_path / "ra.pdf"
    pdfgen.text_pdf(path, pages=2)
    assert main(["parse", str(path)]) == 0
    data = json.loads(capsys.readouterr().out)
    document = data["document"]
    assert set(document) >= {"id", "source", "pages", "language", "ocr", "warnings"}
    assert len(document["id"]) == 64 and document["pages"] == 2 and document["language"] == "nl"
    first = data["passages"][0]
    assert set(first) >= {"id", "index", "page", "bbox", "text", "lang", "heading"}
    assert [p["index"] for p in data["passages"]] == list(range(len(data["passages"])))


def test_parse_text_format_and_output_file(tmp_path):
    path = tmp_path / "ra.pdf"
    pdfgen.text_pdf(path, pages=1)
    out = tmp_path / "out" / "ra.txt"
    assert main(["parse", str(path), "--format", "text", "--output", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# ra.pdf: 1 page(s), language nl")
    assert "p1 [nl]" in text


def test_bad_input_exits_3_with_one_line(tmp_path, capsys):
    path = tmp_path / "empty.pdf"
    path.write_bytes(b"")
    assert main(["parse", str(path)]) == 3
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("ketenlens: error: ")
    assert "Traceback" not in err


def test_failed_run_leaves_no_output_file(tmp_path):
    path = tmp_path / "empty.pdf"
    path.write_bytes(b"")
    out = tmp_path / "out.json"
    assert main(["parse", str(path), "--output", str(out)]) == 3
    assert not out.exists() and list(tmp_path.iterdir()) == [path]


def test_usage_error_exits_2(capsys):
    with pytest.raises(SystemExit) as info:
        main(["parse", "x.pdf", "--format", "yaml"])
    assert info.value.code == 2


def test_bad_limit_value_exits_2():
    with pytest.raises(SystemExit) as info:
        main(["parse", "x.pdf", "--max-pages", "0"])
    assert info.value.code == 2


def test_help_has_an_example(capsys):
    with pytest.raises(SystemExit):
        main(["parse", "--help"])
    assert "example" in capsys.readouterr().out


def test_module_entry_point_and_version():
    done = subprocess.run([sys.executable, "-m", "analyzer", "--version"], capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout.strip() == f"ketenlens {__version__}"


def test_user_add_creates_a_user_and_rejects_bad_input(tmp_path, monkeypatch, capsys):
    pytest.importorskip("sqlalchemy")
    import io

    from analyzer.store import open_store

    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    monkeypatch.setenv("KETENLENS_DATABASE_URL", url)
    monkeypatch.setenv("KETENLENS_FILES_DIR", str(tmp_path / "files"))
    monkeypatch.setattr("sys.stdin", io.StringIO("a-long-secret\n"))
    assert main(["user", "add", "admin", "--role", "admin", "--password-stdin"]) == 0
    store = open_store(url, tmp_path / "files")
    try:
        assert store.authenticate("admin", "a-long-secret") is not None
    finally:
        store.close()
    monkeypatch.setattr("sys.stdin", io.StringIO("a-long-secret\n"))
    assert main(["user", "add", "admin", "--role", "admin", "--password-stdin"]) != 0  # taken
    err = capsys.readouterr().err
    assert err.strip().splitlines()[-1].startswith("ketenlens: error: ")
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert main(["user", "add", "other", "--role", "expert", "--password-stdin"]) != 0
