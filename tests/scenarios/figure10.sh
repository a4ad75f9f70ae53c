#!/bin/sh
# figure10.sh - scenarios/figure10.xml end to end (D4.3 Figure 10): the
# server's UDP stream follows the content path C-B-A by forwarding keys
# while IP routing (the pings) goes C-D-A; the COMET header, read through
# the project's dissector, has its index grow hop by hop; the client gets
# plain IPv4/UDP, every datagram; the expired-stream record counts the
# bytes; every capture is clean.
. "${top_srcdir:-.}/tests/scenarios/lib.sh"

scn="$top_srcdir/scenarios/figure10.xml"
lua="$top_srcdir/output/wireshark/cometsim.lua"
out="$T/run"
n=1000		# datagrams the server sends (param count)
size=1000	# their payload (param size)
"$COMETSIM" run "$scn" --out "$out" --quiet || fail "cometsim run exited $?"

# tshark with the COMET dissector, through a wrapper so that lib.sh's
# helpers (count, pcap_bad) use it as they are.
printf '#!/bin/sh\nexec "%s" -X "lua_script:%s" "$@"\n' "$TSHARK" "$lua" >"$T/tshark-comet"
chmod +x "$T/tshark-comet"
TSHARK="$T/tshark-comet"
# values FILE FIELD FILTER: the distinct values of FIELD in the frames
# matching FILTER, blank separated, in ascending order.
values() {
	tshark_read "$1" -Y "$3" -T fields -e "$2" | sort -u | tr '\n' ' ' | sed 's/ $//'
}

check "summary.json says complete" [ "$(json_get "$out/summary.json" status)" = complete ]
check "the dissector is loaded (tshark knows the field comet.index)" \
	tshark_read "$out/cC-eth1.pcap" -c 1 -Y 'comet.index >= 0 || !comet'

c="$out/counters.csv"
check "the server sent $n datagrams" [ "$(counter "$c" send srv/send0 sent)" -eq $n ]
check "cli received all $n (counters.csv)" [ "$(counter "$c" recv cli/recv0 received)" -eq $n ]
check "cli saw nothing bad, missing or duplicated" \
	[ "$(counter "$c" recv cli/recv0 bad)" -eq 0 -a "$(counter "$c" recv cli/recv0 lost_gaps)" -eq 0 \
	  -a "$(counter "$c" recv cli/recv0 duplicates)" -eq 0 ]

# The stream takes the content path C-B-A: cC eth1 -> cB -> cA eth0.
stream='udp.dstport == 5000'
check "cC-eth1: $n COMET frames of the stream" \
	[ "$(count "$out/cC-eth1.pcap" "comet && $stream")" -eq $n ]
check "cB-eth0 receives them" [ "$(count "$out/cB-eth0.pcap" "comet && $stream")" -eq $n ]
check "cB-eth1: $n COMET frames of the stream" \
	[ "$(count "$out/cB-eth1.pcap" "comet && $stream")" -eq $n ]
check "cA-eth0 receives them" [ "$(count "$out/cA-eth0.pcap" "comet && $stream")" -eq $n ]
check "cC-eth1: from cC's eth1 MAC to cB's eth0 MAC (rule 02)" \
	[ "$(values "$out/cC-eth1.pcap" eth.src "$stream")/$(values "$out/cC-eth1.pcap" eth.dst "$stream")" = \
	  "02:00:00:00:01:01/02:00:00:00:02:00" ]
check "cB-eth1: from cB's eth1 MAC to cA's eth0 MAC (rule 03)" \
	[ "$(values "$out/cB-eth1.pcap" eth.src "$stream")/$(values "$out/cB-eth1.pcap" eth.dst "$stream")" = \
	  "02:00:00:00:02:01/02:00:00:00:04:00" ]
# ... and not the IP path through D.
for f in rD-eth0 rD-eth1 cC-eth2 cA-eth1; do
	check "$f: none of the stream, no COMET frame" \
		[ "$(count "$out/$f.pcap" "$stream || comet")" -eq 0 ]
done
# The pings follow IP routing, C-D-A, and never touch B.
check "rD-eth0: the 2 echo requests and 2 replies" \
	[ "$(count "$out/rD-eth0.pcap" 'icmp.type == 8')" -eq 2 -a "$(count "$out/rD-eth0.pcap" 'icmp.type == 0')" -eq 2 ]
check "rD-eth1: the 2 echo requests and 2 replies" \
	[ "$(count "$out/rD-eth1.pcap" 'icmp.type == 8')" -eq 2 -a "$(count "$out/rD-eth1.pcap" 'icmp.type == 0')" -eq 2 ]
check "cB-eth0, cB-eth1: no ICMP" \
	[ "$(count "$out/cB-eth0.pcap" icmp)" -eq 0 -a "$(count "$out/cB-eth1.pcap" icmp)" -eq 0 ]
check "the ping got both replies" [ "$(counter "$c" ping srv/ping0 received)" -eq 2 ]

# The COMET header hop by hop: keys 02 03, index 1 after cC, 2 = length after cB.
check "cC-eth1: index 1 of length 2, keys 02 03, current key 03" \
	[ "$(values "$out/cC-eth1.pcap" comet.index comet)|$(values "$out/cC-eth1.pcap" comet.length comet)|$(values "$out/cC-eth1.pcap" comet.keys comet)|$(values "$out/cC-eth1.pcap" comet.current_key comet)" = \
	  "1|2|02 03|0x03" ]
check "cB-eth1: index 2 = length 2" \
	[ "$(values "$out/cB-eth1.pcap" comet.index comet)|$(values "$out/cB-eth1.pcap" comet.length comet)" = "2|2" ]
check "the index grows by one per CAFE (every frame)" \
	[ "$(count "$out/cC-eth1.pcap" 'comet.index == 1')" -eq $n -a "$(count "$out/cB-eth1.pcap" 'comet.index == 2')" -eq $n ]
check "next protocol IPv4, class of service 0, version 1" \
	[ "$(values "$out/cB-eth1.pcap" comet.next_proto comet)|$(values "$out/cB-eth1.pcap" comet.cos comet)|$(values "$out/cB-eth1.pcap" comet.version comet)" = \
	  "0x0800|0|1" ]
experts='comet.expert.bad_version || comet.expert.truncated ||
	comet.expert.index_beyond_length || comet.expert.unknown_next_proto ||
	comet.expert.payload_failed'
check "no COMET expert item on the content path" \
	[ "$(count "$out/cC-eth1.pcap" "$experts")" -eq 0 -a "$(count "$out/cB-eth1.pcap" "$experts")" -eq 0 ]

# The client side: plain IPv4/UDP, decapsulated by cA, routed (TTL 63).
cli="$out/cli-eth0.pcap"
check "cli-eth0: $n plain IPv4/UDP datagrams (EtherType 0x0800, no COMET)" \
	[ "$(count "$cli" "eth.type == 0x0800 && !comet && $stream && udp.length == $((8 + size))")" -eq $n ]
check "cli-eth0: no COMET frame at all" [ "$(count "$cli" comet)" -eq 0 ]
check "cli-eth0: TTL 63 (only cA routed them as IP)" [ "$(values "$cli" ip.ttl "$stream")" = 63 ]
check "cA decapsulated $n, cC intercepted $n, cB forwarded $n" \
	[ "$(counter "$c" cafe cA/cafe0 decapsulated)/$(counter "$c" cafe cC/cafe intercepted)/$(counter "$c" cafe cB/cafe forwarded)" = "$n/$n/$n" ]

# The expired-stream record: transferred bytes = n * (IPv4 20 + UDP 8 + payload).
bytes=$((n * (20 + 8 + size)))
rec=$(sed -n 's/.* cC cafe\/[^ ]* INFO: stream 1 expired: //p' "$out/log.txt")
echo "expired-stream record: $rec"
check "one expired-stream record for stream 1" [ "$(printf '%s\n' "$rec" | grep -c .)" -eq 1 ]
check "it is the filter's stream (1 10.3.1.2 10.1.1.2 17 0 5000)" \
	[ "$(printf '%s\n' "$rec" | awk '{print $1, $2, $3, $4, $5, $6}')" = "1 10.3.1.2 10.1.1.2 17 0 5000" ]
check "transferred bytes = $n * (20 + 8 + $size) = $bytes" \
	[ "$(printf '%s\n' "$rec" | awk '{print $10}')" = "$bytes" ]
check "ci_tool collect prints the same record" \
	[ -n "$rec" -a "$(sed -n 's/.* cC ci_tool\/[^ ]* INFO: //p' "$out/log.txt" | grep -cxF -- "$rec")" -eq 1 ]

# Every capture clean, with the dissector loaded.
for f in "$out"/*.pcap; do
	check "$(basename "$f"): no bad checksum, no malformed frame" [ "$(pcap_bad "$f" | wc -l)" -eq 0 ]
done
check "twelve captures" [ "$(ls "$out"/*.pcap | wc -l)" -eq 12 ]

finish
