"""``python -m funnel_core``: see :mod:`funnel_core.cli`."""

import sys

from funnel_core.cli.main import main

if __name__ == "__main__":
    sys.exit(main())
