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

# ---- the same over IPv6: hop limit 255, the far SYNs dropped ----
v6() {
	sed -e 's#172\.21\.\([0-9]\)\.\([0-9]\)/30#2001:db8:\1::\2/64#g' \
	    -e 's#172\.21\.\([0-9]\)\.\([0-9]\)#2001:db8:\1::\2#g' "$1"
}
mkdir -p "$T/v6/ttl"
v6 "$raedir/ttl.xml" >"$T/v6/ttl.xml"
for f in "$raedir"/ttl/*.xml; do
	v6 "$f" >"$T/v6/ttl/$(basename "$f")"
done
check "the IPv6 copy has no IPv4 peer left" not grep -q '172\.21\.' "$T/v6/ttl.xml" "$T/v6/ttl/as1.xml"
o6="$T/run6"
"$COMETSIM" run "$T/v6/ttl.xml" --set "raedir=$T/v6" --out "$o6" --quiet
rc=$?
check "IPv6: the run completes (exit $rc)" [ "$rc" -eq 0 ]
c6="$o6/counters.csv"
hlims() {
	tshark -n -r "$1" -Y "tcp.port == 10001 && ipv6.src == $2" -T fields -e ipv6.hlim 2>/dev/null |
		sort -u | tr '\n' ' ' | sed 's/ $//'
}
check "IPv6: AS 1's segments leave on r1-r2 with hop limit 255" \
	[ "$(hlims "$o6/r1-eth1.pcap" 2001:db8:1::1)" = 255 ]
check "IPv6: AS 1's segments reach r3 through m with hop limit 254" \
	[ "$(hlims "$o6/r3-eth1.pcap" 2001:db8:2::1)" = 254 ]
check "IPv6: the session AS 1-AS 3 (ttl_value 2, two hops) comes up" \
	[ "$(counter "$c6" rae r3/rae2 sessions_established)" = 1 ]
check "IPv6: the session AS 1-AS 4 (ttl_value 1, two hops) never does" \
	[ "$(counter "$c6" rae r4/rae3 sessions_established)" = 0 ]
syns=$(tshark -n -r "$o6/r4-eth1.pcap" -Y 'tcp.port == 10001 && tcp.flags.syn == 1 && tcp.flags.ack == 0' \
	2>/dev/null | wc -l)
check "IPv6: AS 1's SYNs reach r4" [ "$syns" -gt 0 ]
check "IPv6: r4 counts each of them as a tcp_min_ttl drop" \
	[ "$(counter "$c6" node r4 drop_tcp_min_ttl)" = "$syns" ]

finish
