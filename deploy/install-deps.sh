#!/usr/bin/env bash
# Installs exactly the Debian 12 packages Soundings needs to build, test and run; does nothing when all are present.
set -euo pipefail

PACKAGES=(
  build-essential cmake pkg-config git
  libsqlite3-dev nlohmann-json3-dev libsodium-dev
  libcurl4-openssl-dev ca-certificates libcpp-httplib-dev libssl-dev
  libimgui-dev libglfw3-dev libgl-dev libstb-dev
  fonts-dejavu-core
  libespeak-ng-dev espeak-ng-data libasound2-dev
  catch2
  xvfb xauth xdotool libgl1-mesa-dri
  sqlite3 procps python3 openssl faketime
  postgresql-15 postgresql-client-15 libpq-dev
  libxlsxwriter-dev
  chromium chromium-driver python3-selenium libreoffice-calc-nogui
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

# npm fetches axe-core for the console's accessibility tests; a machine with Node.js from elsewhere keeps it.
if ! command -v npm >/dev/null 2>&1; then missing+=(nodejs npm); fi

if [ "${#missing[@]}" -eq 0 ]; then
  echo "install-deps: all ${#PACKAGES[@]} packages present"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
