#!/bin/sh
# time_limit.sh - the largest time a run may reach (SIM_TIME_LIMIT,
# 1000000000 s; doc/engine.md, "The largest time"): every duration and
# time beyond it is refused when the scenario loads, with its file and
# line, from every place a value comes from; values at the limit load and
# run without a crash, nothing happens after the limit and a run ends at
# it at the latest.  Before the limit, two link delays of 5000000000s or
# a Send interval of 9000000000s overflowed int64_t nanoseconds and
# aborted the run (ev_insert: Assertion 'when >= sim->now').
. "${top_srcdir:-.}/tests/scenarios/lib.sh"

flow="$top_srcdir/tests/scenarios/data/time-limit.xml"
script="$top_srcdir/tests/scenarios/data/time-limit-script.xml"
limit='too large (at most 1000000000s, the longest time a run may reach)'

# refused NAME STATUS PATTERN ARGS...: cometsim run ARGS exits STATUS with
# a message holding PATTERN (a fixed string), writes nothing, and does not
# crash (a crash would be another status).
refused() {
	name=$1 want=$2 pat=$3
	shift 3
	rm -rf "$T/out"
	"$COMETSIM" run "$@" --out "$T/out" --quiet >"$T/stdout" 2>"$T/err"
	rc=$?
	echo "$name: $(cat "$T/err")"
	check "$name: exit $want (got $rc)" [ "$rc" -eq "$want" ]
	check "$name: the message" grep -qF -- "$pat" "$T/err"
	check "$name: nothing written" [ ! -e "$T/out" ]
}

# ---- two values that once crashed the run: now load-time errors with file:line ----
refused "two links of 5000000000s" 1 \
	"time-limit.xml:27: link \"ar\": delay \"5000000000s\": $limit" \
	"$flow" --set delay=5000000000s
refused "a Send interval of 9000000000s" 1 \
	"time-limit.xml:35: usr.applications.Send: interval \"9000000000s\": $limit" \
	"$flow" --set interval=9000000000s

# ---- every other place a duration or a time comes from ----
refused "a link delay by --set link.NAME.delay" 1 \
	"--set link.rb.delay=1000000000.000000001s: link \"rb\": delay \"1000000000.000000001s\": $limit" \
	"$flow" --set link.rb.delay=1000000000.000000001s
refused "an event time" 1 "time-limit.xml:35: time \"1000000000001ms\": $limit" \
	"$flow" --set start=1000000000001ms
refused "end_time" 1 "--set end_time=16666667min: end_time \"16666667min\": $limit" \
	"$flow" --set end_time=16666667min
refused "--end" 1 "--end 1000000000.1s: end_time \"1000000000.1s\": $limit" "$flow" \
	--end 1000000000.1s
refused "--end in seconds" 1 "--end 1000000001: end_time \"1000000001\": $limit" "$flow" \
	--end 1000000001
refused "--max-wall in seconds" 1 "--max-wall 1000000001: max_wall \"1000000001\": $limit" \
	"$flow" --max-wall 1000000001
refused "a script time (milliseconds)" 1 \
	"time-limit-script.xml:13: time \"1000000000001\": $limit (with --set t1=1000000000001)" \
	"$script" --set t1=1000000000001
refused "a relative script time that adds up beyond the limit" 1 \
	"time-limit-script.xml:14: relative time \"600000000000\": too large (the line would run after 1000000000s, the longest time a run may reach)" \
	"$script" --set t1=600000000000 --set t2=600000000000

# ---- at the limit: accepted, and nothing runs after it ----
o="$T/at"
"$COMETSIM" run "$script" --set t1=1000000000000 --set t2=0 --out "$o" --quiet 2>"$T/err"
rc=$?
check "a script event at the limit itself: exit 0 (got $rc)" [ "$rc" -eq 0 ]
check "a script event at the limit runs: END_SIMULATION at 1000000000 s" \
	[ "$(json_get "$o/summary.json" sim_time_ns)" = 1000000000000000000 ]
check "a script event at the limit: stopped by END_SIMULATION" \
	[ "$(json_get "$o/summary.json" stop_reason)" = end_simulation ]

# Two links of 600000000 s: whatever crosses both would arrive after the
# limit, so nothing arrives; the run ends when only such events remain.
o="$T/delay"
"$COMETSIM" run "$flow" --set delay=600000000s --out "$o" --quiet 2>"$T/err"
rc=$?
check "two delays adding up beyond the limit: exit 0, no crash (got $rc)" [ "$rc" -eq 0 ]
check "two delays beyond the limit: status complete" \
	[ "$(json_get "$o/summary.json" status)" = complete ]
t=$(json_get "$o/summary.json" sim_time_ns)
check "two delays beyond the limit: the run ends before the limit ($t ns)" \
	[ "$t" -le 1000000000000000000 ]
check "two delays beyond the limit: no datagram arrives" \
	[ "$(counter "$o/counters.csv" recv b/recv0 received)" -eq 0 ]
check "two delays beyond the limit: what crosses one link arrives (ARP at 600000000 s)" \
	[ "$(counter "$o/counters.csv" link ar rx_frames)" -gt 0 ]
check "two delays beyond the limit: nothing crosses the second link" \
	[ "$(counter "$o/counters.csv" link rb rx_frames)" -eq 0 ]
check "two delays beyond the limit: no echo reply" \
	[ "$(counter "$o/counters.csv" ping a/ping0 received)" -eq 0 ]
check "two delays beyond the limit: the TCP connection never opens" \
	[ "$(counter "$o/counters.csv" tcpsend a/tcpsend0 connected)" -eq 0 ]

# A Send interval of exactly the limit: the second datagram leaves at the
# limit (the last instant a run has) and can never arrive, the third is
# never sent; the same for the echo requests of Ping.
o="$T/interval"
"$COMETSIM" run "$flow" --set interval=1000000000s --out "$o" --quiet 2>"$T/err"
rc=$?
check "an interval of the limit: exit 0, no crash (got $rc)" [ "$rc" -eq 0 ]
check "an interval of the limit: the run ends at the limit" \
	[ "$(json_get "$o/summary.json" sim_time_ns)" = 1000000000000000000 ]
check "an interval of the limit: 2 datagrams sent" \
	[ "$(counter "$o/counters.csv" send a/send0 sent)" -eq 2 ]
check "an interval of the limit: 1 datagram received" \
	[ "$(counter "$o/counters.csv" recv b/recv0 received)" -eq 1 ]
check "an interval of the limit: 1 echo reply" \
	[ "$(counter "$o/counters.csv" ping a/ping0 received)" -eq 1 ]
check "an interval of the limit: the TCP transfer is whole" \
	[ "$(counter "$o/counters.csv" tcpsink b/tcpsink0 bytes_received)" -eq 3000 ]
# The frame at the limit carries its time in the pcap's 32-bit seconds.
last=$(tshark_read "$o/a-eth0.pcap" -T fields -e frame.time_epoch | tail -n 1)
check "an interval of the limit: the last frame of a-eth0 at 1000000000 s ($last)" \
	awk -v t="$last" 'BEGIN { exit !(t >= 1000000000 && t < 1000000001) }'
bad=$(pcap_bad "$o/a-eth0.pcap" | wc -l)
check "an interval of the limit: a-eth0.pcap decodes ($bad bad frames)" [ "$bad" -eq 0 ]

finish
