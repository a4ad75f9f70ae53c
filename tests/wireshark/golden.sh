#!/bin/sh
# golden.sh - the golden frames of the unit tests (tests/unit/golden.c)
# checked by a decoder that is not the project's.
#
# The unit tests compare what the stack and the CAFE write with frames
# frozen from the code's own output; a frozen frame is only as right as
# the code was the day it was frozen.  Here golden_pcap writes every
# golden frame into a capture, tshark decodes it with checksum validation
# on (and the project's dissector loaded for the COMET header, which
# tshark does not know), and every field is compared with the value the
# exchange must produce, written below by hand from the protocols and
# the scenario of each unit test: addresses, ports, lengths, the TTL, the
# VLAN id, the GRE protocol, the COMET fields, each checksum Good (1)
# and the protocol stack tshark found.  A golden frame without an
# expectation here fails, as does any frame tshark finds malformed.
. "${top_srcdir:-.}/tests/scenarios/lib.sh"

: "${top_builddir:=.}"
lua="$top_srcdir/output/wireshark/cometsim.lua"
cap="$T/golden.pcap"

"$top_builddir/tests/wireshark/golden_pcap" "$cap"
rc=$?
check "golden_pcap writes the capture (exit $rc)" [ "$rc" -eq 0 ]
check "and it is not empty" [ -s "$cap" ]

# What each frame must decode to: "N field=value..."; a value holds no
# space (a '_' in comet.keys stands for one); fields of two layers
# (GRE's outer and inner IPv4) are joined by ','.  Checksum status 1 is
# Good.  The MACs: interface i of node n is 02:00:00:00:0n:0i.
cat >"$T/want" <<'EOF'
# ---- golden_net: node a (10.0.0.1) and node b (10.0.0.2), test_net.c ----
1 frame.len=60 frame.protocols=eth:ethertype:arp eth.dst=ff:ff:ff:ff:ff:ff eth.src=02:00:00:00:00:00 eth.type=0x0806 arp.opcode=1 arp.src.hw_mac=02:00:00:00:00:00 arp.src.proto_ipv4=10.0.0.1 arp.dst.hw_mac=00:00:00:00:00:00 arp.dst.proto_ipv4=10.0.0.2
2 frame.len=60 frame.protocols=eth:ethertype:arp eth.dst=02:00:00:00:00:00 eth.src=02:00:00:00:01:00 eth.type=0x0806 arp.opcode=2 arp.src.hw_mac=02:00:00:00:01:00 arp.src.proto_ipv4=10.0.0.2 arp.dst.hw_mac=02:00:00:00:00:00 arp.dst.proto_ipv4=10.0.0.1
3 frame.len=60 frame.protocols=eth:ethertype:ip:udp:data eth.dst=02:00:00:00:01:00 eth.src=02:00:00:00:00:00 eth.type=0x0800 ip.hdr_len=20 ip.len=33 ip.flags.df=1 ip.ttl=64 ip.proto=17 ip.src=10.0.0.1 ip.dst=10.0.0.2 ip.checksum.status=1 udp.srcport=5000 udp.dstport=9000 udp.length=13 udp.checksum.status=1 data.data=68656c6c6f
4 frame.len=86 frame.protocols=eth:ethertype:ipv6:icmpv6 eth.dst=33:33:ff:00:00:02 eth.src=02:00:00:00:00:00 eth.type=0x86dd ipv6.plen=32 ipv6.nxt=58 ipv6.hlim=255 ipv6.src=2001:db8::1 ipv6.dst=ff02::1:ff00:2 icmpv6.type=135 icmpv6.code=0 icmpv6.checksum.status=1 icmpv6.nd.ns.target_address=2001:db8::2 icmpv6.opt.type=1 icmpv6.opt.linkaddr=02:00:00:00:00:00
5 frame.len=86 frame.protocols=eth:ethertype:ipv6:icmpv6 eth.dst=02:00:00:00:00:00 eth.src=02:00:00:00:01:00 eth.type=0x86dd ipv6.plen=32 ipv6.nxt=58 ipv6.hlim=255 ipv6.src=2001:db8::2 ipv6.dst=2001:db8::1 icmpv6.type=136 icmpv6.code=0 icmpv6.checksum.status=1 icmpv6.nd.na.target_address=2001:db8::2 icmpv6.nd.na.flag.r=1 icmpv6.nd.na.flag.s=1 icmpv6.nd.na.flag.o=1 icmpv6.opt.type=2 icmpv6.opt.linkaddr=02:00:00:00:01:00
6 frame.len=67 frame.protocols=eth:ethertype:ipv6:udp:data eth.dst=02:00:00:00:01:00 eth.src=02:00:00:00:00:00 eth.type=0x86dd ipv6.plen=13 ipv6.nxt=17 ipv6.hlim=64 ipv6.src=2001:db8::1 ipv6.dst=2001:db8::2 udp.srcport=5000 udp.dstport=9000 udp.length=13 udp.checksum.status=1 data.data=68656c6c6f
7 frame.len=60 frame.protocols=eth:ethertype:vlan:ethertype:arp eth.dst=ff:ff:ff:ff:ff:ff eth.src=02:00:00:00:00:00 eth.type=0x8100 vlan.priority=0 vlan.dei=0 vlan.id=100 vlan.etype=0x0806 arp.opcode=1 arp.src.hw_mac=02:00:00:00:00:00 arp.src.proto_ipv4=192.168.100.1 arp.dst.hw_mac=00:00:00:00:00:00 arp.dst.proto_ipv4=192.168.100.2
8 frame.len=60 frame.protocols=eth:ethertype:vlan:ethertype:arp eth.dst=02:00:00:00:00:00 eth.src=02:00:00:00:01:00 eth.type=0x8100 vlan.priority=0 vlan.dei=0 vlan.id=100 vlan.etype=0x0806 arp.opcode=2 arp.src.hw_mac=02:00:00:00:01:00 arp.src.proto_ipv4=192.168.100.2 arp.dst.hw_mac=02:00:00:00:00:00 arp.dst.proto_ipv4=192.168.100.1
9 frame.len=60 frame.protocols=eth:ethertype:vlan:ethertype:ip:udp:data eth.dst=02:00:00:00:01:00 eth.src=02:00:00:00:00:00 eth.type=0x8100 vlan.priority=0 vlan.dei=0 vlan.id=100 vlan.etype=0x0800 ip.len=33 ip.ttl=64 ip.proto=17 ip.src=192.168.100.1 ip.dst=192.168.100.2 ip.checksum.status=1 udp.srcport=5000 udp.dstport=9000 udp.length=13 udp.checksum.status=1 data.data=68656c6c6f
10 frame.len=71 frame.protocols=eth:ethertype:ip:gre:ip:udp:data eth.dst=02:00:00:00:01:00 eth.src=02:00:00:00:00:00 eth.type=0x0800 ip.len=57,33 ip.ttl=64,64 ip.proto=47,17 ip.src=10.0.0.1,172.16.0.1 ip.dst=10.0.0.2,172.16.0.2 ip.checksum.status=1,1 gre.flags_and_version=0x0000 gre.proto=0x0800 udp.srcport=5000 udp.dstport=9000 udp.length=13 udp.checksum.status=1 data.data=68656c6c6f
11 frame.len=60 frame.protocols=eth:ethertype:ip:icmp:data eth.dst=02:00:00:00:01:00 eth.src=02:00:00:00:00:00 ip.len=36 ip.ttl=64 ip.proto=1 ip.src=10.0.0.1 ip.dst=10.0.0.2 ip.checksum.status=1 icmp.type=8 icmp.code=0 icmp.ident=4660 icmp.seq=1 icmp.checksum.status=1 data.data=1011121314151617
12 frame.len=60 frame.protocols=eth:ethertype:ip:icmp:data eth.dst=02:00:00:00:00:00 eth.src=02:00:00:00:01:00 ip.len=36 ip.ttl=64 ip.proto=1 ip.src=10.0.0.2 ip.dst=10.0.0.1 ip.checksum.status=1 icmp.type=0 icmp.code=0 icmp.ident=4660 icmp.seq=1 icmp.checksum.status=1 data.data=1011121314151617
# ---- golden_cafe: dut (node 1) sends on, test_cafe.c; rules to 02:aa:bb:cc:dd:01 ----
13 frame.len=60 frame.protocols=eth:ethertype:comet:ip:udp:data eth.dst=02:aa:bb:cc:dd:01 eth.src=02:00:00:00:01:01 eth.type=0xcccc comet.version=1 comet.cos=1 comet.length=2 comet.index=1 comet.next_proto=0x0800 comet.keys=a3_05 ip.len=36 ip.ttl=64 ip.proto=17 ip.src=10.0.0.1 ip.dst=10.0.1.2 ip.checksum.status=1 udp.srcport=4000 udp.dstport=80 udp.length=16 udp.checksum.status=1 data.data=636f6d6574207634
14 frame.len=67 frame.protocols=eth:ethertype:vlan:ethertype:comet:ip:udp:data eth.dst=02:aa:bb:cc:dd:01 eth.src=02:00:00:00:01:02 eth.type=0x8100 vlan.priority=0 vlan.id=100 vlan.etype=0xcccc comet.version=1 comet.cos=0 comet.length=2 comet.index=2 comet.next_proto=0x0800 comet.keys=01_b4 ip.len=41 ip.ttl=64 ip.src=10.0.0.1 ip.dst=192.168.100.2 ip.checksum.status=1 udp.srcport=4001 udp.dstport=81 udp.length=21 udp.checksum.status=1 data.data=6f76657220766c616e20313030
15 frame.len=86 frame.protocols=eth:ethertype:ip:gre:comet:ip:udp:data eth.dst=02:00:00:00:02:00 eth.src=02:00:00:00:01:01 eth.type=0x0800 ip.len=72,39 ip.ttl=64,64 ip.proto=47,17 ip.src=10.0.1.1,10.0.0.1 ip.dst=10.0.1.2,10.7.7.7 ip.checksum.status=1,1 gre.flags_and_version=0x0000 gre.proto=0xcccc comet.version=1 comet.cos=2 comet.length=3 comet.index=2 comet.next_proto=0x0800 comet.keys=01_c5_07 udp.srcport=4002 udp.dstport=82 udp.length=19 udp.checksum.status=1 data.data=7468726f75676820677265
16 frame.len=77 frame.protocols=eth:ethertype:comet:ipv6:udp:data eth.dst=02:aa:bb:cc:dd:01 eth.src=02:00:00:00:01:01 eth.type=0xcccc comet.version=1 comet.cos=2 comet.length=1 comet.index=1 comet.next_proto=0x86dd comet.keys=a3 ipv6.plen=16 ipv6.nxt=17 ipv6.hlim=64 ipv6.src=2001:db8::1 ipv6.dst=2001:db8:1::2 udp.srcport=4003 udp.dstport=80 udp.length=16 udp.checksum.status=1 data.data=636f6d6574207636
EOF

# Every field any expectation names, once, in order of first use.
fields=$(grep -v '^#' "$T/want" | tr ' ' '\n' | grep = | cut -d= -f1 | awk '!seen[$0]++')
set -- frame.number
for f in $fields; do
	set -- "$@" "$f"
done
eargs=''
for f in "$@"; do
	eargs="$eargs -e $f"
done
# shellcheck disable=SC2086
"$TSHARK" -n -r "$cap" -X "lua_script:$lua" -o ip.check_checksum:TRUE \
	-o udp.check_checksum:TRUE -o tcp.check_checksum:TRUE \
	-T fields -E header=y -E separator=/t -E occurrence=a -E aggregator=, \
	$eargs >"$T/got" 2>"$T/tshark.err"
rc=$?
check "tshark decodes the capture (exit $rc)" [ "$rc" -eq 0 ]
[ "$rc" -eq 0 ] || cat "$T/tshark.err" >&2
nf=$(($(wc -l <"$T/got") - 1))
nw=$(grep -vc '^#' "$T/want")
check "tshark reads $nf frames, and $nw are expected here" [ "$nf" -eq "$nw" ]

# The mismatches of each frame: "N field: got X, want Y" (and "N -" for a
# frame with no expectation or one tshark did not read).
awk -F '\t' '
	NR == FNR {
		if ($0 ~ /^#/ || $0 == "")
			next
		n = split($0, w, " ")
		want_n[w[1]] = n - 1
		for (i = 2; i <= n; i++) {
			k = substr(w[i], 1, index(w[i], "=") - 1)
			v = substr(w[i], index(w[i], "=") + 1)
			gsub("_", " ", v)
			key[w[1], i - 1] = k
			val[w[1], i - 1] = v
		}
		next
	}
	FNR == 1 {
		for (i = 1; i <= NF; i++)
			col[$i] = i
		next
	}
	{
		fr = $1
		seen[fr] = 1
		if (!(fr in want_n)) {
			print fr " - no expectation for this frame"
			next
		}
		for (i = 1; i <= want_n[fr]; i++) {
			k = key[fr, i]
			got = $(col[k])
			if (got != val[fr, i])
				printf "%s %s: got \"%s\", want \"%s\"\n", fr, k, got, val[fr, i]
		}
	}
	END {
		for (fr in want_n)
			if (!(fr in seen))
				print fr " - not in the capture"
	}
' "$T/want" "$T/got" >"$T/mismatch"

desc() {
	awk -v n="$1" '$0 ~ "^" n " " { print $3; exit }' "$T/want" | sed 's/frame.protocols=//'
}
for n in $(grep -v '^#' "$T/want" | cut -d' ' -f1); do
	k=$(grep -c "^$n " "$T/want")
	check "frame $n ($(desc "$n")): $(grep "^$n " "$T/want" | wc -w | awk '{ print $1 - 1 }') fields as written here" \
		not grep -q "^$n " "$T/mismatch"
	grep "^$n " "$T/mismatch" | sed 's/^/   /' >&2
	[ "$k" -eq 1 ] || fail "frame $n is expected $k times"
done
check "no frame without an expectation" not grep -q '^[0-9]* - ' "$T/mismatch"

# Nothing malformed or wrong anywhere, by tshark's own judgement.
"$TSHARK" -n -r "$cap" -X "lua_script:$lua" -o ip.check_checksum:TRUE \
	-o udp.check_checksum:TRUE -o tcp.check_checksum:TRUE \
	-Y '_ws.malformed || _ws.expert.severity >= "Warning" || _ws.lua.error ||
	    ip.checksum.status == "Bad" || udp.checksum.status == "Bad" ||
	    icmp.checksum.status == "Bad" || icmpv6.checksum.status == "Bad"' \
	>"$T/bad" 2>"$T/bad.err"
rc=$?
check "the filter for malformed frames and bad checksums runs (exit $rc)" [ "$rc" -eq 0 ]
check "no frame is malformed, bad or warned about" [ ! -s "$T/bad" ]
[ -s "$T/bad" ] && cat "$T/bad" >&2

finish
