#!/bin/sh
# requests.sh - requests.csv (doc/outputs.md, "requests.csv"): one row per
# content request, from the clients of both approaches.
#
# Decoupled: tests/scenarios/data/requests-decoupled.xml, the network of
# scenarios/decoupled/e2e.xml with a request for each outcome (complete,
# refused, no_answer, not_found, pending).  Coupled: scenarios/curling-
# clients.xml with six requesters spread over 300 ms (joins and repairs),
# run whole and cut at 1.2 s; curling-unknown-content.xml (not_found).
# Each row is checked against the log of the same run, its counters and,
# with tshark, the captures: the first and last content bytes at the
# client (the first chunk at the client's CAFE after the Configure that
# names its port).  Then the order of the rows, the same file with the
# heap scheduler, the delivery-time CDF of `cometsim plot`, and no file
# for a run without clients.
. "${top_srcdir:-.}/tests/scenarios/lib.sh"

lua="$top_srcdir/output/wireshark/cometsim.lua"

# ns TIME: seconds with 9 decimals as integer nanoseconds ("" stays "").
ns() {
	case $1 in
	"") echo "" ;;
	*) awk -v t="$1" 'BEGIN { split(t, p, "."); printf "%.0f\n", p[1] * 1000000000 + p[2] }' ;;
	esac
}
# since FROM TO: TO - FROM, both seconds with 9 decimals, in nanoseconds.
since() {
	echo $(($(ns "$2") - $(ns "$1")))
}
# col FILE CLIENT COLUMN: the column (by its header name) of CLIENT's row.
col() {
	awk -F, -v c="$2" -v k="$3" 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
		$2 == c { print $h[k]; exit }' "$1"
}
# coln FILE CLIENT COLUMN: that column, a time, in nanoseconds.
coln() {
	ns "$(col "$1" "$2" "$3")"
}
# rows FILE CLIENT: how many rows CLIENT has.
rows() {
	awk -F, -v c="$2" 'NR > 1 && $2 == c { n++ } END { print n + 0 }' "$1"
}
# logt LOG NODE PATTERN: the time of NODE's first log line matching PATTERN (ERE).
logt() {
	awk -v n="$2" -v p="$3" '$2 == n && $0 ~ p { print $1; exit }' "$1"
}
# logf LOG NODE PATTERN FIELD: field FIELD of that line.
logf() {
	awk -v n="$2" -v p="$3" -v f="$4" '$2 == n && $0 ~ p { print $f; exit }' "$1"
}
# tt FILE FILTER first|last: the time of the first or last frame matching FILTER.
tt() {
	tshark_read "$1" -Y "$2" -T fields -e frame.time_epoch | sed -n "$3"
}
# sorted FILE: the rows are in (time, node, port, content) order.
sorted() {
	tail -n +2 "$1" | awk -F, '{ split($2, c, ":"); split($1, t, ".");
		printf "%012d%09d %s %05d %s\n", t[1], t[2], c[1], c[2], $3 }' >"$T/keys"
	LC_ALL=C sort -c "$T/keys"
}

# ---- decoupled ----
d="$T/dec"
"$COMETSIM" run "$top_srcdir/tests/scenarios/data/requests-decoupled.xml" \
	--set "dir=$top_srcdir/scenarios/decoupled" --out "$d" --quiet ||
	fail "requests-decoupled.xml exited $?"
f="$d/requests.csv"
log="$d/log.txt"
check "decoupled: the header" [ "$(head -n 1 "$f")" = \
	"time,client,content,approach,server,as_path,path_len,first_byte,completion,bytes,size,outcome" ]
check "decoupled: one row per client started, seven" [ "$(tail -n +2 "$f" | wc -l)" -eq 7 ]
for c in cli1:5001 cli2:5002 cli1:5006 cli2:5003 cli2:5004 cli2:5007 cli1:5005; do
	check "decoupled: $c has one row" [ "$(rows "$f" "$c")" -eq 1 ]
	check "decoupled: $c is decoupled" [ "$(col "$f" "$c" approach)" = decoupled ]
done
check "decoupled: every row has a client's start line at its time" \
	[ "$(grep -c 'cme_client.*INFO: \(asking the CME\|fetching\)' "$log")" -eq 7 ]
for c in cli1:5001 cli2:5002 cli1:5006 cli2:5003 cli2:5004 cli1:5005; do
	node=${c%:*}
	port=${c#*:}
	check "decoupled: $c's time is its first request's in the log" [ "$(col "$f" "$c" time)" = \
		"$(logt "$log" "$node" "asking the CME .*port $port\\)")" ]
done
check "decoupled: cli2:5007's time is its direct fetch's in the log" [ "$(col "$f" cli2:5007 time)" = \
	"$(logt "$log" cli2 'fetching nothing directly from 10.1.1.2:8080')" ]

# The two complete transfers: the reply and the end of transfer in the
# log, the first and last data segments in the client's capture.
for c in cli1:5001 cli2:5002; do
	node=${c%:*}
	port=${c#*:}
	inst=$(logf "$log" "$node" "asking the CME .*port $port\\)" 3)
	acc=$(grep " $node $inst INFO: accepted: " "$log")
	server=$(printf '%s\n' "$acc" | sed 's/.*accepted: server \([^ ]*\) .*/\1/')
	sas=$(printf '%s\n' "$acc" | sed 's/.* (AS \([0-9]*\)).*/\1/')
	path=$(printf '%s\n' "$acc" | sed 's/.*, AS path \([0-9 ]*\), keys.*/\1/')
	size=$(printf '%s\n' "$acc" | sed 's/.*), \([0-9]*\) bytes, stream.*/\1/')
	got=$(grep " $node $inst INFO: received " "$log" | sed 's/.*received \([0-9]*\) bytes.*/\1/')
	t0=$(col "$f" "$c" time)
	pc="$d/$node-eth0.pcap"
	data="tcp.srcport == 8080 && tcp.dstport == $port && tcp.len > 0"
	check "decoupled: $c complete" [ "$(col "$f" "$c" outcome)" = complete ]
	check "decoupled: $c's log says complete" grep -q " $node $inst INFO: received .*: complete " "$log"
	check "decoupled: $c's server is the reply's" [ "$(col "$f" "$c" server)" = "$server" ]
	check "decoupled: $c's path is the server's AS and the reply's" \
		[ "$(col "$f" "$c" as_path)" = "$sas $path" ]
	check "decoupled: $c's path length is the reply's ASes" \
		[ "$(col "$f" "$c" path_len)" -eq "$(echo "$path" | wc -w)" ]
	check "decoupled: $c's size is the reply's" [ "$(col "$f" "$c" size)" = "$size" ]
	check "decoupled: $c's bytes are those received" [ "$(col "$f" "$c" bytes)" = "$got" ]
	check "decoupled: $c's first byte is its first data segment (tshark)" \
		[ "$(coln "$f" "$c" first_byte)" -eq "$(since "$t0" "$(tt "$pc" "$data" 1p)")" ]
	check "decoupled: $c's completion is its last data segment (tshark)" \
		[ "$(coln "$f" "$c" completion)" -eq "$(since "$t0" "$(tt "$pc" "$data" '$p')")" ]
	check "decoupled: $c's first_byte_ns counter" [ "$(coln "$f" "$c" first_byte)" -eq \
		"$(counter "$d/counters.csv" cme_client "$node/${inst#*/}" first_byte_ns)" ]
	check "decoupled: $c's completion_ns counter" [ "$(coln "$f" "$c" completion)" -eq \
		"$(counter "$d/counters.csv" cme_client "$node/${inst#*/}" completion_ns)" ]
done
check "decoupled: no bad frame at cli1" [ -z "$(pcap_bad "$d/cli1-eth0.pcap")" ]

# Refused (an unknown content), no answer, not found, pending.
for c in cli1:5006 cli2:5003; do
	node=${c%:*}
	inst=$(logf "$log" "$node" "asking the CME .*port ${c#*:}\\)" 3)
	check "decoupled: $c refused" [ "$(col "$f" "$c" outcome)" = refused ]
	check "decoupled: $c's log says refused" grep -q " $node $inst WARN: refused: unknown content" "$log"
	check "decoupled: $c has no server" [ -z "$(col "$f" "$c" server)" ]
	check "decoupled: $c has no path" [ -z "$(col "$f" "$c" as_path)" ]
	check "decoupled: $c has no path length" [ -z "$(col "$f" "$c" path_len)" ]
	check "decoupled: $c has no first byte" [ -z "$(col "$f" "$c" first_byte)" ]
	check "decoupled: $c has no completion" [ -z "$(col "$f" "$c" completion)" ]
	check "decoupled: $c has no bytes" [ "$(col "$f" "$c" bytes)" = 0 ]
	check "decoupled: $c has no size" [ -z "$(col "$f" "$c" size)" ]
done
check "decoupled: cli2:5004 no_answer" [ "$(col "$f" cli2:5004 outcome)" = no_answer ]
check "decoupled: cli2:5004's log says so" \
	grep -q 'cli2 cme_client/cme_client4 WARN: no answer from the CME' "$log"
check "decoupled: cli2:5007 not_found" [ "$(col "$f" cli2:5007 outcome)" = not_found ]
check "decoupled: cli2:5007's server said so" \
	grep -q 'cli2 cme_client/cme_client5 WARN: .*the server said "ERR unknown content nothing"' "$log"
check "decoupled: cli2:5007's ERR line is no content byte" [ "$(col "$f" cli2:5007 bytes)" = 0 ]
check "decoupled: cli2:5007's ERR line is no first byte" [ -z "$(col "$f" cli2:5007 first_byte)" ]
check "decoupled: cli2:5007's server is its server=" \
	[ "$(col "$f" cli2:5007 server)" = 10.1.1.2:8080 ]
check "decoupled: cli2:5007's size is its size=" [ "$(col "$f" cli2:5007 size)" = 10 ]
c=cli1:5005
inst=$(logf "$log" cli1 "asking the CME .*port 5005\\)" 3)
check "decoupled: cli1:5005 pending at the end" [ "$(col "$f" "$c" outcome)" = pending ]
check "decoupled: cli1:5005 aborted when the run ended" \
	grep -q "^16.000000000 cli1 $inst WARN: received .*incomplete (connection closed: aborted)" "$log"
check "decoupled: cli1:5005's bytes are those it had" [ "$(col "$f" "$c" bytes)" = \
	"$(grep " cli1 $inst WARN: received" "$log" | sed 's/.*received \([0-9]*\) bytes.*/\1/')" ]
check "decoupled: cli1:5005 has no completion" [ -z "$(col "$f" "$c" completion)" ]
t5005=$(tt "$d/cli1-eth0.pcap" 'tcp.srcport == 8080 && tcp.dstport == 5005 && tcp.len > 0' 1p)
check "decoupled: cli1:5005's first byte is its first data segment (tshark)" \
	[ "$(coln "$f" "$c" first_byte)" -eq "$(since "$(col "$f" "$c" time)" "$t5005")" ]
check "decoupled: the rows are sorted" sorted "$f"
check "decoupled: two requests at 11 s, the script's second first (cli1 < cli2)" \
	[ "$(awk -F, '$1 == "11.000000000" { printf "%s ", $2 }' "$f")" = "cli1:5006 cli2:5003 " ]

"$COMETSIM" plot --cdf completion --by approach "$f" --out "$d/plots" >/dev/null ||
	fail "plot --cdf completion exited $?"
check "decoupled: the delivery-time CDF has the two complete requests" \
	[ "$(grep -c '^[0-9]' "$d/plots/cdf-completion.dat")" -eq 2 ]

h="$T/dec-heap"
"$COMETSIM" run "$top_srcdir/tests/scenarios/data/requests-decoupled.xml" --scheduler heap \
	--set "dir=$top_srcdir/scenarios/decoupled" --out "$h" --quiet --pcap none ||
	fail "requests-decoupled.xml --scheduler heap exited $?"
check "decoupled: the heap scheduler writes the same file" cmp -s "$f" "$h/requests.csv"

# ---- coupled: six requesters over 300 ms ----
cc="$top_srcdir/scenarios/curling-clients.xml"
k="$T/cpl"
"$COMETSIM" run "$cc" --set clients=6 --set spread=300ms --seed 1 --out "$k" --quiet \
	--pcap 5.3 || fail "curling-clients.xml exited $?"
f="$k/requests.csv"
log="$k/log.txt"
check "coupled: one row per requester, six" [ "$(tail -n +2 "$f" | wc -l)" -eq 6 ]
# The 5.3 captures, one file, with the dissector's fields.
cat53() {
	for p in "$k"/5.3-eth*.pcap; do
		"$TSHARK" -n -r "$p" -X "lua_script:$lua" -Y "$1" -T fields \
			-e frame.time_epoch -e curling.src -e curling.src_port 2>/dev/null
	done | sort -n
}
# Checksums and framing, with the dissector (tshark would read port 3000 as DIS).
clean() {
	tshark_read "$1" -X "lua_script:$lua" --disable-protocol dis -Y 'ip.checksum.status == "Bad" ||
		udp.checksum.status == "Bad" || _ws.malformed || _ws.expert.severity == "Error"' | wc -l
}
for p in "$k"/5.3-eth*.pcap; do
	check "coupled: no bad frame in $(basename "$p")" [ "$(clean "$p")" -eq 0 ]
done
chunks='curling.type == 10 && ip.dst == 10.0.5.3 && udp.dstport == 2000'
for port in 1000 1001 1002 1003 1004 1005; do
	c=5.3:$port
	t0=$(col "$f" "$c" time)
	cfg=$(cat53 "curling.type == 3 && curling.hop_port == $port && ip.dst == 10.0.5.3" |
		sed -n '1s/\t.*//p')
	first=$(cat53 "$chunks" | awk -v t="$cfg" '$1 >= t { print; exit }')
	check "coupled: $c has one row" [ "$(rows "$f" "$c")" -eq 1 ]
	check "coupled: $c is coupled" [ "$(col "$f" "$c" approach)" = coupled ]
	check "coupled: $c's time is its first Consume's in the log" \
		[ "$t0" = "$(logt "$log" 5.3 "INFO: CC $port: Consume for MyContent1 sent")" ]
	check "coupled: $c complete" [ "$(col "$f" "$c" outcome)" = complete ]
	saved=$(logt "$log" 5.3 "CC: Content MyContent1 received and saved to: ./Content/5.3 $port/")
	check "coupled: $c's completion is its saved line in the log" \
		[ "$(coln "$f" "$c" completion)" -eq "$(since "$t0" "$saved")" ]
	check "coupled: $c's completion is its delay_ns counter" [ "$(coln "$f" "$c" completion)" -eq \
		"$(counter "$k/counters.csv" cclient 5.3/cclient0 "$port.delay_ns")" ]
	check "coupled: $c's first byte is the first chunk after its Configure (tshark)" \
		[ "$(coln "$f" "$c" first_byte)" -eq "$(since "$t0" "${first%%	*}")" ]
	check "coupled: $c's first byte is its first_byte_ns counter" [ "$(coln "$f" "$c" first_byte)" -eq \
		"$(counter "$k/counters.csv" cclient 5.3/cclient0 "$port.first_byte_ns")" ]
	check "coupled: $c's server is the source its chunks name (tshark)" \
		[ "$(col "$f" "$c" server)" = "$(echo "$first" | awk '{ print $2 ":" $3 }')" ]
	check "coupled: $c's bytes are its counter's" [ "$(col "$f" "$c" bytes)" = \
		"$(counter "$k/counters.csv" cclient 5.3/cclient0 "$port.bytes")" ]
	check "coupled: $c's size is the reply's" [ "$(col "$f" "$c" size)" = \
		"$(logf "$log" 5.3 "INFO: CC $port: Consume for MyContent1 accepted" 11)" ]
	check "coupled: $c has no path (the protocol gives the client none)" \
		[ -z "$(col "$f" "$c" as_path)" ]
	check "coupled: $c has no path length" [ -z "$(col "$f" "$c" path_len)" ]
done
check "coupled: the rows are sorted" sorted "$f"
check "coupled: in the order the requesters asked, not their ports" \
	[ "$(tail -n +2 "$f" | cut -d, -f2 | tr '\n' ' ')" != \
	  "5.3:1000 5.3:1001 5.3:1002 5.3:1003 5.3:1004 5.3:1005 " ]
check "coupled: the instance's first_byte_ns is the mean of its requesters'" \
	[ "$(counter "$k/counters.csv" cclient 5.3/cclient0 first_byte_ns)" -eq \
	  "$(awk -F, 'NR > 1 { split($8, p, "."); s += p[1] * 1000000000 + p[2] }
		END { printf "%.0f", int(s / 6) }' "$f")" ]
h="$T/cpl-heap"
"$COMETSIM" run "$cc" --set clients=6 --set spread=300ms --seed 1 --out "$h" --quiet \
	--pcap none --scheduler heap || fail "curling-clients.xml --scheduler heap exited $?"
check "coupled: the heap scheduler writes the same file" cmp -s "$f" "$h/requests.csv"

# Cut at 1.2 s: those that asked are pending, those whose time had not come have no row.
x="$T/cut"
"$COMETSIM" run "$cc" --set clients=6 --set spread=300ms --seed 1 --set end_time=1.2s \
	--out "$x" --quiet --pcap none || fail "curling-clients.xml end_time=1.2s exited $?"
f="$x/requests.csv"
asked=$(grep -c 'INFO: CC 10[0-9][0-9]: Consume for MyContent1 sent' "$x/log.txt")
check "cut: a row for each requester that asked" [ "$(tail -n +2 "$f" | wc -l)" -eq "$asked" ]
check "cut: some had not asked" [ "$asked" -lt 6 ]
check "cut: the rows of those that asked are the whole run's" \
	[ "$(tail -n +2 "$f" | cut -d, -f1-8)" = \
	  "$(tail -n +2 "$k/requests.csv" | cut -d, -f1-8 | head -n "$asked")" ]
check "cut: two pending, as the log says at the end" [ "$(grep -c ',pending$' "$f")" -eq \
	"$(grep -c '^1.200000000 5.3 .*: receiving when the run ended' "$x/log.txt")" ]
check "cut: ... two of them" [ "$(grep -c ',pending$' "$f")" -eq 2 ]
check "cut: pending rows have no completion" \
	[ -z "$(awk -F, '$12 == "pending" && $9 != ""' "$f")" ]

# A content no CRME knows.
u="$T/unknown"
"$COMETSIM" run "$top_srcdir/tests/scenarios/data/curling-unknown-content.xml" --out "$u" \
	--quiet --pcap none || fail "curling-unknown-content.xml exited $?"
check "coupled: an unknown content is not_found" \
	[ "$(tail -n +2 "$u/requests.csv")" = "1.000000000,2.2:1000,Nope,coupled,,,,,,0,,not_found" ]
check "coupled: the log says so" grep -q 'CC: Content Nope refused: not found' "$u/log.txt"

# ---- no client, no file ----
n="$T/none"
"$COMETSIM" run "$top_srcdir/scenarios/sample.xml" --out "$n" --quiet --pcap none ||
	fail "sample.xml exited $?"
check "no client: no requests.csv" [ ! -e "$n/requests.csv" ]
check "no client: the run is whole" [ -s "$n/summary.json" ]

finish
