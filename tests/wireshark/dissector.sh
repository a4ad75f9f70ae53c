#!/bin/sh
# dissector.sh - the Wireshark dissector of the COMET header
# (output/wireshark/cometsim.lua) against hand-built frames.
#
# gen_comet writes twelve frames (listed at the top of gen_comet.c): the
# COMET header after Ethernet, after an 802.1Q tag and inside GRE, with
# IPv4 or IPv6 inside, and the malformed cases.  tshark loads the plugin
# with -X lua_script: (HOME is a scratch folder, so no installed copy is
# loaded as well) and must give every field its expected value, hand the
# carried packet on at the right offset (UDP checksums verify), raise
# exactly the expected expert item on each malformed frame and none on
# the others, and never fail.  Independent of cometsim itself.
. "${top_srcdir:-.}/tests/scenarios/lib.sh"

: "${top_builddir:=.}"
lua="$top_srcdir/output/wireshark/cometsim.lua"
gen="$top_builddir/tests/wireshark/gen_comet"
cap="$T/comet.pcap"

"$gen" "$cap"
check "gen_comet writes the capture" [ $? -eq 0 -a -s "$cap" ]

# ws ARGS...: tshark over the test capture with the plugin, checksums on.
ws() {
	"$TSHARK" -n -r "$cap" -X "lua_script:$lua" -o ip.check_checksum:TRUE \
		-o udp.check_checksum:TRUE "$@" 2>/dev/null
}

# frames FILTER: the numbers of the frames FILTER matches, on one line;
# "tshark-failed" if tshark refused the filter or failed, so that a
# misspelt field can never pass as "no frame".
frames() {
	if out=$(ws -Y "$1" -T fields -e frame.number); then
		echo $out
	else
		echo tshark-failed
	fi
}

# expect_frames FILTER LIST: FILTER matches exactly the frames in LIST.
expect_frames() {
	got=$(frames "$1")
	check "'$1' matches frames [$2]" [ "$got" = "$2" ]
	[ "$got" = "$2" ] || echo "   got [$got]" >&2
}

# Loading: the plugin registers, and nothing else brings a second copy.
"$TSHARK" -G plugins -X "lua_script:$lua" 2>/dev/null > "$T/plugins"
check "tshark -G plugins lists cometsim.lua as a Lua script" \
	grep -q "cometsim\.lua.*lua script" "$T/plugins"
"$TSHARK" -G fields -X "lua_script:$lua" 2>/dev/null > "$T/fields"
for fld in version:FT_UINT8 cos:FT_UINT8 length:FT_UINT8 index:FT_UINT8 \
	next_proto:FT_UINT16 keys:FT_BYTES key:FT_UINT8 current_key:FT_UINT8 \
	hops_left:FT_UINT8 expert.bad_version:FT_NONE expert.truncated:FT_NONE \
	expert.index_beyond_length:FT_NONE expert.unknown_next_proto:FT_NONE \
	expert.payload_failed:FT_NONE; do
	name=comet.${fld%%:*}
	type=${fld#*:}
	check "tshark -G fields lists $name ($type)" \
		grep -qP "^F\t[^\t]*\t\Q$name\E\t$type\tcomet\t" "$T/fields"
done
"$TSHARK" -G fields 2>/dev/null > "$T/fields-none"
check "without -X lua_script no comet field is known (no stray copy)" \
	not grep -qP '\tcomet\.' "$T/fields-none"

# Every frame is read, tshark exits 0, and no Lua error shows anywhere.
ws > "$T/summary"
check "tshark reads all 12 frames and exits 0" [ $? -eq 0 -a "$(wc -l < "$T/summary")" -eq 12 ]
expect_frames '_ws.lua.error' ''

# Field values, one line per frame:
# frame|version|cos|length|index|current_key|next_proto|keys|key...|hops_left
ws -T fields -E separator='|' -E aggregator=' ' -e frame.number \
	-e comet.version -e comet.cos -e comet.length -e comet.index \
	-e comet.current_key -e comet.next_proto -e comet.keys -e comet.key \
	-e comet.hops_left > "$T/values"
check "tshark -T fields exits 0" [ $? -eq 0 ]
while IFS= read -r want; do
	n=${want%%|*}
	got=$(sed -n "${n}p" "$T/values")
	check "frame $n fields: $want" [ "$got" = "$want" ]
	[ "$got" = "$want" ] || echo "   got  $got" >&2
done <<'EOF'
1|1|0|3|0|0x12|0x0800|12 34 56|0x12 0x34 0x56|3
2|1|1|3|1|0x34|0x0800|12 34 56|0x12 0x34 0x56|2
3|1|2|2|2||0x86dd|ab cd|0xab 0xcd|0
4|2||||||||
5|1|0|10|0|0x01|0x0800|01 02 03|0x01 0x02 0x03|10
6|1|0|3|4||0x0800|12 34 56|0x12 0x34 0x56|
7|1|0|3|0|0x12|0x1234|12 34 56|0x12 0x34 0x56|3
8|1|0|3|0|||||
9|||||||||
10|1|0|3|0|0x12|0x0800|12 34 56|0x12 0x34 0x56|3
11|1|0|3|0|0x12|0x0800|12|0x12|3
12|1|0|0|0||0x86dd|||0
EOF

# Display filters on the fields.
expect_frames 'comet' '1 2 3 4 5 6 7 8 9 10 11 12'
expect_frames 'comet.length == 3' '1 2 6 7 8 10 11'
expect_frames 'comet.index' '1 2 3 5 6 7 8 10 11 12'
expect_frames 'comet.index == 1' '2'
expect_frames 'comet.cos == 2' '3'
expect_frames 'comet.key == 0xcd' '3'
expect_frames 'comet.keys == 12:34:56' '1 2 6 7 10'
expect_frames 'comet.current_key == 0x34' '2'
expect_frames 'comet.current_key' '1 2 5 7 10 11'
expect_frames 'comet.hops_left == 0' '3 12'
expect_frames 'comet.next_proto == 0x86dd' '3 12'
expect_frames 'vlan.id == 100 && comet' '2'
expect_frames 'gre.proto == 0xcccc && comet' '3'
expect_frames 'ip.proto == 47 && ip.checksum.status == "Good" && comet' '3'

# The carried packet was handed on at the right offset: its checksums
# verify.  Nothing is handed on from a truncated or unsupported header,
# nor from a frame cut by the snap length (10, 11).
expect_frames 'ip.src == 10.0.1.1 && ip.checksum.status == "Good"' '1 2 6'
expect_frames 'udp.dstport == 2000 && udp.checksum.status == "Good"' '1 2 3 6'
expect_frames 'ipv6.dst == 2001:db8::2 && udp.checksum.status == "Good"' '3'
expect_frames 'udp' '1 2 3 6'
expect_frames 'comet.next_proto == 0x1234 && data' '7'
expect_frames 'comet.version == 2 && data' '4'

# Expert items: each malformed frame raises exactly its own; the good
# frames raise none at all.
expect_frames 'comet.expert.bad_version' '4'
expect_frames 'comet.expert.truncated' '5 8 9'
expect_frames 'comet.expert.index_beyond_length' '6'
expect_frames 'comet.expert.unknown_next_proto' '7'
expect_frames 'comet.expert.payload_failed' '12'
expect_frames '_ws.expert' '4 5 6 7 8 9 12'
expect_frames '_ws.expert.severity == "Error"' '4 5 6 8 9 12'
expect_frames 'comet.expert.unknown_next_proto && _ws.expert.severity == "Warning"' '7'
ws -T fields -E occurrence=a -E aggregator='|' -e frame.number \
	-e _ws.expert.message > "$T/experts"
for n in 4 5 6 7 8 9; do
	k=$(awk -F'\t' -v n="$n" '$1 == n { print split($2, a, "|") }' "$T/experts")
	check "frame $n raises exactly one expert item" [ "${k:-0}" -eq 1 ]
done

# The text of the tree and of the Info column.
ws -V -O comet > "$T/tree"
ws -V -O comet -Y 'frame.number == 2' | grep '^        Key ' > "$T/keys2"
check "frame 2 (index 1) marks key 1 as the current one" [ "$(cat "$T/keys2")" = \
"        Key 0: 0x12
        Key 1: 0x34 (current)
        Key 2: 0x56" ]
check "exactly the frames with index < length mark a current key" \
	[ "$(grep -c '(current)$' "$T/tree")" -eq 6 ]
for vs in 'Class of service: best effort (0)' \
	'Class of service: BTBE (better than best effort) (1)' \
	'Class of service: PR (premium) (2)' \
	'Next protocol: IPv4 (0x0800)' 'Next protocol: IPv6 (0x86dd)'; do
	check "value string shown: '$vs'" grep -qxF "    $vs" "$T/tree"
done
ws -T fields -e _ws.col.Info > "$T/info"
check "Info column of frame 1 starts with the COMET summary" \
	[ "$(sed -n 1p "$T/info")" = 'COMET v1 cos=0 keys 0/3 next=IPv4 | 1000 → 2000 Len=31' ]
check "Info column of frame 3 (GRE, IPv6 inside)" \
	[ "$(sed -n 3p "$T/info")" = 'COMET v1 cos=2 keys 2/2 next=IPv6 | 1000 → 2000 Len=31' ]
check "Info column of frame 5 says the key list is truncated" \
	[ "$(sed -n 5p "$T/info")" = 'COMET v1 cos=0 keys 0/10 next=IPv4 [truncated: 3 of 10 keys]' ]

# Installed as a personal plugin, Wireshark loads it by itself.
mkdir -p "$HOME/.local/lib/wireshark/plugins"
cp "$lua" "$HOME/.local/lib/wireshark/plugins/"
check "a copy in \$HOME/.local/lib/wireshark/plugins is loaded without -X" \
	[ "$("$TSHARK" -n -r "$cap" -Y 'comet.index == 1' -T fields -e frame.number 2>/dev/null)" = 2 ]
rm -rf "$HOME/.local"

finish
