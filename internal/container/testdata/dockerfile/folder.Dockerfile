FROM golang:1.26.8 AS build
RUN BIN=/opt/x/bin scripts/tools.sh
FROM gcr.io/distroless/static-debian12@sha256:0123456789abcdef
COPY --from=build /opt/x/bin/ /opt/x/bin/
USER 65532:65532
WORKDIR /home
WORKDIR nonroot
ENTRYPOINT /opt/x/bin/action --flag
