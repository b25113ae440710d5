"""Solutions to the exercises of ``00_setup.ipynb``."""

from course_utils.env import FAST_ENV_VAR, get_device


def device_name() -> str:
    """The device kind get_device() picks here."""
    return get_device().type


mnist_train_size = 5000
fast_switch = FAST_ENV_VAR
