"""The report stage: an analysis dict (the JSON of ``ketenlens analyze``) -> a report.

Formats: ``md`` (Markdown), ``html`` (one self-contained printable page),
``json`` (the analysis itself) and ``xlsx`` (a workbook; needs a file). The
highlighted PDF copy is :func:`analyzer.report.highlight.highlight_pdf`.
Report text is Dutch by default, English with ``lang="en"``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from analyzer.errors import UsageError
from analyzer.report.files import atomic_write
from analyzer.report.html import render_html
from analyzer.report.i18n import DEFAULT_LANG, check_lang
from analyzer.report.markdown import render_markdown
from analyzer.report.xlsx import write_xlsx

FORMATS = ("json", "md", "html", "xlsx")
TEXT_FORMATS = ("json", "md", "html")
XLSX_NEEDS_FILE = "xlsx output needs --output FILE.xlsx"

__all__ = ["FORMATS", "render", "write_report", "render_markdown", "render_html", "write_xlsx"]


def _check_format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise UsageError(f"unknown report format {fmt!r}; choose one of: {', '.join(FORMATS)}")
    return fmt


def render(analysis: dict, fmt: str, lang: str = DEFAULT_LANG) -> str:
    """The report as text for ``md``, ``html`` or ``json``; ``xlsx`` needs a file (use :func:`write_report`)."""
    fmt, lang = _check_format(fmt), check_lang(lang)
    if fmt == "xlsx":
        raise UsageError(XLSX_NEEDS_FILE)
    if fmt == "md":
        return render_markdown(analysis, lang)
    if fmt == "html":
        return render_html(analysis, lang)
    return json.dumps(analysis, ensure_ascii=False, indent=2) + "\n"


def write_report(analysis: dict, fmt: str, path: str | Path | None, lang: str = DEFAULT_LANG) -> None:
    """Write the report to ``path`` (atomically), or to standard output when ``path`` is None or "-".

    ``xlsx`` cannot go to standard output: it raises a :class:`UsageError`.
    """
    fmt, lang = _check_format(fmt), check_lang(lang)
    to_stdout = path is None or str(path) == "-"
    if fmt == "xlsx":
        if to_stdout:
            raise UsageError(XLSX_NEEDS_FILE)
        write_xlsx(analysis, path, lang)
        return
    text = render(analysis, fmt, lang)
    if to_stdout:
        sys.stdout.write(text)
    else:
        atomic_write(path, text.encode("utf-8"))
