#!/bin/sh
# values.sh - one grammar and one wording for every value the program
# reads (sim/units.h; doc/scenario-format.md, "Values"): a value written
# two ways that mean the same gives byte-identical outputs whoever reads
# it (the scenario loader, the traffic applications, the content client
# and server of the CME, the coupled approach's content server); a blank
# in a value is refused with the value to write instead; the same mistake
# is worded the same way in an XML attribute, an event time, a run
# option, the command line, an entity's argument and a script.
. "${top_srcdir:-.}/tests/scenarios/lib.sh"

d="$top_srcdir/tests/scenarios/data"
flow="$d/time-limit.xml"
apps="$d/content-apps.xml"

# same NAME FILE1 FILE2 ARGS1 -- ARGS2: two runs, every output but
# summary.json byte for byte the same.
same() {
	name=$1 f1=$2 f2=$3
	shift 3
	a1=
	while [ "$1" != -- ]; do a1="$a1 $1"; shift; done
	shift
	rm -rf "$T/s1" "$T/s2"
	# shellcheck disable=SC2086
	"$COMETSIM" run "$f1" $a1 --out "$T/s1" --quiet 2>"$T/s1.err"
	rc1=$?
	"$COMETSIM" run "$f2" "$@" --out "$T/s2" --quiet 2>"$T/s2.err"
	rc2=$?
	check "$name: the first run completes (exit $rc1)" [ "$rc1" -eq 0 ]
	check "$name: the second run completes (exit $rc2)" [ "$rc2" -eq 0 ]
	rm -f "$T/s1/summary.json" "$T/s2/summary.json"
	check "$name: the same outputs, byte for byte" diff -r "$T/s1" "$T/s2"
}

# ---- the same value written two ways ----
# The CME's content server and direct client: 1000000 bytes as 1M and 1MB
# (usr.cme.Server took 2M but not 2MB), the client's bandwidth as bit/s
# and as 2Mbps (it took an integer only).
sed -e 's|movie.bin=${size}|movie.bin=1M|' -e 's|bandwidth=2000000|bandwidth=2Mbps|' \
	"$apps" >"$T/apps-units.xml"
same "usr.cme.Server 1M, usr.cme.Client size=1MB and bandwidth=2Mbps" \
	"$apps" "$T/apps-units.xml" -- --set size=1MB
# The coupled approach's content server: 10000 bytes as 10kB.
same "usr.curling.ContentServer 10kB" \
	"$top_srcdir/scenarios/curling-topology1.xml" "$top_srcdir/scenarios/curling-topology1.xml" \
	--set size=10000 -- --set size=10kB
# The loader and usr.applications.Send: durations, sizes and rates.
same "a delay in us, an interval in s, a queue in kB" \
	"$flow" "$flow" --set delay=2ms --set interval=1ms --set link.ar.queue=64000B -- \
	--set delay=2000us --set interval=0.001s --set link.ar.queue=64kB

# ---- a blank in a value: refused, with what to write ----
msg=$("$COMETSIM" check "$flow" --set 'start=2 s' 2>&1)
rc=$?
echo "time=\"2 s\": $msg"
check "time=\"2 s\" is refused (exit $rc)" [ "$rc" -eq 1 ]
check "time=\"2 s\": file, line and what to write" \
	grep -qF 'time-limit.xml:35: time "2 s": no blank may stand in a value (write 2s)' <<EOF
$msg
EOF
msg=$("$COMETSIM" check "$flow" --set 'link.ar.delay= 1ms' 2>&1)
check "a delay with a leading blank is refused, with what to write" \
	grep -qF 'link "ar": delay " 1ms": no blank may stand in a value (write 1ms)' <<EOF
$msg
EOF

# ---- one wording everywhere ----
tail='unknown unit "sec" (a duration is a number and a unit: ns, us, ms, s, min or h, as in 1.5ms)'
# worded NAME STATUS PATTERN CMD...: the command fails with STATUS and says PATTERN.
worded() {
	name=$1 want=$2 pat=$3
	shift 3
	"$@" >/dev/null 2>"$T/err"
	rc=$?
	echo "$name: $(head -n 1 "$T/err")"
	check "$name: exit $want (got $rc)" [ "$rc" -eq "$want" ]
	check "$name: worded as every value" grep -qF -- "$pat" "$T/err"
}
worded "a link attribute" 1 "time-limit.xml:27: link \"ar\": delay \"5sec\": $tail" \
	"$COMETSIM" check "$flow" --set delay=5sec
worded "an event time" 1 "time-limit.xml:35: time \"5sec\": $tail" \
	"$COMETSIM" check "$flow" --set start=5sec
# end_time, like max_wall, reads a bare number as seconds (doc/scenario-format.md)
tail_s='unknown unit "sec" (a duration is a number of seconds, or a number and a unit: ns, us, ms, s, min or h)'
worded "a run option" 1 "--set end_time=5sec: end_time \"5sec\": $tail_s" \
	"$COMETSIM" check "$flow" --set end_time=5sec
worded "the command line, as --set" 1 "--end 5sec: end_time \"5sec\": $tail_s" \
	"$COMETSIM" run "$flow" --end 5sec --out "$T/never"
worded "an entity argument" 1 "time-limit.xml:35: usr.applications.Send: interval \"5sec\": $tail" \
	"$COMETSIM" check "$flow" --set interval=5sec
worded "a script time (milliseconds unless a unit is given)" 1 \
	'time-limit-script.xml:13: time "5sec": unknown unit "sec" (a duration is a number of milliseconds, or a number and a unit: ns, us, ms, s, min or h)' \
	"$COMETSIM" check "$d/time-limit-script.xml" --set t1=5sec
worded "a size" 1 'size of movie.bin "2mb": unknown unit "mb" (a size is a number of bytes' \
	"$COMETSIM" check "$apps" --set size=2mb
worded "a rate" 1 'link "ar": bandwidth "1GB/s": unknown unit "GB/s" (a rate is a number of bit/s' \
	"$COMETSIM" check "$flow" --set link.ar.bandwidth=1GB/s
worded "a probability" 1 'link "ar": loss "bernoulli 1.5": "1.5": too large (at most 1, or 100%)' \
	"$COMETSIM" check "$flow" --set 'link.ar.loss=bernoulli 1.5'
worded "an integer" 1 'link "ar": mtu "1500B": not a whole number' \
	"$COMETSIM" check "$flow" --set link.ar.mtu=1500B
# The curling content server's bound is a size it accepts (it said "1 byte
# to 4GiB" and refused 4GiB).
worded "a curling content beyond 4GiB" 1 'content MyContent1: size "5GiB": too large (at most 4GiB)' \
	"$COMETSIM" check "$top_srcdir/scenarios/curling-topology1.xml" --set size=5GiB

finish
