#!/bin/sh
# timeseries.sh - timeseries.csv (doc/outputs.md, "timeseries.csv"): its
# exact content on scenarios/timeseries.xml against a golden copy
# explained below, checked against the captures too; the same file
# whatever the scheduler; a run that samples runs the same events as one
# that does not; what is refused, and how.
. "${top_srcdir:-.}/tests/scenarios/lib.sh"

S="$top_srcdir/scenarios/timeseries.xml"
G="$top_srcdir/tests/scenarios/data/timeseries.csv"

# ---- the golden file ----
#
# Frames of 1250 bytes take 1 ms on rb (10 Mbps) and 0.1 ms on ar
# (100 Mbps); an ARP frame (60 bytes) 48 us and 4.8 us.  A row at T
# covers [T - 250 ms, T): the state every event before T left.
#
# 1.25  ar/a>r 0.0500192: 125 frames of flow A (sent 1.000 .. 1.248)
#       = 12.5 ms, and a's ARP request 4.8 us: 12.5048 / 250.
#       ar/r>a 0.0000192: r's ARP reply, 4.8 / 250000.
#       rb/r>b 0.499792: r's ARP request 48 us, 124 frames whole and
#       0.9 ms of the last one (it reaches r at 1.2491): 124.948 / 250.
#       rb/b>r 0.000192: b's ARP reply.  recv0 599168 B/s: 124
#       datagrams of 1208 bytes got to b before 1.25 (the one sent at
#       1.248 arrives at 1.2511), 149792 bytes in a quarter of a second.
# 1.5   ar 0.05 and rb 0.5: 125 frames each (0.1 ms of the one that
#       started at 1.2491, 124 whole, 0.9 ms of the next); recv0 604000:
#       125 datagrams.
# 1.75  flow B joins: ar carries 375 frames, 0.15.  rb is idle from
#       1.5001 to 1.5011 and busy after: 249 / 250 = 0.996.  Its queue
#       holds 20 frames, its limit; the 105 drops of counters.csv all
#       fall here (105 / 0.25 s = 420/s).  248 frames reach b in the
#       interval (the one that ends at 1.5001, and 247 that end by
#       1.7481); tshark below says how many of each flow.
# 2.0   ar 0.05; rb 0.584: over the run rb carried 645 data frames
#       (750 sent, 105 dropped), 645 ms of which 644.9 fall before 2.0
#       (the last one ends at 2.0001): 124.948 + 125 + 249 + 146 =
#       644.948.  The run ends when its last frame arrives (2.0031), before
#       the next instant: no row at 2.25.
"$COMETSIM" run "$S" --out "$T/g" --quiet
check "timeseries.xml runs (exit $?)" [ -s "$T/g/timeseries.csv" ]
check "timeseries.csv is the golden copy" cmp "$G" "$T/g/timeseries.csv"
check "the marker lists timeseries.csv" grep -qx 'timeseries.csv' "$T/g/.cometsim-run"
check "the drops of counters.csv: 105" [ "$(counter "$T/g/counters.csv" link rb drop_queue_full)" -eq 105 ]

# The receivers' rates, against what b's capture shows in [1.5, 1.75).
rate_of() {
	awk -F, -v t="$1" -v k="$2" \
		'$1 == t && $2 == "entity.recv.bytes_received.rate" && $3 == k { print $4 }' \
		"$T/g/timeseries.csv"
}
in_window() {
	count "$T/g/b-eth0.pcap" "udp.dstport == $1 && frame.time_epoch >= 1.5 && frame.time_epoch < 1.75"
}
nA=$(in_window 5000)
nB=$(in_window 5001)
check "b's capture: 248 datagrams in [1.5, 1.75) ($nA + $nB)" [ "$((nA + nB))" -eq 248 ]
check "flow A's rate is its datagrams in the capture ($nA)" \
	[ "$(rate_of 1.750000000 b/recv0)" -eq "$((nA * 1208 * 4))" ]
check "flow B's rate is its datagrams in the capture ($nB)" \
	[ "$(rate_of 1.750000000 b/recv1)" -eq "$((nB * 1208 * 4))" ]
check "b's capture: no bad frame" [ -z "$(pcap_bad "$T/g/b-eth0.pcap")" ]
check "r's captures: no bad frame" [ -z "$(pcap_bad "$T/g/r-eth1.pcap")$(pcap_bad "$T/g/r-eth0.pcap")" ]

# ---- cometsim plot: a PNG and an SVG per series, a CDF of a column ----
is_png() {
	[ "$(od -An -c -N4 "$1" | tr -d ' ')" = '211PNG' ]
}
is_svg() {
	grep -q '<svg' "$1"
}
"$COMETSIM" plot "$T/g" > "$T/plot.out" 2>&1
check "cometsim plot RUNDIR (exit $?)" grep -q 'ts-link.util.svg' "$T/plot.out"
for s in link.util link.queue link.drops.rate entity.recv.bytes_received.rate; do
	check "ts-$s.png is a PNG" is_png "$T/g/plots/ts-$s.png"
	check "ts-$s.svg is an SVG" is_svg "$T/g/plots/ts-$s.svg"
done
check "ts-link.util.dat: a block per key" [ "$(grep -c '^# [a-z]*/' "$T/g/plots/ts-link.util.dat")" -eq 4 ]
check "... the 0.996 of rb/r>b at 1.75" grep -q '^1.75	0.996$' "$T/g/plots/ts-link.util.dat"
"$COMETSIM" plot "$T/g" --series link.util --keys 2 --out "$T/p2" --quiet
check "--series link.util --keys 2: one plot (exit $?)" [ "$(ls "$T/p2" | grep -c png)" -eq 1 ]
check "... two keys, the highest peaks" \
	[ "$(grep '^# [a-z]*/' "$T/p2/ts-link.util.dat" | tr '\n' ' ')" = '# rb/r>b # ar/a>r ' ]
check "... and the title says so" grep -q 'the 2 keys of 4 with the highest peaks' "$T/p2/ts-link.util.gp"
"$COMETSIM" plot --cdf value --by series "$T/g/timeseries.csv" --out "$T/cdf" --quiet
check "--cdf value --by series (exit $?)" is_png "$T/cdf/cdf-value.png"
check "... an SVG too" is_svg "$T/cdf/cdf-value.svg"
check "... a curve per series, its share reaching 1" \
	[ "$(grep -c '	1$' "$T/cdf/cdf-value.dat")" -eq 4 ]
"$COMETSIM" plot "$T/g" --keys 0 2>"$T/k0.err"
check "--keys 0: exit 2 (got $?)" [ $? -eq 2 ]
"$COMETSIM" plot "$T/g" --series nosuch 2>"$T/ns.err"
check "--series nosuch: exit 1 (got $?)" [ $? -eq 1 ]
check "... says so" grep -q 'no series "nosuch"' "$T/ns.err"
"$COMETSIM" plot --cdf nosuch "$T/g/timeseries.csv" 2>"$T/nc.err"
check "--cdf of a column the file lacks: exit 1 (got $?)" [ $? -eq 1 ]
"$COMETSIM" plot "$T/w" --by x 2>/dev/null
check "--by without --cdf: exit 2 (got $?)" [ $? -eq 2 ]
mkdir "$T/empty"
"$COMETSIM" plot "$T/empty" 2>"$T/empty.err"
check "a directory with no timeseries.csv nor sweep.xml: exit 1 (got $?)" [ $? -eq 1 ]

# ---- the same whatever the scheduler ----
"$COMETSIM" run "$S" --out "$T/h" --quiet --scheduler heap
check "the heap scheduler writes the same file" cmp "$T/g/timeseries.csv" "$T/h/timeseries.csv"

# ---- sampling changes no other output ----
#
# The decoupled network end to end (RAEs, a CME, CAFEs, clients), its
# entities sampled every millisecond, against the same run without.
# Its files name others relative to the top of the tree: run from there.
E=scenarios/decoupled/e2e.xml
cd "$top_srcdir" || exit 99
sel='link.util,link.queue,link.queue_bytes,link.tx_bytes.rate,link.drops,node.rx_frames'
sel="$sel,node.drops.rate,entity.rae.update_in,entity.rae.preferred_changes.rate"
sel="$sel,entity.cme.accepted,entity.cafe.filters,entity.cme_client.bytes_received.rate"
"$COMETSIM" run "$E" --out "$T/off" --quiet
"$COMETSIM" run "$E" --out "$T/on" --quiet --timeseries "$sel" --timeseries-interval 1ms \
	2>"$T/on.err"
same_outputs() {
	for f in "$T/off"/*.pcap "$T/off/log.txt" "$T/off/counters.csv"; do
		cmp -s "$f" "$T/on/$(basename "$f")" || return 1
	done
	return 0
}
check "e2e sampled every 1 ms: the same pcaps, log and counters" same_outputs
for k in events sim_time_ns status stop_reason; do
	check "... and the same $k in summary.json" \
		[ "$(json_get "$T/off/summary.json" $k)" = "$(json_get "$T/on/summary.json" $k)" ]
done
check "... the same list of pcaps" \
	[ "$(json_get "$T/off/summary.json" pcap_files)" = "$(json_get "$T/on/summary.json" pcap_files)" ]
check "... every series has rows" [ "$(cut -d, -f2 "$T/on/timeseries.csv" | sort -u | wc -l)" -eq 13 ]
check "... and no warning" [ ! -s "$T/on.err" ]
check "without the option: no timeseries.csv" [ ! -e "$T/off/timeseries.csv" ]
check "... nor in the marker" not grep -q timeseries "$T/off/.cometsim-run"
check "e2e's captures: no bad frame" [ -z "$(pcap_bad "$T/on/cli1-eth0.pcap")" ]

# An event limit counts the same events with and without sampling.
"$COMETSIM" run "$E" --out "$T/lim1" --quiet --max-events 500 2>/dev/null
"$COMETSIM" run "$E" --out "$T/lim2" --quiet --max-events 500 --timeseries link.util \
	--timeseries-interval 1us 2>/dev/null
check "--max-events 500: the same virtual time with sampling" \
	[ "$(json_get "$T/lim1/summary.json" sim_time_ns)" = "$(json_get "$T/lim2/summary.json" sim_time_ns)" ]
check "... and the same counters" cmp "$T/lim1/counters.csv" "$T/lim2/counters.csv"

# ---- warnings ----
"$COMETSIM" run "$S" --out "$T/w" --quiet --timeseries 'link.util@nosuch*,entity.recv.nothing' \
	2>"$T/w.err"
check "an item that kept no key: a warning (exit $?)" \
	grep -q 'timeseries item "link.util@nosuch\*" kept no key' "$T/w.err"
check "... a statistic no instance reports too" \
	grep -q 'timeseries item "entity.recv.nothing" kept no key' "$T/w.err"
check "... and only the header in the file" [ "$(wc -l < "$T/w/timeseries.csv")" -eq 1 ]
check "... the log says nothing of it" not grep -q timeseries "$T/w/log.txt"
"$COMETSIM" run "$S" --out "$T/early" --quiet --timeseries link.util --end 100ms 2>"$T/early.err"
check "a run that ends before the first instant: no row" [ "$(wc -l < "$T/early/timeseries.csv")" -eq 1 ]
check "... and says so" grep -q 'no sample: the run ended at 0.100000000 s' "$T/early.err"

# ---- refused ----
sed 's|timeseries="link.util,|timeseries="link.utl,|' "$S" > "$T/bad.xml"
"$COMETSIM" run "$T/bad.xml" --out "$T/bad" --quiet 2>"$T/bad.err"
check "<run timeseries> with an unknown series: exit 1 (got $?)" [ $? -eq 1 ]
check "... file:line and the item" \
	grep -q "bad.xml:[0-9]*: timeseries \".*\": item \"link.utl\": not a series" "$T/bad.err"
check "... nothing written" [ ! -e "$T/bad" ]
sed 's|timeseries_interval="250ms"|timeseries_interval="0"|' "$S" > "$T/bad0.xml"
"$COMETSIM" check "$T/bad0.xml" 2>"$T/bad0.err"
check "<run timeseries_interval=\"0\">: exit 1 (got $?)" [ $? -eq 1 ]
check "... file:line, too small" \
	grep -q 'bad0.xml:[0-9]*: timeseries_interval "0": too small' "$T/bad0.err"
"$COMETSIM" check "$S" --set 'timeseries=entity.nosuch.x' 2>"$T/set.err"
check "--set timeseries= an unknown kind: exit 1 (got $?)" [ $? -eq 1 ]
check "... names the --set" grep -q 'names an entity kind no class has' "$T/set.err"
check "... and the --set" grep -q 'with --set timeseries=entity.nosuch.x\|--set timeseries' "$T/set.err"
"$COMETSIM" run "$S" --out "$T/u1" --timeseries 'link.util.rate' 2>"$T/u1.err"
check "--timeseries link.util.rate: exit 1, as its --set (got $?)" [ $? -eq 1 ]
check "... says why" grep -q 'measures a state, not a count' "$T/u1.err"
check "... nothing written" [ ! -e "$T/u1" ]
"$COMETSIM" run "$S" --out "$T/u2" --timeseries-interval 0 2>"$T/u2.err"
check "--timeseries-interval 0: exit 1, as its --set (got $?)" [ $? -eq 1 ]
"$COMETSIM" run "$S" --out "$T/u3" --timeseries-interval 5parsecs 2>"$T/u3.err"
check "--timeseries-interval 5parsecs: exit 1, as its --set (got $?)" [ $? -eq 1 ]
check "... the option and the value named" \
	grep -q '^--timeseries-interval 5parsecs: timeseries_interval "5parsecs": unknown unit' "$T/u3.err"
"$COMETSIM" run "$S" --out "$T/u4" --timeseries '' 2>"$T/u4.err"
check "--timeseries '': exit 1, as its --set (got $?)" [ $? -eq 1 ]

# A timeseries.csv that is not the run's is never written over.
mkdir -p "$T/own"
"$COMETSIM" run "$S" --out "$T/own" --quiet --timeseries none
echo mine > "$T/own/timeseries.csv"
"$COMETSIM" run "$S" --out "$T/own" --quiet 2>"$T/own.err"
check "a timeseries.csv of the user's: the run stops (exit $?)" \
	grep -q 'timeseries.csv: already there, and no earlier run wrote it' "$T/own.err"
check "... and leaves it alone" [ "$(cat "$T/own/timeseries.csv")" = mine ]

finish
