#!/usr/bin/env bash
# System packages modcap's tests and notebooks need, from Debian: Chromium (report test, driven by
# playwright-core with executablePath /usr/bin/chromium) and Jupyter (nbconvert + ipykernel, for the notebooks).
# Idempotent: installs only what is missing. Needs root (or sudo).
set -euo pipefail
missing=()
command -v chromium >/dev/null || missing+=(chromium)
/usr/bin/python3 -c 'import nbconvert' 2>/dev/null || missing+=(jupyter-nbconvert)
/usr/bin/python3 -c 'import ipykernel' 2>/dev/null || missing+=(python3-ipykernel)
/usr/bin/python3 -c 'import jupyter_client' 2>/dev/null || missing+=(jupyter-client)
if [ ${#missing[@]} -eq 0 ]; then exit 0; fi
echo "installing from Debian: ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
