#!/usr/bin/env bash
# Makes sure the end-to-end tests have a browser: Debian's Chromium, and an emoji font so screenshots show the
# app's emoji. Run by `npm test` (pretest). Set CHROMIUM_PATH to use another Chromium build instead.
set -euo pipefail

if [[ -n "${CHROMIUM_PATH:-}" ]]; then
  if [[ -x "$CHROMIUM_PATH" ]]; then exit 0; fi
  echo "CHROMIUM_PATH=$CHROMIUM_PATH is not an executable." >&2
  exit 1
fi
if [[ -x /usr/bin/chromium && -f /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf ]]; then
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "The end-to-end tests need Chromium: install it and set CHROMIUM_PATH to its executable." >&2
  exit 1
fi
sudo=""
if [[ "$(id -u)" != 0 ]]; then
  if ! command -v sudo >/dev/null 2>&1; then
    echo "The end-to-end tests need Chromium: run 'apt-get install chromium fonts-noto-color-emoji' as root." >&2
    exit 1
  fi
  sudo="sudo -n" # never waits for a password: fails with a message instead
fi
echo "Installing Debian's Chromium for the end-to-end tests (once)…"
export DEBIAN_FRONTEND=noninteractive
packages=(chromium fonts-noto-color-emoji)
if ! $sudo apt-get install -y --no-install-recommends "${packages[@]}" >/dev/null 2>&1; then
  if ! { $sudo apt-get update >/dev/null && $sudo apt-get install -y --no-install-recommends "${packages[@]}" >/dev/null; }; then
    echo "Could not install ${packages[*]} with apt-get: install them (or set CHROMIUM_PATH) and run npm test again." >&2
    exit 1
  fi
fi
/usr/bin/chromium --version
