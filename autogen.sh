#!/bin/sh
# autogen.sh - generate the configure script from a fresh checkout
set -e
cd "$(dirname "$0")"
mkdir -p m4 build-aux
autoreconf --install --force --warnings=all
