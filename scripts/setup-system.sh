#!/usr/bin/env bash
# Make sure the system programs the build needs are present: Python 3.11 with
# venv, Chromium for printing reports to PDF, and poppler-utils (pdftotext,
# pdftoppm) for the tests that read the PDFs as a reader would. Installs them with apt-get
# when it can (root, or passwordless sudo); otherwise says what to install.
set -euo pipefail

PYTHON=${1:-python3}
missing=()

if ! command -v "$PYTHON" >/dev/null 2>&1 ||
   ! "$PYTHON" -c 'import sys, venv, ensurepip; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null; then
  missing+=(python3.11 python3.11-venv)
fi
chromium=""
if [ -n "${CHROMIUM_PATH:-}" ] && [ -x "${CHROMIUM_PATH}" ]; then
  chromium=$CHROMIUM_PATH
else
  for name in chromium chromium-browser google-chrome google-chrome-stable; do
    if command -v "$name" >/dev/null 2>&1; then chromium=$(command -v "$name"); break; fi
  done
fi
[ -n "$chromium" ] || missing+=(chromium fonts-dejavu-core)
{ command -v pdftotext && command -v pdftoppm; } >/dev/null 2>&1 || missing+=(poppler-utils)

[ ${#missing[@]} -eq 0 ] && exit 0

if command -v apt-get >/dev/null 2>&1; then
  if [ "$(id -u)" -eq 0 ]; then SUDO=""; elif sudo -n true 2>/dev/null; then SUDO="sudo -n"; else SUDO=none; fi
  if [ "$SUDO" != none ]; then
    echo "setup: installing system packages: ${missing[*]}"
    $SUDO apt-get update -qq >/dev/null
    if DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; then
      exit 0
    fi
  fi
fi
echo "error: missing system packages: ${missing[*]}" >&2
echo "       install them (Debian/Ubuntu: sudo apt-get install ${missing[*]}), or set" >&2
echo "       CHROMIUM_PATH to a Chromium or Chrome executable, then run make again" >&2
if [[ " ${missing[*]} " == *" python3.11 "* ]]; then
  echo "       ('$PYTHON' is not Python 3.11 with venv; make uses python3.11 once it is installed)" >&2
fi
exit 1
