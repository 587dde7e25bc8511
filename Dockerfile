# syntax=docker/dockerfile:1
# The Action's image. The build stage runs scripts/tools.sh, the same script
# CI runs on the host, so CI proves what goes in here; the final stage holds
# only the two static binaries the Action runs (the Pulumi CLI, and ours,
# which is the action, the provider and the YAML host by the name it is
# started as) and the links that give ours those names.
#
# Base images are pinned by tag here: no digest of golang:1.26.8 or of
# distroless/static-debian12 could be looked up where this was written. The
# release workflow resolves each tag to its digest, builds from NAME:TAG@
# sha256:... and records the digests in the image's labels and the run's
# summary.

FROM golang:1.26.8 AS build
WORKDIR /src
# Modules first, so an edit to our code keeps this layer.
COPY go.mod go.sum ./
COPY tools/go.mod tools/go.sum ./tools/
RUN go mod download && cd tools && go mod download
COPY . .
# The release workflow passes the tag; tools.sh stamps it into our binaries
# (empty: v0.0.0-dev, as the context has no .git).
ARG VERSION=
RUN --mount=type=cache,target=/root/.cache/go-build \
    BIN=/opt/twilio-deploy/bin VERSION=${VERSION} scripts/tools.sh

# Static binaries (CGO_ENABLED=0) need no C library: distroless/static has
# CA certificates (Twilio, Pulumi Cloud and the state backends are HTTPS),
# tzdata, /etc/passwd and /tmp, and nothing else. git is left out: the
# Pulumi CLI reads commit metadata with go-git and only loses the
# "worktree dirty" flag of an update without the git program.
FROM gcr.io/distroless/static-debian12:latest
COPY --from=build \
    /opt/twilio-deploy/bin/pulumi \
    /opt/twilio-deploy/bin/twilio-deploy \
    /opt/twilio-deploy/bin/
# action, pulumi-resource-twilio and pulumi-language-yaml, links to
# twilio-deploy: tools.sh keeps them alone in bin/links, and a folder's
# COPY keeps the links in it as links (a COPY naming a link would copy the
# file it points to, once per name).
COPY --from=build /opt/twilio-deploy/bin/links/ /opt/twilio-deploy/bin/
# The Pulumi CLI finds the YAML host and our provider on PATH, so nothing is
# downloaded at run time. GitHub runs Docker actions as root: no USER line
# (the action gives what it writes in the workspace and home back to the
# workspace's owner). PULUMI_HOME is in the home GitHub mounts for the job
# (HOME=/github/home, kept from step to step), not /root/.pulumi, which the
# CLI would take from /etc/passwd and which is gone after the step; the
# action's login check reads the same folder.
ENV PATH=/opt/twilio-deploy/bin:/usr/local/bin:/usr/bin:/bin \
    PULUMI_HOME=/github/home/.pulumi \
    PULUMI_SKIP_UPDATE_CHECK=true
ENTRYPOINT ["/opt/twilio-deploy/bin/action"]
