"""A sweep of bad inputs over the public API: every call must be refused in the course's words.

Each row is a call a learner could make by mistake (wrong shape, dtype, range, NaN, an empty
input, a wrong type, an absurd hyper-parameter), the error type it must raise
(:class:`course_utils.validation.InputError` unless said otherwise) and a word its message must
contain (usually the argument's name). The sweep fails on silent acceptance, on a message without
the word, and on an error raised from inside torch, NumPy or Python with no course message,
except the calls listed in ``LIBRARY_MESSAGE_OK`` (the library's own message already names the
argument and the fix).

Run ``python tests/test_bad_inputs.py`` to print the counts by outcome (clear course error, raw
library error, misleading message, silent acceptance) for the code on ``sys.path``. Measured for
issue 18 with this table of 453 calls: before the checks (55a91ae) 272 clear, 87 raw library
errors, 6 misleading, 88 silent; after, 453 clear. Issue 30 added a row for each class of bad
input a later sweep found (empty batches, models without parameters, unknown History metrics,
plots given NumPy or empty dicts, checkpoint paths that cannot be created, ragged lists, tiny
images, vector-valued gradient checks, zero-sized images) and the four-way sweep at the end:
every tensor helper given an empty batch, a NumPy array, a wrong rank and a NaN, each refused
or accepted with a documented, tested behaviour (``SWEEP_ACCEPTED``).
"""

from __future__ import annotations

import io
import math
import traceback
from dataclasses import dataclass
from typing import Callable

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402
from torch import nn  # noqa: E402

from course_utils import (  # noqa: E402  # noqa: E402
    attacks,
    augment,
    corruptions,
    data,
    explain,
    explorers,  # noqa: E402
    layers,
    metrics,
    models,
    plots,
    pretrained,
    text,
    train,
)
from course_utils.data import folder, photos  # noqa: E402
from course_utils.quality import folder_audit  # noqa: E402
from course_utils.search import best_so_far, successive_halving  # noqa: E402
from course_utils.validation import InputError  # noqa: E402

pytestmark = pytest.mark.usefixtures("one_thread")

# --- small inputs every row can use ----------------------------------------------------------

torch.manual_seed(0)
IMG = torch.rand(8, 1, 28, 28)                       # float images in [0, 1]
U8 = (IMG * 255).round().to(torch.uint8)            # the same as 0..255 pixels
LAB = torch.arange(8) % 4                            # labels 0..3
RGB = torch.rand(2, 3, 32, 32)
RGB8 = (RGB * 255).to(torch.uint8)
GRAY = torch.rand(1, 16, 16)                         # one (C, H, W) image
NAN_IMG = IMG.clone()
NAN_IMG[0, 0, 0, 0] = math.nan
DIGITS = tuple(str(d) for d in range(10))
SET = data.ImageSet(U8, LAB, DIGITS, "toy", "train")
TEXTS = data.TextSet(("a good film", "a bad film", "fine", "awful"), torch.tensor([1, 0, 1, 0]),
                     ("neg", "pos"), "toy", "train")
VOCAB = text.Vocabulary.build(TEXTS)
X4 = torch.rand(2, 3, 8, 8)                          # a small batch for the layers
W33 = torch.rand(4, 3, 3, 3)                         # a conv weight (F, C, k, k)
W64 = torch.rand(3, dtype=torch.float64)             # a parameter for the gradient checks


def small_cnn(num_classes: int = 10) -> nn.Module:
    torch.manual_seed(0)
    return models.MnistCNN(channels=(4,), num_classes=num_classes).eval()


MODEL = small_cnn()
TEXT_MODEL = models.TextCNN(len(VOCAB), widths=(2,), filters=2, embed_dim=4).eval()
PROBS = torch.softmax(torch.randn(8, 4), 1)
PET = data.pet_files()[0]


def fit_quiet(model=None, train_data=None, **options):
    """``fit`` for one tiny epoch without a progress bar."""
    options = {"epochs": 1, "batch_size": 4, "progress": False, "device": "cpu", **options}
    return train.fit(model if model is not None else small_cnn(),
                     train_data if train_data is not None else (IMG, LAB), **options)


def photo_bytes() -> bytes:
    buffer = io.BytesIO()
    from PIL import Image

    Image.new("RGB", (20, 20), (200, 10, 10)).save(buffer, format="PNG")
    return buffer.getvalue()


def a_history(epochs: int = 2) -> train.History:
    history = train.History()
    for e in range(1, epochs + 1):
        history.append(epoch=e, train_loss=1.0 / e, train_acc=0.5, val_loss=1.0, val_acc=0.5,
                       lr=0.1, seconds=float(e), images_per_s=100.0)
    return history


def not_a_checkpoint(tmp: str = "/tmp/course_bad_inputs_not_a_checkpoint.pt") -> str:
    with open(tmp, "w") as handle:
        handle.write("just text")
    return tmp


# --- the table -------------------------------------------------------------------------------

@dataclass
class Case:
    id: str
    call: Callable[[], object]
    word: str
    error: type[BaseException] = InputError


C = Case
CASES: list[Case] = [
    # data: ImageSet, TextSet, the registry and the readers
    C("ImageSet-label-10-of-10-classes",
      lambda: data.ImageSet(U8, torch.tensor([0, 1, 2, 10, 0, 1, 2, 3]), DIGITS, "t", "train"),
      "labels"),
    C("ImageSet-float-labels", lambda: data.ImageSet(U8, LAB.float(), DIGITS, "t", "train"),
      "labels"),
    C("ImageSet-negative-label", lambda: data.ImageSet(U8, LAB - 1, DIGITS, "t", "train"),
      "labels"),
    C("ImageSet-labels-beyond-classes", lambda: data.ImageSet(U8, LAB, ("a", "b"), "t", "train"),
      "labels"),
    C("ImageSet-float-images", lambda: data.ImageSet(IMG, LAB, DIGITS, "t", "train"), "images"),
    C("ImageSet-3d-images", lambda: data.ImageSet(U8[:, 0], LAB, DIGITS, "t", "train"), "images"),
    C("ImageSet-short-labels", lambda: data.ImageSet(U8, LAB[:3], DIGITS, "t", "train"), "labels"),
    C("ImageSet-2d-labels", lambda: data.ImageSet(U8, LAB[:, None], DIGITS, "t", "train"),
      "labels"),
    C("ImageSet-extras-length",
      lambda: data.ImageSet(U8, LAB, DIGITS, "t", "train", extras={"file": ("a",)}), "extras"),
    C("ImageSet-transform-not-callable",
      lambda: data.ImageSet(U8, LAB, DIGITS, "t", "train", transform="flip"), "transform"),
    C("ImageSet-classes-str", lambda: data.ImageSet(U8, LAB, "0123", "t", "train"), "classes"),
    C("ImageSet-images-list", lambda: data.ImageSet([1, 2, 3], LAB, DIGITS, "t", "train"),
      "images"),
    C("ImageSet-channels-last-numpy",
      lambda: data.ImageSet(U8.permute(0, 2, 3, 1).numpy(), LAB, DIGITS, "t", "train"), "permute"),
    C("subset-float-indices", lambda: SET.subset([0.5, 1.5]), "indices"),
    C("subset-out-of-range", lambda: SET.subset([0, 100]), "indices"),
    C("subset-single-int", lambda: SET.subset(3), "indices"),
    C("subset-string", lambda: SET.subset("0,1"), "indices"),
    C("subset-2d", lambda: SET.subset(torch.tensor([[0, 1]])), "indices"),
    C("subset-mask-wrong-length", lambda: SET.subset(torch.tensor([True, False])), "mask"),
    C("subset-split-not-str", lambda: SET.subset([0, 1], split=3), "split"),
    C("TextSet-subset-float", lambda: TEXTS.subset([0.5]), "indices"),
    C("TextSet-subset-out-of-range", lambda: TEXTS.subset([9]), "indices"),
    C("TextSet-label-beyond-classes",
      lambda: data.TextSet(("a", "b"), torch.tensor([0, 5]), ("neg", "pos"), "t", "train"),
      "labels"),
    C("TextSet-texts-list",
      lambda: data.TextSet(["a", "b"], torch.tensor([0, 1]), ("neg", "pos"), "t", "train"),
      "texts"),
    C("TextSet-float-labels",
      lambda: data.TextSet(("a",), torch.tensor([0.0]), ("neg", "pos"), "t", "train"), "labels"),
    C("TextSet-short-labels",
      lambda: data.TextSet(("a", "b"), torch.tensor([0]), ("neg", "pos"), "t", "train"), "labels"),
    C("load_dataset-unknown", lambda: data.load_dataset("cifar"), "cifar"),
    C("load_dataset-name-int", lambda: data.load_dataset(3), "dataset"),
    C("load_dataset-unknown-split", lambda: data.load_dataset("mnist", "validation"), "split"),
    C("load_dataset-split-int", lambda: data.load_dataset("mnist", 1), "split"),
    C("load_dataset-pets-size-0", lambda: data.load_dataset("pets", size=0), "size"),
    C("load_dataset-pets-size-float", lambda: data.load_dataset("pets", size=224.0), "size"),
    C("load_dataset-mnist-unknown-option", lambda: data.load_dataset("mnist", size=32), "size"),
    C("read_photo-size-0", lambda: data.read_photo(PET, size=0), "size"),
    C("read_photo-size-negative", lambda: data.read_photo(PET, size=-5), "size"),
    C("read_photo-size-float", lambda: data.read_photo(PET, size=2.5), "size"),
    C("read_photo-size-huge", lambda: data.read_photo(PET, size=5000), "size"),
    C("read_photo-unknown-file", lambda: data.read_photo("oxford-pets-370/cats/nope.jpg"),
      "nope.jpg"),
    C("read_photo-path-int", lambda: data.read_photo(123), "relative"),
    # data.folder: a learner's own folder (the folder cases are in tests/test_folder.py)
    C("load_image_folder-root-int", lambda: folder.load_image_folder(3), "root"),
    C("load_image_folder-size-0",
      lambda: folder.load_image_folder(folder.example_folder(), size=0), "size"),
    C("load_image_folder-min-per-class-2",
      lambda: folder.load_image_folder(folder.example_folder(), min_per_class=2),
      "min_per_class"),
    C("decode_image-size-float", lambda: folder.decode_image(b"x", 2.5), "size"),
    C("split_three_ways-float-labels", lambda: folder.split_three_ways(LAB.float()), "labels"),
    C("split_three_ways-no-training-left",
      lambda: folder.split_three_ways(LAB, validation=0.5, test=0.5), "training"),
    C("split_three_ways-test-1", lambda: folder.split_three_ways(LAB, test=1.0), "test"),
    C("audit_folder-plain-imageset", lambda: folder_audit.audit_folder(SET), "load_image_folder"),
    C("sample_photo-unknown", lambda: data.sample_photo("dog"), "dog"),
    C("sample_photo-int", lambda: data.sample_photo(3), "photo"),
    C("stratified_split-float-labels", lambda: data.stratified_split(LAB.float(), 0.5), "labels"),
    C("stratified_split-2d-labels", lambda: data.stratified_split(LAB[:, None], 0.5), "labels"),
    C("stratified_split-empty",
      lambda: data.stratified_split(torch.zeros(0, dtype=torch.long), 0.5), "labels"),
    C("stratified_split-fraction-0", lambda: data.stratified_split(LAB, 0.0), "test_fraction"),
    C("stratified_split-fraction-1.5", lambda: data.stratified_split(LAB, 1.5), "test_fraction"),
    C("stratified_split-fraction-nan", lambda: data.stratified_split(LAB, math.nan),
      "test_fraction"),
    C("stratified_split-fraction-str", lambda: data.stratified_split(LAB, "0.2"), "test_fraction"),
    C("stratified_split-seed-negative", lambda: data.stratified_split(LAB, 0.5, seed=-1), "seed"),
    C("stratified_split-seed-float", lambda: data.stratified_split(LAB, 0.5, seed=1.5), "seed"),
    C("verified_path-unknown", lambda: data.verified_path("mnist/nope.gz"), "nope.gz"),
    C("verified_path-int", lambda: data.verified_path(5), "listed"),
    C("read_labelled_sentences-missing",
      lambda: data.read_labelled_sentences("/tmp/no_such_sentences.txt"), "no_such_sentences"),
    C("load_full_dataset-unknown", lambda: data.load_full_dataset("imagenet"), "imagenet"),
    C("load_full_dataset-split", lambda: data.load_full_dataset("mnist", "val"), "split"),

    # layers: the from-scratch building blocks
    C("conv2d-3d-input", lambda: layers.conv2d(X4[0], W33), "x"),
    C("conv2d-int-input", lambda: layers.conv2d(X4.long(), W33), "x"),
    C("conv2d-numpy-input", lambda: layers.conv2d(X4.numpy(), W33), "torch"),
    C("conv2d-stride-0", lambda: layers.conv2d(X4, W33, stride=0), "stride"),
    C("conv2d-stride-float", lambda: layers.conv2d(X4, W33, stride=1.5), "stride"),
    C("conv2d-padding-negative", lambda: layers.conv2d(X4, W33, padding=-1), "padding"),
    C("conv2d-dilation-0", lambda: layers.conv2d(X4, W33, dilation=0), "dilation"),
    C("conv2d-channel-mismatch", lambda: layers.conv2d(X4, torch.rand(4, 2, 3, 3)), "channels"),
    C("conv2d-kernel-not-square", lambda: layers.conv2d(X4, torch.rand(4, 3, 3, 5)), "square"),
    C("conv2d-kernel-too-big", lambda: layers.conv2d(X4, torch.rand(4, 3, 9, 9)), "kernel"),
    C("conv2d-bias-shape", lambda: layers.conv2d(X4, W33, bias=torch.rand(3)), "bias"),
    C("conv2d-weight-3d", lambda: layers.conv2d(X4, W33[0]), "weight"),
    C("conv2d_loops-stride-0", lambda: layers.conv2d_loops(X4, W33, stride=0), "stride"),
    C("conv2d_forward-padding-float", lambda: layers.conv2d_forward(X4, W33, padding=0.5),
      "padding"),
    C("conv2d_backward-cache-not-dict",
      lambda: layers.conv2d_backward(torch.rand(2, 4, 6, 6), "cache"), "cache"),
    C("conv2d_backward-dout-shape",
      lambda: layers.conv2d_backward(torch.rand(2, 4, 5, 5), layers.conv2d_forward(X4, W33)[1]),
      "dout"),
    C("conv_output_size-k-0", lambda: layers.conv_output_size(28, 0), "k"),
    C("conv_output_size-stride-0", lambda: layers.conv_output_size(28, 3, stride=0), "stride"),
    C("conv_output_size-kernel-bigger", lambda: layers.conv_output_size(3, 5), "k"),
    C("conv_output_size-n-float", lambda: layers.conv_output_size(28.5, 3), "n"),
    C("conv_output_size-padding-negative", lambda: layers.conv_output_size(28, 3, padding=-1),
      "padding"),
    C("pool2d-kernel-0", lambda: layers.pool2d(X4, kernel_size=0), "kernel_size"),
    C("pool2d-mode", lambda: layers.pool2d(X4, mode="median"), "mode"),
    C("pool2d-3d", lambda: layers.pool2d(X4[0]), "x"),
    C("pool2d-kernel-bigger", lambda: layers.pool2d(X4, kernel_size=9), "kernel"),
    C("pool2d-stride-0", lambda: layers.pool2d(X4, stride=0), "stride"),
    C("maxpool2d_forward-int", lambda: layers.maxpool2d_forward(X4.long()), "x"),
    C("maxpool2d_backward-cache", lambda: layers.maxpool2d_backward(torch.rand(2, 3, 4, 4), {}),
      "cache"),
    C("linear_forward-mismatch", lambda: layers.linear_forward(torch.rand(2, 5), torch.rand(4, 3)),
      "weight"),
    C("linear_forward-1d", lambda: layers.linear_forward(torch.rand(5), torch.rand(3, 5)), "x"),
    C("linear_forward-bias-shape",
      lambda: layers.linear_forward(torch.rand(2, 5), torch.rand(3, 5), torch.rand(4)), "bias"),
    C("linear_backward-dout-shape",
      lambda: layers.linear_backward(torch.rand(2, 4),
                                     layers.linear_forward(torch.rand(2, 5), torch.rand(3, 5))[1]),
      "dout"),
    C("flatten-1d", lambda: layers.flatten(torch.rand(5)), "x"),
    C("flatten-list", lambda: layers.flatten([1, 2]), "x"),
    C("relu-list", lambda: layers.relu([1.0, -1.0]), "x"),
    C("relu-int", lambda: layers.relu(torch.tensor([1, -1])), "x"),
    C("sigmoid-str", lambda: layers.sigmoid("x"), "x"),
    C("tanh-int", lambda: layers.tanh(torch.tensor([1, 2])), "x"),
    C("leaky_relu-slope-str", lambda: layers.leaky_relu(torch.rand(3), slope="a"), "slope"),
    C("leaky_relu-slope-nan", lambda: layers.leaky_relu(torch.rand(3), slope=math.nan), "slope"),
    C("relu_backward-shape", lambda: layers.relu_backward(torch.rand(3), torch.rand(4)), "dout"),
    C("softmax-int", lambda: layers.softmax(torch.tensor([1, 2])), "logits"),
    C("softmax-dim", lambda: layers.softmax(torch.rand(2, 3), dim=5), "dim"),
    C("softmax_ce-float-labels",
      lambda: layers.softmax_cross_entropy_forward(torch.rand(2, 3), torch.tensor([0.0, 1.0])),
      "labels"),
    C("softmax_ce-label-range",
      lambda: layers.softmax_cross_entropy_forward(torch.rand(2, 3), torch.tensor([0, 3])),
      "labels"),
    C("softmax_ce-label-length",
      lambda: layers.softmax_cross_entropy_forward(torch.rand(2, 3), torch.tensor([0])), "labels"),
    C("softmax_ce-negative-label",
      lambda: layers.softmax_cross_entropy_forward(torch.rand(2, 3), torch.tensor([0, -1])),
      "labels"),
    C("receptive_field-empty", lambda: layers.receptive_field([]), "layers"),
    C("receptive_field-stride-0", lambda: layers.receptive_field([(3, 0)]), "stride"),
    C("receptive_field-short-tuple", lambda: layers.receptive_field([(3,)]), "layer"),
    C("numerical_gradient-int",
      lambda: layers.numerical_gradient(lambda: torch.tensor(0.0), torch.tensor([1, 2])), "x"),
    C("numerical_gradient-eps-0",
      lambda: layers.numerical_gradient(lambda: torch.tensor(0.0),
                                        torch.rand(2, dtype=torch.float64), eps=0), "eps"),
    C("numerical_gradient-f-not-callable", lambda: layers.numerical_gradient(3, torch.rand(2)),
      "f"),
    C("relative_error-shapes", lambda: layers.relative_error(torch.rand(3), torch.rand(4)),
      "shape"),
    C("gradient_check-missing-grad",
      lambda: layers.gradient_check(lambda: torch.tensor(0.0), {"w": torch.rand(2)}, {}), "grads"),

    # models
    C("MnistCNN-num_classes-0", lambda: models.MnistCNN(num_classes=0), "num_classes"),
    C("MnistCNN-num_classes-float", lambda: models.MnistCNN(num_classes=2.5), "num_classes"),
    C("MnistCNN-in_channels-0", lambda: models.MnistCNN(in_channels=0), "in_channels"),
    C("MnistCNN-channels-empty", lambda: models.MnistCNN(channels=()), "channels"),
    C("MnistCNN-channels-zero", lambda: models.MnistCNN(channels=(0,)), "channels"),
    C("MnistCNN-dropout-1.5", lambda: models.MnistCNN(dropout=1.5), "dropout"),
    C("MnistCNN-dropout-negative", lambda: models.MnistCNN(dropout=-0.1), "dropout"),
    C("MnistCNN-hidden-negative", lambda: models.MnistCNN(hidden=-1), "hidden"),
    C("MnistCNN-forward-32px", lambda: MODEL(torch.rand(2, 1, 32, 32)), "28"),
    C("MnistCNN-forward-uint8", lambda: MODEL(U8), "float"),
    C("MnistCNN-forward-3d", lambda: MODEL(IMG[0]), "unsqueeze"),
    C("MnistCNN-forward-numpy", lambda: MODEL(IMG.numpy()), "torch"),
    C("MnistCNN-forward-rgb", lambda: MODEL(torch.rand(2, 3, 28, 28)), "in_channels"),
    C("ResNet-stem_stride-0", lambda: models.ResNet(stem_stride=0), "stem_stride"),
    C("ResNet-num_classes-0", lambda: models.ResNet(num_classes=0), "num_classes"),
    C("ResNet-stage-mismatch", lambda: models.ResNet(blocks_per_stage=(2, 2), widths=(16,)),
      "widths"),
    C("ResNet-width-0", lambda: models.ResNet(widths=(0, 32, 64)), "widths"),
    C("ResNet-empty", lambda: models.ResNet(blocks_per_stage=(), widths=()), "empty"),
    C("DenseNet-growth-0", lambda: models.DenseNet(growth=0), "growth"),
    C("DenseNet-stem_stride-0", lambda: models.DenseNet(stem_stride=0), "stem_stride"),
    C("DenseNet-blocks-empty", lambda: models.DenseNet(blocks=()), "blocks"),
    C("DenseNet-num_classes-0", lambda: models.DenseNet(num_classes=0), "num_classes"),
    C("LeNet5-num_classes-0", lambda: models.LeNet5(num_classes=0), "num_classes"),
    C("LeNet5-in_channels-0", lambda: models.LeNet5(in_channels=0), "in_channels"),
    C("LeNet5-forward-32px", lambda: models.LeNet5()(torch.rand(1, 1, 32, 32)), "28"),
    C("SmallVGG-convs-0", lambda: models.SmallVGG(convs_per_stage=0), "convs_per_stage"),
    C("SmallVGG-widths-empty", lambda: models.SmallVGG(widths=()), "widths"),
    C("SmallVGG-num_classes-negative", lambda: models.SmallVGG(num_classes=-1), "num_classes"),
    C("MobileNet-stride-0", lambda: models.MobileNet(strides=(1, 0, 1, 2, 1)), "stride"),
    C("MobileNet-length-mismatch", lambda: models.MobileNet(widths=(32,), strides=(1, 2)),
      "strides"),
    C("MobileNet-stem-0", lambda: models.MobileNet(stem=0), "stem"),
    C("TextCNN-vocab-1", lambda: models.TextCNN(1), "vocab_size"),
    C("TextCNN-dropout-2", lambda: models.TextCNN(10, dropout=2.0), "dropout"),
    C("TextCNN-widths-0", lambda: models.TextCNN(10, widths=(0,)), "widths"),
    C("TextCNN-pad-id", lambda: models.TextCNN(10, pad_id=10), "pad_id"),
    C("TextCNN-forward-float", lambda: TEXT_MODEL(torch.rand(2, 5)), "token ids"),
    C("TextCNN-forward-out-of-vocab", lambda: TEXT_MODEL(torch.tensor([[1, 999]])), "vocab"),
    C("Normalize-std-0", lambda: models.Normalize([0.5], [0.0]), "std"),
    C("Normalize-lengths", lambda: models.Normalize([0.5], [0.2, 0.3]), "std"),
    C("Normalize-std-nan", lambda: models.Normalize([0.5], [math.nan]), "std"),
    C("Normalize-forward-channels", lambda: models.Normalize([0.5], [0.2])(torch.rand(1, 3, 4, 4)),
      "channel"),
    C("conv_bn_relu-c_in-0", lambda: models.conv_bn_relu(0, 16), "c_in"),
    C("conv_bn_relu-kernel-0", lambda: models.conv_bn_relu(16, 16, kernel=0), "kernel"),
    C("conv_bn_relu-kernel-even", lambda: models.conv_bn_relu(16, 16, kernel=4), "kernel"),
    C("depthwise_separable-stride-0", lambda: models.depthwise_separable(16, 32, stride=0),
      "stride"),
    C("BasicBlock-stride-0", lambda: models.BasicBlock(16, 16, stride=0), "stride"),
    C("BasicBlock-c_out-0", lambda: models.BasicBlock(16, 0), "c_out"),
    C("DenseBlock-layers-negative", lambda: models.DenseBlock(16, layers=-1), "layers"),
    C("check_input-numpy", lambda: models.check_input(IMG.numpy(), MODEL), "torch"),
    C("count_macs-2d-shape", lambda: models.count_macs(MODEL, (28, 28)), "input_shape"),
    C("count_macs-not-model", lambda: models.count_macs("model", (1, 28, 28)), "model"),
    C("count_parameters-not-model", lambda: models.count_parameters("model"), "model"),
    C("cpu_latency_ms-repeats-0", lambda: models.cpu_latency_ms(MODEL, (1, 28, 28), repeats=0),
      "repeats"),
    C("cpu_latency_ms-threads-0", lambda: models.cpu_latency_ms(MODEL, (1, 28, 28), threads=0),
      "threads"),

    # train: fit and its helpers
    C("fit-nan-images", lambda: fit_quiet(train_data=(NAN_IMG, LAB)), "NaN"),
    C("fit-lr-inf", lambda: fit_quiet(lr=math.inf), "lr"),
    C("fit-lr-nan", lambda: fit_quiet(lr=math.nan), "lr"),
    C("fit-lr-0", lambda: fit_quiet(lr=0.0), "lr"),
    C("fit-lr-negative", lambda: fit_quiet(lr=-0.1), "lr"),
    C("fit-lr-str", lambda: fit_quiet(lr="0.1"), "lr"),
    C("fit-resume-without-checkpoint", lambda: fit_quiet(resume=True), "checkpoint"),
    C("fit-patience-0", lambda: fit_quiet(patience=0), "patience"),
    C("fit-patience-negative", lambda: fit_quiet(patience=-1), "patience"),
    C("fit-patience-float", lambda: fit_quiet(patience=1.5), "patience"),
    C("fit-epochs-0", lambda: fit_quiet(epochs=0), "epochs"),
    C("fit-epochs-float", lambda: fit_quiet(epochs=2.0), "epochs"),
    C("fit-batch_size-0", lambda: fit_quiet(batch_size=0), "batch_size"),
    C("fit-batch_size-float", lambda: fit_quiet(batch_size=2.5), "batch_size"),
    C("fit-batch_size-str", lambda: fit_quiet(batch_size="64"), "batch_size"),
    C("fit-optimizer-unknown", lambda: fit_quiet(optimizer="nadam"), "optimizer"),
    C("fit-schedule-unknown", lambda: fit_quiet(schedule="step"), "schedule"),
    C("fit-weight_decay-negative", lambda: fit_quiet(weight_decay=-1.0), "weight_decay"),
    C("fit-monitor-unknown", lambda: fit_quiet(monitor="accuracy"), "monitor"),
    C("fit-seed-str", lambda: fit_quiet(seed="a"), "seed"),
    C("fit-seed-float", lambda: fit_quiet(seed=1.5), "seed"),
    C("fit-device-unknown", lambda: fit_quiet(device="gpu"), "device"),
    C("fit-mixed-precision-cpu", lambda: fit_quiet(mixed_precision=True), "mixed_precision"),
    C("fit-eval_batch_size-0", lambda: fit_quiet(val=(IMG, LAB), eval_batch_size=0),
      "eval_batch_size"),
    C("fit-on_epoch_end-not-callable", lambda: fit_quiet(on_epoch_end="stop"), "on_epoch_end"),
    C("fit-batch_transform-not-callable", lambda: fit_quiet(batch_transform="shift"),
      "batch_transform"),
    C("fit-checkpoint-int", lambda: fit_quiet(checkpoint=123), "checkpoint"),
    C("fit-checkpoint-folder", lambda: fit_quiet(checkpoint="/tmp"), "checkpoint"),
    C("fit-train-str", lambda: fit_quiet(train_data="mnist"), "train"),
    C("fit-train-label-length", lambda: fit_quiet(train_data=(IMG, LAB[:3])), "labels"),
    C("fit-train-float-labels", lambda: fit_quiet(train_data=(IMG, LAB.float())), "labels"),
    C("fit-train-3d-images", lambda: fit_quiet(train_data=(IMG[:, 0], LAB)), "unsqueeze"),
    C("fit-train-labels-beyond-outputs", lambda: fit_quiet(train_data=(IMG, LAB + 20)),
      "num_classes"),
    C("fit-train-wrong-channels", lambda: fit_quiet(train_data=(torch.rand(8, 3, 28, 28), LAB)),
      "in_channels"),
    C("fit-train-empty", lambda: fit_quiet(train_data=(IMG[:0], LAB[:0])), "empty"),
    C("fit-train-int32-images", lambda: fit_quiet(train_data=(U8.int(), LAB)), "images"),
    C("fit-train-negative-labels", lambda: fit_quiet(train_data=(IMG, LAB - 1)), "labels"),
    C("fit-val-label-length", lambda: fit_quiet(val=(IMG, LAB[:2])), "labels"),
    C("fit-val-str", lambda: fit_quiet(val="test"), "val"),
    C("fit-val-nan", lambda: fit_quiet(val=(NAN_IMG, LAB)), "NaN"),
    C("fit-model-str", lambda: train.fit("net", (IMG, LAB), epochs=1, progress=False), "model"),
    C("fit-empty-loader", lambda: fit_quiet(train_data=torch.utils.data.DataLoader([])), "empty"),
    C("evaluate-label-length", lambda: train.evaluate(MODEL, (IMG, LAB[:2])), "labels"),
    C("evaluate-batch_size-0", lambda: train.evaluate(MODEL, (IMG, LAB), batch_size=0),
      "batch_size"),
    C("evaluate-model-str", lambda: train.evaluate("model", (IMG, LAB)), "model"),
    C("evaluate-labels-beyond-outputs", lambda: train.evaluate(MODEL, (IMG, LAB + 20)), "labels"),
    C("evaluate-nan-images", lambda: train.evaluate(MODEL, (NAN_IMG, LAB)), "NaN"),
    C("evaluate-data-str", lambda: train.evaluate(MODEL, "test"), "data"),
    C("predict_logits-batch_size-0", lambda: train.predict_logits(MODEL, IMG, batch_size=0),
      "batch_size"),
    C("predict_logits-str", lambda: train.predict_logits(MODEL, "images"), "images"),
    C("predict_logits-uint8", lambda: train.predict_logits(MODEL, U8), "float"),
    C("predict_logits-empty", lambda: train.predict_logits(MODEL, IMG[:0]), "empty"),
    C("learning_rate-negative-max", lambda: train.learning_rate(5, 10, -0.1), "max_lr"),
    C("learning_rate-nan-max", lambda: train.learning_rate(5, 10, math.nan), "max_lr"),
    C("learning_rate-total-0", lambda: train.learning_rate(0, 0, 0.1), "total_steps"),
    C("learning_rate-step-negative", lambda: train.learning_rate(-1, 10, 0.1), "step"),
    C("learning_rate-step-beyond", lambda: train.learning_rate(20, 10, 0.1), "step"),
    C("learning_rate-warmup-1", lambda: train.learning_rate(9, 10, 0.1, warmup=1.0), "warmup"),
    C("learning_rate-warmup-negative", lambda: train.learning_rate(5, 10, 0.1, warmup=-0.5),
      "warmup"),
    C("learning_rate-schedule", lambda: train.learning_rate(5, 10, 0.1, "step"), "schedule"),
    C("learning_rate-step-float", lambda: train.learning_rate(2.5, 10, 0.1), "step"),
    C("make_optimizer-unknown", lambda: train.make_optimizer("nadam", MODEL.parameters(), 0.1),
      "optimizer"),
    C("make_optimizer-lr-inf", lambda: train.make_optimizer("adam", MODEL.parameters(), math.inf),
      "lr"),
    C("make_optimizer-lr-str", lambda: train.make_optimizer("adam", MODEL.parameters(), "0.1"),
      "lr"),
    C("make_optimizer-weight-decay-negative",
      lambda: train.make_optimizer("sgd", MODEL.parameters(), 0.1, weight_decay=-1.0),
      "weight_decay"),
    C("make_optimizer-no-parameters", lambda: train.make_optimizer("sgd", [], 0.1), "parameters"),
    C("make_optimizer-model-not-parameters", lambda: train.make_optimizer("sgd", MODEL, 0.1),
      "parameters"),
    C("lr_range_test-min-0",
      lambda: train.lr_range_test(small_cnn(), (IMG, LAB), min_lr=0.0, device="cpu"), "min_lr"),
    C("lr_range_test-steps-0",
      lambda: train.lr_range_test(small_cnn(), (IMG, LAB), steps=0, device="cpu"), "steps"),
    C("lr_range_test-max-inf",
      lambda: train.lr_range_test(small_cnn(), (IMG, LAB), max_lr=math.inf, steps=3, device="cpu"),
      "max_lr"),
    C("lr_range_test-smoothing-1",
      lambda: train.lr_range_test(small_cnn(), (IMG, LAB), smoothing=1.0, device="cpu"),
      "smoothing"),
    C("lr_range_test-batch_size-0",
      lambda: train.lr_range_test(small_cnn(), (IMG, LAB), batch_size=0, steps=3, device="cpu"),
      "batch_size"),
    C("lr_range_test-nan-images",
      lambda: train.lr_range_test(small_cnn(), (NAN_IMG, LAB), steps=3, device="cpu"), "NaN"),
    C("load_checkpoint-missing", lambda: train.load_checkpoint("/tmp/no_such_checkpoint.pt"),
      "no checkpoint", FileNotFoundError),
    C("load_checkpoint-not-a-checkpoint", lambda: train.load_checkpoint(not_a_checkpoint()),
      "checkpoint"),
    C("save_checkpoint-state-str",
      lambda: train.save_checkpoint("state", "/tmp/course_bad_inputs.pt"), "state"),
    C("save_checkpoint-path-folder", lambda: train.save_checkpoint({}, "/tmp"), "folder"),
    C("InMemoryBatches-batch_size-0",
      lambda: train.InMemoryBatches(IMG, LAB, 0, torch.Generator()), "batch_size"),
    C("InMemoryBatches-length-mismatch",
      lambda: train.InMemoryBatches(IMG, LAB[:2], 2, torch.Generator()), "labels"),
    C("as_tensors-label-length", lambda: train.as_tensors((IMG, LAB[:2])), "labels"),
    C("as_tensors-three-items", lambda: train.as_tensors((IMG, LAB, LAB)), "pair"),
    C("check_model_fits-labels-beyond", lambda: train.check_model_fits(MODEL, IMG, LAB + 20),
      "num_classes"),
    C("check_model_fits-wrong-size",
      lambda: train.check_model_fits(MODEL, torch.rand(2, 1, 32, 32), LAB[:2]), "28"),

    # augment
    C("random_shift-uint8", lambda: augment.random_shift(U8), "float"),
    C("random_shift-negative", lambda: augment.random_shift(IMG, max_shift=-1), "max_shift"),
    C("random_shift-float-shift", lambda: augment.random_shift(IMG, max_shift=1.5), "max_shift"),
    C("random_shift-3d", lambda: augment.random_shift(IMG[0]), "images"),
    C("random_shift-str", lambda: augment.random_shift("images"), "images"),
    C("random_shift-generator", lambda: augment.random_shift(IMG, generator=3), "generator"),
    C("random_affine-degrees-nan", lambda: augment.random_affine(IMG, degrees=math.nan),
      "degrees"),
    C("random_affine-degrees-str", lambda: augment.random_affine(IMG, degrees="10"), "degrees"),
    C("random_affine-scale-reversed", lambda: augment.random_affine(IMG, scale=(1.1, 0.9)),
      "scale"),
    C("random_affine-scale-number", lambda: augment.random_affine(IMG, scale=0.9), "scale"),
    C("random_affine-translate-nan", lambda: augment.random_affine(IMG, translate=math.nan),
      "translate"),
    C("random_affine-translate-2", lambda: augment.random_affine(IMG, translate=2.0), "translate"),
    C("random_affine-uint8", lambda: augment.random_affine(U8), "float"),
    C("random_gaussian_noise-std-negative", lambda: augment.random_gaussian_noise(IMG, std=-1.0),
      "std"),
    C("random_gaussian_noise-std-nan", lambda: augment.random_gaussian_noise(IMG, std=math.nan),
      "std"),
    C("random_gaussian_noise-0-255-images", lambda: augment.random_gaussian_noise(IMG * 255),
      "255"),
    C("random_gaussian_noise-nan-images", lambda: augment.random_gaussian_noise(NAN_IMG), "NaN"),
    C("images_only-not-callable", lambda: augment.images_only("shift"), "fn"),
    C("images_only-unknown-option", lambda: augment.images_only(augment.random_shift, shift=2),
      "shift"),

    # plots
    C("show_images-0-255-floats", lambda: plots.show_images(IMG * 255), "255"),
    C("show_images-normalised", lambda: plots.show_images(IMG * 2 - 1), "normalis"),
    C("show_images-nan", lambda: plots.show_images(NAN_IMG), "NaN"),
    C("show_images-3d-batch", lambda: plots.show_images(IMG[:, 0]), "unsqueeze"),
    C("show_images-2-channels", lambda: plots.show_images(torch.rand(2, 2, 8, 8)), "C = 1 or 3"),
    C("show_images-labels-length", lambda: plots.show_images(IMG, labels=[1, 2]), "labels"),
    C("show_images-preds-without-labels", lambda: plots.show_images(IMG, preds=LAB), "labels"),
    C("show_images-classes-too-few", lambda: plots.show_images(IMG, labels=LAB, classes=("a",)),
      "classes"),
    C("show_images-ncols-0", lambda: plots.show_images(IMG, ncols=0), "ncols"),
    C("show_images-size-0", lambda: plots.show_images(IMG, size=0), "size"),
    C("show_images-str", lambda: plots.show_images("abc"), "images"),
    C("show_images-empty", lambda: plots.show_images([]), "images"),
    C("show_images-channels-last", lambda: plots.show_images(U8.permute(0, 2, 3, 1).numpy()),
      "permute"),
    C("show_images-float-labels", lambda: plots.show_images(IMG, labels=LAB.float() + 0.5),
      "labels"),
    C("plot_class_counts-empty", lambda: plots.plot_class_counts({}), "counts"),
    C("plot_class_counts-list", lambda: plots.plot_class_counts([1, 2]), "counts"),
    C("plot_class_counts-negative", lambda: plots.plot_class_counts({"a": -1}), "counts"),
    C("plot_history-str", lambda: plots.plot_history("history"), "histories"),
    C("plot_history-empty-dict", lambda: plots.plot_history({}), "History"),
    C("plot_history-no-epochs", lambda: plots.plot_history(train.History()), "epoch"),
    C("plot_history-unknown-metric", lambda: plots.plot_history(a_history(), metrics=("f1",)),
      "metrics"),
    C("plot_lr_range-lengths", lambda: plots.plot_lr_range([1e-3], [1.0, 2.0]), "losses"),
    C("plot_lr_range-empty", lambda: plots.plot_lr_range([], []), "losses"),
    C("plot_lr_range-negative-lr", lambda: plots.plot_lr_range([0.1, -1.0], [1.0, 2.0]), "lrs"),
    C("plot_lr_range-suggestion-negative",
      lambda: plots.plot_lr_range([0.1, 1.0], [1.0, 2.0], suggestion=-1.0), "suggestion"),
    C("plot_heatmap-shape", lambda: plots.plot_heatmap(np.zeros((2, 3)), ["a"], ["b"]), "values"),
    C("plot_heatmap-str", lambda: plots.plot_heatmap("x", ["a"], ["b"]), "values"),
    C("plot_heatmap-fmt", lambda: plots.plot_heatmap(np.zeros((1, 1)), ["a"], ["b"], fmt="{:d}"),
      "fmt"),
    C("plot_top_predictions-k-0",
      lambda: plots.plot_top_predictions(GRAY, PROBS[0], ["a", "b", "c", "d"], k=0), "k"),
    C("plot_top_predictions-probs-length",
      lambda: plots.plot_top_predictions(GRAY, PROBS[0], ["a", "b"]), "probs"),
    C("plot_top_predictions-image-4d",
      lambda: plots.plot_top_predictions(IMG, PROBS[0], ["a", "b", "c", "d"], k=2), "image"),
    C("plot_top_predictions-0-255",
      lambda: plots.plot_top_predictions(GRAY * 255, PROBS[0], ["a", "b", "c", "d"], k=2), "255"),
    C("plot_filters-2d", lambda: plots.plot_filters(torch.rand(3, 3)), "weight"),
    C("plot_filters-ncols-0", lambda: plots.plot_filters(W33, ncols=0), "ncols"),
    C("plot_confident_mistakes-lengths",
      lambda: plots.plot_confident_mistakes(IMG, LAB[:3], PROBS, classes=("a", "b", "c", "d")),
      "labels"),
    C("plot_confident_mistakes-n-0",
      lambda: plots.plot_confident_mistakes(IMG, LAB, PROBS, classes=("a", "b", "c", "d"), n=0),
      "n"),
    C("plot_embedding-points-3d",
      lambda: plots.plot_embedding(torch.rand(8, 3), LAB, ("a", "b", "c", "d")), "points"),
    C("plot_embedding-labels-length",
      lambda: plots.plot_embedding(torch.rand(8, 2), LAB[:3], ("a", "b", "c", "d")), "labels"),
    C("plot_accuracy_bars-empty", lambda: plots.plot_accuracy_bars({}), "groups"),
    C("plot_accuracy_curves-lengths", lambda: plots.plot_accuracy_curves([10, 20], {"a": [0.5]}),
      "curve"),
    C("plot_tradeoffs-lengths",
      lambda: plots.plot_tradeoffs(["a", "b"], [0.9], [1.0, 2.0], [1.0, 2.0], [1.0, 2.0]),
      "accuracy"),
    C("plot_per_class_accuracy-lengths",
      lambda: plots.plot_per_class_accuracy(["a", "b"], [0.5], [0.4], [0.6]), "estimates"),
    C("plot_robustness_curves-lengths",
      lambda: plots.plot_robustness_curves([0.0, 0.1], {"a": [0.9]}), "curve"),
    C("plot_perturbations-shapes", lambda: plots.plot_perturbations(IMG[:2], IMG[:3]),
      "adversarial"),
    C("plot_ci_width-lengths", lambda: plots.plot_ci_width([10, 20], [0.1]), "widths"),
    C("plot_epoch_accuracies-empty", lambda: plots.plot_epoch_accuracies({}), "curves"),
    C("format_table-empty", lambda: plots.format_table({}), "rows"),
    C("format_table-digits-negative", lambda: plots.format_table({"a": {"x": 1.0}}, digits=-1),
      "digits"),

    # explorers
    C("KernelExplorer-stride-0", lambda: explorers.KernelExplorer(GRAY, stride=0), "stride"),
    C("KernelExplorer-preset-unknown", lambda: explorers.KernelExplorer(GRAY, preset="blur9"),
      "preset"),
    C("KernelExplorer-zoom-0", lambda: explorers.KernelExplorer(GRAY, zoom=0), "zoom"),
    C("KernelExplorer-image-4d", lambda: explorers.KernelExplorer(IMG), "image"),
    C("kernel_preset-even", lambda: explorers.kernel_preset("edge", k=4), "k"),
    C("kernel_preset-k-0", lambda: explorers.kernel_preset("edge", k=0), "k"),
    C("kernel_preset-unknown", lambda: explorers.kernel_preset("emboss9"), "emboss9"),
    C("show_kernel-image-4d", lambda: explorers.show_kernel(IMG), "image"),
    C("show_kernel-numpy-2-channels", lambda: explorers.show_kernel(np.random.rand(2, 16, 16)),
      "image"),
    C("show_kernel-kernel-not-square",
      lambda: explorers.show_kernel(GRAY, kernel=torch.ones(3, 5)), "square"),
    C("show_kernel-stride-0", lambda: explorers.show_kernel(GRAY, stride=0), "stride"),
    C("show_kernel-padding-negative", lambda: explorers.show_kernel(GRAY, padding=-1), "padding"),
    C("show_kernel-nan-image", lambda: explorers.show_kernel(GRAY * math.nan), "NaN"),
    C("show_pooling-kernel-5", lambda: explorers.show_pooling(GRAY, kernel_size=5), "kernel_size"),
    C("show_pooling-image-str", lambda: explorers.show_pooling("image"), "image"),
    C("PoolingExplorer-stride-0", lambda: explorers.PoolingExplorer(GRAY, stride=0), "stride"),
    C("PoolingExplorer-zoom-negative", lambda: explorers.PoolingExplorer(GRAY, zoom=-1.0), "zoom"),
    C("ConvStepExplorer-too-big",
      lambda: explorers.ConvStepExplorer(torch.rand(50, 50), torch.ones(3, 3)), "x"),
    C("show_conv_step-position",
      lambda: explorers.show_conv_step(torch.rand(5, 5), torch.ones(3, 3), position=100),
      "position"),
    C("show_conv_step-stride-0",
      lambda: explorers.show_conv_step(torch.rand(5, 5), torch.ones(3, 3), stride=0), "stride"),
    C("show_conv_step-kernel-bigger",
      lambda: explorers.show_conv_step(torch.rand(3, 3), torch.ones(5, 5)), "kernel"),
    C("FeatureMapExplorer-uint8", lambda: explorers.FeatureMapExplorer(MODEL, U8), "float"),
    C("FeatureMapExplorer-n_maps-0", lambda: explorers.FeatureMapExplorer(MODEL, IMG, n_maps=0),
      "n_maps"),
    C("FeatureMapExplorer-layer-unknown",
      lambda: explorers.FeatureMapExplorer(MODEL, IMG, layer="nope"), "nope"),
    C("FeatureMapExplorer-labels-length",
      lambda: explorers.FeatureMapExplorer(MODEL, IMG, labels=LAB[:2]), "labels"),
    C("FeatureMapExplorer-zoom-0", lambda: explorers.FeatureMapExplorer(MODEL, IMG, zoom=0),
      "zoom"),
    C("show_feature_maps-layer-unknown",
      lambda: explorers.show_feature_maps(MODEL, IMG[0], "nope"), "nope"),
    C("show_feature_maps-channels-out-of-range",
      lambda: explorers.show_feature_maps(MODEL, IMG[0], "features.0", channels=[99]), "channels"),
    C("show_feature_maps-ncols-0",
      lambda: explorers.show_feature_maps(MODEL, IMG[0], "features.0", channels=[0, 1], ncols=0),
      "ncols"),
    C("show_epsilon-label-out-of-range",
      lambda: explorers.show_epsilon(MODEL, IMG[0], 20, DIGITS, eps=0.1), "label"),
    C("show_epsilon-eps-negative",
      lambda: explorers.show_epsilon(MODEL, IMG[0], 1, DIGITS, eps=-0.1), "eps"),
    C("show_epsilon-0-255",
      lambda: explorers.show_epsilon(MODEL, IMG[0] * 255, 1, DIGITS, eps=0.1), "255"),
    C("show_epsilon-classes-length",
      lambda: explorers.show_epsilon(MODEL, IMG[0], 1, ("a", "b"), eps=0.1), "classes"),
    C("EpsilonExplorer-eps-nan",
      lambda: explorers.EpsilonExplorer(MODEL, IMG[0], 1, DIGITS, eps_values=[math.nan]), "eps"),
    C("EpsilonExplorer-top-0", lambda: explorers.EpsilonExplorer(MODEL, IMG[0], 1, DIGITS, top=0),
      "top"),
    C("decode_photo-empty", lambda: photos.decode_photo(b"", 224), "empty", photos.PhotoError),
    C("decode_photo-junk", lambda: photos.decode_photo(b"not a photo", 224), "image",
      photos.PhotoError),
    C("decode_photo-size-0", lambda: photos.decode_photo(photo_bytes(), 0), "size"),
    C("decode_photo-channels-2", lambda: photos.decode_photo(photo_bytes(), 32, channels=2),
      "channels"),
    C("decode_photo-str", lambda: photos.decode_photo("photo.jpg", 32), "data"),
    C("show_cam-target-out-of-range",
      lambda: explorers.show_cam(MODEL, U8[0], 20, layer="features.0",
                                 prepare=lambda x: x.float() / 255), "20"),
    C("show_layer_maps-layer-unknown",
      lambda: explorers.show_layer_maps(MODEL, U8[0], "nope", prepare=lambda x: x), "nope"),

    # pretrained
    C("tflite_preprocess-float", lambda: pretrained.tflite_preprocess(RGB), "uint8"),
    C("tflite_preprocess-gray", lambda: pretrained.tflite_preprocess(U8), "RGB"),
    C("tflite_preprocess-3d", lambda: pretrained.tflite_preprocess(RGB8[0]), "[None]"),
    C("torchvision_preprocess-float", lambda: pretrained.torchvision_preprocess(RGB), "uint8"),
    C("torchvision_preprocess-list", lambda: pretrained.torchvision_preprocess([1, 2]), "images"),
    C("cat_dog_indices-10", lambda: pretrained.cat_dog_indices(10), "1000"),
    C("cat_dog_indices-str", lambda: pretrained.cat_dog_indices("1000"), "num_outputs"),
    C("load_pretrained-unknown", lambda: pretrained.load_pretrained("resnet"), "resnet"),
    C("load_mobilenet_v2-missing", lambda: pretrained.load_mobilenet_v2("/tmp/no_such.tflite"),
      "no_such", FileNotFoundError),
    C("read_tflite-missing", lambda: pretrained.read_tflite("/tmp/no_such.tflite"), "no_such",
      FileNotFoundError),
    C("read_tflite-not-tflite", lambda: pretrained.read_tflite(not_a_checkpoint()),
      "TensorFlow Lite", pretrained.TFLiteFormatError),
    C("run_batched-empty", lambda: pretrained.run_batched(nn.Identity(), torch.empty(0, 3)),
      "inputs"),
    C("run_batched-batch_size-0", lambda: pretrained.run_batched(nn.Identity(), RGB, batch_size=0),
      "batch_size"),
    C("run_batched-str", lambda: pretrained.run_batched(nn.Identity(), "x"), "inputs"),
    C("run_batched-module-str", lambda: pretrained.run_batched("module", RGB), "module"),
    C("split_mobilenet-at-0", lambda: pretrained.split_mobilenet(MODEL, 0), "at"),
    C("split_mobilenet-no-features", lambda: pretrained.split_mobilenet(nn.Linear(2, 2), 1),
      "features"),
    C("fit_linear_head-int-features",
      lambda: pretrained.fit_linear_head(torch.ones(8, 3, dtype=torch.long), LAB, 4), "features"),
    C("fit_linear_head-float-labels",
      lambda: pretrained.fit_linear_head(torch.rand(8, 3), LAB.float(), 4), "labels"),
    C("fit_linear_head-labels-beyond",
      lambda: pretrained.fit_linear_head(torch.rand(8, 3), LAB + 5, 4), "labels"),
    C("fit_linear_head-num_classes-1",
      lambda: pretrained.fit_linear_head(torch.rand(8, 3), LAB * 0, 1), "num_classes"),
    C("fit_linear_head-steps-0",
      lambda: pretrained.fit_linear_head(torch.rand(8, 3), LAB, 4, steps=0), "steps"),
    C("fit_linear_head-nan-features",
      lambda: pretrained.fit_linear_head(torch.full((8, 3), math.nan), LAB, 4), "NaN"),
    C("fit_linear_head-weight_decay-negative",
      lambda: pretrained.fit_linear_head(torch.rand(8, 3), LAB, 4, weight_decay=-1.0),
      "weight_decay"),
    C("accuracy-labels-length", lambda: pretrained.model_accuracy(MODEL, IMG, LAB[:2]), "labels"),
    C("accuracy-batch_size-0", lambda: pretrained.model_accuracy(MODEL, IMG, LAB, batch_size=0),
      "batch_size"),
    C("train_classifier-epochs-negative",
      lambda: pretrained.train_classifier(small_cnn(), IMG, LAB, epochs=-1,
                                          optimizer=torch.optim.SGD(MODEL.parameters(), 0.1)),
      "epochs"),
    C("train_classifier-batch_size-0",
      lambda: pretrained.train_classifier(small_cnn(), IMG, LAB, epochs=1, batch_size=0,
                                          optimizer=torch.optim.SGD(MODEL.parameters(), 0.1)),
      "batch_size"),
    C("train_classifier-optimizer-str",
      lambda: pretrained.train_classifier(small_cnn(), IMG, LAB, epochs=1, optimizer="adam"),
      "optimizer"),
    C("batchnorm_eval-str", lambda: pretrained.batchnorm_eval("model"), "model"),
    C("with_head-head-not-linear", lambda: pretrained.with_head(nn.Identity(), "head"), "head"),
    C("fine_tune-epochs-0",
      lambda: pretrained.fine_tune(nn.Sequential(nn.Flatten()), nn.Linear(784, 4), IMG, LAB,
                                   epochs=0), "epochs"),
    C("fine_tune-lr_head-negative",
      lambda: pretrained.fine_tune(nn.Sequential(nn.Flatten()), nn.Linear(784, 4), IMG, LAB,
                                   epochs=1, lr_head=-1.0), "lr_head"),

    # metrics
    C("accuracy-lengths", lambda: metrics.accuracy([0, 1], [0]), "y_pred"),
    C("accuracy-float-labels", lambda: metrics.accuracy([0.5], [1]), "y_true"),
    C("accuracy-scores-as-preds", lambda: metrics.accuracy(LAB, PROBS), "argmax"),
    C("accuracy-empty", lambda: metrics.accuracy([], []), "empty"),
    C("top_k_accuracy-k-0", lambda: metrics.top_k_accuracy(LAB, PROBS, k=0), "k"),
    C("top_k_accuracy-k-too-big", lambda: metrics.top_k_accuracy(LAB, PROBS, k=9), "k"),
    C("roc_auc-one-class", lambda: metrics.roc_auc([1, 1, 1], [0.2, 0.5, 0.9]), "y_true"),
    C("roc_auc-nan-score", lambda: metrics.roc_auc([0, 1], [0.2, math.nan]), "NaN"),
    C("expected_calibration_error-probs-above-1",
      lambda: metrics.expected_calibration_error(LAB, PROBS * 3), "softmax"),
    C("expected_calibration_error-n_bins-0",
      lambda: metrics.expected_calibration_error(LAB, PROBS, n_bins=0), "n_bins"),
    C("reliability_bins-n_bins-negative", lambda: metrics.reliability_bins(LAB, PROBS, n_bins=-1),
      "n_bins"),
    C("confusion_matrix-normalize", lambda: metrics.confusion_matrix(LAB, LAB, normalize="rows"),
      "normalize"),
    C("confusion_matrix-labels-negative", lambda: metrics.confusion_matrix(LAB - 1, LAB),
      "y_true"),
    C("precision_recall_f1-average", lambda: metrics.precision_recall_f1(LAB, LAB, average="mean"),
      "average"),
    C("bootstrap_ci-confidence-1.5",
      lambda: metrics.bootstrap_ci(metrics.accuracy, LAB, LAB, confidence=1.5), "confidence"),
    C("bootstrap_ci-resamples-0",
      lambda: metrics.bootstrap_ci(metrics.accuracy, LAB, LAB, n_resamples=0), "n_resamples"),
    C("apply_temperature-0", lambda: metrics.apply_temperature(torch.randn(4, 3), 0.0),
      "temperature"),
    C("apply_temperature-nan", lambda: metrics.apply_temperature(torch.randn(4, 3), math.nan),
      "temperature"),
    C("fit_temperature-nan-logits",
      lambda: metrics.fit_temperature(torch.full((4, 3), math.nan), LAB[:4] % 3), "NaN"),
    C("mcnemar-lengths", lambda: metrics.mcnemar(LAB, LAB, LAB[:3]), "y_pred_b"),
    C("most_confident_mistakes-n-0", lambda: metrics.most_confident_mistakes(LAB, PROBS, n=0),
      "n"),
    C("average_precision-multiclass", lambda: metrics.average_precision(LAB, PROBS[:, 0]),
      "binary"),

    # explain
    C("grad_cam-training-mode",
      lambda: explain.grad_cam(small_cnn().train(), IMG, 1, layer="features.0"), "eval"),
    C("grad_cam-3d", lambda: explain.grad_cam(MODEL, IMG[0], 1, layer="features.0"), "images"),
    C("grad_cam-layer-unknown", lambda: explain.grad_cam(MODEL, IMG, 1, layer="nope"), "nope"),
    C("gradient_saliency-target-out-of-range", lambda: explain.gradient_saliency(MODEL, IMG, 20),
      "20"),
    C("gradient_saliency-target-float", lambda: explain.gradient_saliency(MODEL, IMG, 1.5),
      "targets"),
    C("gradient_saliency-nan", lambda: explain.gradient_saliency(MODEL, NAN_IMG, 1), "NaN"),
    C("occlusion-patch-0", lambda: explain.occlusion(MODEL, IMG, 1, patch=0), "patch"),
    C("smoothgrad-samples-0", lambda: explain.smoothgrad(MODEL, IMG, 1, samples=0), "samples"),
    C("smoothgrad-noise-negative", lambda: explain.smoothgrad(MODEL, IMG, 1, noise=-1.0), "noise"),
    C("integrated_gradients-steps-0", lambda: explain.integrated_gradients(MODEL, IMG, 1, steps=0),
      "steps"),
    C("integrated_gradients-method",
      lambda: explain.integrated_gradients(MODEL, IMG, 1, method="simpson"), "method"),
    C("upsample_maps-2d", lambda: explain.upsample_maps(torch.rand(4, 4), (8, 8)), "maps"),
    C("get_layer-unknown", lambda: explain.get_layer(MODEL, "nope"), "nope"),
    C("random_maps-n-0", lambda: explain.random_maps(0, (4, 4)), "n"),
    C("deletion_curve-maps-size",
      lambda: explain.deletion_curve(MODEL, IMG, 1, torch.rand(8, 4, 4)), "maps"),
    C("rank_correlation-shapes",
      lambda: explain.rank_correlation(torch.rand(2, 4, 4), torch.rand(2, 3, 3)), "shape"),
    C("normalize_maps-int", lambda: explain.normalize_maps(torch.ones(2, 4, 4, dtype=torch.long)),
      "maps"),

    # attacks
    C("fgsm-0-255-images", lambda: attacks.fgsm(MODEL, IMG * 255, LAB, eps=0.1), "255"),
    C("fgsm-eps-negative", lambda: attacks.fgsm(MODEL, IMG, LAB, eps=-0.1), "eps"),
    C("fgsm-eps-nan", lambda: attacks.fgsm(MODEL, IMG, LAB, eps=math.nan), "eps"),
    C("fgsm-labels-shape", lambda: attacks.fgsm(MODEL, IMG, LAB[:2], eps=0.1), "labels"),
    C("fgsm-labels-float", lambda: attacks.fgsm(MODEL, IMG, LAB.float(), eps=0.1), "labels"),
    C("pgd-steps-0", lambda: attacks.pgd(MODEL, IMG, LAB, eps=0.1, steps=0), "steps"),
    C("pgd-norm", lambda: attacks.pgd(MODEL, IMG, LAB, eps=0.1, norm="l3"), "norm"),
    C("pgd-alpha-negative", lambda: attacks.pgd(MODEL, IMG, LAB, eps=0.1, alpha=-0.1), "alpha"),
    C("clean_accuracy-batch_size-0", lambda: attacks.clean_accuracy(MODEL, IMG, LAB, batch_size=0),
      "batch_size"),
    C("PGDTraining-eps-negative", lambda: attacks.PGDTraining(MODEL, eps=-0.1), "eps"),
    C("PGDTraining-steps-0", lambda: attacks.PGDTraining(MODEL, eps=0.1, steps=0), "steps"),
    C("FGSMRandomStart-eps-nan", lambda: attacks.FGSMRandomStart(MODEL, eps=math.nan), "eps"),
    C("InputQuantization-levels-1", lambda: attacks.InputQuantization(MODEL, levels=1), "levels"),
    C("random_sign_noise-eps-negative",
      lambda: attacks.random_sign_noise(MODEL, IMG, LAB, eps=-1.0), "eps"),
    C("robust_accuracy-attack-str",
      lambda: attacks.robust_accuracy(MODEL, IMG, LAB, "fgsm", eps=0.1), "attack"),
    C("fuse_batch_norm-str", lambda: attacks.fuse_batch_norm("model"), "model"),

    # text
    C("tokenize-int", lambda: text.tokenize(3), "text"),
    C("Vocabulary.build-min_count-0", lambda: text.Vocabulary.build(TEXTS, min_count=0),
      "min_count"),
    C("Vocabulary.build-max_size-1", lambda: text.Vocabulary.build(TEXTS, max_size=1), "max_size"),
    C("Vocabulary.build-str", lambda: text.Vocabulary.build("a good film"), "texts"),
    C("Vocabulary.encode-max_length-0", lambda: VOCAB.encode(["a film"], max_length=0),
      "max_length"),
    C("Vocabulary.encode-str", lambda: VOCAB.encode("a film"), "sentence"),
    C("Vocabulary.decode-out-of-range", lambda: VOCAB.decode([999]), "999"),
    C("top_ngrams-width-unknown",
      lambda: text.top_ngrams(TEXT_MODEL, VOCAB.encode(["a good film"]), VOCAB, width=7,
                              filter_index=0), "width"),
    C("top_ngrams-filter-out-of-range",
      lambda: text.top_ngrams(TEXT_MODEL, VOCAB.encode(["a good film"]), VOCAB, width=2,
                              filter_index=99), "filter_index"),
    C("top_ngrams-k-0",
      lambda: text.top_ngrams(TEXT_MODEL, VOCAB.encode(["a good film"]), VOCAB, width=2,
                              filter_index=0, k=0), "k"),
    # --- issue 30: the classes a sweep outside this table found --------------------------------
    # empty input (N = 0): a mean loss over nothing is refused (it was NaN); the layers that map
    # N = 0 to N = 0 are listed in SWEEP_ACCEPTED below
    C("softmax_cross_entropy_forward-N-0",
      lambda: layers.softmax_cross_entropy_forward(torch.empty(0, 4), LAB[:0]), "empty"),
    C("softmax_cross_entropy_forward-N-0-float64",
      lambda: layers.softmax_cross_entropy_forward(torch.empty(0, 2).double(), LAB[:0]), "N = 0"),
    # cost counting: a model with no parameters (no device to read) is fine, a non-model is not
    C("count_macs-not-a-model", lambda: models.count_macs(lambda x: x, (1, 8, 8)), "model"),
    C("count_macs-shape-2d", lambda: models.count_macs(nn.ReLU(), (8, 8)), "input_shape"),
    # History lookups of a metric it does not hold
    C("History-last-unknown", lambda: a_history().last("val_accuracy"), "val_accuracy"),
    C("History-last-private", lambda: a_history().last("__dict__"), "metric"),
    C("History-first_epoch_reaching-unknown",
      lambda: a_history().first_epoch_reaching("acc", 0.5), "acc"),
    C("History-first_epoch_reaching-best_epoch",
      lambda: a_history().first_epoch_reaching("best_epoch", 1), "best_epoch"),
    # plot helpers given NumPy arrays or empty dicts
    C("plot_history-numpy", lambda: plots.plot_history(np.array([0.5, 0.6])), "History"),
    C("plot_accuracy_bars-empty-dict", lambda: plots.plot_accuracy_bars({}), "empty"),
    C("plot_class_counts-empty-dict", lambda: plots.plot_class_counts({}), "non-empty"),
    C("plot_class_counts-numpy", lambda: plots.plot_class_counts(np.array([3, 4])), "dict"),
    C("show_images-numpy-empty", lambda: plots.show_images(np.zeros((0, 1, 8, 8))), "no images"),
    # a checkpoint path that cannot be created
    C("save_checkpoint-under-a-file",
      lambda: train.save_checkpoint({}, f"{not_a_checkpoint()}/run.pt"), "cannot be created"),
    C("fit-checkpoint-under-a-file",
      lambda: fit_quiet(checkpoint=f"{not_a_checkpoint()}/run.pt"), "cannot be created"),
    C("fit-checkpoint-deep-under-a-file",
      lambda: fit_quiet(checkpoint=f"{not_a_checkpoint()}/a/b/run.pt"), "is a file"),
    # ragged lists
    C("ImageSet-ragged-images",
      lambda: data.ImageSet([[1, 2], [3]], [0, 1], ("a", "b"), "t", "train"), "ragged"),
    C("fit-ragged-images", lambda: fit_quiet(train_data=([[1.0], [2.0, 3.0]], [0, 1])), "ragged"),
    C("accuracy-ragged", lambda: metrics.accuracy([[0, 1], [1]], [0, 1]), "y_true"),
    C("as_kernel-ragged", lambda: explorers.kernels.as_kernel([[1, 2], [3]]), "ragged"),
    # tiny images through shifting and through SmallVGG
    C("random_shift-shift-as-large-as-image",
      lambda: augment.random_shift(torch.rand(2, 1, 3, 3), max_shift=3), "max_shift"),
    C("random_shift-1-pixel", lambda: augment.random_shift(torch.rand(2, 1, 1, 1)), "max_shift"),
    C("SmallVGG-4-pixels", lambda: models.SmallVGG()(torch.rand(2, 1, 4, 4)), "at least 8x8"),
    C("SmallVGG-7-pixels", lambda: models.SmallVGG()(torch.rand(2, 1, 7, 7)), "at least 8x8"),
    C("SmallVGG-2-stages-3-pixels",
      lambda: models.SmallVGG(widths=(4, 8))(torch.rand(2, 1, 3, 3)), "at least 4x4"),
    # a gradient check of a function that returns a vector
    C("gradient_check-vector-loss",
      lambda: layers.gradient_check(lambda: W64 * 2, {"w": W64}, {"w": 2 * torch.ones_like(W64)}),
      "scalar"),
    C("numerical_gradient-vector-loss", lambda: layers.numerical_gradient(lambda: W64 * 2, W64),
      "scalar"),
    C("numerical_gradient-str-loss", lambda: layers.numerical_gradient(lambda: "0.5", W64),
      "scalar"),
    # an image size of 0 is reported under the image's name, not as `n`
    C("conv2d-height-0", lambda: layers.conv2d(torch.rand(1, 1, 0, 5), W33[:, :1]),
      "x has height"),
    C("conv2d_loops-width-0", lambda: layers.conv2d_loops(torch.rand(1, 1, 5, 0), W33[:, :1]),
      "x has height"),
    C("pool2d-height-0", lambda: layers.pool2d(torch.rand(1, 1, 0, 4)), "x has height"),
    C("maxpool2d_forward-height-0", lambda: layers.maxpool2d_forward(torch.rand(1, 1, 0, 4)),
      "x has height"),
    C("apply_kernel-height-0", lambda: explorers.kernels.apply_kernel(torch.rand(0, 5), W33[0, 0]),
      "gray has height"),
    C("show_kernel-image-0x0", lambda: explorers.show_kernel(torch.rand(1, 0, 0)), "image has"),
    # search: successive halving and the best-so-far trace (notebook 16)
    C("successive_halving-objective-not-callable",
      lambda: successive_halving(0.9, [1, 2], min_resource=1, max_resource=3), "function"),
    C("successive_halving-no-configs",
      lambda: successive_halving(lambda c, r: 0.5, [], min_resource=1, max_resource=3),
      "non-empty"),
    C("successive_halving-eta-1",
      lambda: successive_halving(lambda c, r: 0.5, [1, 2], min_resource=1, max_resource=3,
                                 eta=1), "eta"),
    C("successive_halving-max-below-min",
      lambda: successive_halving(lambda c, r: 0.5, [1, 2], min_resource=3, max_resource=1),
      "at least min_resource"),
    C("successive_halving-nan-score",
      lambda: successive_halving(lambda c, r: math.nan, [1, 2], min_resource=1, max_resource=3),
      "finite"),
    C("best_so_far-lengths-differ", lambda: best_so_far([1, 2], [0.5]), "same length"),
    C("best_so_far-negative-cost", lambda: best_so_far([1, -2], [0.5, 0.6]), ">= 0"),
]

LIBRARY_MESSAGE_OK: dict[str, str] = {
    # id: why the library's own message is enough
}


# --- running one case ------------------------------------------------------------------------

def _raised_in_course(error: BaseException) -> bool:
    """Whether ``error`` comes from a ``raise`` statement in course code (not from an operation
    of torch, NumPy or Python that failed inside it)."""
    frames = traceback.extract_tb(error.__traceback__)
    if not frames:
        return False
    last = frames[-1]
    return "course_utils" in last.filename.replace("\\", "/") and (
        (last.line or "").lstrip().startswith("raise"))


def outcome(case: Case) -> tuple[str, str]:
    """``(outcome, detail)``: clear / raw / misleading / silent, and the message or result."""
    try:
        result = case.call()
    except Exception as error:  # noqa: BLE001 - classifying any error is the point
        message = f"{type(error).__name__}: {error}"
        if not _raised_in_course(error):
            return "raw library error", message
        if case.word.lower() not in str(error).lower():
            return "misleading message", message
        return "clear course error", message
    finally:
        plt.close("all")
    return "silent acceptance", f"returned {type(result).__name__}"


def test_the_sweep_is_large_and_its_ids_are_unique():
    assert len(CASES) >= 250
    assert len({case.id for case in CASES}) == len(CASES)
    assert set(LIBRARY_MESSAGE_OK) <= {case.id for case in CASES}


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_bad_input_is_refused_in_the_course_words(case):
    try:
        with pytest.raises(case.error) as info:
            case.call()
    finally:
        plt.close("all")
    assert case.word.lower() in str(info.value).lower(), str(info.value)
    if case.id not in LIBRARY_MESSAGE_OK:
        assert _raised_in_course(info.value), (
            f"raised from inside a library without a course message: {info.value!r}")


# --- every tensor helper, four ways: empty, NumPy, wrong rank, NaN ----------------------------
# Each public helper that takes a tensor gets the four bad inputs made from a good one. Each
# call must raise InputError from course code, or be listed in SWEEP_ACCEPTED: a documented
# behaviour, checked on the result.


def _labels_for(x) -> torch.Tensor:
    return torch.arange(len(x)) % 2


SWEEP_TARGETS: dict[str, tuple[Callable, torch.Tensor]] = {
    "relu": (layers.relu, X4),
    "leaky_relu": (layers.leaky_relu, X4),
    "sigmoid": (layers.sigmoid, X4),
    "tanh": (layers.tanh, X4),
    "relu_forward": (layers.relu_forward, X4),
    "softmax": (layers.softmax, torch.rand(3, 4)),
    "flatten": (layers.flatten, X4),
    "conv2d": (lambda x: layers.conv2d(x, W33), X4),
    "conv2d_loops": (lambda x: layers.conv2d_loops(x, W33), X4),
    "conv2d_forward": (lambda x: layers.conv2d_forward(x, W33, torch.zeros(4)), X4),
    "pool2d": (layers.pool2d, X4),
    "maxpool2d_forward": (layers.maxpool2d_forward, X4),
    "linear_forward": (lambda x: layers.linear_forward(x, torch.rand(2, 5)), torch.rand(3, 5)),
    "softmax_cross_entropy_forward": (
        lambda x: layers.softmax_cross_entropy_forward(x, torch.arange(len(x)) % 4),
        torch.rand(3, 4)),
    "random_shift": (augment.random_shift, IMG),
    "random_affine": (augment.random_affine, IMG),
    "random_gaussian_noise": (augment.random_gaussian_noise, IMG),
    "corrupt": (lambda x: corruptions.corrupt(x, "gaussian_noise", 1), IMG),
    "to_gray": (explorers.kernels.to_gray, IMG[0]),
    "apply_kernel": (lambda x: explorers.kernels.apply_kernel(x, W33[0, 0]), torch.rand(8, 8)),
    "as_tensors": (lambda x: train.as_tensors((x, _labels_for(x))), IMG),
    "evaluate": (lambda x: train.evaluate(MODEL, (x, _labels_for(x))), IMG),
    "predict_logits": (lambda x: train.predict_logits(MODEL, x), IMG),
    "MnistCNN": (MODEL, IMG),
    "run_batched": (lambda x: pretrained.run_batched(MODEL, x), IMG),
    "fgsm": (lambda x: attacks.fgsm(MODEL, x, _labels_for(x), eps=0.1), IMG),
    "pgd": (lambda x: attacks.pgd(MODEL, x, _labels_for(x), eps=0.1, steps=2), IMG),
    "gradient_saliency": (lambda x: explain.gradient_saliency(MODEL, x, 0), IMG),
    "grad_cam": (lambda x: explain.grad_cam(MODEL, x, 0, layer="features.0"), IMG),
    "show_images": (plots.show_images, IMG),
    "accuracy": (lambda x: metrics.accuracy(x, x), LAB),
}

_EMPTY_OUT = "an empty batch (N = 0) gives an empty result, as in torch"
_ANY_SHAPE = "works elementwise on a tensor of any shape"
_NAN_FLOWS = ("NaN flows through, as in torch: no pass over the values inside a training step "
              "(fit stops at the first non-finite loss)")
_NUMPY_OK = "a learner's NumPy array is converted (tested equal to the tensor's result)"
SWEEP_ACCEPTED: dict[tuple[str, str], str] = {
    **{(name, "empty"): _EMPTY_OUT for name in (
        "relu", "leaky_relu", "sigmoid", "tanh", "relu_forward", "softmax", "flatten", "conv2d",
        "conv2d_loops", "conv2d_forward", "pool2d", "maxpool2d_forward", "linear_forward",
        "MnistCNN")},
    **{(name, "wrong_rank"): _ANY_SHAPE for name in (
        "relu", "leaky_relu", "sigmoid", "tanh", "relu_forward", "softmax")},
    ("flatten", "wrong_rank"): "any (N, ...) with N first is flattened to (N, rest)",
    ("to_gray", "wrong_rank"): "an (H, W) image is one of its two layouts",
    **{(name, "nan"): _NAN_FLOWS for name in (
        "relu", "leaky_relu", "sigmoid", "tanh", "relu_forward", "softmax", "flatten", "conv2d",
        "conv2d_loops", "conv2d_forward", "pool2d", "maxpool2d_forward", "linear_forward",
        "random_shift", "random_affine", "predict_logits", "MnistCNN", "run_batched")},
    **{(name, "numpy"): _NUMPY_OK for name in (
        "random_shift", "random_affine", "random_gaussian_noise", "corrupt", "as_tensors",
        "evaluate", "predict_logits", "show_images", "accuracy")},
}
SWEEP_KINDS = ("empty", "numpy", "wrong_rank", "nan")


def _bad(good: torch.Tensor, kind: str):
    if kind == "empty":
        return good[:0]
    if kind == "numpy":
        return good.numpy()
    if kind == "wrong_rank":
        return good[0] if good.ndim > 1 else good[None, None]
    bad = good.clone().float()
    if bad.ndim >= 2:
        bad[..., bad.shape[-2] // 2, bad.shape[-1] // 2] = math.nan  # stays in view when shifted
    else:
        bad[0] = math.nan
    return bad


def _first(result):
    return result[0] if isinstance(result, tuple) else result


@pytest.mark.parametrize("name, kind", [(n, k) for n in SWEEP_TARGETS for k in SWEEP_KINDS],
                         ids=[f"{n}-{k}" for n in SWEEP_TARGETS for k in SWEEP_KINDS])
def test_every_tensor_helper_on_empty_numpy_wrong_rank_and_nan(name, kind):
    function, good = SWEEP_TARGETS[name]
    torch.manual_seed(0)
    try:
        if (name, kind) not in SWEEP_ACCEPTED:
            with pytest.raises(InputError) as info:
                function(_bad(good, kind))
            assert _raised_in_course(info.value), repr(info.value)
            return
        result = function(_bad(good, kind))
        if kind == "empty":
            assert len(_first(result)) == 0
        elif kind == "nan":
            assert torch.isnan(_first(result)).any()
        elif kind == "numpy":
            torch.manual_seed(0)
            expected = function(good)
            if isinstance(_first(result), torch.Tensor) and "random" not in name \
                    and name != "corrupt":
                assert torch.equal(_first(result), _first(expected))
            elif not isinstance(result, plt.Figure):
                assert type(result) is type(expected)
        else:
            assert isinstance(_first(result), torch.Tensor)
    finally:
        plt.close("all")


def test_the_four_way_sweep_covers_every_target_and_lists_only_real_cases():
    assert len(SWEEP_TARGETS) * len(SWEEP_KINDS) >= 120
    assert {name for name, _ in SWEEP_ACCEPTED} <= set(SWEEP_TARGETS)
    assert {kind for _, kind in SWEEP_ACCEPTED} <= set(SWEEP_KINDS)


# --- fit stops safely --------------------------------------------------------------------------

class NaNFromCall(nn.Module):
    """A small CNN whose training forward returns NaN from its ``k``-th call on (1-based)."""

    def __init__(self, k: int) -> None:
        super().__init__()
        self.net, self.k, self.calls, self.in_channels = small_cnn(), k, 0, 1

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.net(x)
        if self.training:
            self.calls += 1
            if self.calls >= self.k:
                out = out * math.nan
        return out


def _finite(model: nn.Module) -> bool:
    return all(bool(torch.isfinite(v).all()) for v in model.state_dict().values()
               if v.is_floating_point())


def test_fit_on_nan_images_stops_at_step_1_and_keeps_the_last_good_checkpoint(tmp_path):
    path = tmp_path / "run.pt"
    fit_quiet(train_data=(IMG, LAB), epochs=1, checkpoint=path)
    good = train.load_checkpoint(path)
    # in memory: refused before the first step, the whole set is checked once
    with pytest.raises(InputError, match=r"train images holds 1 NaN value"):
        fit_quiet(train_data=(NAN_IMG, LAB), epochs=2, checkpoint=path, resume=True)
    # from a DataLoader (only its first batch is looked at before training): stops at step 1
    bad = torch.utils.data.TensorDataset(torch.full_like(IMG, math.nan), LAB)
    loader = torch.utils.data.DataLoader(bad, batch_size=4)
    model = small_cnn()
    start = {k: v.clone() for k, v in model.state_dict().items()}
    with pytest.raises(train.TrainingDiverged,
                       match=r"at step 1 \(epoch 1\).*NaN or inf in the input"):
        fit_quiet(model, loader, epochs=2, checkpoint=path)
    later = torch.utils.data.TensorDataset(torch.cat([IMG[:4],
                                                      torch.full_like(IMG[4:], math.nan)]), LAB)
    with pytest.raises(train.TrainingDiverged,
                       match=r"at step 2 \(epoch 1\).*NaN or inf in the input"):
        fit_quiet(model, torch.utils.data.DataLoader(later, batch_size=4), epochs=2)
    assert all(torch.equal(v, start[k]) for k, v in model.state_dict().items())
    again = train.load_checkpoint(path)
    assert again["history"]["epoch"] == [1]
    assert again["history"]["train_loss"] == good["history"]["train_loss"]
    assert all(torch.equal(again["model"][k], good["model"][k]) for k in good["model"])


def test_fit_with_a_model_returning_nan_stops_and_keeps_the_best_weights(tmp_path):
    path = tmp_path / "run.pt"
    model = NaNFromCall(k=2 * 2 + 1)  # 8 images in batches of 4: the 5th step, epoch 3
    with pytest.raises(train.TrainingDiverged) as info:
        fit_quiet(model, (IMG, LAB), epochs=4, checkpoint=path, monitor="train_loss")
    message = str(info.value)
    assert "at step 5 (epoch 3)" in message and "learning rate" in message
    assert "learning rate too high" in message and "epoch 2" in message
    assert _finite(model)
    state = train.load_checkpoint(path)
    assert state["history"]["epoch"] == [1, 2]
    fresh = small_cnn()
    fresh.load_state_dict({k[len("net."):]: v for k, v in state["model"].items()})
    assert _finite(fresh)


def test_fit_with_lr_inf_stops_before_training_and_the_checkpoint_still_loads(tmp_path):
    path = tmp_path / "run.pt"
    fit_quiet(epochs=1, checkpoint=path)
    for lr in (math.inf, math.nan):
        with pytest.raises(InputError, match=r"lr must be a finite number"):
            fit_quiet(epochs=2, lr=lr, checkpoint=path, resume=True)
    assert train.load_checkpoint(path)["history"]["epoch"] == [1]
    # a finite rate large enough to blow the loss up stops at the first bad step, naming it
    model = small_cnn()
    with pytest.raises(train.TrainingDiverged, match=r"at step \d+ .*with learning rate 1e\+30"):
        fit_quiet(model, epochs=3, lr=1e30, optimizer="sgd", schedule="constant",
                  checkpoint=tmp_path / "other.pt")
    assert _finite(model)


def test_fit_warns_once_on_images_outside_the_unit_range():
    with pytest.warns(UserWarning, match="0..255 floats") as caught:
        fit_quiet(train_data=(IMG * 255, LAB), epochs=2)
    assert len([w for w in caught if "0..255" in str(w.message)]) == 1
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fit_quiet(train_data=(U8, LAB), epochs=1)  # uint8 pixels are scaled, no warning


def test_fit_refuses_resume_without_checkpoint_and_patience_below_1():
    with pytest.raises(InputError, match="resume=True needs checkpoint="):
        fit_quiet(resume=True)
    for patience in (0, -1):
        with pytest.raises(InputError, match=r"patience must be an int >= 1"):
            fit_quiet(patience=patience)


def test_numpy_arrays_are_accepted_where_a_learner_passes_them():
    assert isinstance(data.ImageSet(U8.numpy(), LAB.numpy(), DIGITS, "t", "train").images,
                      torch.Tensor)
    assert len(SET.subset(np.array([0, 2]))) == 2
    assert SET.subset(SET.labels == 1).labels.tolist() == [1, 1]  # a boolean mask
    assert augment.random_shift(IMG.numpy()).shape == IMG.shape
    assert len(fit_quiet(train_data=(IMG.numpy(), LAB.numpy())).epoch) == 1
    plots.show_images(IMG.numpy()[:2])
    plt.close("all")
    assert metrics.accuracy(LAB.numpy(), LAB.numpy()) == 1.0


if __name__ == "__main__":
    import collections
    import sys

    counts = collections.Counter()
    for case in CASES:
        kind, detail = outcome(case)
        counts[kind] += 1
        if kind != "clear course error" or "-v" in sys.argv:
            print(f"{kind:20s} {case.id}: {detail[:160]}")
    print(f"\n{len(CASES)} calls:", dict(counts))
