#!/bin/sh
# rae_ttl.sh - the peer table's ttl_value as TTL security (doc/rae.md,
# "ttl_value"): scenarios/rae/ttl.xml has a peer on the same link
# (ttl_value 1), one two hops away with ttl_value 2 and one two hops away
# with ttl_value 1.  The first two sessions come up with TTL 255 on the
# wire; the third never does, its SYNs dropped by the far RAE's node.
. "${top_srcdir:-.}/tests/scenarios/lib.sh"

raedir="$top_srcdir/scenarios/rae"
o="$T/run"
"$COMETSIM" run "$raedir/ttl.xml" --set "raedir=$raedir" --out "$o" --quiet
rc=$?
check "the run completes (exit $rc)" [ "$rc" -eq 0 ]
c="$o/counters.csv"

# ttls PCAP SRC: the distinct IP TTLs of port-10001 frames from SRC.
ttls() {
	tshark -n -r "$1" -Y "tcp.port == 10001 && ip.src == $2" -T fields -e ip.ttl 2>/dev/null |
		sort -u | tr '\n' ' ' | sed 's/ $//'
}
check "AS 1's segments leave on r1-r2 with TTL 255, SYN included" \
	[ "$(ttls "$o/r1-eth1.pcap" 172.21.1.1)" = 255 ]
check "AS 2's answer with TTL 255" [ "$(ttls "$o/r1-eth1.pcap" 172.21.1.2)" = 255 ]
check "AS 1's segments reach r3 through m with TTL 254" \
	[ "$(ttls "$o/r3-eth1.pcap" 172.21.2.1)" = 254 ]
check "the session AS 1-AS 2 comes up" [ "$(counter "$c" rae r2/rae1 sessions_established)" = 1 ]
check "the session AS 1-AS 3 (ttl_value 2, two hops) comes up" \
	[ "$(counter "$c" rae r3/rae2 sessions_established)" = 1 ]
check "the session AS 1-AS 4 (ttl_value 1, two hops) never does" \
	[ "$(counter "$c" rae r4/rae3 sessions_established)" = 0 ]
syns=$(tshark -n -r "$o/r4-eth1.pcap" -Y 'tcp.port == 10001 && tcp.flags.syn == 1 && tcp.flags.ack == 0' \
	2>/dev/null | wc -l)
check "AS 1's SYNs reach r4" [ "$syns" -gt 0 ]
check "r4 counts each of them as a tcp_min_ttl drop" \
	[ "$(counter "$c" node r4 drop_tcp_min_ttl)" = "$syns" ]
check "r4 never answers" [ -z "$(tshark -n -r "$o/r4-eth1.pcap" -Y 'ip.src == 172.21.4.2' 2>/dev/null)" ]
check "no other node drops for tcp_min_ttl" [ "$(grep -c ',drop_tcp_min_ttl,' "$c")" = 1 ]

finish
