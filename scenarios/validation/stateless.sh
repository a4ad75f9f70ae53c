#!/bin/sh
# stateless.sh - D4.3 section 5.4.2, validation tests 1-7 of the stateless
# CAFE, rebuilt in the emulator: runs the scenarios of stateless/ (one per
# test, on topologies/validation-stateless.xml), reads what they captured
# with tshark and the project's COMET and CME-CAFE dissectors
# (output/wireshark/cometsim.lua), and writes one result row per test.
# Test 1 is the CAFE agent's self test (Appendix B's test.py, entities/cafe/
# agent_test.c, doc/cafe-agent.md); test 1b the same agent configured by
# Appendix B's test.py itself, a real Python program, through the socket
# bridge (doc/emulation.md; skipped, without a row, when protoc or
# Python's protobuf module is missing); tests 2-7 are the data plane.
#
# usage: stateless.sh OUTDIR [--cometsim PATH] [--rows FILE] [--only LIST]
#                     [--scenario N=FILE]... [--set [N:]NAME=VALUE]...
#                     [--no-run] [--quiet]
#
#   OUTDIR             each test runs into OUTDIR/<test>/ (removed first);
#                      rows go to OUTDIR/rows.jsonl
#   --cometsim PATH    the program (default: $COMETSIM, else the build tree's
#                      cometsim, else cometsim on PATH)
#   --rows FILE        also write the rows to FILE
#   --only LIST        run only these tests, comma separated (--only 3,5,1b)
#   --scenario N=FILE  run test N on FILE instead of stateless/N-*.xml (a
#                      variant of the set-up; the checks stay the same)
#   --set [N:]NAME=VALUE
#                      passed to 'cometsim run --set' for test N (or every
#                      test); 'cometsim params FILE' lists the names
#   --no-run           do not run the scenarios: analyse the captures already
#                      in OUTDIR/<test>/ again (after editing one, say)
#   --quiet            no table on stdout
#
# Environment: COMETSIM, TSHARK (default tshark), top_srcdir (default: two
# levels above this script), top_builddir.  tshark runs with HOME pointing
# into OUTDIR so that no personal copy of the dissector is loaded as well.
#
# A row is one JSON object a line, keys in this order: category, test,
# description, step, expected, actual, result, run_dir.  "expected" is the
# test plan (the values the scenarios configure); "actual" is built only
# from what tshark, counters.csv and log.txt show; "result" is PASS when
# every observed value equals the expected one.  The evidence stays in
# OUTDIR/<test>/: the captures, evidence/*.tsv (the tshark fields, one
# line a frame) and evidence/observed.txt (the values the row was built
# from).  doc/validation-stateless.md describes the set-up and each test.
#
# Exit status: 0 if every row passes, 1 if one fails, 2 on a usage or
# set-up error (no cometsim, no tshark, no dissector).
set -u

me=stateless.sh
here=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd)
: "${top_srcdir:=$(CDPATH='' cd -- "$here/../.." && pwd)}"
: "${TSHARK:=tshark}"
scn_dir="$here/stateless"
lua="$top_srcdir/output/wireshark/cometsim.lua"
. "$here/_lib.sh"

usage() {
	sed -n '10,28p' "$here/$me" | sed 's/^# \{0,1\}//' >&2
	exit 2
}
die() {
	echo "$me: $*" >&2
	exit 2
}

# ---- the test plan: what the scenarios configure ----

TIN_MAC=02:00:00:00:01:01	# the tester's interface towards dut's eth0
DUT1_MAC=02:00:00:00:02:01	# dut eth1 (and eth1.100)
DUT2_MAC=02:00:00:00:02:02	# dut eth2 (under gre1)
TOUT1_MAC=02:00:00:00:03:01	# tout eth1: the MAC of the rules of tests 3 and 4
TOUT2_MAC=02:00:00:00:03:02	# tout eth2: what ARP must resolve in test 5
GRE_LOCAL=10.0.24.1
GRE_REMOTE=10.0.24.2
VID=100

# ---- options ----

outdir=''
rows_file=''
only=''
quiet=0
no_run=0
cometsim_opt=''
overrides=''	# lines "N=FILE"
sets=''		# lines "N:NAME=VALUE" or "*:NAME=VALUE"
nl='
'
while [ $# -gt 0 ]; do
	case $1 in
	--cometsim) [ $# -ge 2 ] || usage; cometsim_opt=$2; shift 2 ;;
	--cometsim=*) cometsim_opt=${1#*=}; shift ;;
	--rows) [ $# -ge 2 ] || usage; rows_file=$2; shift 2 ;;
	--rows=*) rows_file=${1#*=}; shift ;;
	--only) [ $# -ge 2 ] || usage; only=$2; shift 2 ;;
	--only=*) only=${1#*=}; shift ;;
	--scenario|--scenario-override) [ $# -ge 2 ] || usage; overrides="$overrides$2$nl"; shift 2 ;;
	--set)
		[ $# -ge 2 ] || usage
		case $2 in
		[1-7]:*=*) sets="$sets$2$nl" ;;
		*=*) sets="$sets*:$2$nl" ;;
		*) die "--set $2: expected [N:]NAME=VALUE" ;;
		esac
		shift 2 ;;
	--no-run) no_run=1; shift ;;
	-q|--quiet) quiet=1; shift ;;
	-h|--help) usage ;;
	-*) echo "$me: unknown option $1" >&2; usage ;;
	*) [ -z "$outdir" ] || usage; outdir=$1; shift ;;
	esac
done
[ -n "$outdir" ] || usage
for t in $(echo "$only" | tr ',' ' '); do
	case $t in [1-7]|1b) ;; *) die "--only: no test \"$t\" (tests 1, 1b, 2 to 7)" ;; esac
done
printf '%s' "$overrides" | while IFS= read -r o; do
	case $o in
	[1-7]=?*) [ -f "${o#*=}" ] || { echo "$me: --scenario $o: no such file" >&2; exit 1; } ;;
	*) echo "$me: --scenario $o: expected N=FILE, N from 1 to 7" >&2; exit 1 ;;
	esac
done || exit 2

find_cometsim "$cometsim_opt"
command -v "$TSHARK" >/dev/null 2>&1 || die "no tshark ($TSHARK)"
[ -f "$lua" ] || die "no COMET dissector at $lua"

mkdir -p "$outdir" || die "cannot create $outdir"
outdir=$(CDPATH='' cd -- "$outdir" && pwd)
tshark_home="$outdir/.tshark-home"
mkdir -p "$tshark_home"
HOME=$tshark_home "$TSHARK" -G fields -X "lua_script:$lua" >"$outdir/.fields" 2>/dev/null
if ! grep -q "	comet\.index	" "$outdir/.fields"; then
	die "tshark does not load the COMET dissector $lua (no field comet.index)"
fi
if ! grep -q "	cmecafe\.summary	" "$outdir/.fields"; then
	die "tshark does not load the CME-CAFE dissector of $lua (no field cmecafe.summary)"
fi
rm -f "$outdir/.fields"
rows="$outdir/rows.jsonl"
: >"$rows"

# ---- helpers ----

# The fields every capture is read with, in this order (evidence/*.tsv has
# them as its header line).  A field a frame has twice (the outer and the
# inner IPv4 header of a GRE packet) is written "outer,inner".
FIELDS='frame.number eth.src eth.dst eth.type vlan.id vlan.etype
	comet.version comet.cos comet.length comet.index comet.next_proto
	comet.keys comet.current_key ip.src ip.dst ip.ttl ip.proto
	ip.checksum.status ipv6.src ipv6.dst ipv6.hlim udp.srcport udp.dstport
	icmp.type gre.proto arp.opcode arp.src.hw_mac arp.src.proto_ipv4
	arp.dst.proto_ipv4'

# fields PCAP TSV: every frame of PCAP, through the dissector, as a table.
fields() {
	set -- "$1" "$2" -o ip.check_checksum:TRUE -T fields -E separator='|' -E header=y
	for f in $FIELDS; do
		set -- "$@" -e "$f"
	done
	p=$1 o=$2
	shift 2
	HOME=$tshark_home "$TSHARK" -X "lua_script:$lua" -n -r "$p" "$@" >"$o" 2>"$o.err" ||
		{ echo "tshark failed on $p: $(head -n 3 "$o.err" | tr '\n' ' ')" >&2; return 1; }
	rm -f "$o.err"
}

# The awk prelude of every analysis: column numbers from the header line,
# f("name") the field, outer()/inner() its first and last occurrence,
# note(NAME, VALUE) collects the distinct values of NAME in order of first
# appearance (an empty value shows as "none"), out() prints them.
AWK_LIB='
BEGIN { FS = "|" }
FNR == 1 { delete c; for (i = 1; i <= NF; i++) c[$i] = i; next }
function f(n) { return (n in c) ? $(c[n]) : "" }
function outer(n,  v) { v = f(n); sub(/,.*/, "", v); return v }
function inner(n,  v) { v = f(n); sub(/.*,/, "", v); return v }
function note(n, v) {
	if (v == "") v = "none"
	if ((n, v) in seen_)
		return
	seen_[n, v] = 1
	if (n in vals_) {
		vals_[n] = vals_[n] "," v
	} else {
		vals_[n] = v
		names_[++nnames_] = n
	}
}
function cnt(n) { count_[n]++; if (!(n in cnames_)) { cnames_[n] = 1; cnl_[++ncn_] = n } }
END {
	for (i = 1; i <= nnames_; i++) print names_[i] "=" vals_[names_[i]]
	for (i = 1; i <= ncn_; i++) print cnl_[i] "=" count_[cnl_[i]]
}
'

# obs NAME: a value from the current test's observed.txt (counts: 0 if absent).
obs() {
	v=$(sed -n "s/^$1=//p" "$observed" | head -n 1)
	case $1 in
	n_*) echo "${v:-0}" ;;
	*) echo "${v:-none}" ;;
	esac
}

# param NAME: a parameter of the current test's scenario (with --set applied).
param() {
	printf '%s\n' "$plan_params" | sed -n "s/^$1=//p" | head -n 1
}

# counter KIND NAME COUNTER: a value of the run's counters.csv, 0 if absent.
counter() {
	v=$(awk -F, -v k="$1" -v n="$2" -v c="$3" '$1==k && $2==n && $3==c {print $4}' \
		"$dir/counters.csv" 2>/dev/null | head -n 1)
	echo "${v:-0}"
}

# dut_drops: what dut dropped, by reason ("dut dropped 100 comet_no_rule"),
# from counters.csv.
dut_drops() {
	v=$(awk -F, '($2 == "dut" || $2 ~ /^dut[:\/]/) && $3 ~ /^drop_/ && $4 > 0 {
		printf "%s%s %s", s, $4, substr($3, 6); s = ", " }' "$dir/counters.csv" 2>/dev/null)
	echo "dut dropped ${v:-nothing}"
}

# want, json_str and row come from _lib.sh (row also writes the result
# to the test's observed.txt).

# run_scenario: run test $test's scenario into $dir; 0 if it ran.
run_scenario() {
	scn="$scn_dir/$(cd "$scn_dir" && ls "$test"-*.xml | head -n 1)"
	o=$(printf '%s' "$overrides" | sed -n "s/^$test=//p" | tail -n 1)
	[ -z "$o" ] || scn=$o
	set -- "$scn"
	while IFS= read -r s; do
		case $s in
		"$test":*|'*':*) set -- "$@" --set "${s#*:}" ;;
		esac
	done <<EOF
$sets
EOF
	plan_params=$("$COMETSIM" params "$@" 2>/dev/null)
	plan_count=$(param count)
	case $test:$plan_count in
	1:*|*:[1-9]*) ;;	# test 1 sends no datagrams
	*) mismatch="the scenario has no parameter count (datagrams per stream)" ;;
	esac
	if [ "$no_run" -eq 1 ]; then
		# Analyse the captures of an earlier run again.
		[ -f "$dir/counters.csv" ] && rc=0 || rc=1
		mkdir -p "$dir/evidence"
		echo "no run in $dir" >"$dir/evidence/cometsim-run.txt"
	else
		rm -rf "$dir"
		"$COMETSIM" run "$@" --out "$dir" --quiet >"$outdir/.run-$test.txt" 2>&1
		rc=$?
		mkdir -p "$dir/evidence"
		mv "$outdir/.run-$test.txt" "$dir/evidence/cometsim-run.txt"
	fi
	observed="$dir/evidence/observed.txt"
	printf 'scenario=%s\ncometsim_exit=%s\n' "$scn" "$rc" >"$observed"
	if [ "$rc" -ne 0 ]; then
		actual="cometsim run exited $rc: $(head -n 1 "$dir/evidence/cometsim-run.txt")"
		mismatch="the scenario did not run"
		return 1
	fi
	for p in dut-eth0 dut-eth1 dut-eth2; do
		if ! fields "$dir/$p.pcap" "$dir/evidence/$p.tsv"; then
			actual="tshark could not read $p.pcap"
			mismatch="no evidence"
			return 1
		fi
	done
	return 0
}

# ---- test 1: the CAFE agent's self test ----

# The CME-CAFE messages of a capture, one line a frame: frame|source port|
# summaries|expired records' bandwidth|cos|AS path|stream id (several
# messages or records of one frame joined by ";"; cmecafe.summary never
# holds a ";" or a "|").
AGENT_FIELDS='frame.number tcp.srcport cmecafe.summary cmecafe.expired.bandwidth
	cmecafe.expired.cos cmecafe.expired.as_path cmecafe.expired.id'

# agent_fields PCAP TSV PORT: the agent listening on PORT.
agent_fields() {
	set -- "$1" "$2" -o "cmecafe.port:$3" -T fields -E separator='|' -E aggregator=';' \
		-E header=y -Y cmecafe
	for f in $AGENT_FIELDS; do
		set -- "$@" -e "$f"
	done
	p=$1 o=$2
	shift 2
	HOME=$tshark_home "$TSHARK" -X "lua_script:$lua" -n -r "$p" "$@" >"$o" 2>"$o.err" ||
		{ echo "tshark failed on $p: $(head -n 3 "$o.err" | tr '\n' ' ')" >&2; return 1; }
	rm -f "$o.err"
}

test_1() {
	category="CAFE Agent"
	description="Perform self test of CAFE configuration agent (test.py): check configuration of 10 flows and then collection of the flows statistics"
	step="Initialise the CAFE agent on dut (cafe; usr.stateless.CafeAgent 9999). Run the self test on the tester tin (usr.stateless.AgentTest, Appendix B's test.py): connect to the agent at 10.0.12.2:9999, collect streams, receive the response, send CONFIGURE_STREAM for each flow (ids 1..N, 1.1.1.1 > 2.2.2.2 protocol 6 ports 80 > 0, bandwidth 1000, cos PR, keys 01 02 <id>, refresh time 10 s, AS path 1 2 3) and receive each response; then configurations the CAFE must refuse (stream id 3 again, an empty key list, source address 1.1.1.300); after the refresh time collect the expired streams; capture dut eth0, analyse with tshark + cometsim.lua"
	run_scenario || { expected="every flow configured and answered CAFE_SUCCESS"; row; return; }
	flows=$(param flows) refresh=$(param refresh) port=$(param port)
	case $flows in [1-9]*) ;; *) flows=0 ;; esac
	step=$(printf '%s' "$step" | sed "s/ids 1\.\.N/ids 1..$flows/; s/refresh time 10 s/refresh time $refresh s/; s/:9999/:$port/; s/CafeAgent 9999/CafeAgent $port/")
	if [ "$flows" -ge 3 ]; then dup=3; else dup=1; fi
	if ! agent_fields "$dir/dut-eth0.pcap" "$dir/evidence/agent.tsv" "$port"; then
		actual="tshark could not read dut-eth0.pcap"
		mismatch="no evidence"
		row
		return
	fi
	awk -F'|' -v port="$port" '
	function idof(m) { return match(m, / id=[0-9]+/) ? substr(m, RSTART + 4, RLENGTH - 4) : "none" }
	function add(v, x) { return v == "" ? x : v "," x }
	NR == 1 { next }
	{
		n = split($3, s, ";")
		for (i = 1; i <= n; i++) {
			m = s[i]
			if (m ~ /\[malformed/) mal++
			if ($2 != port) {
				if (m ~ /^GenericRequest COLLECT_EXPIRED_STREAMS/) rq_collect++
				else if (m ~ /^GenericRequest CONFIGURE_STREAM/) rq_conf++
				else rq_other++
			} else if (m ~ /^GenericResponse CAFE_SUCCESS CONFIGURE_STREAM/) {
				ok_ids = add(ok_ids, idof(m))
			} else if (m ~ /^GenericResponse CAFE_FAILURE CONFIGURE_STREAM/) {
				r = m
				sub(/^[^=]* id=[0-9]+ reason=/, "", r)
				fails = fails "fail_" idof(m) "=" r "\n"
				fail_ids = add(fail_ids, idof(m))
			} else if (m ~ /^GenericResponse CAFE_SUCCESS COLLECT_EXPIRED_STREAMS/) {
				k = m
				sub(/.* records=/, "", k)
				sub(/ .*/, "", k)
				collects = add(collects, k)
				ids = ""
				if (match(m, / ids=[0-9,]+/))
					ids = substr(m, RSTART + 5, RLENGTH - 5)
				last_ids = ids == "" ? "none" : ids
			} else {
				rs_other = add(rs_other, m)
			}
		}
		if ($2 == port && $4 != "") {
			nb = split($4, b, ";"); nc = split($5, c, ";"); np = split($6, a, ";")
			for (i = 1; i <= nb; i++) bw[b[i]]++
			for (i = 1; i <= nc; i++) cs[c[i]]++
			path = ""
			for (i = 1; i <= np; i++) path = add(path, a[i])
			last_bw = ""; for (v in bw) last_bw = add(last_bw, v); delete bw
			last_cos = ""; for (v in cs) last_cos = add(last_cos, v); delete cs
			last_path = path
			last_nrec = nb
		}
	}
	END {
		printf "n_req_collect=%d\nn_req_configure=%d\nn_req_other=%d\nn_malformed=%d\n", rq_collect, rq_conf, rq_other, mal
		printf "ok_ids=%s\nfail_ids=%s\ncollects=%s\nlast_ids=%s\n", ok_ids == "" ? "none" : ok_ids, fail_ids == "" ? "none" : fail_ids, collects == "" ? "none" : collects, last_ids == "" ? "none" : last_ids
		printf "last_bandwidth=%s\nlast_cos=%s\nlast_as_paths=%s\nn_last_records=%d\nother_responses=%s\n", last_bw == "" ? "none" : last_bw, last_cos == "" ? "none" : last_cos, last_path == "" ? "none" : last_path, last_nrec, rs_other == "" ? "none" : rs_other
		printf "%s", fails
	}' "$dir/evidence/agent.tsv" >>"$observed"
	seq_ids=$(seq -s, 1 "$flows")
	paths=$(i=0; s=''; while [ "$i" -lt "$flows" ]; do s="$s${s:+,}1,2,3"; i=$((i + 1)); done; echo "$s")
	n_rc=$(obs n_req_collect) n_rq=$(obs n_req_configure) n_mal=$(obs n_malformed)
	ok_ids=$(obs ok_ids) fail_ids=$(obs fail_ids) collects=$(obs collects) last_ids=$(obs last_ids)
	lbw=$(obs last_bandwidth) lcos=$(obs last_cos) lpath=$(obs last_as_paths) nrec=$(obs n_last_records)
	f_dup=$(obs "fail_$dup") f_empty=$(obs "fail_$((flows + 1))") f_addr=$(obs "fail_$((flows + 2))")
	n_ok=0
	[ "$ok_ids" = none ] || n_ok=$(printf '%s\n' "$ok_ids" | tr ',' '\n' | grep -c .)
	t_pass=$(counter agent_test tin/agent_test0 passed)
	t_succ=$(counter agent_test tin/agent_test0 successes)
	t_fexp=$(counter agent_test tin/agent_test0 failures_expected)
	t_funx=$(counter agent_test tin/agent_test0 failures_unexpected)
	t_rok=$(counter agent_test tin/agent_test0 records_ok)
	a_ok=$(counter cafe_agent dut/cafe_agent0 configure_success)
	a_fail=$(counter cafe_agent dut/cafe_agent0 configure_failure)
	a_mal=$(counter cafe_agent dut/cafe_agent0 malformed)
	verdict=$(sed -n 's/.* tin agent_test\/agent_test0 [A-Z]*: self test \([A-Z]*\):.*/\1/p' "$dir/log.txt" | tail -n 1)
	want "requests on the wire (COLLECT/CONFIGURE)" "$n_rc/$n_rq" "2/$((flows + 3))"
	want "CONFIGURE_STREAM answered CAFE_SUCCESS" "$ok_ids" "$seq_ids"
	want "CONFIGURE_STREAM answered CAFE_FAILURE" "$fail_ids" "$dup,$((flows + 1)),$((flows + 2))"
	case $f_dup in *"stream id $dup already exists"*) ;; *) want "duplicate id $dup" "$f_dup" "stream id $dup already exists" ;; esac
	case $f_empty in *"empty key list"*) ;; *) want "empty key list" "$f_empty" "empty key list" ;; esac
	case $f_addr in *"bad source address"*) ;; *) want "bad source address" "$f_addr" "bad source address \"1.1.1.300\"" ;; esac
	want "collects (records each)" "$collects" "0,$flows"
	want "records collected" "$last_ids" "$seq_ids"
	want "records' bandwidth" "$lbw" 1000
	want "records' cos" "$lcos" PR
	want "records' AS paths" "$lpath" "$paths"
	want "malformed messages on the wire" "$n_mal" 0
	want "agent counters (configured/refused/malformed)" "$a_ok/$a_fail/$a_mal" "$flows/3/0"
	want "self test" "${verdict:-none} ($t_succ successes, $t_fexp expected failures, $t_funx unexpected, $t_rok records as configured, passed $t_pass)" \
		"PASSED ($flows successes, 3 expected failures, 0 unexpected, $flows records as configured, passed 1)"
	expected="Configuration performed. Receive success message for each configuration for all $flows flows (CONFIGURE_STREAM ids 1-$flows answered CAFE_SUCCESS); the configurations the CAFE must refuse answered CAFE_FAILURE with their reason: duplicate id $dup (stream id $dup already exists), empty key list (id $((flows + 1))), bad source address (id $((flows + 2))); the first collect returns no stream, the collect after the refresh time returns the $flows flows' expired streams (ids 1-$flows) with bandwidth 1000, cos PR, AS path 1 2 3; no malformed message; the self test reports PASSED"
	if [ "$ok_ids" = "$seq_ids" ]; then shown="ids 1-$flows"; else shown="ids $ok_ids"; fi
	actual="on dut eth0: $n_rc COLLECT_EXPIRED_STREAMS and $n_rq CONFIGURE_STREAM requests; $n_ok CONFIGURE_STREAM answered CAFE_SUCCESS ($shown)"
	actual="$actual; duplicate id $dup answered CAFE_FAILURE: $f_dup; empty key list (id $((flows + 1))) answered CAFE_FAILURE: $f_empty; bad source address (id $((flows + 2))) answered CAFE_FAILURE: $f_addr"
	if [ "$last_ids" = "$seq_ids" ]; then shown="ids 1-$flows"; else shown="ids $last_ids"; fi
	actual="$actual; the collects returned $(printf '%s' "$collects" | sed 's/,/ and /g') expired streams, the last $nrec ($shown) with bandwidth $lbw, cos $lcos, AS paths $(printf '%s' "$lpath" | sed 's/^\(1,2,3\)\(,1,2,3\)*$/1 2 3 each/'); $n_mal malformed messages"
	actual="$actual; agent on dut: $a_ok configured, $a_fail refused, $a_mal malformed; self test on tin: ${verdict:-no verdict in the log} ($t_succ successes, $t_fexp expected failures, $t_funx unexpected, $t_rok records as configured)"
	row
}

# ---- test 1b: Appendix B's test.py itself, through the socket bridge ----

# The run of tests/scenarios/data/bridge-agent.xml lasts until a signal;
# the waits poll up to 60 s (tests/scenarios/bridge_wait.py).
test_1b() {
	category="CAFE Agent"
	description="Perform self test of CAFE configuration agent with test.py itself: D4.3 Appendix B's script, a real Python 3 program outside the emulator, configures 9 flows (its loop) on the emulated agent through the socket bridge"
	step="Initialise the CAFE agent on dut (cafe; usr.stateless.CafeAgent 9999), no emulated tester; a socket bridge carries connections to 127.0.0.1:PORT to dut:9999 from tin (10.0.12.1), across the link tin-dut. Run tests/cafe/appendix_b_live.py (test.py in Python 3, cmecafe_pb2 from protoc --python_out) against 127.0.0.1:PORT: collect streams, receive the response, send CONFIGURE_STREAM for flows 1..9 (1.1.1.1 > 2.2.2.2 protocol 6 ports 80 > 0, bandwidth 1000, cos PR, keys 01 02 <id>, refresh time 10 s, AS path 1 2 3) and receive each response; stop the run; capture dut eth0, analyse with tshark + cometsim.lua, and compare the messages the script sent and read with the capture's"
	expected="test.py: the collect answered CAFE_SUCCESS with no stream, CONFIGURE_STREAM ids 1-9 each answered CAFE_SUCCESS; on dut eth0 a connection from tin 10.0.12.1 carrying 1 COLLECT_EXPIRED_STREAMS and 9 CONFIGURE_STREAM requests and their answers (ids 1-9 CAFE_SUCCESS), byte for byte the 20 messages test.py sent and read, in order; no malformed message; agent on dut: 9 configured, 0 refused, 0 malformed"
	live="$top_srcdir/tests/cafe/appendix_b_live.py"
	cmp_py="$top_srcdir/tests/cafe/pcap_transcript.py"
	waitpy="$top_srcdir/tests/scenarios/bridge_wait.py"
	scn="$top_srcdir/tests/scenarios/data/bridge-agent.xml"
	py=
	for p in /usr/bin/python3 python3; do
		if "$p" -c 'import google.protobuf' 2>/dev/null; then py=$p; break; fi
	done
	why=
	[ -n "$py" ] || why="Python's protobuf module (python3-protobuf) is missing"
	command -v protoc >/dev/null 2>&1 || why="protoc (protobuf-compiler) is missing"
	for f in "$live" "$cmp_py" "$waitpy" "$scn"; do
		[ -f "$f" ] || why="$f is missing"
	done
	if [ -n "$why" ]; then
		echo "$me: test 1b skipped, no row: $why" >&2
		table="$table$(printf '%-4s %-28s %-6s %s' 1b "$category" SKIP "$why")$nl"
		return
	fi
	# The run writes into $dir (it must be empty); what comes before it waits beside.
	ev="$outdir/.1b"
	rm -rf "$dir" "$ev"
	mkdir -p "$ev/py"
	observed="$ev/observed.txt"
	if ! protoc --proto_path="$top_srcdir/entities/cafe" --python_out="$ev/py" \
		"$top_srcdir/entities/cafe/cmecafe.proto" 2>"$ev/protoc.txt"; then
		actual="protoc failed: $(head -n 1 "$ev/protoc.txt")"
		mismatch="no cmecafe_pb2"
		row
		return
	fi
	lp=$(python3 "$waitpy" free-port)
	"$COMETSIM" run "$scn" --set listen_port="$lp" --out "$dir" --quiet \
		>"$ev/cometsim-run.txt" 2>&1 &
	run_pid=$!
	if ! python3 "$waitpy" bound tcp "$lp"; then
		kill -INT "$run_pid" 2>/dev/null
		wait "$run_pid"
		actual="the bridge did not listen on 127.0.0.1:$lp: $(head -n 1 "$ev/cometsim-run.txt")"
		mismatch="the scenario did not run"
		row
		return
	fi
	PYTHONPATH="$ev/py" "$py" "$live" 127.0.0.1 "$lp" "$ev/script-transcript.txt" \
		>"$ev/script.txt" 2>&1
	src=$?
	python3 "$waitpy" idle "$lp"
	kill -INT "$run_pid" 2>/dev/null
	wait "$run_pid"
	rc=$?
	mkdir -p "$dir/evidence"
	mv "$ev"/* "$dir/evidence/"
	rmdir "$ev"
	ev="$dir/evidence"
	observed="$ev/observed.txt"
	printf 'scenario=%s\ncometsim_exit=%s\nscript_exit=%s\n' "$scn" "$rc" "$src" >"$observed"
	pcap="$dir/dut-eth0.pcap"
	if ! agent_fields "$pcap" "$ev/agent.tsv" 9999 ||
	   ! "$TSHARK" -n -r "$pcap" -Y 'tcp.port == 9999 && tcp.len > 0' -T fields \
		-e tcp.srcport -e tcp.payload >"$ev/segments.txt" 2>/dev/null; then
		actual="tshark could not read dut-eth0.pcap (cometsim exited $rc)"
		mismatch="no evidence"
		row
		return
	fi
	python3 "$cmp_py" "$ev/segments.txt" 9999 >"$ev/pcap-transcript.txt"
	awk -F'|' '
	function add(v, x) { return v == "" ? x : v "," x }
	NR == 1 { next }
	{
		n = split($3, s, ";")
		for (i = 1; i <= n; i++) {
			m = s[i]
			if (m ~ /\[malformed/) mal++
			if ($2 != 9999) {
				if (m ~ /^GenericRequest COLLECT_EXPIRED_STREAMS/) rq_collect++
				else if (m ~ /^GenericRequest CONFIGURE_STREAM/) rq_conf++
			} else if (m ~ /^GenericResponse CAFE_SUCCESS CONFIGURE_STREAM/) {
				ok_ids = add(ok_ids, match(m, / id=[0-9]+/) ? substr(m, RSTART + 4, RLENGTH - 4) : "none")
			} else if (m ~ /^GenericResponse CAFE_SUCCESS COLLECT_EXPIRED_STREAMS/) {
				k = m; sub(/.* records=/, "", k); sub(/ .*/, "", k); collects = add(collects, k)
			} else {
				other = add(other, m)
			}
		}
	}
	END {
		printf "n_req_collect=%d\nn_req_configure=%d\nn_malformed=%d\n", rq_collect, rq_conf, mal
		printf "ok_ids=%s\ncollects=%s\nother_responses=%s\n", ok_ids == "" ? "none" : ok_ids, collects == "" ? "none" : collects, other == "" ? "none" : other
	}' "$ev/agent.tsv" >>"$observed"
	n_script=$(grep -c . "$ev/script-transcript.txt" 2>/dev/null)
	if cmp -s "$ev/script-transcript.txt" "$ev/pcap-transcript.txt"; then same=yes; else same=no; fi
	from=$("$TSHARK" -n -r "$pcap" -Y 'tcp.dstport == 9999 && tcp.flags.syn == 1' -T fields \
		-e ip.src 2>/dev/null | sort -u | tr '\n' ' ' | sed 's/ $//')
	printf 'script_messages=%s\nsame_messages=%s\nfrom=%s\n' "${n_script:-0}" "$same" "$from" >>"$observed"
	verdict=$(tail -n 1 "$ev/script.txt")
	a_ok=$(counter cafe_agent dut/cafe_agent0 configure_success)
	a_fail=$(counter cafe_agent dut/cafe_agent0 configure_failure)
	a_mal=$(counter cafe_agent dut/cafe_agent0 malformed)
	n_rc=$(obs n_req_collect) n_rq=$(obs n_req_configure) n_mal=$(obs n_malformed)
	ok_ids=$(obs ok_ids) collects=$(obs collects) other=$(obs other_responses)
	want "test.py" "exit $src: $verdict" "exit 0: appendix_b_live: ok: 10 answers, 1 collect and 9 CAFE_SUCCESS"
	want "connections from" "$from" 10.0.12.1
	want "requests on the wire (COLLECT/CONFIGURE)" "$n_rc/$n_rq" 1/9
	want "CONFIGURE_STREAM answered CAFE_SUCCESS" "$ok_ids" 1,2,3,4,5,6,7,8,9
	want "collects (records each)" "$collects" 0
	want "other answers" "$other" none
	want "malformed messages on the wire" "$n_mal" 0
	want "messages test.py sent and read" "${n_script:-0}" 20
	want "the capture holds test.py's messages byte for byte, in order" "$same" yes
	want "agent counters (configured/refused/malformed)" "$a_ok/$a_fail/$a_mal" 9/0/0
	actual="test.py (exit $src): $verdict; on dut eth0 from ${from:-nobody}: $n_rc COLLECT_EXPIRED_STREAMS and $n_rq CONFIGURE_STREAM requests; CAFE_SUCCESS for ids $ok_ids; the collects returned $collects expired streams; $n_mal malformed messages; test.py sent and read ${n_script:-0} messages, and the capture holds $([ "$same" = yes ] && echo the same, byte for byte, in order || echo others); agent on dut: $a_ok configured, $a_fail refused, $a_mal malformed"
	row
}

# ---- test 2: interception ----

# The streams the tester sends: name, awk condition selecting its frames,
# how many, label, and the header it must leave dut's eth1 with.
STREAMS='A|f("ip.src") == "10.0.1.2" && f("udp.dstport") == "5001"|count|10.0.1.2 > 10.0.9.2 UDP :5001 (filter 21)|COMET v1 keys a3 length 1 index 1 cos 0 next 0x0800
B|f("ip.src") == "10.0.1.2" && f("udp.srcport") == "7002" && f("udp.dstport") == "5002"|count|10.0.1.2 :7002 > 10.0.9.2 :5002 UDP (filter 22)|COMET v1 keys a3 b1 length 2 index 1 cos 1 next 0x0800
C|f("ipv6.src") == "2001:db8:1::2" && f("udp.dstport") == "5003"|count|2001:db8:1::2 > 2001:db8:9::2 UDP :5003 (filter 23)|COMET v1 keys a3 b2 length 2 index 1 cos 2 next 0x86dd
D|f("ip.src") == "10.0.1.2" && f("icmp.type") == "8"|pings|10.0.1.2 > 10.0.9.2 ICMP echo (filter 24)|COMET v1 keys a3 b3 length 2 index 1 cos 0 next 0x0800
E|f("ip.src") == "10.0.12.1" && f("udp.dstport") == "5001"|count|10.0.12.1 > 10.0.9.2 UDP :5001 (no filter: source)|plain IPv4
F|f("ip.src") == "10.0.1.2" && f("udp.dstport") == "5004"|count|10.0.1.2 > 10.0.9.2 UDP :5004 (no filter: port)|plain IPv4
G|f("ipv6.src") == "2001:db8:1::2" && f("udp.dstport") == "5005"|count|2001:db8:1::2 > 2001:db8:9::2 UDP :5005 (no filter: port)|plain IPv6'

test_2() {
	category="CAFE intercept"
	description="Intercept based on src IP, dst IP, src port, dst port, protocol number, with different forwarding keys"
	step="Load the CAFE on dut intercepting on eth0; ci_tool add 4 filters (21: 10.0.1.2>10.0.9.2 UDP dport 5001 keys a3; 22: UDP sport 7002 keys a3b1 cos 1; 23: IPv6 2001:db8:1::2>2001:db8:9::2 UDP dport 5003 keys a3b2 cos 2; 24: >10.0.9.2 ICMP keys a3b3); cf_tool add_ethernet a3 eth1 $TOUT1_MAC; send 7 plain IP streams into eth0 (4 matching, 3 not); capture dut eth0/eth1, analyse with tshark + cometsim.lua"
	run_scenario || { expected="streams A-D intercepted with their filter's keys, E-G plain"; row; return; }
	count=${plan_count:-0}
	pings=$(param pings)
	pings=${pings:-0}
	# One awk program over eth0 (in) and eth1 (out) per stream.
	prog=$(printf '%s\n' "$STREAMS" | awk -F'|' '{
		printf "FILENAME ~ /dut-eth0/ && (%s) { note(\"in_%s\", sig()); cnt(\"n_in_%s\") }\n", $2, $1, $1
		printf "FILENAME ~ /dut-eth1/ && (%s) { note(\"out_%s\", sig()); cnt(\"n_out_%s\") }\n", $2, $1, $1
	}')
	awk "$AWK_LIB"'
	function sig() {
		if (f("comet.version") == "")
			return "plain " (outer("eth.type") == "0x86dd" ? "IPv6" : outer("eth.type") == "0x0800" ? "IPv4" : "EtherType " outer("eth.type"))
		return "COMET v" f("comet.version") " keys " f("comet.keys") " length " f("comet.length") \
			" index " f("comet.index") " cos " f("comet.cos") " next " f("comet.next_proto")
	}
	'"$prog" "$dir/evidence/dut-eth0.tsv" "$dir/evidence/dut-eth1.tsv" >>"$observed"
	expected="" actual=""
	while IFS='|' read -r s _cond n label sig; do
		case $n in count) n=$count ;; pings) n=$pings ;; esac
		in_n=$(obs "n_in_$s") in_sig=$(obs "in_$s") out_n=$(obs "n_out_$s") out_sig=$(obs "out_$s")
		plain_in="plain IPv4"
		case $sig in *0x86dd|*IPv6) plain_in="plain IPv6" ;; esac
		want "$s: frames in" "$in_n" "$n"
		want "$s: header in" "$in_sig" "$plain_in"
		want "$s: frames out" "$out_n" "$n"
		want "$s: header out" "$out_sig" "$sig"
		expected="$expected${expected:+; }$s $label: $n out, $sig"
		if [ "$out_n" -eq 0 ]; then o="none"; else o="$out_n $out_sig"; fi
		actual="$actual${actual:+; }$s: in $in_n $in_sig, out $o"
	done <<EOF
$STREAMS
EOF
	r1=$(counter recv snk/recv0 received) r2=$(counter recv snk/recv1 received)
	r3=$(counter recv snk/recv2 received) r4=$(counter recv snk/recv3 received)
	r5=$(counter recv snk/recv4 received) pr=$(counter ping src/ping0 received)
	want "snk received" "$r1/$r2/$r3/$r4/$r5, $pr echo replies" \
		"$((2 * count))/$count/$count/$count/$count, $pings echo replies"
	expected="$expected; snk receives every datagram (ports 5001-5005: $((2 * count))/$count/$count/$count/$count) and $pings echo replies"
	actual="$actual; snk received $r1/$r2/$r3/$r4/$r5, $pr echo replies; $(dut_drops)"
	row
}

# ---- tests 3 and 4: forwarding over Ethernet / VLAN ----

# forward_eth KEY TAG: the COMET frames dut gets with KEY current at index 1
# must leave eth1 (802.1Q-tagged with VLAN TAG unless TAG is "untagged").
forward_eth() {
	key=$1 tag=$2
	count=${plan_count:-0}
	awk "$AWK_LIB"'
	FILENAME ~ /dut-eth0/ && f("comet.version") != "" {
		if (outer("eth.src") == tin) {
			cnt("n_in"); note("in_index", f("comet.index")); note("in_key", f("comet.current_key"))
		} else cnt("n_leak_eth0")
	}
	FILENAME ~ /dut-eth1/ && f("comet.version") != "" {
		cnt("n_out"); note("out_index", f("comet.index")); note("out_src", outer("eth.src"))
		note("out_dst", outer("eth.dst")); note("out_ethertype", outer("eth.type"))
		note("out_tag", f("vlan.id") == "" ? "untagged" : f("vlan.id"))
		note("out_vlan_ethertype", f("vlan.etype"))
	}
	FILENAME ~ /dut-eth2/ && f("comet.version") != "" { cnt("n_leak_eth2") }
	' tin="$TIN_MAC" "$dir/evidence/dut-eth0.tsv" "$dir/evidence/dut-eth1.tsv" \
		"$dir/evidence/dut-eth2.tsv" >>"$observed"
	n_in=$(obs n_in) in_index=$(obs in_index) in_key=$(obs in_key)
	n_out=$(obs n_out) out_index=$(obs out_index) out_src=$(obs out_src) out_dst=$(obs out_dst)
	out_tag=$(obs out_tag) out_et=$(obs out_ethertype) out_vet=$(obs out_vlan_ethertype)
	leak0=$(obs n_leak_eth0) leak2=$(obs n_leak_eth2)
	rcv=$(counter recv snk/recv0 received) sent=$(counter send src/send0 sent)
	want "the tester sent" "$sent" "$count"
	want "COMET frames in" "$n_in" "$count"
	want "index in" "$in_index" 1
	want "current key in" "$in_key" "0x$key"
	want "COMET frames out of eth1" "$n_out" "$count"
	want "COMET frames out of eth0/eth2" "$leak0/$leak2" 0/0
	want "index out" "$out_index" 2
	want "source MAC" "$out_src" "$DUT1_MAC"
	want "destination MAC" "$out_dst" "$TOUT1_MAC"
	want "802.1Q" "$out_tag" "$tag"
	if [ "$tag" = untagged ]; then
		want "EtherType" "$out_et" 0xcccc
		hdr="EtherType 0xcccc, no 802.1Q tag"
	else
		want "EtherType" "$out_et/$out_vet" "0x8100/0xcccc"
		hdr="802.1Q tag with VLAN id $tag (EtherType 0x8100, inner 0xcccc)"
	fi
	want "snk received" "$rcv" "$count"
	expected="all $count COMET frames (key $key at index 1) leave eth1, none eth0/eth2; $hdr; index 1 -> 2; source MAC $DUT1_MAC (eth1's own); destination MAC $TOUT1_MAC (as configured); snk receives $count"
	actual="the tester sent $sent; $n_in COMET frames entered eth0 (index $in_index, current key $in_key)"
	if [ "$n_out" -eq 0 ]; then
		actual="$actual; no COMET frame left eth1 ($leak0 on eth0, $leak2 on eth2)"
	else
		if [ "$out_tag" = untagged ]; then t="no 802.1Q tag"; else t="802.1Q VLAN id $out_tag (inner EtherType $out_vet)"; fi
		actual="$actual; $n_out left eth1 ($leak0 on eth0, $leak2 on eth2) with EtherType $out_et, $t; index $out_index; source MAC $out_src; destination MAC $out_dst"
	fi
	actual="$actual; snk received $rcv; $(dut_drops)"
	row
}

test_3() {
	category="CAFE forward"
	description="Forwarding of COMET frames based on forwarding key via a standard Ethernet interface"
	step="cf_tool add_ethernet a3 eth1 $TOUT1_MAC on dut; the tester (tin) sends COMET frames with keys 01 a3 (index 1) to dut eth0; capture dut eth1, analyse with tshark + cometsim.lua"
	run_scenario || { expected="frames forwarded via eth1"; row; return; }
	forward_eth a3 untagged
}

test_4() {
	category="CAFE forward"
	description="Forwarding of COMET frames based on key via a VLAN interface"
	step="Configure VLAN interface eth1.100 (VLAN id $VID) on dut; cf_tool add_ethernet a4 eth1.100 $TOUT1_MAC; the tester sends COMET frames with keys 01 a4 (index 1) to dut eth0; capture dut eth1, analyse with tshark + cometsim.lua"
	run_scenario || { expected="frames forwarded via eth1.100"; row; return; }
	forward_eth a4 "$VID"
}

# ---- test 5: forwarding through a GRE tunnel ----

test_5() {
	category="CAFE forward"
	description="Forwarding of COMET frames based on key via a GRE tunnel interface"
	step="Configure GRE tunnel gre1 ($GRE_LOCAL -> $GRE_REMOTE over eth2) on dut; cf_tool add_device a5 gre1; the tester sends COMET frames with keys 01 a5 (index 1) to dut eth0; capture dut eth2, analyse with tshark + cometsim.lua"
	run_scenario || { expected="frames forwarded via gre1"; row; return; }
	count=${plan_count:-0}
	awk "$AWK_LIB"'
	FILENAME ~ /dut-eth0/ && f("comet.version") != "" {
		if (outer("eth.src") == tin) { cnt("n_in"); note("in_index", f("comet.index")); note("in_key", f("comet.current_key")) }
		else cnt("n_leak_eth0")
	}
	FILENAME ~ /dut-eth1/ && f("comet.version") != "" { cnt("n_leak_eth1") }
	FILENAME ~ /dut-eth2/ && f("arp.opcode") == "1" && f("arp.dst.proto_ipv4") == remote {
		if (!req) req = f("frame.number")
		note("arp_request_from", f("arp.src.hw_mac"))
	}
	FILENAME ~ /dut-eth2/ && f("arp.opcode") == "2" && f("arp.src.proto_ipv4") == remote {
		if (!rep) rep = f("frame.number")
		note("arp_reply_mac", f("arp.src.hw_mac"))
	}
	FILENAME ~ /dut-eth2/ && f("gre.proto") != "" {
		if (!gre) gre = f("frame.number")
		cnt("n_gre")
		if (f("comet.version") != "") cnt("n_gre_comet")
		note("gre_proto", f("gre.proto")); note("outer_src", outer("ip.src"))
		note("outer_dst", outer("ip.dst")); note("outer_proto", outer("ip.proto"))
		note("outer_ttl", outer("ip.ttl"))
		note("outer_checksum", outer("ip.checksum.status") == "1" ? "good" : outer("ip.checksum.status") == "0" ? "bad" : "unchecked")
		note("out_src", outer("eth.src")); note("out_dst", outer("eth.dst")); note("out_index", f("comet.index"))
	}
	END {
		# The three first frames in the order they were captured.
		k = 0
		if (req) { num[++k] = req + 0; what[k] = "request" }
		if (rep) { num[++k] = rep + 0; what[k] = "reply" }
		if (gre) { num[++k] = gre + 0; what[k] = "GRE" }
		for (i = 1; i <= k; i++)
			for (j = i + 1; j <= k; j++)
				if (num[j] < num[i]) {
					t = num[i]; num[i] = num[j]; num[j] = t
					t = what[i]; what[i] = what[j]; what[j] = t
				}
		order = k ? what[1] : "none"
		for (i = 2; i <= k; i++) order = order "," what[i]
		print "arp_order=" order; print "first_arp_request=" req; print "first_arp_reply=" rep; print "first_gre=" gre
	}
	' tin="$TIN_MAC" remote="$GRE_REMOTE" "$dir/evidence/dut-eth0.tsv" "$dir/evidence/dut-eth1.tsv" \
		"$dir/evidence/dut-eth2.tsv" >>"$observed"
	n_in=$(obs n_in) in_index=$(obs in_index) in_key=$(obs in_key)
	n_gre=$(obs n_gre) n_gre_comet=$(obs n_gre_comet) leak0=$(obs n_leak_eth0) leak1=$(obs n_leak_eth1)
	order=$(obs arp_order) arp_mac=$(obs arp_reply_mac) req_from=$(obs arp_request_from)
	req=$(obs first_arp_request) rep=$(obs first_arp_reply) first=$(obs first_gre)
	gp=$(obs gre_proto) osrc=$(obs outer_src) odst=$(obs outer_dst) oproto=$(obs outer_proto)
	ottl=$(obs outer_ttl) ocs=$(obs outer_checksum)
	src=$(obs out_src) dst=$(obs out_dst) idx=$(obs out_index)
	rcv=$(counter recv snk/recv0 received) sent=$(counter send src/send0 sent)
	want "the tester sent" "$sent" "$count"
	want "COMET frames in" "$n_in" "$count"
	want "index in" "$in_index" 1
	want "current key in" "$in_key" 0xa5
	want "GRE frames out of eth2" "$n_gre" "$count"
	want "COMET inside GRE" "$n_gre_comet" "$count"
	want "COMET frames out of eth0/eth1" "$leak0/$leak1" 0/0
	want "ARP request from" "$req_from" "$DUT2_MAC"
	want "order on eth2" "$order" "request,reply,GRE"
	want "GRE protocol" "$gp" 0xcccc
	want "outer IPv4" "$osrc > $odst proto $oproto TTL $ottl checksum $ocs" \
		"$GRE_LOCAL > $GRE_REMOTE proto 47 TTL 64 checksum good"
	want "index out" "$idx" 2
	want "source MAC" "$src" "$DUT2_MAC"
	want "destination MAC = ARP reply" "$dst" "$arp_mac"
	want "destination MAC" "$dst" "$TOUT2_MAC"
	want "snk received" "$rcv" "$count"
	expected="ARP request for $GRE_REMOTE and its reply on eth2 before the first GRE frame; all $count frames leave eth2 with IPv4 $GRE_LOCAL > $GRE_REMOTE proto 47 TTL 64 (checksum good) + GRE protocol 0xcccc + COMET, none eth0/eth1; index 1 -> 2; source MAC $DUT2_MAC (eth2's own); destination MAC resolved by ARP ($TOUT2_MAC); snk receives $count"
	actual="the tester sent $sent; $n_in COMET frames entered eth0 (index $in_index, current key $in_key)"
	if [ "$req" = none ]; then a="no ARP request for $GRE_REMOTE"; else a="ARP request (frame $req, from $req_from)"; fi
	if [ "$rep" = none ]; then a="$a, no ARP reply"; else a="$a, reply $arp_mac (frame $rep)"; fi
	if [ "$n_gre" -eq 0 ]; then
		actual="$actual; on eth2 (order $order): $a, no GRE frame ($leak0 COMET frames on eth0, $leak1 on eth1)"
	else
		actual="$actual; on eth2 (order $order): $a, first GRE frame $first; $n_gre GRE frames ($n_gre_comet with COMET; $leak0 COMET on eth0, $leak1 on eth1), outer IPv4 $osrc > $odst proto $oproto TTL $ottl checksum $ocs, GRE protocol $gp; index $idx; source MAC $src; destination MAC $dst"
	fi
	actual="$actual; snk received $rcv; $(dut_drops)"
	row
}

# ---- tests 6 and 7: decapsulation ----

# decap FAMILY: FAMILY is 4 or 6.
decap() {
	count=${plan_count:-0}
	if [ "$1" = 4 ]; then
		srcf=ip.src srca=10.0.1.2 ttlf=ip.ttl et=0x0800 ttlname=TTL fam=IPv4
	else
		srcf=ipv6.src srca=2001:db8:1::2 ttlf=ipv6.hlim et=0x86dd ttlname="hop limit" fam=IPv6
	fi
	awk "$AWK_LIB"'
	function mine() { return f(srcf) == srca && f("udp.dstport") == "5000" }
	FILENAME ~ /dut-eth0/ && mine() {
		if (outer("eth.src") == tin) {
			cnt("n_in"); if (f("comet.version") != "") cnt("n_in_comet")
			note("in_index_length", f("comet.index") "/" f("comet.length"))
			note("in_next", f("comet.next_proto")); note("in_ttl", f(ttlf))
		} else cnt("n_leak_eth0")
	}
	FILENAME ~ /dut-eth1/ && mine() {
		cnt("n_out"); if (f("comet.version") != "") cnt("n_out_comet")
		note("out_ethertype", outer("eth.type")); note("out_ttl", f(ttlf))
		note("out_src", outer("eth.src")); note("out_dst", outer("eth.dst"))
	}
	FILENAME ~ /dut-eth2/ && mine() { cnt("n_leak_eth2") }
	' tin="$TIN_MAC" srcf="$srcf" srca="$srca" ttlf="$ttlf" "$dir/evidence/dut-eth0.tsv" \
		"$dir/evidence/dut-eth1.tsv" "$dir/evidence/dut-eth2.tsv" >>"$observed"
	n_in=$(obs n_in) n_in_comet=$(obs n_in_comet) il=$(obs in_index_length) nx=$(obs in_next)
	in_ttl=$(obs in_ttl) n_out=$(obs n_out) n_out_comet=$(obs n_out_comet)
	oet=$(obs out_ethertype) ottl=$(obs out_ttl) osrc=$(obs out_src) odst=$(obs out_dst)
	leak0=$(obs n_leak_eth0) leak2=$(obs n_leak_eth2)
	rcv=$(counter recv snk/recv0 received) sent=$(counter send src/send0 sent)
	want "the tester sent" "$sent" "$count"
	want "COMET frames in" "$n_in_comet/$n_in" "$count/$count"
	want "index/length in" "$il" 1/1
	want "next protocol in" "$nx" "$et"
	want "$ttlname in" "$in_ttl" 64
	want "frames out of eth1" "$n_out" "$count"
	want "COMET header out" "$n_out_comet" 0
	want "frames out of eth0/eth2" "$leak0/$leak2" 0/0
	want "EtherType out" "$oet" "$et"
	want "$ttlname out" "$ottl" 63
	want "source MAC" "$osrc" "$DUT1_MAC"
	want "destination MAC" "$odst" "$TOUT1_MAC"
	want "snk received" "$rcv" "$count"
	expected="$count COMET frames with index = length = 1, next protocol $et, $ttlname 64 enter eth0; all $count leave eth1 (the $fam route's interface, next hop $TOUT1_MAC), none eth0/eth2, as $fam with EtherType $et, no COMET header, $ttlname 63; source MAC $DUT1_MAC; snk receives $count"
	actual="the tester sent $sent; $n_in frames entered eth0 ($n_in_comet COMET, index/length $il, next protocol $nx, inner $ttlname $in_ttl)"
	if [ "$n_out" -eq 0 ]; then
		actual="$actual; none left eth1 ($leak0 on eth0, $leak2 on eth2)"
	else
		actual="$actual; $n_out left eth1 ($leak0 on eth0, $leak2 on eth2) with EtherType $oet, $n_out_comet with a COMET header, $ttlname $ottl, source MAC $osrc, destination MAC $odst"
	fi
	actual="$actual; snk received $rcv; $(dut_drops)"
	row
}

test_6() {
	category="CAFE forward"
	description="Decapsulation of COMET frames and forwarding of de-capsulated IPv4 datagrams"
	step="Configure IPv4 routing on dut (10.0.9.0/24 via 10.0.23.2 on eth1); load the CAFE, no rule; the tester sends IPv4 datagrams in COMET frames with index = length = 1 to dut eth0; capture dut eth1, analyse with tshark + cometsim.lua"
	run_scenario || { expected="IPv4 datagrams forwarded by routing"; row; return; }
	decap 4
}

test_7() {
	category="CAFE forward"
	description="Decapsulation of COMET frames and forwarding of de-capsulated IPv6 datagrams"
	step="Configure IPv6 routing on dut (2001:db8:9::/64 via 2001:db8:23::2 on eth1); load the CAFE, no rule; the tester sends IPv6 datagrams in COMET frames with index = length = 1 to dut eth0; capture dut eth1, analyse with tshark + cometsim.lua"
	run_scenario || { expected="IPv6 datagrams forwarded by routing"; row; return; }
	decap 6
}

# ---- main ----

for test in 1 1b 2 3 4 5 6 7; do
	if [ -n "$only" ]; then
		case ",$only," in *",$test,"*) ;; *) continue ;; esac
	fi
	dir="$outdir/$test"
	mismatch='' expected='' actual='' plan_count='' plan_params=''
	observed="$outdir/.observed-$test.txt"
	"test_$test"
done
rm -f "$outdir"/.observed-*.txt

[ -z "$rows_file" ] || cp "$rows" "$rows_file" || die "cannot write $rows_file"
if [ "$quiet" -eq 0 ]; then
	echo "Stateless CAFE validation (D4.3 section 5.4.2), rows in $rows"
	printf '%-4s %-15s %-6s %s\n' Test Category Result Description
	printf '%s' "$table"
	echo "$nrows tests, $((nrows - nfail)) passed, $nfail failed"
fi
[ "$nrows" -gt 0 ] && [ "$nfail" -eq 0 ]
