"""User-facing errors.

Every error that reaches a user is one line that names the bad value and what would be
valid (PRODUCT.md §9). Library code raises these; the CLI prints ``str(error)`` on stderr
and exits with ``error.exit_code``.
"""

from __future__ import annotations


class SignaalError(Exception):
    """An error caused by input or environment, with a message meant for the user."""

    exit_code = 2

    def __init__(self, message: str):
        # Keep the message to one line whatever the caller passed in.
        super().__init__(" ".join(str(message).split()))


class InputError(SignaalError):
    """A bad parameter: region, quarter, theme, language, vintage, path."""


class CatalogueError(SignaalError):
    """The indicator catalogue does not match its schema."""


class DataError(SignaalError):
    """The data store or a vintage is missing, corrupt or does not cover a request."""


class SourceError(SignaalError):
    """A data source (CBS, PDOK, DUO, a manual table) failed or answered nonsense."""

    exit_code = 3


class NotebookError(SignaalError):
    """A theme notebook raised while it was executed."""

    exit_code = 4


def suggest(value: str, valid: list[str] | tuple[str, ...], limit: int = 12) -> str:
    """Format the list of valid values for a message, with the closest matches first."""
    import difflib

    valid = list(valid)
    close = difflib.get_close_matches(value, valid, n=3, cutoff=0.6)
    hint = "did you mean " + " or ".join(repr(c) for c in close) + "? " if close else ""
    shown = ", ".join(valid[:limit]) + (f", … ({len(valid)} in all)" if len(valid) > limit else "")
    return f"{hint}valid: {shown}"
