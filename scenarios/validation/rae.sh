#!/bin/sh
# rae.sh - D4.3 section 4.4, the three RAE tests (single domain,
# multi-domain, stress), run in the emulator and evaluated into result
# rows like those of scenarios/validation/stateless.sh.
#
# usage: rae.sh OUTDIR [--cometsim PATH] [--rows FILE] [--only LIST]
#               [--prefixes N] [--no-run] [--quiet]
#
#   OUTDIR          each run goes to OUTDIR/<run>/ (removed first); rows go
#                   to OUTDIR/rows.jsonl
#   --cometsim PATH the program (default: $COMETSIM, else the build tree's
#                   cometsim, else cometsim on PATH)
#   --rows FILE     also write the rows to FILE
#   --only LIST     run only these tests, comma separated (--only 1,3)
#   --prefixes N    the east domain's prefixes in test 3 (default 10000)
#   --no-run        evaluate the runs already in OUTDIR again
#   --quiet         no table on stdout
#
# Environment: COMETSIM, TSHARK (default tshark), PYTHON (default
# python3), top_srcdir (default: two levels above this script).
#
# A row is one JSON object a line, keys in this order: category, test,
# description, step, expected, actual, result, run_dir.  "expected" comes
# from the configurations: for the paths, from the reference model
# scenarios/validation/rae_model.py, written apart from the C code from
# doc/rae.md ("Metric aggregation and the decision process"); "actual" only
# from what the runs logged (the CMEs'
# stores, the RAEs' session lines), counters.csv, summary.json and what
# tshark reads in the captures.  The evidence of each row stays in its
# run directory: log.txt, counters.csv, the captures, and evidence/ (the
# expected and the observed lines, compared with diff).
#
# Exit status: 0 if every row passes, 1 if one fails, 2 on a usage or
# set-up error.
#
# Tests 4 and 5 are the project's own, beyond D4.3 (doc/validation.md):
# the decision's tie-breaks where every path scores the same
# (scenarios/rae/ties.xml), and the same scenario with lossy control
# links, where the RAE sessions live on TCP's retransmissions.  Test 6
# is the peer table's ttl_value applied as TTL security
# (scenarios/rae/ttl.xml, doc/rae.md "ttl_value").  Tests 7 and 8 are
# two functions D4.3's plan names for its integration tests without
# making a test case of them (section 4.4.1: "updating of provisioning
# information and reset/unavailability of RAE"): a domain's provisioning
# and a peer link metric changed during the run (scenarios/rae/update.xml,
# rae_tool reload), and an RAE restarted (scenarios/rae/reset.xml,
# rae_tool restart).
set -u

me=rae.sh
here=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd)
: "${top_srcdir:=$(CDPATH='' cd -- "$here/../.." && pwd)}"
: "${TSHARK:=tshark}"
: "${PYTHON:=python3}"
raedir="$top_srcdir/scenarios/rae"
model="$here/rae_model.py"

usage() {
	sed -n '6,17p' "$here/$me" | sed 's/^# \{0,1\}//' >&2
	exit 2
}
die() {
	echo "$me: $*" >&2
	exit 2
}

outdir=''
rows_file=''
only='1,2,3,4,5,6,7,8'
prefixes=10000
quiet=0
no_run=0
cometsim_opt=''
while [ $# -gt 0 ]; do
	case $1 in
	--cometsim) [ $# -ge 2 ] || usage; cometsim_opt=$2; shift 2 ;;
	--rows) [ $# -ge 2 ] || usage; rows_file=$2; shift 2 ;;
	--only) [ $# -ge 2 ] || usage; only=$2; shift 2 ;;
	--prefixes) [ $# -ge 2 ] || usage; prefixes=$2; shift 2 ;;
	--no-run) no_run=1; shift ;;
	-q|--quiet) quiet=1; shift ;;
	-h|--help) usage ;;
	-*) echo "$me: unknown option $1" >&2; usage ;;
	*) [ -z "$outdir" ] || usage; outdir=$1; shift ;;
	esac
done
[ -n "$outdir" ] || usage
case $prefixes in ''|*[!0-9]*) die "--prefixes $prefixes: not a number" ;; esac
for t in $(echo "$only" | tr ',' ' '); do
	case $t in [1-8]) ;; *) die "--only: no test \"$t\" (tests 1 to 8)" ;; esac
done
wants() {
	case ",$only," in *",$1,"*) return 0 ;; esac
	return 1
}
if [ -n "$cometsim_opt" ]; then
	COMETSIM=$cometsim_opt
elif [ -z "${COMETSIM:-}" ]; then
	if [ -n "${top_builddir:-}" ] && [ -x "$top_builddir/cometsim" ]; then
		COMETSIM=$top_builddir/cometsim
	else
		COMETSIM=cometsim
	fi
fi
command -v "$COMETSIM" >/dev/null 2>&1 || [ -x "$COMETSIM" ] || die "no cometsim ($COMETSIM)"
"$PYTHON" -c 'import xml.etree.ElementTree' 2>/dev/null ||
	die "no $PYTHON (needed for the models; Debian: apt-get install python3)"
if wants 2 || wants 5 || wants 6 || wants 7 || wants 8; then
	command -v "$TSHARK" >/dev/null 2>&1 ||
		die "no tshark ($TSHARK): tests 2, 5, 6, 7 and 8 read the captures with it (Debian: apt-get install tshark)"
fi

mkdir -p "$outdir" || die "cannot create $outdir"
outdir=$(CDPATH='' cd -- "$outdir" && pwd)
rows="$outdir/rows.jsonl"
: >"$rows"
export HOME="$outdir/.home"
mkdir -p "$HOME"
nrows=0
nfail=0
nl='
'
table=''

json_str() {
	printf '%s\n' "$1" | tr -d '\000-\010\013-\037' |
		sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/	/\\t/g' |
		awk 'NR > 1 { printf "\\n" } { printf "%s", $0 }'
}

# row TEST DESCRIPTION STEP EXPECTED ACTUAL OK DIR
row() {
	if [ "$6" = 1 ]; then result=PASS; else result=FAIL; nfail=$((nfail + 1)); fi
	nrows=$((nrows + 1))
	printf '{"category":"rae","test":%s,"description":"%s","step":"%s","expected":"%s","actual":"%s","result":"%s","run_dir":"%s"}\n' \
		"$1" "$(json_str "$2")" "$(json_str "$3")" "$(json_str "$4")" \
		"$(json_str "$5")" "$result" "$(json_str "$7")" >>"$rows"
	table="$table$(printf '%-2s %-6s %s' "$1" "$result" "$2")$nl"
	table="$table$(printf '     expected: %s' "$4")$nl"
	table="$table$(printf '     actual:   %s' "$5")$nl"
}

# run NAME ARGS...: one cometsim run into OUTDIR/NAME (unless --no-run).
run() {
	name=$1
	shift
	[ "$no_run" -eq 1 ] && return 0
	rm -rf "${outdir:?}/$name"
	"$COMETSIM" run "$@" --set "raedir=$raedir" --out "$outdir/$name" --quiet \
		>"$outdir/$name.stdout" 2>"$outdir/$name.stderr" ||
		echo "$me: cometsim run for $name exited $?" >&2
}

# store DIR: the CME lines of a run (path_inf and prov_inf), without time and node.
store() {
	grep -E ' cme/cme[0-9]+ INFO: (path_inf|prov_inf AS [0-9]+ (prefix|provisioning))' \
		"$1/log.txt" 2>/dev/null | sed 's/^.* INFO: //' | LC_ALL=C sort
}

# counter DIR KIND NAME STAT
counter() {
	v=$(awk -F, -v k="$2" -v n="$3" -v c="$4" '$1==k && $2==n && $3==c {print $4}' \
		"$1/counters.csv" 2>/dev/null)
	echo "${v:-0}"
}

json_get() {
	"$PYTHON" -c 'import json, sys; v = json.load(open(sys.argv[1])).get(sys.argv[2]); print("%.6f" % v if isinstance(v, float) else "" if v is None else v)' "$1" "$2" 2>/dev/null
}

# compare EXPECTED_FILE ACTUAL_FILE: "N lines, all equal" or what differs; sets same=1/0.
compare() {
	ne=$(wc -l <"$1")
	if cmp -s "$1" "$2"; then
		same=1
		cmp_text="$ne lines, all equal"
	else
		same=0
		missing=$(LC_ALL=C comm -23 "$1" "$2" | wc -l)
		extra=$(LC_ALL=C comm -13 "$1" "$2" | wc -l)
		first=$(LC_ALL=C comm -3 "$1" "$2" | head -n 1 | sed 's/^\t/extra: /; s/^\([^e]\)/missing: \1/')
		cmp_text="$(wc -l <"$2") lines: $missing expected lines missing, $extra unexpected; first: $first"
	fi
}

# pcap_clean DIR PORT: "N frames to or from port, 0 bad" for every capture of the run.
pcap_clean() {
	total=0
	bad=0
	for f in "$1"/*.pcap; do
		[ -f "$f" ] || continue
		n=$("$TSHARK" -n -r "$f" -Y "tcp.port == $2" 2>/dev/null | wc -l)
		b=$("$TSHARK" -n -r "$f" -o ip.check_checksum:TRUE -o tcp.check_checksum:TRUE \
			-Y "tcp.port == $2 && (ip.checksum.status == \"Bad\" || tcp.checksum.status == \"Bad\" || _ws.malformed || _ws.expert.severity == \"Error\")" \
			2>/dev/null | wc -l)
		total=$((total + n))
		bad=$((bad + b))
	done
}

# ---- test 1: single domain ----

if wants 1; then
	d="$outdir/1-single"
	run 1-single "$raedir/single.xml"
	mkdir -p "$d/evidence"
	"$PYTHON" "$model" --prov "$raedir/rae11.xml" >"$d/evidence/expected.txt"
	store "$d" >"$d/evidence/observed.txt"
	grep '^prov_inf AS 11 prefix' "$d/evidence/expected.txt" >"$d/evidence/expected-prefixes.txt"
	grep '^prov_inf AS 11 prefix' "$d/evidence/observed.txt" >"$d/evidence/observed-prefixes.txt"
	compare "$d/evidence/expected-prefixes.txt" "$d/evidence/observed-prefixes.txt"
	exp=$(sed 's/^prov_inf AS 11 prefix //' "$d/evidence/expected-prefixes.txt" | tr '\n' ' ')
	act=$(sed 's/^prov_inf AS 11 prefix //' "$d/evidence/observed-prefixes.txt" | tr '\n' ' ')
	row 1 "the CME receives the domain's prefixes" \
		"RAE of AS 11 with D4.3 Appendix A's configuration (rae11.xml), CME on 10.203.3.1:9090; stores read at 4 s" \
		"ProvInf of AS 11: ${exp% }" "ProvInf of AS 11: ${act% } ($cmp_text)" "$same" "$d"

	grep '^prov_inf AS 11 provisioning' "$d/evidence/expected.txt" >"$d/evidence/expected-prov.txt"
	grep '^prov_inf AS 11 provisioning' "$d/evidence/observed.txt" >"$d/evidence/observed-prov.txt"
	compare "$d/evidence/expected-prov.txt" "$d/evidence/observed-prov.txt"
	row 1 "the CME receives the intra-domain paths and CoS provisioning" \
		"the same run: the provisioning table of Appendix A (prefix to prefix, prefix to border, border to prefix, border to border; classes 1 and 2)" \
		"$(wc -l <"$d/evidence/expected-prov.txt") provisioning entries with the metrics of each class, as configured" \
		"$cmp_text" "$same" "$d"

	paths=$(counter "$d" cme rae/cme0 store_prefixes)
	ups=$(counter "$d" rae rae/rae0 sessions_established)
	req=$(counter "$d" cme rae/cme0 requests)
	rep=$(counter "$d" rae rae/rae0 cme_replies)
	ok=0
	[ "$paths" -eq 0 ] && [ "$ups" -eq 0 ] && [ "$req" -ge 1 ] && [ "$req" -eq "$rep" ] && ok=1
	row 1 "no inter-domain path without a neighbour; every request answered" \
		"the neighbours of Appendix A (AS 5 at 10.5.3.1 and 10.9.3.1) are not emulated" \
		"0 sessions established, 0 prefixes with paths in the CME, every GenericRequest answered by a Reply" \
		"$ups sessions established, $paths prefixes with paths, $req requests, $rep replies" "$ok" "$d"
fi

# ---- test 2: multi-domain ----

multi_model() {
	( cd "$raedir/multi" && "$PYTHON" "$model" as1.xml as2.xml as3.xml as4.xml as5.xml \
		as6.xml as7.xml "$@" )
}

# hold_lines DIR FROM TO: "rN saw ASk dead at T" lines between FROM and TO seconds.
hold_lines() {
	awk -v a="$2" -v b="$3" '/-> Idle: hold timer expired/ && $1 > a && $1 <= b {
		split($6, p, "/"); sub("AS", "", p[1]); print $2 " declared AS" p[1] " dead at " $1 }' \
		"$1/log.txt" 2>/dev/null
}

if wants 2; then
	scn="$raedir/multi.xml"
	run 2-converged "$scn" --end 4.9s
	run 2-withdraw "$scn" --end 7.9s
	run 2-link-down "$scn" --end 13.9s
	run 2-router-down "$scn"

	d="$outdir/2-converged"
	mkdir -p "$d/evidence"
	multi_model >"$d/evidence/expected.txt"
	store "$d" | grep -v ' provisioning ' >"$d/evidence/observed.txt"
	pairs=$(grep '^path_inf' "$d/evidence/observed.txt" | awk '{print $3, $4}' | sort -u | wc -l)
	looped=0
	for k in 0 1 2 3 4 5 6; do
		looped=$((looped + $(counter "$d" rae "r$((k + 1))/rae$k" paths_looped)))
	done
	selfas=$(awk '/^path_inf/ { for (i = 6; i <= NF && $i != "class"; i++) if ($i == $3) n++ }
		END { print n + 0 }' "$d/evidence/observed.txt")
	own=$(awk '/^path_inf/ { split($4, x, "."); if (x[2] == $3 || (x[2] == 77 && $3 == 7)) n++ } END { print n + 0 }' \
		"$d/evidence/observed.txt")
	ok=0
	[ "$pairs" -eq 48 ] && [ "$own" -eq 0 ] && ok=1
	row 2 "every domain learns paths to every other domain's prefixes" \
		"7 domains, tiered (topologies/rae-multi.xml); every RAE and CME started at 0.1 s; stores read at 4.9 s" \
		"48 (domain, prefix) pairs in the CMEs: 7 domains x 7 prefixes of the others (10.N.0.0/16 and 10.77.0.0/16), none of a domain's own" \
		"$pairs pairs, $own of a domain's own" "$ok" "$d"
	ok=0
	[ "$looped" -gt 0 ] && [ "$selfas" -eq 0 ] && ok=1
	row 2 "a path that already holds the receiving AS is discarded" \
		"the same run: neighbours advertise paths through the receiver's AS too (no sender-side filter)" \
		"some paths discarded by their receivers (paths_looped > 0); no stored path holds its own domain's AS" \
		"$looped paths discarded; $selfas stored paths hold their own domain's AS" "$ok" "$d"
	compare "$d/evidence/expected.txt" "$d/evidence/observed.txt"
	row 2 "the right AS paths and aggregated metrics" \
		"the same run: every preferred path of every CME with the metric of each class" \
		"$(grep -c '^path_inf' "$d/evidence/expected.txt") preferred paths and 8 ProvInf prefixes as computed by rae_model.py" \
		"$cmp_text" "$same" "$d"

	d="$outdir/2-withdraw"
	mkdir -p "$d/evidence"
	multi_model --withdraw 10.77.0.0/16@7 >"$d/evidence/expected.txt"
	store "$d" | grep -v ' provisioning ' >"$d/evidence/observed.txt"
	left=$(grep -c ' 10\.77\.0\.0/16' "$d/evidence/observed.txt")
	compare "$d/evidence/expected.txt" "$d/evidence/observed.txt"
	ok=0
	[ "$left" -eq 0 ] && [ "$same" -eq 1 ] && ok=1
	row 2 "a withdrawn prefix disappears everywhere" \
		"AS 7 withdraws 10.77.0.0/16 at 5 s (rae_tool withdraw); stores read at 7.9 s" \
		"10.77.0.0/16 in no CME (nor in AS 7's ProvInf); every other path unchanged" \
		"10.77.0.0/16 in $left store lines; stores against the model: $cmp_text" "$ok" "$d"

	d="$outdir/2-link-down"
	mkdir -p "$d/evidence"
	multi_model --withdraw 10.77.0.0/16@7 --down-link 3-6 >"$d/evidence/expected.txt"
	store "$d" | grep -v ' provisioning ' >"$d/evidence/observed.txt"
	hold_lines "$d" 8 13.9 >"$d/evidence/hold.txt"
	nh=$(wc -l <"$d/evidence/hold.txt")
	late=$(awk '$NF > 11' "$d/evidence/hold.txt" | wc -l)
	via=$(grep -cE 'as_path( [0-9]+)* (3 6|6 3)( |$)' "$d/evidence/observed.txt")
	compare "$d/evidence/expected.txt" "$d/evidence/observed.txt"
	ok=0
	[ "$nh" -eq 2 ] && [ "$late" -eq 0 ] && [ "$via" -eq 0 ] && [ "$same" -eq 1 ] && ok=1
	row 2 "a link down: its sessions die within the hold time, alternatives take over" \
		"END_LINK r3 r6 at 8 s (hold time 3 s); stores read at 13.9 s" \
		"AS 3 and AS 6 declare each other dead between 8 s and 11 s; no path crosses 3-6; stores as the model without the link" \
		"$(tr '\n' ';' <"$d/evidence/hold.txt" | sed 's/;$//; s/;/; /g'); $via paths cross 3-6; stores against the model: $cmp_text" \
		"$ok" "$d"

	d="$outdir/2-router-down"
	mkdir -p "$d/evidence"
	multi_model --withdraw 10.77.0.0/16@7 --down-link 3-6 --down-as 2 >"$d/evidence/expected.txt"
	# AS 2's CME outlives its RAE and keeps what it was told: not evaluated.
	store "$d" | grep -v ' provisioning ' | grep -v '^path_inf AS 2 \|^prov_inf AS 2 ' \
		>"$d/evidence/observed.txt"
	hold_lines "$d" 14 20 >"$d/evidence/hold.txt"
	nh=$(grep -c 'AS2 dead' "$d/evidence/hold.txt")
	late=$(awk '$NF > 17' "$d/evidence/hold.txt" | wc -l)
	via=$(grep -cE 'as_path( [0-9]+)* 2( |$)| 10\.2\.0\.0/16' "$d/evidence/observed.txt")
	compare "$d/evidence/expected.txt" "$d/evidence/observed.txt"
	ok=0
	[ "$nh" -eq 3 ] && [ "$late" -eq 0 ] && [ "$via" -eq 0 ] && [ "$same" -eq 1 ] && ok=1
	row 2 "an RAE stops: its paths are withdrawn within the hold time, alternatives take over" \
		"END_ROUTER r2 at 14 s (the RAE of tier-1 AS 2); stores read at 20 s" \
		"AS 1, 3 and 4 declare AS 2 dead between 14 s and 17 s; no path through AS 2, no path to 10.2.0.0/16; stores as the model without AS 2" \
		"$(tr '\n' ';' <"$d/evidence/hold.txt" | sed 's/;$//; s/;/; /g'); $via paths through AS 2 or to its prefix; stores against the model: $cmp_text" \
		"$ok" "$d"

	pcap_clean "$d" 10001
	ok=0
	[ "$total" -gt 0 ] && [ "$bad" -eq 0 ] && ok=1
	row 2 "the inter-RAE sessions on the wire are sound TCP" \
		"the same run: every capture, TCP port 10001, read by tshark with checksum validation" \
		"frames on port 10001, none with a bad checksum, malformed or a TCP error" \
		"$total frames, $bad bad" "$ok" "$d"
fi

# ---- test 3: stress ----

if wants 3; then
	d="$outdir/3-stress"
	# The RAEs log their update rounds at debug level ("announcing N
	# prefixes (K path sets)").
	run 3-stress "$raedir/stress.xml" --set "prefixes=$prefixes" --pcap none \
		--log info,rae=debug
	n=$((prefixes + 1))
	sp=$(counter "$d" cme cw/cme0 store_prefixes)
	pp=$(counter "$d" cme cw/cme0 store_paths)
	pin=$(counter "$d" rae rw/rae0 prefixes_in)
	mal=$(counter "$d" rae rw/rae0 malformed)
	ok=0
	[ "$sp" -eq "$n" ] && [ "$pp" -eq "$n" ] && [ "$pin" -eq "$n" ] && [ "$mal" -eq 0 ] && ok=1
	row 3 "the west domain receives every path and passes it to the CME" \
		"two domains (topologies/rae-stress.xml); east AS 200 hosts $prefixes generated /24s and 10.200.0.0/16" \
		"west's RAE receives $n prefixes and its CME stores $n prefixes with one path each" \
		"RAE received $pin prefixes, CME stores $sp prefixes with $pp paths, $mal malformed messages" "$ok" "$d"
	# The expectation, from the scenario, its topology and the two RAE
	# configurations (scenarios/validation/rae_stress.py, doc/validation.md):
	# the one figure it takes from the run is the bytes the east RAE sent.
	# ncounter KIND NODE STAT: a counter of the entity on NODE.
	ncounter() {
		v=$(awk -F, -v k="$1" -v n="$2/" -v c="$3" \
			'$1 == k && substr($2, 1, length(n)) == n && $3 == c { print $4 }' \
			"$d/counters.csv" 2>/dev/null)
		echo "${v:-0}"
	}
	mkdir -p "$d/evidence"
	"$PYTHON" "$here/rae_stress.py" "$raedir/stress.xml" --raedir "$raedir" \
		--prefixes "$prefixes" --bytes "$(ncounter rae re bytes_out)" \
		>"$d/evidence/model.txt" 2>"$d/evidence/model.err" ||
		die "rae_stress.py: $(cat "$d/evidence/model.err")"
	m() { sed -n "s/^$1=//p" "$d/evidence/model.txt"; }
	W=$(m west)
	E=$(m east)
	secs() { awk -v n="$1" 'BEGIN { printf "%.6f", n / 1e9 }'; }
	conv=$(ncounter rae "$W" last_change_ns)
	# rounds NODE PEER_AS: "TIME N prefixes (K path sets)", one line per round.
	rounds() {
		grep -E "^[0-9.]+ $1 rae/[^ ]+ DEBUG: peer AS$2/[^:]*: announcing " "$d/log.txt" 2>/dev/null |
			sed 's/^\([0-9.]*\) .*: announcing /\1 /'
	}
	rounds "$E" "$(m west_as)" >"$d/evidence/rounds-east.txt"
	rounds "$W" "$(m east_as)" >"$d/evidence/rounds-west.txt"
	up_e=$(grep -E "^[0-9.]+ $E rae/[^ ]+ INFO: peer AS$(m west_as)/[^:]*: session up" "$d/log.txt" |
		head -n 1 | awk '{ print $1 }')
	want_e="${up_e:-?} $(m east_prefixes) prefixes ($(m east_path_sets) path sets)"
	want_w="$(m west_prefixes) prefixes ($(m west_path_sets) path sets)"
	ok=0
	awk -v c="$conv" -v lo="$(m lower)" -v hi="$(m upper)" -v s2="$(m second_round)" \
		'BEGIN { c /= 1e9; exit !(c >= lo - 1e-9 && c <= hi + 1e-9 && c < s2) }' &&
		[ "$(wc -l <"$d/evidence/rounds-east.txt")" -eq 1 ] &&
		[ "$(cat "$d/evidence/rounds-east.txt")" = "$want_e" ] &&
		[ "$(wc -l <"$d/evidence/rounds-west.txt")" -eq 1 ] &&
		[ "$(cut -d' ' -f2- "$d/evidence/rounds-west.txt")" = "$want_w" ] && ok=1
	tell=''
	awk -v hi="$(m upper)" -v s2="$(m second_round)" 'BEGIN { exit !(hi >= s2) }' &&
		tell=' (the transfer is too long for time alone to tell one round from two)'
	row 3 "convergence: one update round each way, within the bound of the topology and timers" \
		"the same run, the RAEs' update rounds logged at debug level; RAEs start at $(m start) s, link $W-$E delay $(m delay) s at $(m bandwidth) bit/s, minimum_update_interval $(m mrai) s" \
		"$W's last change of a preferred path between $(m lower) s (start + 4 delays: TCP handshake, Open, confirming Open with the first update) and $(m upper) s (start + 5 delays, then $(m windows) TCP windows of 64 KiB at one round trip each, then a delay), before a second round could arrive ($(m second_round) s)$tell; $E announces once, when its session comes up (at ${up_e:-?} s): $(m east_prefixes) prefixes ($(m east_path_sets) path sets); $W announces once: $want_w" \
		"$W's last change at $(secs "$conv") s; $E's session up at ${up_e:-never}; $E's rounds: $(tr '\n' ';' <"$d/evidence/rounds-east.txt" | sed 's/;$//; s/;/; /g'); $W's rounds: $(tr '\n' ';' <"$d/evidence/rounds-west.txt" | sed 's/;$//; s/;/; /g')" \
		"$ok" "$d"

	upw=$(ncounter rae "$W" update_out)
	upe=$(ncounter rae "$E" update_out)
	uiw=$(ncounter rae "$W" update_in)
	uie=$(ncounter rae "$E" update_in)
	pow=$(ncounter rae "$W" prefixes_out)
	poe=$(ncounter rae "$E" prefixes_out)
	wd=$(($(ncounter rae "$W" withdraw_out) + $(ncounter rae "$E" withdraw_out)))
	sess="$(ncounter rae "$W" sessions_established) $(ncounter rae "$E" sessions_established)"
	resets=$(($(ncounter rae "$W" session_resets) + $(ncounter rae "$E" session_resets)))
	kaw=$(ncounter rae "$W" keepalive_out)
	kae=$(ncounter rae "$E" keepalive_out)
	kmin=$(m keepalives_min)
	kmax=$(m keepalives_max)
	req=$(ncounter cme cw requests)
	wall=$(json_get "$d/summary.json" wall_s)
	rss=$(json_get "$d/summary.json" peak_rss_kb)
	ok=0
	[ "$sess" = "1 1" ] && [ "$resets" -eq 0 ] && [ "$wd" -eq 0 ] &&
		[ "$pow" -eq "$(m west_prefixes)" ] && [ "$upw" -eq 1 ] && [ "$uie" -eq "$upw" ] &&
		[ "$poe" -eq "$(m east_prefixes)" ] && [ "$upe" -ge 1 ] && [ "$uiw" -eq "$upe" ] &&
		[ "$kaw" -ge "$kmin" ] && [ "$kaw" -le "$kmax" ] &&
		[ "$kae" -ge "$kmin" ] && [ "$kae" -le "$kmax" ] && ok=1
	kexp=$kmin
	[ "$kmin" -eq "$kmax" ] || kexp="$kmin to $kmax"
	row 3 "messages: what each session carries" \
		"the same run, the RAEs' counters (end of run at $(m end) s); memory and wall-clock time are reported, not judged" \
		"one session each side, no reset, no withdraw; $W sends its $(m west_prefixes) prefix(es) once, in 1 UPDATE; $E sends each of its $(m east_prefixes) prefixes once, and every UPDATE it sends arrives; $kexp keepalives each way (one per $(m keepalive) s from the session's start to the end)" \
		"sessions established $sess, $resets resets, $wd withdraws; $W: $upw UPDATEs out with $pow prefixes, $uie arrived; $E: $upe UPDATEs out with $poe prefixes, $uiw arrived; keepalives $W $kaw, $E $kae; $req CME requests; run $wall s wall, peak RSS $rss KB" \
		"$ok" "$d"
fi

# ---- test 4: ties in the decision (the project's, beyond D4.3) ----

ties_model() {
	( cd "$raedir/ties" && "$PYTHON" "$model" as1.xml as2.xml as3.xml as4.xml as5.xml \
		as6.xml "$@" )
}

# tie_row DIR PREFIX WIN LOSE DESCRIPTION RULE: AS 1 must prefer the AS
# path WIN to PREFIX over LOSE, which the model says ties it on score.
tie_row() {
	cands=$(grep " $2 class 1 rank " "$1/evidence/candidates.txt")
	w_path=$(echo "$cands" | sed -n 's/.* rank 1 as_path \(.*\) score .*/\1/p')
	l_path=$(echo "$cands" | sed -n 's/.* rank 2 as_path \(.*\) score .*/\1/p')
	w_score=$(echo "$cands" | sed -n 's/.* rank 1 as_path .* score \([^ ]*\).*/\1/p')
	l_score=$(echo "$cands" | sed -n 's/.* rank 2 as_path .* score \([^ ]*\).*/\1/p')
	got=$(grep "^path_inf AS 1 $2 " "$1/evidence/observed.txt")
	want=$(grep "^path_inf AS 1 $2 " "$1/evidence/expected.txt")
	got_path=$(echo "$got" | sed -n 's/.* as_path \(.*\) class .*/\1/p' | tr '\n' ';' | sed 's/;$//')
	ok=0
	[ "$w_path" = "$3" ] && [ "$l_path" = "$4" ] && [ -n "$w_score" ] &&
		[ "$w_score" = "$l_score" ] && [ -n "$got" ] && [ "$got" = "$want" ] && ok=1
	row 4 "$5" \
		"six domains, every path scoring the same (flat achievement function, every metric inside its aspiration level; topologies/rae-ties.xml); limit_of_preferred_paths 1; stores read at 6 s" \
		"AS 1 prefers $3 to $2 ($6): the model ranks $3 first and $4 second, both with score 1.03; AS 1's CME holds: ${want#path_inf AS 1 }" \
		"AS 1's CME holds as_path ${got_path:-nothing} to $2 (${got#path_inf AS 1 }); the model ranks ${w_path:-?} (score ${w_score:-?}) then ${l_path:-?} (score ${l_score:-?})" \
		"$ok" "$1"
}

if wants 4; then
	run 4-ties "$raedir/ties.xml"
	d="$outdir/4-ties"
	mkdir -p "$d/evidence"
	ties_model >"$d/evidence/expected.txt"
	ties_model --candidates 1 >"$d/evidence/candidates.txt"
	store "$d" | grep -v ' provisioning ' >"$d/evidence/observed.txt"
	tie_row "$d" 10.4.0.0/16 "3 4" "2 5 4" \
		"equal scores: the shorter AS path is preferred" \
		"the shorter AS path, although 2 is the lower next-hop AS"
	tie_row "$d" 10.6.0.0/16 "2 6" "3 6" \
		"equal scores and AS path lengths: the lower next-hop AS is preferred" \
		"the lower next-hop AS, although AS 3 is AS 1's first peer"
	compare "$d/evidence/expected.txt" "$d/evidence/observed.txt"
	row 4 "every domain decides its ties as the model does" \
		"the same run: every preferred path of every CME, and every domain's own prefix" \
		"$(grep -c '^path_inf' "$d/evidence/expected.txt") preferred paths and 6 ProvInf prefixes as computed by rae_model.py" \
		"$cmp_text" "$same" "$d"
fi

# ---- test 5: lossy control links (the project's, beyond D4.3) ----

if wants 5; then
	loss=0.1
	run 5-lossy "$raedir/ties.xml" --end 15s --set "link.r1-r2.loss=bernoulli $loss" \
		--set "link.r1-r3.loss=bernoulli $loss"
	d="$outdir/5-lossy"
	mkdir -p "$d/evidence"
	lost=$(($(counter "$d" link r1-r2 drop_loss) + $(counter "$d" link r1-r3 drop_loss)))
	rexmit=0
	: >"$d/evidence/retransmissions.txt"
	# Data segments sent again (not SYNs or FINs): what TCP's retransmission did.
	for f in "$d"/r1-eth1.pcap "$d"/r1-eth2.pcap "$d"/r2-eth1.pcap "$d"/r3-eth1.pcap; do
		[ -f "$f" ] || continue
		"$TSHARK" -n -r "$f" -Y 'tcp.port == 10001 && tcp.len > 0 &&
			(tcp.analysis.retransmission || tcp.analysis.fast_retransmission)' \
			2>/dev/null >>"$d/evidence/retransmissions.txt"
	done
	rexmit=$(wc -l <"$d/evidence/retransmissions.txt")
	seen="tshark finds $rexmit data segments sent again on port 10001 (r1 eth1 and eth2, r2 eth1, r3 eth1)"
	ok=0
	[ "$lost" -gt 0 ] && [ "$rexmit" -gt 0 ] && ok=1
	row 5 "frames of the RAE sessions are lost and TCP sends them again" \
		"the test 4 scenario to 15 s with Bernoulli loss $loss on AS 1's control links r1-r2 and r1-r3 (both directions)" \
		"frames lost on r1-r2 and r1-r3 (drop_loss > 0); retransmitted TCP data segments on port 10001 in the captures" \
		"$lost frames lost; $seen" "$ok" "$d"

	resets=$(counter "$d" rae r1/rae0 session_resets)
	est=$(counter "$d" rae r1/rae0 sessions_established)
	ok=0
	[ "$resets" -eq 0 ] && [ "$est" -eq 2 ] && ok=1
	row 5 "the sessions ride out the loss" \
		"the same run (keepalive 1 s, hold time 3 s)" \
		"AS 1's two sessions established once each and never reset: a lost message comes again within the hold time" \
		"$est sessions established, $resets resets" "$ok" "$d"

	ties_model >"$d/evidence/expected.txt"
	store "$d" | grep -v ' provisioning ' >"$d/evidence/observed.txt"
	compare "$d/evidence/expected.txt" "$d/evidence/observed.txt"
	row 5 "the domains converge as without loss" \
		"the same run: every CME's store at 15 s" \
		"the stores of test 4, as computed by rae_model.py: $(grep -c '^path_inf' "$d/evidence/expected.txt") preferred paths and 6 ProvInf prefixes" \
		"$cmp_text" "$same" "$d"
fi

# ---- test 6: ttl_value as TTL security (the project's, beyond D4.3) ----

# ttls PCAP SRC: the IP TTLs of port-10001 frames from SRC in a capture, "TTL:COUNT ...".
ttls() {
	"$TSHARK" -n -r "$1" -Y "tcp.port == 10001 && ip.src == $2" -T fields -e ip.ttl \
		2>/dev/null | sort | uniq -c | awk '{ printf "%s%s:%s", (NR > 1 ? " " : ""), $2, $1 }'
}

if wants 6; then
	d="$outdir/6-ttl"
	run 6-ttl "$raedir/ttl.xml"
	# r1 (AS 1) is 172.21.2.1 towards m, 172.21.1.1 towards r2; r3 is 172.21.3.2.
	t12=$(ttls "$d/r1-eth1.pcap" 172.21.1.1)
	t21=$(ttls "$d/r1-eth1.pcap" 172.21.1.2)
	t13=$(ttls "$d/r3-eth1.pcap" 172.21.2.1)
	t31=$(ttls "$d/r3-eth1.pcap" 172.21.3.2)
	t31m=$(ttls "$d/m-eth1.pcap" 172.21.3.2)
	ok=0
	case "$t12|$t21|$t13|$t31|$t31m" in
	255:[0-9]*\|255:[0-9]*\|254:[0-9]*\|255:[0-9]*\|254:[0-9]*) ok=1 ;;
	esac
	row 6 "ttl_value: the session's packets leave with TTL 255 and arrive with 255 minus the routers crossed" \
		"scenarios/rae/ttl.xml: AS 1 to AS 2 directly connected (ttl_value 1), AS 1 to AS 3 through router m (ttl_value 2); tshark reads ip.ttl on TCP port 10001" \
		"r1-r2: 255 both ways; on r3's link: 254 from AS 1, 255 from AS 3; on m's link to r1: 254 from AS 3" \
		"r1-r2: AS 1 $t12, AS 2 $t21 (TTL:frames); r3's link: AS 1 $t13, AS 3 $t31; m's link to r1: AS 3 $t31m" \
		"$ok" "$d"

	e12=$(counter "$d" rae r2/rae1 sessions_established)
	e13=$(counter "$d" rae r3/rae2 sessions_established)
	e14=$(counter "$d" rae r4/rae3 sessions_established)
	drops=$(counter "$d" node r4 drop_tcp_min_ttl)
	syn4=$("$TSHARK" -n -r "$d/r4-eth1.pcap" -Y 'tcp.port == 10001 && tcp.flags.syn == 1 && tcp.flags.ack == 0 && ip.ttl == 254' 2>/dev/null | wc -l)
	synack4=$("$TSHARK" -n -r "$d/r4-eth1.pcap" -Y 'tcp.port == 10001 && tcp.flags.syn == 1 && tcp.flags.ack == 1' 2>/dev/null | wc -l)
	ok=0
	[ "$e12" -eq 1 ] && [ "$e13" -eq 1 ] && [ "$e14" -eq 0 ] && [ "$syn4" -gt 0 ] &&
		[ "$drops" -eq "$syn4" ] && [ "$synack4" -eq 0 ] && ok=1
	row 6 "ttl_value: a peer farther than ttl_value allows never gets a session" \
		"the same run: AS 4 is two hops from AS 1 (through m) with ttl_value 1 on both sides" \
		"the sessions AS 1-AS 2 and AS 1-AS 3 come up once each; AS 4 none: AS 1's SYNs reach r4 with TTL 254, each dropped (reason tcp_min_ttl), no SYN-ACK" \
		"sessions established: AS 2 $e12, AS 3 $e13, AS 4 $e14; r4's link: $syn4 SYNs with TTL 254, $synack4 SYN-ACKs; r4 drop_tcp_min_ttl $drops" \
		"$ok" "$d"
fi

# ---- test 7: updating the provisioning information (D4.3 4.4.1's plan) ----

# rae_tshark ARGS...: tshark with the project's dissector and the .proto
# folder (written without "..", which Wireshark 4.0 does not follow).
rae_tshark() {
	src=$(cd "$top_srcdir" && pwd -P)
	"$TSHARK" -n -X "lua_script:$src/output/wireshark/cometsim.lua" \
		-o "uat:protobuf_search_paths:\"$src/entities/rae\",\"TRUE\"" \
		-o protobuf.pbf_as_hf:TRUE -o protobuf.preload_protos:TRUE "$@" 2>/dev/null
}

if wants 7; then
	scn="$raedir/update.xml"
	run 7-provisioning "$scn" --end 9.9s
	run 7-link-metric "$scn"
	up3="$raedir/update/as3-update.xml"
	up1="$raedir/update/as1-update.xml"

	d="$outdir/7-provisioning"
	mkdir -p "$d/evidence"
	ties_model --reload "$up3" >"$d/evidence/expected.txt"
	( cd "$raedir/ties" && "$PYTHON" "$model" --prov as3.xml --reload "$up3" ) |
		grep '^prov_inf AS 3 provisioning' >"$d/evidence/expected-prov.txt"
	store "$d" >"$d/evidence/observed-all.txt"
	grep '^prov_inf AS 3 provisioning' "$d/evidence/observed-all.txt" >"$d/evidence/observed-prov.txt"
	grep -v ' provisioning ' "$d/evidence/observed-all.txt" >"$d/evidence/observed.txt"
	compare "$d/evidence/expected-prov.txt" "$d/evidence/observed-prov.txt"
	reloads=$(counter "$d" rae r3/rae2 reloads)
	changed=$(grep -c 'AS 1 -> AS 4 class 1 delay 0.3 ' "$d/evidence/observed-prov.txt")
	ok=0
	[ "$same" -eq 1 ] && [ "$reloads" -eq 1 ] && [ "$changed" -eq 1 ] && ok=1
	row 7 "a provisioning update reaches the CME" \
		"the six domains of test 4 (scenarios/rae/update.xml); at 6 s AS 3 loads update/as3-update.xml (rae_tool reload): its transit from AS 1 to AS 4 now has a delay of 0.3 s; stores read at 9.9 s" \
		"AS 3's RAE reloads once; its CME holds the new provisioning table as rae_model.py reads it from as3-update.xml: $(wc -l <"$d/evidence/expected-prov.txt") entries, AS 1 -> AS 4 with delay 0.3" \
		"$reloads reloads; AS 1 -> AS 4 with delay 0.3 in $changed entries; CME store against the model: $cmp_text" \
		"$ok" "$d"

	readv=$(counter "$d" rae r3/rae2 reload_readvertised)
	want_readv=$(ties_model --reload "$up3" --readvertised 3 | sed -n 's/^readvertised AS 3 //p')
	got=$(grep '^path_inf AS 1 10\.4\.0\.0/16 ' "$d/evidence/observed.txt" | sed 's/ class .*//; s/.* as_path //')
	compare "$d/evidence/expected.txt" "$d/evidence/observed.txt"
	ok=0
	[ -n "$want_readv" ] && [ "$readv" -eq "$want_readv" ] && [ "$got" = "2 5 4" ] &&
		[ "$same" -eq 1 ] && ok=1
	row 7 "the changed paths are advertised again and the domains decide again" \
		"the same run: AS 3 compares what it advertises to each peer under both configurations and sends what changed; AS 1 scores 3 4 with AS 3's new transit" \
		"AS 3 advertises again the $want_readv (peer, prefix) pairs whose advertisement changes (rae_model.py --readvertised 3); AS 1 prefers 2 5 4 to 10.4.0.0/16 instead of 3 4; every CME as rae_model.py computes it from as3-update.xml" \
		"AS 3 advertised $readv pairs again; AS 1's CME holds as_path ${got:-nothing} to 10.4.0.0/16; stores against the model: $cmp_text" \
		"$ok" "$d"

	d="$outdir/7-link-metric"
	mkdir -p "$d/evidence"
	# AS 1 is 172.20.2.1 on r1-r2 (r1 eth2, r2 eth1).
	refresh=$(rae_tshark -r "$d/r2-eth1.pcap" -Y 'rae.type == 5 && ip.src == 172.20.2.1' | wc -l)
	rout=$(counter "$d" rae r1/rae0 refresh_out)
	rin=$(counter "$d" rae r2/rae1 refresh_in)
	resets=0
	for k in 1 2 3 4 5 6; do
		resets=$((resets + $(counter "$d" rae "r$k/rae$((k - 1))" session_resets)))
	done
	ok=0
	[ "$refresh" -eq 1 ] && [ "$rout" -eq 1 ] && [ "$rin" -eq 1 ] && [ "$resets" -eq 0 ] && ok=1
	row 7 "a peer link metric update: the RAE asks the peer for its paths again" \
		"the same scenario to 14 s: at 10 s AS 1 loads update/as1-update.xml, whose link to AS 2 has a delay of 0.3 s; the paths AS 1 holds from AS 2 carry the old link metric in their sum, so it asks AS 2 to send them again (Refresh, doc/rae.md)" \
		"one Refresh (RAE type 5) from AS 1 to AS 2 on their link, sent and received once (refresh_out, refresh_in); no session reset in any domain" \
		"tshark finds $refresh Refresh from AS 1 on r2's link to r1; AS 1 refresh_out $rout, AS 2 refresh_in $rin; $resets session resets" \
		"$ok" "$d"

	ties_model --reload "$up3" --reload "$up1" >"$d/evidence/expected.txt"
	store "$d" | grep -v ' provisioning ' >"$d/evidence/observed.txt"
	compare "$d/evidence/expected.txt" "$d/evidence/observed.txt"
	p2=$(grep '^path_inf AS 1 10\.2\.0\.0/16 ' "$d/evidence/observed.txt" | sed 's/ class .*//; s/.* as_path //')
	p6=$(grep '^path_inf AS 1 10\.6\.0\.0/16 ' "$d/evidence/observed.txt" | sed 's/ class .*//; s/.* as_path //')
	ok=0
	[ "$p2" = "3 6 2" ] && [ "$p6" = "3 6" ] && [ "$same" -eq 1 ] && ok=1
	row 7 "the domains decide again with the new link metric; the CME gets the changed paths" \
		"the same run: every CME's store at 14 s" \
		"AS 1 turns from 2 to 3 6 2 for 10.2.0.0/16 and from 2 6 to 3 6 for 10.6.0.0/16; every CME as rae_model.py computes it from as3-update.xml and as1-update.xml" \
		"AS 1's CME holds as_path ${p2:-nothing} to 10.2.0.0/16 and ${p6:-nothing} to 10.6.0.0/16; stores against the model: $cmp_text" \
		"$ok" "$d"
fi

# ---- test 8: reset of an RAE (D4.3 4.4.1's plan) ----

if wants 8; then
	scn="$raedir/reset.xml"
	run 8-down "$scn" --end 8.9s
	run 8-back "$scn"

	d="$outdir/8-down"
	mkdir -p "$d/evidence"
	# The peers' lines about AS 3 between the restart (6 s) and the down time's end.
	awk '$1 >= 6 && $1 < 9 && $6 ~ /^AS3\// && /Established -> Idle/ {
		print $2 " lost AS 3 at " $1 ": " substr($0, index($0, "Idle: ") + 6) }' \
		"$d/log.txt" >"$d/evidence/lost.txt"
	nl3=$(wc -l <"$d/evidence/lost.txt")
	nreset=$(grep -c 'connection reset by the peer$' "$d/evidence/lost.txt")
	late=$(awk '{ t = $6; sub(":", "", t); if (t + 0 > 6.1) n++ } END { print n + 0 }' "$d/evidence/lost.txt")
	hx=0
	for k in 1 4 6; do
		hx=$((hx + $(counter "$d" rae "r$k/rae$((k - 1))" hold_expired)))
	done
	ok=0
	[ "$nl3" -eq 3 ] && [ "$nreset" -eq 3 ] && [ "$late" -eq 0 ] && [ "$hx" -eq 0 ] && ok=1
	row 8 "the peers see the reset at once" \
		"the six domains of test 4 (scenarios/rae/reset.xml); at 6 s AS 3's RAE is restarted (rae_tool restart down=3s): its process ends, every connection is reset; it starts again at 9 s" \
		"AS 1, 4 and 6 lose their session with AS 3 by the reset, within 0.1 s of 6 s (a link delay is 2 ms), not by their hold timers (3 s)" \
		"$(tr '\n' ';' <"$d/evidence/lost.txt" | sed 's/;$//; s/;/; /g'); hold timers expired: $hx" \
		"$ok" "$d"

	ties_model --down-as 3 >"$d/evidence/expected.txt"
	# AS 3's CME keeps what it was told until the full report: not evaluated here.
	store "$d" | grep -v ' provisioning ' | grep -v '^path_inf AS 3 \|^prov_inf AS 3 ' \
		>"$d/evidence/observed.txt"
	via=$(grep -cE 'as_path( [0-9]+)* 3( |$)| 10\.3\.0\.0/16' "$d/evidence/observed.txt")
	compare "$d/evidence/expected.txt" "$d/evidence/observed.txt"
	ok=0
	[ "$via" -eq 0 ] && [ "$same" -eq 1 ] && ok=1
	row 8 "its peers withdraw what they learned from it and turn to other paths" \
		"the same scenario, stores read at 8.9 s (AS 3 still down)" \
		"no path through AS 3, none to 10.3.0.0/16; the other domains' CMEs as rae_model.py computes them without AS 3" \
		"$via paths through AS 3 or to its prefix; stores against the model: $cmp_text" "$ok" "$d"

	d="$outdir/8-back"
	mkdir -p "$d/evidence"
	ties_model --candidates 3 >"$d/evidence/candidates.txt"
	want_p=$(($(awk '{ print $4 }' "$d/evidence/candidates.txt" | sort -u | wc -l) + 1))
	want_n=$(wc -l <"$d/evidence/candidates.txt")
	emptied=$(grep -E '^6\.0+ r3 rae/rae2 INFO: restart: RIB emptied' "$d/log.txt" |
		sed 's/.*RIB emptied (//; s/; starting again.*//')
	rp=$(counter "$d" rae r3/rae2 rib_prefixes)
	rn=$(counter "$d" rae r3/rae2 rib_paths)
	rs=$(counter "$d" rae r3/rae2 restarts)
	est=$(counter "$d" rae r3/rae2 sessions_established)
	ok=0
	[ "$emptied" = "$want_p prefixes and $want_n paths dropped; now 1 prefixes, 1 own, and 0 paths)" ] &&
		[ "$rp" -eq "$want_p" ] && [ "$rn" -eq "$want_n" ] && [ "$rs" -eq 1 ] && [ "$est" -eq 6 ] &&
		ok=1
	row 8 "its RIB is emptied and rebuilt" \
		"the same scenario to 14 s: AS 3's RAE logs what it drops at the restart; its counters at the end" \
		"AS 3 drops its RIB, $want_p prefixes and $want_n paths (its own and every candidate rae_model.py --candidates 3 lists), and holds its 1 own prefix and no path after; one restart; its 3 sessions established twice each; at the end the RIB holds the same $want_p prefixes and $want_n paths again" \
		"dropped: ${emptied:-nothing logged}; $rs restarts; $est sessions established; at the end $rp prefixes, $rn paths" \
		"$ok" "$d"

	fulls=$(rae_tshark -r "$d/c3-eth0.pcap" -Y 'rae.type == 16 && pbf.comet.cmerae.GenericRequest.full == 1' \
		-T fields -e tcp.srcport | sort -u | wc -l)
	frae=$(counter "$d" rae r3/rae2 cme_full_reports)
	fcme=$(counter "$d" cme c3/cme2 full_reports)
	ties_model >"$d/evidence/expected.txt"
	store "$d" | grep -v ' provisioning ' >"$d/evidence/observed.txt"
	compare "$d/evidence/expected.txt" "$d/evidence/observed.txt"
	ok=0
	[ "$fulls" -eq 2 ] && [ "$frae" -eq 2 ] && [ "$fcme" -eq 2 ] && [ "$same" -eq 1 ] && ok=1
	row 8 "the CME receives the full report again; every domain ends as before" \
		"the same run: the GenericRequests on AS 3's CME link (tshark, the protobuf field full), the counters, every CME's store at 14 s" \
		"a full report on each of AS 3's two CME connections (2 in the capture, cme_full_reports 2 at the RAE, full_reports 2 at the CME); every CME, AS 3's included, as in test 4 (rae_model.py)" \
		"$fulls connections with a full report in the capture; RAE $frae, CME $fcme full reports; stores against the model: $cmp_text" \
		"$ok" "$d"
fi

if [ -n "$rows_file" ]; then
	cp "$rows" "$rows_file" || die "cannot write $rows_file"
fi
[ "$quiet" -eq 1 ] || printf '%s' "$table"
[ "$nfail" -eq 0 ]
