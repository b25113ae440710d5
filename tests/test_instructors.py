"""The instructors' guide agrees with the lessons, and the course says how it is licensed.

- ``INSTRUCTORS.md`` is what ``python -m course_utils.publish instructors`` writes (not stale);
- its table of minutes is :func:`course_utils.readiness.lesson_minutes`, the source of every
  lesson header's **Time** line, and the headers say the same totals;
- no slot of its schedules is shorter than the lessons in it, and every lesson is scheduled;
- every lesson has its teaching notes right after its header; the generator reads their four
  items, and stops, writing nothing, when a notebook has none;
- the glossary defines the course's terms with the lesson that introduces each;
- README names both licences; ``LICENSE-CONTENT.md`` gives CC BY 4.0 with its links.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from course_utils import readiness
from course_utils.publish import instructors
from course_utils.publish.__main__ import main as publish_main
from course_utils.readiness import lesson_minutes

ROOT = Path(__file__).resolve().parents[1]
GUIDE = ROOT / "INSTRUCTORS.md"
NOTES = """<details><summary>Teaching notes</summary>

- **Stress:** the output size formula,
  worked once on the board.
- **Misconception:** that padding adds information.
- **Where learners get stuck:** off-by-one errors in the loops.
- **If short of time:** skip section 5.

</details>"""


def guide_text() -> str:
    return GUIDE.read_text(encoding="utf-8")


def block(text: str, name: str) -> str:
    """The generated text between the markers of block ``name``."""
    begin, end = instructors.BEGIN.format(name), instructors.END.format(name)
    assert begin in text and end in text, f"INSTRUCTORS.md lacks the {name!r} markers"
    return text.split(begin, 1)[1].split(end, 1)[0]


def table_rows(markdown: str) -> list[list[str]]:
    """The cells of every table row in ``markdown`` (header and rule rows left out)."""
    rows = [[c.strip() for c in line.strip().strip("|").split("|")]
            for line in markdown.splitlines() if line.startswith("|")]
    return [r for r in rows if not set(r[0]) <= set("-:") and r[0] not in ("lesson", "time")]


def guide_minutes(text: str) -> dict[str, tuple[int, int, int, int]]:
    """``{lesson number: (reading, exercises, computing, total)}`` as the guide's table says."""
    found = {}
    for row in table_rows(block(text, "times")):
        if re.match(r"\d\d ", row[0]):
            found[row[0][:2]] = tuple(int(row[i].split()[0]) for i in range(1, 5))
    return found


def scheduled_slots(text: str, name: str) -> list[tuple[int, list[str]]]:
    """``[(slot minutes, [lesson numbers])]`` read from schedule ``name`` as printed."""
    slots = []
    for row in table_rows(block(text, name)):
        start, end = (int(h) * 60 + int(m) for h, m in re.findall(r"(\d\d):(\d\d)", row[0]))
        slots.append((end - start, re.findall(r"(?:^|, )(\d\d) ", row[1])))
    return slots


def test_the_guide_is_what_the_generator_writes():
    text = guide_text()
    assert instructors.render_guide(text, instructors.lesson_notebooks()) == text, (
        "INSTRUCTORS.md is stale: run python -m course_utils.publish instructors")


def test_every_lessons_minutes_in_the_guide_are_the_headers_source():
    minutes = guide_minutes(guide_text())
    assert sorted(minutes) == sorted(readiness.READING_MINUTES)
    for number, row in minutes.items():
        assert row == tuple(lesson_minutes(number)), number
        assert row[3] == sum(row[:3]), number


def test_every_lesson_header_says_the_guides_total():
    minutes = guide_minutes(guide_text())
    for number, path in instructors.lesson_notebooks().items():
        nb = nbformat.read(path, as_version=4)
        lines = [line for c in nb.cells if c.cell_type == "markdown"
                 for line in c.source.splitlines()
                 if line.startswith(readiness.TIME_LINE_START)]
        assert lines == [readiness.time_line(number)], (
            f"{path.name}: run python -m course_utils.publish prepare {path}")
        assert f"about {minutes[number][3]} minutes:" in lines[0]


@pytest.mark.parametrize("number", sorted(readiness.READING_MINUTES))
def test_every_lesson_has_its_notes_right_after_its_header(number):
    path = instructors.lesson_notebooks()[number]
    nb = nbformat.read(path, as_version=4)
    notes = instructors.teaching_notes(nb, path.name)
    assert all(len(text.split()) >= 5 for text in notes.values()), notes
    header = next(i for i, c in enumerate(nb.cells)
                  if c.cell_type == "markdown" and c.source.startswith(f"# {number} "))
    first = next(i for i, c in enumerate(nb.cells)
                 if instructors.NOTES_TAG in c.metadata.get("tags", []))
    assert first == header + 1, f"{path.name}: the lesson's notes go right after its header"


@pytest.mark.parametrize("schedule", [s.block for s in instructors.SCHEDULES])
def test_no_slot_in_the_guide_is_shorter_than_its_lessons(schedule):
    slots = scheduled_slots(guide_text(), schedule)
    assert sum(1 for _, lessons in slots if lessons) >= 4
    for length, lessons in slots:
        need = sum(lesson_minutes(n).total for n in lessons)
        assert length >= need, f"{schedule}: {length} min for lessons {lessons} ({need} min)"


def test_every_lesson_is_scheduled_and_the_five_day_course_has_them_all_in_order():
    text = guide_text()
    five_day = [n for _, lessons in scheduled_slots(text, "five-day") for n in lessons]
    assert five_day == sorted(readiness.READING_MINUTES)
    two_day = {n for _, lessons in scheduled_slots(text, "two-day") for n in lessons}
    assert {"00", "01", "02", "05", "07", "18"} <= two_day


def test_a_slot_shorter_than_its_lessons_is_refused():
    short = instructors.Schedule("two-day", (
        ("Day 1", "09:00", (instructors.Slot(60, ("14", "15")),)),))
    need = lesson_minutes("14").total + lesson_minutes("15").total
    problems = instructors.slot_problems(short)
    assert problems == [f"two-day, Day 1: the 60-minute slot for 14, 15 is shorter than their "
                        f"{need} minutes (reading + exercises + computing)"]
    with pytest.raises(ValueError, match="lengthen the slot"):
        instructors.schedule_block(short, {"14": "14 a", "15": "15 b"})
    assert [p for s in instructors.SCHEDULES for p in instructors.slot_problems(s)] == []


def test_a_schedule_naming_an_unknown_lesson_is_refused():
    wrong = instructors.Schedule("x", (("Day 1", "09:00", (instructors.Slot(90, ("19",)),)),))
    assert instructors.slot_problems(wrong) == ["x, Day 1: no lesson ['19']"]


def test_teaching_notes_give_the_four_items_with_folded_lines_joined():
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# 02 · Convolution"),
        nbformat.v4.new_markdown_cell(NOTES, metadata={"tags": ["notes"]}),
        nbformat.v4.new_markdown_cell("<details><summary>Teaching notes</summary>\n\n"
                                      "- **Stress:** a later note\n\n</details>",
                                      metadata={"tags": ["notes"]})])
    assert instructors.teaching_notes(nb, "02_x.ipynb") == {
        "Stress": "the output size formula, worked once on the board.",
        "Misconception": "that padding adds information.",
        "Where learners get stuck": "off-by-one errors in the loops.",
        "If short of time": "skip section 5."}


def test_notes_without_an_item_or_without_a_cell_are_named_with_the_fix():
    cell = nbformat.v4.new_markdown_cell(NOTES.replace("- **Misconception:** that padding "
                                                       "adds information.\n", ""),
                                         metadata={"tags": ["notes"]})
    with pytest.raises(ValueError, match="02_x.ipynb: its first 'notes' cell .* lacks "
                                         "'Misconception'"):
        instructors.teaching_notes(nbformat.v4.new_notebook(cells=[cell]), "02_x.ipynb")
    with pytest.raises(ValueError, match="02_x.ipynb has no teaching notes: add a markdown cell "
                                         "tagged 'notes'"):
        instructors.teaching_notes(nbformat.v4.new_notebook(cells=[]), "02_x.ipynb")


def test_exercises_are_counted_by_their_ids():
    cells = [nbformat.v4.new_markdown_cell("**Exercise 1 (ch02.ex1).** a"),
             nbformat.v4.new_markdown_cell("**Exercise 2 (ch02.ex2).** b; see (ch02.ex1)"),
             nbformat.v4.new_code_cell("check((ch02.ex9))")]
    assert instructors.exercise_count(nbformat.v4.new_notebook(cells=cells)) == 2


def lessons_folder(tmp_path: Path, without_notes: str | None = None) -> Path:
    """A folder of one small notebook per lesson, each with notes (but ``without_notes``)."""
    folder = tmp_path / "notebooks"
    folder.mkdir()
    for number in readiness.READING_MINUTES:
        cells = [nbformat.v4.new_markdown_cell(f"# {number} · Lesson {number}: a subtitle"),
                 nbformat.v4.new_markdown_cell(f"**Exercise 1 (ch{number}.ex1).** x")]
        if number != without_notes:
            cells.insert(1, nbformat.v4.new_markdown_cell(NOTES, metadata={"tags": ["notes"]}))
        nbformat.write(nbformat.v4.new_notebook(cells=cells), folder / f"{number}_lesson.ipynb")
    return folder


def markers() -> str:
    names = ["times"] + [s.block for s in instructors.SCHEDULES] + ["lessons"]
    return "".join(f"## {n}\n\n{instructors.BEGIN.format(n)}\nOUT OF DATE\n"
                   f"{instructors.END.format(n)}\n\nHand-written text.\n\n" for n in names)


def test_the_generator_writes_each_block_and_leaves_the_hand_written_text(tmp_path, capsys):
    guide = tmp_path / "INSTRUCTORS.md"
    guide.write_text("# Guide\n\nKept.\n\n" + markers())
    folder = lessons_folder(tmp_path)
    assert instructors.update_guide(guide, folder, check=True) == 1
    assert "is stale" in capsys.readouterr().err
    assert instructors.update_guide(guide, folder) == 0
    text = guide.read_text()
    assert "OUT OF DATE" not in text and text.count("Hand-written text.") == 4 and "Kept." in text
    assert "| 05 Lesson 05 | 75 | 25 | 3 | 103 |" in text
    assert ("### 02 Lesson 02\n\nAbout 81 minutes: 45 of reading, 35 for 1 exercise, 1 of "
            "computing.") in text
    assert "- **Pitfall or misconception:** that padding adds information." in text
    assert instructors.update_guide(guide, folder, check=True) == 0
    assert instructors.update_guide(guide, folder) == 0
    assert "unchanged" in capsys.readouterr().out


def test_a_notebook_without_notes_stops_the_generator_and_nothing_is_written(tmp_path,
                                                                             capsys):
    guide = tmp_path / "INSTRUCTORS.md"
    guide.write_text(markers())
    assert instructors.update_guide(guide, lessons_folder(tmp_path, without_notes="07")) == 1
    error = capsys.readouterr().err
    assert "not written: 07_lesson.ipynb has no teaching notes" in error
    assert "- **Stress:** ..." in error and guide.read_text() == markers()


def test_a_guide_without_markers_or_a_lesson_without_times_is_refused(tmp_path, capsys):
    guide = tmp_path / "INSTRUCTORS.md"
    guide.write_text(markers().replace(instructors.END.format("lessons"), ""))
    folder = lessons_folder(tmp_path)
    assert instructors.update_guide(guide, folder) == 1
    assert "needs the lines '<!-- BEGIN generated: lessons -->'" in capsys.readouterr().err
    nbformat.write(nbformat.v4.new_notebook(), folder / "19_new.ipynb")
    with pytest.raises(ValueError, match="add the missing times there"):
        instructors.lesson_notebooks(folder)


def test_the_command_line_checks_the_guide(monkeypatch, tmp_path):
    guide = tmp_path / "INSTRUCTORS.md"
    guide.write_text(markers())
    monkeypatch.setattr(instructors, "GUIDE", guide)
    monkeypatch.setattr(instructors, "NOTEBOOK_FOLDER", lessons_folder(tmp_path))
    assert publish_main(["instructors", "--check"]) == 1
    assert publish_main(["instructors"]) == 0
    assert publish_main(["instructors", "--check"]) == 0


GLOSSARY_ENTRY = re.compile(r"^- \*\*(.+?)\*\* \(lesson (\d\d)\): (.+)$")
REQUIRED_TERMS = (
    "Convolution", "Stride", "Padding", "Dilation", "Receptive field", "Feature map", "Pooling",
    "Batch normalisation", "Logits", "Softmax", "Cross-entropy", "Backpropagation", "SGD",
    "Adam", "One-cycle schedule", "Epoch", "Overfitting", "Validation split", "Test set",
    "Fine-tuning", "CAM", "Grad-CAM", "Saliency map", "FGSM", "PGD", "ε-ball",
    "Robust accuracy", "Focal loss", "Confident learning", "int8 quantisation", "ONNX", "DDP",
    "Successive halving", "TPE", "Text CNN",
)


def glossary() -> dict[str, tuple[str, str]]:
    """``{term: (lesson, definition)}`` from the ``- **Term** (lesson NN): ...`` lines."""
    entries = {}
    text = (ROOT / "GLOSSARY.md").read_text(encoding="utf-8").replace("\n  ", " ")
    for line in text.splitlines():
        match = GLOSSARY_ENTRY.match(line)
        if match:
            entries[match.group(1)] = (match.group(2), match.group(3))
    return entries


def test_the_glossary_defines_the_courses_terms_with_the_lesson_that_introduces_them():
    entries = glossary()
    assert len(entries) >= 50
    assert [t for t in REQUIRED_TERMS if t not in entries] == []
    lessons = instructors.lesson_notebooks()
    for term, (lesson, definition) in entries.items():
        assert lesson in lessons, term
        assert len(definition.split()) >= 8 and definition.endswith("."), term
    assert list(entries) == sorted(entries, key=str.casefold)


def test_readme_and_the_guide_link_the_glossary():
    for name in ("README.md", "INSTRUCTORS.md"):
        assert "](GLOSSARY.md)" in (ROOT / name).read_text(encoding="utf-8"), name


def test_readme_names_both_licences_and_the_content_licence_is_there():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "CC BY 4.0" in readme and "MIT" in readme
    assert "](LICENSE-CONTENT.md)" in readme and "](LICENSE)" in readme
    content = (ROOT / "LICENSE-CONTENT.md").read_text(encoding="utf-8")
    assert "https://creativecommons.org/licenses/by/4.0/" in content
    assert "https://creativecommons.org/licenses/by/4.0/legalcode" in content
    for covered in ("notebooks", "slides", "INSTRUCTORS.md", "GLOSSARY.md"):
        assert covered in content, covered
    assert (ROOT / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")
