#!/bin/sh
# outputs.sh - what a run writes and how the command line behaves: pcap
# selection and snap length, log verbosity, the progress line, exit
# statuses, and an interrupted run (SIGINT) that still leaves complete,
# readable captures and a summary that says it was interrupted.
. "${top_srcdir:-.}/tests/scenarios/lib.sh"

scn="$top_srcdir/scenarios/sample.xml"

# Selection: one node's interfaces and one named interface.
"$COMETSIM" run "$scn" --out "$T/sel" --quiet --pcap 'r1,h2:eth0' --snaplen 100 ||
	fail "run with a pcap selection exited $?"
check "--pcap r1,h2:eth0 writes exactly those captures" \
	[ "$(cd "$T/sel" && ls *.pcap | tr '\n' ' ')" = "h2-eth0.pcap r1-eth0.pcap r1-eth1.pcap " ]
check "--snaplen 100: no frame captured beyond 100 bytes" \
	[ "$(tshark_read "$T/sel/h2-eth0.pcap" -Y 'frame.cap_len > 100' | wc -l)" -eq 0 ]
check "--snaplen 100: frames keep their real length" \
	[ "$(tshark_read "$T/sel/h2-eth0.pcap" -Y 'frame.len == 542 && frame.cap_len == 100' | wc -l)" -eq 100 ]
check "captures are nanosecond pcap" \
	[ "$(od -An -tx1 -N4 "$T/sel/h2-eth0.pcap" | tr -d ' ')" = "4d3cb2a1" ]
check "captures have the Ethernet link type" \
	[ "$(od -An -tu4 -j20 -N4 "$T/sel/h2-eth0.pcap" | tr -d ' ')" = 1 ]
check "--snaplen 100: the file header says 100 (what a reader sizes its buffer by)" \
	[ "$(od -An -tu4 -j16 -N4 "$T/sel/h2-eth0.pcap" | tr -d ' ')" = 100 ]
check "... and tshark reads it so" \
	[ "$(capinfos -l "$T/sel/h2-eth0.pcap" 2>/dev/null | awk -F: '/Packet size limit/ { gsub(/[^0-9]/, "", $NF); print $NF; exit }')" = 100 ]
"$COMETSIM" run "$scn" --out "$T/none" --quiet --pcap none || fail "run --pcap none exited $?"
check "--pcap none writes no capture" [ "$(ls "$T/none" | grep -c pcap)" -eq 0 ]

# Verbosity per entity kind.
"$COMETSIM" run "$scn" --out "$T/log" --quiet --pcap none --log 'warn,recv=debug' ||
	fail "run with --log exited $?"
check "--log warn,recv=debug: recv lines are there" grep -q ' recv/recv0 ' "$T/log/log.txt"
check "--log warn,recv=debug: ping's info lines are not" not grep -q ' ping/' "$T/log/log.txt"
check "every log line starts with virtual time and node" \
	[ "$(grep -cvE '^[0-9]+\.[0-9]{9} [^ ]+ [a-z]+' "$T/log/log.txt")" -eq 0 ]

# Not a terminal: no progress line, only the output directory on stdout.
"$COMETSIM" run "$scn" --out "$T/quiet" --pcap none > "$T/stdout" 2> "$T/stderr" ||
	fail "plain run exited $?"
check "stdout names the run directory" grep -qx "outputs: $T/quiet" "$T/stdout"
check "stderr is silent when it is not a terminal" [ ! -s "$T/stderr" ]

# Exit statuses.
"$COMETSIM" run > /dev/null 2>&1
check "missing SCENARIO is a usage error (2)" [ $? -eq 2 ]
"$COMETSIM" run "$scn" --bogus > /dev/null 2>&1
check "an unknown option is a usage error (2)" [ $? -eq 2 ]
"$COMETSIM" run "$scn" --scheduler fifo > /dev/null 2> "$T/err"
check "an unknown scheduler is refused as --set scheduler=fifo is (1)" [ $? -eq 1 ]
check "... its message names the heap scheduler" grep -q heap "$T/err"
check "... and the calendar scheduler" grep -q calendar "$T/err"
"$COMETSIM" check "$T/missing.xml" > /dev/null 2>&1
check "a missing scenario is bad input (1)" [ $? -eq 1 ]
"$COMETSIM" --version > "$T/v" 2>&1
check "--version prints the version and the commit" grep -q '^cometsim [0-9]' "$T/v"
"$COMETSIM" topo "$scn" --dot > "$T/dot" || fail "topo exited $?"
check "topo --dot prints a graph with the three links and the tunnel" \
	[ "$(head -n 1 "$T/dot")" = 'graph "sample" {' -a \
	  "$(grep -c -- '-- .* Mbps, ' "$T/dot")" -eq 3 -a "$(grep -c 'label="gre1"' "$T/dot")" -eq 1 ]

# SIGINT in the middle of a long run (tens of millions of events).
"$COMETSIM" run "$scn" --out "$T/int" --quiet --pcap h2 --set count=100000000 \
	--set interval=1us &
pid=$!
# Interrupt once frames are being written (the machine may be slow).
i=0
while [ "$i" -lt 300 ] && [ "$(wc -c < "$T/int/h2-eth0.pcap" 2>/dev/null || echo 0)" -lt 100000 ]; do
	sleep 0.1
	i=$((i + 1))
done
kill -INT "$pid"
wait "$pid"
rc=$?
check "SIGINT: exit status 130" [ "$rc" -eq 130 ]
check "SIGINT: summary.json says interrupted" \
	[ "$(json_get "$T/int/summary.json" status)" = interrupted ]
n=$(tshark_read "$T/int/h2-eth0.pcap" | wc -l)
check "SIGINT: the capture holds frames ($n)" [ "$n" -gt 0 ]
"$TSHARK" -r "$T/int/h2-eth0.pcap" > /dev/null 2> "$T/tserr"
check "SIGINT: tshark reads the capture without an error" [ $? -eq 0 ]
check "SIGINT: tshark finds the capture whole" \
	not grep -qi 'cut short\|appears to be damaged' "$T/tserr"

# summary.json, written by json-glib: JSON that Python reads, the keys of
# doc/outputs.md in their order; a seed above INT64_MAX, which json-glib's
# 64-bit signed integers cannot hold, stays a positive number.
"$COMETSIM" run "$scn" --out "$T/big" --quiet --pcap none --end 1ms \
	--seed 18446744073709551615 || fail "run --seed 18446744073709551615 exited $?"
check "summary.json: the keys of doc/outputs.md, in order" \
	[ "$(python3 -c 'import json, sys; print(",".join(json.load(open(sys.argv[1]))))' \
	     "$T/big/summary.json")" = \
	  "scenario,seed,run,version,commit,date,scheduler,events,sim_time_ns,wall_s,events_per_s,peak_rss_kb,status,stop_reason,max_events,max_wall_s,nodes,links,drops,totals,pcap_files" ]
check "summary.json: a seed of 2^64 - 1 is that number, rounded" \
	python3 -c 'import json, sys; sys.exit(abs(json.load(open(sys.argv[1]))["seed"] - (2**64 - 1)) > 1e4)' \
	"$T/big/summary.json"

finish
