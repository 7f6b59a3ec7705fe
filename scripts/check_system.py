"""Check (and where possible install) what Signaal needs from the operating system.

Run by `make` before the virtual environment is created. WeasyPrint renders the PDFs with
Pango (and HarfBuzz's subsetter for font embedding); pip cannot install those. On Debian or
Ubuntu as root they are installed with apt-get; anywhere else this script says what to install
and stops, instead of letting the first PDF fail later.
"""

from __future__ import annotations

import ctypes.util
import os
import shutil
import subprocess
import sys

MIN_PYTHON = (3, 11)
# library soname stem → Debian package
NEEDED = {"pango-1.0": "libpango-1.0-0", "pangoft2-1.0": "libpangoft2-1.0-0"}
WANTED = {"harfbuzz-subset": "libharfbuzz-subset0"}
FONT_PACKAGES = ["fonts-dejavu-core"]


def missing(libs: dict[str, str]) -> list[str]:
    return [pkg for lib, pkg in libs.items() if ctypes.util.find_library(lib) is None]


def apt_install(packages: list[str]) -> bool:
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        return False
    print(f"check_system: installing {' '.join(packages)} with apt-get", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    ok = subprocess.run(["apt-get", "update", "-qq"], env=env).returncode == 0
    ok = (
        ok
        and subprocess.run(
            ["apt-get", "install", "-y", "-qq", "--no-install-recommends", *packages], env=env
        ).returncode
        == 0
    )
    return ok


def main() -> int:
    if sys.version_info < MIN_PYTHON:
        print(
            f"check_system: error: Python {sys.version.split()[0]} is too old; Signaal needs "
            f"{'.'.join(map(str, MIN_PYTHON))} or newer (set PYTHON=python3.11 when calling make)",
            file=sys.stderr,
        )
        return 1
    need = missing(NEEDED)
    if need:
        if not apt_install(need + missing(WANTED)):
            print(
                "check_system: error: WeasyPrint needs Pango, which is missing. Install it with "
                f"`sudo apt-get install {' '.join(need)}` (Debian/Ubuntu), `brew install pango` (macOS) "
                "or `conda install -c conda-forge pango` (conda, see environment.yml)",
                file=sys.stderr,
            )
            return 1
        if missing(NEEDED):
            print("check_system: error: Pango is still missing after apt-get install", file=sys.stderr)
            return 1
    want = missing(WANTED)
    if want and not apt_install(want):
        print(
            f"check_system: note: {' '.join(want)} is not installed; WeasyPrint works without it but "
            "will need it in future versions",
            file=sys.stderr,
        )
    print(f"check_system: ok (Python {sys.version.split()[0]}, Pango found)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
