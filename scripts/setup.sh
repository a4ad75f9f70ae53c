#!/bin/sh
# setup.sh - everything a fresh Debian machine needs, then one job.
#
#   scripts/setup.sh        install what is missing, build, run the sample scenario,
#                           then regenerate D4.3's validation tables (cometsim validate)
#   scripts/setup.sh build  install what is missing, build, say where the program is
#   scripts/setup.sh test   install what is missing, build, run the whole test suite:
#                           make check, make distcheck, make check and cometsim
#                           validate again in a build with AddressSanitizer and
#                           UndefinedBehaviorSanitizer, and make fuzz: every
#                           libFuzzer harness for 10 s
#
# Builds go to _build/ (and _build-san/ for the sanitizers, _build-fuzz/ for
# the fuzzing harnesses, built with clang) beside the sources.  A tree
# configured in place (./configure && make, the README's autotools route)
# is built where it is, and the program is ./cometsim, not _build/cometsim;
# configure refuses any other build folder beside such a tree, so the
# sanitizer and fuzzing builds of `test` are made from a copy of the
# distributed sources (make distdir) in _build-src/.
# Run as root, or as a user who may use sudo for apt-get.
set -eu

mode=${1:-run}
case "$mode" in
run|test|build) ;;
*) echo "usage: $0 [run|test|build]" >&2; exit 2 ;;
esac

top=$(cd "$(dirname "$0")/.." && pwd)
jobs=$(nproc 2>/dev/null || echo 2)

# Debian packages: the build, the libraries, and the tools the tests use.
# (parallel: the sweep engine of tests/sweep/parallel.sh; the Slurm test,
# tests/sweep/slurm.sh, installs slurm-wlm and munge itself.  clang and
# libclang-rt-dev, whose libclang_rt.fuzzer and sanitizer runtimes clang does
# not pull in without recommends: make fuzz.  chromium: the validation
# report's layout at 1280 pixels, tests/scenarios/validate_html.sh.
# libwireshark-dev: configure asks its pkg-config where Wireshark loads
# plugins; dpkg-dev, debhelper, lintian and fakeroot: the Debian package and
# its test, doc/packaging.md.)
pkgs="build-essential autoconf automake pkg-config git
libxml2-dev libxml2-utils libglib2.0-dev libjson-glib-dev libprotobuf-c-dev protobuf-c-compiler
libpcap-dev libcunit1-dev tshark gnuplot-nox
protobuf-compiler python3-protobuf
parallel clang libclang-rt-dev valgrind strace
chromium libwireshark-dev dpkg-dev debhelper lintian fakeroot"
# graphviz: dot -Tsvg reads what cometsim topo --dot writes (tests/scenarios/cli.sh).
pkgs="$pkgs graphviz"
# The TAP bridge's tests (tests/scenarios/tap_*.sh): ip netns and ip tuntap
# (iproute2), a real host's ping, iperf3 and tcpdump in its namespace.
pkgs="$pkgs iproute2 iputils-ping iperf3 tcpdump"
# curl: a real client of the emulated content server through the socket
# bridge (tests/scenarios/bridge_tcp.sh, doc/emulation.md).
pkgs="$pkgs curl"
# Open MPI: one run split over processes (configure --enable-mpi,
# doc/parallel.md); _build is configured with it, so make check runs
# tests/scenarios/mpi.sh; the sanitizer build and make distcheck build
# without it.
pkgs="$pkgs openmpi-bin libopenmpi-dev"

missing=
for p in $pkgs; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing="$missing $p"
	fi
done
if [ -n "$missing" ]; then
	sudo=
	[ "$(id -u)" -eq 0 ] || sudo=sudo
	echo "setup: installing$missing"
	$sudo apt-get update
	# tshark asks whether non-root users may capture: keep the default, no prompt.
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends $missing
fi

cd "$top"
autoreconf -fi
# Configured in place: build there (make reruns configure when it must).
inplace=
[ -f "$top/config.status" ] && inplace=yes

build() {
	dir=$1
	shift
	mkdir -p "$top/$dir"
	cd "$top/$dir"
	if [ ! -f Makefile ] || [ "$top/configure" -nt config.status ]; then
		"$top/configure" "$@"
	fi
	make -j"$jobs"
}

if [ -n "$inplace" ]; then
	echo "setup: $top is configured in place: building there (the program is ./cometsim)"
	cd "$top"
	make -j"$jobs"
	prog=$top/cometsim
else
	build _build --enable-mpi
	prog=$top/_build/cometsim
fi
case "$mode" in
build)
	echo "setup: built $prog"
	;;
run)
	# The folder `cometsim run scenarios/sample.xml` (the README's next
	# command) writes from the top of the tree, so that neither run finds
	# the other's outputs in its way.
	out="$top/output/sample/seed1-run1"
	"$prog" run "$top/scenarios/sample.xml" --out "$out"
	echo "setup: the sample scenario's pcaps, log, counters and summary are in $out"
	# Last: every validation table of D4.3, from a fresh run; its exit
	# status is the script's (0 only when every row passes).
	"$prog" validate --out "$top/output/validation"
	;;
test)
	make -j"$jobs" check
	make -j"$jobs" distcheck
	if [ -n "$inplace" ]; then
		# Another build folder needs sources that are not configured.
		rm -rf "$top/_build-src"
		make distdir distdir="$top/_build-src"
		top=$top/_build-src
	fi
	build _build-san --enable-sanitizers
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		make -j"$jobs" check
	# A split run of the build with Open MPI writes what the build without
	# it (the sanitizer build) writes (tests/scenarios/mpi_builds.sh).
	if [ -z "$inplace" ]; then
		(cd "$top/_build" && COMETSIM_OTHER="$top/_build-san/cometsim" \
			ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
			make check TESTS=tests/scenarios/mpi_builds.sh)
	fi
	# Every validation table, regenerated by the sanitizer build.
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		"$top/_build-san/cometsim" validate --out "$top/_build-san/validation" --quiet
	# Each fuzzing harness for a short bounded time (doc/fuzzing.md).
	make fuzz FUZZ_SECONDS=10
	echo "setup: all tests passed, also under ASan and UBSan, and the fuzzers found nothing"
	;;
esac
