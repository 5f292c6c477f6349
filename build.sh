#!/bin/sh
# build.sh: the README's two commands.
#
#   ./build.sh demo     install build + demo needs, build, run the demo
#   ./build.sh check    install build + test needs, build, run make check
#   ./build.sh check --sanitizers   the same, built with ASan and UBSan
#   ./build.sh fuzz-smoke   install clang, build the libFuzzer targets
#                           into ./build-fuzz, run each for 60 s
#                           (FUZZ_SECONDS in the environment: longer)
#
# Packages come from Debian's apt (sudo is used when not root). The build
# goes out of tree, into ./build (./build-asan with --sanitizers).
set -eu

mode=${1:-demo}
flavour=${2:-}
top=$(cd "$(dirname "$0")" && pwd)

BUILD_PKGS="autoconf automake make gcc pkg-config libstrophe-dev libncurses-dev libssl-dev libconfuse-dev libsqlite3-dev libcurl4-openssl-dev libchafa-dev libglib2.0-dev libpng-dev libjpeg-dev libwebp-dev libmagic-dev libc-ares-dev libjson-c-dev"
RUN_PKGS="prosody lua-unbound python3-slixmpp openssl"
TEST_PKGS="libcmocka-dev python3-pytest python3-pytest-xdist tmux procps lua-dbi-sqlite3 python3-pil dnsmasq-base"
FUZZ_PKGS="clang libclang-rt-14-dev"
# tests/e2e/test_proxy.py: an HTTP proxy, a SOCKS5 proxy, and
# nss_wrapper for the SOCKS5 proxy's password users (see quiet_services)
TEST_PKGS="$TEST_PKGS tinyproxy dante-server libnss-wrapper"
# BOSH and WebSocket (core/xmlframe.c, core/wsock.c)
BUILD_PKGS="$BUILD_PKGS libexpat1-dev libwebsockets-dev libuv1-dev"

say() { printf '== %s\n' "$*"; }

install_pkgs() {
	missing=""
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
			missing="$missing $p"
	done
	[ -z "$missing" ] && return 0
	sudo=""
	[ "$(id -u)" -eq 0 ] || sudo=sudo
	say "installing:$missing"
	$sudo apt-get update -q
	# shellcheck disable=SC2086
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends $missing
}

build() { # builddir [configure args]
	dir=$1
	shift
	cd "$top"
	if [ ! -x configure ] || [ configure.ac -nt configure ] || [ Makefile.am -nt Makefile.in ]; then
		say "autoreconf"
		autoreconf -fi
	fi
	mkdir -p "$dir"
	cd "$dir"
	if [ ! -f Makefile ] || [ "$top/configure" -nt Makefile ]; then
		say "configure $*"
		"$top/configure" -q "$@"
	fi
	say "make"
	make -j"$(nproc)"
}

# Prints the plain "N passed, N failed" line from automake's test logs.
summary() {
	pass=0 fail=0
	for trs in $(find tests -name '*.trs'); do
		case $(sed -n 's/^:test-result: //p' "$trs") in
		PASS | XFAIL) pass=$((pass + 1)) ;;
		SKIP)
			pass=$((pass + 1))
			say "skipped ${trs%.trs}: $(grep -m 1 'SKIP' "${trs%.trs}.log" 2>/dev/null)"
			;;
		*) fail=$((fail + 1)) ;;
		esac
	done
	e2e=$(sed -n 's/^=* \(.*passed.*\) in .*/\1/p' tests/e2e/run-e2e.log 2>/dev/null | tail -n 1)
	[ -n "$e2e" ] && say "end-to-end: $e2e"
	echo "$pass passed, $fail failed"
	[ "$fail" -eq 0 ]
}

# Debian starts and enables the services of tinyproxy and dante-server
# when it installs them; the tests start their own on free ports and
# need neither. So when install_pkgs has just installed them (and only
# then: a proxy the machine already ran is left alone), they are stopped
# and disabled where systemd runs (a container without it starts none).
quiet_services() {
	[ -d /run/systemd/system ] || return 0
	command -v systemctl >/dev/null 2>&1 || return 0
	sudo=""
	[ "$(id -u)" -eq 0 ] || sudo=sudo
	for pair in tinyproxy:tinyproxy dante-server:danted; do
		case " $missing " in
		*" ${pair%%:*} "*) ;;
		*) continue ;;
		esac
		say "stopping and disabling the service ${pair#*:} (the tests start their own)"
		$sudo systemctl disable --now "${pair#*:}" >/dev/null 2>&1 || true
	done
}

case $mode in
demo)
	install_pkgs $BUILD_PKGS $RUN_PKGS
	build "$top/build"
	exec make -C "$top/build" demo
	;;
check)
	install_pkgs $BUILD_PKGS $RUN_PKGS $TEST_PKGS
	quiet_services
	if [ "$flavour" = --sanitizers ]; then
		build "$top/build-asan" --enable-sanitizers
	else
		build "$top/build"
	fi
	status=0
	make check || status=$?
	if [ $status -ne 0 ]; then
		for log in $(find tests -name '*.log' ! -name test-suite.log); do
			grep -q '^:test-result: PASS' "${log%.log}.trs" 2>/dev/null && continue
			say "log of failed test $log"
			tail -n 200 "$log"
		done
	fi
	summary || status=1
	exit $status
	;;
fuzz-smoke)
	install_pkgs $BUILD_PKGS $FUZZ_PKGS
	build "$top/build-fuzz" --enable-fuzzing
	exec make fuzz-smoke FUZZ_SECONDS="${FUZZ_SECONDS:-60}"
	;;
*)
	echo "usage: $0 demo | check [--sanitizers] | fuzz-smoke" >&2
	exit 2
	;;
esac
