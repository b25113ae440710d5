"""``python -m course_utils.publish prepare | execute | slides | site | instructors``.

- ``prepare NB...``: add or update the Colab badge, the install cell, the header's time line
  (:func:`course_utils.readiness.time_line`) and the slide tags
  (idempotent: a notebook is written only when something changed);
- ``execute NB... --out DIR``: run each notebook in a fresh kernel (from ``notebooks/``) into
  ``DIR``, with its widget state, and write ``DIR/timings.json`` (seconds per notebook);
- ``slides NB... --out DIR``: one reveal.js deck per notebook, reveal.js copied beside them;
- ``site NB... --out DIR``: the pages of executed notebooks and ``index.html``;
- ``instructors [--check]``: rewrite the generated parts of ``INSTRUCTORS.md`` (lesson times,
  schedules, teaching notes per lesson; :mod:`course_utils.publish.instructors`), or with
  ``--check`` only say whether it is stale.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from course_utils.publish.captions import CaptionError
from course_utils.publish.colab import add_colab_cells
from course_utils.publish.header import write_time_line
from course_utils.publish.slides import build_decks, tag_slides
from course_utils.publish.website import build_site, execute


def prepare(path: Path) -> bool:
    """Add the Colab cells, the time line and slide tags to the notebook at ``path``.

    Parameters
    ----------
    path : Path

    Returns
    -------
    bool
        True if the notebook changed (it is written only then).
    """
    import nbformat

    before = path.read_text(encoding="utf-8")
    nb = nbformat.reads(before, as_version=4)
    add_colab_cells(nb, path.name)
    write_time_line(nb, path.name)
    tag_slides(nb)
    after = nbformat.writes(nb) + "\n"
    if after == before:
        return False
    path.write_text(after, encoding="utf-8")
    return True


def main(argv: list[str] | None = None) -> int:
    """Run the command line with ``argv`` (default ``sys.argv[1:]``); return the exit status.

    Parameters
    ----------
    argv : list[str], optional
    """
    parser = argparse.ArgumentParser(prog="python -m course_utils.publish", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("prepare").add_argument("notebooks", nargs="+", type=Path)
    for name in ("execute", "slides", "site"):
        command = commands.add_parser(name)
        command.add_argument("notebooks", nargs="+", type=Path)
        command.add_argument("--out", type=Path, required=True)
    commands.add_parser("instructors").add_argument("--check", action="store_true")
    args = parser.parse_args(argv)

    if args.command == "prepare":
        for path in args.notebooks:
            print(f"{path}: {'updated' if prepare(path) else 'unchanged'}")
        return 0
    if args.command == "instructors":
        from course_utils.publish.instructors import update_guide

        return update_guide(check=args.check)
    if args.command == "execute":
        import nbformat

        args.out.mkdir(parents=True, exist_ok=True)
        timings = {}
        for path in args.notebooks:
            start = time.perf_counter()
            nb = execute(nbformat.read(path, as_version=4), path.parent.resolve())
            timings[path.stem] = round(time.perf_counter() - start, 1)
            nbformat.write(nb, args.out / path.name)
            print(f"{path.name}: executed in {timings[path.stem]} s", flush=True)
        (args.out / "timings.json").write_text(json.dumps(timings, indent=1) + "\n")
        return 0
    builder = build_decks if args.command == "slides" else build_site
    try:
        pages = builder(args.notebooks, args.out)
    except CaptionError as error:
        print(f"the {args.command} were not built:\n{error}", file=sys.stderr)
        return 1
    for page in pages:
        print(page)
    return 0


if __name__ == "__main__":
    sys.exit(main())
