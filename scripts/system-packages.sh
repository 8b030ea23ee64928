#!/usr/bin/env bash
# Install the Debian packages Python cannot bring (stack.md), where apt is available
# and we are root; otherwise say what is missing and which features need it.
set -u
PACKAGES=(chromium fonts-liberation2 fonts-noto-core fonts-noto-cjk espeak-ng libpulse0
  vorbis-tools liblouis-bin liblouis-data poppler-utils postgresql-client)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = "0" ]; then
  echo "Installing system packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null && exit 0
  echo "apt-get could not install: ${missing[*]}" >&2
fi
echo "Missing system packages: ${missing[*]}"
echo "  chromium: browser tests; fonts-liberation2, poppler-utils: PDF reports;"
echo "  fonts-noto-core, fonts-noto-cjk: the family documents in Arabic, Bengali, Chinese,"
echo "  Hindi, Punjabi and Urdu (pages and PDFs);"
echo "  espeak-ng, libpulse0, vorbis-tools: audio documents (oggenc); liblouis-*: Braille documents;"
echo "  postgresql-client: iro backup and iro restore on PostgreSQL (pg_dump, pg_restore)."
echo "  Those features will say they are unavailable until these are installed."
exit 0
