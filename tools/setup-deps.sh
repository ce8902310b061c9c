#!/usr/bin/env bash
# Installs what building and testing nash-llm-server needs on Debian (or a
# Debian-based system), and nothing when it is all there already.
set -euo pipefail

packages=(cmake g++ make pkg-config libpoco-dev libcppunit-dev dpkg-dev node-llhttp prometheus-cpp-dev)
# --tests: what only the test suites use (promtool checks the /metrics page).
if [ "${1:-}" = "--tests" ]; then
    packages+=(prometheus)
fi
missing=()
for package in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$package")
    fi
done

if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi

echo "Installing: ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
        sudo="sudo"
    else
        echo "These packages are missing and this user cannot install them: ${missing[*]}" >&2
        echo "Run as root: apt-get update && apt-get install -y ${missing[*]}" >&2
        exit 1
    fi
fi
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
