"""Stage 3 · store: immutable vintages of the tidy observations table.

:mod:`.vintage` (the store and one vintage), :mod:`.refresh` (sources → a new vintage),
:mod:`.validation` (checks before a vintage is written), :mod:`.diff` (status, freshness and
revisions between vintages), :mod:`.sample` (the bundled synthetic sample).
"""

from .vintage import SAMPLE_ID, Store, Vintage

__all__ = ["SAMPLE_ID", "Store", "Vintage"]
