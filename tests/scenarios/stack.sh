#!/bin/sh
# stack.sh - the sample scenario end to end: ping and UDP over IPv4 and
# IPv6, across a VLAN and a GRE tunnel.  tshark reads every capture with
# checksum validation on and must find no bad checksum and no malformed
# frame; the frames must be the ones the scenario promises; what the
# receivers count must be what was sent less the counted drops, also over
# a lossy link.
. "${top_srcdir:-.}/tests/scenarios/lib.sh"

scn="$top_srcdir/scenarios/sample.xml"
out="$T/run"
"$COMETSIM" run "$scn" --out "$out" --quiet || fail "cometsim run exited $?"

check "summary.json says complete" [ "$(json_get "$out/summary.json" status)" = complete ]
check "six captures, one per Ethernet interface" [ "$(ls "$out"/*.pcap | wc -l)" -eq 6 ]
for f in "$out"/*.pcap; do
	n=$(tshark_read "$f" | wc -l)
	check "$(basename "$f") has frames ($n)" [ "$n" -gt 0 ]
	bad=$(pcap_bad "$f" | wc -l)
	check "$(basename "$f"): no bad checksum, no malformed frame" [ "$bad" -eq 0 ]
done

core="$out/r1-eth1.pcap"
check "ARP request and reply on the core link" \
	[ "$(count "$core" 'arp.opcode == 1')" -ge 1 -a "$(count "$core" 'arp.opcode == 2')" -ge 1 ]
# A neighbour once answered is not asked again (the retry timer stops at
# the answer): every (sender, target) ARP request appears once in each
# capture, on a run that lasts some seconds past the first answers.
for f in "$out"/*.pcap; do
	tshark_read "$f" -Y 'arp.opcode == 1' -T fields -e arp.src.proto_ipv4 \
		-e arp.dst.proto_ipv4 -e vlan.id >"$T/arpreq"
	check "$(basename "$f"): ARP requests ($(wc -l <"$T/arpreq")), none asked twice" \
		[ "$(sort "$T/arpreq" | uniq -d | wc -l)" -eq 0 ]
done
check "IPv6 neighbour solicitation and advertisement" \
	[ "$(count "$core" 'icmpv6.type == 135')" -ge 1 -a "$(count "$core" 'icmpv6.type == 136')" -ge 1 ]
check "the 100 IPv4 datagrams to domain 2 go through GRE" \
	[ "$(count "$core" 'gre.proto == 0x0800 && ip.proto == 47 && udp.dstport == 3000')" -eq 100 ]
check "the way back and IPv6 go over VLAN 100" \
	[ "$(count "$core" 'vlan.id == 100 && udp.dstport == 3001')" -eq 100 ]
check "no untagged frame leaves r1-eth1 but GRE, ARP and ND" \
	[ "$(count "$core" '!vlan && !gre && !arp && !icmpv6 && eth.src == 02:00:00:00:01:01')" -eq 0 ]
h1="$out/h1-eth0.pcap"
check "three IPv4 echo replies reach h1" [ "$(count "$h1" 'icmp.type == 0')" -eq 3 ]
check "three ICMPv6 echo replies reach h1" [ "$(count "$h1" 'icmpv6.type == 129')" -eq 3 ]
check "TTL is 62 after two router hops" [ "$(count "$out/h2-eth0.pcap" 'udp.dstport == 3000 && ip.ttl == 62')" -eq 100 ]
check "UDP over IPv6 has a checksum" [ "$(count "$out/h2-eth0.pcap" 'ipv6 && udp.checksum == 0')" -eq 0 ]

c="$out/counters.csv"
check "recv0 got every IPv4 datagram" [ "$(counter "$c" recv h2/recv0 received)" -eq 100 ]
check "recv1 got every IPv6 datagram" [ "$(counter "$c" recv h2/recv1 received)" -eq 100 ]
check "the captures agree with the receiver" \
	[ "$(count "$out/h2-eth0.pcap" 'udp.dstport == 3000')" -eq 100 ]
check "the log has the receiver's report" \
	grep -q 'h2 recv/recv0 INFO: received 100 datagrams' "$out/log.txt"

# A lossy core link: what arrives is what was sent less what the loss model dropped.
lossy="$T/lossy"
"$COMETSIM" run "$scn" --out "$lossy" --quiet --set 'link.r1-r2.loss=bernoulli 0.2' \
	--set count=500 --set interval=1ms || fail "lossy run exited $?"
c="$lossy/counters.csv"
got=$(( $(counter "$c" recv h2/recv0 received) + $(counter "$c" recv h2/recv1 received) ))
sent=$(( $(counter "$c" send h1/send0 sent) + $(counter "$c" send h1/send1 sent) ))
lost=$(json_get "$lossy/summary.json" drops.loss)
drops_other=$(awk -F, '$3 ~ /^drop_/ && $3 != "drop_loss" {s += $4} END {print s + 0}' "$c")
echo "lossy: sent $sent, received $got, lost on the link $lost (frames, with ARP/ND and pings), other drops $drops_other"
check "1000 datagrams sent" [ "$sent" -eq 1000 ]
check "some were lost" [ "$got" -lt "$sent" ]
check "loss is about 20% of the link's frames" [ "$lost" -gt 100 ]
lost_udp=$(( $(count "$lossy/r1-eth1.pcap" 'udp.dstport == 3000 || udp.dstport == 3001') -
	     $(count "$lossy/r2-eth1.pcap" 'udp.dstport == 3000 || udp.dstport == 3001') ))
check "received = sent - datagrams lost on the core link ($lost_udp)" \
	[ "$got" -eq $((sent - lost_udp)) ]
check "every drop of the run is a loss-model drop" [ "$drops_other" -eq 0 ]
for f in "$lossy"/*.pcap; do
	check "$(basename "$f") (lossy): clean for tshark" [ "$(pcap_bad "$f" | wc -l)" -eq 0 ]
done

finish
