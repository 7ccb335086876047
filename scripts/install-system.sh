#!/usr/bin/env bash
# Install the Debian 12 packages Kho needs, only those that are missing (apt-get needs root).
set -euo pipefail
packages=(
  python3-venv python3-dev build-essential gettext
  tesseract-ocr tesseract-ocr-vie tesseract-ocr-eng ghostscript unpaper pngquant qpdf poppler-utils
  fonts-noto-core fonts-liberation fonts-liberation2 fonts-dejavu-core
  libpdfbox2-java libactivation-java libjaxb-api-java default-jre-headless
  chromium
  postgresql postgresql-contrib
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "Cài gói hệ thống / installing system packages: ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null; then SUDO=sudo; else
    echo "Cần quyền root / run as root: apt-get install ${missing[*]}" >&2; exit 5; fi
else SUDO=""; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
