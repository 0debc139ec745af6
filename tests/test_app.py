"""The Streamlit page, driven headless with AppTest."""

from pathlib import Path

import pytest

pytest.importorskip("streamlit")
from streamlit.testing.v1 import AppTest  # noqa: E402

APP = str(Path(__file__).resolve().parents[1] / "app.py")


def test_start_page_asks_for_a_document():
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert at.info[0].value.startswith("Kies of upload")


def test_sample_document_shows_its_passages():
    at = AppTest.from_file(APP, default_timeout=120).run()
    samples = [o for o in at.selectbox(key="sample").options if o != "—"]
    assert samples, "examples/ holds sample documents"
    at.selectbox(key="sample").select(samples[0]).run()
    assert not at.exception
    assert len(at.dataframe) == 1
    assert len(at.dataframe[0].value) > 5


def test_english_switch():
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.sidebar.radio(key="lang").set_value("en").run()
    assert at.title[0].value.startswith("ketenlens — reading")
