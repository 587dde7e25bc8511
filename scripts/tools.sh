#!/usr/bin/env bash
# Builds every program the project runs into bin/ (or $BIN):
#   pulumi, pulumi-language-yaml  pinned in tools/go.mod (the proxy refuses
#                                 `go install pkg@version`, so they are built
#                                 from that module with `go build`);
#   one binary per cmd/* folder   ours, stamped with -X main.version.
# A pinned tool already built at its pinned version is skipped (a first build
# of the Pulumi CLI takes minutes). Our binaries are always handed to
# `go build`, which relinks nothing that is up to date, so a second run of
# the whole script takes seconds.
#
# The Makefile (make tools), .ci/run and the Dockerfile all run this script,
# so CI proves what the image holds.
#
#   scripts/tools.sh
#   BIN=/opt/twilio-deploy/bin VERSION=v1.2.3 scripts/tools.sh
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=${BIN:-$PWD/bin}
mkdir -p "$BIN"
BIN=$(cd "$BIN" && pwd) # absolute: the pinned tools are built from tools/
export CGO_ENABLED=0    # static binaries: the image has no C library to offer
export PULUMI_SKIP_UPDATE_CHECK=true

log() { printf 'tools: %s\n' "$*"; }
die() {
  printf 'tools: %s\n' "$*" >&2
  exit 1
}
trap 'rm -f "$BIN"/.*.tmp' EXIT

# pinned MODULE prints the version tools/go.mod requires.
pinned() { awk -v m="$1" '$1 == m { print $2; exit }' tools/go.mod; }
# built_version FILE prints the main module version recorded in a Go binary.
built_version() { go version -m "$1" 2>/dev/null | awk '$1 == "mod" { print $3; exit }'; }

PULUMI_VERSION=$(pinned github.com/pulumi/pulumi/pkg/v3)
YAML_VERSION=$(pinned github.com/pulumi/pulumi-yaml)
[ -n "$PULUMI_VERSION" ] || die "tools/go.mod does not require github.com/pulumi/pulumi/pkg/v3"
[ -n "$YAML_VERSION" ] || die "tools/go.mod does not require github.com/pulumi/pulumi-yaml"

# build_pinned NAME PACKAGE VERSION LDFLAGS builds under a temporary name and
# renames, so a copy that is running (another test) is never overwritten.
build_pinned() {
  local name=$1 pkg=$2 version=$3 ldflags=$4 start=$SECONDS
  log "building $name $version from tools/go.mod (a cold build takes minutes)"
  (cd tools && go build -trimpath -ldflags "-s -w $ldflags" -o "$BIN/.$name.tmp" "$pkg")
  mv -f "$BIN/.$name.tmp" "$BIN/$name"
  printf '%s\n' "$version" >"$BIN/.$name.version"
  log "built $name $version in $((SECONDS - start))s"
}

# The Pulumi CLI: `pulumi version` must print the pinned version (the
# Automation API checks it), and the binary must come from that module.
if [ "$("$BIN/pulumi" version 2>/dev/null || true)" = "$PULUMI_VERSION" ] &&
  [ "$(built_version "$BIN/pulumi")" = "$PULUMI_VERSION" ]; then
  log "pulumi $PULUMI_VERSION is up to date"
else
  build_pinned pulumi github.com/pulumi/pulumi/pkg/v3/cmd/pulumi "$PULUMI_VERSION" \
    "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$PULUMI_VERSION"
  got=$("$BIN/pulumi" version)
  [ "$got" = "$PULUMI_VERSION" ] || die "bin/pulumi version printed $got, want $PULUMI_VERSION"
fi

# The YAML language host reports its version only over gRPC, so a stamp
# file written after a build with the version linked in stands in for it.
if [ "$(built_version "$BIN/pulumi-language-yaml")" = "$YAML_VERSION" ] &&
  [ "$(cat "$BIN/.pulumi-language-yaml.version" 2>/dev/null || true)" = "$YAML_VERSION" ]; then
  log "pulumi-language-yaml $YAML_VERSION is up to date"
else
  build_pinned pulumi-language-yaml github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml "$YAML_VERSION" \
    "-X github.com/pulumi/pulumi-yaml/pkg/version.Version=$YAML_VERSION"
fi

# Our binaries, stamped with a semantic version (the provider reports it to
# the Pulumi engine, which parses it): VERSION if set (the release workflow
# and the Dockerfile pass the tag); else git describe of the last v* tag;
# else v0.0.0-dev+g<commit>. A main without a version var is fine: the
# linker ignores -X for symbols that do not exist.
if [ -z "${VERSION:-}" ]; then
  if VERSION=$(git describe --tags --match 'v[0-9]*' --dirty 2>/dev/null); then
    :
  elif sha=$(git rev-parse --short HEAD 2>/dev/null); then
    VERSION=v0.0.0-dev+g$sha
    git diff --quiet HEAD 2>/dev/null || VERSION=$VERSION.dirty
  else
    VERSION=v0.0.0-dev
  fi
fi
[[ $VERSION =~ ^v?[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.+-]*)?$ ]] ||
  die "VERSION=$VERSION is not a semantic version (v1.2.3, v1.2.3-rc.1)"
pkgs=()
names=()
for dir in cmd/*/; do
  compgen -G "$dir*.go" >/dev/null || continue # a folder still being written
  pkgs+=("./${dir%/}")
  names+=("$(basename "$dir")")
done
if [ ${#pkgs[@]} -eq 0 ]; then
  log "no cmd/* packages yet"
  exit 0
fi
start=$SECONDS
# No -trimpath here: Go then leaves -ldflags out of the build information,
# and `action --version` reads the provider's version from it.
go build \
  -ldflags "-s -w -X main.version=$VERSION" \
  -o "$BIN/" "${pkgs[@]}"
log "built ${names[*]} ($VERSION) in $((SECONDS - start))s into $BIN"
