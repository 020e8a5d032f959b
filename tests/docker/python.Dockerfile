# Test stand-in for python:3.12-slim-bookworm (Docker Hub is not reachable on the test
# machines): Debian's Python in a virtualenv first on PATH, so `python` and `pip` work as in
# the official image, plus this machine's CA bundle and pip configuration, which
# tests/test_docker.py copies into machine/ (nothing of it is committed).
ARG BASE
FROM ${BASE}
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        python3 python3-venv ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && python3 -m venv /opt/python
ENV PATH=/opt/python/bin:$PATH
COPY machine/ /
# The build stage runs Node (jlpm, the candidate site build) and pip: both must trust the
# machine's CA bundle.
ENV SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt \
    REQUESTS_CA_BUNDLE=/etc/ssl/certs/ca-certificates.crt \
    PIP_CERT=/etc/ssl/certs/ca-certificates.crt \
    NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt
LABEL org.devinterview.test-image=stand-in
