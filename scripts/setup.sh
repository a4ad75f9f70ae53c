#!/bin/sh
# setup.sh - everything a fresh Debian machine needs, then one job.
#
#   scripts/setup.sh        install what is missing, build, run the sample scenario,
#                           then regenerate D4.3's validation tables (cometsim validate)
#   scripts/setup.sh test   install what is missing, build, run the whole test suite:
#                           make check, make distcheck, make check again in a
#                           build with AddressSanitizer and UndefinedBehaviorSanitizer,
#                           and make fuzz: every libFuzzer harness for 10 s
#
# Builds go to _build/ (and _build-san/ for the sanitizers, _build-fuzz/ for
# the fuzzing harnesses, built with clang) beside the sources.
# Run as root, or as a user who may use sudo for apt-get.
set -eu

mode=${1:-run}
case "$mode" in
run|test) ;;
*) echo "usage: $0 [run|test]" >&2; exit 2 ;;
esac

top=$(cd "$(dirname "$0")/.." && pwd)
jobs=$(nproc 2>/dev/null || echo 2)

# Debian packages: the build, the libraries, and the tools the tests use.
# (parallel: the sweep engine of tests/sweep/parallel.sh; the Slurm test,
# tests/sweep/slurm.sh, installs slurm-wlm and munge itself.  clang and
# libclang-rt-dev, whose libclang_rt.fuzzer and sanitizer runtimes clang does
# not pull in without recommends: make fuzz.)
pkgs="build-essential autoconf automake pkg-config git
libxml2-dev libxml2-utils libglib2.0-dev libprotobuf-c-dev protobuf-c-compiler
libpcap-dev libcunit1-dev tshark gnuplot-nox
protobuf-compiler python3-protobuf
parallel clang libclang-rt-dev"

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
if [ -f config.status ]; then
	echo "setup: $top was configured in place; run 'make distclean' there first" >&2
	exit 1
fi
autoreconf -fi

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

build _build
case "$mode" in
run)
	out="$top/output/sample"
	"$top/_build/cometsim" run "$top/scenarios/sample.xml" --out "$out"
	echo "setup: the sample scenario's pcaps, log, counters and summary are in $out"
	# Last: every validation table of D4.3, from a fresh run; its exit
	# status is the script's (0 only when every row passes).
	"$top/_build/cometsim" validate --out "$top/output/validation"
	;;
test)
	make -j"$jobs" check
	make -j"$jobs" distcheck
	build _build-san --enable-sanitizers
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		make -j"$jobs" check
	# Each fuzzing harness for a short bounded time (doc/fuzzing.md).
	make fuzz FUZZ_SECONDS=10
	echo "setup: all tests passed, also under ASan and UBSan, and the fuzzers found nothing"
	;;
esac
