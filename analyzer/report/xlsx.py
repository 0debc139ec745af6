"""The XLSX report: findings, risks, passages and a summary, one sheet each.

Every sheet has a bold, frozen header row with an autofilter and wrapped text.
Document text is untrusted: strings are always stored as text (a passage that
starts with "=" never becomes a formula) and characters XML cannot hold are
dropped. The same analysis gives the same bytes: workbook dates and zip entry
times are fixed.
"""

from __future__ import annotations

import datetime
import io
import zipfile
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.writer.excel import ExcelWriter

from analyzer.report.colours import badge
from analyzer.report.files import atomic_write
from analyzer.report.i18n import label, plural, t
from analyzer.report.view import Report, build_report, counts_line, page_list, step_name, theme_name

FIXED_TIME = datetime.datetime(2000, 1, 1)  # the same epoch reportlab's invariant mode uses
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
MAX_CELL = 32767
TOP_SCORES = 3

WRAP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")
BOLD = Font(bold=True)


class _FixedTimeZip(zipfile.ZipFile):
    """A ZipFile whose entries all carry one fixed timestamp."""

    def writestr(self, zinfo_or_arcname, data, compress_type=None, compresslevel=None):
        if not isinstance(zinfo_or_arcname, zipfile.ZipInfo):
            zinfo_or_arcname = zipfile.ZipInfo(zinfo_or_arcname, date_time=ZIP_TIME)
            zinfo_or_arcname.compress_type = zipfile.ZIP_DEFLATED
            zinfo_or_arcname.external_attr = 0o644 << 16
        super().writestr(zinfo_or_arcname, data, compress_type, compresslevel)

    def write(self, filename, arcname=None, compress_type=None, compresslevel=None):
        # openpyxl writes worksheets from temporary files, whose times would vary
        with open(filename, "rb") as handle:
            self.writestr(arcname or Path(filename).name, handle.read())


def _clean(text: str) -> str:
    text = ILLEGAL_CHARACTERS_RE.sub("", text)
    return text if len(text) <= MAX_CELL else text[: MAX_CELL - 1] + "…"


def _sheet(wb: Workbook, title: str, columns: list[tuple[str, float]], rows: list[list], status_col: int | None = None):
    """A sheet with a bold frozen header, autofilter, widths and wrapped text."""
    ws = wb.create_sheet(title)
    ws.append([header for header, _ in columns])
    for cell in ws[1]:
        cell.font = BOLD
        cell.alignment = WRAP
    for r, row in enumerate(rows, start=2):
        for c, value in enumerate(row, start=1):
            cell = ws.cell(row=r, column=c)
            if isinstance(value, tuple):  # (shown text, status key for the fill)
                value, status = value
                background, _ = badge(status)
                cell.fill = PatternFill("solid", fgColor=background.lstrip("#"))
            if isinstance(value, str):
                cell.value = _clean(value)
                cell.data_type = "s"  # never a formula, whatever the text starts with
                cell.alignment = WRAP
            else:
                cell.value = value
                cell.alignment = TOP
    for c, (_, width) in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(c)].width = width
    last = get_column_letter(len(columns))
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{last}{max(len(rows) + 1, 1)}"
    ws.print_title_rows = "1:1"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    return ws


def _pages(quotes) -> str:
    return ", ".join(str(p) for p in page_list(quotes))


def _findings(wb: Workbook, r: Report) -> None:
    lang = r.lang
    columns = [
        (t("col.id", lang), 7), (t("col.step", lang), 28), (t("col.status", lang), 13), (t("col.core", lang), 9),
        (t("col.title", lang), 36), (t("col.reason", lang), 40), (t("col.question", lang), 50),
        (t("col.pages", lang), 10), (t("col.quotes", lang), 80),
    ]
    rows = []
    for item in r.items:
        quotes = "\n\n".join(
            (f"{t('page_ref', lang, page=q.page)}: " if q.page is not None else "") + " ".join(q.text.split())
            for q in item.quotes
        )
        rows.append([item.id, item.step_name, (item.status_label, item.status), t("yes" if item.core else "no", lang),
                     item.title, item.reason, item.question, _pages(item.quotes), quotes])
    _sheet(wb, t("sheet.findings", lang), columns, rows)


def _risks(wb: Workbook, r: Report) -> None:
    lang = r.lang
    columns = [
        (t("col.kind", lang), 15), (t("col.theme_id", lang), 22), (t("col.theme", lang), 40),
        (t("col.group", lang), 18), (t("col.status", lang), 13), (t("col.expected", lang), 10),
        (t("col.covered", lang), 11), (t("col.why", lang), 60), (t("col.pages", lang), 10),
    ]
    groups = {th.theme_id: th for th in r.themes}
    rows = []
    for risk in r.risks:
        theme = groups.get(risk.theme_id)
        status = (theme.status_label, theme.status) if theme else ""
        group = label("group", theme.group, lang) if theme else ""
        rows.append([t("kind.expected_risk", lang), risk.theme_id, risk.name, group, status, t("yes", lang),
                     t("yes" if risk.covered else "no", lang), risk.why, _pages(risk.quotes)])
    why = {risk.theme_id: risk.why for risk in r.risks}
    for th in r.themes:
        rows.append([t("kind.theme", lang), th.theme_id, th.name, label("group", th.group, lang),
                     (th.status_label, th.status), t("yes" if th.salient else "no", lang),
                     t("yes" if th.status in ("present", "mentioned") else "no", lang), why.get(th.theme_id, ""),
                     ""])
    _sheet(wb, t("sheet.risks", lang), columns, rows)


def _top_scores(scores: dict) -> str:
    ranked = sorted(((v, k) for k, v in scores.items() if isinstance(v, (int, float))), key=lambda x: (-x[0], x[1]))
    return "; ".join(f"{k} {v:.2f}" for v, k in ranked[:TOP_SCORES])


def _passages(wb: Workbook, analysis: dict, lang: str) -> None:
    columns = [
        (t("col.page", lang), 8), (t("col.passage_kind", lang), 12), (t("col.text", lang), 80),
        (t("col.steps", lang), 30), (t("col.themes", lang), 30), (t("col.status", lang), 13),
        (t("col.specific", lang), 10), (t("col.top_scores", lang), 34), (t("col.id", lang), 24),
    ]
    rows = []
    for p in analysis.get("passages") or []:
        if not isinstance(p, dict):
            continue
        specific = p.get("specific")
        rows.append([
            p.get("page") if isinstance(p.get("page"), int) else "",
            str(p.get("kind") or ""),
            str(p.get("text") or ""),
            "; ".join(step_name(s, lang) for s in p.get("steps") or ()),
            "; ".join(theme_name(th, lang) for th in p.get("themes") or ()),
            label("passage", p.get("status"), lang),
            "" if specific is None else t("yes" if specific else "no", lang),
            _top_scores(p.get("scores") or {}),
            str(p.get("id") or ""),
        ])
    _sheet(wb, t("sheet.passages", lang), columns, rows)


def _summary(wb: Workbook, r: Report) -> None:
    lang = r.lang
    rows: list[list] = [
        [t("document", lang), r.source],
        [t("deliverable", lang), r.deliverable],
        [t("category", lang), r.category],
        [t("pages", lang), r.pages if r.pages is not None else ""],
        [t("language", lang), r.language],
        [t("score", lang), t("score_value", lang, score=r.score) if r.score is not None else ""],
        [t("summary", lang), r.headline],
        [t("gaps", lang), counts_line(r)],
    ]
    for s in r.steps:
        rows.append([f"{t('step', lang)} {s.number}. {s.name}",
                     (f"{s.status_label} ({plural('n_passages', s.count, lang)})", s.status)])
    rows += [
        [t("generated_by", lang), f"ketenlens {r.version}"],
        [t("note", lang), t("review_note", lang)],
        [t("document_id", lang), r.document_id],
    ]
    _sheet(wb, t("sheet.summary", lang), [(t("col.field", lang), 34), (t("col.value", lang), 90)], rows)


def xlsx_bytes(analysis: dict, lang: str = "nl") -> bytes:
    """The workbook as bytes; the same analysis always gives the same bytes."""
    report = build_report(analysis, lang)
    wb = Workbook()
    wb.remove(wb.active)
    _findings(wb, report)
    _risks(wb, report)
    _passages(wb, analysis, report.lang)
    _summary(wb, report)
    wb.active = 0
    props = wb.properties
    props.creator = props.lastModifiedBy = f"ketenlens {report.version}"
    props.title = _clean(t("title", report.lang, source=report.source))[:255]
    props.created = props.modified = FIXED_TIME
    buffer = io.BytesIO()
    with _FixedTimeZip(buffer, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        ExcelWriter(wb, archive).write_data()
    return buffer.getvalue()


def write_xlsx(analysis: dict, path: str | Path, lang: str = "nl") -> Path:
    """Write the workbook to ``path`` (atomically) and return the path."""
    return atomic_write(path, xlsx_bytes(analysis, lang))
