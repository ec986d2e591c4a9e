#!/usr/bin/env bash
# Install the Debian/Ubuntu packages that archstudio and its test suite need.
#
# Idempotent: when everything is present it only asks dpkg and exits in well under a second.
# As root it runs `apt-get update` (once) and `apt-get install` for what is missing. As another
# user it installs nothing and lists what to install; the tests that need a missing tool then
# say "NOT TESTED" (or fail, when CI=true).
set -euo pipefail

PACKAGES=(
    # Running the studio (PySide6 wheels bring Qt; these are the system libraries Qt's xcb,
    # offscreen and EGL platform plugins load).
    libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4
    libxcb-keysyms1 libxcb-shape0 libxcb-render-util0 libxcb-image0 libfontconfig1
    libdbus-1-3 fonts-dejavu-core
    # Building the venv with Debian's python3.
    python3 python3-venv make
    # Real consumers of exported files, used by the tests.
    graphviz postgresql mariadb-server sqlite3 chromium xvfb
)

missing=()
while read -r package status; do
    [[ $status == installed ]] || missing+=("$package")
done < <(
    for package in "${PACKAGES[@]}"; do
        printf '%s %s\n' "$package" \
            "$(dpkg-query -W -f='${db:Status-Status}' "$package" 2>/dev/null || echo absent)"
    done
)
# Node.js may come from elsewhere (e.g. NodeSource): only ask Debian for it when there is none.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    missing+=(nodejs npm)
fi

if ((${#missing[@]} == 0)); then
    echo "setup-system: all ${#PACKAGES[@]} system packages are installed."
    exit 0
fi

if [[ $(id -u) -ne 0 ]]; then
    echo "setup-system: NOT installing system packages (not root). Missing:"
    echo "    sudo apt-get install ${missing[*]}"
    echo "setup-system: tests needing them will be skipped as NOT TESTED."
    exit 0
fi

echo "setup-system: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# Keep the packages' postinst from starting the machine-wide PostgreSQL and MariaDB services:
# the tests run private servers of their own.
if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod +x /usr/sbin/policy-rc.d
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
fi
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
echo "setup-system: done."
