"""The generated parts of ``INSTRUCTORS.md``: lesson times, two schedules, notes per lesson.

``python -m course_utils.publish instructors`` rewrites the text between each pair of marker
comments in the guide and leaves the hand-written parts alone::

    <!-- BEGIN generated: times -->
    ...
    <!-- END generated: times -->

- ``times``: reading, exercise and computing minutes per lesson, from
  :func:`course_utils.readiness.lesson_minutes` (the source of every lesson's **Time** line);
- ``two-day`` and ``five-day``: the schedules of :data:`SCHEDULES`, whose start times follow
  from the slot lengths; a slot shorter than the lessons it holds is refused;
- ``lessons``: per lesson, its minutes, its number of exercises and the four items of its
  lesson-level teaching notes (the first markdown cell tagged ``notes``, CONTRIBUTING.md).

A notebook without lesson-level notes, or with one of the four items missing, stops the
generator with a message that names the notebook and the fix; nothing is written then.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat

from course_utils.readiness import READING_MINUTES, RUN_SECONDS, lesson_minutes

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "INSTRUCTORS.md"
NOTEBOOK_FOLDER = ROOT / "notebooks"
NOTES_TAG = "notes"
NOTE_LABELS = ("Stress", "Misconception", "Where learners get stuck", "If short of time")
"""The four items every lesson-level notes cell holds, in the order the guide prints them."""
BEGIN = "<!-- BEGIN generated: {} -->"
END = "<!-- END generated: {} -->"
EXERCISE_ID = re.compile(r"\((ch\d\d\.ex\d+)\)")


@dataclass(frozen=True)
class Slot:
    """One row of a schedule: ``minutes`` long, holding ``lessons`` or else called ``label``."""

    minutes: int
    lessons: tuple[str, ...] = ()
    label: str = ""


@dataclass(frozen=True)
class Schedule:
    """A schedule: its marker name, and per day a title, a start (``"09:00"``) and slots."""

    block: str
    days: tuple[tuple[str, str, tuple[Slot, ...]], ...]


def _break(minutes: int = 15) -> Slot:
    return Slot(minutes, label="break")


LUNCH = Slot(60, label="lunch")
SCHEDULES = (
    Schedule("two-day", (
        ("Day 1: from pixels to a trained CNN", "09:00", (
            Slot(80, ("00", "01")), _break(), Slot(85, ("02",)), LUNCH, Slot(70, ("03",)),
            _break(), Slot(105, ("05",)), Slot(20, label="questions, exercises left over"))),
        ("Day 2: a real network, measured, explained, on the learners' photos", "09:00", (
            Slot(80, ("07",)), _break(), Slot(95, ("08",)), LUNCH, Slot(85, ("09",)), _break(),
            Slot(70, ("18",)), Slot(30, label="wrap-up: what to study next"))),
    )),
    Schedule("five-day", (
        ("Day 1", "09:00", (
            Slot(80, ("00", "01")), _break(), Slot(85, ("02",)), LUNCH, Slot(70, ("03",)),
            _break(), Slot(100, ("04",)))),
        ("Day 2", "09:00", (
            Slot(105, ("05",)), _break(), Slot(90, ("06",)), LUNCH, Slot(80, ("07",)), _break(),
            Slot(25, label="questions, exercises left over"))),
        ("Day 3", "09:00", (
            Slot(95, ("08",)), _break(), Slot(85, ("09",)), LUNCH, Slot(75, ("10",)), _break(),
            Slot(75, ("11",)))),
        ("Day 4", "09:00", (
            Slot(90, ("12",)), _break(), Slot(80, ("13",)), LUNCH, Slot(50, ("14",)), _break(),
            Slot(65, ("15",)))),
        ("Day 5", "09:00", (
            Slot(75, ("16",)), _break(), Slot(55, ("17",)), LUNCH, Slot(70, ("18",)), _break(),
            Slot(30, label="wrap-up: what to study next"))),
    )),
)
"""The guide's two schedules. Slot lengths are chosen by hand; :func:`slot_problems` checks
that each is at least the minutes of its lessons."""


def lesson_notebooks(folder: Path = NOTEBOOK_FOLDER) -> dict[str, Path]:
    """``{two-digit number: path}`` of the lessons in ``folder``, checked against readiness.

    Parameters
    ----------
    folder : Path
        A folder of ``NN_topic.ipynb`` notebooks.

    Returns
    -------
    dict[str, Path]
        In lesson order.
    """
    found = {p.name[:2]: p for p in sorted(Path(folder).glob("[0-9][0-9]_*.ipynb"))}
    if set(found) != set(READING_MINUTES):
        raise ValueError(f"the lessons in {folder} ({sorted(found)}) are not those with times "
                         f"in course_utils/readiness.py ({sorted(READING_MINUTES)}): add the "
                         "missing times there, or the missing notebook.")
    return found


def lesson_name(nb: nbformat.NotebookNode, path: Path) -> str:
    """``"05 Training a CNN from scratch"``: the number and the header's title up to a colon.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        The lesson; its first ``# NN · Title`` heading gives the title.
    path : Path
        Its file, e.g. ``05_training_from_scratch.ipynb``; the file name gives the title when
        the notebook has no such heading.
    """
    number, stem = Path(path).stem[:2], Path(path).stem[3:]
    for cell in nb.cells:
        first = cell.source.lstrip().split("\n", 1)[0] if cell.cell_type == "markdown" else ""
        if first.startswith("# "):
            title = first[2:].split("·", 1)[-1].split(":", 1)[0].strip()
            return f"{number} {title}"
    return f"{number} {stem.replace('_', ' ')}"


def teaching_notes(nb: nbformat.NotebookNode, name: str) -> dict[str, str]:
    """The four items of ``nb``'s lesson-level teaching notes (its first cell tagged ``notes``).

    Parameters
    ----------
    nb : nbformat.NotebookNode
    name : str
        The notebook's name, for the error message.

    Returns
    -------
    dict[str, str]
        ``{label: text}`` for every label of :data:`NOTE_LABELS`, in that order; an item folded
        over several lines is joined into one.
    """
    cells = [c for c in nb.cells if NOTES_TAG in c.get("metadata", {}).get("tags", [])]
    fix = (f"add a markdown cell tagged {NOTES_TAG!r} right after the header with the items "
           + ", ".join(f"'- **{label}:** ...'" for label in NOTE_LABELS)
           + " (CONTRIBUTING.md, 'Figures, captions and teaching notes').")
    if not cells:
        raise ValueError(f"{name} has no teaching notes: {fix}")
    items: dict[str, list[str]] = {}
    current = None
    for line in cells[0].source.splitlines():
        match = re.match(r"\s*[-*] \*\*(.+?):\*\*\s*(.*)", line)
        if match:
            current = match.group(1).strip()
            items[current] = [match.group(2).strip()]
        elif current and line.strip() and not line.lstrip().startswith("<"):
            items[current].append(line.strip())
        else:
            current = None
    notes = {label: " ".join(w for w in items.get(label, []) if w) for label in NOTE_LABELS}
    missing = [label for label, text in notes.items() if not text]
    if missing:
        raise ValueError(f"{name}: its first {NOTES_TAG!r} cell (the lesson's notes) lacks "
                         f"{', '.join(repr(m) for m in missing)}: {fix}")
    return notes


def exercise_count(nb: nbformat.NotebookNode) -> int:
    """How many exercises ``nb`` has: the distinct ``(chNN.exK)`` ids in its markdown.

    Parameters
    ----------
    nb : nbformat.NotebookNode
    """
    return len({m for c in nb.cells if c.cell_type == "markdown"
                for m in EXERCISE_ID.findall(c.source)})


def _seconds(seconds: float) -> str:
    return f"{seconds:.0f} s" if seconds >= 10 else f"{seconds:.1f} s"


def times_block(names: dict[str, str]) -> str:
    """The table of minutes per lesson (and the measured seconds they come from).

    Parameters
    ----------
    names : dict[str, str]
        ``{number: name}`` of every lesson, in order (:func:`lesson_name`).
    """
    rows = ["| lesson | reading | exercises | computing | total | run, fast mode | "
            "run, default mode |", "|---|---:|---:|---:|---:|---:|---:|"]
    for number, name in names.items():
        m = lesson_minutes(number)
        fast, full = RUN_SECONDS[number]
        rows.append(f"| {name} | {m.reading} | {m.exercises} | {m.computing} | "
                    f"{m.total} | {_seconds(fast)} | {_seconds(full)} |")
    sums = [sum(lesson_minutes(n)[i] for n in names) for i in range(4)]
    rows.append(f"| all {len(names)} lessons | {sums[0]} | {sums[1]} | {sums[2]} | {sums[3]} "
                "(about {:.0f} hours) | | |".format(sums[3] / 60))
    return "\n".join(rows)


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def slot_problems(schedule: Schedule) -> list[str]:
    """Every slot of ``schedule`` shorter than the lessons it holds, or naming no known lesson.

    Parameters
    ----------
    schedule : Schedule

    Returns
    -------
    list[str]
        One sentence per problem; empty when every slot is long enough.
    """
    problems = []
    for title, _, slots in schedule.days:
        for slot in slots:
            unknown = [n for n in slot.lessons if n not in READING_MINUTES]
            if unknown:
                problems.append(f"{schedule.block}, {title}: no lesson {unknown}")
                continue
            need = sum(lesson_minutes(n).total for n in slot.lessons)
            if slot.minutes < need:
                problems.append(f"{schedule.block}, {title}: the {slot.minutes}-minute slot for "
                                f"{', '.join(slot.lessons)} is shorter than their {need} minutes "
                                "(reading + exercises + computing)")
    return problems


def schedule_block(schedule: Schedule, names: dict[str, str]) -> str:
    """The markdown of ``schedule``: per day a title and a table of slots with their times.

    Parameters
    ----------
    schedule : Schedule
    names : dict[str, str]
        ``{number: name}`` of the lessons (:func:`lesson_name`).
    """
    problems = slot_problems(schedule)
    if problems:
        raise ValueError("; ".join(problems) + ": lengthen the slot in "
                         "course_utils/publish/instructors.py (SCHEDULES).")
    parts = []
    for title, start, slots in schedule.days:
        hours, minutes = (int(x) for x in start.split(":"))
        clock = hours * 60 + minutes
        rows = ["| time | lesson | minutes of material (reading + exercises + computing) |",
                "|---|---|---|"]
        for slot in slots:
            span = f"{_clock(clock)}–{_clock(clock + slot.minutes)}"
            clock += slot.minutes
            if not slot.lessons:
                rows.append(f"| {span} | {slot.label} | |")
                continue
            times = [lesson_minutes(n) for n in slot.lessons]
            detail = " and ".join(f"{t.reading} + {t.exercises} + {t.computing}" for t in times)
            rows.append(f"| {span} | {', '.join(names[n] for n in slot.lessons)}"
                        f" | {sum(t.total for t in times)} ({detail}) |")
        parts.append(f"**{title}**\n\n" + "\n".join(rows))
    return "\n\n".join(parts)


def lessons_block(lessons: dict[str, tuple[Path, nbformat.NotebookNode]]) -> str:
    """Per lesson: its minutes, its exercises, and its teaching notes' four items.

    Parameters
    ----------
    lessons : dict[str, tuple[Path, nbformat.NotebookNode]]
        ``{number: (path, notebook)}``; each notebook must have lesson-level teaching notes.
    """
    parts = []
    for number, (path, nb) in lessons.items():
        notes = teaching_notes(nb, path.name)
        m = lesson_minutes(number)
        count = exercise_count(nb)
        lines = [f"### {lesson_name(nb, path)}", "",
                 f"About {m.total} minutes: {m.reading} of reading, {m.exercises} for "
                 f"{count} exercise{'s' if count != 1 else ''}, {m.computing} of computing.", "",
                 f"- **What to stress:** {notes['Stress']}",
                 f"- **Pitfall or misconception:** {notes['Misconception']}",
                 f"- **Where learners get stuck:** {notes['Where learners get stuck']}",
                 f"- **What can be cut:** {notes['If short of time']}"]
        parts.append("\n".join(lines))
    return "\n\n".join(parts)


def render_guide(text: str, notebooks: dict[str, Path]) -> str:
    """``text`` (the guide) with every generated block rewritten; the rest left as it is.

    Parameters
    ----------
    text : str
        The guide's markdown, holding each block's ``BEGIN``/``END`` marker once.
    notebooks : dict[str, Path]
        ``{number: path}``, as :func:`lesson_notebooks` returns it.

    Returns
    -------
    str
        The new text. Raises ``ValueError`` naming the fix when a marker is missing, a slot is
        too short, or a notebook lacks its teaching notes.
    """
    lessons = {n: (p, nbformat.read(p, as_version=4)) for n, p in notebooks.items()}
    names = {n: lesson_name(nb, p) for n, (p, nb) in lessons.items()}
    blocks = {"times": times_block(names)}
    blocks.update({s.block: schedule_block(s, names) for s in SCHEDULES})
    blocks["lessons"] = lessons_block(lessons)
    for name, body in blocks.items():
        begin, end = BEGIN.format(name), END.format(name)
        if text.count(begin) != 1 or text.count(end) != 1 or text.index(begin) > text.index(end):
            raise ValueError(f"the guide needs the lines {begin!r} and {end!r}, once each and in "
                             "that order, where the generated text goes.")
        head, rest = text.split(begin)
        text = f"{head}{begin}\n{body}\n{end}{rest.split(end, 1)[1]}"
    return text


def update_guide(guide: Path | None = None, folder: Path | None = None, *, check: bool = False
                 ) -> int:
    """Rewrite the generated blocks of ``guide`` from the notebooks in ``folder``.

    Parameters
    ----------
    guide : Path, optional
        The instructors' guide; :data:`GUIDE` (the course's ``INSTRUCTORS.md``) by default.
    folder : Path, optional
        The lessons' folder; :data:`NOTEBOOK_FOLDER` by default.
    check : bool
        Only compare: write nothing, and return 1 if the guide is not what would be written.

    Returns
    -------
    int
        The exit status: 0, or 1 after printing the reason to stderr.
    """
    guide = Path(guide or GUIDE)
    text = guide.read_text(encoding="utf-8")
    try:
        new = render_guide(text, lesson_notebooks(folder or NOTEBOOK_FOLDER))
    except (ValueError, KeyError) as error:
        print(f"{guide.name} not written: {error}", file=sys.stderr)
        return 1
    if check:
        if new != text:
            print(f"{guide.name} is stale: run python -m course_utils.publish instructors",
                  file=sys.stderr)
            return 1
        print(f"{guide}: up to date")
        return 0
    if new != text:
        guide.write_text(new, encoding="utf-8")
    print(f"{guide}: {'updated' if new != text else 'unchanged'}")
    return 0

