#!/bin/sh
# usr_scripts.sh - scripts and control files as the usr emulator (and its
# public descendant, VLSP) keeps them (doc/curling-format.md): each
# behaviour with a run that delivers what it sends, read on the captures
# with tshark, and the bad input of each refused with file:line.
. "${top_srcdir:-.}/tests/scenarios/lib.sh"

D="$top_srcdir/tests/scenarios/data/usr"

# udp FILE: the datagrams to port 3000 in a capture.
udp() {
	count "$1" 'udp.dstport == 3000'
}

# refused NAME FILE WHERE PHRASE: "cometsim check FILE" exits 1 and its
# message cites WHERE (file:line) and holds PHRASE.
refused() {
	"$COMETSIM" check "$2" >"$T/stdout" 2>"$T/stderr"
	rc=$?
	check "$1: exit status 1 (got $rc)" [ "$rc" -eq 1 ]
	check "$1: cites $3" grep -qF "$3: " "$T/stderr"
	check "$1: says \"$4\"" grep -qF -- "$4" "$T/stderr"
	if [ "$rc" -ne 1 ] || ! grep -qF -- "$4" "$T/stderr"; then
		cat "$T/stderr" >&2
	fi
}

# bad NAME LINES...: a script of the lines (a control file around it).
bad() {
	mkdir -p "$T/bad"
	_n=$1
	shift
	printf '%s\n' "$@" >"$T/bad/$_n.script"
	cat >"$T/bad/$_n.xml" <<EOX
<SimOptions>
  <EventEngine>
    <Name>Script</Name>
    <Parameters>$_n.script</Parameters>
  </EventEngine>
</SimOptions>
EOX
}

# ---- 1. START_LINK A B WEIGHT NAME, tabs, comments, blank lines ----
# The direct link 1 - 3 (1's eth0, 3's eth0) weighs 10, the path through 2
# weighs 2: the 20 datagrams go 1 -> 2 -> 3.
o="$T/weights"
"$COMETSIM" run "$D/weights.xml" --out "$o" --quiet || fail "weights.xml exited $?"
check "weights: all 20 datagrams arrive" \
	[ "$(counter "$o/counters.csv" recv 3/recv0 received)" -eq 20 ]
check "weights: none on the heavy direct link (1's end)" [ "$(udp "$o/1-eth0.pcap")" -eq 0 ]
check "weights: none on the heavy direct link (3's end)" [ "$(udp "$o/3-eth0.pcap")" -eq 0 ]
check "weights: 20 from 1 to 2" [ "$(udp "$o/2-eth0.pcap")" -eq 20 ]
check "weights: 20 from 2 to 3" [ "$(udp "$o/3-eth1.pcap")" -eq 20 ]
check "weights: the links have the script's names" \
	grep -q 'scenario INFO: link direct started' "$o/log.txt"
# The weight is what steers: made 1, the direct link carries them.
o="$T/weights-1"
"$COMETSIM" run "$D/weights.xml" --out "$o" --quiet --set link.direct.weight=1 ||
	fail "weights.xml with weight 1 exited $?"
check "weights 1: the direct link carries the 20" [ "$(udp "$o/3-eth0.pcap")" -eq 20 ]
check "weights 1: router 2 sees none" [ "$(udp "$o/2-eth0.pcap")" -eq 0 ]
for f in "$T"/weights*/*.pcap; do
	check "no bad frame in $(basename "$(dirname "$f")")/$(basename "$f")" \
		[ -z "$(pcap_bad "$f")" ]
done

bad weight-word '0	START_ROUTER	1' '0	START_ROUTER	2' '' \
	'10	START_LINK	1	2	ten	a	// a weight in words'
refused "START_LINK weight not a number" "$T/bad/weight-word.xml" \
	"$T/bad/weight-word.script:4" 'START_LINK: weight "ten": not a whole number'
bad weight-zero '0 START_ROUTER 1' '0 START_ROUTER 2' '10 START_LINK 1 2 0 a'
refused "START_LINK weight 0" "$T/bad/weight-zero.xml" \
	"$T/bad/weight-zero.script:3" 'START_LINK: weight "0": too small (at least 1)'

# ---- 2. router ids written as addresses, with names ----
# dom1.Src1 (fe80::1) sends 10 datagrams to dom1.Dst1 (fe80::3), which
# starts after the Send line; the 5 first go through dom1.Mid1, which
# then ends (END_ROUTER by address, END_LINK by addresses), the 5 last
# through dom1.Alt1.  The routers are 10.0.0.1 .. 10.0.0.4 in the order
# their START_ROUTER lines run.
o="$T/names"
"$COMETSIM" run "$D/names.xml" --out "$o" --quiet || fail "names.xml exited $?"
dst='udp.dstport == 3000 && ip.src == 10.0.0.1 && ip.dst == 10.0.0.4'
check "names: all 10 datagrams arrive" \
	[ "$(counter "$o/counters.csv" recv dom1.Dst1/recv0 received)" -eq 10 ]
check "names: the captures are named by the routers' names" [ -f "$o/dom1.Src1-eth0.pcap" ]
check "names: 5 through dom1.Mid1 (its link to the destination)" \
	[ "$(count "$o/dom1.Dst1-eth0.pcap" "$dst")" -eq 5 ]
check "names: 5 through dom1.Alt1 once dom1.Mid1 ended" \
	[ "$(count "$o/dom1.Dst1-eth1.pcap" "$dst")" -eq 5 ]
check "names: dom1.Alt1 forwarded them" [ "$(count "$o/dom1.Alt1-eth0.pcap" "$dst")" -eq 5 ]
check "names: the log says which id and address a router has" \
	grep -q 'dom1.Dst1 scenario INFO: router dom1.Dst1 started (id fe80:0:0:0:0:0:0:3, address 10.0.0.4)' "$o/log.txt"
check "names: log lines carry the name" grep -q ' dom1.Src1 send/send0 INFO: sent 10 datagrams to 10.0.0.4:3000$' "$o/log.txt"
check "names: END_ROUTER by address" grep -q 'router dom1.Mid1 ended' "$o/log.txt"
check "names: END_LINK by addresses" grep -q 'link mid-dst ended' "$o/log.txt"
for f in "$o"/*.pcap; do
	check "no bad frame in names/$(basename "$f")" [ -z "$(pcap_bad "$f")" ]
done

# Mixed with integer ids: an address id skips the integers START_ROUTER
# lines name, even later ones.
bad mixed '0	START_ROUTER	fe80::1	dom1.A' '5	START_ROUTER	1' '6	START_LINK	fe80::1	1' \
	'7	START_APP	1	usr.applications.Recv	3000	5' \
	'8	START_APP	fe80::1	usr.applications.Send	1	3000	5' '100	END_SIMULATION'
"$COMETSIM" run "$T/bad/mixed.xml" --out "$T/mixed" --quiet || fail "mixed exited $?"
check "mixed: the address id takes 2, skipping the 1 a later line names" \
	grep -q 'router dom1.A started (id fe80::1, address 10.0.0.2)' "$T/mixed/log.txt"
check "mixed: the datagrams arrive" [ "$(counter "$T/mixed/counters.csv" recv 1/recv0 received)" -eq 5 ]

# An IPv4 id among the routers' own addresses must be the one it gets.
bad id-ten '0 START_ROUTER 10.0.0.2 x' '0 START_ROUTER fe80::1 y' '0 START_LINK x y'
refused "START_ROUTER: an id in 10.0.0.0/8 that another router gets" "$T/bad/id-ten.xml" \
	"$T/bad/id-ten.script:1" \
	'START_ROUTER 10.0.0.2: an id in 10.0.0.0/8, where the routers'"'"' own addresses are, must be the address the router gets (10.0.0.1)'
bad id-form '0 START_ROUTER fe80::1%eth0'
refused "START_ROUTER: an id neither a node id nor an address" "$T/bad/id-form.xml" \
	"$T/bad/id-form.script:1" \
	'router id "fe80::1%eth0" is not of the form N, a.b or a.b.c, nor an IPv4 or IPv6 address'
bad name-colon '0	START_ROUTER	fe80::1	a:b'
refused "START_ROUTER: a name with ':'" "$T/bad/name-colon.xml" "$T/bad/name-colon.script:1" \
	"START_ROUTER fe80::1: name \"a:b\" may not hold ':' or '/'"
bad name-id '0	START_ROUTER	fe80::1	7'
refused "START_ROUTER: a name that is a router id" "$T/bad/name-id.xml" \
	"$T/bad/name-id.script:1" 'START_ROUTER fe80::1: name "7" is a router id or an address'
bad name-twice '0	START_ROUTER	fe80::1	dom1.A' '' '0	START_ROUTER	fe80::2	dom1.A'
refused "START_ROUTER: a name taken" "$T/bad/name-twice.xml" "$T/bad/name-twice.script:3" \
	'START_ROUTER fe80::2: the name "dom1.A" is taken'
bad addr-twice '0	START_ROUTER	fe80::1	dom1.A' '0	START_ROUTER	fe80:0:0:0:0:0:0:1	dom1.A'
refused "START_ROUTER: an address id twice" "$T/bad/addr-twice.xml" "$T/bad/addr-twice.script:2" \
	'START_ROUTER fe80:0:0:0:0:0:0:1: router dom1.A is already running'
bad addr-unknown '0	START_ROUTER	fe80::1	dom1.A' '0	START_ROUTER	fe80::2	dom1.B' \
	'1	START_LINK	fe80::1	fe80::9'
refused "START_LINK: an address no router has" "$T/bad/addr-unknown.xml" \
	"$T/bad/addr-unknown.script:3" 'START_LINK: unknown node "fe80::9"'

# ---- 3. usr.applications.RecvDataRate ----
# 2000 datagrams of 1024 bytes, one a millisecond, from 1.5 s to 3.499 s;
# the receiver started at 0.01 s reports at 2.01, 3.01, 4.01 (the last
# datagrams) and 5.01 (nothing: then it pauses).
o="$T/rate"
"$COMETSIM" run "$D/rate.xml" --out "$o" --quiet --timeseries entity.recvrate.rate_bps ||
	fail "rate.xml exited $?"
check "rate: 2000 datagrams on the receiver's link" \
	[ "$(count "$o/2-eth0.pcap" 'udp.dstport == 4000 && udp.length == 1032')" -eq 2000 ]
check "rate: the receiver counts them" \
	[ "$(counter "$o/counters.csv" recvrate 2/recvrate0 received)" -eq 2000 ]
check "rate: a full second of data is 8192000 bit/s" \
	grep -q '^3\.010000000 2 recvrate/recvrate0 INFO: 1000 datagrams, 1024000 bytes in the last 1s: 8192000 bit/s (1510 datagrams in all)$' "$o/log.txt"
check "rate: the first interval holds the first 510" \
	grep -q '^2\.010000000 2 recvrate/recvrate0 INFO: 510 datagrams, 522240 bytes in the last 1s: 4177920 bit/s' "$o/log.txt"
check "rate: a quiet interval is reported once, then the reports pause" \
	[ "$(grep -c 'recvrate0 INFO: 0 datagrams, 0 bytes' "$o/log.txt")" -eq 1 ]
check "rate: four reports in all" [ "$(counter "$o/counters.csv" recvrate 2/recvrate0 reports)" -eq 4 ]
check "rate: the highest rate is a statistic" \
	[ "$(counter "$o/counters.csv" recvrate 2/recvrate0 rate_max_bps)" -eq 8192000 ]
check "rate: the rate is a time series" \
	grep -q '^4\.000000000,entity\.recvrate\.rate_bps,2/recvrate0,8192000$' "$o/timeseries.csv"
check "no bad frame in rate/2-eth0.pcap" [ -z "$(pcap_bad "$o/2-eth0.pcap")" ]
# interval=500ms: half a second of data is 512000 bytes, 8192000 bit/s too.
sed 's/RecvDataRate	4000/RecvDataRate	4000	interval=500ms/' "$D/rate.script" >"$T/rate500.script"
sed 's/rate\.script/rate500.script/' "$D/rate.xml" >"$T/rate500.xml"
"$COMETSIM" run "$T/rate500.xml" --out "$T/rate500" --quiet || fail "rate500 exited $?"
check "rate interval=500ms: reports every 500ms" \
	grep -q '^2\.010000000 2 recvrate/recvrate0 INFO: 500 datagrams, 512000 bytes in the last 500ms: 8192000 bit/s' "$T/rate500/log.txt"

bad rate-noport '0 START_ROUTER 1' '1 START_APP 1 usr.applications.RecvDataRate'
refused "RecvDataRate without a port" "$T/bad/rate-noport.xml" "$T/bad/rate-noport.script:2" \
	'usr.applications.RecvDataRate: missing <port>'
bad rate-interval '0 START_ROUTER 1' '1 START_APP 1 usr.applications.RecvDataRate 4000 interval=0'
refused "RecvDataRate interval 0" "$T/bad/rate-interval.xml" "$T/bad/rate-interval.script:2" \
	'usr.applications.RecvDataRate: interval "0": too small'

# ---- 4. usr's Send options: -s SIZE -i INTERVAL -d DELAY -b BURST ----
# 30 datagrams of 512 bytes in bursts of 3, a burst every 10 ms, from
# 1.25 s (-d 250 after the start at 1 s) to 1.34 s.
o="$T/send"
"$COMETSIM" run "$D/send.xml" --out "$o" --quiet || fail "send.xml exited $?"
s1="$o/1-eth0.pcap"
data='udp.dstport == 4000 && udp.length == 520'
check "send: 30 datagrams of 512 bytes (-s 512) leave" [ "$(count "$s1" "$data")" -eq 30 ]
check "send: all 30 arrive" [ "$(counter "$o/counters.csv" recvrate 2/recvrate0 received)" -eq 30 ]
check "send: none before 1.25 s (-d 250)" \
	[ "$(count "$s1" "$data && frame.time_epoch < 1.25")" -eq 0 ]
check "send: the first burst is 3 datagrams (-b 3)" \
	[ "$(count "$s1" "$data && frame.time_epoch >= 1.25 && frame.time_epoch < 1.251")" -eq 3 ]
check "send: then nothing until 10 ms later (-i 10)" \
	[ "$(count "$s1" "$data && frame.time_epoch >= 1.251 && frame.time_epoch < 1.26")" -eq 0 ]
check "send: the last burst at 1.34 s" \
	[ "$(count "$s1" "$data && frame.time_epoch >= 1.34 && frame.time_epoch < 1.341")" -eq 3 ]
check "send: the log says so" \
	grep -q 'send/send0 INFO: sending 30 datagrams of 512 bytes from port 49152 to 10.0.0.2:4000, in bursts of 3, one burst every 10000000 ns' "$o/log.txt"
check "no bad frame in send/1-eth0.pcap" [ -z "$(pcap_bad "$s1")" ]

bad send-opt '0 START_ROUTER 1' '0 START_ROUTER 2' '1 START_APP 1 usr.applications.Send 2 4000 5 -x 3'
refused "Send: an option usr's Send does not take" "$T/bad/send-opt.xml" \
	"$T/bad/send-opt.script:3" "usr.applications.Send: unknown option \"-x\" (usr's Send takes -s SIZE, -i INTERVAL_MS, -d DELAY_MS and -b BURST"
bad send-noval '0 START_ROUTER 1' '0 START_ROUTER 2' '1 START_APP 1 usr.applications.Send 2 4000 5 -b'
refused "Send: -b without its value" "$T/bad/send-noval.xml" "$T/bad/send-noval.script:3" \
	'usr.applications.Send: option -b needs a value (-b: burst)'
bad send-both '0 START_ROUTER 1' '0 START_ROUTER 2' \
	'1 START_APP 1 usr.applications.Send 2 4000 5 -i 10 interval=5ms'
refused "Send: -i and interval=" "$T/bad/send-both.xml" "$T/bad/send-both.script:3" \
	'usr.applications.Send: -i 10 and interval=5ms: give one or the other'
bad send-burst '0 START_ROUTER 1' '0 START_ROUTER 2' '1 START_APP 1 usr.applications.Send 2 4000 5 -b 6'
refused "Send: a burst larger than the count" "$T/bad/send-burst.xml" \
	"$T/bad/send-burst.script:3" 'usr.applications.Send: burst "6": too large (at most 5)'
bad send-size '0 START_ROUTER 1' '0 START_ROUTER 2' '1 START_APP 1 usr.applications.Send 2 4000 5 -s 70000'
refused "Send: -s too large" "$T/bad/send-size.xml" "$T/bad/send-size.script:3" \
	'usr.applications.Send: size "70000": too large'

# ---- 5. <SimOptions> with usr's other parts ----
# control.xml: a global controller, two local controllers, router options,
# an <Output> at the end and one every 500 ms, around vlsp.script (routers
# named by addresses, RecvDataRate, Send with usr's flags).
o="$T/control"
"$COMETSIM" run "$D/control.xml" --out "$o" --quiet || fail "control.xml exited $?"
note() {
	grep -c "^0\.000000000 - scenario INFO: $1.*(.*/control\.xml:$2)\$" "$o/log.txt"
}
check "control: <GlobalController> said in the log" \
	[ "$(note '<GlobalController> port 8888: usr.s controller of the emulation; here this cometsim process runs all of it' 8)" -eq 1 ]
check "control: the first <LocalController>" \
	[ "$(note '<LocalController> localhost:10000: a usr host that ran a share of the routers' 12)" -eq 1 ]
check "control: the second <LocalController>" \
	[ "$(note '<LocalController> localhost:10001: ' 18)" -eq 1 ]
check "control: <RouterOptions>" \
	[ "$(note '<RouterOptions> scripts/routeroptions.xml: usr.s router settings file, not read' 29)" -eq 1 ]
check "control: <Output> at the End" \
	[ "$(note '<Output> Network at the End to out.net: ' 32)" -eq 1 ]
check "control: <Output> at an Interval" \
	[ "$(note '<Output> Summary every 500ms to summary.out: sampled into timeseries.csv at that interval' 37)" -eq 1 ]
check "control: the time series is sampled every 500 ms" \
	grep -q '^1\.500000000,link\.util,src-mid/dom1\.Src1>dom1\.Mid1,' "$o/timeseries.csv"
check "control: at no other instant" \
	[ "$(awk -F, 'NR > 1 && ($1 * 1000) % 500 != 0' "$o/timeseries.csv" | wc -l)" -eq 0 ]
check "control: with the four series" \
	[ "$(cut -d, -f2 "$o/timeseries.csv" | sort -u | tr '\n' ' ')" = "link.tx_bytes.rate link.util node.drops node.rx_bytes.rate series " ]
check "control: the 1000 datagrams arrive" \
	[ "$(counter "$o/counters.csv" recvrate dom1.Dst1/recvrate0 received)" -eq 1000 ]
check "control: through dom1.Mid1" \
	[ "$(count "$o/dom1.Dst1-eth0.pcap" 'udp.dstport == 3000 && ip.src == 10.0.0.1')" -eq 1000 ]
check "control: not over the heavier direct link" \
	[ "$(count "$o/dom1.Dst1-eth1.pcap" 'udp.dstport == 3000')" -eq 0 ]
check "no bad frame in control/dom1.Dst1-eth0.pcap" [ -z "$(pcap_bad "$o/dom1.Dst1-eth0.pcap")" ]
check "a control file without these parts logs no note" \
	[ "$(grep -c '^0\.000000000 - scenario INFO: <' "$T/weights/log.txt")" -eq 0 ]
check "a control file without <Output> writes no time series" [ ! -e "$T/weights/timeseries.csv" ]

# simopt NAME ENGINE-NAME EXTRA: a control file for the script of
# weights.xml with its engine named ENGINE-NAME and EXTRA after it.
simopt() {
	mkdir -p "$T/bad"
	cp "$D/weights.script" "$T/bad/weights.script"
	cat >"$T/bad/$1.xml" <<EOX
<SimOptions>
  <EventEngine>
    <Name>$2</Name>
    <Parameters>weights.script</Parameters>
  </EventEngine>
$3
</SimOptions>
EOX
}
simopt prob Probabilistic ''
refused "the Probabilistic engine" "$T/bad/prob.xml" "$T/bad/prob.xml:3" \
	'event engine "Probabilistic" (routers arriving, living and linking at random after the distributions of weights.script) is not implemented: cometsim has no reader for usr'"'"'s <ProbabilisticEngine> file (NodeBirthDist, NodeDeathDist, LinkCreateDist'
simopt notime Script '  <Output>
    <When>Interval</When>
  </Output>'
refused "<Output> at an Interval without <Time>" "$T/bad/notime.xml" "$T/bad/notime.xml:6" \
	'<Output> at an Interval has no <Time> (milliseconds)'
simopt badtime Script '  <Output><When>Interval</When><Time>ten</Time></Output>'
refused "<Output> <Time> not a number" "$T/bad/badtime.xml" "$T/bad/badtime.xml:6" \
	'<Output>: <Time> "ten"'
simopt when Script '  <Output><When>Sometimes</When></Output>'
refused "<Output> <When> neither End nor Interval" "$T/bad/when.xml" "$T/bad/when.xml:6" \
	'<Output>: <When> "Sometimes": usr'"'"'s outputs are written at the End or at an Interval'
simopt two Script '  <Output><When>Interval</When><Time>500</Time></Output>
  <Output><When>Interval</When><Time>1000</Time></Output>'
refused "two <Output> intervals" "$T/bad/two.xml" "$T/bad/two.xml:7" \
	'<Output> every 1s: another <Output> (line 6) has another interval'
# Two at the same interval are one time series: accepted.
simopt same Script '  <Output><When>Interval</When><Time>500</Time></Output>
  <Output><When>Interval</When><Time>500ms</Time></Output>'
"$COMETSIM" check "$T/bad/same.xml" >/dev/null 2>"$T/stderr"
rc=$?
check "two <Output>s at the same interval: accepted (exit $rc)" [ "$rc" -eq 0 ]
# usr's <Time> is whole milliseconds: less than one is refused (a time
# series every nanosecond would fill the disk).
simopt tiny Script '  <Output><When>Interval</When><Time>0.000001</Time></Output>'
refused "<Output> <Time> below a millisecond" "$T/bad/tiny.xml" "$T/bad/tiny.xml:6" \
	'<Output>: <Time> "0.000001": too small (at least 1ms'
simopt twotimes Script '  <Output><When>Interval</When><Time>500</Time><Time>600</Time></Output>'
refused "<Output> with two <Time>s" "$T/bad/twotimes.xml" "$T/bad/twotimes.xml:6" \
	'<Output> has <Time> twice: one an output'

finish
