"""Cross-document checks for one supplier.

- Risk analysis -> plan of action -> annual report: every prioritised risk (a
  theme the risk analysis identifies) should have a measure in the plan, and
  every measure of the plan should come back in the report.
- Two annual reports of different years: what the earlier one promised
  (planned passages) is reported done, still planned (late), or silently
  dropped in the later one.

Measures are matched by their number when the documents number them ("M3",
"maatregel 3", "measure 3"), otherwise by risk theme.
"""

from __future__ import annotations

import re

from analyzer.assess.deliverable import infer_deliverable
from analyzer.labels import knowledge, theme_ids

_MEASURE_ID = re.compile(r"\b(?:M\s?(\d{1,2})|(?:maatregel|measure|actie|action)\s+(\d{1,2}))\b", re.I)
_YEAR = re.compile(r"\b(20[1-4]\d)\b")


def _deliverable(document) -> str:
    return document.assessment.deliverable or infer_deliverable(list(document.labelled)) or "other"


def _year(document) -> int | None:
    """The reporting year: the one in the title, else the most frequent one on the first page."""
    first = [p for p in document.labelled if p.page == 1]
    for p in first:
        if p.kind == "heading" and _YEAR.search(p.text):
            return int(_YEAR.search(p.text).group(1))
    years = [int(y) for p in first for y in _YEAR.findall(p.text)]
    return max(set(years), key=years.count) if years else None


def _measures(document, statuses=("planned", "done", "none")) -> dict[str, list]:
    """Measure key -> passages: numbered measures when present, else risk themes of prevention passages."""
    numbered: dict[str, list] = {}
    for p in document.labelled:
        for match in _MEASURE_ID.finditer(p.text):
            numbered.setdefault("M" + (match.group(1) or match.group(2)), []).append(p)
    if len(numbered) >= 2:
        return numbered
    by_theme: dict[str, list] = {}
    for p in document.labelled:
        if {"dd3_prevent", "dd4_track"} & set(p.steps) and p.status in statuses:
            for theme in p.themes:
                by_theme.setdefault(theme, []).append(p)
    return by_theme


def _risks(document) -> dict[str, list]:
    risks: dict[str, list] = {}
    for p in document.labelled:
        if "dd2_identify" in p.steps:
            for theme in p.themes:
                risks.setdefault(theme, []).append(p)
    return risks


def _themes_of(passages) -> set[str]:
    return {t for p in passages for t in p.themes}


def _ids(passages) -> list[str]:
    return list(dict.fromkeys(p.id for p in passages))[:5]


def compare(documents: list) -> dict:
    kinds = [_deliverable(d) for d in documents]
    sources = [d.parsed.source for d in documents]
    result: dict = {"documents": [{"source": s, "deliverable": k, "year": _year(d)} for s, k, d in zip(sources, kinds, documents)]}
    names = {t["id"]: (t["name_nl"], t["name_en"]) for t in knowledge("taxonomy")["themes"]}
    reports = [d for d, k in zip(documents, kinds) if k == "annual_report"]
    if len(reports) == 2 and len(documents) == 2:
        earlier, later = sorted(reports, key=lambda d: _year(d) or 0)
        result["mode"] = "year_over_year"
        promised = _measures(earlier, statuses=("planned",))
        later_measures = _measures(later)
        rows = []
        for key, passages in sorted(promised.items()):
            followed = later_measures.get(key, [])
            if not followed and key in theme_ids():
                followed = [p for p in later.labelled if key in p.themes and {"dd3_prevent", "dd4_track"} & set(p.steps)]
            if any(p.status == "done" for p in followed):
                outcome = "done"
            elif followed:
                outcome = "late"
            else:
                outcome = "dropped"
            rows.append({"measure": key, "name_nl": names.get(key, (key, key))[0], "name_en": names.get(key, (key, key))[1],
                         "outcome": outcome, "promised_in": _ids(passages), "reported_in": _ids(followed)})
        result["promises"] = rows
        result["dropped"] = [r["measure"] for r in rows if r["outcome"] == "dropped"]
        return result
    result["mode"] = "chain"
    by_kind = {k: d for d, k in zip(documents, kinds)}
    analysis, plan, report = by_kind.get("risk_analysis"), by_kind.get("action_plan"), by_kind.get("annual_report")
    if analysis is not None and plan is not None:
        risks = _risks(analysis)
        plan_themes = _themes_of(p for p in plan.labelled if {"dd3_prevent", "dd4_track"} & set(p.steps))
        result["risks"] = [{"theme": t, "name_nl": names[t][0], "name_en": names[t][1], "has_measure": t in plan_themes,
                            "identified_in": _ids(ps)} for t, ps in sorted(risks.items())]
        result["risks_without_measure"] = [r["theme"] for r in result["risks"] if not r["has_measure"]]
    if plan is not None and report is not None:
        measures = _measures(plan)
        reported = _measures(report)
        rows = []
        for key, passages in sorted(measures.items()):
            found = reported.get(key, [])
            if not found and key in theme_ids():
                found = [p for p in report.labelled if key in p.themes]
            rows.append({"measure": key, "name_nl": names.get(key, (key, key))[0], "name_en": names.get(key, (key, key))[1],
                         "reported": bool(found), "status_in_report": sorted({p.status for p in found}),
                         "planned_in": _ids(passages), "reported_in": _ids(found)})
        result["measures"] = rows
        result["measures_not_reported"] = [r["measure"] for r in rows if not r["reported"]]
    if "risks" not in result and "measures" not in result:
        result["note"] = "give a risk analysis with a plan of action, a plan of action with an annual report, or two annual reports"
    return result


def to_markdown(result: dict, lang: str = "nl") -> str:
    nl = lang == "nl"
    lines = ["# " + ("Vergelijking van documenten" if nl else "Document comparison"), ""]
    for d in result["documents"]:
        lines.append(f"- {d['source']}: {d['deliverable']}" + (f" ({d['year']})" if d.get("year") else ""))
    if result["mode"] == "year_over_year":
        lines += ["", "## " + ("Beloofd en gerapporteerd" if nl else "Promised and reported"), "",
                  "| " + ("maatregel" if nl else "measure") + " | " + ("uitkomst" if nl else "outcome") + " |", "|---|---|"]
        words = {"done": ("uitgevoerd", "done"), "late": ("nog niet af", "late"), "dropped": ("stilzwijgend geschrapt", "silently dropped")}
        for r in result["promises"]:
            lines.append(f"| {r['name_nl'] if nl else r['name_en']} | {words[r['outcome']][0 if nl else 1]} |")
    if "risks" in result:
        lines += ["", "## " + ("Risico's zonder maatregel" if nl else "Risks without a measure"), ""]
        missing = [r for r in result["risks"] if not r["has_measure"]]
        lines += [f"- {r['name_nl'] if nl else r['name_en']}" for r in missing] or ["- " + ("geen" if nl else "none")]
    if "measures" in result:
        lines += ["", "## " + ("Maatregelen zonder verslag" if nl else "Measures not reported on"), ""]
        missing = [r for r in result["measures"] if not r["reported"]]
        lines += [f"- {r['name_nl'] if nl else r['name_en']}" for r in missing] or ["- " + ("geen" if nl else "none")]
    if "note" in result:
        lines += ["", result["note"]]
    return "\n".join(lines) + "\n"
