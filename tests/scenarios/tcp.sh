#!/bin/sh
# tcp.sh - TcpSend to TcpSink end to end (tests/scenarios/data/tcp.xml):
# 1 MiB over IPv4 and 1 MiB over IPv6 through a router, first on lossless
# links, then with 5% loss on the router's link to the sink.  tshark reads
# every capture with checksum validation on: no bad checksum, no malformed
# frame, and on the lossless run no TCP analysis flag at all (window
# updates excepted, which this TCP never sends anyway); on the lossy run
# tshark must see retransmissions.  The sink must have checked every byte
# against the pattern and counted as many as the sender had acknowledged.
. "${top_srcdir:-.}/tests/scenarios/lib.sh"

scn="$top_srcdir/tests/scenarios/data/tcp.xml"
bytes=1048576

# transfer_checks DIR LABEL: what both runs must satisfy.
transfer_checks() {
	d=$1
	c="$d/counters.csv"
	check "$2: summary.json says complete" [ "$(json_get "$d/summary.json" status)" = complete ]
	for i in 0 1; do
		fam=$([ $i -eq 0 ] && echo IPv4 || echo IPv6)
		check "$2 $fam: the sender connected and closed normally" \
			[ "$(counter "$c" tcpsend h1/tcpsend$i connected)" -eq 1 -a \
			  "$(counter "$c" tcpsend h1/tcpsend$i closed)" -eq 1 -a \
			  "$(counter "$c" tcpsend h1/tcpsend$i closed_reason)" -eq 0 ]
		check "$2 $fam: $bytes bytes acknowledged" \
			[ "$(counter "$c" tcpsend h1/tcpsend$i bytes_sent)" -eq $bytes ]
		check "$2 $fam: the sink received as many" \
			[ "$(counter "$c" tcpsink h2/tcpsink$i bytes_received)" -eq $bytes ]
		check "$2 $fam: every byte matched the pattern" \
			[ "$(counter "$c" tcpsink h2/tcpsink$i content_errors)" -eq 0 -a \
			  "$(counter "$c" tcpsink h2/tcpsink$i completed)" -eq 1 ]
	done
	check "$2: the sink's report in the log (IPv4)" grep -q \
		"h2 tcpsink/tcpsink0 INFO: connection from 10.1.0.2:[0-9]* closed (normal): $bytes bytes received, content ok" \
		"$d/log.txt"
	check "$2: the sink's report in the log (IPv6)" grep -q \
		"h2 tcpsink/tcpsink1 INFO: connection from \[2001:db8:1::2\]:[0-9]* closed (normal): $bytes bytes received, content ok" \
		"$d/log.txt"
	for f in "$d"/*.pcap; do
		check "$2 $(basename "$f"): no bad checksum, no malformed frame" \
			[ "$(pcap_bad "$f" | wc -l)" -eq 0 ]
		n=$(count "$f" tcp)
		good=$(count "$f" 'tcp.checksum.status == "Good"')
		check "$2 $(basename "$f"): every TCP checksum verified good ($good of $n)" \
			[ "$n" -gt 1400 -a "$good" -eq "$n" ]
	done
}

out="$T/lossless"
"$COMETSIM" run "$scn" --out "$out" --quiet || fail "cometsim run exited $?"
transfer_checks "$out" lossless
for f in "$out"/*.pcap; do
	flags=$(tshark_read "$f" -Y 'tcp.analysis.flags && !tcp.analysis.window_update' | wc -l)
	check "lossless $(basename "$f"): no TCP analysis flag" [ "$flags" -eq 0 ]
	[ "$flags" -eq 0 ] || tshark_read "$f" -Y 'tcp.analysis.flags' -V | grep -i 'expert' | sort | uniq -c >&2
done
h1="$out/h1-eth0.pcap"
check "lossless: SYN and SYN-ACK announce MSS 1460 over IPv4" \
	[ "$(count "$h1" 'ip && tcp.flags.syn == 1 && tcp.options.mss_val == 1460')" -eq 2 ]
check "lossless: and 1440 over IPv6" \
	[ "$(count "$h1" 'ipv6 && tcp.flags.syn == 1 && tcp.options.mss_val == 1440')" -eq 2 ]
check "lossless: no segment carries more than the MSS" \
	[ "$(count "$h1" '(ip && tcp.len > 1460) || (ipv6 && tcp.len > 1440)')" -eq 0 ]
check "lossless: the window is 65535 on every segment but RST" \
	[ "$(count "$h1" 'tcp && tcp.window_size_value != 65535')" -eq 0 ]
check "lossless: one FIN each way per connection, no RST" \
	[ "$(count "$h1" 'tcp.flags.fin == 1')" -eq 4 -a "$(count "$h1" 'tcp.flags.reset == 1')" -eq 0 ]
check "lossless: the sender retransmitted nothing" \
	[ "$(counter "$out/counters.csv" tcpsend h1/tcpsend0 retransmits)" -eq 0 -a \
	  "$(counter "$out/counters.csv" tcpsend h1/tcpsend1 retransmits)" -eq 0 ]

lossy="$T/lossy"
"$COMETSIM" run "$scn" --out "$lossy" --quiet --set 'link.r1-h2.loss=bernoulli 0.05' ||
	fail "lossy run exited $?"
transfer_checks "$lossy" lossy
c="$lossy/counters.csv"
rexmt=$(( $(counter "$c" tcpsend h1/tcpsend0 retransmits) + $(counter "$c" tcpsend h1/tcpsend1 retransmits) ))
lost=$(json_get "$lossy/summary.json" drops.loss)
seen=$(count "$lossy/h1-eth0.pcap" 'tcp.analysis.retransmission || tcp.analysis.fast_retransmission')
echo "lossy: $lost frames lost, $rexmt retransmissions by the sender, $seen flagged by tshark at h1"
check "lossy: frames were lost" [ "$lost" -gt 0 ]
check "lossy: the sender retransmitted" [ "$rexmt" -gt 0 ]
check "lossy: tshark sees retransmissions" [ "$seen" -gt 0 ]

finish
