"""The pets classifier of ``13_deployment.ipynb`` in four runtimes, and the cost of int8.

Fine-tunes notebook 07's recipe on the fitting photos (the training photos minus the 74
validation photos), exports it to ONNX, quantises it to int8 (onnxruntime, static, min-max
calibration on 64 training photos) and times each runtime with 2 CPU threads, median of
``--repeats`` runs after a warm-up. Prints one ``name: value`` line per figure:

- ``torch_fp32_ms``, ``torch_fp32_cl_ms``, ``onnx_fp32_ms``, ``onnx_int8_ms``, ``litert_ms``:
  milliseconds for one photo (batch 1, median); PyTorch contiguous and channels-last, ONNX
  Runtime fp32 and int8, and the shipped ``.tflite`` ImageNet file in LiteRT;
- ``*_b32_ms_per_image``: the same per image at batch 32 (LiteRT: 32 calls of one photo);
- ``onnx_speedup``, ``int8_speedup``, ``litert_speedup``: PyTorch contiguous batch-1 time over
  each runtime's (the baseline is measured in the same run);
- ``onnx_max_abs_diff``: largest score difference ONNX vs PyTorch on the 111 test photos;
- ``fp32_accuracy``, ``int8_accuracy``, ``int8_accuracy_drop``: on the 111 test photos
  (the drop in accuracy points, fp32 minus int8).

Usage::

    "$(./course setup)/bin/python" benchmarks/deployment.py [--repeats 30] [--epochs 3]
"""

from __future__ import annotations

import argparse
import copy
import tempfile
from pathlib import Path

import torch

from course_utils.data import load_dataset, stratified_split
from course_utils.deploy import (
    export_onnx,
    litert_interpreter,
    litert_logits,
    median_latency_ms,
    onnx_logits,
    onnx_session,
    quantize_onnx,
    train_pet_classifier,
)

THREADS = 2


def torch_run(model: torch.nn.Module, layout: torch.memory_format):
    """A function that runs ``model`` on a batch in memory format ``layout``."""
    def run(pixels: torch.Tensor) -> torch.Tensor:
        with torch.inference_mode():
            return model(pixels.float().contiguous(memory_format=layout))
    return run


def main() -> None:
    """Run the benchmark; print one ``name: value`` line per figure."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--epochs", type=int, default=3)
    args = parser.parse_args()
    torch.set_num_threads(THREADS)

    train, test = load_dataset("pets", "train"), load_dataset("pets", "test")
    fit_idx, val_idx = stratified_split(train.extras["breed"], 2 / 7, seed=0)
    model = train_pet_classifier(train.images[fit_idx], train.labels[fit_idx],
                                 epochs=args.epochs, flipped=True)
    contiguous = copy.deepcopy(model).to(memory_format=torch.contiguous_format)
    work = Path(tempfile.mkdtemp(prefix="deploy-bench-"))
    onnx_path = export_onnx(model, work / "pets.onnx", test.images[:2].float())
    int8_path = quantize_onnx(onnx_path, work / "pets_int8.onnx", train.images[fit_idx][:64])
    fp32, int8 = onnx_session(onnx_path, THREADS), onnx_session(int8_path, THREADS)
    interpreter = litert_interpreter(threads=THREADS)

    runs = {
        "torch_fp32": torch_run(contiguous, torch.contiguous_format),
        "torch_fp32_cl": torch_run(model, torch.channels_last),
        "onnx_fp32": lambda p: onnx_logits(fp32, p),
        "onnx_int8": lambda p: onnx_logits(int8, p),
        "litert": lambda p: litert_logits(interpreter, p),
    }
    photos = train.images[val_idx]
    b1, b32 = photos[:1], photos[:32]
    ms = {}
    for name, run in runs.items():
        ms[name] = median_latency_ms(lambda run=run: run(b1), repeats=args.repeats, warmup=3)
        ms[name + "_b32"] = median_latency_ms(lambda run=run: run(b32),
                                              repeats=max(3, args.repeats // 6), warmup=1) / 32
    for name in runs:
        print(f"{name}_ms: {ms[name]:.2f}")
    for name in runs:
        print(f"{name}_b32_ms_per_image: {ms[name + '_b32']:.2f}")
    for label, name in (("onnx", "onnx_fp32"), ("int8", "onnx_int8"), ("litert", "litert")):
        print(f"{label}_speedup: {ms['torch_fp32'] / ms[name]:.2f}")

    reference = runs["torch_fp32"](test.images)
    fp32_scores, int8_scores = runs["onnx_fp32"](test.images), runs["onnx_int8"](test.images)
    fp32_acc = (reference.argmax(1) == test.labels).float().mean().item()
    int8_acc = (int8_scores.argmax(1) == test.labels).float().mean().item()
    print(f"onnx_max_abs_diff: {(fp32_scores - reference).abs().max().item():.2e}")
    print(f"fp32_accuracy: {fp32_acc:.4f}")
    print(f"int8_accuracy: {int8_acc:.4f}")
    print(f"int8_accuracy_drop: {100 * (fp32_acc - int8_acc):.2f}")


if __name__ == "__main__":
    main()
