#!/usr/bin/env bash
# Builds every program the project runs into bin/ (or $BIN):
#   pulumi, pulumi-language-yaml  pinned in tools/go.mod (the proxy refuses
#                                 `go install pkg@version`, so they are built
#                                 from that module with `go build`); the YAML
#                                 host with tools/pulumi-yaml.patch applied
#                                 (the file says why);
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
PATCH_DIR=
trap 'rm -f "$BIN"/.*.tmp; [ -z "$PATCH_DIR" ] || rm -rf "$PATCH_DIR"' EXIT

# pinned MODULE prints the version tools/go.mod requires.
pinned() { awk -v m="$1" '$1 == m { print $2; exit }' tools/go.mod; }
# built_version FILE prints the main module version recorded in a Go binary.
built_version() { go version -m "$1" 2>/dev/null | awk '$1 == "mod" { print $3; exit }'; }

PULUMI_VERSION=$(pinned github.com/pulumi/pulumi/pkg/v3)
YAML_VERSION=$(pinned github.com/pulumi/pulumi-yaml)
[ -n "$PULUMI_VERSION" ] || die "tools/go.mod does not require github.com/pulumi/pulumi/pkg/v3"
[ -n "$YAML_VERSION" ] || die "tools/go.mod does not require github.com/pulumi/pulumi-yaml"

# build_pinned NAME PACKAGE STAMP LDFLAGS [GO BUILD FLAGS...] builds
# under a temporary name and renames, binary and stamp file alike, so a copy
# that is running (another test) is never overwritten, and a bin/ whose
# files are links to a shared build gets files of its own instead of
# writing through the links.
build_pinned() {
  local name=$1 pkg=$2 stamp=$3 ldflags=$4 start=$SECONDS
  shift 4
  log "building $name $stamp from tools/go.mod (a cold build takes minutes)"
  (cd tools && go build -trimpath "$@" -ldflags "-s -w $ldflags" -o "$BIN/.$name.tmp" "$pkg")
  mv -f "$BIN/.$name.tmp" "$BIN/$name"
  printf '%s\n' "$stamp" >"$BIN/.$name.version.tmp"
  mv -f "$BIN/.$name.version.tmp" "$BIN/.$name.version"
  log "built $name $stamp in $((SECONDS - start))s"
}

# patched_modfile PATCH MODULE copies MODULE from the module cache (which
# stays read-only, and which `go build -overlay` may not replace files in)
# to the temporary folder PATCH_DIR, applies PATCH there, and writes
# PATCH_DIR/go.mod: tools/go.mod with MODULE replaced by the patched copy,
# for `go build -modfile`.
patched_modfile() {
  local patch=$PWD/$1 module=$2 src
  (cd tools && go mod download "$module")
  src=$(cd tools && go list -m -f '{{.Dir}}' "$module")
  [ -d "$src" ] || die "$module is not in the module cache"
  PATCH_DIR=$(mktemp -d)
  cp -R "$src" "$PATCH_DIR/module"
  chmod -R u+w "$PATCH_DIR/module"
  # The ceiling keeps git apply from taking an enclosing repository's root
  # for the patch's base.
  (cd "$PATCH_DIR/module" && GIT_CEILING_DIRECTORIES=$PATCH_DIR git apply "$patch") ||
    die "$1 does not apply to $module $(pinned "$module"): update it for this version, or drop the parts upstream has fixed"
  cp tools/go.mod tools/go.sum "$PATCH_DIR/"
  printf '\nreplace %s => %s\n' "$module" "$PATCH_DIR/module" >>"$PATCH_DIR/go.mod"
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
# The stamp names the patch by its hash: a host built without it, or with
# an older one, is rebuilt.
YAML_PATCH=tools/pulumi-yaml.patch
YAML_STAMP=$YAML_VERSION
if [ -f "$YAML_PATCH" ]; then
  YAML_STAMP=$YAML_VERSION+patch.$(sha256sum "$YAML_PATCH" | cut -c1-12)
fi
if [ "$(built_version "$BIN/pulumi-language-yaml")" = "$YAML_VERSION" ] &&
  [ "$(cat "$BIN/.pulumi-language-yaml.version" 2>/dev/null || true)" = "$YAML_STAMP" ]; then
  log "pulumi-language-yaml $YAML_STAMP is up to date"
else
  modfile=()
  if [ -f "$YAML_PATCH" ]; then
    patched_modfile "$YAML_PATCH" github.com/pulumi/pulumi-yaml
    modfile=(-modfile "$PATCH_DIR/go.mod")
  fi
  build_pinned pulumi-language-yaml github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml "$YAML_STAMP" \
    "-X github.com/pulumi/pulumi-yaml/pkg/version.Version=$YAML_VERSION" "${modfile[@]}"
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
