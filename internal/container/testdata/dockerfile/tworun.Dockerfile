FROM scratch
COPY a b /dst
