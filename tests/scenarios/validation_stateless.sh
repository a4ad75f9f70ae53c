#!/bin/sh
# validation_stateless.sh - D4.3 section 5.4.2 tests 1-7 of the stateless
# CAFE through their evaluator (scenarios/validation/stateless.sh): seven
# rows, all PASS, well-formed JSON lines, every capture clean for tshark.
# Then the evaluator must see through broken set-ups: a rule with a wrong
# destination MAC (test 3) and a rule for the wrong key (test 4) must give
# FAIL rows whose "actual" says what went wrong.  Tests 3 and 4 again with
# "peer" in place of cf_tool's MACs must PASS: the frames carry the MAC of
# the other end of the link (VLAN: of its parent's link); and cf_tool's
# log says what "peer" resolved to, or why it could not.
. "${top_srcdir:-.}/tests/scenarios/lib.sh"

ev="$top_srcdir/scenarios/validation/stateless.sh"
out="$T/validation"
export COMETSIM TSHARK top_srcdir

sh "$ev" "$out" --only 1,2,3,4,5,6,7 --rows "$T/rows-copy.jsonl" >"$T/table.txt" 2>"$T/stderr.txt"
rc=$?
cat "$T/table.txt"
check "the evaluator exits 0 (every row passes; exit $rc)" [ "$rc" -eq 0 ]
check "the evaluator wrote nothing on stderr" [ ! -s "$T/stderr.txt" ]
rows="$out/rows.jsonl"
check "rows.jsonl has 7 rows" [ "$(wc -l <"$rows")" -eq 7 ]
check "--rows wrote the same rows" cmp -s "$rows" "$T/rows-copy.jsonl"
check "7 rows say PASS" [ "$(grep -c '"result":"PASS"' "$rows")" -eq 7 ]
check "no row says FAIL" not grep -q '"result":"FAIL"' "$rows"

# Each line a JSON object with the keys in order, strings properly escaped
# (no raw control character, no bare quote or backslash), test a number.
s='"([^"\\[:cntrl:]]|\\["\\/bfnrt]|\\u[0-9a-fA-F]{4})*"'
re="^\\{\"category\":$s,\"test\":[0-9]+,\"description\":$s,\"step\":$s,\"expected\":$s,\"actual\":$s,\"result\":\"(PASS|FAIL)\",\"run_dir\":$s\\}\$"
check "every row is a well-formed JSON object with the eight keys" \
	[ "$(grep -Ec "$re" "$rows")" -eq 7 ]
# jq, where it is installed (it is not a dependency), parses them for real.
jq_rows() {
	jq -e -s 'length == 7 and all(.[]; .result == "PASS")' "$rows" >/dev/null
}
if command -v jq >/dev/null 2>&1; then
	check "jq reads the 7 rows, all PASS" jq_rows
fi

# field LINE KEY: a string value of a row (no escaped quote inside).
field() {
	printf '%s\n' "$1" | sed -n "s/.*\"$2\":\"\([^\"]*\)\".*/\1/p"
}
for t in 1 2 3 4 5 6 7; do
	line=$(grep "\"test\":$t," "$rows")
	check "test $t has one row" [ "$(printf '%s\n' "$line" | grep -c .)" -eq 1 ]
	case $t in 1) cat="CAFE Agent" ;; 2) cat="CAFE intercept" ;; *) cat="CAFE forward" ;; esac
	check "test $t: category \"$cat\"" [ "$(field "$line" category)" = "$cat" ]
	check "test $t: run_dir $out/$t" [ "$(field "$line" run_dir)" = "$out/$t" ]
	a=$(field "$line" actual)
	check "test $t: an actual of its own, not the expected text" \
		[ -n "$a" -a "$a" != "$(field "$line" expected)" ]
	check "test $t: step and description filled" \
		[ -n "$(field "$line" step)" -a -n "$(field "$line" description)" ]
done

# Test 1b: Appendix B's script itself through the socket bridge, a row
# of its own ("test":"1b", the project's), or no row and a SKIP line on
# stderr where protoc or Python's protobuf module is missing.
pb=no
for p in /usr/bin/python3 python3; do
	if "$p" -c 'import google.protobuf' 2>/dev/null && command -v protoc >/dev/null 2>&1; then
		pb=yes
		break
	fi
done
b1="$T/validation-1b"
sh "$ev" "$b1" --only 1b >"$T/table-1b.txt" 2>"$T/stderr-1b.txt"
rc=$?
if [ "$pb" = yes ]; then
	line=$(cat "$b1/rows.jsonl")
	check "1b: the evaluator exits 0 (exit $rc)" [ "$rc" -eq 0 ]
	check "1b: one row" [ "$(grep -c . "$b1/rows.jsonl")" -eq 1 ]
	check "1b: its test is the string \"1b\"" grep -q '"test":"1b",' "$b1/rows.jsonl"
	check "1b: category \"CAFE Agent\"" [ "$(field "$line" category)" = "CAFE Agent" ]
	check "1b: PASS" [ "$(field "$line" result)" = PASS ]
	check "1b: run_dir $b1/1b" [ "$(field "$line" run_dir)" = "$b1/1b" ]
	check "1b: the capture holds test.py's messages byte for byte" \
		grep -q 'test.py sent and read 20 messages, and the capture holds the same, byte for byte, in order' "$b1/rows.jsonl"
	check "1b: the agent configured 9 flows" grep -q 'agent on dut: 9 configured, 0 refused, 0 malformed' "$b1/rows.jsonl"
	check "1b: the script's transcript is kept as evidence" [ -s "$b1/1b/evidence/script-transcript.txt" ]
	captures_ok "$b1/1b" "1b"
else
	check "1b: skipped without a row where protoc or Python's protobuf is missing" \
		[ ! -s "$b1/rows.jsonl" ]
	check "1b: and says so" grep -q "test 1b skipped, no row" "$T/stderr-1b.txt"
fi

# What the rows say must be what the captures hold: a few values straight
# from the rows, checked against the facts of the set-up.
check "test 1 reports a success for each of the 10 flows, seen on the wire" \
	grep -q '"test":1,.*"actual":"[^"]*10 CONFIGURE_STREAM answered CAFE_SUCCESS (ids 1-10)' "$rows"
check "test 1 reports the duplicate id's refusal with its reason" \
	grep -q '"test":1,.*"actual":"[^"]*duplicate id 3 answered CAFE_FAILURE: stream id 3 already exists' "$rows"
check "test 1 reports the 10 records collected with their bandwidth, cos and AS path" \
	grep -q '"test":1,.*"actual":".*the last 10 (ids 1-10) with bandwidth 1000, cos PR, AS paths 1 2 3 each' "$rows"
check "test 3 reports the configured destination MAC" \
	grep -q '"test":3,.*"actual":"[^"]*destination MAC 02:00:00:00:03:01' "$rows"
check "test 4 reports VLAN id 100" grep -q '"test":4,.*"actual":"[^"]*VLAN id 100' "$rows"
check "test 5 reports the ARP exchange before GRE" \
	grep -q '"test":5,.*"actual":"[^"]*ARP request (frame 1, [^"]*reply 02:00:00:00:03:02 (frame 2), first GRE frame 3' "$rows"
check "test 6 reports TTL 63 after decapsulation" grep -q '"test":6,.*"actual":"[^"]*TTL 63' "$rows"
check "test 7 reports EtherType 0x86dd" grep -q '"test":7,.*"actual":"[^"]*EtherType 0x86dd' "$rows"

# Every capture of every run clean for tshark: lib.sh's pcap_bad, run with
# the COMET dissector loaded (through a wrapper, so that lib.sh's filter is
# the one used), which also checks the IP packets inside COMET frames and
# counts the dissector's malformed and error expert items.  The captures
# of a run are read in one go (mergecap -a), then one by one if any frame
# is bad, to name the file.
printf '#!/bin/sh\nexec "%s" -X "lua_script:%s" "$@"\n' "$TSHARK" \
	"$top_srcdir/output/wireshark/cometsim.lua" >"$T/tshark-comet"
chmod +x "$T/tshark-comet"
for t in 1 2 3 4 5 6 7; do
	n=$(ls "$out/$t"/*.pcap | wc -l)
	mergecap -a -w "$T/all-$t.pcap" "$out/$t"/*.pcap
	bad=$(TSHARK="$T/tshark-comet" pcap_bad "$T/all-$t.pcap" | wc -l)
	if [ "$bad" -ne 0 ]; then
		for f in "$out/$t"/*.pcap; do
			echo "  $f: $(TSHARK="$T/tshark-comet" pcap_bad "$f" | wc -l) bad frames" >&2
		done
	fi
	check "test $t: $n captures ($(count "$T/all-$t.pcap" frame) frames), pcap_bad 0 ($bad)" \
		[ "$n" -eq 10 -a "$bad" -eq 0 ]
done
check "the wrapper really loads the dissector" \
	[ "$(TSHARK="$T/tshark-comet" count "$out/3/dut-eth1.pcap" 'comet.index == 2')" -eq 100 ]

# The same checks on broken set-ups must fail, and say why.
data="$top_srcdir/tests/scenarios/data"
bro="$T/broken"
sh "$ev" "$bro" --only 3,4 --scenario "3=$data/stateless-wrong-mac.xml" \
	--scenario "4=$data/stateless-wrong-key.xml" >"$T/broken.txt" 2>&1
rc=$?
cat "$T/broken.txt"
check "broken set-ups: the evaluator exits 1 ($rc)" [ "$rc" -eq 1 ]
check "broken set-ups: two rows, both FAIL" \
	[ "$(wc -l <"$bro/rows.jsonl")" -eq 2 -a "$(grep -c '"result":"FAIL"' "$bro/rows.jsonl")" -eq 2 ]
check "wrong MAC: test 3's actual names the MAC the frames carried" \
	grep -q '"test":3,.*"actual":"[^"]*destination MAC 02:00:00:00:09:00' "$bro/rows.jsonl"
check "wrong key: test 4's actual says no frame left eth1 and dut dropped them for want of a rule" \
	grep -q '"test":4,.*"actual":"[^"]*no COMET frame left eth1[^"]*dut dropped 100 comet_no_rule' "$bro/rows.jsonl"

# ---- cf_tool add_ethernet ... peer ----
peer="$T/peer"
sh "$ev" "$peer" --only 3,4 --scenario "3=$data/stateless-peer-ethernet.xml" \
	--scenario "4=$data/stateless-peer-vlan.xml" >"$T/peer.txt" 2>&1
rc=$?
cat "$T/peer.txt"
check "peer: the evaluator exits 0 ($rc)" [ "$rc" -eq 0 ]
check "peer: two rows, both PASS" [ "$(wc -l <"$peer/rows.jsonl")" -eq 2 -a \
	"$(grep -c '"result":"PASS"' "$peer/rows.jsonl")" -eq 2 ]
check "peer: test 3's frames carry tout's eth1 MAC" \
	grep -q '"test":3,.*"actual":"[^"]*destination MAC 02:00:00:00:03:01' "$peer/rows.jsonl"
check "peer: test 4's frames carry VLAN id 100" \
	grep -q '"test":4,.*"actual":"[^"]*VLAN id 100' "$peer/rows.jsonl"
# ccount FILE FILTER: count with the COMET dissector loaded.
ccount() {
	TSHARK="$T/tshark-comet" count "$@"
}
tout1=02:00:00:00:03:01
dut0=02:00:00:00:02:00
for t in 3 4; do
	check "peer: test $t: every frame dut sent on eth1 goes to tout's eth1 (tshark)" \
		[ "$(ccount "$peer/$t/dut-eth1.pcap" "comet && eth.dst == $tout1")" -eq 100 ]
	check "peer: test $t: no other destination on dut's eth1" \
		[ "$(ccount "$peer/$t/dut-eth1.pcap" "comet && eth.dst != $tout1")" -eq 0 ]
	check "peer: test $t: every frame tin sent on eth1 goes to dut's eth0 (tshark)" \
		[ "$(ccount "$peer/$t/dut-eth0.pcap" "comet && eth.dst == $dut0")" -eq 100 ]
	bad=$(TSHARK="$T/tshark-comet" pcap_bad "$peer/$t/dut-eth1.pcap" | wc -l)
	check "peer: test $t: dut-eth1.pcap clean ($bad bad frames)" [ "$bad" -eq 0 ]
done
dcf=' dut cf_tool/[^ ]* INFO:'
check "peer: test 3: the log line shows the MAC it resolved" \
	grep -q "$dcf rule a3 added: ethernet eth1 $tout1 (peer tout eth1)\$" \
	"$peer/3/log.txt"
check "peer: test 4: a VLAN sub-interface resolves through its parent's link" \
	grep -q "$dcf rule a4 added: ethernet eth1.100 $tout1 (peer tout eth1)\$" \
	"$peer/4/log.txt"

# Every kind of device, and the errors (no pcap: the log is what is read).
"$COMETSIM" run "$data/cf-tool-peer.xml" --out "$T/cfp" --pcap none --quiet >"$T/cfp.txt" 2>&1
check "cf-tool-peer: runs ($(cat "$T/cfp.txt"))" [ -s "$T/cfp/log.txt" ]
log="$T/cfp/log.txt"
# logline TEXT: the line of a's cf_tool that ends with TEXT, once.
logline() {
	[ "$(grep -c " a cf_tool/cf_tool[0-9]* [A-Z]*: $1\$" "$log")" -eq 1 ]
}
check "cf-tool-peer: an Ethernet device resolves to the other end of its link" \
	logline 'rule 01 added: ethernet eth0 02:00:00:00:01:00 (peer b eth0)'
check "cf-tool-peer: a VLAN sub-interface resolves to the other end of its parent's link" \
	logline 'rule 02 added: ethernet eth0.5 02:00:00:00:01:00 (peer b eth0)'
check "cf-tool-peer: a device with no link is an error (WARN)" \
	grep -q ' a cf_tool/cf_tool2 WARN: error: eth1 has no peer: it has no link$' "$log"
check "cf-tool-peer: a VLAN whose parent has no link is an error (WARN)" \
	grep -q ' a cf_tool/cf_tool3 WARN: error: eth1.7 has no peer: its parent eth1 has no link$' \
	"$log"
check "cf-tool-peer: a GRE tunnel is an error (WARN)" \
	grep -q ' a cf_tool/cf_tool4 WARN: error: gre1 is a GRE tunnel: use add_device$' "$log"
check "cf-tool-peer: a device the node does not have is an error (WARN)" \
	grep -q ' a cf_tool/cf_tool5 WARN: error: no device eth9 on a$' "$log"
check "cf-tool-peer: the errors added no rule (get: 2 rules)" logline '2 rules'
check "cf-tool-peer: get shows rule 02 with the MAC resolved" \
	logline '02 ethernet eth0.5 02:00:00:00:01:00 frames 0 bytes 0'
check "cf-tool-peer: after END_LINK the link still has its other end" \
	logline 'rule 07 added: ethernet eth0 02:00:00:00:01:00 (peer b eth0)'
"$COMETSIM" check "$data/cf-tool-peer.xml" >/dev/null 2>&1
check "cf-tool-peer: the scenario passes cometsim check" [ $? -eq 0 ]

# A usage error is not a result.
sh "$ev" >/dev/null 2>&1
check "no OUTDIR: exit 2" [ $? -eq 2 ]
sh "$ev" "$T/x" --only 9 >/dev/null 2>&1
check "--only 9: exit 2" [ $? -eq 2 ]

finish
