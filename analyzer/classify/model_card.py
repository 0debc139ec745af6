"""The model card: a README.md written next to a trained model's arrays."""

from __future__ import annotations

from pathlib import Path

from analyzer.labels import step_ids, theme_ids


def write_model_card(model, folder: Path) -> None:
    meta = model.meta
    training = meta.get("training", {})
    metrics = meta.get("metrics", {})
    config = training.get("config") or {}
    lines = [
        f"# Model card: {meta.get('name')}",
        "",
        "Passage classifier of ketenlens: OECD due-diligence steps (multi-label), risk themes (multi-label),",
        "status (done / planned / absent / none) and specificity, for Dutch and English supplier documents.",
        "",
        "## What it is",
        "",
        f"- Embedder: `{meta.get('embedder')}`; transparent features: cue words per label from",
        "  `analyzer/knowledge/taxonomy.json` and structural cues (numbers, years, standards, tense, negation).",
        "- Heads: one calibrated logistic regression per step and theme (Platt scaling on out-of-fold scores,",
        "  grouped by document), multinomial logistic regressions for status and specificity.",
        *([f"- N-gram view for steps and themes: hashed word 1–2-grams and character 3–5-grams (TF-IDF,",
           f"  {config.get('ngram_buckets')} buckets) with calibrated logistic regressions of their own; the scores are",
           f"  {1 - config.get('ngram_weight', 0):g} × embedding head + {config.get('ngram_weight'):g} × n-gram head, thresholds chosen "
           "on that blend."] if config.get("ngrams") else []),
        *([f"- Nearest-example vote for steps: the {config.get('knn_k')} most similar annotated examples (cosine of the",
           f"  embeddings, softmax weights at temperature {config.get('knn_temperature')}) vote; step scores are",
           f"  {1 - config.get('knn_weight', 0):g} × the views above + {config.get('knn_weight')} × the vote."]
          if config.get("knn_k") else []),
        f"- Settings: `{training.get('config')}`, C={training.get('C')}, AIMS.au weight {training.get('aims_weight')},",
        f"  seed {training.get('seed')}, {training.get('cv_folds')} calibration folds.",
        f"- Trained on {training.get('records')} corpus records:",
    ]
    for name, digest in (training.get("corpus_files") or {}).items():
        unused = (" (read, not used: AIMS.au weight 0)" if name == "aims_au.jsonl" and not training.get("aims_weight")
                  else "")
        lines.append(f"  - `{name}` sha256 `{digest[:16]}…`{unused}")
    if training.get("dev_files"):
        lines.append("- Thresholds chosen on the development set (never its weights):")
        for name, digest in training["dev_files"].items():
            lines.append(f"  - `{name}` sha256 `{digest[:16]}…`")
    lines += ["", "## Versions", ""]
    lines += [f"- {k}: {v}" for k, v in (meta.get("versions") or {}).items()]
    lines += ["", "## Metrics", ""]
    if "dev_cross_half_macro_f1" in metrics:
        c = metrics["dev_cross_half_macro_f1"]
        lines += [
            "Development set, thresholds tuned on the other half (by organisation) — the honest figure:",
            "",
            "| | steps macro-F1 | themes macro-F1 |",
            "|---|---:|---:|",
        ]
        for lang in ("nl", "en", "all"):
            lines.append(f"| {lang} | {c['steps'].get(lang)} | {c['themes'].get(lang)} |")
        lines.append("")
    if "dev" in metrics:
        lines += ["Development set with the shipped thresholds (tuned on all of it, so optimistic):", "",
                  "| | steps macro-F1 | themes macro-F1 | status macro-F1 | specific accuracy |", "|---|---:|---:|---:|---:|"]
        for lang, v in metrics["dev"].items():
            lines.append(f"| {lang} | {v['steps_macro_f1']} | {v['themes_macro_f1']} | {v['status_macro_f1']} | {v['specific_accuracy']} |")
        lines.append("")
    cv = metrics.get("training_cv_f1")
    if cv:
        lines += ["Out-of-fold F1 on the training corpus (grouped by document), per label:", "",
                  "| label | F1 | threshold |", "|---|---:|---:|"]
        thresholds = {**dict(zip(step_ids(), model.steps_head.thresholds_)), **dict(zip(theme_ids(), model.themes_head.thresholds_))}
        for label in list(step_ids()) + list(theme_ids()):
            value = cv["steps"].get(label, cv["themes"].get(label))
            lines.append(f"| {label} | {value} | {float(thresholds[label]):.3f} |")
    lines += [
        "",
        "## Limits",
        "",
        "- Trained on passages the team wrote in the voice of supplier reports and on the real English",
        "  sentences of AIMS.au with the team's Dutch translations, all annotated with our scheme; real Dutch",
        "  supplier text is only seen at evaluation time.",
        "- Step boundaries (dd1/dd3, dd3/dd4) are judgement calls; treat a disagreement as a reason to look.",
        "- Rebuild with `ketenlens train` (same corpus, seed and settings give the same arrays).",
        "",
        "## Licence of the examples",
        "",
        "`examples.jsonl` holds the annotated passages shown as similar examples (and voting on the steps):",
        "team-written passages (Apache-2.0) and AIMS.au sentences (Bora et al., *AIMS.au*, ICLR 2025,",
        "arXiv 2502.07022; CC BY 4.0) with the team's annotation and Dutch translation (CC BY 4.0, derived;",
        "see `corpus/README.md`).",
    ]
    (folder / "README.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
