#!/bin/sh
# cf_tool_stats.sh - the statistics of the stateless CAFE's forwarding
# rules (doc/stateless-cafe.md, "Statistics of the rules") against the
# wire: for each rule of shipped scenarios, the frames and bytes
# counters.csv reports (rule.KEY.frames, rule.KEY.bytes) are those tshark
# counts on the rule's device, sent by that device; its drops are 0; and
# cf_tool get prints the same numbers after the rule.
#
#   scenarios/figure10.xml                         rules 02 (cC) and 03 (cB), Ethernet, with get
#   scenarios/validation/stateless/4-forward-vlan  rule a4 (dut), a VLAN sub-interface
#   scenarios/validation/stateless/5-forward-gre   rule a5 (dut), a GRE tunnel over eth2
. "${top_srcdir:-.}/tests/scenarios/lib.sh"

lua="$top_srcdir/output/wireshark/cometsim.lua"
printf '#!/bin/sh\nexec "%s" -X "lua_script:%s" "$@"\n' "$TSHARK" "$lua" >"$T/tshark-comet"
chmod +x "$T/tshark-comet"
TSHARK="$T/tshark-comet"

# wire_bytes FILE FILTER HDR: the sum over the frames matching FILTER of
# their length less HDR (the headers in front of the COMET header).
wire_bytes() {
	tshark_read "$1" -Y "$2" -T fields -e frame.len |
		awk -v h="$3" '{ s += $1 - h } END { print s + 0 }'
}
# min_len FILE FILTER: the shortest of those frames (none is padded when
# it is above 60).
min_len() {
	tshark_read "$1" -Y "$2" -T fields -e frame.len | sort -n | head -1
}
# has_row FILE KIND NAME COUNTER: counters.csv has that row.
has_row() {
	awk -F, -v k="$2" -v n="$3" -v c="$4" '$1==k && $2==n && $3==c {f=1} END {exit !f}' "$1"
}
# instance FILE NODE: the name of NODE's CAFE instance in counters.csv.
instance() {
	awk -F, -v p="$2/" '$1=="cafe" && index($2, p) == 1 {print $2; exit}' "$1"
}

# rule_vs_wire RUN NODE KEY PCAP FILTER HDR: the checks of one rule.
rule_vs_wire() {
	run=$1 node=$2 key=$3 pcap=$1/$4 filter=$5 hdr=$6
	c="$run/counters.csv"
	inst=$(instance "$c" "$node")
	check "$node: its CAFE instance is in counters.csv ($inst)" [ -n "$inst" ]
	wire=$(count "$pcap" "$filter")
	check "$node rule $key: tshark sees COMET frames out of $4 ($wire)" [ "$wire" -gt 0 ]
	check "$node rule $key: counters.csv has rule.$key.frames" \
		has_row "$c" cafe "$inst" "rule.$key.frames"
	check "$node rule $key: rule.$key.frames = the frames on the wire ($wire)" \
		[ "$(counter "$c" cafe "$inst" "rule.$key.frames")" -eq "$wire" ]
	check "$node rule $key: no frame on the wire is padded" [ "$(min_len "$pcap" "$filter")" -gt 60 ]
	wbytes=$(wire_bytes "$pcap" "$filter" "$hdr")
	check "$node rule $key: counters.csv has rule.$key.bytes" \
		has_row "$c" cafe "$inst" "rule.$key.bytes"
	check "$node rule $key: rule.$key.bytes = the COMET bytes on the wire ($wbytes)" \
		[ "$(counter "$c" cafe "$inst" "rule.$key.bytes")" -eq "$wbytes" ]
	for why in comet_mtu comet_no_route iface_down link_down; do
		check "$node rule $key: counters.csv has rule.$key.drop_$why" \
			has_row "$c" cafe "$inst" "rule.$key.drop_$why"
		check "$node rule $key: rule.$key.drop_$why is 0" \
			[ "$(counter "$c" cafe "$inst" "rule.$key.drop_$why")" -eq 0 ]
	done
}

# Figure 10: rule 02 of cC sends out of cC eth1 (02:00:00:00:01:01), rule
# 03 of cB out of cB eth1 (02:00:00:00:02:01); an Ethernet header (14).
out="$T/fig10"
"$COMETSIM" run "$top_srcdir/scenarios/figure10.xml" --out "$out" --quiet ||
	fail "figure10: cometsim run exited $?"
check "figure10: the dissector is loaded (tshark knows the field comet.index)" \
	tshark_read "$out/cC-eth1.pcap" -c 1 -Y 'comet.index >= 0 || !comet'
rule_vs_wire "$out" cC 02 cC-eth1.pcap 'comet && eth.src == 02:00:00:00:01:01' 14
rule_vs_wire "$out" cB 03 cB-eth1.pcap 'comet && eth.src == 02:00:00:00:02:01' 14

# cf_tool get at 6 s prints the rule, then the numbers read on the wire.
log="$out/log.txt"
f02=$(count "$out/cC-eth1.pcap" 'comet && eth.src == 02:00:00:00:01:01')
b02=$(wire_bytes "$out/cC-eth1.pcap" 'comet && eth.src == 02:00:00:00:01:01' 14)
f03=$(count "$out/cB-eth1.pcap" 'comet && eth.src == 02:00:00:00:02:01')
b03=$(wire_bytes "$out/cB-eth1.pcap" 'comet && eth.src == 02:00:00:00:02:01' 14)
check "figure10: get on cC prints rule 02 with frames $f02 bytes $b02" \
	[ "$(grep -c "^6\.000000000 cC cf_tool/cf_tool[0-9]* INFO: 02 ethernet eth1 02:00:00:00:02:00 frames $f02 bytes $b02\$" "$log")" -eq 1 ]
check "figure10: get 03 on cB prints rule 03 with frames $f03 bytes $b03" \
	[ "$(grep -c "^6\.000000000 cB cf_tool/cf_tool[0-9]* INFO: 03 ethernet eth1 02:00:00:00:04:00 frames $f03 bytes $b03\$" "$log")" -eq 1 ]
check "figure10: get before the stream (0.1 s) prints zeros" \
	[ "$(grep -c '^0\.100000000 cC cf_tool/cf_tool[0-9]* INFO: 02 ethernet eth1 02:00:00:00:02:00 frames 0 bytes 0$' "$log")" -eq 1 ]

# Validation test 4: rule a4 sends out of dut eth1.100, tagged on eth1
# (02:00:00:00:02:01); Ethernet and 802.1Q headers (18).
out="$T/vlan"
"$COMETSIM" run "$top_srcdir/scenarios/validation/stateless/4-forward-vlan.xml" --out "$out" \
	--quiet || fail "4-forward-vlan: cometsim run exited $?"
rule_vs_wire "$out" dut a4 dut-eth1.pcap \
	'comet && vlan.id == 100 && eth.src == 02:00:00:00:02:01' 18

# Validation test 5: rule a5 sends through gre1, whose packets leave dut
# eth2 (02:00:00:00:02:02) in IPv4 (20) and GRE (4) after Ethernet (14).
out="$T/gre"
"$COMETSIM" run "$top_srcdir/scenarios/validation/stateless/5-forward-gre.xml" --out "$out" \
	--quiet || fail "5-forward-gre: cometsim run exited $?"
check "5-forward-gre: the outer IPv4 headers are 20 bytes (none has options)" \
	[ "$(count "$out/dut-eth2.pcap" 'gre && ip.hdr_len != 20')" -eq 0 ]
check "5-forward-gre: the GRE headers are 4 bytes (no key, checksum or sequence)" \
	[ "$(count "$out/dut-eth2.pcap" 'gre && (gre.flags.checksum == 1 || gre.flags.key == 1 || gre.flags.sequence_number == 1)')" -eq 0 ]
rule_vs_wire "$out" dut a5 dut-eth2.pcap 'gre && comet && eth.src == 02:00:00:00:02:02' 38

# Every capture these runs wrote is clean.
for f in "$T"/fig10/*.pcap "$T"/vlan/*.pcap "$T"/gre/*.pcap; do
	check "$(basename "$(dirname "$f")")/$(basename "$f"): no bad frame" [ -z "$(pcap_bad "$f")" ]
done

finish
