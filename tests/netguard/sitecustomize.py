"""Loaded by every Python process the tests start (notebook kernels included).

The tests put this folder first on PYTHONPATH; Python imports ``sitecustomize`` at start-up, so
each child process refuses non-loopback connections just like the test process itself.
"""

import course_netguard

course_netguard.install()
