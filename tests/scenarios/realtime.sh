#!/bin/sh
# realtime.sh - real-time mode (doc/emulation.md): a run with --realtime
# (and <run realtime=>) writes what the same run writes without it, but
# for summary.json's "realtime" object, and lasts at least its virtual
# time; strict with a bound no machine meets stops the run (exit 3) with
# the event it stopped before; bad values are refused.
. "${top_srcdir:-.}/tests/scenarios/lib.sh"

scn="$top_srcdir/scenarios/sample.xml"
# 100 datagrams a stream, one every 10 ms: a second of traffic.
args="--set count=100 --set interval=10ms --end 1s"

"$COMETSIM" run "$scn" $args --out "$T/plain" --quiet
check "the run without real time completes" [ -s "$T/plain/summary.json" ]
"$COMETSIM" run "$scn" $args --realtime --out "$T/rt" --quiet
rc=$?
check "the run in real time completes (exit $rc)" [ "$rc" -eq 0 ]
same=0
differ=
for f in $(cd "$T/plain" && ls); do
	[ "$f" = summary.json ] && continue
	if cmp -s "$T/plain/$f" "$T/rt/$f"; then
		same=$((same + 1))
	else
		differ="$differ $f"
	fi
done
check "every output but summary.json is byte-identical ($same files;${differ:- none} differ)" \
	[ -z "$differ" ]
captures_ok "$T/rt" "the run in real time"
cat >"$T/rt.py" <<'EOF'
import json, sys
plain = json.load(open(sys.argv[1]))
rt = json.load(open(sys.argv[2]))
assert "realtime" not in plain, "a run not in real time has no realtime key"
r = rt["realtime"]
assert r["mode"] == "yes", r
assert r["bound_ns"] == 0, r
assert r["events_paced"] == rt["events"] + 1, (r, rt["events"])
assert 0 <= r["lag_p99_ns"] <= r["lag_max_ns"], r
assert 0 <= r["events_late"] <= r["events_paced"], r
assert r["late_ns"] == 1000000, r
assert r["stopped"] is False, r
assert rt["status"] == "complete", rt["status"]
for k in ("events", "sim_time_ns", "drops", "totals"):
    assert plain[k] == rt[k], k
# A lower bound only: in real time a run of 1 s of virtual time cannot end sooner.
assert rt["wall_s"] >= 1.0, rt["wall_s"]
print("ok")
EOF
check "summary.json: the realtime object, the same events, and a second at least ($(python3 "$T/rt.py" "$T/plain/summary.json" "$T/rt/summary.json" 2>&1 | tail -n 1))" \
	python3 "$T/rt.py" "$T/plain/summary.json" "$T/rt/summary.json"

# <run realtime="yes"> in the scenario does the same as --realtime.
# copy SRC DST SED: the scenario with its topology's path made absolute.
copy() {
	sed -e "s|file=\"../topologies/|file=\"$top_srcdir/topologies/|" -e "$3" "$1" >"$2"
}
copy "$scn" "$T/rt-scn.xml" 's|<run |<run realtime="yes" |'
check "the copy asks for real time in <run>" grep -q 'realtime="yes"' "$T/rt-scn.xml"
"$COMETSIM" run "$T/rt-scn.xml" $args --out "$T/rt2" --quiet
check "<run realtime=\"yes\">: summary.json says so" \
	grep -q '"mode" *: *"yes"' "$T/rt2/summary.json"
check "<run realtime=\"yes\">: the same captures" cmp -s "$T/plain/h1-eth0.pcap" "$T/rt2/h1-eth0.pcap"
"$COMETSIM" run "$T/rt-scn.xml" $args --realtime=no --out "$T/rt3" --quiet
check "--realtime=no overrides it: no realtime key" not grep -q '"realtime"' "$T/rt3/summary.json"

# strict, with a bound no process meets (1 us: a wake-up alone takes longer).
"$COMETSIM" run "$scn" $args --realtime=strict --set realtime_bound=1us --out "$T/strict" \
	--quiet 2>"$T/strict.err"
rc=$?
check "strict past its bound: exit 3 ($rc)" [ "$rc" -eq 3 ]
check "the message names the event's time, its lag and the bound" \
	grep -qE 'stopped in real time: the event due at virtual time [0-9.]+ s ran [0-9.]+[mun]?s late, more than realtime_bound 1us' \
	"$T/strict.err"
check "summary.json: status realtime_lag" grep -q '"status" *: *"realtime_lag"' "$T/strict/summary.json"
check "summary.json: stopped, with where" grep -q '"stop_at_ns"' "$T/strict/summary.json"
captures_ok "$T/strict" "the stopped run"

# bad values
"$COMETSIM" run "$scn" --realtime=soon --out "$T/bad1" --quiet 2>"$T/bad1.err"
rc=$?
check "--realtime=soon: exit 1 ($rc)" [ "$rc" -eq 1 ]
check "... says what it takes" grep -q 'realtime "soon": expected no, yes or strict' "$T/bad1.err"
check "... and writes nothing" [ ! -e "$T/bad1/summary.json" ]
copy "$scn" "$T/bad2.xml" 's|<run |<run realtime="strict" realtime_bound="0" |'
"$COMETSIM" run "$T/bad2.xml" --out "$T/bad2" --quiet 2>"$T/bad2.err"
rc=$?
check "realtime_bound=\"0\": exit 1 ($rc)" [ "$rc" -eq 1 ]
check "... with the file and line" grep -q "^$T/bad2.xml:[0-9]*: .*realtime_bound" "$T/bad2.err"

finish
