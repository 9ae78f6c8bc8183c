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

# What the citation tests compare against (tests/t5100-cite-compare.sh,
# tests/t5110-export.sh): pandoc's citeproc, the official CSL styles and
# bibtool.  Each is optional: the tests that need one skip without it,
# so a package missing from the archive is reported, not fatal.
for pkg in pandoc citation-style-language-styles bibtool; do
	if apt-cache show "$pkg" >/dev/null 2>&1 &&
		$SUDO apt-get install -y -qq --no-install-recommends "$pkg" \
			>/dev/null; then
		:
	else
		echo "install-deps: $pkg is not available; the tests that" \
			"need it will be skipped" >&2
	fi
done
