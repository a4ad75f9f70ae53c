#!/bin/sh
# cmeclient.sh - the CME client section of output/wireshark/cometsim.lua:
#
# 1. the ContentRequests of a real run (tests/scenarios/data/content-apps.xml,
#    a client whose CME does not answer) decode field by field as the
#    client sent them, as many as it counted;
# 2. hand-built ContentReply datagrams (written by text2pcap, UDP from
#    port 9091): ACCEPTED with every field, REFUSED, a packed AS path
#    with an unknown field, and two malformed bodies, each with the right
#    fields, summary and expert item;
# 3. the port preference moves the dissector, and no Lua error shows.
# Skipped (77) without tshark or text2pcap.
. "${top_srcdir:-.}/tests/scenarios/lib.sh"

t2p=$(dirname "$(command -v "$TSHARK")")/text2pcap
[ -x "$t2p" ] || t2p=$(command -v text2pcap) || { echo "SKIP: no text2pcap"; exit 77; }
lua="$top_srcdir/output/wireshark/cometsim.lua"

# ws FILE ARGS...: tshark with the dissector.
ws() {
	f=$1
	shift
	"$TSHARK" -X "lua_script:$lua" -n -r "$f" "$@" 2>/dev/null
}
# val FILE FRAME FIELD: the values of FIELD in one frame, comma-separated.
val() {
	ws "$1" -Y "frame.number == $2" -T fields -E occurrence=a -E aggregator=, -e "$3"
}
# expect FILE FRAME FIELD VALUE
expect() {
	got=$(val "$1" "$2" "$3")
	check "frame $2: $3 = $4" [ "$got" = "$4" ]
	[ "$got" = "$4" ] || echo "   got [$got]" >&2
}

"$TSHARK" -G fields -X "lua_script:$lua" 2>/dev/null >"$T/fields"
for fld in sequence:FT_UINT64 content:FT_STRING cos:FT_UINT32 bandwidth:FT_UINT64 \
	port:FT_UINT32 protocol:FT_UINT32 status:FT_UINT32 reason:FT_STRING \
	server:FT_STRING server_port:FT_UINT32 size:FT_UINT64 stream_id:FT_UINT32 \
	as_path:FT_UINT32 keys:FT_BYTES score:FT_DOUBLE server_as:FT_UINT32 \
	summary:FT_STRING message:FT_STRING expert.malformed:FT_NONE expert.refused:FT_NONE; do
	name=cmeclient.${fld%%:*}
	type=${fld#*:}
	check "tshark -G fields lists $name ($type)" \
		grep -qP "^F\t[^\t]*\t\Q$name\E\t$type\tcmeclient\t" "$T/fields"
done

# ---- 1. the requests of a run ----
out="$T/run"
"$COMETSIM" run "$top_srcdir/tests/scenarios/data/content-apps.xml" --out "$out" --quiet \
	--end 5s || fail "cometsim run exited $?"
cap="$out/c-eth0.pcap"
sent=$(counter "$out/counters.csv" cme_client c/cme_client0 requests_sent)
n=$(ws "$cap" -Y 'cmeclient.message == "ContentRequest"' | wc -l)
check "every request the client counted decodes as a ContentRequest ($n of $sent)" \
	[ "$n" -eq "$sent" -a "$n" -eq 4 ]
line=$(ws "$cap" -Y cmeclient -T fields -E separator='|' -e cmeclient.sequence \
	-e cmeclient.content -e cmeclient.cos -e cmeclient.bandwidth -e cmeclient.port \
	-e cmeclient.protocol | sort -u)
check "the request's fields: sequence 1, news.mp4, cos 2, 2000000 bit/s, port 5003, TCP ($line)" \
	[ "$line" = "1|news.mp4|2|2000000|5003|6" ]
info=$(ws "$cap" -Y cmeclient -T fields -e _ws.col.Info | sort -u)
check "the Info column is the summary" \
	[ "$info" = "ContentRequest seq=1 content=news.mp4 cos=2 bandwidth=2000000 port=5003 protocol=6" ]
check "the filter cmeclient.content == \"news.mp4\" finds the 4" \
	[ "$(ws "$cap" -Y 'cmeclient.content == "news.mp4" && cmeclient.port == 5003' | wc -l)" -eq 4 ]
check "no request is malformed or flagged" \
	[ "$(ws "$cap" -Y 'cmeclient && (_ws.malformed || _ws.expert.severity >= "Warning")' |
	     wc -l)" -eq 0 ]
check "with cmeclient.port:9092 the requests are not decoded" \
	[ "$(ws "$cap" -o cmeclient.port:9092 -Y cmeclient | wc -l)" -eq 0 ]

# ---- 2. hand-built replies ----
# One datagram a block; each starts at offset 0 (text2pcap's format).
cat >"$T/replies.txt" <<'EOF'
0000 08 01 10 00 22 08 31 30 2e 32 2e 30 2e 32 28 90 3f 30 c0 84 3d 38 07
0017 40 02 40 01 4a 02 0a 0b 51 00 00 00 00 00 00 e8 3f 58 02

0000 08 01 10 01 1a 07 6e 6f 20 70 61 74 68

0000 08 02 42 03 03 02 01 a0 01 05

0000 08 01 22 10 31

0000 08 01 12 01 41
EOF
rep="$T/replies.pcap"
"$t2p" -q -4 10.2.0.2,10.1.0.2 -u 9091,49152 "$T/replies.txt" "$rep" >/dev/null 2>&1
check "text2pcap writes 5 replies" [ "$(ws "$rep" | wc -l)" -eq 5 ]
expect "$rep" 1 cmeclient.message ContentReply
expect "$rep" 1 cmeclient.sequence 1
expect "$rep" 1 cmeclient.status 0
expect "$rep" 1 cmeclient.server 10.2.0.2
expect "$rep" 1 cmeclient.server_port 8080
expect "$rep" 1 cmeclient.size 1000000
expect "$rep" 1 cmeclient.stream_id 7
expect "$rep" 1 cmeclient.as_path 2,1
expect "$rep" 1 cmeclient.keys "0a 0b"
expect "$rep" 1 cmeclient.score 0.75
expect "$rep" 1 cmeclient.server_as 2
expect "$rep" 1 cmeclient.summary \
	"ContentReply seq=1 ACCEPTED server=10.2.0.2:8080 size=1000000 stream=7 as_path=2,1 keys=0a0b score=0.75 server_as=2"
expect "$rep" 2 cmeclient.status 1
expect "$rep" 2 cmeclient.reason "no path"
expect "$rep" 2 _ws.col.Info "ContentReply seq=1 REFUSED reason=no path"
check "frame 2: the refusal is an expert note" \
	[ "$(ws "$rep" -Y 'frame.number == 2 && cmeclient.expert.refused' | wc -l)" -eq 1 ]
expect "$rep" 3 cmeclient.sequence 2
expect "$rep" 3 cmeclient.as_path 3,2,1
expect "$rep" 3 cmeclient.unknown_field 20
check "frame 3: an unknown field is no error" \
	[ "$(ws "$rep" -Y 'frame.number == 3 && _ws.expert' | wc -l)" -eq 0 ]
for fr in 4 5; do
	check "frame $fr: malformed, flagged as an error" \
		[ "$(ws "$rep" -Y "frame.number == $fr && cmeclient.expert.malformed" | wc -l)" -eq 1 ]
done
# summary_has FRAME TEXT: the frame's summary contains TEXT.
summary_has() {
	val "$rep" "$1" cmeclient.summary | grep -qF "$2"
}
check "frame 4: the summary says where (length past the end)" \
	summary_has 4 '[malformed: field 4 at offset 2: length 16 runs beyond the end of the message'
check "frame 5: a status sent as a string is refused" \
	summary_has 5 '[malformed: field status (2) at offset 2 has wire type 2, 0 expected]'

# ---- 3. no Lua error anywhere ----
check "no Lua error in either capture" \
	[ "$(ws "$cap" -Y '_ws.lua.error' | wc -l)" -eq 0 -a \
	  "$(ws "$rep" -Y '_ws.lua.error' | wc -l)" -eq 0 ]

finish
