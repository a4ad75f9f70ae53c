#!/bin/sh
# run.sh - the peer's benchmarks (make bench-peer): the hold model and the
# chain of tests/bench/ written against ns-3, built against the ns-3 that
# is installed and run here, so the peer's figures are measured on the same
# machine in the same session as ours (doc/engine.md, "Speed").
#
# usage: run.sh [--build DIR] [--max-wall S] [all|sched|chain|graph] [--quick]
#
#   --build DIR   where the two programs are built (default: a new
#                 directory under $TMPDIR, removed at the end); they are
#                 rebuilt when their source is newer
#   --max-wall S  stop a scheduler case after S seconds of wall time
#                 (default 120; 0: never): ns-3's calendar scheduler runs
#                 about 10 000 events/s at Q = 1 000 000, so its 20 million
#                 events would take most of an hour.  Such a line has fewer
#                 events than asked and ends with stopped=max_wall
#   sched         the hold model on ns-3's map (its default), heap,
#                 calendar and priority-queue schedulers, Q = 1 000,
#                 100 000 and 1 000 000, as many events as make bench runs
#   chain         10 nodes, 1 Gbps, 1 ms, 1000-byte UDP datagrams at line
#                 rate, pcap off (500 000 datagrams) and on every device
#                 (100 000), each with ns-3's default queue disc (fq_codel)
#                 and without one (qdisc=none, the closest to our stack)
#   graph         the Barabási–Albert graph of bench=graph (m = 2, seed 1,
#                 printed by tests/graph/graphdump, $GRAPHDUMP) with
#                 Nix-vector routing, N = 1 000 and 10 000 (100 000 would
#                 take the peer most of an hour: left out), and N = 1 000
#                 with global routing
#   --quick       the case sizes of "bench --quick" (1 000 000 events,
#                 20 000 datagrams; graph: N = 1 000 only)
#
# Each case is a process of its own, so its peak memory is its own, and
# prints one line with the keys of our line plus peer=ns-3.VERSION.
# ns-3's list scheduler is left out: at Q = 100 000 it would run for
# hours.
#
# Exit status: 0; 1 when a case fails; 2 on bad usage; 77 when ns-3 (or a
# C++ compiler) is not installed: this is not part of make check.
#
# Environment: CXX (default g++), CXXFLAGS (default -O2).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
build=
what=all
quick=0
max_wall=120
usage="usage: $0 [--build DIR] [--max-wall S] [all|sched|chain|graph] [--quick]"
while [ $# -gt 0 ]; do
	case "$1" in
	--build)
		[ $# -ge 2 ] || { echo "$usage" >&2; exit 2; }
		build=$2
		shift
		;;
	--max-wall)
		[ $# -ge 2 ] || { echo "$usage" >&2; exit 2; }
		case "$2" in
		''|*[!0-9]*) echo "$usage" >&2; exit 2 ;;
		esac
		max_wall=$2
		shift
		;;
	--quick) quick=1 ;;
	all|sched|chain|graph) what=$1 ;;
	*) echo "$usage" >&2; exit 2 ;;
	esac
	shift
done

cxx=${CXX:-g++}
cxxflags=${CXXFLAGS:--O2}
mods="ns3-core ns3-network ns3-internet ns3-point-to-point ns3-applications ns3-traffic-control
ns3-nix-vector-routing"

missing() {
	echo "bench-peer: $1" >&2
	echo "bench-peer: on Debian 12, install ns-3 3.37 and a C++ compiler with:" >&2
	echo "bench-peer:     apt-get install -y libns3-dev" >&2
	echo "bench-peer: (it pulls in g++), then run make bench-peer again" >&2
	exit 77
}

command -v pkg-config >/dev/null 2>&1 || missing "pkg-config is not installed"
# shellcheck disable=SC2086
pkg-config --exists $mods 2>/dev/null ||
	missing "ns-3 is not installed (pkg-config does not find all of: $mods)"
command -v "$cxx" >/dev/null 2>&1 || missing "no C++ compiler ($cxx)"
version=$(pkg-config --modversion ns3-core)

# The .pc files of Debian's 3.37 are not clean: their Cflags hold a broken
# "-I/usr;" and their Libs name libgsl.so and libgslcblas.so, which only
# libgsl-dev installs (the ns-3 libraries load libgsl themselves).  Keep the
# include directories that exist, the -l options once each, and the library
# files that exist.
cflags=
# shellcheck disable=SC2086
for f in $(pkg-config --cflags $mods); do
	case "$f" in
	-I*) [ -d "${f#-I}" ] || continue ;;
	*\;*) continue ;;
	esac
	case " $cflags " in *" $f "*) continue ;; esac
	cflags="$cflags $f"
done
libs=
# shellcheck disable=SC2086
for f in $(pkg-config --libs $mods); do
	case "$f" in
	/*) [ -e "$f" ] || continue ;;
	esac
	case " $libs " in *" $f "*) continue ;; esac
	libs="$libs $f"
done

if [ -n "$build" ]; then
	mkdir -p "$build"
	build=$(cd "$build" && pwd)
else
	build=$(mktemp -d "${TMPDIR:-/tmp}/cometsim-peer.XXXXXX")
	trap 'rm -rf "$build"' EXIT
	trap 'exit 130' INT TERM
fi

compile() {
	if [ ! -x "$build/$1" ] || [ -n "$(find "$here/$1.cc" -newer "$build/$1")" ]; then
		echo "bench-peer: building $1 against ns-3 $version" >&2
		# shellcheck disable=SC2086
		"$cxx" $cxxflags -DPEER_VERSION="\"$version\"" $cflags -o "$build/$1.tmp" \
			"$here/$1.cc" $libs || { echo "bench-peer: could not build $1" >&2; exit 1; }
		mv "$build/$1.tmp" "$build/$1"
	fi
}

run() {
	"$@" || { echo "bench-peer: a case failed: $*" >&2; exit 1; }
}

if [ "$what" = all ] || [ "$what" = sched ]; then
	compile sched
	events=20000000
	[ "$quick" -eq 0 ] || events=1000000
	for impl in map heap calendar priority-queue; do
		for q in 1000 100000 1000000; do
			run "$build/sched" "$impl" "$q" "$events" "$max_wall"
		done
	done
fi
if [ "$what" = all ] || [ "$what" = chain ]; then
	compile chain
	for pcap in 0 1; do
		packets=500000
		[ "$pcap" -eq 0 ] || packets=100000
		[ "$quick" -eq 0 ] || packets=20000
		for qdisc in fq_codel none; do
			run "$build/chain" 10 "$packets" "$pcap" "$qdisc"
		done
	done
fi
if [ "$what" = all ] || [ "$what" = graph ]; then
	gd=${GRAPHDUMP:-}
	[ -n "$gd" ] && [ -x "$gd" ] || {
		echo "bench-peer: graph needs GRAPHDUMP, the path of tests/graph/graphdump" >&2
		exit 1
	}
	compile graph
	sizes="1000 10000"
	[ "$quick" -eq 0 ] || sizes=1000
	for n in $sizes; do
		"$gd" --generate ba nodes="$n" m=2 seed=1 >"$build/ba-$n.dump" ||
			{ echo "bench-peer: graphdump failed" >&2; exit 1; }
		run "$build/graph" "$build/ba-$n.dump" nix
		[ "$n" -ne 1000 ] || run "$build/graph" "$build/ba-$n.dump" global
		rm -f "$build/ba-$n.dump"
	done
fi
exit 0
