"""Exceptions that cross module boundaries, and their exit codes.

Every message is written for the person at the terminal: it says what is wrong
and what to do about it, in one line.
"""

EXIT_OK = 0
EXIT_USAGE = 2
EXIT_BAD_INPUT = 3
EXIT_INTERNAL = 4


class KetenlensError(Exception):
    """Base class for errors that ketenlens reports without a traceback."""

    exit_code = EXIT_INTERNAL


class BadInputError(KetenlensError):
    "The input cannot be used: unreadable, corrupt, encrypted, empty, too large or of the wrong type."

    exit_code = EXIT_BAD_INPUT


class LimitExceededError(BadInputError):
    "The input is larger or slower to read than the configured limits allow."


class UsageError(KetenlensError):
    "The command was called wrongly (a missing model folder, an unknown option value)."

    exit_code = EXIT_USAGE
