#!/bin/sh
# study.sh - the study of doc/study.md in one command: the decoupled and
# the coupled approach on one Internet-like network (study.xml, both
# approaches), the sweep over the Zipf exponent and the load (sweep.xml),
# and a Markdown report with its plots:
#
#   sh scenarios/study/study.sh [--out DIR] [--ases N] [--caida FILE]
#                               [--set NAME=VALUE]... [--no-sweep] [-j N]
#                               [--cometsim BIN]
#
#   --out DIR      where everything goes (default study-out); DIR/report.md
#   --ases N       the generated graph's ASes (default 1000)
#   --caida FILE, -c FILE
#                  run on this AS-relationship file instead (study-caida.xml)
#   --set N=V      a parameter of the scenario (alpha, rate, contents, ...:
#                  cometsim params scenarios/study/study.xml), for the run
#                  and every run of the sweep
#   --no-sweep     the one run of both approaches only
#   -j N           the sweep's parallel runs (default 2)
#   --cometsim BIN the cometsim to use (default: the one built in this
#                  tree, _build/cometsim or ./cometsim, else the PATH's)
#
# Every number of the report comes from the run folders' files
# (requests.csv, counters.csv, timeseries.csv, rae-paths.csv) and from the
# topology (`cometsim topo`); nothing is typed in.
set -u

here=$(cd "$(dirname "$0")" && pwd)
out=study-out
ases=1000
caida=
sweep=yes
jobs=2
bin=
extra=

usage() {
	echo "usage: sh study.sh [--out DIR] [--ases N] [--caida FILE] [--set NAME=VALUE]..." \
		"[--no-sweep] [-j N] [--cometsim BIN]" >&2
	exit 2
}
while [ $# -gt 0 ]; do
	case $1 in
	--out) [ $# -ge 2 ] || usage; out=$2; shift 2 ;;
	--ases) [ $# -ge 2 ] || usage; ases=$2; shift 2 ;;
	--caida|-c) [ $# -ge 2 ] || usage; caida=$2; shift 2 ;;
	--set)
		[ $# -ge 2 ] || usage
		case $2 in *=*) ;; *) usage ;; esac
		case $2 in *[\ \	\"\&\<\>]*)
			echo "study.sh: --set $2: blanks and XML's special characters are not taken" >&2
			exit 2 ;;
		esac
		extra="$extra $2"; shift 2 ;;
	--no-sweep) sweep=no; shift ;;
	-j) [ $# -ge 2 ] || usage; jobs=$2; shift 2 ;;
	--cometsim) [ $# -ge 2 ] || usage; bin=$2; shift 2 ;;
	-h|--help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) usage ;;
	esac
done
case $ases in ''|*[!0-9]*) echo "study.sh: --ases $ases: not a number" >&2; exit 2 ;; esac
# The tree's own build first (an installed cometsim may be older), then PATH.
if [ -z "$bin" ]; then
	if [ -x "$here/../../_build/cometsim" ]; then
		bin=$here/../../_build/cometsim
	elif [ -x "$here/../../cometsim" ]; then
		bin=$here/../../cometsim
	elif command -v cometsim >/dev/null 2>&1; then
		bin=cometsim
	else
		echo "study.sh: no cometsim built in this tree nor on the PATH: give --cometsim BIN" >&2
		exit 2
	fi
fi
if [ -n "$caida" ]; then
	[ -r "$caida" ] || { echo "study.sh: --caida $caida: cannot read it" >&2; exit 1; }
	caida=$(cd "$(dirname "$caida")" && pwd)/$(basename "$caida")
	scn=$here/study-caida.xml
	sets="caida=$caida"
	graph="the AS relationships of $(basename "$caida")"
else
	scn=$here/study.xml
	sets="ases=$ases"
	graph="a generated tiered graph of $ases ASes (seed 1)"
fi
sets="$sets$extra"
# shellcheck disable=SC2086
setargs=$(for a in $sets; do printf ' --set %s' "$a"; done)
mkdir -p "$out" || exit 1
run=$out/run
plots=$out/plots
mkdir -p "$plots" || exit 1

say() { printf 'study: %s\n' "$*" >&2; }
fail() { printf 'study.sh: %s\n' "$*" >&2; exit 1; }

# The scenario and the --set values are checked before anything in OUT
# changes; then the report of an earlier study goes, so that a study that
# fails leaves none that looks complete.  The run folder is cometsim
# run's to clear: it refuses one that holds anything but a run.
# shellcheck disable=SC2086
"$bin" check "$scn" $setargs >/dev/null || fail "the scenario does not load (above)"
rm -f "$out/report.md"

# ---- 1. both approaches on the network ----
say "running both approaches on $graph"
# Its warnings go to its log: each half samples the other's entities too
# (the series of timeseries.csv), which it does not have.
# shellcheck disable=SC2086
"$bin" run "$scn" $setargs --out "$run" --quiet 2>"$out/run.log" ||
	{ tail -n 20 "$out/run.log" >&2; fail "the run failed"; }
for h in decoupled coupled; do
	[ -f "$run/$h/summary.json" ] || fail "$run/$h: no summary.json"
done

# The requests of both, in one tidy file.
{
	head -n 1 "$run/decoupled/requests.csv"
	tail -n +2 "$run/decoupled/requests.csv"
	tail -n +2 "$run/coupled/requests.csv"
} >"$out/requests.csv"

# ---- 2. path stretch against IP routing ----
# The AS graph (the topology's routers, one per AS, and their links), and
# for each request the AS hops of the shortest path between the server's
# and the client's AS: what IP's shortest-path routing takes.  Each
# approach's path is requests.csv's as_path, the server's AS first.
# shellcheck disable=SC2086
"$bin" topo "$scn" --dot $setargs >"$out/topology.dot" || fail "cometsim topo failed"
awk -F, -v dot="$out/topology.dot" '
function bfs(src,   q, h, t, u, k, n) {
	for (k in dist) delete dist[k]
	dist[src] = 0; h = 1; t = 1; q[1] = src
	while (h <= t) {
		u = q[h++]
		n = deg[u]
		for (k = 1; k <= n; k++)
			if (!((adj[u, k]) in dist)) {
				dist[adj[u, k]] = dist[u] + 1
				q[++t] = adj[u, k]
			}
	}
}
BEGIN {
	# "AS1" -- "AS2" [...]: inter-AS links only (hosts are AS<n>-srv<k>, -cli<k>)
	while ((getline line < dot) > 0) {
		if (line !~ /^\t"AS[0-9]+" -- "AS[0-9]+"/)
			continue
		split(line, f, "\"")
		a = substr(f[2], 3); b = substr(f[4], 3)
		adj[a, ++deg[a]] = b; adj[b, ++deg[b]] = a
	}
	print "approach,client_as,server_as,path_len,ip_len,stretch"
}
NR == 1 { next }
$12 != "complete" { next }
{
	split($2, c, "-"); cas = substr(c[1], 3)
	if ($6 == "")
		next
	split($6, p, " ")
	s = p[1]
	plen = $7
	if (!(s in done)) {
		bfs(s)
		for (k in dist) ip[s, k] = dist[k]
		done[s] = 1
	}
	il = ip[s, cas]
	if (plen == "" || il == "" || il == 0)
		next
	printf "%s,%s,%s,%s,%s,%.6f\n", $4, cas, s, plen, il, plen / il
}' "$out/requests.csv" >"$out/stretch.csv" || fail "the stretch could not be computed"

# ---- 3. the tables ----
# q FILE COL: the count, mean, median, 90th and 99th percentile of a column
# (its rows sorted), blank-separated.
q() {
	awk -F, -v c="$2" 'NR > 1 && $c != "" {print $c}' "$1" | sort -g |
		awk 'function rank(p,   i) { i = int(NR * p); if (NR * p - i > 1e-9) i++; return i < 1 ? 1 : i }
		{v[NR] = $1; s += $1}
		END {
			if (NR == 0) { print "0 - - - -"; exit }
			# nearest rank: the smallest value with at least p of them at or below it
			i50 = rank(0.5); i90 = rank(0.9); i99 = rank(0.99)
			printf "%d %.4f %.4f %.4f %.4f\n", NR, s / NR, v[i50], v[i90], v[i99]
		}'
}
# col FILE NAME: the column number of NAME in FILE's header.
col() {
	head -n 1 "$1" | tr ',' '\n' | grep -n -x "$2" | cut -d: -f1
}
# csum DIR KIND COUNTER: the counter summed over the entities of a kind.
csum() {
	awk -F, -v k="$2" -v c="$3" '$1 == k && $3 == c {s += $4} END {printf "%d\n", s}' \
		"$1/counters.csv"
}
# cdom DIR KIND COUNTER: the mean and the largest value over the entities of a kind.
cdom() {
	awk -F, -v k="$2" -v c="$3" '$1 == k && $3 == c {s += $4; n++; if ($4 > m) m = $4}
		END {if (n) printf "%.1f %d\n", s / n, m; else print "- -"}' "$1/counters.csv"
}

# tpeak DIR SERIES: each key's largest value of a series, then their mean and the largest.
tpeak() {
	awk -F, -v s="$2" '$2 == s {if (!($3 in m) || $4 > m[$3]) m[$3] = $4}
		END {for (k in m) {t += m[k]; n++; if (m[k] > x) x = m[k]}
		if (n) printf "%.1f %d\n", t / n, x; else print "- -"}' "$1/timeseries.csv"
}
req_rows() {
	awk -F, -v a="$2" 'NR == 1 || $4 == a' "$1"
}
for h in decoupled coupled; do
	req_rows "$out/requests.csv" "$h" >"$out/requests-$h.csv"
	awk -F, 'NR == 1 || $12 == "complete"' "$out/requests-$h.csv" >"$out/complete-$h.csv"
	# stretch.csv's approach is its first column.
	awk -F, -v a="$h" 'NR == 1 || $1 == a' "$out/stretch.csv" >"$out/stretch-$h.csv"
done

# ---- 4. plots ----
"$bin" plot --cdf completion --by approach --out "$plots" --quiet "$out/requests.csv" ||
	fail "the delivery-time CDF could not be drawn"
"$bin" plot --cdf first_byte --by approach --out "$plots" --quiet "$out/requests.csv" ||
	fail "the first-byte CDF could not be drawn"
if [ "$(wc -l <"$out/stretch.csv")" -gt 1 ]; then
	"$bin" plot --cdf stretch --by approach --out "$plots" --quiet "$out/stretch.csv" ||
		fail "the stretch CDF could not be drawn"
fi
# RAE convergence: every RAE's preferred-path changes a second, summed.
conv=$out/convergence
mkdir -p "$conv"
{
	echo "time,series,key,value"
	awk -F, 'NR > 1 && $2 == "entity.rae.preferred_changes.rate" {s[$1] += $4}
		END {for (t in s) printf "%s,rae.preferred_changes.rate,all RAEs,%d\n", t, s[t]}' \
		"$run/decoupled/timeseries.csv" | sort -t, -k1,1g
} >"$conv/timeseries.csv"
"$bin" plot "$conv" --out "$plots" --quiet || fail "the convergence plot could not be drawn"

# ---- 5. the sweep ----
if [ "$sweep" = yes ]; then
	say "the sweep over alpha and load (-j $jobs)"
	# Into the same folder again, the sweep goes on where it stopped: its
	# finished runs are kept (doc/sweeps.md); remove OUT/sweep to run it anew.
	# sweep.xml with this study's scenario and values: its copy names the
	# scenario by its full path and sets the graph (and each --set) for
	# every run.
	# A parameter the sweep varies is left to it.
	setxml=
	for a in $sets; do
		n=${a%%=*}
		grep -q "<param name=\"$n\"" "$here/sweep.xml" && continue
		setxml="$setxml<set name=\"$n\" value=\"${a#*=}\"/>\\
  "
	done
	sed -e "s|scenario=\"study.xml\"|scenario=\"$scn\"|" \
		-e "s|<run pcap=|$setxml<run pcap=|" "$here/sweep.xml" >"$out/sweep.xml" ||
		fail "cannot write $out/sweep.xml"
	# Its warnings (a metric of one approach has nothing in the other's
	# runs) go to its log.
	"$bin" sweep "$out/sweep.xml" -j "$jobs" --out "$out/sweep" --quiet \
		2>"$out/sweep.log" || { tail -n 20 "$out/sweep.log" >&2; fail "the sweep failed"; }
fi

# ---- 6. the report ----
cc=$(col "$out/requests.csv" completion)
fb=$(col "$out/requests.csv" first_byte)
st=$(col "$out/stretch.csv" stretch)
pl=$(col "$out/stretch.csv" path_len)
il=$(col "$out/stretch.csv" ip_len)
conv_s=$(awk -F, '$1 == "rae" && $3 == "last_change_ns" {if ($4 > m) m = $4}
	END {printf "%.3f\n", m / 1e9}' "$run/decoupled/counters.csv")
nas=$(awk -F, '$1 == "rae" && $3 == "rib_prefixes"' "$run/decoupled/counters.csv" | wc -l)
upd=$(csum "$run/decoupled" rae update_in)
pfx=$(csum "$run/decoupled" rae prefixes_in)
updc=$(csum "$run/coupled" rae update_in)
pfxc=$(csum "$run/coupled" rae prefixes_in)
{
	echo "# COMET on an Internet-like network: the decoupled and the coupled approach"
	echo
	echo "Network: $graph, $nas domains, an RAE each (\`scenarios/study/\`,"
	echo "doc/study.md says what it assumes). Workload and timers: \`$scn\`"
	echo "with \`$setargs\`. Made by \`scenarios/study/study.sh\` on $(date -u +%Y-%m-%d)."
	echo
	echo "## Requests"
	echo
	echo "| approach | requests | complete | other outcomes |"
	echo "| --- | --- | --- | --- |"
	for h in decoupled coupled; do
		awk -F, -v h="$h" 'NR > 1 {n++; if ($12 == "complete") c++; else o[$12]++}
			END {s = ""; for (k in o) s = s sprintf("%s%s %d", s == "" ? "" : ", ", k, o[k]);
			printf "| %s | %d | %d | %s |\n", h, n, c, s == "" ? "none" : s}' \
			"$out/requests-$h.csv"
	done
	echo
	echo "## Delivery time"
	echo
	echo "Seconds from a request to its last byte (\`completion\`) and to its"
	echo "first (\`first_byte\`), over the complete requests:"
	echo
	echo "| approach | measure | n | mean | median | 90th | 99th |"
	echo "| --- | --- | --- | --- | --- | --- | --- |"
	for h in decoupled coupled; do
		set -- $(q "$out/complete-$h.csv" "$cc")
		echo "| $h | completion | $1 | $2 | $3 | $4 | $5 |"
		set -- $(q "$out/complete-$h.csv" "$fb")
		echo "| $h | first byte | $1 | $2 | $3 | $4 | $5 |"
	done
	echo
	echo "![delivery time CDF](plots/cdf-completion.png)"
	echo "![first byte CDF](plots/cdf-first_byte.png)"
	echo
	echo "## Path stretch against IP routing"
	echo
	echo "AS hops of the path a request's content took, over the AS hops of the"
	echo "shortest path between the server's and the client's AS (what"
	echo "shortest-path IP routing takes); requests inside one AS are left out."
	echo
	echo "| approach | requests | mean AS hops | mean IP hops | mean stretch | median | 90th | 99th |"
	echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
	for h in decoupled coupled; do
		set -- $(q "$out/stretch-$h.csv" "$st")
		if [ "$1" -eq 0 ]; then
			echo "| $h | 0 | - | - | - | - | - | - |"
			continue
		fi
		a=$(q "$out/stretch-$h.csv" "$pl" | cut -d' ' -f2)
		b=$(q "$out/stretch-$h.csv" "$il" | cut -d' ' -f2)
		echo "| $h | $1 | $a | $b | $2 | $3 | $4 | $5 |"
	done
	echo
	[ -f "$plots/cdf-stretch.png" ] && echo "![stretch CDF](plots/cdf-stretch.png)"
	echo
	echo "## State in the domains"
	echo
	echo "What a domain holds: each entity's largest value over the run (sampled"
	echo "every second, timeseries.csv), then the mean of those over the domains"
	echo "that have the entity, and the largest; the RIB at the end of the run."
	echo
	echo "| approach | state | mean | largest |"
	echo "| --- | --- | --- | --- |"
	for h in decoupled coupled; do
		set -- $(cdom "$run/$h" rae rib_paths)
		echo "| $h | RAE: paths in the RIB (end) | $1 | $2 |"
	done
	set -- $(tpeak "$run/decoupled" entity.cme.store_paths)
	echo "| decoupled | CME: paths in its store | $1 | $2 |"
	set -- $(tpeak "$run/decoupled" entity.cafe.filters)
	echo "| decoupled | stateless CAFE: filters (one a flow) | $1 | $2 |"
	set -- $(tpeak "$run/coupled" entity.crme.sessions)
	echo "| coupled | CRME: sessions (one a content flowing) | $1 | $2 |"
	set -- $(tpeak "$run/coupled" entity.ccafe.states)
	echo "| coupled | CAFE: content states | $1 | $2 |"
	echo
	echo "## Signalling"
	echo
	nd=$(($(wc -l <"$out/requests-decoupled.csv") - 1))
	nc=$(($(wc -l <"$out/requests-coupled.csv") - 1))
	d1=$(csum "$run/decoupled" cme content_requests)
	d2=$(csum "$run/decoupled" cafe_agent requests)
	c1=$(csum "$run/coupled" crme consumes)
	c2=$(csum "$run/coupled" crme configures)
	c3=$(csum "$run/coupled" crme notifies)
	c4=$(csum "$run/coupled" crme releases)
	c5=$(csum "$run/coupled" crme publishes)
	c6=$(csum "$run/coupled" crme routes_in)
	echo "Messages of the requests (doc/study.md says which are counted):"
	echo
	echo "| approach | requests | messages | per request |"
	echo "| --- | --- | --- | --- |"
	awk -v n="$nd" -v m="$((2 * d1 + 2 * d2))" \
		'BEGIN {printf "| decoupled | %d | %d | %.2f |\n", n, m, n ? m / n : 0}'
	awk -v n="$nc" -v m="$((2 * c1 + c2 + c3 + c4))" \
		'BEGIN {printf "| coupled | %d | %d | %.2f |\n", n, m, n ? m / n : 0}'
	echo
	echo "Background, whatever the requests: the RAEs exchanged $upd updates"
	echo "carrying $pfx prefixes in the decoupled half, $updc carrying $pfxc in"
	echo "the coupled half (the same RAEs; the CRMEs' messages share their links,"
	echo "which changes when updates arrive and how they are batched); the coupled"
	echo "approach's CRMEs also sent"
	echo "$c5 content records (Publish) and received $c6 route messages."
	echo
	echo "## RAE convergence"
	echo
	echo "The last change of any RAE's preferred paths came at $conv_s s of"
	echo "virtual time (the RAEs start at 0; the requests start later, \`start\`)."
	echo
	echo "![preferred-path changes a second](plots/ts-rae.preferred_changes.rate.png)"
	if [ "$sweep" = yes ]; then
		echo
		echo "## The sweep over alpha and load"
		echo
		echo "\`scenarios/study/sweep.xml\`: each point is one run of one approach."
		echo
		for p in "$out"/sweep/plots/*.png; do
			[ -f "$p" ] || continue
			n=$(basename "$p" .png)
			echo "![$n](sweep/plots/$n.png)"
		done
		echo
		echo "The numbers: \`sweep/results.csv\`."
	fi
} >"$out/report.md.tmp" || fail "the report could not be written"
mv "$out/report.md.tmp" "$out/report.md" || fail "the report could not be written"
say "report: $out/report.md"
