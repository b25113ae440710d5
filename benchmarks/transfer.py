"""Transfer learning with the shipped MobileNetV2, as ``07_transfer_learning.ipynb`` does it.

Prints one ``name: value`` line per figure:

- ``convert_s``: seconds to read the TFLite file and convert it into torchvision's MobileNetV2
  (no cache; best of ``--repeats``);
- ``features_images_per_s``: 1280-d pooled features of the 370 pet photos (224 px, batch 64,
  CPU), photos per second (best of ``--repeats``, after a warm-up batch), through
  ``load_mobilenet_v2`` and ``run_batched`` as the lessons call them;
- ``features_baseline_images_per_s``: the same through the path the course had before notebook
  13 (contiguous weights and batches; kept here only as the baseline), timed alternately with
  the other in the same run;
- ``features_speedup``: their ratio;
- ``probe_accuracy``: linear probe on those features, on the 111 held-out photos of the fixed
  stratified split;
- ``finetune_accuracy``: the lesson's full-mode fine-tune (blocks 16-18 and the probe as the
  warm head, BatchNorm in eval mode, AdamW 1e-4 / 1e-3, 3 epochs over the photos and their
  mirror images), mean over ``--seeds`` seeds.

Usage::

    "$(./course setup)/bin/python" benchmarks/transfer.py [--threads 2] [--repeats 3] [--seeds 3]
"""

from __future__ import annotations

import argparse
import copy
import time

import torch
from torch import nn

from course_utils.data import load_dataset, verified_path
from course_utils.pretrained import (
    convert_tflite,
    fine_tune,
    fit_linear_head,
    load_mobilenet_v2,
    model_accuracy,
    read_tflite,
    run_batched,
    split_mobilenet,
    tflite_preprocess,
)
from course_utils.pretrained.mobilenet import TFLITE_FILE

SPLIT_AT = 16
FINETUNE_EPOCHS = 3


def best_seconds(task, repeats: int) -> float:
    """Fastest wall time of ``repeats`` calls of ``task()``."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        task()
        times.append(time.perf_counter() - start)
    return min(times)


@torch.no_grad()
def baseline_features(features: nn.Module, photos: torch.Tensor,
                      batch_size: int = 64) -> torch.Tensor:
    """The old feature path: contiguous weights and batches, one batch at a time."""
    return torch.cat([features(tflite_preprocess(photos[i:i + batch_size]))
                      for i in range(0, len(photos), batch_size)])


def main() -> None:
    """Run the benchmark; print one ``name: value`` line per figure."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=torch.get_num_threads())
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seeds", type=int, default=3)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)

    path = verified_path(TFLITE_FILE)
    convert_s = best_seconds(lambda: convert_tflite(read_tflite(path)), args.repeats)

    train, test = load_dataset("pets", "train"), load_dataset("pets", "test")
    net = load_mobilenet_v2()
    features = nn.Sequential(net.features, nn.AdaptiveAvgPool2d(1), nn.Flatten(1))
    photos = torch.cat([train.images, test.images])
    baseline = copy.deepcopy(features).to(memory_format=torch.contiguous_format)
    run_batched(features, photos[:8], prepare=tflite_preprocess)  # warm-up
    baseline_features(baseline, photos[:8])
    features_s, baseline_s = float("inf"), float("inf")
    for _ in range(args.repeats):  # alternate, so both see the same machine load
        features_s = min(features_s, best_seconds(
            lambda: run_batched(features, photos, batch_size=64, prepare=tflite_preprocess), 1))
        baseline_s = min(baseline_s, best_seconds(lambda: baseline_features(baseline, photos), 1))

    trunk, tail = split_mobilenet(net, SPLIT_AT)
    trunk_train = run_batched(trunk, train.images, prepare=tflite_preprocess)
    trunk_flip = run_batched(trunk, train.images.flip(-1), prepare=tflite_preprocess)
    trunk_test = run_batched(trunk, test.images, prepare=tflite_preprocess)
    probe = fit_linear_head(run_batched(tail, trunk_train), train.labels, 2)
    probe_accuracy = model_accuracy(probe, run_batched(tail, trunk_test), test.labels)

    inputs = torch.cat([trunk_train, trunk_flip])
    labels = torch.cat([train.labels, train.labels])
    tuned = [model_accuracy(fine_tune(tail, probe, inputs, labels, epochs=FINETUNE_EPOCHS,
                                      seed=seed), trunk_test, test.labels)
             for seed in range(args.seeds)]

    print(f"convert_s: {convert_s:.3f}")
    print(f"features_images_per_s: {len(photos) / features_s:.1f}")
    print(f"features_baseline_images_per_s: {len(photos) / baseline_s:.1f}")
    print(f"features_speedup: {baseline_s / features_s:.2f}")
    print(f"probe_accuracy: {probe_accuracy:.4f}")
    print(f"finetune_accuracy: {sum(tuned) / len(tuned):.4f}")


if __name__ == "__main__":
    main()
