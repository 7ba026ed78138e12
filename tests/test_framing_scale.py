"""Framing counted in one pass, and over a corpus one partition at a time: the same numbers as the
per-frame patterns and as the whole documents table."""
import re

import numpy as np
import pandas as pd
import pytest

from analysis import compare
from analysis.build import build_corpus
from analysis.corpus import load_corpus
from analysis.text import tokenize


def per_frame_findall(texts, lexicon):
    """The rule as framing.yaml states it, one pattern per frame (the reference implementation)."""
    pats = []
    for terms in lexicon.values():
        alts = sorted((" ".join(re.escape(w).replace(r"\*", "[^ ]*") for w in t.split()) for t in terms),
                      key=len, reverse=True)
        pats.append(re.compile(r"(?<![^ ])(?:" + "|".join(alts) + r")(?![^ ])"))
    joined = [" ".join(tokenize(t)) for t in texts]
    return np.array([[len(p.findall(j)) for p in pats] for j in joined], dtype=float)


def test_one_pass_equals_one_pattern_per_frame(fakes_csv):
    texts = pd.read_csv(fakes_csv, dtype=str, keep_default_na=False)["article_content"].tolist()
    texts += ["The pro-regime and anti-regime forces; regime-held Aleppo; the revolution's rebels",
              "moderate rebels, moderate rebel-held areas, Syrian revolution, the revolution", "İstanbul regime's"]
    lex = compare.load_framing()
    lex["overlap"] = ["rebel*", "moderate rebels", "the"]  # frames that share words count independently
    got, words = compare.frame_counts(texts, lexicon=lex)
    np.testing.assert_array_equal(got, per_frame_findall(texts, lex))
    assert words.tolist() == [len(tokenize(t)) for t in texts]
    assert got.sum() > 1000


def test_framing_of_a_corpus_equals_framing_of_its_documents(tmp_path, fakes_csv):
    build_corpus([fakes_csv], tmp_path / "out", analyses=False, partition_size=100)
    c = load_corpus(out=tmp_path / "out", rebuild="never")
    assert c.n_partitions > 3
    whole = compare.framing(c.documents, n_boot=50)
    parts = compare.framing(c, n_boot=50)
    pd.testing.assert_frame_equal(parts, whole)
    t = whole.set_index(["source", "frame"])
    assert t.loc[("sana", "terrorist"), "per_1000"] > t.loc[("etilaf", "terrorist"), "per_1000"]
    with pytest.raises(ValueError, match="`by` must be one of"):
        compare.framing(c, by="site")
