#!/bin/sh
# curling_coldarp.sh - the first flow over cold neighbour caches
# (doc/curling.md section 7.6), on scenarios/curling-topology1.xml.
# With the default arp_queue (212992 bytes) nothing is lost to ARP: with
# 10 ms links the five cold hops hold the chunks and send them on in a
# burst, and at the last one, 4.2, the 1 MB flow's burst overflows the
# 100 frames of the link to 4.3 (queue_full), for exactly the chunks the
# client asks again for, 200 ms after the last one; 100 kB fits.  With
# arp_queue="16p", the chunks beyond the 16 a neighbour entry holds are
# lost (no_arp) and nowhere else; the client asks again for exactly
# those; with the last chunk lost (100 kB) it notices only after `stall`
# (2 s), with the last chunk in (1 MB) 200 ms after it, which is why
# 100 kB then takes longer than 1 MB.  With 1 ms links nothing is lost.
. "${top_srcdir:-.}/tests/scenarios/lib.sh"

sc="$top_srcdir/scenarios/curling-topology1.xml"

# run NAME SIZE DELAY [ARGS...]
run() {
	name=$1 size=$2 delay=$3
	shift 3
	"$COMETSIM" run "$sc" --set size="$size" --set linkdefaults.delay="$delay" "$@" \
		--out "$T/$name" --quiet --pcap none || fail "$name exited $?"
}
drops() {
	awk -F, -v r="$2" '$3 == "drop_" r { s += $4 } END { print s + 0 }' "$T/$1/counters.csv"
}
# all_drops NAME: every drop of the run, whatever its reason.
all_drops() {
	awk -F, '$3 ~ /^drop_/ { s += $4 } END { print s + 0 }' "$T/$1/counters.csv"
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
complete() {
	check "$1: complete" [ "$(cstat "$1" complete)" -eq 1 ]
	check "$1: the server's bytes" \
		cmp -s "$T/$1/Content/5.3 1000/MyContent1" "$T/$1/Content/4.3 1000/MyContent1"
}

# ---- the default arp_queue ----
for d in 1ms 10ms; do
	for s in 100000 1000000; do
		run "$s-$d" "$s" "$d"
		complete "$s-$d"
		check "$s bytes, $d: nothing lost to ARP" [ "$(drops "$s-$d" no_arp)" -eq 0 ]
	done
done
for s in 100000 1000000; do
	check "$s bytes, 1ms: no drop at all" [ "$(all_drops "$s-1ms")" -eq 0 ]
	check "$s bytes, 1ms: no repair" [ "$(cstat "$s-1ms" repairs)" -eq 0 ]
done
check "100000 bytes, 10ms: no drop at all" [ "$(all_drops 100000-10ms)" -eq 0 ]
check "100000 bytes, 10ms: no repair" [ "$(cstat 100000-10ms repairs)" -eq 0 ]
m=1000000-10ms
n=$(counter "$T/$m/counters.csv" link 4.2:eth1-4.3:eth1 drop_queue_full)
set -- $(asked "$m")
check "1000000 bytes, 10ms: $n chunks lost in the queue of the link 4.2-4.3" [ "$n" -gt 0 ]
check "1000000 bytes, 10ms: one repair" [ "$(cstat "$m" repairs)" -eq 1 ]
check "1000000 bytes, 10ms: the repair asks for chunks $1-$2, the $n lost" \
	[ $(($2 - $1 + 1)) -eq "$n" ]
check "1000000 bytes, 10ms: the link sent one chunk and queued 100 before it dropped ($1)" \
	[ "$1" -eq 101 ]
check "1000000 bytes, 10ms: no other loss of a chunk" \
	[ "$(all_drops "$m")" -eq $((n + $(drops "$m" curling_unexpected))) ]
check "1000000 bytes, 10ms: the repair's reply after its teardown, at CRME 1.1" \
	[ "$(counter "$T/$m/counters.csv" crme 1.1 drop_curling_unexpected)" -eq 1 ]
sent=$(t "$m" 'CS 5.3: Content MyContent1 sent to 4.3:1000: 977 chunks')
rep=$(t "$m" 'asking again')
check "1000000 bytes, 10ms: the repair 200 ms after the last chunk ($sent s -> $rep s)" \
	awk -v a="$sent" -v b="$rep" 'BEGIN { exit !(b - a > 0.2 && b - a < 0.4) }'
check "10ms: 100 kB takes less than 1 MB ($(cstat 100000-10ms delay_ns) ns, $(cstat "$m" delay_ns) ns)" \
	[ "$(cstat 100000-10ms delay_ns)" -lt "$(cstat "$m" delay_ns)" ]

# ---- arp_queue="16p" ----
for s in 100000 1000000; do
	q="$s-10ms-16p"
	run "$q" "$s" 10ms --set arp_queue=16p
	complete "$q"
	check "$q: no drop but no_arp" [ "$(other_drops "$q")" -eq 0 ]
	n=$(drops "$q" no_arp)
	set -- $(asked "$q")
	check "$q: $n chunks lost to ARP" [ "$n" -gt 0 ]
	check "$q: one repair" [ "$(cstat "$q" repairs)" -eq 1 ]
	check "$q: the repair asks for chunks $1-$2, those" [ $(($2 - $1 + 1)) -eq "$n" ]
	check "$q: the 16 chunks the first neighbour entries held came through" [ "$1" -eq 16 ]
done
# 100 kB: the last chunk is among those lost; the client waits for stall.
q=100000-10ms-16p
sent=$(t "$q" 'CS 5.3: Content MyContent1 sent to 4.3:1000: 98 chunks')
rep=$(t "$q" 'asking again')
check "$q: the last chunk lost, the repair after stall ($sent s -> $rep s)" \
	awk -v a="$sent" -v b="$rep" 'BEGIN { exit !(b - a > 2 && b - a < 2.2) }'
q=1000000-10ms-16p
sent=$(t "$q" 'CS 5.3: Content MyContent1 sent to 4.3:1000: 977 chunks')
rep=$(t "$q" 'asking again')
check "$q: the last chunk in, the repair 200 ms after it ($sent s -> $rep s)" \
	awk -v a="$sent" -v b="$rep" 'BEGIN { exit !(b - a > 0.2 && b - a < 0.4) }'
check "10ms, 16p: so 100 kB takes longer than 1 MB ($(cstat 100000-10ms-16p delay_ns) ns, $(cstat 1000000-10ms-16p delay_ns) ns)" \
	[ "$(cstat 100000-10ms-16p delay_ns)" -gt "$(cstat 1000000-10ms-16p delay_ns)" ]

finish
