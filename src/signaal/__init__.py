"""Signaal: quarterly fact-and-figure briefings for Twente Board from open statistics.

The flow (PRODUCT.md §2): sources → raw snapshots → store (vintages) → indicators →
signals → notebooks → publish.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("signaal")
except PackageNotFoundError:  # running from a source tree without installing
    __version__ = "0+unknown"
