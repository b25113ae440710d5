"""Publishing the lessons: Colab cells, reveal.js decks and the offline course site.

Maintainer tools, not lesson code (no notebook imports them):

- ``colab``: the "Open in Colab" badge and the guarded install cell, written into every
  notebook idempotently, and the install step that cell runs on Colab;
- ``slides``: tags heading cells as slides and builds one reveal.js deck per lesson, served
  from the copy of reveal.js in ``slides/reveal.js`` (no CDN);
- ``site``: the executed lessons as HTML pages with an index and navigation, browsable from the
  file system, with a check that every figure a lesson draws is on its page.

``python -m course_utils.publish --help`` lists the commands (``python course.py build`` and
``python course.py slides`` call them).
"""
