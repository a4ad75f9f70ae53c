#!/bin/sh
# echo.sh - the template entity's scenario test (scenarios/echo.xml,
# doc/echo.md), read back from counters.csv, the log and, through tshark
# with the family's dissector (entities/echo/cometsim-echo.lua), the
# captures:
#
# 1. every request is answered; the round trips are the link model's:
#    each way a 60-byte frame at 10 Mbit/s (48 us) and 5 ms, the first
#    one twice for ARP;
# 2. tshark decodes every request and reply field by field: sequence
#    numbers from 0, one request every interval, each reply carrying its
#    request's time; the two datagrams that are no echo message are
#    malformed for the dissector and for the counters, for the same
#    reason, and are not answered;
# 3. parameters reach the entity (--set count=, interval=);
# 4. bad arguments and a peer no node has are refused at load time with
#    the file and line of the <app>.
. "${top_srcdir:-.}/tests/scenarios/lib.sh"

scn="$top_srcdir/scenarios/echo.xml"
lua="$top_srcdir/entities/echo/cometsim-echo.lua"

# ws FILE ARGS...: tshark with the echo's dissector.
ws() {
	f=$1
	shift
	"$TSHARK" -X "lua_script:$lua" -n -r "$f" "$@" 2>/dev/null
}

out="$T/run"
"$COMETSIM" run "$scn" --out "$out" --quiet || fail "cometsim run exited $?"
c="$out/counters.csv"
check "the run completed" [ "$(json_get "$out/summary.json" status)" = complete ]
for f in "$out"/*.pcap; do
	check "$(basename "$f"): no bad checksum, no malformed frame (without the dissector)" \
		[ "$(pcap_bad "$f" | wc -l)" -eq 0 ]
done

# ---- 1. requests, replies, round trips ----
one_way=$((48000 + 5000000))
check "a sent 5 requests" [ "$(counter "$c" echo a/echo1 requests_sent)" -eq 5 ]
check "a received 5 replies" [ "$(counter "$c" echo a/echo1 replies_received)" -eq 5 ]
check "b received 5 requests" [ "$(counter "$c" echo b/echo0 requests_received)" -eq 5 ]
check "b sent 5 replies" [ "$(counter "$c" echo b/echo0 replies_sent)" -eq 5 ]
check "no reply was unexpected" [ "$(counter "$c" echo a/echo1 unexpected)" -eq 0 ]
check "the shortest round trip is two ways ($((2 * one_way)) ns)" \
	[ "$(counter "$c" echo a/echo1 rtt_min_ns)" -eq $((2 * one_way)) ]
check "the first, longest, waits for ARP: four ways ($((4 * one_way)) ns)" \
	[ "$(counter "$c" echo a/echo1 rtt_max_ns)" -eq $((4 * one_way)) ]
check "the average is one of four ways and four of two" \
	[ "$(counter "$c" echo a/echo1 rtt_avg_ns)" -eq $(((4 + 4 * 2) * one_way / 5)) ]
check "a's report in the log" grep -q \
	"^1\.[0-9]* a echo/echo1 INFO: 5 requests sent, 5 replies, round trip min/avg/max 10096000/12115200/20192000 ns$" \
	"$out/log.txt"

# ---- 2. the captures, decoded by the family's dissector ----
"$TSHARK" -G fields -X "lua_script:$lua" 2>/dev/null >"$T/fields"
for fld in magic:FT_UINT16 version:FT_UINT8 type:FT_UINT8 sequence:FT_UINT32 \
	time:FT_UINT64 reason:FT_STRING; do
	name=csecho.${fld%%:*}
	check "tshark -G fields lists $name (${fld#*:})" \
		grep -qP "^F\t[^\t]*\t\Q$name\E\t${fld#*:}\tcsecho\t" "$T/fields"
done
cap="$out/b-eth0.pcap"
check "tshark: 5 requests from a to b's port 7007" \
	[ "$(ws "$cap" -Y 'csecho.type == 1 && ip.src == 10.0.0.1 && udp.dstport == 7007' | wc -l)" -eq 5 ]
check "tshark: 5 replies from b's port 7007 back to a's" \
	[ "$(ws "$cap" -Y 'csecho.type == 2 && ip.src == 10.0.0.2 && udp.srcport == 7007 && udp.dstport == 7007' | wc -l)" -eq 5 ]
seqs=$(ws "$cap" -Y 'csecho.type == 1' -T fields -e csecho.sequence | tr '\n' ' ')
check "tshark: the requests are numbered from 0 ($seqs)" [ "$seqs" = "0 1 2 3 4 " ]
times=$(ws "$cap" -Y 'csecho.type == 1' -T fields -e csecho.time | tr '\n' ' ')
check "tshark: one request every 100 ms from 100 ms ($times)" \
	[ "$times" = "100000000 200000000 300000000 400000000 500000000 " ]
ws "$cap" -Y 'csecho.type == 1' -T fields -e csecho.sequence -e csecho.time >"$T/req"
ws "$cap" -Y 'csecho.type == 2' -T fields -e csecho.sequence -e csecho.time >"$T/rep"
check "tshark: each reply carries its request's sequence number and time" cmp -s "$T/req" "$T/rep"
check "tshark: every message has magic 0x4543 and version 1" \
	[ "$(ws "$cap" -Y 'csecho.magic == 0x4543 && csecho.version == 1' | wc -l)" -eq 10 ]
bad=$(ws "$cap" -Y 'csecho.reason' -T fields -e csecho.reason | tr '\n' ' ')
check "tshark: the two datagrams of Send are malformed: length ($bad)" [ "$bad" = "length length " ]
check "tshark: ... as an expert error" \
	[ "$(ws "$cap" -Y '_ws.expert.message == "Not an echo message: length"' | wc -l)" -eq 2 ]
check "b counted them as malformed_length" [ "$(counter "$c" echo b/echo0 malformed_length)" -eq 2 ]
check "and answered neither: nothing leaves b after 1 s" \
	[ "$(ws "$cap" -Y 'ip.src == 10.0.0.2 && frame.time_epoch > 0.9' | wc -l)" -eq 0 ]
check "tshark -o csecho.port:7008: nothing is an echo message on 7007 then" \
	[ "$(ws "$cap" -o csecho.port:7008 -Y csecho | wc -l)" -eq 0 ]
check "no Lua error" [ "$(ws "$cap" -V | grep -c 'Lua Error')" -eq 0 ]

# ---- 3. parameters ----
o2="$T/set"
"$COMETSIM" run "$scn" --out "$o2" --quiet --set count=3 --set interval=250ms ||
	fail "cometsim run with --set exited $?"
check "--set count=3: 3 replies" [ "$(counter "$o2/counters.csv" echo a/echo1 replies_received)" -eq 3 ]
times=$(ws "$o2/b-eth0.pcap" -Y 'csecho.type == 1' -T fields -e csecho.time | tr '\n' ' ')
check "--set interval=250ms: requests at 100, 350 and 600 ms ($times)" \
	[ "$times" = "100000000 350000000 600000000 " ]

# ---- 4. refused at load time ----
line=$(grep -n 'peer=${peer}' "$scn" | cut -d: -f1)
"$COMETSIM" check "$scn" --set peer=10.0.0.9 >/dev/null 2>"$T/err"
check "a peer no node has: exit 1" [ $? -eq 1 ]
check "... with the file, the line and the address" grep -q \
	"echo.xml:$line: usr.echo.Echo: no node of the scenario has the peer's address 10.0.0.9" "$T/err"
"$COMETSIM" check "$scn" --set count=0 >/dev/null 2>"$T/err"
check "count=0: exit 1" [ $? -eq 1 ]
check "... count \"0\": too small, with the file and line" grep -q \
	"echo.xml:$line: usr.echo.Echo: count \"0\": too small (at least 1)" "$T/err"
"$COMETSIM" check "$scn" --set peer=b >/dev/null 2>"$T/err"
check "peer=b (a node name, not an address): exit 1" [ $? -eq 1 ]
check "... the message says what a peer must be" grep -q \
	"echo.xml:$line: usr.echo.Echo: peer \"b\" is not an IPv4 or IPv6 address" "$T/err"

finish
