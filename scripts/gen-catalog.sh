#!/usr/bin/env bash
# Regenerates internal/catalog/catalog.json from Twilio's OpenAPI description,
# as shipped in the npm package @twilio/cli-core (src/services/twilio-api),
# the one the Twilio CLI is built on and the newest spec Twilio publishes there.
#   scripts/gen-catalog.sh            # the pinned version
#   SPEC_PACKAGE=@twilio/cli-core@9.1.0 scripts/gen-catalog.sh
#   SPEC_PACKAGE=@twilio-alpha/mcp@0.7.0 scripts/gen-catalog.sh   # the earlier source
#   CATALOG_OUT=/tmp/c.json scripts/gen-catalog.sh   # elsewhere (scripts/newer-spec.sh)
# Tokens of resources already in the catalog are kept (-keep), so that a
# schema renamed upstream does not rename a type users' programs name.
set -euo pipefail
cd "$(dirname "$0")/.."
PKG=${SPEC_PACKAGE:-@twilio/cli-core@9.0.0}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "$PKG" >/dev/null && tar xzf ./*.tgz)
# Where each package keeps the spec: cli-core under src/, twilio-oai's own
# layout (as @twilio-alpha/mcp ships it) under twilio-oai/spec/json.
spec=
for d in package/src/services/twilio-api package/twilio-oai/spec/json package/spec/json; do
  if compgen -G "$tmp/$d/twilio_*.json" >/dev/null; then spec=$tmp/$d; break; fi
done
if [ -z "$spec" ]; then
  echo "gen-catalog: no twilio_*.json in $PKG" >&2
  exit 1
fi
OUT=${CATALOG_OUT:-internal/catalog/catalog.json}
go run ./internal/catalog/gen -spec "$spec" -source "$PKG" -keep internal/catalog/catalog.json -out "$OUT"
echo "catalog: $(grep -c '"module"' "$OUT") resources from $PKG" >&2
