"""The ``exodb`` executable's entry point.

``exodb --help`` is what a new user types first, so it is answered from the cached text in
:mod:`exodb.cli.helptext` without importing click or anything else; a test keeps that text equal
to what click renders. Everything else goes to the click application in :mod:`exodb.cli`.
"""

from __future__ import annotations

import shutil
import sys


def run() -> None:
    if sys.argv[1:] in (["--help"], ["-h"]) and shutil.get_terminal_size().columns >= 80:
        from exodb.cli.helptext import MAIN_HELP

        try:
            sys.stdout.write(MAIN_HELP)
            sys.stdout.flush()
        except OSError as exc:  # a full disk, a closed pipe: one line, no traceback
            from exodb.io.outputstream import report, silence

            silence(sys.stdout)
            sys.exit(report(exc))
        return
    from exodb.cli import startup

    startup.begin()
    from exodb.cli.app import main

    main()
