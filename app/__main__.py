"""``python -m app``: the same as the ``gptshelf`` command (handy before the package is installed)."""

import sys

from app.cli.main import main

if __name__ == "__main__":
    sys.exit(main())
