"""Stage 4 · indicators: the figures of the catalogue read from one vintage.

:class:`Data` opens a vintage and gives each indicator as a table or series per region and
period (resampled, derived); :mod:`.targets` holds the board's targets and their progress.
"""

from .data import Data, resample

__all__ = ["Data", "resample"]
