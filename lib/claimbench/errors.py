"""User-facing errors: one line naming what is wrong; the CLI exits 2 on them."""

from __future__ import annotations


class UserError(Exception):
    """Bad input from a user (option, file, id, unreachable server).

    The message is one line that names the offending option, file or field. The CLI prints it as
    ``claimbench: error: <message>`` and exits with status 2, without a traceback.
    """

    exit_code = 2

    def __init__(self, message: str):
        super().__init__(" ".join(str(message).split()))


class IncompleteError(UserError):
    """Work was done and kept, but not all of it: an output could not be written, or a run could
    not be finalized. One line saying what failed and where the kept data is; exit status 1."""

    exit_code = 1


def did_you_mean(name: str, choices) -> str:
    """A ' (did you mean X?)' suffix for an unknown name, or '' when nothing is close."""
    import difflib

    close = difflib.get_close_matches(name, list(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""
