#!/bin/sh
# fault_rae.sh - faults under the RAEs (scenarios/faults/rae.xml,
# doc/faults.md): a link down and up during convergence, an RAE's router
# stopped and restarted, a CME's host stopped and restarted, a lossy
# control link.  Sessions must reset and be established again, paths be
# withdrawn and learned again (AS 1's CME store ends as it was before
# the faults), the RAE must send everything to the new CME, and every
# drop must be counted with its reason.
. "${top_srcdir:-.}/tests/scenarios/lib.sh"

raedir="$top_srcdir/scenarios/rae"
o="$T/run"
"$COMETSIM" run "$top_srcdir/scenarios/faults/rae.xml" --set "raedir=$raedir" \
	--set 'link.r1-r2.loss=bernoulli 0.05' --out "$o" --quiet
rc=$?
check "the run completes (exit $rc)" [ "$rc" -eq 0 ]
check "its summary says complete" [ "$(json_get "$o/summary.json" status)" = complete ]
log="$o/log.txt"
c="$o/counters.csv"

# prefixes LOGTIME: the prefixes AS 1's CME holds paths for at that time.
prefixes() {
	grep "^$1 c1 cme/cme0 INFO: path_inf AS 1 " "$log" | cut -d' ' -f8 | sort -u | tr '\n' ' '
}

# ---- the link r3-r5 down during convergence, then up ----
check "AS 3 and AS 5 declare each other dead (hold timer)" \
	sh -c "grep -q '^3\.1[0-9]* r3 rae/rae2 WARN: peer AS5/172.16.6.2: Established -> Idle: hold timer expired' '$log' &&
	       grep -q '^3\.1[0-9]* r5 rae/rae4 WARN: peer AS3/172.16.6.1: Established -> Idle: hold timer expired' '$log'"
check "their session is established again once the link is back" \
	grep -q '^[3-5]\.[0-9]* r3 rae/rae2 INFO: peer AS5/172.16.6.2: OpenSent -> Established$' "$log"
check "the frames lost with the link are counted on it" \
	[ "$(counter "$c" link r3-r5 drop_link_down)" -gt 0 ]
check "AS 1 knows AS 5's prefix at 8 s" sh -c "echo '$(prefixes 8.000000000)' | grep -q 10.5.0.0/16"

# ---- r6 stopped and restarted ----
check "r6's RAE is stopped with its router" \
	grep -q '^8\.500000000 r6 rae/rae5 INFO: peer AS3/172.16.7.1: Established -> Idle: stopped$' "$log"
check "AS 3 and AS 4 find it dead within the hold time" \
	[ "$(grep -c '^1[01]\.[0-9]* r[34] rae/rae[23] WARN: peer AS6/172.16.[78].2: Established -> Idle: hold timer expired' "$log")" -eq 2 ]
p15=$(prefixes 15.000000000)
echo "AS 1's prefixes at 15 s: $p15"
check "AS 6's prefix is withdrawn from AS 1's CME" sh -c "! echo '$p15' | grep -q 10.6.0.0/16"
check "and the others are still there" [ "$(echo "$p15" | wc -w)" -eq 6 ]
check "the new RAE on r6 establishes both sessions again (within 4 s)" \
	[ "$(grep -c '^1[5-9]\.[0-9]* r6 rae/rae7 INFO: peer AS[34]/172.16.[78].1: OpenWait -> Established$' "$log")" -eq 2 ]
check "what reached r6 while down is counted (node_down)" \
	[ "$(counter "$c" node r6 drop_node_down)" -gt 0 ]

# ---- c7, AS 7's CME host, stopped and restarted ----
check "AS 7's RAE loses its CME" grep -q '^2[01]\.[0-9]* r7 rae/rae6 INFO: CME: connection lost$' "$log"
check "reconnects to the new CME with a full report" \
	grep -q '^2[01]\.[0-9]* r7 rae/rae6 INFO: CME: connected, full report$' "$log"
check "and sees its version" \
	grep -q '^2[01]\.[0-9]* r7 rae/rae6 INFO: CME: reporting (CME version 20500000001)$' "$log"
check "the new CME holds AS 7's paths" [ "$(counter "$c" cme c7/cme7 store_paths)" -gt 0 ]
check "from one full report" [ "$(counter "$c" cme c7/cme7 full_reports)" -eq 1 ]

# ---- the end: AS 1's store as it was before the faults ----
grep "^8.000000000 c1 cme/cme0 INFO: path_inf" "$log" | cut -d' ' -f2- | sort >"$T/before.txt"
grep "^27.000000000 c1 cme/cme0 INFO: path_inf" "$log" | cut -d' ' -f2- | sort >"$T/after.txt"
check "AS 1's CME ends with the paths it held at 8 s ($(wc -l <"$T/before.txt"))" \
	sh -c "[ -s '$T/before.txt' ] && cmp -s '$T/before.txt' '$T/after.txt'"

# ---- the lossy control link ----
check "frames lost on the lossy link r1-r2 are counted" \
	[ "$(counter "$c" link r1-r2 drop_loss)" -gt 0 ]
check "and the session AS 1 - AS 2 never resets" \
	[ "$(counter "$c" rae r1/rae0 session_resets)" -eq 0 ]
check "summary drops.loss is the sum of the counters" \
	[ "$(json_get "$o/summary.json" drops.loss)" = "$(awk -F, '$3 == "drop_loss" { s += $4 } END { print s + 0 }' "$c")" ]

syn=$(count "$o/r6-eth1.pcap" 'tcp.flags.syn == 1 && tcp.flags.ack == 0 && frame.time_epoch > 15.5')
check "r6's capture shows new connections after the restart ($syn)" [ "$syn" -ge 1 ]
re=$(count "$o/r1-eth1.pcap" 'tcp.analysis.retransmission')
check "r1's capture towards AS 2 shows retransmissions ($re)" [ "$re" -gt 0 ]

finish
