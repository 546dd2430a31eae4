"""``python -m funnel_core``: see :mod:`funnel_core.cli`."""

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
