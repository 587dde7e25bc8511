#!/usr/bin/env bash
# Writes internal/provider/spec/testdata/newer-spec.txt: the resource tokens
# of a Twilio spec newer than (or as new as) the catalog's, one a line, as
# scripts/gen-catalog.sh would name them (tokens of resources already in the
# catalog kept). It does not touch the catalog. TestNewerSpec reports every
# token there that is neither in the catalog nor in spec's KnownNewer.
#   scripts/newer-spec.sh                                   # @twilio/cli-core@9.0.0
#   SPEC_PACKAGE=@twilio/cli-core@9.1.0 scripts/newer-spec.sh
set -euo pipefail
cd "$(dirname "$0")/.."
PKG=${SPEC_PACKAGE:-@twilio/cli-core@9.0.0}
command -v jq >/dev/null || { echo "newer-spec: jq is required" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
CATALOG_OUT=$tmp/catalog.json SPEC_PACKAGE=$PKG scripts/gen-catalog.sh
out=internal/provider/spec/testdata/newer-spec.txt
{
  echo "# Resource tokens of $PKG (scripts/newer-spec.sh); do not edit."
  jq -r '.resources[] | .module + ":" + .type' "$tmp/catalog.json" | LC_ALL=C sort
} >"$out"
echo "newer-spec: $(grep -vc '^#' "$out") tokens from $PKG in $out" >&2
