"""Training throughput of LeNet-5 on MNIST: two gloo processes under torchrun against one process.

As ``14_scaling_out.ipynb`` runs it (:func:`course_utils.ddp.launch`): the same global batch
and seed, on the CPU; two processes with one thread each against one process with two threads,
so both sides use the two cores. Prints one ``name: value`` line per figure:

- ``ddp_2proc_images_per_s``: training images per second of the two processes together
  (median over epochs);
- ``single_images_per_s``: the same for one process;
- ``ddp_speedup``: their ratio;
- ``max_loss_rel_diff``: the largest relative difference of a per-epoch training loss.

Usage::

    "$(./course setup)/bin/python" benchmarks/ddp.py [--epochs 3] [--images 4000]
"""

from __future__ import annotations

import argparse
import statistics

from course_utils.ddp import launch


def main() -> None:
    """Run the benchmark; print one ``name: value`` line per figure."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--images", type=int, default=4000)
    parser.add_argument("--batch-size", type=int, default=64)
    args = parser.parse_args()
    common = dict(epochs=args.epochs, images=args.images, batch_size=args.batch_size)
    two = launch(2, threads=1, **common)
    one = launch(1, threads=2, **common)
    two_rate = statistics.median(two["history"]["images_per_s"])
    one_rate = statistics.median(one["history"]["images_per_s"])
    diff = max(abs(a - b) / abs(b) for a, b in zip(two["history"]["train_loss"],
                                                    one["history"]["train_loss"]))
    print(f"ddp_2proc_images_per_s: {two_rate:.0f}")
    print(f"single_images_per_s: {one_rate:.0f}")
    print(f"ddp_speedup: {two_rate / one_rate:.2f}")
    print(f"max_loss_rel_diff: {diff:.2e}")


if __name__ == "__main__":
    main()
