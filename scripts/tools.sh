#!/usr/bin/env bash
# Builds every tool the project runs into bin/: the pinned Pulumi CLI and
# YAML language host (from tools/go.mod) and our own binaries. The Makefile,
# .ci/run and the Dockerfile all call this script.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-$PWD/bin}
mkdir -p "$BIN"
PULUMI_VERSION=v3.259.0
export CGO_ENABLED=0

if [ "$("$BIN/pulumi" version 2>/dev/null || true)" != "$PULUMI_VERSION" ]; then
  (cd tools && go build -trimpath -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$PULUMI_VERSION" \
    -o "$BIN/pulumi" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi)
fi
if [ ! -x "$BIN/pulumi-language-yaml" ]; then
  (cd tools && go build -trimpath -ldflags "-s -w" -o "$BIN/pulumi-language-yaml" github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml)
fi
for cmd in cmd/*/; do
  name=$(basename "$cmd")
  go build -trimpath -ldflags "-s -w" -o "$BIN/$name" "./$cmd"
done
