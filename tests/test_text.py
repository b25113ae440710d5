"""Text for notebook 15: the review sentences' loader, the tokenizer, the vocabulary, the text
CNN (trainable with fit), the filter n-grams, the text figures, and clear errors on bad input."""

from __future__ import annotations

import shutil
from collections import Counter

import matplotlib.pyplot as plt
import pytest
import torch
from matplotlib.figure import Figure

from course_utils.data import (
    ChecksumError,
    TextSet,
    data_dir,
    load_dataset,
    read_labelled_sentences,
)
from course_utils.data.sentiment import SENTIMENT_FILES, load_sentiment
from course_utils.env import seed_everything
from course_utils.models import TextCNN
from course_utils.plots import (
    plot_accuracy_intervals,
    plot_filter_ngrams,
    plot_token_vectors,
    plot_window_scores,
)
from course_utils.text import PAD, UNK, NgramHit, Vocabulary, tokenize, top_ngrams
from course_utils.train import as_tensors, evaluate, fit

CPU = torch.device("cpu")


pytestmark = pytest.mark.usefixtures("one_thread")  # conftest.py


@pytest.fixture(scope="module")
def splits():
    return load_dataset("sentiment", "train"), load_dataset("sentiment", "test")


# The data: 3 x 1,000 sentences, a fixed split, the two imdb sentences with U+0085.

def test_sentiment_split_is_fixed_stratified_and_disjoint(splits):
    train, test = splits
    assert (len(train), len(test)) == (2400, 600)
    assert train.classes == ("negative", "positive") and train.meta["sources"] == ("amazon",
                                                                                   "imdb", "yelp")
    for part, each in ((train, 400), (test, 100)):
        groups = torch.bincount(2 * part.extras["source"] + part.labels, minlength=6)
        assert groups.tolist() == [each] * 6
    again = load_dataset("sentiment", "train")
    assert again.texts == train.texts and torch.equal(again.labels, train.labels)
    def rows(s):
        return Counter(zip(s.texts, s.labels.tolist(), s.extras["source"].tolist()))
    every = Counter()
    for source, file in enumerate(SENTIMENT_FILES.values()):
        sentences, labels = read_labelled_sentences(data_dir() / "sentiment-sentences" / file)
        every.update(zip(sentences, labels, [source] * len(labels)))
    assert rows(train) + rows(test) == every      # each sentence in exactly one split


def test_the_imdb_sentences_with_a_next_line_character_stay_whole(splits):
    path = data_dir() / "sentiment-sentences" / SENTIMENT_FILES["imdb"]
    raw = path.read_text(encoding="utf-8")
    assert len(raw.splitlines()) == 1002, "the trap: str.splitlines() breaks at U+0085"
    sentences, labels = read_labelled_sentences(path)
    assert len(sentences) == 1000 and sum(labels) == 500
    whole = [s for s in sentences if "\u2026" in s]
    assert whole == ["The script is\u2026was there a script?",
                     "Definitely worth seeing\u2026 it's the sort of thought provoking film that "
                     "forces you to question your own threshold of loneliness."]
    assert not any("\x85" in s or "\t" in s for s in sentences)
    dashes = [s for s in sentences if "\u2013" in s or "\u2014" in s]
    assert len(dashes) == 6 and not any(0x80 <= ord(c) <= 0x9F for s in sentences for c in s)
    everything = splits[0].texts + splits[1].texts
    assert sum(s in everything for s in whole) == 2


def test_every_source_file_gives_500_of_each_label():
    for file in SENTIMENT_FILES.values():
        sentences, labels = read_labelled_sentences(data_dir() / "sentiment-sentences" / file)
        assert len(sentences) == 1000 and sum(labels) == 500
        assert all(s.strip() == s for s in sentences)


def test_the_reader_handles_next_line_and_refuses_a_line_without_label(tmp_path):
    good = tmp_path / "good.txt"
    good.write_bytes("Fine\u0085really.  \t1\r\nBad \u0096 sad.\t0\n\n".encode("utf-8"))
    assert read_labelled_sentences(good) == (["Fine\u2026really.", "Bad \u2013 sad."], [1, 0])
    broken = tmp_path / "broken.txt"
    broken.write_text("A whole sentence.\t1\nhalf a sentence\nthe other half.\t0\n",
                      encoding="utf-8")
    with pytest.raises(ValueError,
                       match=r"broken.txt, line 2: expected 'sentence<TAB>0'.*half a sentence"):
        read_labelled_sentences(broken)
    label = tmp_path / "label.txt"
    label.write_text("Odd label.\t2\n", encoding="utf-8")
    with pytest.raises(ValueError, match="line 1"):
        read_labelled_sentences(label)


def test_a_corrupted_sentence_file_is_refused_by_checksum(tmp_path, monkeypatch):
    copy = tmp_path / "data"
    shutil.copytree(data_dir(), copy)
    monkeypatch.setenv("COURSE_DATA_DIR", str(copy))
    target = copy / "sentiment-sentences" / "imdb_labelled.txt"
    target.write_bytes(target.read_bytes().replace(b"\xc2\x85", b"\n",
                                                   1))   # what an editor might do
    with pytest.raises(ChecksumError, match="imdb_labelled.txt is corrupted"):
        load_dataset("sentiment", "train")


def test_sentiment_has_only_train_and_test():
    with pytest.raises(ValueError, match="no split 'val'"):
        load_dataset("sentiment", "val")
    with pytest.raises(ValueError, match="'train' and 'test', got 'all'"):
        load_sentiment("all")


def test_textset_checks_its_parts_and_subsets_keep_extras(splits):
    train = splits[0]
    part = train.subset([3, 1], split="val")
    assert part.texts == (train.texts[3], train.texts[1]) and part.split == "val"
    assert part.extras["source"].tolist() == train.extras["source"][[3, 1]].tolist()
    assert part[0] == (train.texts[3], int(train.labels[3])) and "n=2" in repr(part)
    with pytest.raises(TypeError, match="tuple of str"):
        TextSet(["a", "b"], torch.tensor([0, 1]), ("n", "p"), "x", "train")
    with pytest.raises(TypeError, match="int64"):
        TextSet(("a", "b"), torch.tensor([0.0, 1.0]), ("n", "p"), "x", "train")
    with pytest.raises(ValueError, match=r"shape \(2,\)"):
        TextSet(("a", "b"), torch.tensor([0, 1, 1]), ("n", "p"), "x", "train")
    with pytest.raises(ValueError, match="extras\\['source'\\] has 1 entries"):
        TextSet(("a", "b"), torch.tensor([0, 1]), ("n", "p"), "x", "train",
                extras={"source": torch.tensor([0])})


# Tokens and the vocabulary.

@pytest.mark.parametrize("text, tokens", [
    ("Don't buy it!!", ["don't", "buy", "it", "!", "!"]),
    ("Great phone, 5 stars.", ["great", "phone", ",", "5", "stars", "."]),
    ("It\u2019s NOT bad\u2026", ["it's", "not", "bad", "\u2026"]),
    ("", []),
    ("   \t ", []),
])
def test_tokenize(text, tokens):
    assert tokenize(text) == tokens


def test_tokenize_refuses_a_list():
    with pytest.raises(TypeError, match="one sentence as a str, got list"):
        tokenize(["two", "sentences"])


def test_the_vocabulary_holds_no_word_seen_only_in_the_test_split(splits):
    train, test = splits
    vocab = Vocabulary.build(train)
    train_tokens = {t for s in train.texts for t in tokenize(s)}
    test_only = {t for s in test.texts for t in tokenize(s)} - train_tokens
    assert len(test_only) > 100                      # so the check below can fail
    assert not test_only & set(vocab.tokens)
    assert set(vocab.tokens[2:]) == train_tokens
    word = sorted(test_only)[0]
    assert vocab.id_of(word) == vocab.unk_id and word not in vocab
    with pytest.raises(ValueError, match="training split only.*split='test'"):
        Vocabulary.build(test)


def test_vocabulary_ids_counts_and_special_tokens():
    vocab = Vocabulary.build(["good good phone", "bad phone", "good"])
    assert vocab.tokens == (PAD, UNK, "good", "phone", "bad")   # by count, then alphabetically
    assert vocab.counts == (0, 0, 3, 2, 1) and len(vocab) == 5
    assert vocab.ids("Good, bad unseen") == [2, 1, 4, 1]          # "," and "unseen" are unknown
    assert Vocabulary.build(["good good phone", "bad phone", "good"], min_count=2).tokens == (
        PAD, UNK, "good", "phone")
    assert Vocabulary.build(["good good phone", "bad phone"], max_size=3).tokens == (PAD, UNK,
                                                                                     "good")
    assert Vocabulary.build(t for t in ["good good phone", "bad phone",
                                        "good"]) == vocab  # a generator


def test_encode_pads_to_the_longest_and_handles_empty_and_unknown():
    vocab = Vocabulary.build(["good phone", "bad"])
    ids = vocab.encode(["bad phone good", "", "terrible"])
    assert ids.dtype == torch.int64 and ids.tolist() == [[2, 4, 3], [0, 0, 0],
                                                         [1, 0, 0]]  # ties: a-z
    assert vocab.encode(["", ""]).tolist() == [[0], [0]]
    assert vocab.encode(["bad phone good"], max_length=2).tolist() == [[2, 4]]
    assert vocab.decode(ids[0]) == ["bad", "phone", "good"] and vocab.decode([1, 0]) == [UNK]


@pytest.mark.parametrize("call, error, words", [
    (lambda v: v.encode("one sentence"), TypeError, "wrap one sentence"),
    (lambda v: v.encode([]), ValueError, "no sentences"),
    (lambda v: v.encode(["a"], max_length=0), ValueError, "max_length"),
    (lambda v: v.encode([3]), TypeError, "got int"),
    (lambda v: v.decode([7]), ValueError, r"ints in \[0, 3\).*got \[7\]"),
    (lambda v: Vocabulary.build("a sentence"), TypeError, "sequence of sentences"),
    (lambda v: Vocabulary.build([1, 2]), TypeError, "sequence of sentences"),
    (lambda v: Vocabulary.build(7), TypeError, "got int"),
    (lambda v: Vocabulary.build(["a"], min_count=0), ValueError, "min_count"),
    (lambda v: Vocabulary.build(["a"], max_size=1), ValueError, "max_size"),
    (lambda v: Vocabulary(("a", "b"), (0, 0)), ValueError, "must start with"),
])
def test_vocabulary_errors_say_what_to_do(call, error, words):
    with pytest.raises(error, match=words):
        call(Vocabulary.build(["word"]))


# The network.

def test_text_cnn_shapes_and_padding_does_not_change_scores():
    seed_everything(0)
    model = TextCNN(50, 3, embed_dim=8, widths=(2, 3, 4, 5), filters=4).eval()
    ids = torch.tensor([[5, 6, 7, 0, 0], [9, 0, 0, 0, 0]])
    out = model(ids)
    assert out.shape == (2, 3)
    longer = torch.cat([ids, torch.zeros(2, 7, dtype=torch.int64)], dim=1)
    assert torch.allclose(model(longer), out, atol=1e-6)
    assert torch.allclose(model(ids[:1, :3]), out[:1], atol=1e-6)   # shorter than a 5-gram
    maps = model.feature_maps(ids)
    assert [m.shape for m in maps] == [(2, 4, 5)] * 4
    assert (maps[0][1, :, 1:] == 0).all()                # windows starting on padding are off
    assert model.embedding.weight[0].abs().sum() == 0    # the padding vector stays zero


@pytest.mark.parametrize("ids, words", [
    (torch.zeros(2, 5), r"\(B, L\) int64 tensor of token ids, got \(2, 5\) torch.float32"),
    (torch.zeros(2, 5, 1, dtype=torch.int64), r"got \(2, 5, 1\)"),
    (torch.zeros(2, 0, dtype=torch.int64), "length 0"),
    (torch.tensor([[1, 50]]), r"in \[0, 50\).*\[1, 50\]"),
    (torch.tensor([[-1, 2]]), r"in \[0, 50\)"),
    ([[1, 2]], "got list"),
])
def test_text_cnn_refuses_bad_input(ids, words):
    with pytest.raises(ValueError, match=words):
        TextCNN(50)(ids)


@pytest.mark.parametrize("options, words", [
    (dict(vocab_size=1), "vocab_size >= 2"),
    (dict(vocab_size=10, widths=()), "widths"),
    (dict(vocab_size=10, widths=(2, 0)), "widths"),
    (dict(vocab_size=10, pad_id=10), "pad_id"),
])
def test_text_cnn_refuses_bad_options(options, words):
    with pytest.raises(ValueError, match=words):
        TextCNN(**options)


def order_task(n: int, seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Random sentences of ids 2..19; label 1 if the bigram (3, 4) occurs, in that order. Every
    sentence holds both 3 and 4, so a bag of words cannot tell the classes apart."""
    gen = torch.Generator().manual_seed(seed)
    ids = torch.randint(5, 20, (n, 12), generator=gen)
    labels = torch.randint(0, 2, (n,), generator=gen)
    for i in range(n):
        a, b = torch.randperm(11, generator=gen)[:2].tolist()
        if labels[i]:
            ids[i, a], ids[i, a + 1] = 3, 4
        else:
            ids[i, a], ids[i, a + 1] = 4, 3
            ids[i, b if b not in (a, a + 1) else (a + 3) % 12] = 2
    return ids, labels


def test_as_tensors_passes_token_ids_through_and_keeps_images_as_before():
    ids, labels = order_task(8, 0)
    x, y = as_tensors((ids, labels))
    assert x is ids and x.dtype == torch.int64 and y.dtype == torch.int64
    images, _ = as_tensors((torch.full((2, 1, 4, 4), 255, dtype=torch.uint8),
                            torch.tensor([0, 1])))
    assert images.dtype == torch.float32 and images.max() == 1
    with pytest.raises(ValueError, match=r"\(N, C, H, W\).*\(N, L\) int64 token ids"):
        as_tensors((ids.float(), labels))
    with pytest.raises(ValueError, match="train token ids must be >= 0, got -6"):
        as_tensors((ids - 8, labels))


def test_fit_trains_the_text_cnn_on_an_order_dependent_task():
    train, val = order_task(600, 1), order_task(200, 2)
    seed_everything(0)
    model = TextCNN(20, embed_dim=8, widths=(2, 3), filters=8, dropout=0.1)
    history = fit(model, train, val, epochs=8, batch_size=32, lr=1e-2, device=CPU,
                  progress=False)  # channels-last (the CPU default) applies to images only
    assert history.val_acc[-1] > 0.95 and history.val_acc[0] < history.val_acc[-1]
    best = history.val_acc[history.epoch.index(history.best_epoch)]
    assert evaluate(model, val)[1] == pytest.approx(best, abs=1e-6)   # fit kept the best weights
    with pytest.raises(ValueError, match=r"(?s)\(N, L\) token ids.*vocabulary size"):
        fit(TextCNN(10), train, epochs=1, device=CPU, progress=False)


# Which n-grams a filter responds to.

@torch.no_grad()
def test_top_ngrams_come_from_the_real_activations():
    seed_everything(0)
    model = TextCNN(20, embed_dim=6, widths=(2, 3), filters=3).eval()
    vocab = Vocabulary((PAD, UNK, *[f"w{i}" for i in range(2, 20)]), (0,) * 20)
    ids, _ = order_task(40, 3)
    ids[:, 10:] = 0                                   # some padding at the end of every row
    hits = top_ngrams(model, ids, vocab, width=3, filter_index=1, k=4)
    maps = model.feature_maps(ids)[1][:, 1]
    assert hits[0].activation == pytest.approx(float(maps[:, :10].max()), abs=1e-6)
    assert len({h.tokens for h in hits}) == 4 and all(len(h.tokens) <= 3 for h in hits)
    assert [h.activation for h in hits] == sorted((h.activation for h in hits), reverse=True)
    for hit in hits:                                  # each score recomputed by hand
        window = model.embedding.weight[ids[hit.row, hit.start:hit.start + 3]]  # (3, E)
        padded = torch.cat([window,
                            torch.zeros(3 - len(window), 6)]) if len(window) < 3 else window
        by_hand = (model.convs[1].weight[1] * padded.T).sum() + model.convs[1].bias[1]
        assert hit.activation == pytest.approx(max(float(by_hand), 0.0), abs=1e-5)
        assert hit.tokens == tuple(vocab.decode(ids[hit.row, hit.start:hit.start + 3]))
    with pytest.raises(ValueError, match=r"one of the model's widths \(2, 3\)"):
        top_ngrams(model, ids, vocab, width=5, filter_index=0)
    with pytest.raises(ValueError, match=r"filter_index must be an int in \[0, 3\)"):
        top_ngrams(model, ids, vocab, width=2, filter_index=3)


# Figures.

def test_text_figures_draw_and_refuse_mismatched_input():
    tokens = ["not", "good", "at", "all"]
    figures = [
        plot_token_vectors(torch.randn(5, 4), tokens),
        plot_window_scores(tokens, torch.tensor([0.1, -0.2, 0.3]), width=2),
        plot_filter_ngrams({"filter 1": top_like([("not", "good"), ("no",)])}),
        plot_accuracy_intervals({"CNN": (0.8, 0.75, 0.85), "BoW": (0.82, 0.78, 0.86)}, chance=0.5),
    ]
    assert all(isinstance(f, Figure) for f in figures)
    for fig in figures:
        plt.close(fig)
    with pytest.raises(ValueError, match="3 columns but there are 4 tokens"):
        plot_token_vectors(torch.randn(5, 3), tokens)
    with pytest.raises(ValueError, match="3 windows of width 2, but scores has 2"):
        plot_window_scores(tokens, [0.1, 0.2], width=2)
    with pytest.raises(ValueError, match="finite"):
        plot_token_vectors(torch.full((5, 4), float("nan")), tokens)
    with pytest.raises(ValueError, match="low <= estimate <= high"):
        plot_accuracy_intervals({"CNN": (0.9, 0.75, 0.85)})
    with pytest.raises(ValueError, match="non-empty list of hits"):
        plot_filter_ngrams({"filter 1": []})


def top_like(ngrams):
    return [NgramHit(tuple(t), 1.0 / (i + 1), 0, i) for i, t in enumerate(ngrams)]
