"""ketenlens: reads supplier due-diligence documents and finds the gaps.

The pipeline runs one way: ingest -> segment -> classify -> assess -> report.
Its stage order is written once, in :mod:`analyzer.pipeline`.
"""

__version__ = "0.1.0"
