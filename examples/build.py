"""Build the fictional ISV supplier documents in examples/ from the sources in examples/src/.

ketenlens reads the three due-diligence deliverables that suppliers hand in under the Dutch
government's International Social Conditions (ISV): a risk analysis, a plan of action and an annual
report. Real supplier documents cannot be shipped with the repository, so this script renders
invented ones. Each has deliberate gaps against the OECD due-diligence steps, recorded in
examples/expected.json, so that the whole pipeline can be tested end to end on files that look like
the real thing: running headers and footers with page numbers, tables, a two-column layout, a scan
without a text layer, and a Word file.

Every output is deterministic: reportlab writes with invariant=1, the scan noise has a fixed seed,
and the DOCX zip entries get fixed timestamps. Running the script twice gives identical bytes.

Source format (examples/src/*.md), a tiny markdown subset:
    key: value        metadata lines at the top, ended by a line '---' (title, subtitle, header_left,
                      header_right, footer, page_label, author, date, color)
    # / ##            heading level 1 / 2
    - text            bullet item
    | a | b |         table row; the first row is the header, |---| rows are skipped
    \\newpage          page break
    \\twocolumn        page break, then continue in two columns (annual report body)
    **bold**          bold text inside any line
    other lines       paragraph text; consecutive lines are joined, a blank line ends it

Usage, from the repository root:  .venv/bin/python examples/build.py
"""

import datetime
import html
import io
import re
import zipfile
from pathlib import Path

import docx
import numpy
import pypdfium2
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from PIL import Image
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas
from reportlab.platypus import (BaseDocTemplate, Frame, NextPageTemplate, PageBreak,
                                PageTemplate, Paragraph, Spacer, Table, TableStyle)

HERE = Path(__file__).resolve().parent
SRC = HERE / "src"
PDFS = ["nl_workwear_risicoanalyse", "nl_workwear_plan_van_aanpak", "nl_workwear_jaarrapportage",
        "en_ict_risk_analysis", "en_ict_annual_report"]
SCAN = ("nl_workwear_risicoanalyse", "nl_workwear_risicoanalyse_scan", 2)  # source, output, pages
DOCX = "nl_workwear_plan_van_aanpak"
MARGIN, GUTTER = 2.2 * cm, 0.7 * cm


# --- source parsing -------------------------------------------------------------------------

def parse(path):
    """Return (meta, blocks) for a source file; a block is a tuple (kind, payload)."""
    head, body = path.read_text(encoding="utf-8").split("\n---\n", 1)
    meta = dict(line.split(": ", 1) for line in head.strip().splitlines())
    blocks, para = [], []

    def flush():
        if para:
            blocks.append(("p", " ".join(para)))
            para.clear()

    for line in body.splitlines():
        line = line.strip()
        kind = (line.split(" ", 1)[0] if line.startswith(("#", "- ")) else
                "|" if line.startswith("|") else line if line.startswith("\\") else "")
        if kind or not line:
            flush()
        if kind in ("#", "##"):
            blocks.append(("h" + str(len(kind)), line[len(kind) + 1:]))
        elif kind == "-":
            if not blocks or blocks[-1][0] != "ul":
                blocks.append(("ul", []))
            blocks[-1][1].append(line[2:])
        elif kind == "|":
            cells = [c.strip() for c in line.strip("|").split("|")]
            if set("".join(cells)) <= set("-: "):
                continue
            if not blocks or blocks[-1][0] != "table":
                blocks.append(("table", []))
            blocks[-1][1].append(cells)
        elif kind in ("\\newpage", "\\twocolumn"):
            blocks.append((kind[1:], None))
        elif line:
            para.append(line)
    flush()
    return meta, blocks


def inline(text):
    """Escape text for reportlab and turn **bold** into <b>bold</b>."""
    return re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", html.escape(text, quote=False))


# --- PDF rendering --------------------------------------------------------------------------

def styles(color):
    base = ParagraphStyle("body", fontName="Helvetica", fontSize=10, leading=14.5, spaceAfter=6)
    return {
        "title": ParagraphStyle("title", base, fontName="Helvetica-Bold", fontSize=19, leading=23,
                                textColor=color, spaceAfter=4),
        "subtitle": ParagraphStyle("subtitle", base, fontSize=11, leading=14, spaceAfter=14,
                                   textColor=colors.HexColor("#555555")),
        "h1": ParagraphStyle("h1", base, fontName="Helvetica-Bold", fontSize=13, leading=16,
                             textColor=color, spaceBefore=10, spaceAfter=6, keepWithNext=1),
        "h2": ParagraphStyle("h2", base, fontName="Helvetica-Bold", fontSize=10.5, leading=14,
                             spaceBefore=6, spaceAfter=3, keepWithNext=1),
        "p": base,
        "li": ParagraphStyle("li", base, leftIndent=14, bulletIndent=3, spaceAfter=3),
        "cell": ParagraphStyle("cell", base, fontSize=8.5, leading=10.5, spaceAfter=0),
        "th": ParagraphStyle("th", base, fontName="Helvetica-Bold", fontSize=8.5, leading=10.5,
                             spaceAfter=0, textColor=colors.white),
    }


def make_table(rows, width, st, color):
    """A table as wide as the frame; column widths follow the text in each column."""
    ncols = max(len(r) for r in rows)
    rows = [r + [""] * (ncols - len(r)) for r in rows]
    cols = [[r[i] for r in rows] for i in range(ncols)]
    weights = [min(max(map(len, col)), 48) + 8 for col in cols]
    widths = [width * w / sum(weights) for w in weights]
    # no column narrower than its longest word, so words are never broken inside a cell
    floor = [max(stringWidth(w, "Helvetica-Bold", st["cell"].fontSize) for c in col for w in c.split() or [""])
             + 14 for col in cols]  # 12 pt cell padding
    short = sum(f - w for f, w in zip(floor, widths) if f > w)
    spare = sum(w - f for f, w in zip(floor, widths) if w > f)
    widths = [f if f >= w else w - short * (w - f) / (spare or 1) for f, w in zip(floor, widths)]
    data = [[Paragraph(inline(c), st["th" if i == 0 else "cell"]) for c in r] for i, r in enumerate(rows)]
    table = Table(data, colWidths=widths, repeatRows=1, hAlign="LEFT")
    table.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, 0), color),
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#f1f3f2")]),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#9aa3a0")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 3), ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]))
    table.spaceAfter = 8
    return table


def flowables(meta, blocks, widths, color):
    """Turn parsed blocks into reportlab flowables; widths = (one-column, two-column) frame width."""
    st = styles(color)
    width = widths[0]
    out = [Paragraph(inline(meta["title"]), st["title"]), Paragraph(inline(meta["subtitle"]), st["subtitle"])]
    for kind, payload in blocks:
        if kind in ("h1", "h2"):
            out.append(Paragraph(inline(payload), st[kind]))
        elif kind == "p":
            out.append(Paragraph(inline(payload), st["p"]))
        elif kind == "ul":
            out += [Paragraph(inline(item), st["li"], bulletText="\u2022") for item in payload]
            out.append(Spacer(1, 4))
        elif kind == "table":
            out.append(make_table(payload, width, st, color))
        elif kind == "newpage":
            out.append(PageBreak())
        elif kind == "twocolumn":
            out += [NextPageTemplate("two"), PageBreak()]
            width = widths[1]
    return out


def running_canvas(meta, color):
    """A canvas class that draws the running header and 'page n of N' footer on every page."""

    class RunningCanvas(canvas.Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._saved = []

        def showPage(self):  # defer drawing until the total page count is known
            self._saved.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            for state in self._saved:
                self.__dict__.update(state)
                self._draw_running(len(self._saved))
                super().showPage()
            super().save()

        def _draw_running(self, total):
            w, h = A4
            self.saveState()
            self.setStrokeColor(color)
            self.setLineWidth(0.6)
            self.line(MARGIN, h - 1.55 * cm, w - MARGIN, h - 1.55 * cm)
            self.line(MARGIN, 1.55 * cm, w - MARGIN, 1.55 * cm)
            self.setFont("Helvetica-Bold", 8.5)
            self.setFillColor(color)
            self.drawString(MARGIN, h - 1.35 * cm, meta["header_left"])
            self.setFont("Helvetica", 8.5)
            self.setFillColor(colors.HexColor("#555555"))
            self.drawRightString(w - MARGIN, h - 1.35 * cm, meta["header_right"])
            self.setFont("Helvetica", 7.5)
            self.drawString(MARGIN, 1.1 * cm, meta["footer"])
            label = meta["page_label"].format(n=self._pageNumber, total=total)
            self.drawRightString(w - MARGIN, 1.1 * cm, label)
            self.restoreState()

    return RunningCanvas


def render_pdf(meta, blocks, path):
    color = colors.HexColor(meta["color"])
    doc = BaseDocTemplate(str(path), pagesize=A4, invariant=1, leftMargin=MARGIN, rightMargin=MARGIN,
                          topMargin=2.3 * cm, bottomMargin=2.2 * cm, title=meta["title"],
                          author=meta["author"], subject=meta["subtitle"], creator="examples/build.py")
    col = (doc.width - GUTTER) / 2
    one = Frame(doc.leftMargin, doc.bottomMargin, doc.width, doc.height, id="one")
    two = [Frame(doc.leftMargin + i * (col + GUTTER), doc.bottomMargin, col, doc.height, id=f"col{i}")
           for i in (0, 1)]
    doc.addPageTemplates([PageTemplate("one", [one]), PageTemplate("two", two)])
    doc.build(flowables(meta, blocks, (doc.width, col), color), canvasmaker=running_canvas(meta, color))


def render_scan(src, path, pages, dpi=200, seed=20240415):
    """Render the first pages of src as a greyscale, noisy, slightly rotated image-only PDF."""
    rng = numpy.random.default_rng(seed)
    pdf = pypdfium2.PdfDocument(str(src))
    out = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    for i in range(pages):
        img = pdf[i].render(scale=dpi / 72).to_pil().convert("L")
        img = img.rotate(0.5, resample=Image.Resampling.BICUBIC, fillcolor=255)
        pixels = numpy.asarray(img, dtype=numpy.float32) * 0.93 + 10  # greyish paper, weaker black
        pixels += rng.normal(0.0, 5.0, pixels.shape)
        img = Image.fromarray(numpy.clip(pixels, 0, 255).astype(numpy.uint8), mode="L")
        buf = io.BytesIO()
        img.save(buf, format="JPEG", quality=72)
        buf.seek(0)
        out.drawImage(ImageReader(buf), 0, 0, *A4)
        out.showPage()
    out.save()
    pdf.close()


# --- DOCX rendering -------------------------------------------------------------------------

def add_runs(paragraph, text):
    for i, part in enumerate(re.split(r"\*\*(.+?)\*\*", text)):
        if part:
            paragraph.add_run(part).bold = bool(i % 2) or None


def render_docx(meta, blocks, path):
    """The same source as a Word file with real heading, list and table styles."""
    d = docx.Document()
    stamp = datetime.datetime.fromisoformat(meta["date"] + "T09:00:00")
    props = d.core_properties
    props.title, props.subject, props.author = meta["title"], meta["subtitle"], meta["author"]
    props.last_modified_by, props.revision, props.created, props.modified = meta["author"], 1, stamp, stamp
    d.styles["Normal"].font.name, d.styles["Normal"].font.size = "Calibri", Pt(10.5)
    section = d.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.header.paragraphs[0].text = f"{meta['header_left']}\t\t{meta['header_right']}"
    footer = section.footer.paragraphs[0]
    footer.text = f"{meta['footer']}\t"
    field = OxmlElement("w:fldSimple")  # a PAGE field, so Word shows the page number
    field.set(qn("w:instr"), "PAGE")
    run, text = OxmlElement("w:r"), OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    footer._p.append(field)

    d.add_heading(meta["title"], 0)
    d.add_paragraph(meta["subtitle"], style="Subtitle")
    for kind, payload in blocks:
        if kind in ("h1", "h2"):
            d.add_heading(payload, int(kind[1]))
        elif kind == "p":
            add_runs(d.add_paragraph(), payload)
        elif kind == "ul":
            for item in payload:
                add_runs(d.add_paragraph(style="List Bullet"), item)
        elif kind == "table":
            table = d.add_table(rows=len(payload), cols=len(payload[0]), style="Table Grid")
            for r, row in enumerate(payload):
                for c, cell in enumerate(row):
                    add_runs(table.cell(r, c).paragraphs[0], f"**{cell}**" if r == 0 and cell else cell)
        elif kind in ("newpage", "twocolumn"):
            d.add_page_break()
    buf = io.BytesIO()
    d.save(buf)
    # python-docx stamps zip entries with the current time; rewrite them with a fixed one
    with zipfile.ZipFile(buf) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            info = zipfile.ZipInfo(item.filename, date_time=stamp.timetuple()[:6])
            info.compress_type, info.external_attr = zipfile.ZIP_DEFLATED, 0o644 << 16
            zout.writestr(info, zin.read(item.filename))


def main():
    for name in PDFS:
        render_pdf(*parse(SRC / f"{name}.md"), HERE / f"{name}.pdf")
        print(f"wrote examples/{name}.pdf")
    src, out, pages = SCAN
    render_scan(HERE / f"{src}.pdf", HERE / f"{out}.pdf", pages)
    print(f"wrote examples/{out}.pdf")
    render_docx(*parse(SRC / f"{DOCX}.md"), HERE / f"{DOCX}.docx")
    print(f"wrote examples/{DOCX}.docx")


if __name__ == "__main__":
    main()
