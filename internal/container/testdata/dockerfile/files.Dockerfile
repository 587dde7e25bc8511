# syntax=docker/dockerfile:1
ARG GO=1.26
FROM golang:1.26.8 AS build
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/root/.cache/go-build \
    BIN=/opt/x/bin VERSION=${VERSION} scripts/tools.sh

FROM gcr.io/distroless/static-debian12:latest
COPY --from=build \
    /opt/x/bin/action \
    # a comment inside a continuation
    /opt/x/bin/pulumi \
    /opt/x/bin/
ENV PATH=/opt/x/bin:/usr/bin \
    PULUMI_HOME=/github/home/.pulumi
ENV QUOTED="a b" OLD=1
ENTRYPOINT ["/opt/x/bin/action"]
