#!/bin/sh
# curling_d43.sh - the coupled approach against D4.3 section 6.4: topologies
# 1 and 2 print D4.3's lines (doc/curling.md section 6) in their log, and
# scenarios/validation/curling.sh finds the four validation criteria met:
#   1. states only in the appropriate CAFEs (none at 1.3 or below it);
#   2. the Consume handled correctly at the content client's side;
#   3. the content crosses only CAFEs that hold a state for it (captures);
#   4. the content delivered and stored byte for byte.
# The evaluator must also see a failure: with the links 1.2-1.4 and
# 1.1-1.4 made expensive, IP takes the content from 1.4 to 1.2 through
# 1.3, which holds no state, and test 4 must fail from the captures.
. "${top_srcdir:-.}/tests/scenarios/lib.sh"

val="$T/val"
"$top_srcdir/scenarios/validation/curling.sh" "$val" --cometsim "$COMETSIM" --quiet
rc=$?
check "the evaluator passes D4.3's four tests (exit $rc)" [ "$rc" -eq 0 ]
check "four rows" [ "$(wc -l <"$val/rows.jsonl")" -eq 4 ]
for t in 1 2 3 4; do
	check "row $t: PASS" grep -q "\"test\":$t,.*\"result\":\"PASS\"" "$val/rows.jsonl"
done
check "rows have the keys in order" [ "$(grep -c '^{"category":".*","test":[0-9]*,"description":".*","step":".*","expected":".*","actual":".*","result":"[A-Z]*","run_dir":".*"}$' "$val/rows.jsonl")" -eq 4 ]

# D4.3's lines, verbatim as the text of log lines.
msg() {
	sed 's/^[^ ]* [^ ]* [^ ]* [A-Z]*: //' "$1/log.txt"
}
t1="$val/topology1"
t2="$val/topology2"
msg "$t1" >"$T/t1.txt"
msg "$t2" >"$T/t2.txt"
# D4.3's topologies have no RAE: their CRMEs resolve by the records alone
# and never look for an RAE's path (doc/curling.md, section 5).
for t in 1 2; do
	check "topology $t: no CRME looks for an RAE's path" \
		not grep -qE "no RAE path|the RAE's preferred path" "$T/t$t.txt"
done
has() {
	grep -qxF "$2" "$1"
}
for l in \
	'CAFE ContentStateTable at 2.2: MyContent1 2.3 2000' \
	'CAFE ContentStateTable at 2.3: MyContent1 4.2 2000' \
	'CAFE ContentStateTable at 2.2: Content ID   Next Hop Address   Next Hop Port' \
	'CAFE 5.3: Content MyContent1 received and will be sent to 5.2:2000' \
	'CAFE 5.2: Content MyContent1 received and will be sent to 3.3:2000' \
	'CAFE 4.2: Content MyContent1 received and will be sent to 4.3:2000' \
	'CAFE 4.3: Content MyContent1 received and will be sent to 4.3:1000' \
	'CC: Content MyContent1 received and saved to: ./Content/4.3 1000/MyContent1'; do
	check "topology 1 logs \"$l\"" has "$T/t1.txt" "$l"
done
for l in \
	'CAFE ContentStateTable at 1.2: MyContent1 2.2 2000' \
	'CAFE ContentStateTable at 1.4: MyContent1 1.2 2000' \
	'CAFE 7.3: Content MyContent1 received and will be sent to 7.2:2000' \
	'CAFE 7.2: Content MyContent1 received and will be sent to 4.3:2000' \
	'CAFE 5.2: Content MyContent1 received and will be sent to 5.3:2000' \
	'CAFE 5.3: Content MyContent1 received and will be sent to 5.3:1000' \
	'CC: Content MyContent1 received and saved to: ./Content/5.3 1000/MyContent1'; do
	check "topology 2 logs \"$l\"" has "$T/t2.txt" "$l"
done
check "topology 2: no state table line at 1.3, 3.x or 6.x" \
	[ "$(grep -cE '^CAFE ContentStateTable at (1\.3|3\.[0-9]|6\.[0-9]): MyContent1' "$T/t2.txt")" -eq 0 ]
check "topology 1: delivery lines in D4.3's order (5.3 first, then 5.2, ..., 4.3, CC)" \
	[ "$(grep -E '^(CAFE [0-9.]+: Content MyContent1 received|CC: Content MyContent1 received)' "$T/t1.txt" |
	     sed 's/^CAFE \([0-9.]*\):.*/\1/; s/^CC:.*/CC/' | tr '\n' ' ')" = \
	  "5.3 5.2 3.3 3.2 1.3 1.2 2.2 2.3 4.2 4.3 CC " ]
check "topology 2: delivery lines in D4.3's order (7.3, 7.2, ..., 5.3, CC)" \
	[ "$(grep -E '^(CAFE [0-9.]+: Content MyContent1 received|CC: Content MyContent1 received)' "$T/t2.txt" |
	     sed 's/^CAFE \([0-9.]*\):.*/\1/; s/^CC:.*/CC/' | tr '\n' ' ')" = \
	  "7.3 7.2 4.3 4.2 1.4 1.2 2.2 2.3 5.2 5.3 CC " ]

# Criterion 3 from the captures, without the evaluator: no frame of the
# coupled approach's content type (byte 3 = 10) on any interface of 1.3,
# 3.x, 6.x in topology 2.
n=0
for f in "$t2"/1.3-*.pcap "$t2"/3.*.pcap "$t2"/6.*.pcap; do
	k=$(count "$f" 'udp.payload[0:2] == 43:55 && udp.payload[3] == 0x0a')
	n=$((n + k))
done
check "topology 2: no content frame in the captures of 1.3, 3.x, 6.x" [ "$n" -eq 0 ]
check "the same filter finds the content on 1.2's captures (it is not vacuous)" \
	[ "$(count "$t2/1.2-eth3.pcap" 'udp.payload[0:2] == 43:55 && udp.payload[3] == 0x0a')" -eq 10 ]
check "topology 2: 10 content frames from 1.4 to 1.2 on the 1.2-1.4 link" \
	[ "$(count "$t2/1.2-eth2.pcap" 'ip.src == 10.0.1.4 && ip.dst == 10.0.1.2 && udp.dstport == 2000 && udp.payload[3] == 0x0a')" -eq 10 ]
check "topology 1: the client's file is the server's" \
	cmp -s "$t1/Content/4.3 1000/MyContent1" "$t1/Content/5.3 1000/MyContent1"
check "topology 2: the client's file is the server's" \
	cmp -s "$t2/Content/5.3 1000/MyContent1" "$t2/Content/7.3 1000/MyContent1"
check "topology 1: no CAFE dropped a chunk for want of state" \
	[ "$(awk -F, '$1 == "ccafe" && $3 == "drop_curling_no_state" { s += $4 } END { print s + 0 }' "$t1/counters.csv")" -eq 0 ]
# Checksums and framing: tshark would read port 3000 as DIS, so DIS is off.
clean() {
	tshark_read "$1" --disable-protocol dis -Y 'ip.checksum.status == "Bad" ||
		udp.checksum.status == "Bad" || _ws.malformed || _ws.expert.severity == "Error"' | wc -l
}
for f in "$t1"/2.2-eth*.pcap "$t2"/1.2-eth*.pcap; do
	check "$(basename "$f"): clean for tshark" [ "$(clean "$f")" -eq 0 ]
done

# The evaluator sees a content path through 1.3.
neg="$T/neg"
"$top_srcdir/scenarios/validation/curling.sh" "$neg" --cometsim "$COMETSIM" --quiet --only 4 \
	--set '2:link.1.2:eth2-1.4:eth2.weight=10' --set '2:link.1.1:eth2-1.4:eth0.weight=10'
rc=$?
check "through 1.3: the evaluator fails (exit $rc)" [ "$rc" -eq 1 ]
check "through 1.3: row 4 FAIL, naming 1.3" \
	grep -q '"test":4,.*crossed without a state: 1.3.*"result":"FAIL"' "$neg/rows.jsonl"

finish
