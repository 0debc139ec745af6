"""Small generated documents for the tests: each exercises one layout feature.

Generated with reportlab (``invariant=1``, so the bytes are stable) and
python-docx, in a temporary folder; nothing here is a real supplier document.
"""

from __future__ import annotations

import io
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import cm
from reportlab.pdfgen import canvas

WIDTH, HEIGHT = A4

PARAGRAPHS_NL = [
    "Van Dijk Bedrijfskleding levert werkkleding aan de rijksoverheid. Wij kopen katoen in uit India en "
    "Turkije en laten confectie maken in Bangladesh en Tunesië.",
    "In 2024 hebben wij 42 leveranciers beoordeeld op o.a. kinderarbeid, dwangarbeid en leefbaar loon. "
    "Bij 6 leveranciers is een verbeterplan afgesproken.",
    "De belangrijkste risico's zijn onvoldoende vrijheid van vakvereniging en overmatig overwerk in de "
    "confectie-industrie. Wij bespreken deze risico's ieder kwartaal met de directie.",
    "Werknemers van onze leveranciers kunnen klachten anoniem melden via het meldpunt van Fair Wear. "
    "Vorig jaar zijn er drie klachten ontvangen en afgehandeld.",
]

PARAGRAPHS_EN = [
    "Northwind ICT resells laptops and monitors that are assembled in China and Vietnam. We work with "
    "12 tier-1 suppliers and have mapped 30 of their component suppliers.",
    "Our risk assessment covers forced labour, excessive working hours and conflict minerals, e.g. tin "
    "and tantalum. Risks are ranked by severity and likelihood.",
    "By 2026 we will require every smelter in our supply chain to be conformant with the RMAP standard.",
]


def _running(c: canvas.Canvas, page: int, total: int, title: str) -> None:
    c.setFont("Helvetica", 8)
    c.drawString(2 * cm, HEIGHT - 1.2 * cm, title)
    c.drawRightString(WIDTH - 2 * cm, 1.2 * cm, f"Pagina {page} van {total}")


def wrap(text: str, font: str, size: float, width: float, c: canvas.Canvas) -> list[str]:
    words, lines, line = text.split(), [], ""
    for word in words:
        trial = f"{line} {word}".strip()
        if c.stringWidth(trial, font, size) > width and line:
            lines.append(line)
            line = word
        else:
            line = trial
    if line:
        lines.append(line)
    return lines


def text_pdf(path: Path, pages: int = 3, paragraphs=PARAGRAPHS_NL, title: str = "Risicoanalyse 2024 — Van Dijk") -> list[str]:
    """Headings, paragraphs, a bullet list with lead-in, running header and footer.

    Returns the body words in reading order (headers and footers excluded), for
    coverage checks.
    """
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    body_words: list[str] = []
    for page in range(1, pages + 1):
        _running(c, page, pages, title)
        y = HEIGHT - 3 * cm
        heading = f"{page}. Hoofdstuk over risico's"
        c.setFont("Helvetica-Bold", 15)
        c.drawString(2 * cm, y, heading)
        body_words += heading.split()
        y -= 1 * cm
        for text in paragraphs:
            c.setFont("Helvetica", 10)
            for line in wrap(text, "Helvetica", 10, WIDTH - 4 * cm, c):
                c.drawString(2 * cm, y, line)
                y -= 13
            body_words += text.split()
            y -= 10
        lead = "Onze maatregelen zijn:"
        c.drawString(2 * cm, y, lead)
        body_words += lead.split()
        y -= 14
        for item in ("audits met verbeterplannen bij alle confectieleveranciers", "training van inkopers over inkooppraktijken"):
            c.drawString(2.3 * cm, y, "•")
            c.drawString(2.8 * cm, y, item)
            body_words += item.split()
            y -= 14
        c.showPage()
    c.save()
    return body_words


def hyphenated_pdf(path: Path) -> None:
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    c.setFont("Helvetica", 11)
    lines = [
        "Wij hebben de risico's in de keten van onze leveran-",
        "ciers in kaart gebracht en besproken met de zorg- en",
        "welzijnsorganisaties in de regio. Daarna volgde een",
        "verbeterplan met duidelijke doelstellingen.",
    ]
    y = HEIGHT - 3 * cm
    for line in lines:
        c.drawString(2 * cm, y, line)
        y -= 14
    c.save()


def two_column_pdf(path: Path) -> tuple[list[str], list[str]]:
    """A full-width title, then two columns of numbered sentences."""
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    c.setFont("Helvetica-Bold", 16)
    c.drawString(2 * cm, HEIGHT - 2.5 * cm, "Jaarrapportage 2024: voortgang van het plan van aanpak")
    left = [f"Links zin {i} beschrijft een maatregel voor leveranciers in Bangladesh." for i in range(1, 9)]
    right = [f"Rechts zin {i} beschrijft de monitoring van de resultaten in Tunesië." for i in range(1, 9)]
    col_width = (WIDTH - 5 * cm) / 2
    for x, sentences in ((2 * cm, left), (3 * cm + col_width, right)):
        y = HEIGHT - 4 * cm
        c.setFont("Helvetica", 10)
        for sentence in sentences:
            for line in wrap(sentence, "Helvetica", 10, col_width, c):
                c.drawString(x, y, line)
                y -= 13
            y -= 8
    c.save()
    return left, right


def table_pdf(path: Path) -> list[list[str]]:
    rows = [
        ["Land", "Product", "Risico", "Ernst"],
        ["Bangladesh", "Confectie", "Brandveiligheid", "Hoog"],
        ["India", "Katoen", "Kinderarbeid", "Hoog"],
        ["Turkije", "Garen", "Arbeidsmigranten", "Middel"],
    ]
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    c.setFont("Helvetica-Bold", 14)
    c.drawString(2 * cm, HEIGHT - 2.5 * cm, "Risicomatrix")
    c.setFont("Helvetica", 10)
    c.drawString(2 * cm, HEIGHT - 3.3 * cm, "De onderstaande tabel toont de geprioriteerde risico's per land.")
    x0, y0, col, row_h = 2 * cm, HEIGHT - 4 * cm, 4 * cm, 0.8 * cm
    for r, row in enumerate(rows):
        for k, cell in enumerate(row):
            c.rect(x0 + k * col, y0 - (r + 1) * row_h, col, row_h)
            c.drawString(x0 + k * col + 4, y0 - (r + 1) * row_h + 8, cell)
    c.save()
    return rows


def spaceless_pdf(path: Path) -> str:
    """Every word drawn separately, with no space characters in the content stream."""
    sentence = "Leveranciers in Bangladesh moeten leefbaar loon betalen aan alle werknemers."
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    c.setFont("Helvetica", 11)
    x = 2 * cm
    for word in sentence.split():
        c.drawString(x, HEIGHT - 3 * cm, word)
        x += c.stringWidth(word, "Helvetica", 11) + 3.2
    c.save()
    return sentence


def ligature_pdf(path: Path) -> None:
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    c.setFont("Helvetica", 11)
    # NFKC turns the ligature code points into plain letters.
    c.drawString(2 * cm, HEIGHT - 3 * cm, "De ofﬁciële certiﬁcering van de ﬂexibele keten.")
    c.save()


def scanned_pdf(path: Path, lines: list[str], pages: int = 1) -> None:
    """Image-only pages: text rendered to pixels at 200 dpi, no text layer."""
    from PIL import Image, ImageDraw, ImageFont
    from reportlab.lib.utils import ImageReader

    dpi = 200
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    font = ImageFont.load_default(size=44)
    for _ in range(pages):
        image = Image.new("L", (int(WIDTH / 72 * dpi), int(HEIGHT / 72 * dpi)), 255)
        draw = ImageDraw.Draw(image)
        y = 250
        for line in lines:
            draw.text((200, y), line, fill=0, font=font)
            y += 80
        buffer = io.BytesIO()
        image.save(buffer, format="PNG")
        c.drawImage(ImageReader(io.BytesIO(buffer.getvalue())), 0, 0, WIDTH, HEIGHT)
        c.showPage()
    c.save()


def encrypted_pdf(path: Path) -> None:
    from reportlab.lib import pdfencrypt

    enc = pdfencrypt.StandardEncryption("geheim", canPrint=0)
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1, encrypt=enc)
    c.drawString(100, 700, "Vertrouwelijk")
    c.save()


def docx_file(path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_heading("Plan van aanpak 2025", level=1)
    document.add_paragraph("Dit plan beschrijft onze maatregelen voor de risico's in de keten.")
    document.add_heading("Maatregelen", level=2)
    document.add_paragraph("Wij voeren de volgende maatregelen uit:")
    document.add_paragraph("Audits bij alle confectieleveranciers in Bangladesh vóór 1 juli 2025.", style="List Bullet")
    document.add_paragraph("Een klachtenmechanisme voor werknemers in Tunesië.", style="List Bullet")
    table = document.add_table(rows=2, cols=3)
    for cell, text in zip(table.rows[0].cells, ("Maatregel", "Eigenaar", "Deadline")):
        cell.text = text
    for cell, text in zip(table.rows[1].cells, ("Audit Bangladesh", "Inkoopmanager", "1 juli 2025")):
        cell.text = text
    document.core_properties.author = "ketenlens tests"
    document.save(str(path))
