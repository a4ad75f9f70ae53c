#!/bin/sh
# limits.sh - the limits of a run (doc/scenario-format.md, "Limits";
# doc/cometsim.1): an event limit and a wall-clock limit, from the
# command line and from <run>, stop the run with whole outputs, a status
# that says which, and exit status 3; a scenario that asks for more than
# the machine can hold is refused at load time with its file, line and
# the limit, before any output is written.
. "${top_srcdir:-.}/tests/scenarios/lib.sh"

flow="$top_srcdir/tests/scenarios/data/limits-flow.xml"

# ---- the event limit: exactly N events, status event_limit, exit 3 ----
o="$T/events"
"$COMETSIM" run "$flow" --max-events 20000 --out "$o" --quiet 2>"$T/events.err"
rc=$?
check "--max-events: exit 3 (got $rc)" [ "$rc" -eq 3 ]
check "--max-events: status event_limit" [ "$(json_get "$o/summary.json" status)" = event_limit ]
check "--max-events: stop_reason event_limit" [ "$(json_get "$o/summary.json" stop_reason)" = event_limit ]
check "--max-events: exactly 20000 events" [ "$(json_get "$o/summary.json" events)" = 20000 ]
check "--max-events: says so on stderr" \
	grep -q 'limits-flow.xml: stopped by the event limit after 20000 events, at virtual time' "$T/events.err"
o2="$T/events2"
"$COMETSIM" run "$flow" --set max_events=20000 --out "$o2" --quiet 2>/dev/null
check "max_events from the scenario: the same run, byte for byte" \
	sh -c "cmp -s '$o/a-eth0.pcap' '$o2/a-eth0.pcap' && cmp -s '$o/counters.csv' '$o2/counters.csv'"
check "max_events from the scenario: status event_limit" \
	[ "$(json_get "$o2/summary.json" status)" = event_limit ]

# ---- the wall-clock limit of <run max_wall="1s">, and --max-wall ----
# The limit counts from the start of the command, loading included: the
# command's time, not wall_s (the events' time), is what it bounds.
o="$T/wall"
s0=$(date +%s.%N)
"$COMETSIM" run "$flow" --out "$o" --quiet 2>"$T/wall.err"
rc=$?
w=$(echo "$s0 $(date +%s.%N)" | awk '{ print $2 - $1 }')
check "max_wall: exit 3 (got $rc)" [ "$rc" -eq 3 ]
check "max_wall: status wall_limit" [ "$(json_get "$o/summary.json" status)" = wall_limit ]
check "max_wall: the limit in force is the scenario's 1 s" \
	[ "$(json_get "$o/summary.json" max_wall_s)" = 1.0 ]
check "max_wall: not stopped before the limit ($w s)" \
	awk -v w="$w" 'BEGIN { exit !(w >= 1) }'
check "max_wall: says so on stderr" grep -q 'stopped by the wall-clock limit after' "$T/wall.err"
o="$T/wall2"
s0=$(date +%s.%N)
"$COMETSIM" run "$flow" --max-wall 0.3 --out "$o" --quiet 2>/dev/null
w=$(echo "$s0 $(date +%s.%N)" | awk '{ print $2 - $1 }')
check "--max-wall 0.3 wins over the scenario's 1 s" \
	[ "$(json_get "$o/summary.json" max_wall_s)" = 0.3 ]
check "--max-wall 0.3: not stopped before the limit ($w s)" \
	awk -v w="$w" 'BEGIN { exit !(w >= 0.3) }'
# How late it may fire is not a thing a test can time; what the program
# asks of the kernel is: every timer it arms for the limit runs out within
# the limit (the time left of it, never more); a timer of 0 disarms.
command -v strace >/dev/null 2>&1 || fail "strace is missing (scripts/setup.sh installs it)"
# armed OUT ARGS...: run cometsim ARGS under strace and write to OUT every
# wall-clock timer it arms, in microseconds, one a line (a timer of 0
# disarms and is left out).  LeakSanitizer cannot work under ptrace: the
# sanitizer build leaves it out of these runs.
armed() {
	out=$1
	shift
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
		strace -f -e trace=setitimer -o "$out.strace" "$COMETSIM" "$@" 2>/dev/null
	awk '/setitimer\(ITIMER_REAL/ && /it_value=\{tv_sec=/ {
		s = $0; sub(/.*it_value=\{tv_sec=/, "", s); sec = s + 0
		sub(/^[0-9]*, tv_usec=/, "", s); us = sec * 1000000 + (s + 0)
		if (us > 0) print us }' "$out.strace" >"$out"
}
armed "$T/armed" run "$flow" --max-wall 0.3 --out "$T/wall3" --quiet
check "--max-wall 0.3: the wall-clock timer is armed ($(tr '\n' ' ' <"$T/armed")us)" \
	[ -s "$T/armed" ]
check "... never for more than 0.3 s" \
	[ "$(awk '$1 > 300000' "$T/armed" | wc -l)" -eq 0 ]
# A limit the scenario gives (--set max_wall, <run max_wall>) is known
# only once the scenario is read, and still counts from the start of the
# command: the timer armed then holds less than the whole limit, since
# reading took some time (the timer counts in microseconds, truncated).
armed "$T/armed2" run "$flow" --set max_wall=30s --end 1ms --pcap none --out "$T/wall30" --quiet
check "--set max_wall=30s: the timer is armed after loading ($(tr '\n' ' ' <"$T/armed2")us)" \
	[ -s "$T/armed2" ]
check "... for what is left of the 30 s, loading counted" \
	[ "$(awk '$1 >= 30000000' "$T/armed2" | wc -l)" -eq 0 ]
# A limit of 0 means nothing: refused the same way everywhere; "none"
# lifts a limit everywhere.
"$COMETSIM" run "$flow" --max-wall 0 --out "$T/bad" --quiet 2>/dev/null
check "--max-wall 0 is refused as --set max_wall=0 is (exit 1)" [ $? -eq 1 ]
"$COMETSIM" check "$flow" --set max_wall=0 >/dev/null 2>"$T/mw0.err"
check "--set max_wall=0 is refused as --max-wall 0 is (exit 1)" [ $? -eq 1 ]
check "... too small" grep -q 'max_wall "0": too small (at least 1ns)' "$T/mw0.err"
"$COMETSIM" check "$flow" --set max_events=0 >/dev/null 2>"$T/me0.err"
check "--set max_events=0 is refused (exit 1)" [ $? -eq 1 ]
"$COMETSIM" run "$flow" --max-wall none --end 1ms --pcap none --out "$T/nolimit" --quiet 2>/dev/null
check "--max-wall none lifts the scenario's limit (exit 0)" [ $? -eq 0 ]
check "... the summary says no limit" \
	awk -v v="$(json_get "$T/nolimit/summary.json" max_wall_s)" 'BEGIN { exit !(v != "" && v == 0) }'
check "a stopped run's counters are written" [ "$(counter "$o/counters.csv" send a/send0 sent)" -gt 0 ]
for f in "$o"/*.pcap; do
	n=$(count "$f" udp)
	bad=$(pcap_bad "$f" | wc -l)
	check "$(basename "$f") is whole: $n datagrams, $bad frames that do not decode" \
		[ "$n" -gt 0 -a "$bad" -eq 0 ]
done

# ---- sizes refused at load time ----
# refused NAME PATTERN FILE ARGS...: the load fails with exit 1, a message
# matching PATTERN, and writes nothing.
refused() {
	name=$1 pat=$2
	shift 2
	# A refusal that regresses must not fill the disk: the run gets a
	# file-size limit (about 100 MB a file), and dies of it instead.
	(ulimit -f 200000 && exec "$COMETSIM" run "$@" --out "$T/refused" --quiet) \
		>/dev/null 2>"$T/err"
	rc=$?
	echo "$name: $(cat "$T/err")"
	check "$name: refused (exit $rc)" [ "$rc" -eq 1 ]
	check "$name: the message names the file, the line and the limit" grep -q -- "$pat" "$T/err"
	check "$name: nothing written" [ ! -e "$T/refused" ]
}
refused "a 10^12-byte TCP transfer" \
	'limits-flow.xml:21: usr.applications.TcpSend: bytes "1000000000000": too large (at most 1GiB)' \
	"$flow" --set bytes=1000000000000
refused "a 10^12-datagram flow" \
	'limits-flow.xml:23: usr.applications.Send: count "1000000000000": too large (at most 4294967295)' \
	"$flow" --set count=1000000000000
refused "a queue of 2000000 frames" \
	'link "ab": queue "2000000p": too large (at most 1000000p)' \
	"$flow" --set queue=2000000p
refused "a queue of 2 GiB" \
	'queue "2GiB": too large (at most 1GiB)' \
	"$flow" --set link.ab.queue=2GiB
refused "a billion generated RAE prefixes" \
	'stress.xml:[0-9]*: usr.rae.Rae: generate "1000000000": too large (at most 10000000)' \
	"$top_srcdir/scenarios/rae/stress.xml" --set "raedir=$top_srcdir/scenarios/rae" \
	--set prefixes=1000000000

# Every RAE of a scenario together: (own prefixes) x (peers) at most
# 400000000 paths.  Twenty RAEs on the two nodes of the stress topology
# (one peer each; `check` builds them, nothing runs), each within its own
# limit of 10000000 generated prefixes; with their one configured prefix
# each, 20 x 1000000 prefixes x 20 peers is exactly the bound.
{
	echo '<scenario name="gen2">'
	echo '  <param name="w" value="999999"/> <param name="e" value="999999"/> <param name="extra" value="report"/>'
	echo "  <topology file=\"$top_srcdir/topologies/rae-stress.xml\"/>"
	echo '  <events>'
	for i in 1 2 3 4 5 6 7 8 9 10; do
		echo "    <app time=\"100ms\" node=\"rw\" class=\"usr.rae.Rae\" args=\"$top_srcdir/scenarios/rae/stress/west.xml generate=\${w}@32.0.0.0/24\"/>"
		[ "$i" -eq 10 ] && v=e || v=w
		echo "    <app time=\"100ms\" node=\"re\" class=\"usr.rae.Rae\" args=\"$top_srcdir/scenarios/rae/stress/east.xml generate=\${$v}\"/>"
	done
	echo '    <app time="1s" node="re" class="rae_tool" args="${extra}"/>'
	echo '  </events>'
	echo '</scenario>'
} >"$T/gen2.xml"
"$COMETSIM" check "$T/gen2.xml" >/dev/null 2>"$T/gen2.err"
rc=$?
check "twenty RAEs of 999999 generated prefixes: exactly the bound, accepted ($(cat "$T/gen2.err"))" \
	[ "$rc" -eq 0 ]
refused "the last of the twenty RAEs with 1000000 generated prefixes" \
	'gen2.xml:24: usr.rae.Rae: the scenario.s RAEs would hold 20000001 own prefixes (generate= and prefix_table) and have 20 peers in all: about 400000020 paths (every prefix once a peer), more than the 400000000 the RAEs of a run may hold (about 200 bytes each)' \
	"$T/gen2.xml" --set e=1000000
refused "twenty RAEs at the bound and one prefix announced" \
	'gen2.xml:25: rae_tool: the scenario.s RAEs would hold 20000001 own prefixes .* about 400000020 paths .* more than the 400000000' \
	"$T/gen2.xml" --set extra="announce 10.200.1.0/24"
# Seven RAEs with 18 peers in all, 10000000 generated prefixes each (one
# --set for all of them): the fourth one passes the bound.
refused "seven RAEs of 10000000 generated prefixes" \
	'multi.xml:44: usr.rae.Rae: the scenario.s RAEs would hold 40000004 own prefixes .* and have 14 peers in all: about 560000056 paths .* more than the 400000000' \
	"$top_srcdir/scenarios/rae/multi.xml" --set "raedir=$top_srcdir/scenarios/rae" \
	--set "timers=keepalive=1s hold=3s generate=10000000@16.0.0.0/24"

# The RAEs of a 10000-AS tiered graph, one prefix each: 10000 prefixes x
# 32836 peers counted, 328360000 paths, within the bound (doc/scale.md:
# `make bench`'s rae_internet case at that size).
cat >"$T/as10k.xml" <<'END'
<scenario name="as10k">
  <topology generate="tiered" nodes="10000" seed="1"/>
  <run end_time="60s" pcap="none"/>
  <deploy approach="none"/>
</scenario>
END
"$COMETSIM" check "$T/as10k.xml" >/dev/null 2>"$T/as10k.err"
rc=$?
check "the RAEs of a 10000-AS tiered graph load ($(head -c 300 "$T/as10k.err"))" [ "$rc" -eq 0 ]

# Shortest paths are computed on demand (sim/spf.c): nothing bounds the
# routes any more.  5000 script routers, and a chain of 40000 nodes, that
# an all-pairs table refused, load and run.
awk 'BEGIN { for (i = 1; i <= 5000; i++) print "0 START_ROUTER"; print "0 START_LINK 1 2"
	print "1 END_SIMULATION" }' >"$T/many.script"
printf '<scenario name="many">\n  <events>\n    <script file="many.script"/>\n  </events>\n</scenario>\n' \
	>"$T/many.xml"
"$COMETSIM" run "$T/many.xml" --out "$T/many" --quiet --pcap none >/dev/null 2>"$T/many.err"
rc=$?
check "5000 routers with shortest-path routing run (exit $rc)" [ "$rc" -eq 0 ]
awk 'BEGIN { print "<scenario name=\"chain\">\n<topology routing=\"shortest-path\">"
	print "<node name=\"n1\"><ether name=\"e0\" address=\"10.0.0.1/24\"/><ether name=\"e1\"/></node>"
	for (i = 2; i <= 40000; i++) print "<node name=\"n" i "\"><ether name=\"e0\"/><ether name=\"e1\"/></node>"
	for (i = 1; i < 40000; i++) print "<link a=\"n" i ":e1\" b=\"n" i + 1 ":e0\"/>"
	print "</topology>\n<run end_time=\"1s\" pcap=\"none\"/>\n</scenario>" }' >"$T/chain.xml"
"$COMETSIM" run "$T/chain.xml" --out "$T/chain" --quiet >/dev/null 2>"$T/chain.err"
rc=$?
check "40000 nodes in a chain with shortest-path routing run (exit $rc)" [ "$rc" -eq 0 ]

# At most 4000000 events: the 4000001st is refused where it stands.
awk 'BEGIN { for (i = 0; i < 4000001; i++) print "0 END_SIMULATION" }' >"$T/events.script"
printf '<scenario name="events">\n  <events>\n    <script file="events.script"/>\n  </events>\n</scenario>\n' \
	>"$T/events.xml"
refused "a script of 4000001 events" \
	'events.script:4000001: more than 4000000 events, the most a scenario may have' \
	"$T/events.xml"
rm -f "$T/events.script"

# A parameter of 1 MiB: 300 references on one line would make a text
# of 300 MiB, and one reference on each of 300 lines, events whose
# arguments take 300 MiB; both refused at the line that passes 256 MiB.
awk 'BEGIN { v = "x"; while (length(v) < 1048576) v = v v
	print "<scenario name=\"amp\">\n<param name=\"p\" value=\"" v "\"/>"
	print "<events><script file=\"amp.script\"/></events>\n</scenario>" }' >"$T/amp.xml"
awk 'BEGIN { printf "0 START_ROUTER 1\n0 ON_ROUTER 1 usr.applications.Send"
	for (i = 0; i < 300; i++) printf " ${p}"
	print "" }' >"$T/amp.script"
refused "300 references to a 1 MiB parameter on one line" \
	'amp.script:2: more than 268435456 bytes once its parameters are substituted ("${p}" is 1048576 bytes)' \
	"$T/amp.xml"
awk 'BEGIN { for (i = 0; i < 300; i++) print "0 ON_ROUTER 1 usr.applications.Send ${p}" }' \
	>"$T/amp.script"
refused "300 events of a 1 MiB parameter each" \
	"amp.script:256: the events' arguments take more than the 268435456 bytes a scenario may hold in all" \
	"$T/amp.xml"
rm -f "$T/amp.script" "$T/amp.xml"

# A script of a billion START_ROUTER lines would not fit: 300 MB (sparse).
if truncate -s 300M "$T/huge.script" 2>/dev/null; then
	printf '<scenario name="huge">\n  <events>\n    <script file="huge.script"/>\n  </events>\n</scenario>\n' \
		>"$T/huge.xml"
	refused "a 300 MB script" \
		'huge.xml:3: ".*huge.script" is 314572800 bytes, more than the 268435456 a scenario, topology or script file may have' \
		"$T/huge.xml"
	rm -f "$T/huge.script"
fi

finish
