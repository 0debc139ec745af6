"""The stage order, written once: ingest -> segment (-> classify -> assess -> report).

Each stage is a plain function from one record type to the next; this module
only wires them, so the order can be read (and changed) in one place.
"""

from __future__ import annotations

from pathlib import Path

from analyzer import segment as segment_stage
from analyzer.ingest import Limits, load, load_bytes
from analyzer.records import ParsedDocument


def parse(path: str | Path, limits: Limits | None = None) -> ParsedDocument:
    """ingest -> segment."""
    return segment_stage.segment(load(path, limits))


def parse_bytes(data: bytes, name: str, limits: Limits | None = None) -> ParsedDocument:
    """ingest -> segment, for an upload held in memory."""
    return segment_stage.segment(load_bytes(data, name, limits))
