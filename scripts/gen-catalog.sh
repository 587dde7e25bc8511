#!/usr/bin/env bash
# Regenerates internal/catalog/catalog.json from Twilio's OpenAPI description,
# as shipped in the npm package @twilio-alpha/mcp (twilio-oai/spec/json).
#   scripts/gen-catalog.sh            # the pinned version
#   SPEC_PACKAGE=@twilio-alpha/mcp@0.8.0 scripts/gen-catalog.sh
set -euo pipefail
cd "$(dirname "$0")/.."
PKG=${SPEC_PACKAGE:-@twilio-alpha/mcp@0.7.0}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "$PKG" >/dev/null && tar xzf ./*.tgz)
go run ./internal/catalog/gen -spec "$tmp/package/twilio-oai/spec/json" -source "$PKG" -out internal/catalog/catalog.json
echo "catalog: $(grep -c '"module"' internal/catalog/catalog.json) resources from $PKG"
