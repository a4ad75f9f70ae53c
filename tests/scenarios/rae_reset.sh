#!/bin/sh
# rae_reset.sh - an RAE restarted on a node that stays up (rae_tool
# restart, doc/rae.md "Restarting an RAE"): scenarios/rae/reset.xml.
# What the validation rows of test 8 do not check: the log lines, the
# sessions on the wire (a RST from AS 3 on each of its links), that the
# restarted RAE has no rows in rae-paths.csv while it is down, a command
# given to it while it is down, a node that goes down during the down
# time (the RAE never comes back), and the same run twice.
. "${top_srcdir:-.}/tests/scenarios/lib.sh"

raedir="$top_srcdir/scenarios/rae"
o="$T/run"
"$COMETSIM" run "$raedir/reset.xml" --set "raedir=$raedir" --out "$o" --quiet
rc=$?
check "the reset run completes (exit $rc)" [ "$rc" -eq 0 ]
log="$o/log.txt"
c="$o/counters.csv"

check "AS 3's RAE logs the restart" \
	grep -q '^6\.000000000 r3 rae/rae2 INFO: restart: stopping (every connection reset)$' "$log"
check "its sessions stop" \
	[ "$(grep -c '^6\.000000000 r3 rae/rae2 INFO: peer AS[146]/[^:]*: Established -> Idle: stopped$' "$log")" -eq 3 ]
check "its RIB is emptied down to its own prefix" \
	grep -q '^6\.000000000 r3 rae/rae2 INFO: restart: RIB emptied (6 prefixes and 11 paths dropped; now 1 prefixes, 1 own, and 0 paths); starting again in 3000 ms$' "$log"
check "it starts again after the down time" \
	grep -q '^9\.000000000 r3 rae/rae2 INFO: restart: starting again$' "$log"
check "and connects to its CME with a full report" \
	grep -q '^9\.0[0-9]* r3 rae/rae2 INFO: CME: connected, full report$' "$log"
check "AS 1 withdraws the paths it learned from AS 3" \
	grep -q '^6\.002000480 r1 rae/rae0 INFO: peer AS3/172.20.1.2: withdrew the paths of 4 prefixes learned from it; 2 preferred paths changed$' "$log"
check "AS 1's connection attempts while AS 3 is down are refused quietly" \
	not grep -q '^[78]\.[0-9]* r1 rae/rae0 WARN' "$log"
check "every session of AS 3 comes up again" \
	[ "$(grep -c '^\(9\|10\)\.[0-9]* r3 rae/rae2 INFO: peer AS[146]/[^:]*: session up' "$log")" -eq 3 ]
check "one restart counted" [ "$(counter "$c" rae r3/rae2 restarts)" -eq 1 ]
check "AS 3's peers each count one session reset" \
	[ "$(counter "$c" rae r1/rae0 session_resets)$(counter "$c" rae r4/rae3 session_resets)$(counter "$c" rae r6/rae5 session_resets)" = 111 ]
check "no other RAE counts a restart" \
	[ "$(grep -c '^rae,[^,]*,restarts,' "$c")" -eq 1 ]
# AS 3 (172.20.1.2 on r1-r3) resets its session with AS 1: a RST at 6 s.
check "the capture on r1-r3 shows AS 3's RST at the restart" \
	[ "$(tshark_read "$o/r1-eth1.pcap" -Y 'tcp.flags.reset == 1 && ip.src == 172.20.1.2 && tcp.srcport == 10001' \
		-T fields -e frame.time_epoch | awk '$1 >= 6 && $1 < 6.01' | wc -l)" -eq 1 ]
check "the captures decode cleanly" [ -z "$(pcap_bad "$o/r1-eth1.pcap")" ]
check "rae-paths.csv at the end has AS 3's paths again" \
	[ "$(grep -c '^3,' "$o/rae-paths.csv")" -eq 6 ]

"$COMETSIM" run "$raedir/reset.xml" --set "raedir=$raedir" --out "$T/down" --end 8.9s --quiet
check "a run that ends while AS 3 is down completes" [ $? -eq 0 ]
check "... rae-paths.csv has no row of AS 3 (no process)" \
	not grep -q '^3,' "$T/down/rae-paths.csv"
check "... and rows of the other five" \
	[ "$(cut -d, -f1 "$T/down/rae-paths.csv" | sort -u | grep -c '^[0-9]')" -eq 5 ]
check "... AS 3's RAE is not stopped a second time (no second report)" \
	[ "$(grep -c '^[0-9.]* r3 rae/rae2 INFO: RIB: ' "$T/down/log.txt")" -eq 1 ]

# A command while it is down, then its node going down during the down time.
sed -e "s#^6000  ON_ROUTER r3 rae_tool restart down=3s#6000  ON_ROUTER r3 rae_tool restart down=3s\n7000  ON_ROUTER r3 rae_tool report\n8000  END_ROUTER r3#" \
	-e "s#\.\./\.\./topologies/#$top_srcdir/topologies/#" "$raedir/reset.xml" >"$T/end.xml"
"$COMETSIM" run "$T/end.xml" --set "raedir=$raedir" --out "$T/end" --quiet
rc=$?
check "a node ended during the down time: the run completes (exit $rc)" [ "$rc" -eq 0 ]
check "... a command to the RAE while it is down is refused" \
	grep -q '^7\.000000000 r3 rae_tool/[^ ]* ERROR: the RAE on r3 is restarting (rae_tool restart): report not done$' \
	"$T/end/log.txt"
check "... END_ROUTER stops it for good" \
	grep -q '^8\.000000000 r3 rae/rae2 INFO: restart: stopped before it started again$' "$T/end/log.txt"
check "... it never starts again" \
	not grep -q 'r3 rae/rae2 INFO: restart: starting again' "$T/end/log.txt"

"$COMETSIM" run "$raedir/reset.xml" --set "raedir=$raedir" --out "$T/again" --quiet
check "a second run writes the same log" cmp -s "$log" "$T/again/log.txt"
check "and the same counters" cmp -s "$c" "$T/again/counters.csv"

finish
