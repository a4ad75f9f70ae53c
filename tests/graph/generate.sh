#!/bin/sh
# generate.sh - the topology generators (scenario/generate.c,
# doc/topology-generators.md) through graphdump --generate: a seed gives
# one graph, byte for byte, another seed another; the counts each model
# promises; no self-loop and no edge twice; a Waxman graph is connected;
# a tiered graph has its tier-1 clique, a provider for every AS below
# tier 1 and no provider cycle; the refusals.  Small graphs of each model
# are pinned in tests/graph/data/gen-*.dump so that a change of an
# algorithm (or of the random stream it draws from) is seen.
. "${top_srcdir:-.}/tests/scenarios/lib.sh"

gd="$top_builddir/tests/graph/graphdump"
data="$top_srcdir/tests/graph/data"

# gen NAME MODEL ARGS...: the dump of a generated graph in $T/NAME, its
# errors in $T/NAME.err; the exit status of graphdump.
gen() {
	_f=$1
	shift
	"$gd" --generate "$@" > "$T/$_f" 2> "$T/$_f.err"
}

# head_count FILE WHAT: the count of nodes or edges the dump starts with.
head_count() {
	awk -v w="$2" 'NR == 1 { for (i = 1; i < NF; i++) if ($i == w) print $(i + 1) }' "$1"
}

# dawk PROGRAM [VAR=VALUE]... FILE: awk over a dump, which prints
# "unread" instead of what PROGRAM prints when FILE is empty or not a
# dump, so that a count of bad lines is never 0 for a graph not made.
dawk() {
	_prog=$1
	shift
	awk 'NR == 1 && $1 != "nodes" { nohead = 1 }
		END { if (NR == 0 || nohead) { print "unread"; exit } }
		'"$_prog" "$@"
}

# lines FILE KIND: how many node or edge lines the dump has.
lines() {
	awk -v k="$2" '$1 == k { n++ } END { print n + 0 }' "$1"
}

# self_loops FILE: edges from a node to itself.
self_loops() {
	dawk '$1 == "edge" && $2 == $3 { n++ } END { print n + 0 }' "$1"
}

# duplicates FILE: edges between two nodes an earlier edge already joins.
duplicates() {
	dawk '$1 == "edge" { k = $2 < $3 ? $2 " " $3 : $3 " " $2; if (seen[k]++) n++ }
		END { print n + 0 }' "$1"
}

# reached FILE: the nodes a breadth-first search from the first node
# reaches over the edges (the node count when the graph is connected).
reached() {
	dawk '$1 == "node" { id[$2] = ++n }
		$1 == "edge" { a = id[$2]; b = id[$3]; adj[a, ++deg[a]] = b; adj[b, ++deg[b]] = a }
		END {
			if (n == 0) { print 0; exit }
			q[1] = 1; seen[1] = 1; h = 1; t = 1
			while (h <= t) {
				u = q[h++]
				for (i = 1; i <= deg[u]; i++)
					if (!(adj[u, i] in seen)) {
						seen[adj[u, i]] = 1
						q[++t] = adj[u, i]
					}
			}
			print t
		}' "$1"
}

# same A B: the dumps A and B are made and identical.
same() {
	[ -s "$1" ] || return 1
	cmp -s "$1" "$2"
}

# differ A B: the dumps A and B are made and differ.
differ() {
	[ -s "$1" ] || return 1
	[ -s "$2" ] || return 1
	! cmp -s "$1" "$2"
}

# refused WHY ARGS...: graphdump --generate ARGS exits 1 and says WHY.
refused() {
	_why=$1
	shift
	gen refused "$@"
	_rc=$?
	check "$* is refused (exit $_rc)" [ "$_rc" -eq 1 ]
	check "$*: the message says \"$_why\"" grep -qF -- "$_why" "$T/refused.err"
}

refused 'unknown model "nosuch" (ba waxman tiered)' nosuch nodes=5

# ---- ba ----
gen ba1 ba nodes=10 m=2 seed=1
check "ba: nodes=10 m=2 is made" [ -s "$T/ba1" ]
gen ba1b ba nodes=10 m=2 seed=1
check "ba: the same seed gives the same graph" same "$T/ba1" "$T/ba1b"
gen ba2 ba nodes=10 m=2 seed=2
check "ba: another seed gives another graph" differ "$T/ba1" "$T/ba2"
check "ba: the graph of nodes=10 m=2 seed=1 is the pinned one" \
	same "$T/ba1" "$data/gen-ba-10.dump"
gen badef ba nodes=10 seed=1
check "ba: m is 2 when not given" same "$T/ba1" "$T/badef"
gen baseed0 ba nodes=10 m=2
gen baseed0b ba nodes=10 m=2 seed=0
check "ba: seed is 0 when not given" same "$T/baseed0" "$T/baseed0b"
for nm in 10:2 2:1 50:1 100:5 6:5 300:3 1000:20; do
	n=${nm%:*}
	m=${nm#*:}
	gen ba ba nodes="$n" m="$m" seed=7
	want=$((m * (m + 1) / 2 + m * (n - m - 1)))
	check "ba nodes=$n m=$m: $n nodes" [ "$(head_count "$T/ba" nodes)" -eq "$n" ]
	check "ba nodes=$n m=$m: $n node lines" [ "$(lines "$T/ba" node)" -eq "$n" ]
	check "ba nodes=$n m=$m: m(m+1)/2 + m(N-m-1) = $want edges" \
		[ "$(head_count "$T/ba" edges)" -eq "$want" ]
	check "ba nodes=$n m=$m: $want edge lines" [ "$(lines "$T/ba" edge)" -eq "$want" ]
	check "ba nodes=$n m=$m: no self-loop" [ "$(self_loops "$T/ba")" -eq 0 ]
	check "ba nodes=$n m=$m: no edge twice" [ "$(duplicates "$T/ba")" -eq 0 ]
	check "ba nodes=$n m=$m: connected" [ "$(reached "$T/ba")" -eq "$n" ]
	check "ba nodes=$n m=$m: the nodes are n0..n$((n - 1)), in order, generated" \
		[ "$(dawk '$1 == "node" && $0 != "node n" i++ " line=0" { b++ }
			END { print b + 0 }' "$T/ba")" -eq 0 ]
	check "ba nodes=$n m=$m: the edges carry nothing (the scenario's defaults)" \
		[ "$(dawk '$1 == "edge" && NF != 4 { b++ } $1 == "edge" && $4 != "line=0" { b++ }
			END { print b + 0 }' "$T/ba")" -eq 0 ]
	# The clique n0..nm, then each later node joined to m earlier ones.
	check "ba nodes=$n m=$m: nodes n0..n$m form a clique" \
		[ "$(dawk '$1 == "edge" { a = substr($2, 2) + 0; b = substr($3, 2) + 0 }
			$1 == "edge" && a <= m && b <= m { c++ }
			END { print c + 0 }' m="$m" "$T/ba")" -eq $((m * (m + 1) / 2)) ]
	check "ba nodes=$n m=$m: each later node has its m edges to earlier nodes" \
		[ "$(dawk '$1 == "edge" { a = substr($2, 2) + 0; b = substr($3, 2) + 0 }
			$1 == "edge" && a > m && b < a { k[a]++ }
			END { for (v = m + 1; v < n; v++) if (k[v] != m) bad++; print bad + 0 }' \
			m="$m" n="$n" "$T/ba")" -eq 0 ]
done
gen bah ba nodes=2000 m=1 seed=3
check "ba: preferential attachment gives hubs (a node of degree 20 or more in 2000, m=1)" \
	[ "$(dawk '$1 == "edge" { d[$2]++; d[$3]++ }
		END { for (v in d) if (d[v] > x) x = d[v]; print x + 0 }' "$T/bah")" -ge 20 ]
# A million nodes: linear work (the endpoint list), in seconds, not hours.
timeout 120 "$gd" --generate ba nodes=1000000 m=2 seed=1 > "$T/big" 2> "$T/big.err"
rc=$?
check "ba: nodes=1000000 m=2 is made within 120 s (exit $rc)" [ "$rc" -eq 0 ]
check "ba: nodes=1000000 m=2 has 1999997 edges" [ "$(head_count "$T/big" edges)" -eq 1999997 ]
rm -f "$T/big"

refused "nodes is required" ba m=2
refused "nodes 1000001 is more than 1000000" ba nodes=1000001
refused "m 5 is not below nodes 5" ba nodes=5 m=5
refused "m 1001 is more than 1000" ba nodes=100000 m=1001
refused "m 5 and nodes 1000000 make 4999985 edges, more than 4000000" \
	ba nodes=1000000 m=5
refused "alpha does not apply to ba" ba nodes=10 alpha=0.5
refused "beta does not apply to ba" ba nodes=10 beta=0.5
refused "tier1 does not apply to ba" ba nodes=10 tier1=3
refused "transit does not apply to ba" ba nodes=10 transit=3

# ---- waxman ----
gen wx1 waxman nodes=12 seed=1
check "waxman: nodes=12 is made" [ -s "$T/wx1" ]
gen wx1b waxman nodes=12 seed=1
check "waxman: the same seed gives the same graph" same "$T/wx1" "$T/wx1b"
gen wx2 waxman nodes=12 seed=2
check "waxman: another seed gives another graph" differ "$T/wx1" "$T/wx2"
gen wxp waxman nodes=12 beta=0.3 seed=1
check "waxman: the graph of nodes=12 beta=0.3 seed=1 is the pinned one" \
	same "$T/wxp" "$data/gen-waxman-12.dump"
gen wxn waxman nodes=200 seed=1
gen wxdef waxman nodes=200 seed=1 alpha=0.4 beta=0.1
check "waxman: alpha is 0.4 and beta 0.1 when not given" same "$T/wxn" "$T/wxdef"
gen wxa waxman nodes=200 seed=1 alpha=0.2
gen wxa2 waxman nodes=200 seed=1 alpha=0.3
check "waxman: alpha changes the graph" differ "$T/wxa" "$T/wxa2"
gen wxb waxman nodes=200 seed=1 beta=0.2
check "waxman: beta changes the graph" differ "$T/wxa" "$T/wxb"
check "waxman: a larger alpha gives more edges" \
	[ "$(head_count "$T/wxa2" edges)" -gt "$(head_count "$T/wxa" edges)" ]
for args in "nodes=1" "nodes=2 beta=0.001" "nodes=12" "nodes=300 beta=0.02" \
	"nodes=300 alpha=1 beta=1" "nodes=1000 alpha=0.05 beta=0.01"; do
	# shellcheck disable=SC2086
	gen wx waxman $args seed=5
	rc=$?
	n=${args%% *}
	n=${n#nodes=}
	check "waxman $args: made (exit $rc)" [ "$rc" -eq 0 ]
	check "waxman $args: $n nodes" [ "$(head_count "$T/wx" nodes)" -eq "$n" ]
	check "waxman $args: edge lines as counted" \
		[ "$(lines "$T/wx" edge)" -eq "$(head_count "$T/wx" edges)" ]
	check "waxman $args: no self-loop" [ "$(self_loops "$T/wx")" -eq 0 ]
	check "waxman $args: no edge twice" [ "$(duplicates "$T/wx")" -eq 0 ]
	check "waxman $args: connected" [ "$(reached "$T/wx")" -eq "$n" ]
	check "waxman $args: the nodes are n0..n$((n - 1)), in order" \
		[ "$(dawk '$1 == "node" && $2 != "n" i++ { b++ } END { print b + 0 }' \
			"$T/wx")" -eq 0 ]
	check "waxman $args: every node has coordinates in the unit square" \
		[ "$(dawk '$1 == "node" { if (split(substr($3, 4), c, ",") != 2 ||
				substr($3, 1, 3) != "xy=" || c[1] < 0 || c[1] >= 1 ||
				c[2] < 0 || c[2] >= 1) b++ }
			END { print b + 0 }' "$T/wx")" -eq 0 ]
done
# A small beta leaves many components, which the joining step must link.
gen wxs waxman nodes=300 beta=0.001 seed=5
check "waxman nodes=300 beta=0.001: a tree after joining (299 edges)" \
	[ "$(head_count "$T/wxs" edges)" -eq 299 ]
gen wxd waxman nodes=100 alpha=1 beta=1 seed=5
check "waxman nodes=100 alpha=1 beta=1: dense (over 1000 of the 4950 pairs)" \
	[ "$(head_count "$T/wxd" edges)" -gt 1000 ]
gen wxbig waxman nodes=20000 alpha=0.05 beta=0.002 seed=1
rc=$?
check "waxman: nodes=20000 (the largest) is made (exit $rc)" [ "$rc" -eq 0 ]
check "waxman: nodes=20000 is connected" [ "$(reached "$T/wxbig")" -eq 20000 ]
rm -f "$T/wxbig"

refused "nodes is required" waxman alpha=0.5
refused "nodes 20001 is more than 20000 for waxman" waxman nodes=20001 alpha=0.01 beta=0.001
refused "nodes 1000001 is more than 1000000" waxman nodes=1000001
refused "more than 4000000 edges" waxman nodes=20000 alpha=1 beta=1
refused "alpha 1.5 is not in (0, 1]" waxman nodes=10 alpha=1.5
refused "alpha -0.5 is not in (0, 1]" waxman nodes=10 alpha=-0.5
refused "alpha nan is not in (0, 1]" waxman nodes=10 alpha=nan
refused "beta 2 is not in (0, 1]" waxman nodes=10 beta=2
refused "beta -1 is not in (0, 1]" waxman nodes=10 beta=-1
refused "m does not apply to waxman" waxman nodes=10 m=2
refused "tier1 does not apply to waxman" waxman nodes=10 tier1=2
refused "transit does not apply to waxman" waxman nodes=10 transit=2

# ---- tiered ----
gen t1 tiered nodes=20 seed=1
check "tiered: nodes=20 is made" [ -s "$T/t1" ]
gen t1b tiered nodes=20 seed=1
check "tiered: the same seed gives the same graph" same "$T/t1" "$T/t1b"
gen t2 tiered nodes=20 seed=2
check "tiered: another seed gives another graph" differ "$T/t1" "$T/t2"
check "tiered: the graph of nodes=20 seed=1 is the pinned one" \
	same "$T/t1" "$data/gen-tiered-20.dump"
gen tdef tiered nodes=20 tier1=5 transit=2 seed=1
check "tiered: tier1 is 5 and transit 10% of nodes when not given" same "$T/t1" "$T/tdef"

# tier_count FILE K: the nodes of tier K.
tier_count() {
	dawk '$1 == "node" { for (i = 3; i <= NF; i++) if ($i == k) n++ }
		END { print n + 0 }' k="tier=$2" "$1"
}

# providers FILE TIER MIN MAX: the ASes of TIER whose number of providers
# (p2c edges towards them) is below MIN or above MAX.
providers() {
	dawk '
		$1 == "node" { for (i = 3; i <= NF; i++) if ($i == t) want[$2] = 1 }
		$1 == "edge" && $4 == "rel=p2c" { p[$3]++ }
		END { for (v in want) if (p[v] + 0 < lo || p[v] + 0 > hi) b++; print b + 0 }' \
		t="tier=$2" lo="$3" hi="$4" "$1"
}

# p2c_cycle FILE: the ASes left when the provider-to-customer graph is
# stripped of its ASes without a provider, again and again (0: no cycle).
p2c_cycle() {
	dawk '$1 == "node" { v[$2] = 1 }
		$1 == "edge" && $4 == "rel=p2c" { out[$2, ++n[$2]] = $3; indeg[$3]++ }
		END {
			for (x in v) if (!indeg[x]) q[++t] = x
			h = 1
			while (h <= t) {
				x = q[h++]
				for (i = 1; i <= n[x]; i++)
					if (--indeg[out[x, i]] == 0) q[++t] = out[x, i]
			}
			print length(v) - t
		}' "$1"
}

for args in "nodes=20" "nodes=5" "nodes=6" "nodes=200" "nodes=200 tier1=1 transit=1" \
	"nodes=300 tier1=8 transit=60" "nodes=50 tier1=3 transit=47" "nodes=3000"; do
	# shellcheck disable=SC2086
	gen t tiered $args seed=9
	rc=$?
	n=${args%% *}
	n=${n#nodes=}
	k=5
	tr=$((n / 10))
	case $args in *tier1=*) k=${args#*tier1=}; k=${k%% *} ;; esac
	case $args in *transit=*) tr=${args#*transit=} ;; esac
	check "tiered $args: made (exit $rc)" [ "$rc" -eq 0 ]
	check "tiered $args: $n nodes" [ "$(head_count "$T/t" nodes)" -eq "$n" ]
	check "tiered $args: edge lines as counted" \
		[ "$(lines "$T/t" edge)" -eq "$(head_count "$T/t" edges)" ]
	check "tiered $args: $k tier-1 ASes" [ "$(tier_count "$T/t" 1)" -eq "$k" ]
	check "tiered $args: $tr transit ASes" [ "$(tier_count "$T/t" 2)" -eq "$tr" ]
	check "tiered $args: $((n - k - tr)) stubs" \
		[ "$(tier_count "$T/t" 3)" -eq $((n - k - tr)) ]
	check "tiered $args: the tiers come in order, 1 then 2 then 3" \
		[ "$(dawk '$1 == "node" { t = substr($4, 6) + 0; if (t < last) b++; last = t }
			END { print b + 0 }' "$T/t")" -eq 0 ]
	check "tiered $args: AS i is named ASi, numbered 1..$n" \
		[ "$(dawk '$1 == "node" { i++; if ($2 != "AS" i || $3 != "as=" i) b++ }
			END { print b + 0 }' "$T/t")" -eq 0 ]
	check "tiered $args: no self-loop" [ "$(self_loops "$T/t")" -eq 0 ]
	check "tiered $args: no edge twice" [ "$(duplicates "$T/t")" -eq 0 ]
	check "tiered $args: connected" [ "$(reached "$T/t")" -eq "$n" ]
	check "tiered $args: every edge is p2c or p2p" \
		[ "$(dawk '$1 == "edge" && $4 != "rel=p2c" && $4 != "rel=p2p" { b++ }
			END { print b + 0 }' "$T/t")" -eq 0 ]
	check "tiered $args: the tier-1 clique is complete ($((k * (k - 1) / 2)) p2p edges)" \
		[ "$(dawk '$1 == "node" && $4 == "tier=1" { t1[$2] = 1 }
			$1 == "edge" && $4 == "rel=p2p" && ($2 in t1) && ($3 in t1) { c++ }
			END { print c + 0 }' "$T/t")" -eq $((k * (k - 1) / 2)) ]
	check "tiered $args: tier-1 ASes have no provider" [ "$(providers "$T/t" 1 0 0)" -eq 0 ]
	check "tiered $args: each transit AS has 1 to 3 providers" \
		[ "$(providers "$T/t" 2 1 3)" -eq 0 ]
	check "tiered $args: each stub has 1 or 2 providers" [ "$(providers "$T/t" 3 1 2)" -eq 0 ]
	check "tiered $args: stubs provide for no one" \
		[ "$(dawk '$1 == "node" && $4 == "tier=3" { s[$2] = 1 }
			$1 == "edge" && $4 == "rel=p2c" && ($2 in s) { b++ }
			END { print b + 0 }' "$T/t")" -eq 0 ]
	check "tiered $args: stubs peer with no one" \
		[ "$(dawk '$1 == "node" && $4 == "tier=3" { s[$2] = 1 }
			$1 == "edge" && $4 == "rel=p2p" && (($2 in s) || ($3 in s)) { b++ }
			END { print b + 0 }' "$T/t")" -eq 0 ]
	check "tiered $args: no provider cycle" [ "$(p2c_cycle "$T/t")" -eq 0 ]
done
check "tiered: transit ASes peer with each other somewhere (nodes=3000)" \
	[ "$(dawk '$1 == "node" && $4 == "tier=2" { s[$2] = 1 }
		$1 == "edge" && $4 == "rel=p2p" && ($2 in s) && ($3 in s) { c++ }
		END { print c + 0 }' "$T/t")" -gt 0 ]
check "tiered: the relationships are directed" grep -q 'rel=p2c' "$T/t1"

refused "nodes is required" tiered tier1=3
refused "nodes 1000001 is more than 1000000" tiered nodes=1000001
refused "tier1 5 and transit 0 make more than nodes 3" tiered nodes=3
refused "tier1 4 and transit 7 make more than nodes 10" tiered nodes=10 tier1=4 transit=7
refused "tier1 1001 is more than 1000" tiered nodes=5000 tier1=1001
refused "m does not apply to tiered" tiered nodes=10 m=2
refused "alpha does not apply to tiered" tiered nodes=10 alpha=0.5
refused "beta does not apply to tiered" tiered nodes=10 beta=0.5

finish
