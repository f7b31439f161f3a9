"""The one base of the errors govassist reports to a person, and what each means to the CLI.

Every module raises its own subclass (the index is busy, a gold file is malformed, an upload is
refused); `govassist` prints any of them as "Error: <message>" and exits with its `exit_code`,
in one place (app/cli.py), instead of each command matching classes or messages.
"""

from __future__ import annotations


class GovassistError(Exception):
    """A problem told to the user in plain words (the message), never as a traceback."""

    # The command line's exit status: 1 when the work could not be done just now (a busy or
    # unreachable index, a failed write); 2 when it cannot be done as asked (no index yet, a
    # malformed file, an unknown document).
    exit_code: int = 1
