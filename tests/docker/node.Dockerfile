# Test stand-in for node:20-bookworm-slim: this machine's own Node 20 (copied into node/ by
# tests/test_docker.py) at the official image's paths.
ARG BASE
FROM ${BASE}
COPY node/ /usr/local/
RUN node --version
LABEL org.devinterview.test-image=stand-in
