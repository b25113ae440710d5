"""Train the MNIST LeNet-5 with ``fit``, in one process or in several under ``torchrun``.

Introduced in ``14_scaling_out.ipynb``. Run it as the launcher would on a real cluster::

    torchrun --nproc_per_node 2 -m course_utils.ddp --epochs 3 --out run.pt   # 2 processes
    python -m course_utils.ddp --epochs 3 --out single.pt                     # 1 process

``torchrun`` starts the processes and gives each ``RANK``, ``WORLD_SIZE``, ``MASTER_ADDR`` and
``MASTER_PORT``; :func:`train` then joins the group (gloo, the CPU backend) and calls the same
:func:`~course_utils.train.fit` as a single process would: ``fit`` notices the group and trains
with DistributedDataParallel. Rank 0 saves the history, the final weights and the process ids
(``torch.save``; read back with ``weights_only=True``). :func:`launch` runs either from Python.

LeNet-5 has no BatchNorm and no dropout, so the two runs compute the same thing: BatchNorm
would normalise each process's half-batch on its own (``SyncBatchNorm`` fixes that, on GPUs
only), and dropout draws from each process's own generator.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import torch
import torch.distributed as dist

from course_utils.data import load_dataset, stratified_split
from course_utils.env import seed_everything
from course_utils.models import LeNet5
from course_utils.train import fit
from course_utils.train.distributed import is_main_process, world
from course_utils.validation import check_positive_int

VAL_IMAGES = 1000


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line of ``python -m course_utils.ddp`` (see the module docstring).

    Parameters
    ----------
    argv : list[str], optional
    """
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=4000,
                        help="training images: the first N of the shipped MNIST train split")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=64, help="global batch, all ranks")
    parser.add_argument("--lr", type=float, default=1e-2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=1, help="torch threads per process")
    parser.add_argument("--out", type=Path, required=True, help="where rank 0 saves the run")
    args = parser.parse_args(argv)
    if not 1 <= args.images <= 5000 - VAL_IMAGES:
        parser.error(f"--images must be in [1, {5000 - VAL_IMAGES}], got {args.images}")
    return args


def mnist_split(images: int) -> tuple[tuple[torch.Tensor, torch.Tensor],
                                      tuple[torch.Tensor, torch.Tensor]]:
    """``images`` training digits and the 1,000 validation digits, float in [0, 1].

    A stratified split of the shipped train set (whose digits are stored sorted by class),
    then a fixed random draw of ``images`` from the training part.

    Parameters
    ----------
    images : int

    Returns
    -------
    (x_train (images, 1, 28, 28), y_train (images,)), (x_val (1000, 1, 28, 28), y_val (1000,))
    """
    mnist = load_dataset("mnist", "train")
    x, y = mnist.images.float() / 255, mnist.labels
    train_idx, val_idx = stratified_split(y, VAL_IMAGES / len(y), seed=0)
    draw = torch.randperm(len(train_idx), generator=torch.Generator().manual_seed(0))
    train_idx = train_idx[draw[:images]]
    return (x[train_idx], y[train_idx]), (x[val_idx], y[val_idx])


def train(args: argparse.Namespace) -> dict | None:
    """One run of :func:`~course_utils.train.fit`; joins the process group under torchrun.

    Written out in ``14_scaling_out.ipynb``, section 2 (as a script with ``DistributedSampler``
    and its own loop; this version lets ``fit`` shard the batches).

    Parameters
    ----------
    args : argparse.Namespace

    Returns
    -------
    dict or None
        On rank 0: ``world_size``, ``pids`` (one per rank), ``history`` (``History.to_dict()``)
        and ``state_dict``, also saved to ``args.out``; None on the other ranks.
    """
    distributed = "RANK" in os.environ
    if distributed:
        dist.init_process_group("gloo")
    try:
        torch.set_num_threads(args.threads)
        (x_train, y_train), val = mnist_split(args.images)
        seed_everything(args.seed)
        model = LeNet5()
        history = fit(model, (x_train, y_train), val, epochs=args.epochs,
                      batch_size=args.batch_size, lr=args.lr, seed=args.seed, device="cpu",
                      progress=False)
        pids = [None] * world()[1]
        if distributed:
            dist.all_gather_object(pids, os.getpid())
        else:
            pids = [os.getpid()]
        if not is_main_process():
            return None
        result = {"world_size": world()[1], "pids": pids, "history": history.to_dict(),
                  "state_dict": model.state_dict()}
        args.out.parent.mkdir(parents=True, exist_ok=True)
        torch.save(result, args.out)
        return result
    finally:
        if distributed:
            dist.destroy_process_group()


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now (for the rendezvous)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def local_process_env(threads: int) -> dict[str, str]:
    """Environment variables for processes that talk over this computer's loopback network.

    Gloo is told the loopback interface's name, which differs by system (``lo`` on Linux,
    ``lo0`` on macOS); on Windows, PyTorch's wheels are built without libuv, which ``torchrun``
    would otherwise ask for (``USE_LIBUV=0``).

    Parameters
    ----------
    threads : int
        CPU threads per process (``OMP_NUM_THREADS``).

    Returns
    -------
    dict of str to str
        To add to ``os.environ`` for the launched processes.
    """
    env = {"OMP_NUM_THREADS": str(check_positive_int(threads, "threads"))}
    if sys.platform.startswith("linux"):
        env["GLOO_SOCKET_IFNAME"] = "lo"
    elif sys.platform == "darwin":
        env["GLOO_SOCKET_IFNAME"] = "lo0"
    elif sys.platform == "win32":
        env["USE_LIBUV"] = "0"
    return env


def launch(nproc: int, *, epochs: int = 3, images: int = 4000, batch_size: int = 64,
           lr: float = 1e-2, seed: int = 0, threads: int = 1, timeout: float = 600) -> dict:
    """Run this module in ``nproc`` processes with ``torchrun`` (or one plain process).

    Introduced in ``14_scaling_out.ipynb``. The processes meet on 127.0.0.1 (a free port), so
    it works with only loopback networking.

    Parameters
    ----------
    nproc : int
        1 runs ``python -m course_utils.ddp`` without torch.distributed; 2 or more run
        ``torchrun --nproc_per_node nproc -m course_utils.ddp``.
    epochs, images, batch_size, lr, seed, threads : see :func:`parse_args`
        ``batch_size`` is the global batch; it must be a multiple of ``nproc``.
    timeout : float
        Seconds before the run is stopped.

    Returns
    -------
    dict
        What rank 0 saved (see :func:`train`), plus ``"log"``: the processes' output.

    Raises
    ------
    RuntimeError
        If the run fails; the message ends with its output.
    """
    if not isinstance(nproc, int) or nproc < 1:
        raise ValueError(f"nproc must be a positive int, got {nproc!r}.")
    if batch_size % nproc:
        raise ValueError(f"batch_size={batch_size} must be a multiple of nproc={nproc}, so "
                         "every process gets the same share of each batch.")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "run.pt"
        script = ["-m", "course_utils.ddp", "--epochs", str(epochs), "--images", str(images),
                  "--batch-size", str(batch_size), "--lr", str(lr), "--seed", str(seed),
                  "--threads", str(threads), "--out", str(out)]
        launcher = [] if nproc == 1 else [
            "-m", "torch.distributed.run", "--nnodes", "1", "--nproc_per_node", str(nproc),
            "--master_addr", "127.0.0.1", "--master_port", str(free_port())]
        env = dict(os.environ, **local_process_env(threads))
        done = subprocess.run([sys.executable, *launcher, *script], env=env, timeout=timeout,
                              capture_output=True, text=True)
        log = done.stdout + done.stderr
        if done.returncode != 0 or not out.exists():
            raise RuntimeError(f"the {nproc}-process run failed (exit code {done.returncode}):"
                               f"\n{log[-3000:]}")
        result = torch.load(out, weights_only=True)
    result["log"] = log
    return result


if __name__ == "__main__":
    train(parse_args())
