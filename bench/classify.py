"""Benchmark: classifier speed and memory on this machine.

Measures, in a fresh process: model load time; passages per second for
``classify`` after loading, on passages it has never seen (the embedding cache
is disabled, so this is the cold cost of a new document); and peak resident
memory. Passages come from the sample documents in examples/.

Run: ``.venv/bin/python bench/classify.py [--model DIR] [--passages 2000]``
"""

from __future__ import annotations

import argparse
import json
import resource
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", default=None)
    parser.add_argument("--passages", type=int, default=2000)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    from analyzer.pipeline import parse

    texts = []
    for path in sorted((REPO / "examples").glob("*.pdf")):
        if "scan" not in path.name:
            texts += [p.text for p in parse(path).passages]
    # Distinct texts, so no embedding is reused within the run either.
    records = [{"id": str(i), "text": f"{texts[i % len(texts)]} ({i})"} for i in range(args.passages)]

    start = time.perf_counter()
    from analyzer.classify.embed import make_embedder
    from analyzer.classify.model import PassageClassifier

    model = PassageClassifier.load(args.model)
    model._embedder = make_embedder(model.config.embedder, None)  # memory-only cache: measure cold embedding
    model.classify(records[:1])  # the embedder loads its weights lazily: part of loading
    load_seconds = time.perf_counter() - start

    timings: dict[str, float] = {}
    start = time.perf_counter()
    model.classify(records[1:], timings=timings)
    seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result = {
        "model": model.meta.get("name"),
        "embedder": model.config.embedder,
        "load_seconds": round(load_seconds, 2),
        "passages": len(records) - 1,
        "seconds": round(seconds, 2),
        "passages_per_second": round((len(records) - 1) / seconds, 1),
        "stages": {k: round(v, 2) for k, v in timings.items()},
        "peak_rss_mb": round(peak_mb),
    }
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print("| model | embedder | load (s) | passages/s | peak memory (MB) |\n|---|---|---:|---:|---:|")
        print(f"| {result['model']} | {result['embedder']} | {result['load_seconds']} | {result['passages_per_second']} | {result['peak_rss_mb']} |")
        print("stages (s): " + ", ".join(f"{k} {v}" for k, v in result["stages"].items()))


if __name__ == "__main__":
    main()
