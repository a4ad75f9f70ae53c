#!/bin/sh
# curling_clients.sh - usr.curling.ContentClient's clients=N and spread=
# (doc/curling.md section 7.5) on scenarios/curling-clients.xml: N
# requesters on consecutive ports, each with its own byte-identical copy,
# its own D4.3 line and its own statistics; asking at once, they share
# one flow (the server sends the content once); spread over 100 ms, the
# late ones repair, every request is answered (several requests waiting
# on one branch of a CRME each get their own answer), and a requester's
# time is its own draw; bad values are errors with file and line; and
# the sweep example over the number of clients expands.
. "${top_srcdir:-.}/tests/scenarios/lib.sh"

sc="$top_srcdir/scenarios/curling-clients.xml"
server_copy="Content/7.3 1000/MyContent1"

# per OUT PORT STAT: requester PORT's statistic in OUT's counters.csv.
per() {
	counter "$1/counters.csv" cclient "5.3/cclient0" "$2.$3"
}
total() {
	counter "$1/counters.csv" cclient "5.3/cclient0" "$2"
}
server() {
	counter "$1/counters.csv" cserver "7.3/cserver0" "$2"
}
# copies OUT N: how many of the N requesters' copies are the server's.
copies() {
	k=0
	i=0
	while [ "$i" -lt "$2" ]; do
		cmp -s "$1/$server_copy" "$1/Content/5.3 $((1000 + i))/MyContent1" && k=$((k + 1))
		i=$((i + 1))
	done
	echo "$k"
}
# every OUT N STAT VALUE: each of the N requesters has STAT = VALUE.
every() {
	i=0
	while [ "$i" -lt "$2" ]; do
		[ "$(per "$1" $((1000 + i)) "$3")" = "$4" ] || return 1
		i=$((i + 1))
	done
}

# ---- one option, one line: the default is one client, as before ----
one="$T/one"
"$COMETSIM" run "$sc" --out "$one" --quiet --pcap none || fail "clients=1 exited $?"
check "clients=1: one copy, the server's" [ "$(copies "$one" 1)" -eq 1 ]
check "clients=1: no per-port rows" not grep -q '^cclient,5.3/cclient0,1000\.' "$one/counters.csv"
check "clients=1: D4.3's line as before" \
	grep -q 'INFO: CC: Content MyContent1 received and saved to: ./Content/5.3 1000/MyContent1$' \
	"$one/log.txt"

# ---- four at once: one flow for all ----
four="$T/four"
"$COMETSIM" run "$sc" --set clients=4 --out "$four" --quiet --pcap none || fail "clients=4 exited $?"
check "clients=4: four copies, each byte-identical to the server's" [ "$(copies "$four" 4)" -eq 4 ]
check "clients=4: D4.3's line for each, naming its port" \
	[ "$(grep -c 'INFO: CC: Content MyContent1 received and saved to: ./Content/5.3 100[0-3]/MyContent1$' \
	     "$four/log.txt")" -eq 4 ]
check "clients=4: the other lines name the requester's port" \
	grep -q 'INFO: CC 1003: Consume for MyContent1 sent to the CRME at 5.1:3000' "$four/log.txt"
check "clients=4: each requester complete, with its own 98 chunks" \
	eval 'every "$four" 4 complete 1 && every "$four" 4 chunks_unique 98 && every "$four" 4 chunks 98'
check "clients=4: each asked once and was answered once" \
	eval 'every "$four" 4 requests 1 && every "$four" 4 replies 1'
check "clients=4: totals over the requesters" \
	[ "$(total "$four" clients) $(total "$four" complete) $(total "$four" chunks_unique) $(total "$four" bytes)" = \
	  "4 4 392 400000" ]
check "clients=4: no port beyond the fourth" not grep -q '^cclient,5.3/cclient0,1004\.' "$four/counters.csv"
check "clients=4: the server sent the content once" \
	[ "$(server "$four" transmissions) $(server "$four" chunks_sent)" = "1 98" ]
check "clients=4: the CRME of domain 5 joined three requests to the first" \
	[ "$(counter "$four/counters.csv" crme 5.1/crme4 joins)" -eq 3 ]

# ---- sixteen over 100 ms: joins, repairs, every request answered ----
sp="$T/spread"
"$COMETSIM" run "$sc" --set clients=16 --set spread=100ms --seed 1 --out "$sp" --quiet --pcap none ||
	fail "clients=16 spread=100ms exited $?"
c="$sp/counters.csv"
check "spread: sixteen copies, each the server's" [ "$(copies "$sp" 16)" -eq 16 ]
check "spread: every requester complete" [ "$(total "$sp" complete)" -eq 16 ]
check "spread: some late requesters repaired" [ "$(total "$sp" repairs)" -gt 0 ]
check "spread: every request answered (requests $(total "$sp" requests), replies $(total "$sp" replies))" \
	[ "$(total "$sp" replies)" -eq "$(total "$sp" requests)" ]
i=0
ok=true
while [ "$i" -lt 16 ]; do
	p=$((1000 + i))
	[ "$(per "$sp" $p replies)" -eq "$(per "$sp" $p requests)" ] || ok=false
	i=$((i + 1))
done
check "spread: ... each requester's own" $ok
n_unexp=$(awk -F, '$1 == "crme" && $3 == "drop_curling_unexpected" { s += $4 } END { print s + 0 }' "$c")
check "spread: no CRME dropped an answer as unexpected ($n_unexp)" [ "$n_unexp" -eq 0 ]
check "spread: the server sent fewer chunks than 16 separate flows ($(server "$sp" chunks_sent))" \
	[ "$(server "$sp" chunks_sent)" -lt $((16 * 98)) ]
# The requesters asked within [1 s, 1.1 s), not all at once.
asked=$(awk -F, '$2 == "5.3/cclient0" && $3 ~ /^[0-9]+\.asked_ns$/ { print $4 }' "$c" | sort -n)
check "spread: sixteen request times, in [1 s, 1.1 s)" \
	[ "$(echo "$asked" | awk '$1 >= 1000000000 && $1 < 1100000000' | wc -l)" -eq 16 ]
check "spread: ... and not all the same" [ "$(echo "$asked" | sort -u | wc -l)" -gt 1 ]
# delay_ns is the mean of the requesters', delay_max_ns the longest.
exp=$(awk -F, '$2 == "5.3/cclient0" && $3 ~ /^[0-9]+\.delay_ns$/ { s += $4; n++; if ($4 > m) m = $4 }
	END { printf "%d %d", int(s / n), m }' "$c")
check "spread: delay_ns and delay_max_ns from the requesters' ($exp)" \
	[ "$(total "$sp" delay_ns) $(total "$sp" delay_max_ns)" = "$exp" ]
# Each requester draws from its own stream: a seventeenth leaves the
# others' times as they were; another seed changes them.
sp17="$T/spread17"
"$COMETSIM" run "$sc" --set clients=17 --set spread=100ms --seed 1 --out "$sp17" --quiet --pcap none ||
	fail "clients=17 exited $?"
asked17=$(awk -F, '$2 == "5.3/cclient0" && $3 ~ /^[0-9]+\.asked_ns$/ && $3 != "1016.asked_ns" { print $4 }' \
	"$sp17/counters.csv" | sort -n)
check "spread: a seventeenth requester leaves the others' times alone" [ "$asked17" = "$asked" ]
sp2="$T/spread2"
"$COMETSIM" run "$sc" --set clients=16 --set spread=100ms --seed 2 --out "$sp2" --quiet --pcap none ||
	fail "seed 2 exited $?"
asked2=$(awk -F, '$2 == "5.3/cclient0" && $3 ~ /^[0-9]+\.asked_ns$/ { print $4 }' "$sp2/counters.csv" | sort -n)
check "spread: another seed, other times" [ "$asked2" != "$asked" ]

# ---- bad values: errors naming the script's line, nothing run ----
line=$(grep -n 'usr.curling.ContentClient' "$top_srcdir/scenarios/curling-clients.script" | cut -d: -f1)
bad() {
	rm -rf "$T/bad"
	"$COMETSIM" run "$sc" --set "$1" --out "$T/bad" --quiet 2>"$T/err" >/dev/null
	rc=$?
	check "$1: exit status 1 (got $rc)" [ "$rc" -eq 1 ]
	check "$1: cites curling-clients.script:$line" grep -q "curling-clients\.script:$line: " "$T/err"
	check "$1: says \"$2\"" grep -qF "$2" "$T/err"
	check "$1: nothing run" [ ! -e "$T/bad/summary.json" ]
}
bad clients=0 'clients "0": too small (at least 1)'
bad clients=1001 'clients "1001": too large (at most 1000)'
bad clients=two 'clients "two": not a whole number'
bad spread=soon 'spread "soon": not a number (a duration is a number and a unit'
bad spread=2000000000s 'spread "2000000000s": too large (at most 1000000000s, the longest time a run may reach)'
# save= takes yes or no, on the client and on the server.
top=$(cd "$top_srcdir" && pwd)
sed "s|file=\"\\.\\./topologies/|file=\"$top/topologies/|; s|file=\"curling-clients.script\"|file=\"save.script\"|" \
	"$sc" > "$T/save.xml"
for who in Client Server; do
	sed "/usr\.curling\.Content$who /s/\$/ save=maybe/" "$top_srcdir/scenarios/curling-clients.script" \
		> "$T/save.script"
	sline=$(grep -n "usr.curling.Content$who " "$T/save.script" | cut -d: -f1)
	"$COMETSIM" check "$T/save.xml" 2>"$T/err" >/dev/null
	rc=$?
	check "Content$who save=maybe: exit status 1 (got $rc)" [ "$rc" -eq 1 ]
	check "Content$who save=maybe: cites save.script:$sline" grep -q "save\.script:$sline: " "$T/err"
	check "Content$who save=maybe: says so" grep -qF 'save "maybe": yes or no' "$T/err"
	# An option given twice: the second value would silently win.
	sed "/usr\.curling\.Content$who /s/\$/ save=no save=yes/" \
		"$top_srcdir/scenarios/curling-clients.script" > "$T/save.script"
	"$COMETSIM" check "$T/save.xml" 2>"$T/err" >/dev/null
	rc=$?
	check "Content$who save= twice: exit status 1 (got $rc)" [ "$rc" -eq 1 ]
	check "Content$who save= twice: says so at its line" \
		grep -q "save\.script:$sline: .*option \"save\" given twice" "$T/err"
done
# A range of ports that reaches another curling entity's port.
top=$(cd "$top_srcdir" && pwd)
sed "s|file=\"\\.\\./topologies/|file=\"$top/topologies/|; s|file=\"curling-clients.script\"|file=\"clash.script\"|" \
	"$sc" > "$T/clash.xml"
{
	cat "$top_srcdir/scenarios/curling-clients.script"
	echo '1000 ON_ROUTER 5.3 usr.curling.ContentClient 1003 5.1 3000 5.3 2000 MyContent1'
} > "$T/clash.script"
cline=$(wc -l < "$T/clash.script")
"$COMETSIM" check "$T/clash.xml" --set clients=4 2>"$T/err" >/dev/null
rc=$?
check "port clash: exit status 1 (got $rc)" [ "$rc" -eq 1 ]
check "port clash: cites clash.script:$cline, port 1003" \
	grep -q "clash\.script:$cline: usr.curling.ContentClient: port 1003 on 5.3 is already used by another curling entity" "$T/err"
"$COMETSIM" check "$T/clash.xml" --set clients=3 >/dev/null 2>&1
check "port clash: none with clients=3 (ports 1000-1002)" [ $? -eq 0 ]

# ---- the sweep example over the number of clients ----
(cd "$top_srcdir" && "$COMETSIM" sweep scenarios/sweeps/curling-clients.xml --dry-run \
	--out "$T/sweep" > "$T/sweep.cmds" 2> "$T/err")
rc=$?
check "sweep example: expands (exit $rc)" [ "$rc" -eq 0 ]
check "sweep example: 5 client counts x 3 spreads x 5 seeds" [ "$(wc -l < "$T/sweep.cmds")" -eq 75 ]
check "sweep example: 16 clients spread over 300 ms, seed 5, last" \
	eval 'tail -n 1 "$T/sweep.cmds" | grep -q -- "--seed 5 --run 1 --set clients=16 --set spread=300ms "'

finish
