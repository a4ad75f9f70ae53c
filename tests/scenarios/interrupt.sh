#!/bin/sh
# interrupt.sh - SIGINT, SIGTERM and --max-wall stop a run wherever it is
# (doc/outputs.md, "Stopping a run"): while the scenario loads (nothing
# is written), in a large curling script, and between events, where a
# second signal before the first is acted on still leaves whole pcaps and
# says so.
#
# No check depends on timing: every signal is sent once the run is known
# to be where the check wants it (a FIFO it blocks on, a log line read
# from a FIFO), and the runs that a signal must stop never end by
# themselves, or only after minutes of work, or block on a FIFO nobody
# reads (a log of megabytes).
. "${top_srcdir:-.}/tests/scenarios/lib.sh"

# pcap_whole FILE: tshark reads every record of it (a record cut short: status 2).
pcap_whole() {
	"$TSHARK" -n -r "$1" -q >/dev/null 2>&1
}

# child PID: the process timeout(1) started, which the signals are for
# (timeout passes signals on in an order of its own).
child() {
	pgrep -P "$1"
}

# all_pcaps_whole DIR: every pcap of DIR is whole, and there is one at least.
all_pcaps_whole() {
	n=0
	for pc in "$1"/*.pcap; do
		[ -e "$pc" ] || return 1
		pcap_whole "$pc" || return 1
		n=$((n + 1))
	done
	[ "$n" -gt 0 ]
}

# ---- while the scenario loads ----

# The topology is a FIFO nobody writes: loading blocks in it.
mkdir "$T/ld"
mkfifo "$T/ld/topo.xml"
printf '<scenario name="ld">\n  <topology file="topo.xml"/>\n</scenario>\n' >"$T/ld/s.xml"

"$COMETSIM" run "$T/ld/s.xml" --out "$T/ld/out" --quiet 2>"$T/ld/term.err" &
pid=$!
exec 4>"$T/ld/topo.xml"		# returns once the run has opened it
kill -TERM "$pid"
wait "$pid"
rc=$?
exec 4>&-
check "SIGTERM while the scenario loads: exit 143" [ "$rc" -eq 143 ]
check "... saying so" grep -q "s.xml: interrupted by SIGTERM while it was loaded; nothing was written" \
	"$T/ld/term.err"
check "... and nothing written" not test -e "$T/ld/out"

timeout 120 "$COMETSIM" run "$T/ld/s.xml" --out "$T/ld/out" --quiet --max-wall 0.2 \
	2>"$T/ld/wall.err"
rc=$?
check "--max-wall while the scenario loads: exit 3" [ "$rc" -eq 3 ]
check "... saying so" grep -q "s.xml: stopped by the wall-clock limit while it was loaded" \
	"$T/ld/wall.err"
check "... and nothing written" not test -e "$T/ld/out"

# ---- in a script of 1000 curling routers ----

# Shortest paths are computed on demand and follow each START_LINK
# (sim/spf.c): no single event is long any more, and one that was
# interrupted inside the computation is a unit test (tests/unit,
# "route computation gives up when interrupted").  Routers 1 and 2 and
# their link come first, so that their pcaps are there at once.
{
	echo "0 START_ROUTER 1"
	echo "0 START_ROUTER 2"
	echo "0 START_LINK 1 2"
	i=3
	while [ "$i" -le 1000 ]; do
		echo "0 START_ROUTER $i"
		i=$((i + 1))
	done
	i=2
	while [ "$i" -lt 1000 ]; do
		echo "+1 START_LINK $i $((i + 1))"
		i=$((i + 1))
	done
	# then 40000 lines of log more: the run blocks on the FIFO the
	# test stops reading, and is still there when the signal comes
	i=0
	while [ "$i" -lt 10000 ]; do
		echo "+1 END_LINK 1 2"
		echo "+1 START_LINK 1 2"
		i=$((i + 1))
	done
	echo "+1000 END_SIMULATION"
} >"$T/chain.script"
printf '<scenario name="chain">\n  <events>\n    <script file="chain.script"/>\n  </events>\n</scenario>\n' \
	>"$T/chain.xml"

# SIGTERM once the link 2-3 is up (the 1001st event): 998 more
# START_LINK lines and 20000 more events are to come.
mkfifo "$T/ct.fifo"
timeout 600 "$COMETSIM" run "$T/chain.xml" --out "$T/ct" --quiet --pcap 1,2 --log-stderr \
	2>"$T/ct.fifo" &
tpid=$!
exec 3<"$T/ct.fifo"
while IFS= read -r line <&3; do
	case $line in
	*"scenario INFO: link 2:eth1-3:eth0 started"*) break ;;
	esac
done
kill -TERM "$(child "$tpid")"
cat <&3 >"$T/ct.err"
exec 3<&-
wait "$tpid"
rc=$?
check "SIGTERM in a large script: exit 143" [ "$rc" -eq 143 ]
check "... summary.json status interrupted" [ "$(json_get "$T/ct/summary.json" status)" = interrupted ]
check "... stop_reason interrupted" [ "$(json_get "$T/ct/summary.json" stop_reason)" = interrupted ]
check "... not every event ran" [ "$(json_get "$T/ct/summary.json" events)" -lt 22000 ]
check "... the pcaps are whole" all_pcaps_whole "$T/ct"

# ---- between events: two signals ----

# A sender that would take hours of wall time, logging every datagram:
# with the log on a FIFO the test stops reading, the run fills the pipe
# and waits inside an event, where both signals reach it before it can
# act on the first.
cat >"$T/inf-topo.xml" <<'EOF'
<topology name="two" routing="static">
  <node name="a" role="host"><ether name="eth0" address="10.0.0.1/24"/></node>
  <node name="b" role="host"><ether name="eth0" address="10.0.0.2/24"/></node>
  <link name="ab" a="a:eth0" b="b:eth0" bandwidth="10Gbps"/>
</topology>
EOF
cat >"$T/inf.xml" <<'EOF'
<scenario name="inf">
  <topology file="inf-topo.xml"/>
  <events>
    <app time="0s" node="b" class="usr.applications.Recv" args="3000"/>
    <app time="1ms" node="a" class="usr.applications.Send" args="10.0.0.2 3000 4294967295 size=100 interval=1us"/>
  </events>
</scenario>
EOF
mkfifo "$T/inf.fifo"
timeout 600 "$COMETSIM" run "$T/inf.xml" --out "$T/inf" --quiet --log-stderr --log send=debug \
	2>"$T/inf.fifo" &
tpid=$!
exec 3<"$T/inf.fifo"
while IFS= read -r line <&3; do
	case $line in
	*"send/send0 DEBUG: datagram 100 to"*) break ;;
	esac
done
pid=$(child "$tpid")
kill -INT "$pid"
kill -TERM "$pid"
cat <&3 >"$T/inf.err"
exec 3<&-
wait "$tpid"
rc=$?
check "SIGINT then SIGTERM between events: exit 130 (the first)" [ "$rc" -eq 130 ]
check "... summary.json status interrupted" [ "$(json_get "$T/inf/summary.json" status)" = interrupted ]
check "... the run stopped where it was, not 65536 events later" \
	[ "$(json_get "$T/inf/summary.json" events)" -lt 65536 ]
check "... the pcaps are whole" all_pcaps_whole "$T/inf"
check "... they hold the datagrams sent before the signals" \
	[ "$(count "$T/inf/a-eth0.pcap" udp)" -gt 100 ]
check "... stderr says what happened" grep -q "inf.xml: interrupted by SIGINT after .* (SIGTERM came too, while it stopped); the outputs are whole" \
	"$T/inf.err"

finish
