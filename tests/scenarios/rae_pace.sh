#!/bin/sh
# rae_pace.sh - the RAE's pace= (doc/rae.md, "Pacing the updates"): the
# stress test's east RAE, which sends 10 000 prefixes to the west one,
# run unpaced and with pace=16KiB.  Paced, it writes more and smaller
# Update messages, as the session's send buffer drains, and the west RAE
# ends with the same paths; bad values and <deploy pace=> are checked too.
. "${top_srcdir:-.}/tests/scenarios/lib.sh"

raedir="$top_srcdir/scenarios/rae"
sed -e 's#generate=${prefixes} keepalive=1s#generate=${prefixes} pace=16KiB keepalive=1s#' \
    -e "s#file=\"../../topologies/#file=\"$top_srcdir/topologies/#" \
    "$raedir/stress.xml" >"$T/paced.xml"
check "the copy paces the east RAE" grep -q 'pace=16KiB' "$T/paced.xml"
"$COMETSIM" run "$raedir/stress.xml" --set "raedir=$raedir" --out "$T/plain" --quiet
rc=$?
check "the unpaced run completes (exit $rc)" [ "$rc" -eq 0 ]
"$COMETSIM" run "$T/paced.xml" --set "raedir=$raedir" --out "$T/paced" --quiet
rc=$?
check "the paced run completes (exit $rc)" [ "$rc" -eq 0 ]

c0="$T/plain/counters.csv"
c1="$T/paced/counters.csv"
u0=$(counter "$c0" rae re/rae1 update_out)
u1=$(counter "$c1" rae re/rae1 update_out)
b0=$(counter "$c0" rae re/rae1 bytes_out)
b1=$(counter "$c1" rae re/rae1 bytes_out)
check "both send the 10 000 prefixes and the own one (unpaced)" \
	[ "$(counter "$c0" rae re/rae1 prefixes_out)" = 10001 ]
check "both send the 10 000 prefixes and the own one (paced)" \
	[ "$(counter "$c1" rae re/rae1 prefixes_out)" = 10001 ]
check "paced, more Update messages ($u1 against $u0)" [ "$u1" -gt "$u0" ]
# Each drain writes what fits in 16 KiB less what the buffer still holds
# (a drain that ignored the buffer would write 14): the run is deterministic.
check "paced, exactly the 27 Updates of doc/rae.md ($u1)" [ "$u1" -eq 27 ]
check "unpaced, the Updates are over 16 KiB on average ($b0 bytes in $u0)" \
	[ "$((b0 / u0))" -gt 16384 ]
check "paced, they are under 16 KiB on average ($b1 bytes in $u1)" \
	[ "$((b1 / u1))" -lt 16384 ]
check "paced, the west RAE holds every path" \
	[ "$(counter "$c1" rae rw/rae0 rib_paths)" = 10001 ]
check "paced, rae-paths.csv is the unpaced run's" cmp -s "$T/plain/rae-paths.csv" "$T/paced/rae-paths.csv"
check "no session was reset" [ "$(counter "$c1" rae re/rae1 session_resets)" = 0 ]
"$COMETSIM" run "$T/paced.xml" --set "raedir=$raedir" --out "$T/paced2" --quiet
check "paced, a second run writes the same captures" \
	cmp -s "$T/paced/re-eth0.pcap" "$T/paced2/re-eth0.pcap"

# ---- bad values ----
bad() {	# bad NAME VALUE MESSAGE
	sed "s#pace=16KiB#pace=$2#" "$T/paced.xml" >"$T/bad-$1.xml"
	"$COMETSIM" run "$T/bad-$1.xml" --set "raedir=$raedir" --out "$T/bad-$1" --quiet \
		2>"$T/bad-$1.err"
	rc=$?
	check "pace=$2 is refused (exit $rc)" [ "$rc" -eq 1 ]
	check "pace=$2: the message names the file, line and problem" \
		grep -q "^$T/bad-$1.xml:[0-9]*: usr.rae.Rae: .*$3" "$T/bad-$1.err"
	check "pace=$2: no output that looks complete" [ ! -f "$T/bad-$1/summary.json" ]
}
bad small 100 "pace 100: 0 (unpaced) or at least 4096 bytes"
bad word fast 'pace "fast": not a number'
bad huge 2GiB "pace"
bad twice "16KiB pace=32KiB" 'option "pace" given twice'

# ---- <deploy pace=>: passed to every RAE, checked when loaded ----
cat >"$T/dep.xml" <<XML
<scenario name="dep">
  <topology generate="tiered" nodes="20" seed="1"/>
  <run end_time="5s" pcap="none"/>
  <deploy approach="none" pace="32KiB"/>
</scenario>
XML
"$COMETSIM" deploy "$T/dep.xml" >"$T/dep.out" 2>&1
rc=$?
check "cometsim deploy takes pace= (exit $rc)" [ "$rc" -eq 0 ]
check "every RAE of the deployment is paced" \
	[ "$(grep -c 'usr.rae.Rae .* pace=32KiB' "$T/dep.out")" = "$(grep -c 'usr.rae.Rae' "$T/dep.out")" ]
check "and there are RAEs" [ "$(grep -c 'usr.rae.Rae' "$T/dep.out")" -gt 0 ]
sed 's/32KiB/soon/' "$T/dep.xml" >"$T/dep-bad.xml"
"$COMETSIM" deploy "$T/dep-bad.xml" >/dev/null 2>"$T/dep-bad.err"
rc=$?
check "<deploy pace=\"soon\"> is refused (exit $rc)" [ "$rc" -eq 1 ]
check "with the file, the line and the attribute" \
	grep -q "^$T/dep-bad.xml:4: <deploy>: pace \"soon\": not a number" "$T/dep-bad.err"

finish
