#!/usr/bin/env bash
# Debian/Ubuntu packages Instructor App needs: Qt's runtime libraries (offscreen and X11/xcb),
# Xvfb for headless screenshots, DejaVu fonts, poppler-utils (pdftotext/pdftoppm in tests), and the
# PostgreSQL server the receiving service's tests start a throwaway cluster of (tests/core/pg.py).
# As root: installs what is missing with apt. Otherwise: prints the exact apt line and fails — except
# when only PostgreSQL is missing: its tests are then skipped (outside CI), so it is only suggested.
set -euo pipefail

PACKAGES=(
  libgl1 libegl1 libopengl0 libglib2.0-0 libdbus-1-3 libfontconfig1 libfreetype6
  libxkbcommon0 libxkbcommon-x11-0 libx11-xcb1 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1
  libxcb-image0 libxcb-render-util0 libxcb-shape0 libxcb-randr0 libxcb-xinerama0 libxcb-xkb1
  libxcb-xfixes0 libxrender1 libxi6 libsm6 libice6 libcups2
  fonts-dejavu-core xvfb xauth poppler-utils
)
OPTIONAL=(postgresql)

if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "system-deps: not a Debian/Ubuntu system; install Qt 6 runtime libraries by hand (see README)." >&2
  exit 0
fi

missing=()
for pkg in "${PACKAGES[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$pkg")
done
if ! python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then
  missing+=(python3-venv)
fi
required=${#missing[@]}
for pkg in "${OPTIONAL[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$pkg")
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -eq 0 ]; then
  echo "system-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
elif [ "$required" -eq 0 ]; then
  echo "system-deps: PostgreSQL is not installed; its tests will be skipped. To run them:" >&2
  echo "  sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
else
  echo "Missing system packages. Run this once, then 'make' again:" >&2
  echo "  sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
  exit 1
fi
