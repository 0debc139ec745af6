"""Build ``corpus/aims_au.jsonl`` and ``corpus/aims_au_ketenlens.jsonl`` from the AIMS.au sentences.

AIMS.au (Bora et al., ICLR 2025; CC BY 4.0) labels sentences of Australian
modern slavery statements with the Act's criteria. We map them to our OECD
steps (``../shared/spec/labels.md``). Its ``c4_risk_mitigation`` label mixes
policies and contract clauses (dd1) with audits and corrective action (dd3); the
team decided each of those 1,360 sentences by reading it, with its neighbours as
context: the decisions and a short reason are in ``aims_au_c4_split_part*.tsv``.

Only steps are annotated here (the sentences are all about modern slavery, so
their themes, status and specificity were not labelled): records say so in
``"annotated": ["steps"]`` and carry ``null`` for status and specific.

``aims_au_ketenlens.jsonl`` is the same sentences annotated by the team with our own scheme, every
field (steps, themes, status, specific; ``aims_au_ketenlens_labels.tsv``), plus the team's Dutch
translation of each sentence with the same labels (``aims_au_ketenlens_nl.tsv``): real report prose
in both languages, which the team-written passages cannot give. A sentence and its translation share
the statement's ``doc``, so cross-validation never splits them.

Run: ``python corpus/build_aims.py [--source ../shared/data/aims_au/aims_au_sentences.jsonl]``
"""

from __future__ import annotations

import argparse
import csv
import json
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_SOURCE = HERE.parent.parent / "shared" / "data" / "aims_au" / "aims_au_sentences.jsonl"
STEPS = ["dd1_embed", "dd2_identify", "dd3_prevent", "dd4_track", "dd5_communicate", "dd6_remedy"]
DIRECT = {
    "approval": "dd1_embed",
    "signature": "dd1_embed",
    "c2_supply_chains": "dd2_identify",
    "c3_risk_description": "dd2_identify",
    "c4_remediation": "dd6_remedy",
    "c5_effectiveness": "dd4_track",
}
# The split only offered dd1/dd3; sentences the annotators marked as a
# whistleblowing or grievance channel are a dd6 mechanism as well (labels.md).
_GRIEVANCE = re.compile(r"whistle|grievance|hotline|helpline|speak.?up|reporting channel", re.IGNORECASE)
SOURCE_NOTE = "AIMS.au (Bora et al., ICLR 2025, arXiv 2502.07022), CC BY 4.0; steps mapped by the ketenlens team"
OURS_NOTE = "AIMS.au (Bora et al., ICLR 2025, arXiv 2502.07022), CC BY 4.0; annotated by the ketenlens team"
OURS_NL_NOTE = ("AIMS.au (Bora et al., ICLR 2025, arXiv 2502.07022), CC BY 4.0; translated into Dutch and annotated "
                "by the ketenlens team")
STATUSES = ("done", "planned", "absent", "none")


def load_split() -> dict[str, list[str]]:
    split: dict[str, list[str]] = {}
    for path in sorted(HERE.glob("aims_au_c4_split_part*.tsv")):
        with path.open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle, delimiter="\t"):
                steps = row["steps"].split(",")
                if _GRIEVANCE.search(row.get("note") or ""):
                    steps.append("dd6_remedy")
                if row["id"] in split:
                    raise SystemExit(f"{path.name}: {row['id']} is decided twice")
                split[row["id"]] = steps
    return split


def build(source: Path) -> list[dict]:
    split = load_split()
    records = []
    for line in source.read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        steps = {DIRECT[label] for label in item["labels"] if label in DIRECT}
        if "c4_risk_mitigation" in item["labels"]:
            if item["id"] not in split:
                raise SystemExit(f"{item['id']} carries c4_risk_mitigation but has no decision in the split files")
            steps.update(split[item["id"]])
        records.append({
            "id": item["id"],
            "lang": "en",
            "text": item["text"],
            "steps": [s for s in STEPS if s in steps],
            "themes": [],
            "status": None,
            "specific": None,
            "source": SOURCE_NOTE,
            "doc": f"aims-au-{item['statement_id']}",
            "page": None,
            "sentence_idx": item["sentence_idx"],
            "aims_labels": item["labels"],
            "annotated": ["steps"],
        })
    return records


def _read_tsv(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def build_ours(source: Path) -> list[dict]:
    """The sentences with the team's own labels, in English and in the team's Dutch translation."""
    sentences = {}
    for line in source.read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        sentences[item["id"]] = item
    translations = {row["id"]: row["text_nl"] for row in _read_tsv(HERE / "aims_au_ketenlens_nl.tsv")} \
        if (HERE / "aims_au_ketenlens_nl.tsv").is_file() else {}
    english, dutch = [], []
    for row in _read_tsv(HERE / "aims_au_ketenlens_labels.tsv"):
        if any(row.get(column) is None for column in ("id", "steps", "themes", "status", "specific")):
            raise SystemExit(f"aims_au_ketenlens_labels.tsv: a row lacks a column: {row}")
        item = sentences.get(row["id"])
        if item is None:
            raise SystemExit(f"aims_au_ketenlens_labels.tsv: {row['id']} is not an AIMS.au sentence")
        if row["status"] not in STATUSES or row["specific"] not in ("true", "false"):
            raise SystemExit(f"aims_au_ketenlens_labels.tsv: {row['id']} has an invalid status or specific")
        labels = {
            "steps": [s for s in row["steps"].split(",") if s],
            "themes": [t for t in row["themes"].split(",") if t],
            "status": row["status"],
            "specific": row["specific"] == "true",
        }
        statement, index = item["statement_id"], item["sentence_idx"]
        common = {"doc": f"aims-au-{statement}", "page": None, "sentence_idx": index}
        english.append({"id": f"au-kl:{statement}:{index}", "lang": "en", "text": item["text"], **labels,
                        "source": OURS_NOTE, **common})
        # Names, signatures and document ids stay the same in Dutch: those add nothing as Dutch records.
        if translations.get(row["id"], item["text"]) != item["text"]:
            dutch.append({"id": f"au-kl-nl:{statement}:{index}", "lang": "nl", "text": translations[row["id"]],
                          **labels, "source": OURS_NL_NOTE, **common})
    return english + dutch


def main() -> None:
    parser = argparse.ArgumentParser(description="Build corpus/aims_au.jsonl")
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--out", type=Path, default=HERE / "aims_au.jsonl")
    args = parser.parse_args()
    records = build(args.source)
    with args.out.open("w", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    counts = {s: sum(s in r["steps"] for r in records) for s in STEPS}
    print(f"{len(records)} records -> {args.out}; " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    ours = build_ours(args.source)
    out = args.out.with_name("aims_au_ketenlens.jsonl")
    with out.open("w", encoding="utf-8") as handle:
        for record in ours:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    print(f"{len(ours)} records -> {out} ({sum(r['lang'] == 'nl' for r in ours)} Dutch)")


if __name__ == "__main__":
    main()
