"""The n-gram view: stable hashed features, numpy-only products, and its blend in a model."""

import zlib

import numpy as np
import pytest

from analyzer.classify.ngrams import NgramHasher, ngrams

TEXTS = ["Wij hebben een klachtenprocedure voor werknemers in Bangladesh.",
         "We audit our suppliers every year and agree corrective action plans.",
         "",
         "Gedragscode • leveranciers • 2024"]


def test_ngrams_are_words_bigrams_and_character_grams_within_words():
    grams = ngrams("Klachten, klachten melden")
    assert grams["w klachten"] == 2 and grams["b klachten klachten"] == 1 and grams["b klachten melden"] == 1
    assert grams["c  kl"] == 2 and grams["c ten "] == 2  # padded at the word's edges
    assert grams["c melde"] == 1 and grams["c melden"] == 0  # 3- to 5-grams
    assert not any(gram.startswith("c ") and "," in gram for gram in grams)  # never across words
    assert not ngrams("") and not ngrams(" • ")


def test_rows_are_stable_l2_normalised_and_empty_texts_stay_empty():
    hasher = NgramHasher(2**12).fit(TEXTS)
    rows = hasher.transform(TEXTS)
    dense = rows.to_scipy().toarray()
    assert dense.shape == (4, 2**12)
    np.testing.assert_allclose(np.linalg.norm(dense, axis=1), [1, 1, 0, 1])
    # CRC-32 buckets: the same gram lands in the same column in every process (Python's hash() is salted).
    column = zlib.crc32("w bangladesh".encode()) % 2**12
    assert dense[0, column] > 0 and dense[1, column] == 0
    again = NgramHasher(2**12, hasher.idf).transform(TEXTS)
    np.testing.assert_array_equal(again.data, rows.data)


def test_sparse_product_without_scipy_equals_scipys():
    hasher = NgramHasher(2**10).fit(TEXTS)
    rows = hasher.transform(TEXTS)
    weights = np.random.default_rng(0).normal(size=(2**10, 3))
    np.testing.assert_allclose(rows @ weights, rows.to_scipy() @ weights)


def test_an_unfitted_hasher_says_what_to_do():
    with pytest.raises(ValueError, match="call fit"):
        NgramHasher().transform(["text"])
