#!/bin/sh
# decoupled.sh - the decoupled approach end to end (D4.3 sections 3,
# 5.2.3 and 5.3.4; doc/cme.md): runs scenarios/decoupled/e2e.xml and
# scenarios/decoupled/refusals.xml on topologies/decoupled.xml, reads
# what they captured (tshark with the project's dissectors,
# output/wireshark/cometsim.lua) and logged, and writes one row per step.
#
# usage: decoupled.sh OUTDIR [--cometsim PATH] [--rows FILE] [--only LIST]
#                     [--set NAME=VALUE]... [--scenario e2e:FILE] [--quiet]
#
#   OUTDIR             the runs go to OUTDIR/e2e/ and OUTDIR/refusals/
#                      (removed first); rows to OUTDIR/rows.jsonl
#   --cometsim PATH    the program (default: $COMETSIM, else the build tree's
#                      cometsim, else cometsim on PATH)
#   --rows FILE        also write the rows to FILE
#   --only LIST        only these tests, comma separated (--only 2,7)
#   --set NAME=VALUE   passed to 'cometsim run --set' for both scenarios
#   --scenario e2e:FILE  run FILE for tests 1-7 instead of e2e.xml (the
#                      same network written another way, for example with
#                      <deploy>: scenarios/deploy/e2e.xml); it gets no
#                      --set dir=
#   --quiet            no table on stdout
#
# Tests 1-7 come from e2e.xml: the RAEs converge, a best-effort request
# gets the path through AS 3 while IP routing goes through AS 2, the edge
# CAFE is configured through its agent, the stream is forwarded by keys,
# decapsulated and received in full, the CME collects the expired-stream
# record whose bytes match the capture, and a premium request gets the
# path through AS 2.  Tests 8-13 come from refusals.xml: requests the CME
# must refuse, each with its reason, and the request that follows them.
# "actual" is built only from the runs: the CME's and the clients' log
# lines, the captures through tshark, counters.csv.  The evidence of
# each row stays in its run directory (evidence/observed.txt).
#
# Environment: COMETSIM, TSHARK (default tshark), top_srcdir (default: two
# levels above this script), top_builddir.  tshark runs with HOME in
# OUTDIR so that no personal plugin is loaded.
#
# Exit status: 0 if every row passes, 1 if one fails, 2 on a usage or
# set-up error (no cometsim, no tshark, no dissector).
set -u

me=decoupled.sh
here=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd)
: "${top_srcdir:=$(CDPATH='' cd -- "$here/../.." && pwd)}"
: "${TSHARK:=tshark}"
lua="$top_srcdir/output/wireshark/cometsim.lua"
scn_dir="$top_srcdir/scenarios/decoupled"
. "$here/_lib.sh"

usage() {
	sed -n '8,22p' "$here/$me" | sed 's/^# \{0,1\}//' >&2
	exit 2
}
die() {
	echo "$me: $*" >&2
	exit 2
}

# ---- the test plan: what topologies/decoupled.xml and cme.xml configure ----

SRV=10.1.1.2	# the content server (AS 1)
CME=10.1.2.2	# the CME of AS 1
CLI1=10.4.1.2	# asks in class 1 (best effort)
CLI2=10.4.2.2	# asks in class 2 (premium)
SIZE=1000000	# bytes of "video"

# ---- options ----

outdir=''
rows_file=''
only=''
quiet=0
cometsim_opt=''
sets=''
scenario_e2e=''
while [ $# -gt 0 ]; do
	case $1 in
	--cometsim) [ $# -ge 2 ] || usage; cometsim_opt=$2; shift 2 ;;
	--cometsim=*) cometsim_opt=${1#*=}; shift ;;
	--rows) [ $# -ge 2 ] || usage; rows_file=$2; shift 2 ;;
	--rows=*) rows_file=${1#*=}; shift ;;
	--only) [ $# -ge 2 ] || usage; only=$2; shift 2 ;;
	--only=*) only=${1#*=}; shift ;;
	--set)
		[ $# -ge 2 ] || usage
		case $2 in *=*) sets="$sets$2$nl" ;; *) die "--set $2: expected NAME=VALUE" ;; esac
		shift 2 ;;
	--scenario)
		[ $# -ge 2 ] || usage
		case $2 in e2e:?*) scenario_e2e=${2#e2e:} ;; *) die "--scenario $2: expected e2e:FILE" ;; esac
		shift 2 ;;
	-q|--quiet) quiet=1; shift ;;
	-h|--help) usage ;;
	-*) echo "$me: unknown option $1" >&2; usage ;;
	*) [ -z "$outdir" ] || usage; outdir=$1; shift ;;
	esac
done
[ -n "$outdir" ] || usage
for t in $(echo "$only" | tr ',' ' '); do
	case $t in [1-9]|1[0-3]) ;; *) die "--only: no test \"$t\" (tests 1 to 13)" ;; esac
done

find_cometsim "$cometsim_opt"
command -v "$TSHARK" >/dev/null 2>&1 || die "no tshark ($TSHARK)"
[ -f "$lua" ] || die "no COMET dissector at $lua"

mkdir -p "$outdir" || die "cannot create $outdir"
outdir=$(CDPATH='' cd -- "$outdir" && pwd)
tshark_home="$outdir/.tshark-home"
mkdir -p "$tshark_home"
HOME=$tshark_home "$TSHARK" -G fields -X "lua_script:$lua" >"$outdir/.fields" 2>/dev/null
for f in comet.keys cmecafe.summary cmeclient.reason; do
	grep -q "	$f	" "$outdir/.fields" ||
		die "tshark does not load the dissectors of $lua (no field $f)"
done
rm -f "$outdir/.fields"
rows="$outdir/rows.jsonl"
: >"$rows"

# ---- helpers ----

wanted() {
	[ -z "$only" ] && return 0
	case ",$only," in *",$1,"*) return 0 ;; esac
	return 1
}

# run NAME: run scenarios/decoupled/NAME.xml into OUTDIR/NAME once; 0 if it ran.
ran_e2e='' ran_refusals=''
run() {
	eval "r=\$ran_$1"
	dir="$outdir/$1"
	if [ -z "$r" ]; then
		rm -rf "$dir"
		if [ "$1" = e2e ] && [ -n "$scenario_e2e" ]; then
			set -- "$1" "$scenario_e2e"
		else
			set -- "$1" "$scn_dir/$1.xml" --set "dir=$scn_dir"
		fi
		while IFS= read -r s; do
			[ -n "$s" ] && set -- "$@" --set "$s"
		done <<EOF
$sets
EOF
		name=$1
		shift
		"$COMETSIM" run "$@" --out "$dir" --quiet >"$outdir/.run-$name.txt" 2>&1
		rc=$?
		mkdir -p "$dir/evidence"
		mv "$outdir/.run-$name.txt" "$dir/evidence/cometsim-run.txt"
		if [ "$rc" -eq 0 ]; then r=ok; else r=failed; fi
		eval "ran_$name=\$r"
	fi
	observed="$dir/evidence/observed.txt"
	[ "$r" = ok ]
}

ran_failed() {
	actual="cometsim run exited non-zero: $(head -n 1 "$dir/evidence/cometsim-run.txt" 2>/dev/null)"
	mismatch="the scenario did not run"
	row
}

# fields PCAP FILTER FIELD...: the frames of a capture matching FILTER, one
# line each, fields separated by "|".
fields() {
	p=$1 y=$2
	shift 2
	set -- -o ip.check_checksum:TRUE -T fields -E separator='|' -E aggregator=',' \
		-Y "$y" $(for f in "$@"; do printf -- '-e %s ' "$f"; done)
	HOME=$tshark_home "$TSHARK" -X "lua_script:$lua" -n -r "$dir/$p.pcap" "$@" 2>/dev/null
}

# count PCAP FILTER: how many frames match.
count() {
	fields "$1" "$2" frame.number | wc -l | tr -d ' '
}

# sum PCAP FILTER FIELD: the sum of a field over the matching frames.
sum() {
	fields "$1" "$2" "$3" | awk -F, '{ s += $1 } END { printf "%d\n", s }'
}

# distinct PCAP FILTER FIELD: its distinct values, joined by "/".
distinct() {
	fields "$1" "$2" "$3" | LC_ALL=C sort -u | awk 'NF { printf "%s%s", s, $0; s = "/" }'
}

# cme PATTERN: the CME's log lines (without time and node) matching PATTERN.
cme() {
	grep ' cme1 cme/cme0 ' "$dir/log.txt" | sed 's/^.* INFO: //; s/^.* WARN: //' |
		grep -E -- "$1"
}

# client NODE: what the client on NODE logged, its last INFO or WARN line.
client() {
	grep " $1 cme_client/" "$dir/log.txt" | grep -E 'INFO|WARN' | tail -n 1 |
		sed -E 's/^[^ ]+ [^ ]+ [^ ]+ (INFO|WARN): //'
}

# counter KIND NAME STAT: a value of counters.csv (NAME: node/instance), 0 if absent.
counter() {
	v=$(awk -F, -v k="$1" -v n="$2" -v c="$3" '$1==k && $2==n && $3==c {print $4}' \
		"$dir/counters.csv" 2>/dev/null | head -n 1)
	echo "${v:-0}"
}

note() {
	printf '%s=%s\n' "$1" "$2" >>"$observed"
}

# chosen ADDR: the CME's "chose" line for the first request from a client address.
chosen() {
	grep ' cme1 cme/cme0 ' "$dir/log.txt" | awk -v a="$1:" '
		index($0, "request") && index($0, " from " a) && /: content "/ { on = 1; next }
		on && /: chose server/ { sub(/^.* INFO: /, ""); print; exit }'
}

# delivery CLIENT_ADDR KEYS VIA NOT_VIA: forwarding checks for the stream to a client.
delivery() {
	c=$1 dkeys=$2 via=$3 not_via=$4
	flt="ip.src==$SRV && ip.dst==$c && tcp.srcport==8080"
	n_srv=$(count srv-eth0 "$flt")
	n_out=$(count "e1-$via" "comet && $flt")
	k_out=$(distinct "e1-$via" "comet && $flt" comet.keys)
	i_out=$(distinct "e1-$via" "comet && $flt" comet.index)
	n_other=$(count "e1-$not_via" "$flt")
	n_plain=$(count "e1-$via" "!comet && $flt")
	n_cli=$(count "$cli_if" "eth.type==0x0800 && !comet && $flt")
	note "n_srv_$c" "$n_srv"
	note "n_comet_e1_${via}_$c" "$n_out"
	note "keys_e1_${via}_$c" "$k_out"
	note "n_e1_${not_via}_$c" "$n_other"
	note "n_cli_$c" "$n_cli"
	want "COMET frames e1 sent on $via" "$n_out" "$n_srv"
	want "their keys" "$k_out" "$dkeys"
	want "their index" "$i_out" "1"
	want "frames of the stream on e1 $not_via" "$n_other" "0"
	want "frames of the stream on e1 $via without the COMET header" "$n_plain" "0"
	want "plain IPv4 frames of the stream at the client" "$n_cli" "$n_srv"
	deliv_actual="srv sent $n_srv TCP segments; e1 sent $n_out COMET frames on $via (keys $k_out, index $i_out) and $n_other of the stream on $not_via; the client received $n_cli as plain IPv4"
}

# ---- tests 1-7: e2e.xml ----

test_1() {
	category="RAE-CME interface"
	description="Paths reported to the CME"
	step="The RAEs of AS 1-4 converge and the RAE of AS 1 reports its preferred paths to the CME; the first request (cli1, 5 s) lists the candidate paths from AS 1 to the client"
	expected="candidates from AS 1 towards $CLI1: as_path 2 4 and as_path 3 4 (limit_of_preferred_paths 2)"
	run e2e || { ran_failed; return; }
	paths=$(cme "^request 1: candidate server $SRV " | grep -m2 -o 'as_path [0-9 ]*class' | sed 's/ class//' | LC_ALL=C sort | awk '{ printf "%s%s", s, $0; s = " and " }')
	note candidates "$paths"
	want "candidates" "$paths" "as_path 2 4 and as_path 3 4"
	actual="candidates: ${paths:-none}; CME store at the end: $(cme '^path_inf AS 1 10.4.0.0/16' | wc -l | tr -d ' ') paths to 10.4.0.0/16"
	row
}

test_2() {
	category="CME decision"
	description="Best-effort request: the CME's path is not the IP routing path"
	step="cli1 asks the CME for \"video\" in class 1 (best effort); IP routing (link weights) goes through AS 2"
	expected="chosen as_path 3 4 (100 Mbit/s) with keys 0304; the request and the client's ACKs cross r2 (AS 2), not r3"
	run e2e || { ran_failed; return; }
	ch=$(chosen $CLI1)
	note chose_1 "$ch"
	path=$(printf '%s' "$ch" | sed -n 's/.* as_path \([0-9 ]*\) score.*/\1/p')
	keys=$(printf '%s' "$ch" | sed -n 's/.* keys \([0-9a-f]*\);.*/\1/p')
	req_r2=$(count r2-eth1 "ip.src==$CLI1 && udp.dstport==9091")
	req_r3=$(count r3-eth1 "ip.src==$CLI1 && udp.dstport==9091")
	ack_r2=$(count r2-eth0 "ip.src==$CLI1 && ip.dst==$SRV && tcp")
	ack_r3=$(count r3-eth0 "ip.src==$CLI1 && ip.dst==$SRV && tcp")
	want "chosen as_path" "$path" "3 4"
	want "keys" "$keys" "0304"
	want "requests crossing r3" "$req_r3" "0"
	want "ACKs crossing r3" "$ack_r3" "0"
	[ "$req_r2" -ge 1 ] || want "requests crossing r2" "$req_r2" "1 or more"
	[ "$ack_r2" -ge 1 ] || want "ACKs crossing r2" "$ack_r2" "1 or more"
	actual="chose as_path ${path:-none} keys ${keys:-none}; the request crossed r2 $req_r2 times, r3 $req_r3; the client's TCP segments to the server crossed r2 $ack_r2 times, r3 $ack_r3"
	row
}

test_3() {
	category="CME-CAFE interface"
	description="Edge CAFE configured through the agent"
	step="The CME sends CONFIGURE_STREAM to the agent on e1 (TCP 9999) and answers the client once the agent says CAFE_SUCCESS (capture e1-eth1, the CME's link)"
	expected="CONFIGURE_STREAM id=1 filter=$SRV>$CLI1/6/8080>5001 cos=BE keys=0304 as_path=3,4, then CAFE_SUCCESS CONFIGURE_STREAM id=1, then ContentReply ACCEPTED stream=1"
	run e2e || { ran_failed; return; }
	msgs=$(fields e1-eth1 "cmecafe || cmeclient" cmecafe.summary cmeclient.summary |
		tr '|' ' ' | sed 's/^ *//; s/ *$//' | grep -E 'CONFIGURE_STREAM|ACCEPTED|REFUSED')
	printf '%s\n' "$msgs" >"$dir/evidence/configure.txt"
	cfg=$(printf '%s\n' "$msgs" | grep -m1 'GenericRequest CONFIGURE_STREAM id=1 ')
	ok=$(printf '%s\n' "$msgs" | grep -m1 -c 'GenericResponse CAFE_SUCCESS CONFIGURE_STREAM id=1$')
	acc=$(printf '%s\n' "$msgs" | grep -m1 'ContentReply seq=1 ACCEPTED .*stream=1 ')
	order=$(printf '%s\n' "$msgs" | awk '/GenericRequest CONFIGURE_STREAM id=1 /{ if (!a) a = NR } /CAFE_SUCCESS CONFIGURE_STREAM id=1$/{ if (!b) b = NR } /ContentReply seq=1 ACCEPTED .*stream=1 /{ if (!c) c = NR } END { print (a && b && c && a < b && b < c) ? "in order" : "not in order" }')
	case $cfg in
	*"filter=$SRV>$CLI1/6/8080>5001 "*"cos=BE keys=0304 "*"as_path=3,4"*) f=ok ;;
	*) f="not as planned" ;;
	esac
	want "CONFIGURE_STREAM 1" "$f" "ok"
	want "CAFE_SUCCESS for stream 1" "$ok" "1"
	want "request, answer, reply" "$order" "in order"
	actual="${cfg:-no CONFIGURE_STREAM 1}; $([ "$ok" = 1 ] && echo "CAFE_SUCCESS CONFIGURE_STREAM id=1" || echo "no CAFE_SUCCESS"); ${acc:-no ContentReply ACCEPTED}; $order"
	row
}

test_4() {
	category="CAFE forward"
	description="Best-effort stream forwarded by keys along AS 3"
	step="srv sends \"video\" to cli1 over TCP; e1 intercepts it (filter of stream 1), forwards by key 03 to r3, r3 by key 04 to e4, e4 removes the header (captures srv-eth0, e1-eth2, e1-eth3, r3-eth1, cli1-eth0)"
	expected="every segment of the stream leaves e1 on eth3 (AS 3) as a COMET frame with keys 03 04, index 1; r3 sends it on with index 2; none crosses AS 2; cli1 receives each as plain IPv4"
	run e2e || { ran_failed; return; }
	cli_if=cli1-eth0
	delivery $CLI1 "03 04" eth3 eth2
	flt="comet && ip.src==$SRV && ip.dst==$CLI1"
	n_r3=$(count r3-eth1 "$flt")
	i_r3=$(distinct r3-eth1 "$flt" comet.index)
	want "COMET frames r3 sent on" "$n_r3" "$n_srv"
	want "their index" "$i_r3" "2"
	actual="$deliv_actual; r3 sent on $n_r3 COMET frames (index $i_r3)"
	row
}

test_5() {
	category="Content delivery"
	description="Best-effort content received in full"
	step="cli1 fetches \"video\" from the server the CME named and counts what arrives (log, counters, capture cli1-eth0)"
	expected="$SIZE bytes of $SIZE, complete, identical to the server's content"
	run e2e || { ran_failed; return; }
	line=$(client cli1)
	got=$(sum cli1-eth0 "ip.src==$SRV && tcp.srcport==8080" tcp.len)
	complete=$(counter cme_client cli1/cme_client0 complete)
	note client_cli1 "$line"
	want "TCP payload bytes at cli1" "$got" "$SIZE"
	want "client complete" "$complete" "1"
	case $line in *"received $SIZE bytes of $SIZE "*"complete"*", 0 bytes differ"*) ;; *) want "client log" "$line" "received $SIZE bytes of $SIZE ... complete ..., 0 bytes differ" ;; esac
	actual="cli1: $line; capture: $got bytes of TCP payload from the server; counter complete=$complete"
	row
}

test_6() {
	category="CME-CAFE interface"
	description="Expired-stream record collected by the CME"
	step="Stream 1 expires 2 s after its last packet; the CME collects every 2 s (COLLECT_EXPIRED_STREAMS) and logs the record"
	expected="one record of stream 1, as_path 3 4, whose bytes and packets are those of the stream in the server's capture (IP bytes, srv-eth0)"
	run e2e || { ran_failed; return; }
	rec=$(cme '^expired stream 1 from ')
	bytes=$(printf '%s' "$rec" | sed -n 's/.*: \([0-9]*\) bytes, .*/\1/p')
	pkts=$(printf '%s' "$rec" | sed -n 's/.* bytes, \([0-9]*\) packets.*/\1/p')
	flt="ip.src==$SRV && ip.dst==$CLI1 && tcp.srcport==8080"
	cap_bytes=$(sum srv-eth0 "$flt" ip.len)
	cap_pkts=$(count srv-eth0 "$flt")
	note record_1 "$rec"
	want "records of stream 1" "$(printf '%s\n' "$rec" | grep -c .)" "1"
	want "record bytes" "${bytes:-none}" "$cap_bytes"
	want "record packets" "${pkts:-none}" "$cap_pkts"
	case $rec in *"as_path 3 4:"*) ;; *) want "record as_path" "$rec" "as_path 3 4" ;; esac
	actual="CME: ${rec:-no record}; capture srv-eth0: $cap_pkts packets, $cap_bytes IP bytes; CME counter expired_bytes=$(counter cme cme1/cme0 expired_bytes)"
	row
}

test_7() {
	category="CME decision"
	description="Premium request: a stricter class picks the other path"
	step="cli2 asks for \"video\" in class 2 (delay aspiration 15 ms, reservation 30 ms); the path through AS 3 takes about 42 ms"
	expected="class 2 scores as_path 2 4 above 3 4; chosen as_path 2 4 with keys 0204; the stream crosses AS 2 only and arrives in full; its record matches the capture"
	run e2e || { ran_failed; return; }
	ch=$(chosen $CLI2)
	path=$(printf '%s' "$ch" | sed -n 's/.* as_path \([0-9 ]*\) score.*/\1/p')
	keys=$(printf '%s' "$ch" | sed -n 's/.* keys \([0-9a-f]*\);.*/\1/p')
	s24=$(cme "^request [0-9]+: candidate .* as_path 2 4 class 2:" | sed -n 's/.* score \([-0-9.]*\).*/\1/p' | head -n 1)
	s34=$(cme "^request [0-9]+: candidate .* as_path 3 4 class 2:" | sed -n 's/.* score \([-0-9.]*\).*/\1/p' | head -n 1)
	note chose_2 "$ch"
	want "chosen as_path" "$path" "2 4"
	want "keys" "$keys" "0204"
	better=$(awk -v a="${s24:-0}" -v b="${s34:-0}" 'BEGIN { print (a > b) ? "yes" : "no" }')
	want "2 4 scores above 3 4" "$better" "yes"
	cli_if=cli2-eth0
	delivery $CLI2 "02 04" eth2 eth3
	line=$(client cli2)
	case $line in *"received $SIZE bytes of $SIZE "*"complete"*) ;; *) want "client log" "$line" "received $SIZE bytes of $SIZE ... complete" ;; esac
	rec=$(cme '^expired stream 2 from ')
	bytes=$(printf '%s' "$rec" | sed -n 's/.*: \([0-9]*\) bytes, .*/\1/p')
	cap_bytes=$(sum srv-eth0 "ip.src==$SRV && ip.dst==$CLI2 && tcp.srcport==8080" ip.len)
	want "record bytes" "${bytes:-none}" "$cap_bytes"
	actual="class 2 scores: as_path 2 4 ${s24:-none}, as_path 3 4 ${s34:-none}; chose as_path ${path:-none} keys ${keys:-none}; $deliv_actual; cli2: $line; record $bytes bytes, capture $cap_bytes"
	row
}

# ---- tests 8-13: refusals.xml ----

# refusal TEST CLIENT_NODE INSTANCE MAX_S REASON_TEXT COUNTER: the client's
# request is refused with REASON_TEXT within MAX_S seconds.
refusal() {
	run refusals || { ran_failed; return; }
	line=$(grep " $2 cme_client/$3 " "$dir/log.txt" | grep -E 'WARN|INFO' | tail -n 1 | sed -E 's/^[^ ]+ [^ ]+ [^ ]+ (INFO|WARN): //')
	reasons=$(fields "$2-eth0" "cmeclient.status==1" cmeclient.reason)
	printf '%s\n' "$reasons" >"$dir/evidence/reasons-$2.txt"
	seen=$(printf '%s\n' "$reasons" | grep -c -F -- "$5")
	cnt=$(counter cme cme1/cme0 "$6")
	t_req=$(grep " $2 cme_client/$3 .*asking" "$dir/log.txt" | awk '{ print $1; exit }')
	t_ans=$(grep " $2 cme_client/$3 .*refused" "$dir/log.txt" | awk '{ print $1; exit }')
	delay=$(awk -v a="${t_req:-0}" -v b="${t_ans:-0}" 'BEGIN { printf "%.3f", b - a }')
	in_time=$(awk -v d="$delay" -v m="$4" -v b="${t_ans:-}" 'BEGIN { print (b != "" && d <= m) ? "yes" : "no" }')
	note "refusal_$1" "$line"
	note "refusal_$1_delay" "$delay"
	case $line in "refused: "*"$5"*) ;; *) want "the client's log" "$line" "refused: ...$5..." ;; esac
	[ "$seen" -ge 1 ] || want "ContentReply REFUSED with that reason in $2-eth0.pcap" "$seen" "1 or more"
	want "refused within $4 s" "$in_time" "yes"
	actual="$2 logged \"$line\" $delay s after asking; $seen ContentReply REFUSED with that reason in $2-eth0.pcap; CME counter $6=$cnt"
	row
}

test_8() {
	category="Bad input"
	description="Unknown content name"
	step="cli1 asks for \"nosuch\", which is not in the CME's catalogue"
	expected="REFUSED: unknown content \"nosuch\""
	refusal 8 cli1 cme_client0 0.1 'unknown content "nosuch"' refused_unknown_content
}

test_9() {
	category="Bad input"
	description="A client no path reaches"
	step="cli5 (10.5.1.2, in 10.5.0.0/16, which no RAE announces) asks for \"video\""
	expected="REFUSED: no path reaches 10.5.1.2"
	refusal 9 cli5 cme_client1 0.1 'no path reaches 10.5.1.2' refused_no_path
}

test_10() {
	category="Bad input"
	description="A class of service without decision parameters"
	step="cli1 asks for \"video\" in class 7"
	expected="REFUSED: no class of service 7"
	refusal 10 cli1 cme_client2 0.1 'no class of service 7' refused_other
}

test_11() {
	category="Bad input"
	description="The CAFE refuses the stream"
	step="ci_tool on e1 took stream id 1 before the CME allocated it; cli1 asks for \"video\""
	expected="the agent answers CAFE_FAILURE, the CME passes the reason on: REFUSED: CAFE agent 10.1.1.1:9999 refused stream 1: stream id 1 already exists"
	refusal 11 cli1 cme_client3 0.1 'refused stream 1: stream id 1 already exists' refused_agent
}

test_12() {
	category="Bad input"
	description="A CAFE agent that does not answer"
	step="cli2 asks for \"stale\", whose server's agent (10.1.3.2) is behind a link that is down"
	expected="after agent_timeout (2 s) at most: REFUSED: CAFE agent 10.1.3.2:9999 did not answer"
	refusal 12 cli2 cme_client4 2.1 'CAFE agent 10.1.3.2:9999 did not answer' refused_agent
}

test_13() {
	category="Bad input"
	description="Service goes on after the refusals"
	step="cli1 asks for \"video\" again after the five refusals"
	expected="ACCEPTED as stream 3 (ids 1 and 2 were tried), $SIZE bytes of $SIZE received"
	run refusals || { ran_failed; return; }
	line=$(grep ' cli1 cme_client/cme_client5 ' "$dir/log.txt" | grep -E 'INFO|WARN' | tail -n 1 | sed -E 's/^[^ ]+ [^ ]+ [^ ]+ (INFO|WARN): //')
	acc=$(grep ' cli1 cme_client/cme_client5 ' "$dir/log.txt" | grep -m1 -o 'accepted: .*stream [0-9]*')
	want "accepted" "$(printf '%s' "$acc" | grep -o 'stream [0-9]*')" "stream 3"
	case $line in *"received $SIZE bytes of $SIZE "*"complete"*) ;; *) want "client log" "$line" "received $SIZE bytes of $SIZE ... complete" ;; esac
	want "CME accepted" "$(counter cme cme1/cme0 accepted)" "1"
	want "CME refused" "$(counter cme cme1/cme0 refused)" "5"
	actual="cli1: ${acc:-not accepted}; $line; CME: $(counter cme cme1/cme0 accepted) accepted, $(counter cme cme1/cme0 refused) refused"
	row
}

for t in 1 2 3 4 5 6 7 8 9 10 11 12 13; do
	wanted "$t" || continue
	test=$t
	"test_$t"
done

[ -z "$rows_file" ] || cp "$rows" "$rows_file"
if [ "$quiet" -eq 0 ]; then
	printf 'Decoupled approach end to end: %d rows, %d failed\n%s' "$nrows" "$nfail" "$table"
fi
[ "$nfail" -eq 0 ]
