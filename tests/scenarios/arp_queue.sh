#!/bin/sh
# arp_queue.sh - the run option arp_queue (doc/scenario-format.md), the
# packets a node holds for a neighbour it is still resolving: by default
# 212992 bytes of frames, so a burst of 208 1024-byte frames to a cold
# neighbour comes through whole and the 209th is dropped (no_arp); set
# in <run> and by --set, the later winning; a bad value refused with
# the file and line, or the override, that gave it.
. "${top_srcdir:-.}/tests/scenarios/lib.sh"

sc="$top_srcdir/tests/scenarios/data/arp-queue.xml"

# run NAME FILE ARGS...: run FILE with ARGS into $T/NAME.
run() {
	name=$1 file=$2
	shift 2
	"$COMETSIM" run "$file" "$@" --out "$T/$name" --quiet --pcap none ||
		fail "$name exited $?"
}
no_arp() {
	counter "$T/$1/counters.csv" node a drop_no_arp
}
received() {
	counter "$T/$1/counters.csv" recv b/recv0 received
}
sent() {
	counter "$T/$1/counters.csv" send a/send0 sent
}
other_drops() {
	awk -F, '$3 ~ /^drop_/ && $3 != "drop_no_arp" { s += $4 } END { print s + 0 }' \
		"$T/$1/counters.csv"
}

# ---- the default: 212992 bytes, Linux's unres_qlen_bytes ----
"$COMETSIM" params "$sc" >"$T/params" 2>&1
check "params: the default is 208KiB (212992 bytes)" grep -qxF 'arp_queue=208KiB' "$T/params"

run fits "$sc" --set count=208
check "208 frames of 1024 bytes: all sent ($(sent fits))" [ "$(sent fits)" -eq 208 ]
check "208 frames of 1024 bytes: none dropped at the neighbour entry" [ "$(no_arp fits)" -eq 0 ]
check "208 frames of 1024 bytes: all received ($(received fits))" [ "$(received fits)" -eq 208 ]
check "208 frames: no drop elsewhere" [ "$(other_drops fits)" -eq 0 ]

run over "$sc" --set count=209
check "209 frames: one dropped as no_arp ($(no_arp over))" [ "$(no_arp over)" -eq 1 ]
check "209 frames: 208 received ($(received over))" [ "$(received over)" -eq 208 ]
check "209 frames: no drop elsewhere" [ "$(other_drops over)" -eq 0 ]

# ---- <run arp_queue=...> and --set ----
line=$(grep -n '<run log="warn"/>' "$sc" | cut -d: -f1)
sed 's|<run log="warn"/>|<run log="warn" arp_queue="16p"/>|' "$sc" >"$T/q16.xml"
run file16 "$T/q16.xml" --set count=209
check "<run arp_queue=\"16p\"/>: 193 of 209 dropped ($(no_arp file16))" [ "$(no_arp file16)" -eq 193 ]
check "<run arp_queue=\"16p\"/>: 16 received ($(received file16))" [ "$(received file16)" -eq 16 ]

run set208 "$T/q16.xml" --set count=209 --set arp_queue=212992B
check "--set arp_queue=212992B over the file's 16p: one dropped ($(no_arp set208))" \
	[ "$(no_arp set208)" -eq 1 ]
run set4k "$sc" --set count=209 --set arp_queue=4KiB
check "--set arp_queue=4KiB: 4 frames held, 205 dropped ($(no_arp set4k))" \
	[ "$(no_arp set4k)" -eq 205 ]
run setboth "$sc" --set count=209 --set 'arp_queue=3p 4KiB'
check "--set arp_queue='3p 4KiB': the packet limit first, 206 dropped ($(no_arp setboth))" \
	[ "$(no_arp setboth)" -eq 206 ]
run setnone "$sc" --set count=209 --set arp_queue=none
check "--set arp_queue=none: nothing dropped ($(no_arp setnone))" [ "$(no_arp setnone)" -eq 0 ]
check "--set arp_queue=none: all 209 received ($(received setnone))" [ "$(received setnone)" -eq 209 ]
run last "$sc" --set count=209 --set arp_queue=none --set arp_queue=16p
check "the last --set wins: 193 dropped ($(no_arp last))" [ "$(no_arp last)" -eq 193 ]

"$COMETSIM" params "$T/q16.xml" --set 'arp_queue=3p,4KiB' >"$T/params" 2>&1
check "params: a value read back in canonical form" grep -qxF 'arp_queue=3p 4KiB' "$T/params"

# ---- bad values ----
# refused NAME PATTERN CMD...: exit 1, the message says PATTERN.
refused() {
	name=$1 pat=$2
	shift 2
	"$@" >/dev/null 2>"$T/err"
	rc=$?
	echo "$name: $(head -n 1 "$T/err")"
	check "$name: exit 1 (got $rc)" [ "$rc" -eq 1 ]
	check "$name: the place and what is wrong" grep -qF -- "$pat" "$T/err"
}
sed 's|<run log="warn"/>|<run log="warn" arp_queue="12XB"/>|' "$sc" >"$T/bad.xml"
refused "a unit that does not exist, in the file" \
	"bad.xml:$line: arp_queue \"12XB\": unknown unit \"XB\"" "$COMETSIM" check "$T/bad.xml"
refused "a word, by --set" \
	'--set arp_queue=abc: arp_queue "abc": not a limit (frames, 100 or 100p; bytes' \
	"$COMETSIM" check "$sc" --set arp_queue=abc
refused "two frame limits" '--set arp_queue=16p 32p: arp_queue "16p 32p": "32p": a second frame limit' \
	"$COMETSIM" check "$sc" --set 'arp_queue=16p 32p'
refused "too many frames" 'arp_queue "2000000p": too large (at most 1000000p)' \
	"$COMETSIM" check "$sc" --set arp_queue=2000000p
refused "a negative size" 'arp_queue "-1B": negative' \
	"$COMETSIM" check "$sc" --set arp_queue=-1B
refused "empty" 'arp_queue "": empty' "$COMETSIM" check "$sc" --set arp_queue=
pline=$(grep -n '<param name="count"' "$sc" | cut -d: -f1)
sed 's|<param name="count" value="208"/>|&<param name="arp_queue" value="1"/>|' "$sc" \
	>"$T/param.xml"
refused "a parameter may not take the option's name" \
	"param.xml:$pline: param \"arp_queue\": the name is reserved for a run option" \
	"$COMETSIM" check "$T/param.xml"

finish
