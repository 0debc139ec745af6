"""Evaluation against gold passages: per-label precision, recall, F1 and
support, micro and macro averages, per language, a status confusion table,
the calibration error of the scores and the time per stage.

Gold files are in the ``labels.md`` record format, or the AIMS.au format
(``labels`` with AIMS criteria), which is mapped to the steps it determines
unambiguously: dd2 (supply chains, risk description), dd4 (effectiveness) and
dd6 (remediation). AIMS ``c4_risk_mitigation`` mixes dd1 and dd3 and is not
scored.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from analyzer.classify.model import PassageClassifier
from analyzer.errors import BadInputError
from analyzer.jsonl import parse_jsonl
from analyzer.labels import STATUSES, step_ids, theme_ids

AIMS_MAP = {"c2_supply_chains": "dd2_identify", "c3_risk_description": "dd2_identify",
            "c5_effectiveness": "dd4_track", "c4_remediation": "dd6_remedy"}
AIMS_STEPS = ("dd2_identify", "dd4_track", "dd6_remedy")


def read_gold(path: Path) -> tuple[list[dict], str]:
    """Gold records and their format ("labels" or "aims")."""
    if not path.is_file():
        raise BadInputError(f"{path}: no such file")
    records = parse_jsonl(path.read_text(encoding="utf-8"), path.name)
    for number, record in enumerate(records, 1):
        record.setdefault("id", f"record-{number}")
    if not records:
        raise BadInputError(f"{path}: the gold file is empty")
    kind = "aims" if "labels" in records[0] and "steps" not in records[0] else "labels"
    if kind == "aims":
        for r in records:
            r["steps"] = sorted({AIMS_MAP[label] for label in r["labels"] if label in AIMS_MAP})
            r.setdefault("lang", "en")
            r["doc"] = r.get("doc") or r.get("statement_id")
    return records, kind


def _prf(gold: np.ndarray, pred: np.ndarray) -> dict:
    tp = int((gold & pred).sum())
    fp = int((~gold & pred).sum())
    fn = int((gold & ~pred).sum())
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 3), "recall": round(recall, 3), "f1": round(f1, 3), "support": int(gold.sum())}


def _block(records: list[dict], predictions, labels: tuple[str, ...], field: str) -> dict:
    gold = np.array([[label in (r.get(field) or []) for label in labels] for r in records], dtype=bool)
    pred = np.array([[label in getattr(p, field) for label in labels] for p in predictions], dtype=bool)
    per_label = {label: _prf(gold[:, j], pred[:, j]) for j, label in enumerate(labels)}
    scored = [v for v in per_label.values() if v["support"] > 0]
    macro = {k: round(float(np.mean([v[k] for v in scored])), 3) if scored else 0.0 for k in ("precision", "recall", "f1")}
    micro = _prf(gold.ravel(), pred.ravel())
    return {"labels": per_label, "macro": macro, "micro": micro}


def _calibration_error(records, predictions, labels: tuple[str, ...], field: str, bins: int = 10) -> float:
    probs, hits = [], []
    for r, p in zip(records, predictions):
        for label in labels:
            probs.append(p.scores[label])
            hits.append(label in (r.get(field) or []))
    probs, hits = np.array(probs), np.array(hits, dtype=float)
    edges = np.linspace(0, 1, bins + 1)
    error = 0.0
    for lo, hi in zip(edges[:-1], edges[1:]):
        inside = (probs >= lo) & (probs < hi if hi < 1 else probs <= hi)
        if inside.any():
            error += inside.mean() * abs(probs[inside].mean() - hits[inside].mean())
    return round(float(error), 4)


def evaluate(model: PassageClassifier, records: list[dict], kind: str = "labels") -> dict:
    timings: dict[str, float] = {}
    start = time.perf_counter()
    predictions = model.classify(records, timings=timings)
    total = time.perf_counter() - start
    steps = AIMS_STEPS if kind == "aims" else step_ids()
    report = {"gold_format": kind, "passages": len(records), "languages": {}, "timing": {}}
    groups = {"all": list(range(len(records)))}
    for lang in ("nl", "en"):
        idx = [i for i, r in enumerate(records) if r.get("lang") == lang]
        if idx and len(idx) < len(records):
            groups[lang] = idx
    for name, idx in groups.items():
        subset = [records[i] for i in idx]
        preds = [predictions[i] for i in idx]
        block = {"passages": len(idx), "steps": _block(subset, preds, steps, "steps")}
        block["steps_calibration_error"] = _calibration_error(subset, preds, steps, "steps")
        if kind == "labels":
            block["themes"] = _block(subset, preds, theme_ids(), "themes")
            block["themes_calibration_error"] = _calibration_error(subset, preds, theme_ids(), "themes")
            statuses = [r for r in subset if r.get("status") in STATUSES]
            if statuses:
                confusion = {g: {p: 0 for p in STATUSES} for g in STATUSES}
                for r, p in zip(subset, preds):
                    if r.get("status") in STATUSES:
                        confusion[r["status"]][p.status] += 1
                per_status = {}
                for s in STATUSES:
                    gold = np.array([r.get("status") == s for r, _ in zip(subset, preds) if r.get("status") in STATUSES])
                    pred = np.array([p.status == s for r, p in zip(subset, preds) if r.get("status") in STATUSES])
                    per_status[s] = _prf(gold, pred)
                block["status"] = {"confusion": confusion, "labels": per_status,
                                   "macro_f1": round(float(np.mean([v["f1"] for v in per_status.values() if v["support"]])), 3),
                                   "accuracy": round(sum(confusion[s][s] for s in STATUSES) / len(statuses), 3)}
            gold = np.array([bool(r.get("specific")) for r in subset if r.get("specific") is not None])
            pred = np.array([p.specific for r, p in zip(subset, preds) if r.get("specific") is not None])
            if len(gold):
                block["specific"] = {"true": _prf(gold, pred), "false": _prf(~gold, ~pred),
                                     "accuracy": round(float((gold == pred).mean()), 3)}
        report["languages"][name] = block
    report["timing"] = {
        "total_seconds": round(total, 3),
        "passages_per_second": round(len(records) / total, 1) if total else None,
        "stages": {k: round(v, 3) for k, v in timings.items()},
        "slowest_stage": max(timings, key=timings.get) if timings else None,
    }
    return report


def to_markdown(report: dict, title: str = "Evaluation") -> str:
    lines = [f"# {title}", "", f"{report['passages']} gold passages ({report['gold_format']} format)."]
    for name, block in report["languages"].items():
        lines += ["", f"## {name} ({block['passages']} passages)"]
        for field in ("steps", "themes"):
            if field not in block:
                continue
            b = block[field]
            lines += ["", f"### {field}", "", "| label | precision | recall | F1 | support |", "|---|---:|---:|---:|---:|"]
            for label, v in b["labels"].items():
                lines.append(f"| {label} | {v['precision']:.3f} | {v['recall']:.3f} | {v['f1']:.3f} | {v['support']} |")
            lines.append(f"| **macro** | {b['macro']['precision']:.3f} | {b['macro']['recall']:.3f} | **{b['macro']['f1']:.3f}** | |")
            lines.append(f"| micro | {b['micro']['precision']:.3f} | {b['micro']['recall']:.3f} | {b['micro']['f1']:.3f} | {b['micro']['support']} |")
            lines.append(f"\nExpected calibration error of the {field} scores: {block[field + '_calibration_error']}")
        if "status" in block:
            s = block["status"]
            lines += ["", "### status", "", "| gold \\ predicted | " + " | ".join(STATUSES) + " | F1 |", "|---|" + "---:|" * (len(STATUSES) + 1)]
            for g in STATUSES:
                lines.append(f"| {g} | " + " | ".join(str(s["confusion"][g][p]) for p in STATUSES) + f" | {s['labels'][g]['f1']:.3f} |")
            lines.append(f"\nStatus macro-F1 {s['macro_f1']:.3f}, accuracy {s['accuracy']:.3f}.")
        if "specific" in block:
            sp = block["specific"]
            lines.append(f"\n`specific`: F1 (true) {sp['true']['f1']:.3f}, F1 (false) {sp['false']['f1']:.3f}, accuracy {sp['accuracy']:.3f}.")
    t = report["timing"]
    lines += ["", "## timing", "", f"{t['total_seconds']} s in all ({t['passages_per_second']} passages/s); "
              + ", ".join(f"{k} {v} s" for k, v in t["stages"].items()) + f"; slowest stage: {t['slowest_stage']}."]
    return "\n".join(lines) + "\n"
