"""Slow: train the real classifier on part of the corpus and score the held-back part.

Run with ``make test-all`` (or ``pytest -m slow``).
"""

import hashlib
import json
from pathlib import Path

import numpy as np
import pytest

from analyzer.classify.model import FeatureConfig
from analyzer.classify.train import train
from analyzer.labels import step_ids, theme_ids

CORPUS = Path(__file__).resolve().parents[1] / "corpus"


@pytest.mark.slow
def test_held_back_companies_score_well_above_chance_per_label(tmp_path):
    records = []
    for path in sorted(CORPUS.glob("team_*.jsonl")):
        records += [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    # Hold back whole companies, so no company's style helps recognise itself.
    held = {r["doc"] for r in records if int(hashlib.md5(r["doc"].encode()).hexdigest(), 16) % 4 == 0}
    train_dir = tmp_path / "corpus"
    train_dir.mkdir()
    (train_dir / "train.jsonl").write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records if r["doc"] not in held), encoding="utf-8")
    test = [r for r in records if r["doc"] in held]
    model = train(train_dir, FeatureConfig(embedder="use"), cv=3, log=lambda m: None)
    predictions = model.classify(test)
    failures = []
    for labels, field in ((step_ids(), "steps"), (theme_ids(), "themes")):
        for label in labels:
            gold = np.array([label in r[field] for r in test])
            pred = np.array([label in getattr(p, field) for p in predictions])
            if gold.sum() < 5:
                continue
            tp = (gold & pred).sum()
            f1 = 2 * tp / (gold.sum() + pred.sum())
            chance = gold.mean()  # F1 of guessing with the label's own frequency
            if f1 < chance + 0.25:
                failures.append((label, round(float(f1), 2), round(float(chance), 2)))
    assert not failures, failures
    status_accuracy = np.mean([p.status == r["status"] for p, r in zip(predictions, test)])
    assert status_accuracy > 0.55  # four classes; the largest is about a third
