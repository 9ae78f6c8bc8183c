#!/bin/sh
# install-deps.sh - install what building and testing evidence needs on
# Debian 12 (bookworm).  Uses sudo when not run as root.  A package that
# cannot be installed does not stop the others: the script goes on, says
# which failed, and exits non-zero only when a required one did.
SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive

required="build-essential autoconf automake pkg-config
	libxml2-dev libcurl4-openssl-dev libxapian-dev libjansson-dev
	liblz4-dev libgoogle-perftools-dev zlib1g-dev xapian-tools jq man-db
	ca-certificates
	libxml2-utils"
# Optional: the tests that need one skip without it, so a package
# missing from the archive is reported, not fatal.  pandoc's citeproc,
# the official CSL styles and bibtool for the citation comparisons
# (tests/t5100-cite-compare.sh, tests/t5110-export.sh); a real browser
# for tests/t7100-report.sh (large: chromium is some 100 MB); clang
# with libFuzzer, for a few seconds of each fuzz target in make check
# (tests/t6900-fuzz-smoke.sh).
optional="pandoc citation-style-language-styles bibtool
	chromium chromium-driver clang libclang-rt-14-dev"

# Another apt (unattended-upgrades, a second build) may hold dpkg's
# lock: wait for it, up to five minutes, rather than fail at once.
APT="apt-get -o DPkg::Lock::Timeout=300"

install() {
	$SUDO $APT install -y -qq --no-install-recommends "$@" >/dev/null
}

$SUDO $APT update -qq ||
	echo "install-deps.sh: apt-get update failed; trying anyway" >&2
failed=
# shellcheck disable=SC2086 # the lists are meant to split into words
if ! install $required; then
	for pkg in $required; do
		install "$pkg" || failed="$failed $pkg"
	done
fi
for pkg in $optional; do
	install "$pkg" ||
		echo "install-deps.sh: could not install $pkg (optional);" \
			"the tests that need it will skip" >&2
done
if [ -n "$failed" ]; then
	echo "install-deps.sh: could not install:$failed" >&2
	exit 1
fi
exit 0
