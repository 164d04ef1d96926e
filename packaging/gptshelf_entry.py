"""The frozen app's entry point (PyInstaller runs this script, not ``app/__main__.py``).

``multiprocessing.freeze_support()`` must come first: the engine runs llama.cpp in a child started
with the ``spawn`` method, and in a frozen app that child is this same executable re-run with
``--multiprocessing-fork``. PyInstaller's runtime hook makes ``freeze_support`` divert such a run into
the child's code (on every OS, not only Windows) before the app imports Qt or parses the command line.
"""

import multiprocessing
import sys

if __name__ == "__main__":
    multiprocessing.freeze_support()
    from app.cli.main import main

    sys.exit(main())
