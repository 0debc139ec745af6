"""The passage classifier: estimator contract, persistence, reproducibility,
the classify / evaluate / train commands and their bad-input errors.

A deterministic hashing embedder stands in for the real models, so these tests
need no model download and run in seconds.
"""

import json
from pathlib import Path

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from analyzer.classify.embed import CachedEmbedder, HashingEmbedder
from analyzer.classify.heads import MultiLabelHead, SingleLabelHead
from analyzer.classify.knn import knn_vote
from analyzer.classify.model import FeatureConfig, PassageClassifier
from analyzer.classify.train import train
from analyzer.cli import main
from analyzer.errors import UsageError
from analyzer.labels import step_ids, theme_ids

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
# The shipped model's make-up (embedding + cue features, blended with the n-gram view and the nearest-example
# vote) on a tiny hashing embedder. (Few n-gram buckets keep the test trainings at seconds.)
TINY = FeatureConfig(embedder="hashing", ngrams=True, ngram_buckets=2**12, knn_k=10)


def _xy(seed=0, n=120, labels=3):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 8))
    Y = np.column_stack([(X[:, j] + 0.3 * rng.normal(size=n)) > 0.4 for j in range(labels)]).astype(int)
    return X, Y


@pytest.mark.parametrize("head", [MultiLabelHead(cv=3), SingleLabelHead()])
def test_heads_follow_the_estimator_contract(head):
    X, Y = _xy()
    y = Y if isinstance(head, MultiLabelHead) else Y[:, 0]
    cloned = clone(head)
    assert cloned.get_params() == head.get_params()
    with pytest.raises(NotFittedError):
        cloned.predict_proba(X)
    assert cloned.fit(X, y) is cloned
    fitted = [name for name in vars(cloned) if name.endswith("_") and not name.startswith("_")]
    assert {"coef_", "intercept_", "classes_", "n_features_in_"} <= set(fitted)
    assert not any(name.endswith("_") for name in vars(head))  # clone did not touch the original


def test_multilabel_head_is_calibrated_and_separates_labels():
    X, Y = _xy(n=600)
    head = MultiLabelHead(cv=5).fit(X, Y)
    proba = head.predict_proba(X)
    assert proba.shape == Y.shape and ((proba >= 0) & (proba <= 1)).all()
    for j in range(Y.shape[1]):
        assert proba[Y[:, j] == 1, j].mean() > proba[Y[:, j] == 0, j].mean() + 0.4
        # Calibrated: the mean probability is close to the label frequency.
        assert abs(proba[:, j].mean() - Y[:, j].mean()) < 0.08
    assert ((head.thresholds_ > 0) & (head.thresholds_ < 1)).all()


def test_heads_round_trip_through_arrays():
    X, Y = _xy()
    head = MultiLabelHead(cv=3).fit(X, Y)
    copy = MultiLabelHead.from_arrays(head.to_arrays("h"), "h")
    np.testing.assert_allclose(copy.predict_proba(X), head.predict_proba(X))
    single = SingleLabelHead().fit(X, np.where(Y[:, 0] == 1, "done", "none"))
    copy = SingleLabelHead.from_arrays(single.to_arrays("s"), "s")
    assert (copy.predict(X) == single.predict(X)).all()


def test_knn_vote_weighs_the_nearest_examples_and_can_exclude_a_group():
    examples = np.array([[1.0, 0.0], [0.8, 0.6], [0.0, 1.0]], dtype=np.float32)
    labels = np.array([[1, 0], [1, 1], [0, 1]], dtype=float)
    query = np.array([[1.0, 0.0]], dtype=np.float32)
    # A low temperature: the nearest example decides; a high one: the k nearest count alike.
    np.testing.assert_allclose(knn_vote(query, examples, labels, k=2, temperature=0.01), [[1.0, 0.0]], atol=1e-6)
    np.testing.assert_allclose(knn_vote(query, examples, labels, k=2, temperature=100.0), [[1.0, 0.5]], atol=0.01)
    # The query's own document never votes (out-of-fold scores at training time).
    vote = knn_vote(query, examples, labels, k=1, temperature=0.01,
                    query_groups=np.array(["a"]), example_groups=np.array(["a", "b", "c"]))
    np.testing.assert_allclose(vote, [[1.0, 1.0]], atol=1e-6)
    # k beyond the number of examples: every example votes.
    assert knn_vote(query, examples, labels, k=50, temperature=100.0).shape == (1, 2)


def test_a_model_that_votes_needs_its_examples(tiny_model, tmp_path):
    import shutil

    broken = tmp_path / "no-examples"
    shutil.copytree(tiny_model, broken)
    (broken / "examples.npz").unlink()
    with pytest.raises(UsageError, match="examples.npz is missing"):
        PassageClassifier.load(broken)


def test_a_model_whose_examples_disagree_is_refused(tiny_model, tmp_path):
    import shutil

    broken = tmp_path / "short-examples"
    shutil.copytree(tiny_model, broken)
    lines = (broken / "examples.jsonl").read_text(encoding="utf-8").splitlines()
    (broken / "examples.jsonl").write_text("\n".join(lines[:-1]) + "\n", encoding="utf-8")
    with pytest.raises(UsageError, match="examples.jsonl has .* examples but examples.npz"):
        PassageClassifier.load(broken)


def test_similar_examples_do_not_depend_on_the_block_size(tiny_model):
    model = PassageClassifier.load(tiny_model)
    vectors = model.examples[0][:7]
    small, large = model._similar(vectors, chunk=2), model._similar(vectors, chunk=512)
    # The same examples and similarities; two examples equally similar up to float rounding may swap.
    for a, b in zip(small, large, strict=True):
        assert [e["similarity"] for e in a] == [e["similarity"] for e in b]
        assert {e["id"] for e in a} == {e["id"] for e in b} and a[0]["id"] == b[0]["id"]


@pytest.fixture(scope="module")
def tiny_corpus(tmp_path_factory):
    """A slice of the team corpus: every label present, small enough for seconds."""
    folder = tmp_path_factory.mktemp("corpus")
    lines = []
    for path in sorted(CORPUS.glob("team_*.jsonl")):
        lines += path.read_text(encoding="utf-8").splitlines()[::4]
    (folder / "slice.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def tiny_model(tiny_corpus, tmp_path_factory):
    embedder = CachedEmbedder(HashingEmbedder(), None)
    model = train(tiny_corpus, TINY, cv=3, embedder=embedder, log=lambda m: None)
    model.meta["name"] = "tiny"
    folder = tmp_path_factory.mktemp("models") / "tiny"
    model.save(folder)
    return folder


def test_training_is_reproducible(tiny_corpus, tiny_model, tmp_path):
    embedder = CachedEmbedder(HashingEmbedder(), None)
    again = train(tiny_corpus, TINY, cv=3, embedder=embedder, log=lambda m: None)
    again.save(tmp_path / "again")
    with np.load(tiny_model / "heads.npz") as a, np.load(tmp_path / "again" / "heads.npz") as b:
        assert sorted(a.files) == sorted(b.files)
        for name in a.files:
            np.testing.assert_array_equal(a[name], b[name])
    meta = json.loads((tiny_model / "model.json").read_text())
    assert meta["training"]["corpus_files"]["slice.jsonl"] and meta["labels"]["steps"] == list(step_ids())


def test_model_folder_loads_and_classifies(tiny_model):
    model = PassageClassifier.load(tiny_model)
    [result] = model.classify([{"id": "x", "text": "Wij hebben een klachtenmechanisme voor werknemers in Bangladesh."}], explain=True)
    record = result.to_dict(explain=True)
    assert set(record["scores"]) == set(step_ids()) | set(theme_ids())
    assert record["status"] in ("done", "planned", "absent", "none") and isinstance(record["specific"], bool)
    assert set(record["steps"]) <= set(step_ids()) and set(record["themes"]) <= set(theme_ids())
    assert len(record["similar"]) == 3 and all("text" in s for s in record["similar"])
    assert "t02_recruitment" not in record["cues"]


def test_saved_examples_find_a_corpus_passage_itself(tiny_model):
    # The examples are stored as int8: the quantisation must keep a passage its own nearest example.
    model = PassageClassifier.load(tiny_model)
    matrix, records = model.examples
    for example in records[:: max(1, len(records) // 5)]:
        [result] = model.classify([{"id": "q", "text": example["text"]}], explain=True)
        assert result.similar[0]["id"] == example["id"] and result.similar[0]["similarity"] > 0.98


def test_classify_command_keeps_order_and_ids(tiny_model, tmp_path, capsys):
    source = tmp_path / "in.jsonl"
    records = [{"id": f"p{i}", "text": t} for i, t in enumerate(["Wij publiceren jaarlijks een MVO-verslag.", "Inhoudsopgave", "We audit suppliers."])]
    source.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    assert main(["classify", str(source), "--model", str(tiny_model)]) == 0
    out = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["id"] for r in out] == ["p0", "p1", "p2"]
    assert all({"steps", "themes", "status", "specific", "scores"} <= set(r) for r in out)


@pytest.mark.parametrize(
    "content, message",
    [
        ('{"id": "a", "text": "ok"}\n{not json}\n', "line 2: invalid JSON"),
        ('{"id": "a", "text": "ok"}\n{"id": "b"}\n', "line 2: the record has no 'text'"),
        ('{"text": "ok"}\n', "line 1: the record has no 'id'"),
        ("", "no records"),
        ("[1, 2]\n", "line 1: expected a JSON object"),
    ],
)
def test_classify_bad_input_exits_3_naming_the_line(tiny_model, tmp_path, capsys, content, message):
    source = tmp_path / "in.jsonl"
    source.write_text(content, encoding="utf-8")
    assert main(["classify", str(source), "--model", str(tiny_model)]) == 3
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


def test_classify_without_a_model_is_a_usage_error(tmp_path, capsys):
    source = tmp_path / "in.jsonl"
    source.write_text('{"id": "a", "text": "ok"}\n', encoding="utf-8")
    assert main(["classify", str(source), "--model", str(tmp_path / "none")]) == 2
    assert "train one" in capsys.readouterr().err


def test_evaluate_reports_per_label_and_language(tiny_model, tmp_path, capsys):
    gold = tmp_path / "gold.jsonl"
    rows = [
        {"id": "1", "lang": "nl", "text": "Werknemers kunnen anoniem klachten melden via een meldpunt.", "steps": ["dd6_remedy"], "themes": [], "status": "done", "specific": False},
        {"id": "2", "lang": "en", "text": "We found child labour at a cotton farm in India.", "steps": ["dd2_identify"], "themes": ["t03_child_labour"], "status": "done", "specific": True},
        {"id": "3", "lang": "en", "text": "Contents", "steps": [], "themes": [], "status": "none", "specific": False},
    ]
    gold.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    assert main(["evaluate", str(gold), "--model", str(tiny_model), "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert set(report["languages"]) == {"all", "nl", "en"}
    steps = report["languages"]["all"]["steps"]
    assert steps["labels"]["dd6_remedy"]["support"] == 1 and "macro" in steps and "micro" in steps
    assert set(report["languages"]["all"]["status"]["confusion"]) == {"done", "planned", "absent", "none"}
    assert report["timing"]["slowest_stage"] in ("embed", "features", "heads")
    assert main(["evaluate", str(gold), "--model", str(tiny_model)]) == 0
    assert "| dd6_remedy |" in capsys.readouterr().out


def test_evaluate_reads_the_aims_format(tiny_model, tmp_path, capsys):
    gold = tmp_path / "aims.jsonl"
    rows = [{"id": "au:1:0", "statement_id": "1", "text": "We map our suppliers in China.", "labels": ["c2_supply_chains"]},
            {"id": "au:1:1", "statement_id": "1", "text": "No remediation was needed.", "labels": ["c4_remediation"]}]
    gold.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    assert main(["evaluate", str(gold), "--model", str(tiny_model), "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["gold_format"] == "aims"
    assert set(report["languages"]["all"]["steps"]["labels"]) == {"dd2_identify", "dd4_track", "dd6_remedy"}


def test_train_command_rejects_a_bad_corpus(tmp_path, capsys):
    (tmp_path / "bad.jsonl").write_text('{"id": "1", "text": "ok"}\nnot json\n', encoding="utf-8")
    assert main(["train", "--corpus", str(tmp_path), "--out", str(tmp_path / "m"), "--embedder", "hashing"]) == 3
    assert "bad.jsonl, line 2" in capsys.readouterr().err


def test_loaded_model_needs_no_scikit_learn_and_agrees_with_the_fitted_heads(tiny_corpus, tiny_model):
    import subprocess
    import sys

    code = ("import sys; from analyzer.classify.model import PassageClassifier; "
            f"PassageClassifier.load({str(tiny_model)!r}); print('sklearn' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "False"
    embedder = CachedEmbedder(HashingEmbedder(), None)
    fitted = train(tiny_corpus, TINY, cv=3, embedder=embedder, log=lambda m: None)
    loaded = PassageClassifier.load(tiny_model, embedder=embedder)
    records = [{"id": "a", "text": "In 2024 hebben wij 12 audits uitgevoerd in Bangladesh."}, {"id": "b", "text": "Contents"}]
    for a, b in zip(fitted.classify(records), loaded.classify(records)):
        assert a.steps == b.steps and a.status == b.status
        assert all(abs(a.scores[k] - b.scores[k]) < 1e-6 for k in a.scores)


def test_expert_reviews_flow_back_into_training(tmp_path, monkeypatch, capsys):
    """Review screen -> `ketenlens reviews export` -> `ketenlens train --reviews`: the experts' labels train the heads."""
    from datetime import date

    from analyzer.store import open_store

    monkeypatch.setenv("KETENLENS_DATABASE_URL", f"sqlite:///{tmp_path / 'db.sqlite'}")
    monkeypatch.setenv("KETENLENS_FILES_DIR", str(tmp_path / "files"))
    monkeypatch.setenv("KETENLENS_CACHE", str(tmp_path / "cache"))
    text = "Werknemers van onze leverancier in Vietnam kunnen anoniem klachten melden via een externe hotline."
    with open_store() as store:
        manager = store.create_user("manager", "contract_manager", "long enough password")
        expert = store.create_user("expert", "expert", "long enough password")
        case = store.create_case("Leverancier BV", "workwear", "ISV-1", date(2025, 1, 1), manager)
        document = store.add_document(case, b"%PDF-1.4 test", "ra.pdf", "risk_analysis", 2025, manager)
        passage = {"id": "p1", "index": 0, "page": 2, "bbox": [0, 0, 1, 1], "text": text, "lang": "nl",
                   "heading": None, "steps": ["dd1_embed"], "themes": [], "status": "none", "specific": True}
        store.save_analysis(document, {"document": {}, "passages": [passage], "assessment": {}}, "tiny", manager)
        store.add_review(document, "passage_label", "p1", "steps", "relabel", expert, new_value=["dd6_remedy"],
                         reason="a grievance channel")

    corpus = tmp_path / "corpus"  # a thin slice: the shipped make-up (65,536 n-gram buckets) trains here
    corpus.mkdir()
    lines = [line for path in sorted(CORPUS.glob("team_*.jsonl")) for line in path.read_text(encoding="utf-8").splitlines()]
    (corpus / "slice.jsonl").write_text("\n".join(lines[::20]) + "\n", encoding="utf-8")
    exported = tmp_path / "reviews.jsonl"
    assert main(["reviews", "export", "--user", "expert", "--output", str(exported)]) == 0
    assert "1 reviewed passages exported" in capsys.readouterr().err
    record = json.loads(exported.read_text(encoding="utf-8"))
    assert (record["text"], record["steps"], record["annotated"]) == (text, ["dd6_remedy"], ["steps"])

    out = tmp_path / "with-reviews"
    assert main(["train", "--corpus", str(corpus), "--reviews", str(exported), "--out", str(out),
                 "--embedder", "hashing"]) == 0
    meta = json.loads((out / "model.json").read_text(encoding="utf-8"))
    assert "reviews.jsonl" in meta["training"]["corpus_files"]
    assert meta["training"]["records"] == len(lines[::20]) + 1

    assert main(["reviews", "export", "--user", "nobody"]) == 3
    assert "no user 'nobody'" in capsys.readouterr().err
    assert main(["reviews", "export", "--user", "manager"]) != 0
    assert "may not export reviewed passages" in capsys.readouterr().err
    assert main(["train", "--corpus", str(corpus), "--reviews", str(tmp_path / "missing.jsonl"),
                 "--out", str(tmp_path / "m"), "--embedder", "hashing"]) == 3
    assert "missing.jsonl: no such file" in capsys.readouterr().err


@pytest.mark.parametrize(
    "content, message",
    [
        ("", "no reviewed passages in it"),
        ('{"id": "r", "text": "x", "steps": ["dd9_unknown"], "annotated": ["steps"]}\n', "'steps' must be a list"),
        ('{"id": "r", "text": "x", "steps": "dd1_embed", "annotated": ["steps"]}\n', "'steps' must be a list"),
        ('{"id": "r", "text": "x", "steps": [], "annotated": "steps"}\n', "'annotated' must be a list"),
        ('{"id": "r", "text": "x", "status": "maybe", "annotated": ["status"]}\n', "'status' must be one of"),
        ('{"id": "r", "text": "x", "specific": "yes", "annotated": ["specific"]}\n', "'specific' must be true or false"),
    ],
)
def test_train_refuses_review_files_it_would_misread(tiny_corpus, tmp_path, capsys, content, message):
    reviews = tmp_path / "reviews.jsonl"
    reviews.write_text(content, encoding="utf-8")
    assert main(["train", "--corpus", str(tiny_corpus), "--reviews", str(reviews), "--out", str(tmp_path / "m"),
                 "--embedder", "hashing"]) == 3
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "m").exists()


def test_output_that_cannot_be_written_is_a_usage_error(tiny_model, tmp_path, capsys):
    source = tmp_path / "in.jsonl"
    source.write_text('{"id": "a", "text": "Wij publiceren jaarlijks een MVO-verslag."}\n', encoding="utf-8")
    (tmp_path / "blocker").write_text("a file, not a folder", encoding="utf-8")
    assert main(["classify", str(source), "--model", str(tiny_model), "--output", str(tmp_path / "blocker" / "x")]) == 2
    assert "cannot write --output" in capsys.readouterr().err
    assert main(["classify", str(source), "--model", str(tiny_model), "--output", str(tmp_path)]) == 2
    assert "is a folder" in capsys.readouterr().err
