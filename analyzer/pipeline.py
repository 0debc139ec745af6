"""The stage order, written once: ingest -> segment -> classify -> assess -> report.

Each stage is a plain function from one record type to the next; this module
only wires them, so the order can be read (and changed) in one place.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from analyzer import segment as segment_stage
from analyzer.ingest import Limits, load, load_bytes
from analyzer.records import LabelledPassage, ParsedDocument


def parse(path: str | Path, limits: Limits | None = None) -> ParsedDocument:
    """ingest -> segment."""
    return segment_stage.segment(load(path, limits))


def parse_bytes(data: bytes, name: str, limits: Limits | None = None) -> ParsedDocument:
    """ingest -> segment, for an upload held in memory."""
    return segment_stage.segment(load_bytes(data, name, limits))


@dataclass(frozen=True)
class AnalyzedDocument:
    """Everything ``ketenlens analyze`` reports about one document."""

    parsed: ParsedDocument
    labelled: tuple[LabelledPassage, ...]
    classifications: tuple  # analyzer.classify.model.Classification, one per passage
    assessment: object  # analyzer.assess.Assessment
    timings: dict = field(default_factory=dict, compare=False)

    def to_dict(self) -> dict:
        data = self.parsed.to_dict()
        data["document"]["category"] = self.assessment.category
        data["document"]["deliverable"] = self.assessment.deliverable
        for passage, classification in zip(data["passages"], self.classifications):
            passage.update({k: v for k, v in classification.to_dict().items() if k != "id"})
        data["assessment"] = self.assessment.to_dict()
        return data


def classify(parsed: ParsedDocument, model) -> tuple[tuple, tuple[LabelledPassage, ...]]:
    """Passages -> classifications (the model sees document order, for context)."""
    records = [{"id": p.id, "text": p.text, "lang": p.lang, "doc": f"{parsed.id}:{p.page}"} for p in parsed.passages]
    results = model.classify(records)
    labelled = tuple(
        LabelledPassage(id=p.id, page=p.page, text=p.text, steps=c.steps, themes=c.themes, status=c.status,
                        specific=c.specific, kind=p.kind, lang=p.lang, bbox=p.bbox, heading=p.heading, scores=c.scores)
        for p, c in zip(parsed.passages, results)
    )
    return tuple(results), labelled


def analyze_parsed(parsed: ParsedDocument, model, category: str | None = None, deliverable: str | None = None,
                   timings: dict | None = None) -> AnalyzedDocument:
    """classify -> assess, for a document that is already parsed."""
    from analyzer.assess import assess

    timings = timings if timings is not None else {}
    start = time.perf_counter()
    classifications, labelled = classify(parsed, model)
    timings["classify"] = time.perf_counter() - start
    start = time.perf_counter()
    assessment = assess(list(labelled), category, deliverable)
    timings["assess"] = time.perf_counter() - start
    return AnalyzedDocument(parsed, labelled, classifications, assessment, timings)


def analyze(path: str | Path, model=None, category: str | None = None, deliverable: str | None = None,
            limits: Limits | None = None) -> AnalyzedDocument:
    """ingest -> segment -> classify -> assess. ``model`` defaults to the shipped one."""
    from analyzer.classify.model import PassageClassifier

    timings: dict[str, float] = {}
    start = time.perf_counter()
    parsed = parse(path, limits)
    timings["parse"] = time.perf_counter() - start
    if model is None:
        start = time.perf_counter()
        model = PassageClassifier.load()
        timings["load_model"] = time.perf_counter() - start
    return analyze_parsed(parsed, model, category, deliverable, timings)
