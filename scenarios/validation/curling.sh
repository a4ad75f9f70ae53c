#!/bin/sh
# curling.sh - D4.3 section 6.4.2, validation tests 1-4 of the coupled
# approach, rebuilt in the emulator: runs topology 1
# (scenarios/curling-topology1.xml) and topology 2
# (scenarios/curling-topology2.xml), reads what they logged and captured,
# and writes one result row per test.
#
# usage: curling.sh OUTDIR [--cometsim PATH] [--rows FILE] [--only LIST]
#                   [--set [N:]NAME=VALUE]... [--scenario N:FILE]... [--quiet]
#
#   OUTDIR             topology N runs into OUTDIR/topologyN/ (removed
#                      first); rows go to OUTDIR/rows.jsonl
#   --cometsim PATH    the program (default: $COMETSIM, else the build tree's
#                      cometsim, else cometsim on PATH)
#   --rows FILE        also write the rows to FILE
#   --only LIST        run only these tests, comma separated (--only 1,3)
#   --set [N:]NAME=VALUE
#                      passed to 'cometsim run --set' for topology N (or
#                      both); 'cometsim params FILE' lists the names
#   --scenario N:FILE  run FILE as topology N instead of
#                      scenarios/curling-topologyN.xml (the same topology
#                      with its entities placed otherwise, for instance by
#                      <deploy>: scenarios/deploy/topologyN.xml)
#   --quiet            no table on stdout
#
# Environment: COMETSIM, TSHARK (default tshark; mergecap must be on PATH
# too), top_srcdir (default: two levels above this script), top_builddir.
# tshark runs with HOME pointing into OUTDIR so that no personal plugin is
# loaded.
#
# A row is one JSON object a line, keys in this order: category, test,
# description, step, expected, actual, result, run_dir - the shape of
# scenarios/validation/stateless.sh.  "expected" is D4.3's table (its
# lines, and the project's topology for what D4.3 elides); "actual" is
# built only from the run: the log lines (log.txt), the messages in the
# captures (tshark, the project's byte layouts of doc/curling.md read
# from udp.payload), counters.csv and the files the client saved.
# Tests 1 and 2 (state installation) also check the Consume handling at
# the client's side; tests 3 and 4 (delivery) check from the captures
# that the content crossed only CAFEs that hold a state for it, and that
# the client's copy is byte-identical to the server's.  The evidence
# stays in OUTDIR/topologyN/evidence/: messages.tsv (every coupled-
# approach message of every capture, decoded) and observed.txt.
#
# Exit status: 0 if every row passes, 1 if one fails, 2 on a usage or
# set-up error (no cometsim, no tshark).
set -u

me=curling.sh
here=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd)
: "${top_srcdir:=$(CDPATH='' cd -- "$here/../.." && pwd)}"
: "${TSHARK:=tshark}"
. "$here/_lib.sh"

usage() {
	sed -n '8,25p' "$here/$me" | sed 's/^# \{0,1\}//' >&2
	exit 2
}
die() {
	echo "$me: $*" >&2
	exit 2
}

# ---- the test plan: D4.3's lines, and what the topologies fix beyond them ----

# The CAFEs on the content's path, from the server's to the client's, with
# the next hop each gets ("CAFE next-hop port"): D4.3's lines and
# doc/curling.md section 5; the rest follows
# topologies/curling-topology*.script.
PATH1='5.3 5.2 2000
5.2 3.3 2000
3.3 3.2 2000
3.2 1.3 2000
1.3 1.2 2000
1.2 2.2 2000
2.2 2.3 2000
2.3 4.2 2000
4.2 4.3 2000
4.3 4.3 1000'
PATH2='7.3 7.2 2000
7.2 4.3 2000
4.3 4.2 2000
4.2 1.4 2000
1.4 1.2 2000
1.2 2.2 2000
2.2 2.3 2000
2.3 5.2 2000
5.2 5.3 2000
5.3 5.3 1000'
# Every CAFE of each topology.
CAFES1='1.2 1.3 2.2 2.3 3.2 3.3 4.2 4.3 5.2 5.3'
CAFES2='1.2 1.3 1.4 2.2 2.3 3.2 3.3 4.2 4.3 5.2 5.3 6.2 6.3 7.2 7.3'
# Where no state may appear in topology 2: 1.3 and every CAFE below it.
NOSTATE2='1.3 3.2 3.3 6.2 6.3'
CONTENT=MyContent1

# ---- options ----

outdir=''
rows_file=''
only=''
quiet=0
cometsim_opt=''
sets=''
scenario1="$top_srcdir/scenarios/curling-topology1.xml"
scenario2="$top_srcdir/scenarios/curling-topology2.xml"
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
	--set)
		[ $# -ge 2 ] || usage
		case $2 in
		[12]:*=*) sets="$sets$2$nl" ;;
		*=*) sets="$sets*:$2$nl" ;;
		*) die "--set $2: expected [N:]NAME=VALUE" ;;
		esac
		shift 2 ;;
	--scenario)
		[ $# -ge 2 ] || usage
		case $2 in
		1:?*) scenario1=${2#1:} ;;
		2:?*) scenario2=${2#2:} ;;
		*) die "--scenario $2: expected N:FILE, N 1 or 2" ;;
		esac
		shift 2 ;;
	-q|--quiet) quiet=1; shift ;;
	-h|--help) usage ;;
	-*) echo "$me: unknown option $1" >&2; usage ;;
	*) [ -z "$outdir" ] || usage; outdir=$1; shift ;;
	esac
done
[ -n "$outdir" ] || usage
for t in $(echo "$only" | tr ',' ' '); do
	case $t in [1-4]) ;; *) die "--only: no test \"$t\" (tests 1 to 4)" ;; esac
done

find_cometsim "$cometsim_opt"
command -v "$TSHARK" >/dev/null 2>&1 || die "no tshark ($TSHARK)"
command -v mergecap >/dev/null 2>&1 || die "no mergecap (it comes with tshark)"

mkdir -p "$outdir" || die "cannot create $outdir"
outdir=$(CDPATH='' cd -- "$outdir" && pwd)
tshark_home="$outdir/.tshark-home"
mkdir -p "$tshark_home"
rows="$outdir/rows.jsonl"
: >"$rows"

# ---- running a topology and reading its evidence ----

# The awk that decodes a message from its hex payload (doc/curling.md):
# type, then a detail: Configure "op id hop,hop", Content "id seq flags tx",
# Consume "id", ConsumeReply "status id", Notify "op id prev".
AWK_DECODE='
function hx(s, i, n,   v, k) { v = 0; for (k = 0; k < n; k++) v = v * 16 + index("0123456789abcdef", substr(s, 2 * i + 1 + k, 1)) - 1; return v }
function b(s, i) { return hx(s, i, 2) }
function u16(s, i) { return hx(s, i, 4) }
function ip(s, i) { return (b(s, i) == 10 && b(s, i + 1) == 0) ? b(s, i + 2) "." b(s, i + 3) : b(s, i) "." b(s, i + 1) "." b(s, i + 2) "." b(s, i + 3) }
function str(s, i, n,   r, k) { r = ""; for (k = 0; k < n; k++) r = r sprintf("%c", b(s, i + k)); return r }
function id(s, i) { return str(s, i + 1, b(s, i)) }
function hops(s, i,   n, k, r) { n = b(s, i); r = ""; for (k = 0; k < n; k++) r = r (k ? "," : "") ip(s, i + 1 + 6 * k) ":" u16(s, i + 5 + 6 * k); return r == "" ? "-" : r }
function detail(s, t,   l) {
	if (t == 3) { l = b(s, 8); return (b(s, 6) % 16) " " id(s, 8) " " hops(s, 9 + l) }
	if (t == 4) { l = b(s, 20); return b(s, 6) " " id(s, 20) " " ip(s, 14) ":" u16(s, 18) }
	if (t == 6) return id(s, 32)
	if (t == 7) return b(s, 18) " " id(s, 32)
	if (t == 8) return id(s, 8)
	if (t == 10) return id(s, 44) " " hx(s, 20, 8) " " b(s, 6) " " hx(s, 16, 8)
	return "-"
}
'

# scan DIR: every coupled-approach message of every capture of DIR, as
# "router|iface|time|src|dst|sport|dport|type|detail" in evidence/messages.tsv.
# The captures are merged into one pcapng whose interface i is the i-th
# file (mergecap -I none), so tshark reads them all in one pass.
scan() {
	d=$1
	(cd "$d" && ls -- *.pcap) >"$d/evidence/captures.txt" 2>/dev/null || return 1
	(cd "$d" && mergecap -I none -w "$d/evidence/all.pcapng" $(cat "$d/evidence/captures.txt")) ||
		return 1
	HOME=$tshark_home "$TSHARK" -n -r "$d/evidence/all.pcapng" -Y 'udp.payload[0:2] == 43:55' \
		-T fields -e frame.interface_id -e frame.time_epoch -e ip.src -e ip.dst \
		-e udp.srcport -e udp.dstport -e udp.payload 2>/dev/null |
	awk -v list="$d/evidence/captures.txt" "$AWK_DECODE"'
	BEGIN {
		n = 0
		while ((getline f < list) > 0) {
			sub(/\.pcap$/, "", f)
			rt[n] = f; sub(/-eth[0-9]+$/, "", rt[n])
			ifn[n] = f; sub(/.*-/, "", ifn[n])
			n++
		}
		FS = "\t"; OFS = "|"
	}
	{
		s = tolower($7); t = b(s, 3)
		split($3, x, "."); src = (x[1] == 10 && x[2] == 0) ? x[3] "." x[4] : $3
		split($4, x, "."); dst = (x[1] == 10 && x[2] == 0) ? x[3] "." x[4] : $4
		print rt[$1], ifn[$1], $2, src, dst, $5, $6, t, detail(s, t)
	}' >"$d/evidence/messages.tsv" || return 1
	rm -f "$d/evidence/all.pcapng"
	[ -s "$d/evidence/messages.tsv" ]
}

# run_topology N: run topology N into $outdir/topologyN; 0 if it ran.
run_topology() {
	n=$1
	d="$outdir/topology$n"
	if [ "$n" = 1 ]; then set -- "$scenario1"; else set -- "$scenario2"; fi
	while IFS= read -r s; do
		case $s in
		"$n":*|'*':*) set -- "$@" --set "${s#*:}" ;;
		esac
	done <<EOF
$sets
EOF
	rm -rf "$d"
	mkdir -p "$outdir/.tmp"
	"$COMETSIM" run "$@" --out "$d" --quiet >"$outdir/.tmp/run$n.txt" 2>&1
	rc=$?
	mkdir -p "$d/evidence"
	mv "$outdir/.tmp/run$n.txt" "$d/evidence/cometsim-run.txt"
	printf 'scenario=%s\ncometsim_exit=%s\n' "$1" "$rc" >"$d/evidence/observed.txt"
	[ "$rc" -eq 0 ] || return 1
	scan "$d" || return 1
	# The message text of every log line (time, node and kind stripped).
	sed 's/^[^ ]* [^ ]* [^ ]* [A-Z]*: //' "$d/log.txt" >"$d/evidence/messages.txt"
	return 0
}

# ---- the checks ----

mismatch=''
# want LABEL OBSERVED EXPECTED: one comparison of the row.
want() {
	if [ "$2" != "$3" ]; then
		mismatch="$mismatch${mismatch:+; }$1: $2 (expected $3)"
	fi
}

# state_lines DIR: "CAFE next port" for each ContentStateTable line of the
# content in the log, in log order.
state_lines() {
	sed -n "s/^CAFE ContentStateTable at \([0-9.]*\): $CONTENT \([0-9.]*\) \([0-9]*\)\$/\1 \2 \3/p" \
		"$1/evidence/messages.txt"
}

# delivery_lines DIR: D4.3's delivery lines and the client's, in log order.
delivery_lines() {
	grep -E "^CAFE [0-9.]+: Content $CONTENT received and will be sent to |^CC: Content $CONTENT received and saved to: " \
		"$1/evidence/messages.txt"
}

# expected_delivery PATH CLIENT: the lines D4.3's table prints.
expected_delivery() {
	printf '%s\n' "$1" | while read -r c h p; do
		echo "CAFE $c: Content $CONTENT received and will be sent to $h:$p"
	done
	echo "CC: Content $CONTENT received and saved to: ./Content/$2 1000/$CONTENT"
}

# msgs DIR AWK: the decoded messages selected by an awk condition on
# r (router), s (src), d (dst), sp, dp, t (type), x (detail).
msgs() {
	awk -F'|' "{ r = \$1; s = \$4; d = \$5; sp = \$6; dp = \$7; t = \$8; x = \$9 } $2" \
		"$1/evidence/messages.tsv"
}

# consume_check DIR CLIENT CRME UPCRME: the client's Consume and its answer.
consume_check() {
	d=$1 cl=$2 cr=$3 up=$4
	# Seen at the client's router, as sent and received there.
	n_req=$(msgs "$d" "r == \"$cl\" && t == 6 && s == \"$cl\" && sp == 1000 && d == \"$cr\" && dp == 3000 { n++ } END { print n + 0 }")
	n_ok=$(msgs "$d" "r == \"$cl\" && t == 7 && d == \"$cl\" && dp == 1000 && x ~ /^0 / { n++ } END { print n + 0 }")
	n_up=$(msgs "$d" "r == \"$cr\" && t == 6 && s == \"$cr\" && d == \"$up\" { n++ } END { print n + 0 }")
	acc=$(grep -c "^CC: Consume for $CONTENT accepted: " "$d/evidence/messages.txt")
	want "Consumes from the client $cl:1000 to CRME $cr:3000" "$n_req" 1
	want "ConsumeReply OK back to the client" "$n_ok" 1
	want "Consumes from CRME $cr on to CRME $up" "$n_up" 1
	want "client logs the acceptance" "$acc" 1
	consume_actual="the client sent $n_req Consume to CRME $cr and got $n_ok ConsumeReply OK (logged: $acc); CRME $cr sent $n_up Consume on to CRME $up"
}

# state_check DIR PATH CAFES NOSTATE: the states installed, from the log
# (the table lines) and the captures (the Configure messages received).
state_check() {
	d=$1 path=$2 cafes=$3 nostate=$4
	got=$(state_lines "$d" | sort -u)
	exp=$(printf '%s\n' "$path" | sort -u)
	want "ContentStateTable entries of $CONTENT (CAFE next-hop port)" \
		"$(echo $got)" "$(echo $exp)"
	with_state=$(state_lines "$d" | awk '{ print $1 }' | sort -u | tr '\n' ' ' | sed 's/ $//')
	# Configure (add) messages each CAFE received from its CRME, and their next hops.
	cfg=$(msgs "$d" "t == 3 && r == d && dp == 2000 && x ~ /^1 $CONTENT / { split(x, y, \" \"); print d, y[3] }" | sort -u)
	cfg_exp=$(printf '%s\n' "$path" | awk '{ print $1, $2 ":" $3 }' | sort -u)
	want "Configure (add) received, CAFE next-hop" "$(echo $cfg)" "$(echo $cfg_exp)"
	bad=''
	for c in $nostate; do
		n=$(msgs "$d" "d == \"$c\" && t == 3 { n++ } END { print n + 0 }")
		l=$(state_lines "$d" | awk -v c="$c" '$1 == c' | wc -l)
		[ "$n" -eq 0 ] && [ "$l" -eq 0 ] || bad="$bad $c"
	done
	want "CAFEs that must hold no state but do" "${bad:-none}" none
	state_actual="state lines logged at: $with_state"
	state_actual="$state_actual; $(state_lines "$d" | awk '{ printf "%sCAFE ContentStateTable at %s: %s %s %s", s, $1, "'$CONTENT'", $2, $3; s = "; " }')"
	state_actual="$state_actual; Configure (add) received (captures): $(echo "$cfg" | awk 'NF { printf "%s%s->%s", s, $1, $2; s = ", " }')"
	if [ -n "$nostate" ]; then
		state_actual="$state_actual; no Configure and no state at ${bad:+all but }$(echo $nostate | tr ' ' ',')${bad:+ (found at$bad)}"
	fi
}

# delivery_check DIR PATH CLIENT SERVER: the delivery lines in order, the
# content's path in the captures, the client's copy.
delivery_check() {
	d=$1 path=$2 cl=$3 srv=$4
	got=$(delivery_lines "$d")
	exp=$(expected_delivery "$path" "$cl")
	if [ "$got" != "$exp" ]; then
		mismatch="$mismatch${mismatch:+; }delivery lines differ: got [$(echo "$got" | tr '\n' '|')]"
	fi
	# The content's frames: every router whose captures show one must hold a
	# state for it, and every CAFE-to-CAFE hop must be one of the states'.
	carried=$(msgs "$d" "t == 10 { print r }" | sort -u | tr '\n' ' ' | sed 's/ $//')
	with_state=$(state_lines "$d" | awk '{ print $1 }' | sort -u)
	stray=''
	for r in $carried; do
		printf '%s\n' "$with_state" | grep -qx "$r" || stray="$stray $r"
	done
	want "routers the content crossed without a state" "${stray:-none}" none
	hops=$(msgs "$d" "t == 10 && r == s { print s, d \":\" dp }" | sort -u)
	hops_exp=$(printf '%s\n' "$path" | awk '$1 != $2 { print $1, $2 ":" $3 }' | sort -u)
	want "CAFE-to-CAFE hops of the content (captures)" "$(echo $hops)" "$(echo $hops_exp)"
	per=$(msgs "$d" "t == 10 && r == s { n[s]++ } END { for (i in n) print n[i] }" | sort -u | tr '\n' ' ' | sed 's/ $//')
	chunks=$(awk -F, -v n="$cl" '$1 == "cclient" && $2 ~ "^"n"/" && $3 == "chunks_expected" { print $4 }' "$d/counters.csv" | head -n 1)
	want "chunks each hop sent (captures)" "$per" "${chunks:-?}"
	saved="$d/Content/$cl 1000/$CONTENT"
	orig="$d/Content/$srv 1000/$CONTENT"
	if [ -f "$saved" ] && [ -f "$orig" ] && cmp -s "$saved" "$orig"; then
		same="byte-identical to the server's copy ($(wc -c <"$saved" | tr -d ' ') bytes)"
	elif [ -f "$saved" ]; then
		same="different from the server's copy"
	else
		same="missing"
	fi
	want "the client's file" "$same" "byte-identical to the server's copy ($(wc -c <"$orig" 2>/dev/null | tr -d ' ') bytes)"
	delivery_actual="$(echo "$got" | awk 'NF { printf "%s%s", s, $0; s = " / " }')"
	delivery_actual="$delivery_actual; captures: the content crossed $(echo $carried | tr ' ' ','), each of which holds a state; hops $(echo "$hops" | awk 'NF { printf "%s%s->%s", s, $1, $2; s = ", " }'), $per chunks each"
	delivery_actual="$delivery_actual; ./Content/$cl 1000/$CONTENT is $same"
	[ -z "$stray" ] || delivery_actual="$delivery_actual; crossed without a state:$stray"
}

# json_str and row come from _lib.sh.

wanted() {
	[ -z "$only" ] && return 0
	case ",$only," in *",$1,"*) return 0 ;; esac
	return 1
}

ran1='' ran2=''
# topology N: run it once for both of its tests; 0 if it ran.
topology() {
	eval "r=\$ran$1"
	if [ -z "$r" ]; then
		if run_topology "$1"; then r=ok; else r=failed; fi
		eval "ran$1=\$r"
	fi
	dir="$outdir/topology$1"
	[ "$r" = ok ]
}

ran_failed() {
	actual="cometsim run exited or tshark failed: $(head -n 1 "$dir/evidence/cometsim-run.txt" 2>/dev/null)"
	mismatch="the scenario did not run"
	row
}

test_1() {
	category="Content State Installation"
	description="Basic state installation (topology 1)"
	step="Reception of Configure message by CAFEs from CRME; State installation in CAFE content state table (the client on 4.3 requests $CONTENT from the server on 5.3; log and captures of every router)"
	expected="The following content state tables are installed in the domain with prefix 2: CAFE ContentStateTable at 2.2: Content ID   Next Hop Address   Next Hop Port / MyContent1 2.3 2000; CAFE ContentStateTable at 2.3: Content ID   Next Hop Address   Next Hop Port / MyContent1 4.2 2000. Similar content state tables are installed in domains with prefix 1, 3, 4, and 5 ($(printf '%s\n' "$PATH1" | awk '{ printf "%s%s: %s %s", s, $1, $2, $3; s = ", " }')). The client's Consume reaches CRME 4.1, goes on to CRME 2.1 and is answered"
	topology 1 || { ran_failed; return; }
	consume_check "$dir" 4.3 4.1 2.1
	state_check "$dir" "$PATH1" "$CAFES1" ''
	want "CAFE ContentStateTable at 2.2 shows" "$(state_lines "$dir" | awk '$1 == "2.2" { print $2, $3 }' | sort -u)" "2.3 2000"
	want "CAFE ContentStateTable at 2.3 shows" "$(state_lines "$dir" | awk '$1 == "2.3" { print $2, $3 }' | sort -u)" "4.2 2000"
	actual="$state_actual; $consume_actual"
	row
}

test_2() {
	category="Content State Installation"
	description="Basic state installation when more than two CAFEs are present within a single domain (topology 2)"
	step="Reception of Configure message by CAFEs from CRME; State installation in CAFE content state table (the client on 5.3 requests $CONTENT from the server on 7.3; log and captures of every router)"
	expected="The following content state tables are installed in the domain with prefix 1: CAFE ContentStateTable at 1.2: Content ID   Next Hop Address   Next Hop Port / MyContent1 2.2 2000; CAFE ContentStateTable at 1.4: Content ID   Next Hop Address   Next Hop Port / MyContent1 1.2 2000. No content state table is installed at CAFE 1.3 nor at any CAFE below it ($(echo $NOSTATE2 | tr ' ' ',')). Along the path: $(printf '%s\n' "$PATH2" | awk '{ printf "%s%s: %s %s", s, $1, $2, $3; s = ", " }'). The client's Consume reaches CRME 5.1, goes on to CRME 2.1 and is answered"
	topology 2 || { ran_failed; return; }
	consume_check "$dir" 5.3 5.1 2.1
	state_check "$dir" "$PATH2" "$CAFES2" "$NOSTATE2"
	want "CAFE ContentStateTable at 1.2 shows" "$(state_lines "$dir" | awk '$1 == "1.2" { print $2, $3 }' | sort -u)" "2.2 2000"
	want "CAFE ContentStateTable at 1.4 shows" "$(state_lines "$dir" | awk '$1 == "1.4" { print $2, $3 }' | sort -u)" "1.2 2000"
	actual="$state_actual; $consume_actual"
	row
}

test_3() {
	category="Content Delivery"
	description="Basic content delivery (topology 1)"
	step="Look up next hop from CAFE content state table; Forward content to next hop (log lines in order; the content's frames in every capture; the client's file against the server's)"
	expected="$(expected_delivery "$PATH1" 4.3 | awk '{ printf "%s%s", s, $0; s = " / " }'); the content crosses only CAFEs holding a state for it; the saved file is byte-identical to the server's"
	topology 1 || { ran_failed; return; }
	delivery_check "$dir" "$PATH1" 4.3 5.3
	actual=$delivery_actual
	row
}

test_4() {
	category="Content Delivery"
	description="Basic content delivery when more than two CAFEs are present within a single domain (topology 2)"
	step="Look up next hop from CAFE content state table; Forward content to next hop (log lines in order; the content's frames in every capture; the client's file against the server's)"
	expected="$(expected_delivery "$PATH2" 5.3 | awk '{ printf "%s%s", s, $0; s = " / " }'); the content crosses only CAFEs holding a state for it (never 1.3 nor below it); the saved file is byte-identical to the server's"
	topology 2 || { ran_failed; return; }
	delivery_check "$dir" "$PATH2" 5.3 7.3
	actual=$delivery_actual
	row
}

# ---- main ----

for test in 1 2 3 4; do
	wanted "$test" || continue
	mismatch='' expected='' actual=''
	"test_$test"
done
rm -rf "$outdir/.tmp"

[ -z "$rows_file" ] || cp "$rows" "$rows_file" || die "cannot write $rows_file"
if [ "$quiet" -eq 0 ]; then
	echo "Coupled approach validation (D4.3 section 6.4.2), rows in $rows"
	printf '%-4s %-28s %-6s %s\n' Test Category Result Description
	printf '%s' "$table"
	echo "$nrows tests, $((nrows - nfail)) passed, $nfail failed"
fi
[ "$nrows" -gt 0 ] && [ "$nfail" -eq 0 ]
