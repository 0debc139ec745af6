"""Turn an analysis dict into language-resolved report records.

Markdown, HTML and XLSX render the same records, so they show the same
findings in the same order: gaps first, met items last. Nothing here formats
text for a particular output; every string is still untrusted plain text.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from analyzer import __version__
from analyzer.errors import BadInputError
from analyzer.labels import knowledge
from analyzer.report.colours import step_colour
from analyzer.report.i18n import check_lang, label, pick, t

GAP_ORDER = ("missing", "partial")
GROUP_ORDER = ("labour", "human_rights", "environment", "governance")
MAX_QUOTES = 3
MAX_QUOTE_CHARS = 500


@dataclass(frozen=True)
class Quote:
    """One passage cited as evidence."""

    passage_id: str
    page: int | None
    text: str


@dataclass(frozen=True)
class Item:
    """One checklist item, in the report language."""

    id: str
    step_id: str
    step_number: int | None
    step_name: str
    colour: str
    status: str
    status_label: str
    core: bool
    title: str
    reason: str
    question: str
    quotes: tuple[Quote, ...]


@dataclass(frozen=True)
class Risk:
    """A risk the category makes salient, and whether the document covers it."""

    theme_id: str
    name: str
    why: str
    covered: bool
    quotes: tuple[Quote, ...]


@dataclass(frozen=True)
class StepRow:
    step_id: str
    number: int
    name: str
    colour: str
    status: str
    status_label: str
    count: int


@dataclass(frozen=True)
class ThemeRow:
    theme_id: str
    name: str
    group: str
    status: str
    status_label: str
    count: int
    salient: bool


@dataclass(frozen=True)
class ThemeGroup:
    group: str
    name: str
    discussed: tuple[ThemeRow, ...]       # present first, then mentioned
    salient_absent: tuple[ThemeRow, ...]


@dataclass(frozen=True)
class Country:
    code: str
    name: str
    pages: tuple[int, ...]
    count: int
    notes: tuple[str, ...]


@dataclass(frozen=True)
class RedFlag:
    id: str
    explanation: str
    quotes: tuple[Quote, ...]


@dataclass(frozen=True)
class Report:
    """Everything a renderer needs, already in one language and in report order."""

    lang: str
    version: str
    source: str
    document_id: str
    deliverable: str
    category: str
    pages: int | None
    language: str
    ocr: bool
    warnings: tuple[str, ...]
    headline: str
    score: int | None
    counts: dict[str, int]
    gaps: tuple[Item, ...]
    missing_risks: tuple[Risk, ...]
    risks: tuple[Risk, ...]
    steps: tuple[StepRow, ...]
    themes: tuple[ThemeRow, ...]
    theme_groups: tuple[ThemeGroup, ...]
    countries: tuple[Country, ...]
    red_flags: tuple[RedFlag, ...]
    met: tuple[Item, ...]
    not_applicable: tuple[Item, ...]

    @property
    def items(self) -> tuple[Item, ...]:
        """Every checklist item in report order: gaps, met, not applicable."""
        return self.gaps + self.met + self.not_applicable


def counts_line(report: Report) -> str:
    """ "Checklist: 5 voldaan, 7 gedeeltelijk, ..." in the report language."""
    c = report.counts
    return t("counts", report.lang, met=c.get("met", 0), partial=c.get("partial", 0), missing=c.get("missing", 0),
             na=c.get("n/a", 0))


def shorten(text: str, limit: int = MAX_QUOTE_CHARS) -> str:
    """One line of at most ``limit`` characters, cut at a word with an ellipsis."""
    flat = " ".join(str(text).split())
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - 1].rsplit(" ", 1)[0]
    return cut + "…"


def page_list(quotes: tuple[Quote, ...] | list[Quote]) -> tuple[int, ...]:
    """The distinct pages of some quotes, in order."""
    return tuple(sorted({q.page for q in quotes if isinstance(q.page, int)}))


@lru_cache(maxsize=1)
def _taxonomy() -> tuple[dict[str, dict], dict[str, dict]]:
    tax = knowledge("taxonomy")
    return {s["id"]: s for s in tax["steps"]}, {th["id"]: th for th in tax["themes"]}


@lru_cache(maxsize=1)
def _checklist() -> dict[str, dict]:
    return {item["id"]: item for item in knowledge("checklist")["items"]}


@lru_cache(maxsize=1)
def _sectors() -> dict[str, dict]:
    return {s["id"]: s for s in knowledge("sectors")["sectors"]}


def step_name(step_id: str, lang: str) -> str:
    steps, _ = _taxonomy()
    return pick(steps.get(step_id, {}), "name", lang) or step_id


def _step_number(step_id: str) -> int | None:
    steps, _ = _taxonomy()
    return list(steps).index(step_id) + 1 if step_id in steps else None


def theme_name(theme_id: str, lang: str) -> str:
    _, themes = _taxonomy()
    return pick(themes.get(theme_id, {}), "name", lang) or theme_id


def category_name(category: str | None, lang: str) -> str:
    if not category:
        return t("unknown", lang)
    sector = _sectors().get(category)
    if sector:
        return pick(sector, "name", lang)
    return label("category", category, lang)


def deliverable_name(deliverable: str | None, lang: str) -> str:
    if not deliverable:
        return t("unknown", lang)
    return label("deliverable", deliverable, lang)


class _Passages:
    """Passage lookup by id; unknown ids are skipped, not fatal."""

    def __init__(self, passages: list) -> None:
        self.by_id = {p["id"]: p for p in passages if isinstance(p, dict) and "id" in p}

    def quotes(self, ids) -> tuple[Quote, ...]:
        out, seen = [], set()
        for pid in ids or ():
            passage = self.by_id.get(pid)
            if passage is None or pid in seen or not str(passage.get("text") or "").strip():
                continue
            seen.add(pid)
            page = passage.get("page")
            out.append(Quote(pid, page if isinstance(page, int) else None, str(passage.get("text") or "")))
        return tuple(out)


def _score(summary: dict) -> int | None:
    score = summary.get("score")
    if not isinstance(score, (int, float)):
        return None
    return round(score * 100) if score <= 1 else round(score)


def _item(raw: dict, passages: _Passages, lang: str) -> Item:
    known = _checklist().get(raw.get("id", ""), {})
    step_id = raw.get("step") or known.get("step") or ""
    status = raw.get("status") or "missing"
    core = raw.get("core")
    return Item(
        id=str(raw.get("id", "")),
        step_id=step_id,
        step_number=_step_number(step_id),
        step_name=step_name(step_id, lang),
        colour=step_colour(step_id),
        status=status,
        status_label=label("item", status, lang),
        core=bool(known.get("core", False) if core is None else core),
        title=pick(raw, "title", lang) or pick(known, "title", lang),
        reason=pick(raw, "reason", lang),
        question=pick(raw, "question", lang) or pick(known, "question", lang),
        quotes=passages.quotes(raw.get("evidence")),
    )


def _notes(country: dict, lang: str) -> tuple[str, ...]:
    notes = country.get(f"risk_notes_{lang}") or country.get("risk_notes") or ()
    out = []
    for note in notes:
        if isinstance(note, dict):
            note = pick(note, "text", lang)
        if note:
            out.append(str(note))
    return tuple(out)


def build_report(analysis: dict, lang: str = "nl") -> Report:
    """The report records for one analysis (the JSON of ``ketenlens analyze``)."""
    lang = check_lang(lang)
    if not isinstance(analysis, dict) or not isinstance(analysis.get("assessment"), dict):
        raise BadInputError("this is not an analysis: it has no 'assessment'; make it with 'ketenlens analyze FILE'")
    document = analysis.get("document") or {}
    assessment = analysis["assessment"]
    passages = _Passages(analysis.get("passages") or [])
    summary = assessment.get("summary") or {}
    step_defs, theme_defs = _taxonomy()

    items = [_item(raw, passages, lang) for raw in assessment.get("checklist") or [] if isinstance(raw, dict)]
    gaps = tuple(
        item
        for status in GAP_ORDER
        for item in sorted((i for i in items if i.status == status), key=lambda i: not i.core)
    )
    met = tuple(i for i in items if i.status == "met")
    not_applicable = tuple(i for i in items if i.status not in GAP_ORDER and i.status != "met")
    counts = {key: sum(1 for i in items if i.status == key) for key in ("met", "partial", "missing", "n/a")}
    counts.update({k: v for k, v in (summary.get("counts") or {}).items() if isinstance(v, int)})

    risks = tuple(
        Risk(
            theme_id=r.get("theme", ""),
            name=theme_name(r.get("theme", ""), lang),
            why=pick(r, "why", lang),
            covered=bool(r.get("covered")),
            quotes=passages.quotes(r.get("evidence")),
        )
        for r in assessment.get("expected_risks") or []
        if isinstance(r, dict)
    )
    salient = {r.theme_id for r in risks}

    raw_steps = assessment.get("steps") or {}
    steps = tuple(
        StepRow(
            step_id=sid,
            number=number,
            name=step_name(sid, lang),
            colour=step_colour(sid),
            status=(raw_steps.get(sid) or {}).get("status", "absent"),
            status_label=label("step", (raw_steps.get(sid) or {}).get("status", "absent"), lang),
            count=len(passages.quotes((raw_steps.get(sid) or {}).get("evidence"))),
        )
        for number, sid in enumerate(step_defs, start=1)
    )

    raw_themes = assessment.get("themes") or {}
    themes = tuple(
        ThemeRow(
            theme_id=tid,
            name=theme_name(tid, lang),
            group=theme_defs[tid].get("group", ""),
            status=(raw_themes.get(tid) or {}).get("status", "absent"),
            status_label=label("theme", (raw_themes.get(tid) or {}).get("status", "absent"), lang),
            count=len(passages.quotes((raw_themes.get(tid) or {}).get("evidence"))),
            salient=tid in salient,
        )
        for tid in theme_defs
    )
    rank = {"present": 0, "mentioned": 1}
    groups = tuple(
        ThemeGroup(
            group=group,
            name=label("group", group, lang),
            discussed=tuple(sorted((r for r in themes if r.group == group and r.status in rank),
                                   key=lambda r: rank[r.status])),
            salient_absent=tuple(r for r in themes if r.group == group and r.status not in rank and r.salient),
        )
        for group in GROUP_ORDER
    )

    countries = []
    for c in assessment.get("countries") or []:
        if not isinstance(c, dict):
            continue
        quotes = passages.quotes(c.get("mentioned_in"))
        countries.append(Country(
            code=str(c.get("code", "")),
            name=pick(c, "name", lang) or str(c.get("code", "")),
            pages=page_list(quotes),
            count=len(quotes) or len(c.get("mentioned_in") or ()),
            notes=_notes(c, lang),
        ))

    flags = tuple(
        RedFlag(id=str(f.get("id", "")), explanation=pick(f, "explanation", lang) or str(f.get("id", "")),
                quotes=passages.quotes(f.get("passages")))
        for f in assessment.get("red_flags") or []
        if isinstance(f, dict)
    )

    return Report(
        lang=lang,
        version=__version__,
        source=str(document.get("source") or t("unknown", lang)),
        document_id=str(document.get("id") or ""),
        deliverable=deliverable_name(assessment.get("deliverable") or document.get("deliverable"), lang),
        category=category_name(assessment.get("category") or document.get("category"), lang),
        pages=document.get("pages") if isinstance(document.get("pages"), int) else None,
        language=str(document.get("language") or ""),
        ocr=bool(document.get("ocr")),
        warnings=tuple(str(w) for w in document.get("warnings") or ()),
        headline=pick(summary, "headline", lang),
        score=_score(summary),
        counts=counts,
        gaps=gaps,
        missing_risks=tuple(r for r in risks if not r.covered),
        risks=risks,
        steps=steps,
        themes=themes,
        theme_groups=groups,
        countries=tuple(countries),
        red_flags=flags,
        met=met,
        not_applicable=not_applicable,
    )
