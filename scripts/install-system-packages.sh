#!/usr/bin/env bash
# Debian packages Doudi needs: Noto CJK fonts (embedded in the PDF documents; `make run`) and,
# for the test suite, Chromium (driven by Playwright in the browser tests; `make test`) and
# PostgreSQL's client programs (pg_dump/pg_restore: `doudi backup`, the restore drill).
#   scripts/install-system-packages.sh fonts   # the server's needs only
#   scripts/install-system-packages.sh         # everything, for the tests
# Installs only what is missing.
set -euo pipefail
needed=()
[ -e /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc ] || needed+=(fonts-noto-cjk)
if [ "${1:-all}" != fonts ]; then
  command -v chromium >/dev/null 2>&1 || needed+=(chromium)
  command -v pg_dump >/dev/null 2>&1 || needed+=(postgresql-client)
fi
[ ${#needed[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "Please install these Debian packages first: ${needed[*]}" >&2
  exit 1
fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${needed[@]}" >/dev/null
