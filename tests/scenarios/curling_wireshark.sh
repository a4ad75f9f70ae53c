#!/bin/sh
# curling_wireshark.sh - the CURLING section of the project's dissector
# (output/wireshark/cometsim.lua) on what topology 1 puts on the wire and
# on hand-made malformed messages (text2pcap).
#
# Every datagram starting "CU" v1 must be decoded as CURLING, without a
# Lua error or a malformed mark; what the dissector shows must agree with
# the run: the Configure messages with the states the CAFEs logged, the
# chunks with the content (sequence numbers, the last flag, the bytes),
# the Consume and its reply with the client.  The malformed messages must
# raise the expected expert item.
. "${top_srcdir:-.}/tests/scenarios/lib.sh"

lua="$top_srcdir/output/wireshark/cometsim.lua"
out="$T/run"
"$COMETSIM" run "$top_srcdir/scenarios/curling-topology1.xml" --out "$out" --quiet ||
	fail "cometsim run exited $?"
(cd "$out" && mergecap -I none -w "$T/all.pcapng" *.pcap) || fail "mergecap failed"

# ws FILE ARGS...: tshark with the plugin (HOME is a scratch folder).
ws() {
	f=$1
	shift
	"$TSHARK" -n -r "$f" -X "lua_script:$lua" "$@" 2>/dev/null
}

"$TSHARK" -G fields -X "lua_script:$lua" 2>/dev/null >"$T/fields"
for fld in curling.type curling.content_id curling.hop curling.seq curling.last_chunk \
	curling.status curling.route.prefix curling.link.crme curling.data; do
	check "tshark -G fields lists $fld" grep -qP "^F\t[^\t]*\t\Q$fld\E\t" "$T/fields"
done

all="$T/all.pcapng"
n_cu=$(count "$all" 'udp.payload[0:2] == 43:55')
n_dec=$(ws "$all" -Y curling | wc -l)
echo "CU datagrams $n_cu, decoded as CURLING $n_dec"
check "there are CURLING datagrams ($n_cu)" [ "$n_cu" -gt 100 ]
check "every CU datagram is decoded as CURLING" [ "$n_dec" -eq "$n_cu" ]
check "no Lua error, no malformed mark, no expert error" \
	[ "$(ws "$all" -Y '_ws.lua.error || _ws.malformed || _ws.expert.severity == "Error"' | wc -l)" -eq 0 ]
for t in 1 2 3 4 5 6 7 9 10; do
	raw=$(count "$all" "udp.payload[0:2] == 43:55 && udp.payload[3] == $(printf '0x%02x' $t)")
	dec=$(ws "$all" -Y "curling.type == $t" | wc -l)
	check "type $t: the dissector sees as many as the raw bytes ($dec/$raw)" [ "$raw" -gt 0 -a "$dec" -eq "$raw" ]
done

# Configure (add) as received by each CAFE, against the CAFEs' own log lines.
ws "$all" -Y 'curling.type == 3 && curling.op == 1 && udp.dstport == 2000' -T fields \
	-e ip.dst -e curling.content_id -e curling.hop -e curling.hop_port |
	awk '{ split($1, a, "."); split($3, b, "."); print a[3] "." a[4], $2, b[3] "." b[4], $4 }' |
	sort -u >"$T/cfg"
sed -n 's/.*INFO: CAFE ContentStateTable at \([0-9.]*\): \(MyContent1 [0-9.]* [0-9]*\)$/\1 \2/p' \
	"$out/log.txt" | sort -u >"$T/cst"
check "Configure messages = the ContentStateTable lines ($(wc -l <"$T/cst") entries)" \
	cmp -s "$T/cfg" "$T/cst"

# The chunks leaving 3.3 for 3.2: seq 0-9, the last flag on 9 only, 10000 bytes.
ws "$all" -Y 'curling.type == 10 && ip.src == 10.0.3.3 && ip.dst == 10.0.3.2' -T fields \
	-e frame.interface_id -e curling.seq -e curling.last_chunk -e curling.datalen \
	-e curling.content_id >"$T/chunks"
first_if=$(head -n 1 "$T/chunks" | cut -f1)
awk -v i="$first_if" '$1 == i' "$T/chunks" >"$T/chunks1"
check "chunks 3.3 -> 3.2: sequence 0..9" \
	[ "$(cut -f2 "$T/chunks1" | tr '\n' ' ')" = "0 1 2 3 4 5 6 7 8 9 " ]
check "chunks 3.3 -> 3.2: only the last is flagged" \
	[ "$(awk '$3 == "True" || $3 == 1 { print $2 }' "$T/chunks1" | tr '\n' ' ')" = "9 " ]
check "chunks 3.3 -> 3.2: 10000 data bytes of MyContent1" \
	[ "$(awk '$5 == "MyContent1" { s += $4 } END { print s }' "$T/chunks1")" -eq 10000 ]
check "the data of chunk 0 is the content's first bytes" \
	[ "$(ws "$all" -Y 'curling.type == 10 && ip.src == 10.0.5.3 && curling.seq == 0' -T fields \
	     -e curling.data | head -n 1 | cut -c1-32)" = \
	  "$(od -An -tx1 -N16 "$out/Content/5.3 1000/MyContent1" | tr -d ' \n')" ]
check "the Consume from 4.3:1000 names MyContent1 and the client's CAFE 4.3:2000" \
	[ "$(ws "$all" -Y 'curling.type == 6 && ip.src == 10.0.4.3' -T fields -e curling.content_id \
	     -e curling.client -e curling.client_cafe_port | sort -u)" = "MyContent1	10.0.4.3	2000" ]
check "the ConsumeReply to the client says ok, 10000 bytes in 10 chunks" \
	[ "$(ws "$all" -Y 'curling.type == 7 && udp.dstport == 1000' -T fields -e curling.status \
	     -e curling.size -e curling.nchunks | sort -u)" = "0	10000	10" ]

# doc/curling.md's Configure example is the one CRME 2.1 sends CAFE 2.2.
doc_cfg=$(sed -n '/^Example, CRME 2.1 installing MyContent1/,/^`4355/p' \
	"$top_srcdir/doc/curling.md" | sed -n 's/^`\([0-9a-f ]*\)`\.$/\1/p' | tr -d ' ')
wire_cfg=$(ws "$all" -Y 'curling.type == 3 && ip.src == 10.0.2.1 && ip.dst == 10.0.2.2' \
	-T fields -e udp.payload | sort -u)
check "doc/curling.md's Configure example is on the wire ($doc_cfg)" \
	[ -n "$doc_cfg" -a "$doc_cfg" = "$wire_cfg" ]

# Hand-made messages, one a line, on UDP 3000 -> 2000.
cat >"$T/bad.txt" <<'EOF'
000000 43 55 01 08 00 0c 00 00 03 61 2f 63
000000 43 55 01 03 00 0d 09 00 01 61 00 00 00
000000 43 55 01 03 00 0c 01 00 14 61 62 63
000000 43 55 01 08 00 0d 00 00 03 61 62 63 ff
000000 de ad be ef 00 0c 00 00 03 61 62 63
000000 43 55 01 08 00 0c 00 00 03 61 62 63
EOF
text2pcap -q -4 10.0.2.1,10.0.2.2 -u 3000,2000 "$T/bad.txt" "$T/bad.pcap" 2>/dev/null ||
	fail "text2pcap failed"
expert() {
	ws "$T/bad.pcap" -Y "frame.number == $1" -T fields -e _ws.expert.message | tr ',' '\n' |
		grep -c "$2"
}
check "a ContentID with '/' is flagged" [ "$(expert 1 "ContentID not")" -eq 1 ]
check "an unknown Configure operation is flagged" [ "$(expert 2 "Unknown Configure operation")" -eq 1 ]
check "a ContentID past the end is malformed" [ "$(expert 3 "shorter than its fields")" -eq 1 ]
check "a byte after the last field is malformed" [ "$(expert 4 "bytes after the last field")" -eq 1 ]
check "a datagram that is not CU is left alone" [ "$(ws "$T/bad.pcap" -Y 'frame.number == 5 && curling' | wc -l)" -eq 0 ]
check "a good Release reads as one" \
	[ "$(ws "$T/bad.pcap" -Y 'frame.number == 6 && curling.type == 8 && curling.content_id == "abc" && !_ws.expert' | wc -l)" -eq 1 ]
check "no Lua error on the hand-made messages" [ "$(ws "$T/bad.pcap" -Y '_ws.lua.error' | wc -l)" -eq 0 ]

finish
