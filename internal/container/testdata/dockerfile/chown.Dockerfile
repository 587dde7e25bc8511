FROM golang:1.26.8 AS build
FROM gcr.io/distroless/static-debian12
COPY --from=build --chown=1001 /opt/x/bin/action /opt/x/bin/
