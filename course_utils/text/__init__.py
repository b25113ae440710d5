"""Text for a convolutional network: tokens, a vocabulary, padded id tensors, filter n-grams.

Introduced in ``15_cnns_beyond_images.ipynb``, one concept per module:

- ``tokenizer``: :func:`tokenize`, a sentence into lower-case word and punctuation tokens;
- ``vocabulary``: :class:`Vocabulary`, built from the training split only, with padding and
  unknown tokens; :meth:`Vocabulary.encode` turns sentences into a padded ``(N, L)`` int64
  tensor;
- ``ngrams``: :func:`top_ngrams`, the training n-grams that excite a convolution filter most.

The network itself is :class:`course_utils.models.TextCNN`.
"""

from course_utils.text.ngrams import NgramHit, top_ngrams
from course_utils.text.tokenizer import tokenize
from course_utils.text.vocabulary import PAD, UNK, Vocabulary
