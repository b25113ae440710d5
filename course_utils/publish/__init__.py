"""Publishing the lessons: Colab cells, reveal.js decks and the offline course site.

Maintainer tools, not lesson code (no notebook imports them):

- ``colab``: the "Open in Colab" badge and the guarded install cell, written into every
  notebook idempotently, and the install step that cell runs on Colab;
- ``slides``: tags heading cells as slides and builds one reveal.js deck per lesson, served
  from the copy of reveal.js in ``slides/reveal.js`` (no CDN);
- ``deck``: what goes on each slide (one idea per slide, code and output cut to fit, the
  speaker notes);
- ``website``: the executed lessons as HTML pages with an index, navigation, the guides and a
  licence footer, browsable from the file system, with a check that every figure a lesson draws
  is on its page;
- ``captions``: the ``*Figure:*`` caption lines matched to the figures a cell draws (the pages'
  alt text; the notebook tests run the same count);
- ``snapshot``: an explorer stored in an executed notebook as static HTML (its picture, readouts
  and controls' values);
- ``instructors``: INSTRUCTORS.md's times, schedules and per-lesson notes from
  ``course_utils.readiness`` and the lessons' teaching notes;
- ``header``: the header's time line.

``python -m course_utils.publish --help`` lists the commands (``python course.py build`` and
``python course.py slides`` call them).
"""
