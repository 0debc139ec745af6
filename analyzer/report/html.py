"""The HTML report: one self-contained, printable file (A4), same order as the Markdown.

No scripts, external fonts, images or links: the CSS is inline and every value
from the analysis goes through :func:`html.escape`, because supplier text is
untrusted. Step colours come from :mod:`analyzer.report.colours`.
"""

from __future__ import annotations

import html

from analyzer.report.colours import badge
from analyzer.report.i18n import plural, t
from analyzer.report.view import MAX_QUOTES, Item, Quote, Report, build_report, counts_line, page_list, shorten

CSS = """
@page { size: A4; margin: 16mm 14mm 18mm 14mm; }
* { box-sizing: border-box; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
       color: #1a1a1a; background: #fff; max-width: 190mm; margin: 0 auto; padding: 10mm 8mm;
       font-size: 11pt; line-height: 1.45; }
h1 { font-size: 18pt; margin: 0 0 4pt; overflow-wrap: anywhere; }
h2 { font-size: 14pt; margin: 20pt 0 6pt; padding-bottom: 2pt; border-bottom: 1px solid #c8c8c8; }
h3 { font-size: 12pt; margin: 12pt 0 6pt; }
h4 { font-size: 11pt; margin: 0 0 4pt; }
p { margin: 4pt 0; }
.meta { color: #4a4a4a; margin: 0 0 6pt; }
.meta span + span::before { content: " · "; }
.note { color: #4a4a4a; font-style: italic; }
.headline { font-size: 12pt; }
.item { border-left: 5pt solid var(--c, #7f7f7f); background: #f7f7f7; padding: 6pt 10pt; margin: 8pt 0; }
.badge { display: inline-block; padding: 0 6pt; border-radius: 8pt; font-size: 9pt; font-weight: 600;
         line-height: 1.6; white-space: nowrap; }
.core { border: 1px solid #1a1a1a; background: #fff; }
.label { font-weight: 600; }
blockquote { margin: 4pt 0; padding: 3pt 8pt; background: #fff; border-left: 3pt solid var(--c, #9a9a9a);
             overflow-wrap: anywhere; }
blockquote .page { color: #4a4a4a; white-space: nowrap; font-style: normal; }
.more { color: #4a4a4a; font-size: 9.5pt; }
table { border-collapse: collapse; width: 100%; margin: 4pt 0; }
th, td { text-align: left; vertical-align: top; padding: 3pt 6pt; border-bottom: 1px solid #d6d6d6; }
th { font-weight: 600; border-bottom: 1.5px solid #8a8a8a; }
td.num { text-align: right; }
.swatch { display: inline-block; width: 10pt; height: 10pt; border-radius: 2pt; margin-right: 5pt;
          vertical-align: -1pt; background: var(--c); }
ul { margin: 4pt 0; padding-left: 16pt; }
li { margin: 2pt 0; }
footer { margin-top: 20pt; padding-top: 6pt; border-top: 1px solid #c8c8c8; color: #4a4a4a; font-size: 9pt; }
@media print {
  body { max-width: none; margin: 0; padding: 0; font-size: 10pt; }
  h2, h3, h4 { break-after: avoid; page-break-after: avoid; }
  .item, blockquote, tr, li { break-inside: avoid; page-break-inside: avoid; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
""".strip()


def e(text: object) -> str:
    """Untrusted text, escaped for element content and attribute values."""
    return html.escape(str(text), quote=True)


def _badge(status: str, text: str) -> str:
    background, colour = badge(status)
    return f'<span class="badge" style="background:{background};color:{colour}">{e(text)}</span>'


def _pages(pages, lang: str) -> str:
    return ", ".join(t("page_ref", lang, page=p) for p in pages)


def _quotes(quotes: tuple[Quote, ...], lang: str, colour: str | None = None) -> str:
    style = f' style="--c:{colour}"' if colour else ""
    parts = []
    for q in quotes[:MAX_QUOTES]:
        ref = f' <span class="page">({e(t("page_ref", lang, page=q.page))})</span>' if q.page is not None else ""
        parts.append(f"<blockquote{style}>“{e(shorten(q.text))}”{ref}</blockquote>")
    rest = quotes[MAX_QUOTES:]
    if rest:
        count = plural("n_passages", len(rest), lang)
        more = t("more_evidence", lang, count=count, pages=_pages(page_list(rest), lang))
        parts.append(f'<p class="more">{e(more)}</p>')
    return "\n".join(parts)


def _gap(item: Item, lang: str) -> str:
    core = f' <span class="badge core">{e(t("core", lang))}</span>' if item.core else ""
    number = f" {item.step_number}" if item.step_number else ""
    parts = [
        f'<article class="item" style="--c:{item.colour}">',
        f"<h4>{e(item.id)} · {e(item.title)}</h4>",
        f"<p>{_badge(item.status, item.status_label)}{core} "
        f'<span class="swatch"></span>{e(t("step", lang))}{number}: {e(item.step_name)}</p>',
    ]
    if item.reason:
        parts.append(f'<p><span class="label">{e(t("reason", lang))}:</span> {e(item.reason)}</p>')
    if item.quotes:
        parts.append(f'<p class="label">{e(t("evidence", lang))}:</p>')
        parts.append(_quotes(item.quotes, lang, item.colour))
    if item.question:
        parts.append(f'<p><span class="label">{e(t("question", lang))}:</span> {e(item.question)}</p>')
    parts.append("</article>")
    return "\n".join(parts)


def render_html(analysis: dict, lang: str = "nl") -> str:
    """The whole report as one self-contained HTML page in ``lang`` ("nl" or "en")."""
    return _render(build_report(analysis, lang))


def _render(r: Report) -> str:
    lang = r.lang
    title = t("title", lang, source=r.source)
    out: list[str] = [
        "<!DOCTYPE html>",
        f'<html lang="{e(lang)}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta name="generator" content="ketenlens {e(r.version)}">',
        f"<title>{e(title)}</title>",
        f"<style>\n{CSS}\n</style>",
        "</head>",
        "<body>",
        "<header>",
        f"<h1>{e(title)}</h1>",
    ]
    meta = [f"{e(t('deliverable', lang))}: {e(r.deliverable)}", f"{e(t('category', lang))}: {e(r.category)}"]
    if r.pages is not None:
        meta.append(f"{e(t('pages', lang))}: {r.pages}")
    if r.language:
        meta.append(f"{e(t('language', lang))}: {e(r.language)}")
    out.append('<p class="meta">' + "".join(f"<span>{m}</span>" for m in meta) + "</p>")
    if r.ocr:
        out.append(f'<p class="note">{e(t("ocr_note", lang))}</p>')
    if r.warnings:
        out.append(f'<p class="label">{e(t("warnings", lang))}:</p><ul>'
                   + "".join(f"<li>{e(w)}</li>" for w in r.warnings) + "</ul>")
    out.append("</header>")

    out += ['<section id="summary">', f"<h2>{e(t('summary', lang))}</h2>"]
    if r.headline:
        out.append(f'<p class="headline">{e(r.headline)}</p>')
    if r.score is not None:
        out.append(f'<p><span class="label">{e(t("score", lang))}:</span> '
                   f'{e(t("score_value", lang, score=r.score))}</p>')
    out.append(f"<p>{e(counts_line(r))}</p>")
    out.append("</section>")

    out += ['<section id="gaps">', f"<h2>{e(t('gaps', lang))} ({len(r.gaps)})</h2>"]
    if not r.gaps:
        out.append(f"<p>{e(t('no_gaps', lang))}</p>")
    for status, heading in (("missing", "gaps_missing"), ("partial", "gaps_partial")):
        items = [i for i in r.gaps if i.status == status]
        if items:
            out.append(f"<h3>{e(t(heading, lang))} ({len(items)})</h3>")
            out += [_gap(item, lang) for item in items]
    out.append("</section>")

    out += ['<section id="expected-risks">', f"<h2>{e(t('missing_risks', lang))} ({len(r.missing_risks)})</h2>"]
    if r.missing_risks:
        out.append(f"<p>{e(t('missing_risks_intro', lang))}</p><ul>")
        for risk in r.missing_risks:
            why = f": {e(risk.why)}" if risk.why else ""
            out.append(f'<li><span class="label">{e(risk.name)}</span>{why}</li>')
        out.append("</ul>")
    else:
        out.append(f"<p>{e(t('no_missing_risks' if r.risks else 'no_expected_risks', lang))}</p>")
    out.append("</section>")

    out += ['<section id="steps">', f"<h2>{e(t('steps', lang))}</h2>", "<table>",
            f"<thead><tr><th>{e(t('step', lang))}</th><th>{e(t('status', lang))}</th>"
            f"<th>{e(t('passages', lang))}</th></tr></thead>", "<tbody>"]
    for s in r.steps:
        out.append(f'<tr style="--c:{s.colour}"><td><span class="swatch"></span>{s.number}. {e(s.name)}</td>'
                   f'<td>{_badge(s.status, s.status_label)}</td><td class="num">{s.count}</td></tr>')
    out += ["</tbody>", "</table>", "</section>"]

    out += ['<section id="themes">', f"<h2>{e(t('themes', lang))}</h2>"]
    for group in r.theme_groups:
        out.append(f"<h3>{e(group.name)}</h3>")
        if not group.discussed and not group.salient_absent:
            out.append(f"<p>{e(t('no_themes', lang))}</p>")
            continue
        out.append("<ul>")
        for th in group.discussed:
            out.append(f"<li>{e(th.name)} {_badge(th.status, th.status_label)} "
                       f'<span class="more">{e(plural("n_passages", th.count, lang))}</span></li>')
        if group.salient_absent:
            names = ", ".join(e(th.name) for th in group.salient_absent)
            out.append(f'<li>{_badge("absent", t("salient_absent", lang))} {names}</li>')
        out.append("</ul>")
    out.append("</section>")

    out += ['<section id="countries">', f"<h2>{e(t('countries', lang))} ({len(r.countries)})</h2>"]
    if not r.countries:
        out.append(f"<p>{e(t('no_countries', lang))}</p>")
    else:
        out.append("<ul>")
        for country in r.countries:
            where = f' <span class="more">({e(t("mentioned_on", lang))} {e(_pages(country.pages, lang))})</span>' \
                if country.pages else ""
            notes = "<ul>" + "".join(f"<li>{e(n)}</li>" for n in country.notes) + "</ul>" if country.notes else ""
            out.append(f'<li><span class="label">{e(country.name)}</span>{where}{notes}</li>')
        out.append("</ul>")
    out.append("</section>")

    out += ['<section id="red-flags">', f"<h2>{e(t('red_flags', lang))} ({len(r.red_flags)})</h2>"]
    if not r.red_flags:
        out.append(f"<p>{e(t('no_red_flags', lang))}</p>")
    for flag in r.red_flags:
        out += ['<article class="item" style="--c:#7F1D1D">', f"<h4>{e(flag.explanation)}</h4>",
                _quotes(flag.quotes, lang), "</article>"]
    out.append("</section>")

    out += ['<section id="met">', f"<h2>{e(t('met_items', lang))} ({len(r.met)})</h2>"]
    if not r.met:
        out.append(f"<p>{e(t('no_met_items', lang))}</p>")
    else:
        out.append("<ul>")
        for item in r.met:
            pages = page_list(item.quotes)
            where = f' <span class="more">({e(_pages(pages, lang))})</span>' if pages else ""
            reason = f": {e(item.reason)}" if item.reason else ""
            out.append(f'<li style="--c:{item.colour}"><span class="swatch"></span>'
                       f'<span class="label">{e(item.id)} · {e(item.title)}</span>{where}{reason}</li>')
        out.append("</ul>")
    out.append("</section>")

    out.append(f"<footer><p>{e(t('footer', lang, version=r.version))}</p>")
    if r.document_id:
        out.append(f"<p>{e(t('document_id', lang))}: {e(r.document_id)}</p>")
    out += ["</footer>", "</body>", "</html>"]
    return "\n".join(out) + "\n"
