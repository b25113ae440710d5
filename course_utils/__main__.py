"""Command line: ``python -m course_utils check``, ``prefetch``, ``progress``, ``train-folder``.

``check`` prints the readiness report (exit status 1 when something is wrong); ``prefetch NAME...``
downloads full datasets into the cache while a network is there, for use offline later;
``progress`` lists, per notebook, the exercises passed on this machine; ``train-folder DIR --out
RUN_DIR`` trains, evaluates, explains and exports a classifier of a folder of your own images
(``python -m course_utils train-folder --help``).
"""

from __future__ import annotations

import argparse
import sys

from course_utils.capstone_cli import add_train_folder_command, run_train_folder
from course_utils.data.online import FULL_DATASETS, OfflineError, load_full_dataset
from course_utils.exercises import progress
from course_utils.exercises.framework import all_exercises
from course_utils.readiness import format_report, readiness_report


def main(argv: list[str] | None = None) -> int:
    """Run the command line with ``argv`` (default ``sys.argv[1:]``); return the exit status.

    Parameters
    ----------
    argv : list[str], optional
    """
    parser = argparse.ArgumentParser(prog="python -m course_utils", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("check", help="print the readiness report")
    prefetch = commands.add_parser("prefetch", help="download full datasets while online")
    prefetch.add_argument("names", nargs="+", choices=sorted(FULL_DATASETS))
    commands.add_parser("progress", help="list the exercises passed, per notebook")
    add_train_folder_command(commands)
    args = parser.parse_args(argv)

    if args.command == "train-folder":
        return run_train_folder(args)

    if args.command == "progress":
        print(f"Progress record: {progress.progress_path()}")
        print(progress.report(all_exercises(), progress.load()))
        return 0
    if args.command == "check":
        report = readiness_report()
        print(format_report(report))
        return 0 if report["ready"] else 1
    for name in args.names:
        try:
            for split in ("train", "test"):
                print(f"{name}/{split}: {len(load_full_dataset(name, split)):,} items cached")
        except OfflineError as error:
            print(error, file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
