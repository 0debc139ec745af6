"""Every fixed string of the reports, in Dutch and English, in one table.

Label names (steps, themes, categories) come from the knowledge files; this
table holds only the words around them. Dutch is the default language.
"""

from __future__ import annotations

from analyzer.errors import UsageError

LANGS = ("nl", "en")
DEFAULT_LANG = "nl"

STRINGS: dict[str, dict[str, str]] = {
    # Title block
    "title": {"nl": "Ketenlens-rapport: {source}", "en": "Ketenlens report: {source}"},
    "document": {"nl": "Document", "en": "Document"},
    "deliverable": {"nl": "Type document", "en": "Deliverable"},
    "category": {"nl": "Categorie", "en": "Category"},
    "pages": {"nl": "Pagina's", "en": "Pages"},
    "language": {"nl": "Taal", "en": "Language"},
    "ocr_note": {"nl": "De tekst is met OCR gelezen; citaten kunnen leesfouten bevatten.",
                 "en": "The text was read with OCR; quotes may contain recognition errors."},
    "warnings": {"nl": "Waarschuwingen bij het inlezen", "en": "Warnings while reading"},
    "unknown": {"nl": "onbekend", "en": "unknown"},
    # Summary
    "summary": {"nl": "Samenvatting", "en": "Summary"},
    "score": {"nl": "Score", "en": "Score"},
    "score_value": {"nl": "{score} van 100", "en": "{score} out of 100"},
    "counts": {"nl": "Checklist: {met} voldaan, {partial} gedeeltelijk, {missing} ontbreekt, {na} niet van toepassing",
               "en": "Checklist: {met} met, {partial} partial, {missing} missing, {na} not applicable"},
    # Gaps
    "gaps": {"nl": "Hiaten", "en": "Gaps"},
    "gaps_missing": {"nl": "Ontbreekt", "en": "Missing"},
    "gaps_partial": {"nl": "Gedeeltelijk", "en": "Partial"},
    "no_gaps": {"nl": "Geen hiaten gevonden in de checklist.", "en": "No checklist gaps found."},
    "core": {"nl": "kernpunt", "en": "core item"},
    "step": {"nl": "Stap", "en": "Step"},
    "reason": {"nl": "Waarom", "en": "Why"},
    "question": {"nl": "Vraag aan de leverancier", "en": "Question for the supplier"},
    "evidence": {"nl": "Gevonden tekst", "en": "Evidence"},
    "more_evidence": {"nl": "Nog {count} op {pages}", "en": "Another {count} on {pages}"},
    "page_ref": {"nl": "p. {page}", "en": "p. {page}"},
    # Expected risks
    "missing_risks": {"nl": "Verwachte risico's die niet worden besproken",
                      "en": "Expected risks that are not addressed"},
    "missing_risks_intro": {"nl": "Voor deze categorie zijn deze risico's te verwachten, maar het document bespreekt ze niet.",
                            "en": "These risks are expected for this category, but the document does not address them."},
    "no_expected_risks": {"nl": "Geen verwachte risico's bekend: geef de categorie op (--category) om ze te laten toetsen.",
                          "en": "No expected risks known: give the category (--category) to have them checked."},
    "no_missing_risks": {"nl": "Alle verwachte risico's worden ten minste genoemd.",
                         "en": "Every expected risk is at least mentioned."},
    # Steps
    "steps": {"nl": "OESO-stappen", "en": "OECD due-diligence steps"},
    "status": {"nl": "Status", "en": "Status"},
    "passages": {"nl": "Passages", "en": "Passages"},
    # Themes
    "themes": {"nl": "Risicothema's", "en": "Risk themes"},
    "salient_absent": {"nl": "Niet besproken, wel verwacht", "en": "Not discussed, though expected"},
    "no_themes": {"nl": "Geen thema's besproken.", "en": "No themes discussed."},
    "n_passages.one": {"nl": "{n} passage", "en": "{n} passage"},
    "n_passages.other": {"nl": "{n} passages", "en": "{n} passages"},
    # Countries
    "countries": {"nl": "Landen", "en": "Countries"},
    "no_countries": {"nl": "Geen landen gevonden.", "en": "No countries found."},
    "mentioned_on": {"nl": "genoemd op", "en": "mentioned on"},
    # Red flags
    "red_flags": {"nl": "Rode vlaggen", "en": "Red flags"},
    "no_red_flags": {"nl": "Geen rode vlaggen gevonden.", "en": "No red flags found."},
    # Met items
    "met_items": {"nl": "Voldaan", "en": "Met"},
    "no_met_items": {"nl": "Geen checklistpunten voldaan.", "en": "No checklist items met."},
    # Footer
    "footer": {"nl": "Dit rapport is lokaal gegenereerd door ketenlens {version}; het document is niet naar buiten verstuurd. "
                     "De bevindingen zijn modeluitvoer en moeten door een mens worden beoordeeld voordat u erop handelt.",
               "en": "This report was generated locally by ketenlens {version}; the document was not sent anywhere. "
                     "The findings are model output and must be reviewed by a person before you act on them."},
    "document_id": {"nl": "Document-id (SHA-256)", "en": "Document id (SHA-256)"},
    # Status words
    "step.present": {"nl": "aanwezig", "en": "present"},
    "step.weak": {"nl": "zwak", "en": "weak"},
    "step.absent": {"nl": "afwezig", "en": "absent"},
    "theme.present": {"nl": "besproken", "en": "present"},
    "theme.mentioned": {"nl": "genoemd", "en": "mentioned"},
    "theme.absent": {"nl": "afwezig", "en": "absent"},
    "item.met": {"nl": "voldaan", "en": "met"},
    "item.partial": {"nl": "gedeeltelijk", "en": "partial"},
    "item.missing": {"nl": "ontbreekt", "en": "missing"},
    "item.n/a": {"nl": "n.v.t.", "en": "n/a"},
    "passage.done": {"nl": "gedaan", "en": "done"},
    "passage.planned": {"nl": "gepland", "en": "planned"},
    "passage.absent": {"nl": "ontbreekt", "en": "absent"},
    "passage.none": {"nl": "beschrijving", "en": "description"},
    "yes": {"nl": "ja", "en": "yes"},
    "no": {"nl": "nee", "en": "no"},
    # Theme groups
    "group.labour": {"nl": "Arbeid", "en": "Labour"},
    "group.human_rights": {"nl": "Mensenrechten", "en": "Human rights"},
    "group.environment": {"nl": "Milieu", "en": "Environment"},
    "group.governance": {"nl": "Bestuur en transparantie", "en": "Governance and transparency"},
    # Deliverables and the catch-all category
    "deliverable.risk_analysis": {"nl": "Risicoanalyse", "en": "Risk analysis"},
    "deliverable.action_plan": {"nl": "Plan van aanpak", "en": "Action plan"},
    "deliverable.annual_report": {"nl": "Jaarrapportage", "en": "Annual report"},
    "deliverable.other": {"nl": "Overig", "en": "Other"},
    "category.other": {"nl": "Overig", "en": "Other"},
    # Short step names for the PDF legend
    "short.dd1_embed": {"nl": "Beleid en managementsystemen", "en": "Policy and management systems"},
    "short.dd2_identify": {"nl": "Risico's identificeren en beoordelen", "en": "Identify and assess impacts"},
    "short.dd3_prevent": {"nl": "Stoppen, voorkomen, beperken", "en": "Cease, prevent, mitigate"},
    "short.dd4_track": {"nl": "Monitoren", "en": "Track results"},
    "short.dd5_communicate": {"nl": "Communiceren", "en": "Communicate"},
    "short.dd6_remedy": {"nl": "Herstel en klachtenmechanisme", "en": "Remediation and grievances"},
    # XLSX sheets and columns
    "sheet.findings": {"nl": "Bevindingen", "en": "Findings"},
    "sheet.risks": {"nl": "Risico's", "en": "Risks"},
    "sheet.passages": {"nl": "Passages", "en": "Passages"},
    "sheet.summary": {"nl": "Samenvatting", "en": "Summary"},
    "col.id": {"nl": "ID", "en": "ID"},
    "col.step": {"nl": "Stap", "en": "Step"},
    "col.status": {"nl": "Status", "en": "Status"},
    "col.core": {"nl": "Kernpunt", "en": "Core"},
    "col.title": {"nl": "Titel", "en": "Title"},
    "col.reason": {"nl": "Waarom", "en": "Reason"},
    "col.question": {"nl": "Vraag aan de leverancier", "en": "Question for the supplier"},
    "col.pages": {"nl": "Pagina's", "en": "Pages"},
    "col.quotes": {"nl": "Citaten", "en": "Quotes"},
    "col.kind": {"nl": "Soort", "en": "Kind"},
    "col.theme_id": {"nl": "Thema-id", "en": "Theme id"},
    "col.theme": {"nl": "Thema", "en": "Theme"},
    "col.group": {"nl": "Groep", "en": "Group"},
    "col.expected": {"nl": "Verwacht", "en": "Expected"},
    "col.covered": {"nl": "Besproken", "en": "Covered"},
    "col.why": {"nl": "Waarom verwacht", "en": "Why expected"},
    "col.page": {"nl": "Pagina", "en": "Page"},
    "col.passage_kind": {"nl": "Soort", "en": "Kind"},
    "col.text": {"nl": "Tekst", "en": "Text"},
    "col.steps": {"nl": "Stappen", "en": "Steps"},
    "col.themes": {"nl": "Thema's", "en": "Themes"},
    "col.specific": {"nl": "Specifiek", "en": "Specific"},
    "col.top_scores": {"nl": "Hoogste scores", "en": "Top scores"},
    "col.field": {"nl": "Onderdeel", "en": "Field"},
    "col.value": {"nl": "Waarde", "en": "Value"},
    "kind.expected_risk": {"nl": "verwacht risico", "en": "expected risk"},
    "kind.theme": {"nl": "thema", "en": "theme"},
    "generated_by": {"nl": "Gemaakt door", "en": "Generated by"},
    "note": {"nl": "Let op", "en": "Note"},
    "review_note": {"nl": "Bevindingen zijn modeluitvoer; laat ze door een mens beoordelen.",
                    "en": "Findings are model output; have a person review them."},
    # PDF highlighter
    "pdf.note": {"nl": "Gemarkeerd door ketenlens: {n} passages, kleur per OESO-stap",
                 "en": "Highlighted by ketenlens: {n} passages, colour per OECD step"},
    "pdf.mark": {"nl": "ketenlens: bewijs voor {steps}", "en": "ketenlens: evidence for {steps}"},
}


def check_lang(lang: str) -> str:
    """The language code itself, or a usage error naming the choices."""
    if lang not in LANGS:
        raise UsageError(f"unknown report language {lang!r}; choose one of: {', '.join(LANGS)}")
    return lang


def t(key: str, lang: str, **values: object) -> str:
    """The string for ``key`` in ``lang``, with ``{placeholders}`` filled in."""
    text = STRINGS[key][lang]
    return text.format(**values) if values else text


def plural(key: str, n: int, lang: str) -> str:
    """``key.one`` or ``key.other`` with ``{n}`` filled in (Dutch and English share the rule)."""
    return t(f"{key}.{'one' if n == 1 else 'other'}", lang, n=n)


def label(prefix: str, value: str | None, lang: str) -> str:
    """A translated status or kind word (``label("item", "met", "nl")``); unknown values pass through."""
    key = f"{prefix}.{value}"
    return STRINGS[key][lang] if key in STRINGS else str(value or "")


def pick(record: dict, field: str, lang: str) -> str:
    """``record[field_<lang>]``, else ``record[field]`` (English in the contract), else the other language."""
    other = "en" if lang == "nl" else "nl"
    for key in (f"{field}_{lang}", field, f"{field}_{other}"):
        value = record.get(key)
        if isinstance(value, str) and value.strip():
            return value
    return ""
