#!/bin/sh
# install-deps.sh - install what building and testing evidence needs on
# Debian 12 (bookworm).  Uses sudo when not run as root.
set -e
SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends \
	build-essential autoconf automake pkg-config \
	libxml2-dev libcurl4-openssl-dev libxapian-dev libjansson-dev \
	libssl-dev zlib1g-dev xapian-tools jq man-db ca-certificates >/dev/null
