#!/bin/sh
# curling_coldarp.sh - the first flow over cold neighbour caches
# (doc/curling.md section 7.6), on scenarios/curling-topology1.xml with
# 10 ms links: the chunks that reach a CAFE hop no message has crossed
# yet while its ARP request is out, beyond the 16 the neighbour entry
# holds, are lost (no_arp) and nowhere else; the client asks again for
# exactly those; with the last chunk lost (100 kB) it notices only after
# `stall` (2 s), with the last chunk in (1 MB) 200 ms after it, which is
# why 100 kB takes longer than 1 MB.  With 1 ms links nothing is lost.
. "${top_srcdir:-.}/tests/scenarios/lib.sh"

sc="$top_srcdir/scenarios/curling-topology1.xml"

# run NAME SIZE DELAY
run() {
	"$COMETSIM" run "$sc" --set size="$2" --set linkdefaults.delay="$3" --out "$T/$1" \
		--quiet --pcap none || fail "$1 exited $?"
}
drops() {
	awk -F, -v r="$2" '$3 == "drop_" r { s += $4 } END { print s + 0 }' "$T/$1/counters.csv"
}
other_drops() {
	awk -F, '$3 ~ /^drop_/ && $3 != "drop_no_arp" { s += $4 } END { print s + 0 }' \
		"$T/$1/counters.csv"
}
cstat() {
	counter "$T/$1/counters.csv" cclient 4.3/cclient0 "$2"
}
# t NAME PATTERN: the virtual time of the first log line matching PATTERN.
t() {
	grep -m 1 "$2" "$T/$1/log.txt" | cut -d' ' -f1
}
# asked NAME: the range the client asked again for, "FIRST LAST".
asked() {
	sed -n 's/.*CC: Content MyContent1: .* asking again for chunks \([0-9]*\)-\([0-9]*\)$/\1 \2/p' \
		"$T/$1/log.txt"
}

for d in 1ms 10ms; do
	for s in 100000 1000000; do
		run "$s-$d" "$s" "$d"
		check "$s bytes, $d: complete, the server's bytes" eval \
			'[ "$(cstat "$s-$d" complete)" -eq 1 ] &&
			 cmp -s "$T/$s-$d/Content/5.3 1000/MyContent1" "$T/$s-$d/Content/4.3 1000/MyContent1"'
		check "$s bytes, $d: no drop but no_arp" [ "$(other_drops "$s-$d")" -eq 0 ]
	done
done
for s in 100000 1000000; do
	check "$s bytes, 1ms: nothing lost, no repair" \
		[ "$(drops "$s-1ms" no_arp) $(cstat "$s-1ms" repairs)" = "0 0" ]
	n=$(drops "$s-10ms" no_arp)
	set -- $(asked "$s-10ms")
	check "$s bytes, 10ms: $n chunks lost to ARP, one repair for chunks $1-$2, those" \
		[ "$n" -gt 0 -a "$(cstat "$s-10ms" repairs)" -eq 1 -a $(($2 - $1 + 1)) -eq "$n" ]
	check "$s bytes, 10ms: the 16 chunks the first neighbour entries held came through" \
		[ "$1" -eq 16 ]
done
# 100 kB: the last chunk is among those lost; the client waits for stall.
sent=$(t 100000-10ms 'CS 5.3: Content MyContent1 sent to 4.3:1000: 98 chunks')
rep=$(t 100000-10ms 'asking again')
check "100000 bytes, 10ms: the last chunk lost, the repair after stall ($sent s -> $rep s)" \
	awk -v a="$sent" -v b="$rep" 'BEGIN { exit !(b - a > 2 && b - a < 2.2) }'
sent=$(t 1000000-10ms 'CS 5.3: Content MyContent1 sent to 4.3:1000: 977 chunks')
rep=$(t 1000000-10ms 'asking again')
check "1000000 bytes, 10ms: the last chunk in, the repair 200 ms after it ($sent s -> $rep s)" \
	awk -v a="$sent" -v b="$rep" 'BEGIN { exit !(b - a > 0.2 && b - a < 0.4) }'
check "10ms: so 100 kB takes longer than 1 MB ($(cstat 100000-10ms delay_ns) ns, $(cstat 1000000-10ms delay_ns) ns)" \
	[ "$(cstat 100000-10ms delay_ns)" -gt "$(cstat 1000000-10ms delay_ns)" ]

finish
