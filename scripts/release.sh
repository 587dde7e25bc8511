#!/usr/bin/env bash
# Makes the release commit for a version tag: action.yml's runs.image is
# pointed at the prebuilt image, committed on top of the tagged commit, and
# the tag (and, for a vX.Y.Z release, the major tag vX) is moved to that
# commit. Prints the refs to push; .github/workflows/release.yml pushes them.
#
#   scripts/release.sh v1.2.3 docker://ghcr.io/tdeploy/twilio-deploy-action:v1.2.3
set -euo pipefail
die() {
  printf 'release: %s\n' "$*" >&2
  exit 1
}
[ $# -eq 2 ] || die "usage: scripts/release.sh vX.Y.Z docker://IMAGE:TAG"
tag=$1 image=$2
[[ $tag =~ ^v([0-9]+)\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$ ]] || die "tag $tag is not vMAJOR.MINOR.PATCH[-PRERELEASE]"
major=v${BASH_REMATCH[1]}
prerelease=${BASH_REMATCH[2]}
[[ $image =~ ^docker://[a-z0-9./_-]+:[A-Za-z0-9._-]+$ ]] || die "image $image is not docker://NAME:TAG"
cd "$(git rev-parse --show-toplevel)"
[ "$(git rev-parse HEAD)" = "$(git rev-parse "$tag^{commit}")" ] || die "HEAD is not the commit tag $tag points to"
grep -qx '  image: Dockerfile' action.yml || die "action.yml has no '  image: Dockerfile' line to replace"

sed -i "s#^  image: Dockerfile\$#  image: $image#" action.yml
grep -qxF "  image: $image" action.yml || die "action.yml was not rewritten"
git commit --quiet -m "Release $tag: action.yml uses the prebuilt image $image" -- action.yml
git tag --force "$tag" HEAD >/dev/null
refs="refs/tags/$tag"
if [ -z "$prerelease" ]; then
  git tag --force "$major" HEAD >/dev/null
  refs="$refs refs/tags/$major"
fi
echo "$refs"
