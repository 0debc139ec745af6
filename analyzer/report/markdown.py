"""The Markdown report: gaps first, met items last.

Document text is untrusted: every value from the analysis is flattened to one
line and its Markdown and HTML punctuation is backslash-escaped, so a passage
cannot start a heading, close a quote, or inject raw HTML into a rendered page.
"""

from __future__ import annotations

import re

from analyzer.report.i18n import plural, t
from analyzer.report.view import MAX_QUOTES, Item, Quote, Report, build_report, counts_line, page_list, shorten

_SPECIAL = re.compile(r"([\\`*_\[\]<>|#~])")


def md(text: object) -> str:
    """Untrusted text as inert inline Markdown on one line."""
    return _SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def _pages(pages, lang: str) -> str:
    return ", ".join(t("page_ref", lang, page=p) for p in pages)


def _quote_lines(quotes: tuple[Quote, ...], lang: str, indent: str = "") -> list[str]:
    lines = []
    for q in quotes[:MAX_QUOTES]:
        ref = f" ({t('page_ref', lang, page=q.page)})" if q.page is not None else ""
        lines.append(f"{indent}> “{md(shorten(q.text))}”{ref}")
        lines.append("")
    rest = quotes[MAX_QUOTES:]
    if rest:
        count = plural("n_passages", len(rest), lang)
        more = t("more_evidence", lang, count=count, pages=_pages(page_list(rest), lang))
        lines.append(f"{indent}_{more}_")
        lines.append("")
    return lines


def _step(item: Item, lang: str) -> str:
    number = f" {item.step_number}" if item.step_number else ""
    return f"{t('step', lang)}{number}: {md(item.step_name)}"


def _gap(item: Item, lang: str) -> list[str]:
    core = f" · **{t('core', lang)}**" if item.core else ""
    lines = [
        f"#### {md(item.id)} · {md(item.title)}",
        "",
        f"**{item.status_label}**{core} · {_step(item, lang)}",
        "",
    ]
    if item.reason:
        lines += [f"**{t('reason', lang)}:** {md(item.reason)}", ""]
    if item.quotes:
        lines += [f"**{t('evidence', lang)}:**", ""] + _quote_lines(item.quotes, lang)
    if item.question:
        lines += [f"**{t('question', lang)}:** {md(item.question)}", ""]
    return lines


def render_markdown(analysis: dict, lang: str = "nl") -> str:
    """The whole report as Markdown in ``lang`` ("nl" or "en")."""
    return _render(build_report(analysis, lang))


def _render(r: Report) -> str:
    lang = r.lang
    out: list[str] = [f"# {t('title', lang, source=md(r.source))}", ""]
    meta = [
        f"**{t('deliverable', lang)}:** {md(r.deliverable)}",
        f"**{t('category', lang)}:** {md(r.category)}",
    ]
    if r.pages is not None:
        meta.append(f"**{t('pages', lang)}:** {r.pages}")
    if r.language:
        meta.append(f"**{t('language', lang)}:** {md(r.language)}")
    out += [" · ".join(meta), ""]
    if r.ocr:
        out += [f"_{t('ocr_note', lang)}_", ""]
    if r.warnings:
        out += [f"**{t('warnings', lang)}:**", ""] + [f"- {md(w)}" for w in r.warnings] + [""]

    out += [f"## {t('summary', lang)}", ""]
    if r.headline:
        out += [md(r.headline), ""]
    if r.score is not None:
        out += [f"**{t('score', lang)}:** {t('score_value', lang, score=r.score)}", ""]
    out += [counts_line(r), ""]

    out += [f"## {t('gaps', lang)} ({len(r.gaps)})", ""]
    if not r.gaps:
        out += [t("no_gaps", lang), ""]
    for status, heading in (("missing", "gaps_missing"), ("partial", "gaps_partial")):
        items = [i for i in r.gaps if i.status == status]
        if items:
            out += [f"### {t(heading, lang)} ({len(items)})", ""]
            for item in items:
                out += _gap(item, lang)

    out += [f"## {t('missing_risks', lang)} ({len(r.missing_risks)})", ""]
    if r.missing_risks:
        out += [t("missing_risks_intro", lang), ""]
        out += [f"- **{md(risk.name)}**" + (f": {md(risk.why)}" if risk.why else "") for risk in r.missing_risks]
        out.append("")
    else:
        out += [t("no_missing_risks" if r.risks else "no_expected_risks", lang), ""]

    out += [f"## {t('steps', lang)}", "",
            f"| {t('step', lang)} | {t('status', lang)} | {t('passages', lang)} |", "|---|---|---:|"]
    out += [f"| {s.number}. {md(s.name)} | {s.status_label} | {s.count} |" for s in r.steps]
    out.append("")

    out += [f"## {t('themes', lang)}", ""]
    for group in r.theme_groups:
        out += [f"### {group.name}", ""]
        if not group.discussed and not group.salient_absent:
            out += [t("no_themes", lang), ""]
            continue
        out += [f"- **{md(th.name)}**: {th.status_label} ({plural('n_passages', th.count, lang)})"
                for th in group.discussed]
        if group.salient_absent:
            names = ", ".join(md(th.name) for th in group.salient_absent)
            out.append(f"- _{t('salient_absent', lang)}:_ {names}")
        out.append("")

    out += [f"## {t('countries', lang)} ({len(r.countries)})", ""]
    if not r.countries:
        out += [t("no_countries", lang), ""]
    for country in r.countries:
        where = f" ({t('mentioned_on', lang)} {_pages(country.pages, lang)})" if country.pages else ""
        out.append(f"- **{md(country.name)}**{where}")
        out += [f"  - {md(note)}" for note in country.notes]
    if r.countries:
        out.append("")

    out += [f"## {t('red_flags', lang)} ({len(r.red_flags)})", ""]
    if not r.red_flags:
        out += [t("no_red_flags", lang), ""]
    for flag in r.red_flags:
        out += [f"- **{md(flag.explanation)}**", ""] + _quote_lines(flag.quotes, lang, indent="  ")

    out += [f"## {t('met_items', lang)} ({len(r.met)})", ""]
    if not r.met:
        out += [t("no_met_items", lang), ""]
    for item in r.met:
        pages = page_list(item.quotes)
        where = f" ({_pages(pages, lang)})" if pages else ""
        reason = f": {md(item.reason)}" if item.reason else ""
        out.append(f"- **{md(item.id)} · {md(item.title)}**{where}{reason}")
    if r.met:
        out.append("")

    out += ["---", "", f"_{t('footer', lang, version=r.version)}_", ""]
    if r.document_id:
        out += [f"_{t('document_id', lang)}: {md(r.document_id)}_", ""]
    return "\n".join(out).rstrip("\n") + "\n"
