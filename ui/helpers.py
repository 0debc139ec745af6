"""Pure helpers behind the page scripts: no streamlit here, so they are easy to test.

- confidence of a passage's labels, filters, colours and marks for the page image
- rendering a PDF page with its evidence boxes (pypdfium2 + PIL)
- the adapter that lets ``analyzer.assess.compare`` run on stored analyses
- what the exports add: the reviewed items and the questions for the supplier dialogue
"""

from __future__ import annotations

import html
import io
import re
from dataclasses import dataclass
from types import SimpleNamespace

from analyzer.labels import knowledge, step_ids, theme_ids
from analyzer.records import LabelledPassage
from analyzer.report.colours import NEUTRAL, rgb, step_colour
from analyzer.report.highlight import evidence_marks
from ui.i18n import text

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#~:${}])")


_MD_LEADING = re.compile(r"^(\d+)([.)])|^([-+=])")


def safe_md(value: object) -> str:
    """Untrusted text (document passages, file names) as inert one-line Markdown for st.markdown."""
    flat = _MD_SPECIAL.sub(r"\\\1", " ".join(str(value).split()))
    return _MD_LEADING.sub(lambda m: f"{m.group(1)}\\{m.group(2)}" if m.group(1) else f"\\{m.group(3)}", flat)


def shorten(value: str, limit: int = 160) -> str:
    flat = " ".join(str(value).split())
    return flat if len(flat) <= limit else flat[: limit - 1].rsplit(" ", 1)[0] + "…"


# -- labels, confidence, filters --------------------------------------------------------------

def model_value(item: dict, field: str, key: str | None = None):
    """The model's value of ``field`` even after a review changed it (``reviewed`` keeps it)."""
    reviewed = (item.get("reviewed") or {}).get(field)
    if reviewed is not None:
        return reviewed.get("model_value")
    return item.get(key or field)


def confidence(passage: dict) -> float:
    """The model's probability for its least certain step/theme decision on this passage.

    For every label the model either chose (probability p) or did not (1 - p); the passage's
    confidence is the lowest of these, so 0.5-ish means a coin toss somewhere. 1.0 without scores.
    """
    scores = passage.get("scores") or {}
    if not scores:
        return 1.0
    chosen = set(model_value(passage, "steps") or ()) | set(model_value(passage, "themes") or ())
    return round(min((p if label in chosen else 1.0 - p) for label, p in scores.items()), 4)


@dataclass(frozen=True)
class Filters:
    steps: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    min_confidence: float = 0.0
    max_confidence: float = 1.0

    def match(self, passage: dict) -> bool:
        if self.steps and not set(self.steps) & set(passage.get("steps") or ()):
            return False
        if self.themes and not set(self.themes) & set(passage.get("themes") or ()):
            return False
        if self.statuses and passage.get("status") not in self.statuses:
            return False
        return self.min_confidence <= confidence(passage) <= self.max_confidence


def cited_steps(analysis: dict) -> dict[str, list[str]]:
    """Passage id -> the steps whose evidence (or whose checklist items' evidence) cites it, in OECD order."""
    assessment = analysis.get("assessment") or {}
    cited: dict[str, list[str]] = {}
    for sid in step_ids():
        for pid in ((assessment.get("steps") or {}).get(sid) or {}).get("evidence") or ():
            cited.setdefault(pid, []).append(sid)
    for item in assessment.get("checklist") or ():
        for pid in item.get("evidence") or ():
            steps = cited.setdefault(pid, [])
            if item.get("step") and item["step"] not in steps:
                steps.append(item["step"])
    return cited


def passage_colour(passage: dict, cited: dict[str, list[str]]) -> str:
    steps = cited.get(passage.get("id")) or list(passage.get("steps") or ())
    return step_colour(steps[0]) if steps else NEUTRAL


@dataclass(frozen=True)
class Box:
    bbox: tuple[float, float, float, float]
    colour: str
    active: bool = False


def page_boxes(analysis: dict, page: int, filters: Filters, evidence_only: bool = True,
               active: frozenset[str] = frozenset()) -> tuple[Box, ...]:
    """The boxes to draw on one page: evidence passages (or every labelled one) that pass the filters."""
    passages = {p["id"]: p for p in analysis.get("passages") or () if p.get("page") == page}
    cited = cited_steps(analysis)
    if evidence_only:
        chosen = [passages[m.passage_id] for m in evidence_marks(analysis)
                  if m.page == page and m.passage_id in passages]
    else:
        chosen = [p for p in passages.values() if p.get("steps") or p.get("themes") or p["id"] in cited]
    chosen += [passages[pid] for pid in active if pid in passages and passages[pid] not in chosen]
    boxes = []
    for p in chosen:
        bbox = p.get("bbox")
        if not bbox or len(bbox) != 4 or (p["id"] not in active and not filters.match(p)):
            continue
        boxes.append(Box(tuple(float(v) for v in bbox), passage_colour(p, cited), p["id"] in active))
    return tuple(boxes)


def render_page(pdf: bytes, page: int, boxes: tuple[Box, ...], scale: float = 1.5) -> bytes:
    """PNG of ``page`` (1-based) with translucent boxes in their step colour; bbox in points from the top left."""
    import pypdfium2 as pdfium
    from PIL import Image, ImageDraw

    document = pdfium.PdfDocument(pdf)
    try:
        image = document[page - 1].render(scale=scale).to_pil().convert("RGBA")
    finally:
        document.close()
    overlay = Image.new("RGBA", image.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    for box in boxes:
        x0, top, x1, bottom = (v * scale for v in box.bbox)
        r, g, b = rgb(box.colour)
        pad = 2 * scale
        draw.rectangle((x0 - pad, top - pad, x1 + pad, bottom + pad), fill=(r, g, b, 90 if box.active else 55),
                       outline=(r, g, b, 255), width=5 if box.active else 2)
    out = io.BytesIO()
    Image.alpha_composite(image, overlay).convert("RGB").save(out, format="PNG", optimize=False)
    return out.getvalue()


# -- checklist ---------------------------------------------------------------------------------

def checklist_defaults() -> dict[str, dict]:
    return {item["id"]: item for item in knowledge("checklist")["items"]}


def base_question(item: dict, lang: str) -> str:
    """The question as the analysis (or else the checklist) words it."""
    return (item.get(f"question_{lang}") or checklist_defaults().get(item.get("id"), {}).get(f"question_{lang}") or "")


def with_own_checklist(analysis: dict) -> dict:
    """A copy of the analysis whose checklist items are its own (to edit); everything else is shared.

    The analysis shown is cached across reruns (``common.analysis``), and a deep copy of a long
    document's analysis costs about as much as the rest of a page run.
    """
    result = dict(analysis)
    assessment = result.get("assessment")
    if isinstance(assessment, dict) and "checklist" in assessment:
        result["assessment"] = {**assessment, "checklist": [dict(item) if isinstance(item, dict) else item
                                                            for item in assessment.get("checklist") or ()]}
    return result


def apply_question_edits(analysis: dict, edits: dict) -> dict:
    """A copy of the analysis with the case's edited supplier questions and the dialogue marks applied."""
    result = with_own_checklist(analysis)
    for item in (result.get("assessment") or {}).get("checklist") or ():
        edit = edits.get(item.get("id"))
        if edit is None:
            continue
        for lang in ("nl", "en"):
            value = getattr(edit, f"question_{lang}")
            if value:
                item[f"question_{lang}"] = value
        item["marked_for_dialogue"] = bool(edit.marked_for_dialogue)
        item["question_edited"] = bool(edit.question_nl or edit.question_en)
    return result


# -- compare -----------------------------------------------------------------------------------

def as_analyzed(analysis: dict) -> SimpleNamespace:
    """What ``analyzer.assess.compare.compare`` reads of an AnalyzedDocument, rebuilt from a stored analysis."""
    labelled = tuple(
        LabelledPassage(id=p["id"], page=p.get("page") or 1, text=p.get("text") or "",
                        steps=tuple(p.get("steps") or ()), themes=tuple(p.get("themes") or ()),
                        status=p.get("status") or "none", specific=bool(p.get("specific")),
                        kind=p.get("kind") or "paragraph", lang=p.get("lang") or "nl",
                        bbox=tuple(p["bbox"]) if p.get("bbox") else None, heading=p.get("heading"),
                        scores=p.get("scores") or {})
        for p in analysis.get("passages") or ()
    )
    document = analysis.get("document") or {}
    assessment = analysis.get("assessment") or {}
    return SimpleNamespace(parsed=SimpleNamespace(source=document.get("source") or ""), labelled=labelled,
                           assessment=SimpleNamespace(deliverable=assessment.get("deliverable")))


# -- exports -----------------------------------------------------------------------------------

FIELD_KEYS = {"steps": "steps", "themes": "themes", "status": "status", "specific": "specific",
              "checklist_status": "status"}


def reviewed_rows(analysis: dict) -> list[dict]:
    """Every reviewed passage label and checklist verdict in an effective analysis (``Store.effective_labels``)."""
    rows = []
    targets = [("passage", p) for p in analysis.get("passages") or ()]
    targets += [("checklist", c) for c in (analysis.get("assessment") or {}).get("checklist") or ()]
    for kind, item in targets:
        for field, review in (item.get("reviewed") or {}).items():
            rows.append({"kind": kind, "id": item.get("id"), "page": item.get("page"), "field": field,
                         "decision": review.get("decision"), "model_value": review.get("model_value"),
                         "value": review.get("value"), "reviewer": review.get("reviewer"),
                         "reviewed_at": (review.get("reviewed_at") or "")[:16].replace("T", " "),
                         "reason": review.get("reason") or "", "review_id": review.get("review_id")})
    return rows


def dialogue_rows(analysis: dict, lang: str) -> list[dict]:
    """Checklist items marked for the supplier dialogue, with the (edited) question in ``lang``."""
    return [{"id": item.get("id"), "status": item.get("status"), "question": base_question(item, lang)}
            for item in (analysis.get("assessment") or {}).get("checklist") or () if item.get("marked_for_dialogue")]


def value_names(field: str, value, lang: str, scores: dict | None = None) -> str:
    """A reviewable field's value in words (label names, translated statuses); with ``scores``, each
    step or theme carries the model's probability."""
    from analyzer.report.i18n import label
    from analyzer.report.i18n import t as report_t
    from analyzer.report.view import step_name, theme_name

    scores = scores or {}

    def names(labels, name) -> str:
        return ", ".join(f"{name(v, lang)} ({scores[v]:.2f})" if v in scores else name(v, lang)
                         for v in labels or ()) or "—"

    if value is None:
        return "—"
    if field == "steps":
        return names(value, step_name)
    if field == "themes":
        return names(value, theme_name)
    if field == "status":
        return label("passage", value, lang)
    if field == "checklist_status":
        return text(f"status.{value}", lang)
    if field == "specific":
        return report_t("yes" if value else "no", lang)
    return show_value(value)


def mark_reviewed_verdicts(analysis: dict) -> dict:
    """A copy in which every reviewed checklist verdict says so in its reason (both languages)."""
    result = with_own_checklist(analysis)
    for item in (result.get("assessment") or {}).get("checklist") or ():
        review = (item.get("reviewed") or {}).get("checklist_status")
        if review is None:
            continue
        for lang in ("nl", "en"):
            note = text("export.reviewed_verdict", lang, reviewer=review.get("reviewer") or "?",
                        model=value_names("checklist_status", review.get("model_value"), lang),
                        value=value_names("checklist_status", review.get("value"), lang))
            if review.get("reason"):
                note += f" ({review['reason']})"
            original = item.get(f"reason_{lang}") or item.get("reason") or ""
            item[f"reason_{lang}"] = f"{note}. {text('export.model_reason', lang)}: {original}" if original else note
    return result


def show_value(value) -> str:
    if isinstance(value, list):
        return ", ".join(value) if value else "—"
    if value is None:
        return "—"
    return str(value)


def _review_line(row: dict, lang: str) -> list[str]:
    where = row["id"] if row["kind"] == "checklist" else f"{row['id']} (p. {row['page']})"
    return [where, text(f"field.{row['field']}", lang), text(f"decision.{row['decision']}", lang),
            value_names(row["field"], row["model_value"], lang), value_names(row["field"], row["value"], lang),
            row["reviewer"] or "", row["reviewed_at"], row["reason"]]


def _columns(lang: str) -> list[str]:
    return [text(f"export.col.{c}", lang) for c in ("item", "field", "decision", "model", "value", "reviewer",
                                                    "when", "reason")]


def export_markdown_section(analysis: dict, lang: str) -> str:
    from analyzer.report.markdown import md

    rows = reviewed_rows(analysis)
    lines = ["", f"## {text('export.reviews_title', lang)}", ""]
    if rows:
        lines.append(text("export.reviews_intro", lang, n=len(rows)))
        lines += ["", "| " + " | ".join(_columns(lang)) + " |", "|" + "---|" * len(_columns(lang))]
        lines += ["| " + " | ".join(md(v) for v in _review_line(r, lang)) + " |" for r in rows]
    else:
        lines.append(text("export.no_reviews", lang))
    dialogue = dialogue_rows(analysis, lang)
    if dialogue:
        lines += ["", f"## {text('export.dialogue_title', lang)}", ""]
        lines += [f"- **{md(r['id'])}**: {md(r['question'])}" for r in dialogue]
    return "\n".join(lines) + "\n"


def export_html_section(analysis: dict, lang: str) -> str:
    e = html.escape
    rows = reviewed_rows(analysis)
    out = ['<section id="reviews">', f"<h2>{e(text('export.reviews_title', lang))}</h2>"]
    if rows:
        out.append(f"<p>{e(text('export.reviews_intro', lang, n=len(rows)))}</p><table><thead><tr>"
                   + "".join(f"<th>{e(c)}</th>" for c in _columns(lang)) + "</tr></thead><tbody>")
        out += ["<tr>" + "".join(f"<td>{e(v)}</td>" for v in _review_line(r, lang)) + "</tr>" for r in rows]
        out.append("</tbody></table>")
    else:
        out.append(f"<p>{e(text('export.no_reviews', lang))}</p>")
    dialogue = dialogue_rows(analysis, lang)
    if dialogue:
        out.append(f"<h2>{e(text('export.dialogue_title', lang))}</h2><ul>")
        out += [f"<li><strong>{e(r['id'])}</strong>: {e(r['question'])}</li>" for r in dialogue]
        out.append("</ul>")
    out.append("</section>")
    return "\n".join(out)


def add_html_section(page: str, section: str) -> str:
    at = page.rfind("</body>")
    return page + section if at < 0 else page[:at] + section + "\n" + page[at:]


def add_xlsx_sheet(workbook: bytes, analysis: dict, lang: str) -> bytes:
    """The workbook with a sheet of the reviewed items (and one of the dialogue questions, when any)."""
    from openpyxl import load_workbook
    from openpyxl.styles import Font

    book = load_workbook(io.BytesIO(workbook))
    sheet = book.create_sheet(text("export.sheet_reviews", lang)[:31])
    sheet.append(_columns(lang))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in reviewed_rows(analysis):
        sheet.append(_review_line(row, lang))
    dialogue = dialogue_rows(analysis, lang)
    if dialogue:
        questions = book.create_sheet(text("export.sheet_dialogue", lang)[:31])
        questions.append(["ID", text("export.col.question", lang)])
        for row in dialogue:
            questions.append([row["id"], row["question"]])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def known_labels() -> tuple[tuple[str, ...], tuple[str, ...]]:
    return step_ids(), theme_ids()
