"""Helpers for the CNN image-classification course.

Import what a lesson needs by name, for example::

    from course_utils.env import get_device, seed_everything
    from course_utils.data import load_dataset

Importing this package has no side effects: nothing is printed, seeded, plotted or downloaded.
"""

__version__ = "0.1.0"
