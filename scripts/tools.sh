#!/usr/bin/env bash
# Builds every program the project runs into bin/ (or $BIN):
#   pulumi          the Pulumi CLI pinned in tools/go.mod (the proxy refuses
#                   `go install pkg@version`, so it is built from that module
#                   with `go build`); already built at its pinned version, it
#                   is skipped (a first build takes minutes);
#   twilio-deploy   ours, one multi-call binary (cmd/twilio-deploy): the
#                   action, the provider and the Pulumi YAML host (pinned in
#                   go.mod, with tools/pulumi-yaml.patch applied: the file
#                   says why), stamped with -X main.version; and the links
#                   it answers to (action, pulumi-resource-twilio,
#                   pulumi-language-yaml -> twilio-deploy), both in $BIN,
#                   where tests and PATH find them, and alone in $BIN/links,
#                   the folder the image copies (a COPY of a link itself
#                   would copy the file it points to, once per link);
#   one binary per other cmd/* folder (the emulator, for tests and the demo).
# Our binaries are always handed to `go build`, which relinks nothing that is
# up to date, so a second run of the whole script takes seconds.
#
# The image holds $BIN/pulumi, $BIN/twilio-deploy and $BIN/links/*, nothing
# else (the Dockerfile's final stage; internal/docs checks it).
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
MODFILE_DIR=
trap 'rm -f "$BIN"/.*.tmp "$BIN"/links/.*.tmp; [ -z "$MODFILE_DIR" ] || rm -rf "$MODFILE_DIR"' EXIT

# pinned MODULE [GO.MOD] prints the version GO.MOD (tools/go.mod) requires.
pinned() { awk -v m="$1" '$1 == m { print $2; exit }' "${2:-tools/go.mod}"; }
# built_version FILE prints the main module version recorded in a Go binary.
built_version() { go version -m "$1" 2>/dev/null | awk '$1 == "mod" { print $3; exit }'; }

PULUMI_VERSION=$(pinned github.com/pulumi/pulumi/pkg/v3)
YAML_VERSION=$(pinned github.com/pulumi/pulumi-yaml go.mod)
[ -n "$PULUMI_VERSION" ] || die "tools/go.mod does not require github.com/pulumi/pulumi/pkg/v3"
[ -n "$YAML_VERSION" ] || die "go.mod does not require github.com/pulumi/pulumi-yaml (the YAML host in cmd/twilio-deploy)"

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

# patched_modfile PATCH MODULE STAMP copies MODULE from the module cache
# (which stays read-only, and which `go build -overlay` may not replace files
# in), applies PATCH to the copy, and writes MODFILE_DIR/go.mod: go.mod with
# MODULE replaced by the patched copy, for `go build -modfile`. The copy is
# kept under a name of its version and patch (STAMP) in the user cache, so
# the next run builds from the same folder and Go's build cache (whose keys
# hold the source folder) relinks instead of recompiling.
patched_modfile() {
  local patch=$PWD/$1 module=$2 stamp=$3 src dir tmp
  dir=$(dirname "$(go env GOCACHE)")/twilio-deploy-tools/$(basename "$module")@$stamp
  if [ ! -f "$dir/go.mod" ]; then
    go mod download "$module"
    src=$(go list -m -f '{{.Dir}}' "$module")
    [ -d "$src" ] || die "$module is not in the module cache"
    mkdir -p "$(dirname "$dir")"
    tmp=$(mktemp -d "$dir.XXXXXX")
    cp -R "$src/." "$tmp"
    chmod -R u+w "$tmp"
    # The ceiling keeps git apply from taking an enclosing repository's
    # root for the patch's base.
    (cd "$tmp" && GIT_CEILING_DIRECTORIES=$tmp git apply "$patch") || {
      rm -rf "$tmp"
      die "$1 does not apply to $module $(pinned "$module" go.mod): update it for this version, or drop the parts upstream has fixed"
    }
    # Another run may have made the same folder meanwhile: keep the first.
    mv -T "$tmp" "$dir" 2>/dev/null || rm -rf "$tmp"
  fi
  MODFILE_DIR=$(mktemp -d)
  cp go.mod go.sum "$MODFILE_DIR/"
  printf '\nreplace %s => %s\n' "$module" "$(cd "$dir" && pwd)" >>"$MODFILE_DIR/go.mod"
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
# The YAML host is built from pulumi-yaml with the patch applied; the stamp
# names the patch by its hash.
YAML_PATCH=tools/pulumi-yaml.patch
modfile=()
if [ -f "$YAML_PATCH" ]; then
  patched_modfile "$YAML_PATCH" github.com/pulumi/pulumi-yaml \
    "$YAML_VERSION+patch.$(sha256sum "$YAML_PATCH" | cut -c1-12)"
  modfile=(-modfile "$MODFILE_DIR/go.mod")
fi
# No -trimpath here: Go then leaves -ldflags out of the build information,
# and `action --version` reads the provider's version from it.
ldflags="-s -w -X main.version=$VERSION -X github.com/pulumi/pulumi-yaml/pkg/version.Version=$YAML_VERSION"

# replace SRC NAME puts SRC at $BIN/NAME by a rename, so a copy that is
# running (another test) is never overwritten, and a bin/ whose files are
# links to a shared build gets files of its own instead of writing through
# the links.
replace() { mv -fT "$1" "$BIN/$2"; }

start=$SECONDS
go build "${modfile[@]}" -ldflags "$ldflags" -o "$BIN/.twilio-deploy.tmp" ./cmd/twilio-deploy
replace "$BIN/.twilio-deploy.tmp" twilio-deploy
mapfile -t programs < <("$BIN/twilio-deploy" --links)
[ ${#programs[@]} -gt 0 ] || die "bin/twilio-deploy --links printed no names"
mkdir -p "$BIN/links"
rm -f "$BIN/.pulumi-language-yaml.version" # the stamp of the separate host it replaces
for name in "${programs[@]}"; do
  ln -sfn twilio-deploy "$BIN/.$name.tmp"
  replace "$BIN/.$name.tmp" "$name"
  ln -sfn twilio-deploy "$BIN/links/.$name.tmp"
  mv -fT "$BIN/links/.$name.tmp" "$BIN/links/$name"
done
# Only the names of this build: a link a former build made goes.
for link in "$BIN"/links/*; do
  [[ " ${programs[*]} " == *" $(basename "$link") "* ]] || rm -f "$link"
done
log "built twilio-deploy ($VERSION) as ${programs[*]} in $((SECONDS - start))s into $BIN"

# Every other cmd/* folder is a program of its own; the ones the multi-call
# binary answers to are its thin mains (for `go run` and the tests).
start=$SECONDS
pkgs=()
names=()
for dir in cmd/*/; do
  name=$(basename "$dir")
  compgen -G "$dir*.go" >/dev/null || continue # a folder still being written
  [[ $name == twilio-deploy || " ${programs[*]} " == *" $name "* ]] && continue
  pkgs+=("./${dir%/}")
  names+=("$name")
done
[ ${#pkgs[@]} -eq 0 ] || go build "${modfile[@]}" -ldflags "$ldflags" -o "$BIN/" "${pkgs[@]}"
log "built ${names[*]} ($VERSION) in $((SECONDS - start))s into $BIN"
