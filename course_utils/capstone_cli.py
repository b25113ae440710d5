"""``python -m course_utils train-folder DIR --out RUN_DIR``: the capstone pipeline as a command.

Introduced in ``18_your_own_images.ipynb``. Only the argument parser lives here (no heavy
imports, so ``python -m course_utils check`` stays fast); the work is
:func:`course_utils.capstone.train_folder`.
"""

from __future__ import annotations

import sys

TRAIN_FOLDER_HELP = """Train, evaluate, explain and export a classifier of your own images.

DIR holds one sub-folder per class (DIR/cats/*.jpg, DIR/dogs/*.jpg, ...): JPEG, PNG, WebP, BMP,
GIF, TIFF, HEIC (with pillow-heif); any size or colour mode; deeper folders belong to their class.
Hidden files and system folders are skipped; every file skipped is listed with its reason.
Decoded images are cached (keyed by each file's content), so a second run starts in seconds.

Steps: check the folder (duplicates, very small images, imbalance), a stratified training /
validation / test split, a linear probe and then fine-tuning of a pretrained network (the better
on validation is kept), the test set used once at the end, ONNX export with an int8 copy.

RUN_DIR receives: report.html (metrics with 95% bootstrap intervals, confusion matrix, the most
confident mistakes with Grad-CAM), metrics.json, confusion.png, mistakes.png, examples.png,
model.pt, model.onnx, model_int8.onnx, classes.txt (the class list), settings.json (the exact
settings) and folder.txt (what was done with every file).
Serve the model afterwards with: python -m course_utils.serve --model RUN_DIR"""


def add_train_folder_command(commands) -> None:
    """The ``train-folder`` sub-command of ``python -m course_utils``.

    Parameters
    ----------
    commands : argparse._SubParsersAction
        The sub-command parsers of ``python -m course_utils``.
    """
    import argparse

    parser = commands.add_parser("train-folder", help="train a classifier on a folder of your "
                                 "images, with a report", description=TRAIN_FOLDER_HELP,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", metavar="DIR", help="one sub-folder of images per class")
    parser.add_argument("--out", metavar="RUN_DIR", required=True,
                        help="folder for the report, the model and the settings")
    parser.add_argument("--model", choices=("auto", "mobilenet_v2", "resnet50"), default="auto",
                        help="pretrained network; auto: resnet50 when its weights are cached or "
                             "downloadable, else the shipped mobilenet_v2 (default: auto)")
    parser.add_argument("--epochs", type=int, default=None,
                        help="fine-tuning epochs (default 3; 1 with COURSE_FAST=1)")
    parser.add_argument("--validation", type=float, default=0.2,
                        help="share of each class for validation (default 0.2)")
    parser.add_argument("--test", type=float, default=0.2,
                        help="share of each class for the test set (default 0.2)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the split and training")
    parser.add_argument("--no-cache", action="store_true", help="decode every image again")
    parser.add_argument("--cache-dir", metavar="FOLDER", default=None,
                        help="where decoded images are kept (default: the course's cache "
                             "folder, image-folders/)")
    parser.add_argument("--no-int8", action="store_true", help="skip the int8 ONNX copy")
    parser.add_argument("--no-export", action="store_true",
                        help="skip the ONNX files (model.pt is still written)")
    parser.add_argument("--threads", type=int, default=None, help="torch CPU threads")
    parser.add_argument("--quiet", action="store_true", help="no progress bars")


def run_train_folder(args) -> int:
    """Run ``train-folder`` from parsed arguments; a bad folder prints its error (exit 2).

    Parameters
    ----------
    args : argparse.Namespace
        What the ``train-folder`` parser read.
    """
    import torch

    from course_utils.capstone import train_folder
    from course_utils.validation import InputError

    if args.threads:
        torch.set_num_threads(args.threads)
    try:
        train_folder(args.folder, args.out, backbone=args.model, epochs=args.epochs,
                     validation=args.validation, test=args.test, seed=args.seed,
                     cache=False if args.no_cache else args.cache_dir or True,
                     int8=not args.no_int8, onnx=not args.no_export,
                     progress=not args.quiet)
    except InputError as error:
        print(f"train-folder: {error}", file=sys.stderr)
        return 2
    return 0
