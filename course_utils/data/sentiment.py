r"""The shipped review sentences (Kotzias et al., KDD 2015): reader and fixed split.

Introduced in ``15_cnns_beyond_images.ipynb``. Three files of 1,000 sentences each, one
``sentence<TAB>label`` per line, from three websites: amazon (phones), imdb (films) and yelp
(restaurants). The imdb file holds a few C1 control characters where the authors' Windows-1252
text had punctuation: U+0096 and U+0097 (dashes) and, in two sentences, U+0085 ("next line",
NEL, an ellipsis). ``str.splitlines()`` and the readers built on it treat NEL as a line break
and cut each of those two sentences in two (1,002 lines instead of 1,000).
:func:`read_labelled_sentences` splits on ``"\\n"`` only and puts the punctuation back.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import torch

from course_utils.data.manifest import verified_path
from course_utils.data.splits import stratified_split
from course_utils.data.textset import TextSet
from course_utils.validation import InputError, check_file

SENTIMENT_FOLDER = "sentiment-sentences"
SENTIMENT_FILES = {
    "amazon": "amazon_cells_labelled.txt",
    "imdb": "imdb_labelled.txt",
    "yelp": "yelp_labelled.txt",
}
SENTIMENT_SOURCES = tuple(SENTIMENT_FILES)
SENTIMENT_CLASSES = ("negative", "positive")
SENTIMENT_TEST_FRACTION = 0.2
SPLIT_SEED = 0
C1_CONTROLS = re.compile("[\x80-\x9f]")
"""Code points that Windows-1252 uses for punctuation (0x85 ellipsis, 0x96 en dash...)."""


def _windows_1252(match: re.Match) -> str:
    return match.group().encode("latin-1").decode("cp1252", errors="replace")


def read_labelled_sentences(path: str | Path) -> tuple[list[str], list[int]]:
    r"""Read a ``sentence<TAB>label`` file: one sentence per ``"\\n"``-terminated line.

    Parameters
    ----------
    path : str or Path
        A UTF-8 file; labels are ``0`` (negative) or ``1`` (positive). Blank lines are skipped.

    Returns
    -------
    sentences : list of str
        Stripped of surrounding spaces; a C1 control character (U+0080 to U+009F) becomes the
        Windows-1252 punctuation it stood for (U+0085 an ellipsis, U+0096 an en dash...).
    labels : list of int

    Raises
    ------
    ValueError
        For a line without a tab-separated 0/1 label (the message gives the line number).
    """
    path = check_file(path, "path")
    sentences, labels = [], []
    # split("\n"), not splitlines(): the latter also breaks at U+0085 inside two imdb sentences
    for number, line in enumerate(path.read_bytes().decode("utf-8").split("\n"), start=1):
        if not line.strip():
            continue
        sentence, tab, label = line.rstrip("\r").rpartition("\t")
        if not tab or label.strip() not in ("0", "1") or not sentence.strip():
            raise InputError(
                f"{path}, line {number}: expected 'sentence<TAB>0' or 'sentence<TAB>1', got "
                f"{line[:80]!r}. Restore the file from the course repository."
            )
        sentences.append(C1_CONTROLS.sub(_windows_1252, sentence).strip())
        labels.append(int(label))
    return sentences, labels


def load_sentiment(split: str) -> TextSet:
    """The 3,000 review sentences, split 80/20 into train and test by source and label.

    Parameters
    ----------
    split : {"train", "test"}
        A fixed split, stratified so that each of the 6 (source, label) groups of 500 gives 400
        sentences to ``"train"`` (2,400 in all) and 100 to ``"test"`` (600).

    Returns
    -------
    TextSet
        ``labels`` 0 negative / 1 positive; ``extras["source"]`` ``(N,)`` int64 indexes
        ``meta["sources"]`` (``("amazon", "imdb", "yelp")``).
    """
    if split not in ("train", "test"):
        raise InputError(f"the sentiment sentences have splits 'train' and 'test', got {split!r}.")
    texts, labels, sources = [], [], []
    for index, file in enumerate(SENTIMENT_FILES.values()):
        sentences, marks = read_labelled_sentences(verified_path(f"{SENTIMENT_FOLDER}/{file}"))
        texts += sentences
        labels += marks
        sources += [index] * len(sentences)
    y, source = np.array(labels), np.array(sources)
    train_idx, test_idx = stratified_split(2 * source + y, SENTIMENT_TEST_FRACTION, SPLIT_SEED)
    keep = (train_idx if split == "train" else test_idx).tolist()
    return TextSet(
        tuple(texts[i] for i in keep), torch.from_numpy(y[keep]).long(), SENTIMENT_CLASSES,
        "sentiment", split, extras={"source": torch.from_numpy(source[keep]).long()},
        meta={"sources": SENTIMENT_SOURCES},
    )
