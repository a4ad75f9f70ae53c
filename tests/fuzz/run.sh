#!/bin/sh
# run.sh - "make fuzz": build every harness of tests/fuzz with clang,
# libFuzzer, AddressSanitizer and UndefinedBehaviorSanitizer in a build
# folder of its own, then fuzz each for a bounded time over a copy of its
# seed corpus and regression inputs (doc/fuzzing.md).
#
# Environment (set by the fuzz target of Makefile.am):
#   top_srcdir       the source tree
#   FUZZ_HARNESSES   the harness names ("comet frame ..."); a subset may be given
#   FUZZ_SECONDS     seconds of fuzzing per harness (default 10)
#   FUZZ_BUILDDIR    the clang build folder (default $top_srcdir/_build-fuzz)
#   FUZZ_CC          the compiler (default clang)
#   FUZZ_TIMEOUT     seconds one input may take before it counts as a hang (default 10)
#
# The exit status is non-zero if any harness found a crash, a leak, a
# sanitizer report, a failed check or a hang; the input that did it is
# kept as FUZZ_BUILDDIR/fuzz-work/NAME/crash-* (or leak-, timeout-, oom-),
# and the end of the harness's log is printed.  Inputs that found new
# coverage stay in FUZZ_BUILDDIR/fuzz-work/NAME/corpus and are not added
# to the repository's corpus.
set -eu

top=${top_srcdir:?top_srcdir is not set}
top=$(cd "$top" && pwd)
secs=${FUZZ_SECONDS:-10}
timeout=${FUZZ_TIMEOUT:-10}
b=${FUZZ_BUILDDIR:-$top/_build-fuzz}
cc=${FUZZ_CC:-clang}
jobs=$(nproc 2>/dev/null || echo 2)
harnesses=${FUZZ_HARNESSES:?FUZZ_HARNESSES is not set}

if ! command -v "$cc" >/dev/null 2>&1; then
	echo "make fuzz: $cc was not found.  On Debian, install it with:  apt-get install clang" >&2
	exit 1
fi

mkdir -p "$b"
cd "$b"
if [ ! -f Makefile ] || [ "$top/configure" -nt config.status ]; then
	echo "make fuzz: configuring $b with $cc and libFuzzer"
	"$top/configure" -q CC="$cc" \
		CFLAGS="-g -O1 -fno-omit-frame-pointer -fsanitize=fuzzer-no-link" \
		CPPFLAGS="-DCOMETSIM_LIBFUZZER" --enable-sanitizers
fi
# Everything is instrumented for coverage; only the harnesses link libFuzzer.
make -s -j"$jobs" all
progs=
for h in $harnesses; do
	progs="$progs tests/fuzz/fuzz_$h"
done
# shellcheck disable=SC2086
rm -f $progs
# shellcheck disable=SC2086
make -s -j"$jobs" LIBFUZZER_FLAGS=-fsanitize=fuzzer $progs

failed=
for h in $harnesses; do
	w=$b/fuzz-work/$h
	rm -rf "$w"
	mkdir -p "$w/corpus"
	for d in "$top/tests/fuzz/corpus/$h" "$top/tests/fuzz/regress/$h"; do
		if [ -d "$d" ]; then
			find "$d" -maxdepth 1 -type f -exec cp {} "$w/corpus/" \;
		fi
	done
	dict=
	case $h in
	scenario|script|sweep|rae_config_xml) dict=-dict=$top/tests/fuzz/xml.dict ;;
	esac
	set +e
	# shellcheck disable=SC2086
	ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		"./tests/fuzz/fuzz_$h" -max_total_time="$secs" -timeout="$timeout" \
		-rss_limit_mb=2048 -malloc_limit_mb=2048 -close_fd_mask=3 \
		-artifact_prefix="$w/" $dict "$w/corpus" >"$w/log" 2>&1
	rc=$?
	set -e
	runs=$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$w/log" | tail -n 1)
	if [ $rc -eq 0 ]; then
		echo "fuzz $h: ok, ${runs:-?} inputs in ${secs}s"
	else
		echo "fuzz $h: FAILED (exit status $rc); inputs kept:" \
			$(ls "$w" | grep -E '^(crash|leak|timeout|oom|slow-unit)-' || true)
		tail -n 40 "$w/log"
		failed="$failed $h"
	fi
done
if [ -n "$failed" ]; then
	echo "make fuzz: failures in:$failed (logs in $b/fuzz-work/NAME/log)" >&2
	exit 1
fi
echo "make fuzz: every harness ran ${secs}s without a finding"
