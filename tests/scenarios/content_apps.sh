#!/bin/sh
# content_apps.sh - usr.cme.Client and usr.cme.Server without a CME
# (tests/scenarios/data/content-apps.xml, doc/content-apps.md), read back
# from the log, counters.csv and, through tshark, the captures:
#
# 1. a client whose CME does not answer sends its request 1 + retries
#    times, `timeout` apart, says so in a WARN line and ends (no_answer);
# 2. a client that fetches directly (server=, size=) gets every byte of
#    the content over one TCP connection from its port, as tshark sees it;
#    a GET for a content the server does not hold gets the ERR line;
# 3. a run that ends in the middle of a transfer or of the requests stops
#    both ends cleanly;
# 4. bad arguments are refused with a message naming them.
. "${top_srcdir:-.}/tests/scenarios/lib.sh"

scn="$top_srcdir/tests/scenarios/data/content-apps.xml"

out="$T/run"
"$COMETSIM" run "$scn" --out "$out" --quiet || fail "cometsim run exited $?"
c="$out/counters.csv"
log="$out/log.txt"
cap="$out/c-eth0.pcap"
check "the run completed" [ "$(json_get "$out/summary.json" status)" = complete ]
for f in "$out"/*.pcap; do
	check "$(basename "$f"): no bad checksum, no malformed frame" [ "$(pcap_bad "$f" | wc -l)" -eq 0 ]
done

# ---- 1. no answer ----
check "no CME: 4 requests sent (1 + retries=3), no reply, no_answer=1" \
	[ "$(counter "$c" cme_client c/cme_client0 requests_sent)" -eq 4 -a \
	  "$(counter "$c" cme_client c/cme_client0 replies)" -eq 0 -a \
	  "$(counter "$c" cme_client c/cme_client0 no_answer)" -eq 1 -a \
	  "$(counter "$c" cme_client c/cme_client0 accepted)" -eq 0 ]
check "no CME: tshark sees 4 requests to 10.2.0.2:9091 and nothing back" \
	[ "$(count "$cap" 'ip.dst == 10.2.0.2 && udp.dstport == 9091')" -eq 4 -a \
	  "$(count "$cap" 'udp.srcport == 9091')" -eq 0 ]
times=$(tshark_read "$cap" -Y 'udp.dstport == 9091' -T fields -e frame.time_epoch | tr '\n' ' ')
# Sent at 0.1, 1.1, 2.1 and 3.1 s; the first waits 4 ms for ARP at c and r.
check "no CME: the requests are sent 1 s apart from 0.1 s ($times)" \
	[ "$times" = "0.104009600 1.100000000 2.100000000 3.100000000 " ]
payloads=$(tshark_read "$cap" -Y 'udp.dstport == 9091' -T fields -e udp.payload | sort -u | wc -l)
check "no CME: every request carries the same bytes (same sequence)" [ "$payloads" -eq 1 ]
check "no CME: the WARN line after the last timeout" grep -q \
	"^4\.100000000 c cme_client/cme_client0 WARN: no answer from the CME 10.2.0.2:9091 after 4 requests$" \
	"$log"
check "no CME: s counted the 4 datagrams as port_unreachable" \
	[ "$(counter "$c" node s drop_port_unreachable)" -eq 4 ]

short="$T/short"
"$COMETSIM" run "$scn" --out "$short" --quiet --set retries=1 --set timeout=300ms ||
	fail "run with retries=1 exited $?"
check "retries=1 timeout=300ms: 2 requests, the WARN at 0.7 s" \
	[ "$(counter "$short/counters.csv" cme_client c/cme_client0 requests_sent)" -eq 2 -a \
	  "$(count "$short/c-eth0.pcap" 'udp.dstport == 9091')" -eq 2 ]
check "retries=1: the WARN names 2 requests" grep -q \
	"^0\.700000000 c cme_client/cme_client0 WARN: no answer from the CME 10.2.0.2:9091 after 2 requests$" \
	"$short/log.txt"

# ---- 2. direct fetch ----
size=1000000
check "direct: $size bytes received of $size expected, complete, no byte differs" \
	[ "$(counter "$c" cme_client c/cme_client1 bytes_received)" -eq $size -a \
	  "$(counter "$c" cme_client c/cme_client1 expected_bytes)" -eq $size -a \
	  "$(counter "$c" cme_client c/cme_client1 complete)" -eq 1 -a \
	  "$(counter "$c" cme_client c/cme_client1 content_errors)" -eq 0 ]
check "direct: no request to a CME, a transfer time" \
	[ "$(counter "$c" cme_client c/cme_client1 requests_sent)" -eq 0 -a \
	  "$(counter "$c" cme_client c/cme_client1 transfer_ns)" -gt 0 ]
check "direct: the INFO line" grep -q \
	"c cme_client/cme_client1 INFO: received $size bytes of $size in 0\.[0-9]* s from 10.2.0.2:8080: complete" \
	"$log"
check "server: 2 connections, 2 requests, 1 served, 1 unknown, $size bytes queued" \
	[ "$(counter "$c" cme_server s/cme_server0 connections)" -eq 2 -a \
	  "$(counter "$c" cme_server s/cme_server0 requests)" -eq 2 -a \
	  "$(counter "$c" cme_server s/cme_server0 served)" -eq 1 -a \
	  "$(counter "$c" cme_server s/cme_server0 unknown)" -eq 1 -a \
	  "$(counter "$c" cme_server s/cme_server0 bytes_queued)" -eq $size ]
stream='ip.addr == 10.2.0.2 && tcp.port == 5001 && tcp.port == 8080'
check "tshark: one connection from port 5001 to 8080 (one SYN, one SYN-ACK)" \
	[ "$(count "$cap" "$stream && tcp.flags.syn == 1")" -eq 2 ]
get=$(tshark_read "$cap" -Y "$stream && tcp.srcport == 5001 && tcp.len > 0" -T fields -e tcp.payload)
check "tshark: the client sends one segment, GET movie.bin\\n ($get)" \
	[ "$get" = "474554206d6f7669652e62696e0a" ]
sum=$(tshark_read "$cap" -Y "$stream && tcp.srcport == 8080" -T fields -e tcp.len |
	awk '{ s += $1 } END { print s + 0 }')
check "tshark: the server's segments carry $size bytes ($sum)" [ "$sum" -eq $size ]
first=$(tshark_read "$cap" -Y "$stream && tcp.srcport == 8080 && tcp.len > 0" -T fields \
	-e tcp.payload | head -n 1 | cut -c1-16)
check "tshark: the content starts with the pattern 05 12 1f 2c ... ($first)" \
	[ "$first" = "05121f2c39465360" ]
check "tshark: both sides close with FIN, no RST" \
	[ "$(count "$cap" "$stream && tcp.flags.fin == 1")" -eq 2 -a \
	  "$(count "$cap" "$stream && tcp.flags.reset == 1")" -eq 0 ]

check "unknown content: incomplete, 32 bytes (the ERR line)" \
	[ "$(counter "$c" cme_client c/cme_client2 complete)" -eq 0 -a \
	  "$(counter "$c" cme_client c/cme_client2 bytes_received)" -eq 32 ]
check "unknown content: the client quotes the server's ERR line" grep -q \
	"c cme_client/cme_client2 WARN: received 32 bytes of 100 .*incomplete.*the server said \"ERR unknown content missing.txt\"" \
	"$log"
err=$(tshark_read "$cap" -Y 'ipv6 && tcp.srcport == 8080 && tcp.len > 0' -T fields -e tcp.payload)
check "tshark: ERR unknown content missing.txt\\n over IPv6" \
	[ "$err" = "$(printf 'ERR unknown content missing.txt\n' | od -An -v -tx1 | tr -d ' \n')" ]

# ---- 3. the run ends in the middle ----
mid="$T/mid"
"$COMETSIM" run "$scn" --out "$mid" --quiet --end 180ms || fail "run ending at 180 ms exited $?"
mc="$mid/counters.csv"
check "cut short: the direct transfer is incomplete" \
	[ "$(counter "$mc" cme_client c/cme_client1 complete)" -eq 0 -a \
	  "$(counter "$mc" cme_client c/cme_client1 bytes_received)" -gt 0 -a \
	  "$(counter "$mc" cme_client c/cme_client1 bytes_received)" -lt $size ]
check "cut short: the client reports the aborted connection" grep -q \
	"c cme_client/cme_client1 WARN: received [0-9]* bytes of $size .*incomplete (connection closed: aborted)" \
	"$mid/log.txt"
check "cut short: the asking client reports its one request" grep -q \
	"c cme_client/cme_client0 WARN: stopped after 1 requests without an answer" "$mid/log.txt"
check "cut short: the server reports at stop" grep -q \
	"s cme_server/cme_server0 INFO: 1 connections, 1 requests: 1 served" "$mid/log.txt"

# ---- 4. bad arguments ----
# bad SET... EXPECTED: cometsim check refuses the scenario with a message.
bad() {
	want=$1
	shift
	msg=$("$COMETSIM" check "$scn" "$@" 2>&1)
	rc=$?
	check "bad $*: refused ($want)" [ $rc -ne 0 ]
	case $msg in
	*"$want"*) pass "bad $*: the message says so" ;;
	*) fail "bad $*: message [$msg]" ;;
	esac
}
bad 'timeout "0": too small (at least 1ns)' --set timeout=0
bad 'retries "x": not a whole number' --set retries=x
bad 'size of movie.bin "1Gb": unknown unit "Gb"' --set size=1Gb
# A scenario of its own for the other mistakes.
mk() {
	sed "s|args=\"- movie.bin server=10.2.0.2:8080 size=\${size}\"|args=\"$1\"|" "$scn" \
		>"$T/bad.xml"
	"$COMETSIM" check "$T/bad.xml" 2>&1
}
for t in \
	'10.2.0.2 movie.bin server=10.2.0.2:8080 size=5|write - as <cme-address>' \
	'- movie.bin server=10.2.0.2|is not ADDR:PORT' \
	'- movie.bin server=10.2.0.2:8080|server= needs size=N' \
	'10.2.0.2 movie.bin size=5|size= goes with server= only' \
	'10.9.9.9 movie.bin|no node of the scenario has the CME'"'"'s address 10.9.9.9' \
	'10.2.0.2|missing <content>' \
	'10.2.0.2 a b|unexpected argument "b"' \
	'10.2.0.2 movie.bin port=0|port "0": too small (at least 1)' \
	'10.2.0.2 movie.bin color=red|unknown option "color=red"' \
	'nowhere movie.bin|CME address "nowhere" is not an IPv4 or IPv6 address'; do
	a=${t%%|*}
	want=${t#*|}
	msg=$(mk "$a")
	case $msg in
	*"$want"*) pass "client \"$a\": $want" ;;
	*) fail "client \"$a\": message [$msg]" ;;
	esac
done
sed 's|args="8080 movie.bin=${size} clip=1k"|args="8080 clip=1 clip=2"|' "$scn" >"$T/bad.xml"
msg=$("$COMETSIM" check "$T/bad.xml" 2>&1)
case $msg in
*"content clip given twice"*) pass "server: a name given twice" ;;
*) fail "server twice: message [$msg]" ;;
esac
sed 's|args="8080 movie.bin=${size} clip=1k"|args="8080"|' "$scn" >"$T/bad.xml"
msg=$("$COMETSIM" check "$T/bad.xml" 2>&1)
case $msg in
*"missing <name>=<size>"*) pass "server: no content" ;;
*) fail "server without contents: message [$msg]" ;;
esac

finish
