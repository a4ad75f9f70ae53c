#!/bin/sh
# deploy_d43.sh - what <deploy> takes to express D4.3's coupled topologies
# (doc/deploy.md, "The routers of a domain"): what its rules refuse, with
# the file and line.
. "${top_srcdir:-.}/tests/scenarios/lib.sh"

# Each rule on topology 1's script, in the events printed.
cat >"$T/ok.xml" <<EOF
<scenario name="ok">
  <events><script file="$top_srcdir/topologies/curling-topology1.script"/></events>
  <deploy approach="coupled" domains="d.h" links="c2p" rae="no" node="first" cafes="routers">
    <start crme="100ms" cafe="200ms" server="500ms"/>
    <content name="MyContent1" size="10kB" seed="7" server="5.3"/>
    <clients where="node:4.3" port="1000"/>
    <requests trace="ok.trace"/>
  </deploy>
</scenario>
EOF
echo '1.5s 4.3 MyContent1' >"$T/ok.trace"
"$COMETSIM" deploy "$T/ok.xml" >"$T/ok.txt" 2>&1
rc=$?
check "the rules load (exit $rc)" [ "$rc" -eq 0 ]
has() {
	grep -qxF "$1" "$T/ok.txt"
}
check "domain 1's CRME on 1.1 (node=first), with no provider" \
	has '100ms ON_ROUTER 1.1 usr.curling.Crme 3000 0 prefix=10.0.1.0/24 as=1'
check "domain 2's CRME has domain 1's as its provider (links=c2p)" \
	has '100ms ON_ROUTER 2.1 usr.curling.Crme 3000 1 10.0.1.1 prefix=10.0.2.0/24 as=2'
check "a CAFE on 2.2 with its link to 1.2 and domain 1's CRME (cafes=routers)" \
	has '200ms ON_ROUTER 2.2 usr.curling.Cafe 2000 10.0.2.1 3000 1 10.0.1.2 2000 10.0.1.1'
check "a CAFE on 4.3, which has no inter-domain link" \
	has '200ms ON_ROUTER 4.3 usr.curling.Cafe 2000 10.0.4.1 3000 0'
check "ten CAFEs, one on each router but the d.1s" \
	[ "$(grep -c 'usr.curling.Cafe' "$T/ok.txt")" -eq 10 ]
check "no RAE (rae=no)" not grep -q 'usr.rae.Rae' "$T/ok.txt"
srv='500ms ON_ROUTER 5.3 usr.curling.ContentServer 1000 10.0.5.1 3000 10.0.5.3 2000'
check "the server of the named content on 5.3, its size and seed" \
	has "$srv 1 MyContent1 10000:7"
check "the client on router 4.3, port 1000, at the trace's time" \
	has '1500ms ON_ROUTER 4.3 usr.curling.ContentClient 1000 10.0.4.1 3000 10.0.4.3 2000 MyContent1'

# What the rules refuse: FILE:LINE: what is wrong, exit 1.
bad() {
	cat >"$T/bad.xml" <<EOF
<scenario name="bad">
  <events><script file="$top_srcdir/topologies/curling-topology1.script"/></events>
  $1
</scenario>
EOF
	"$COMETSIM" check "$T/bad.xml" >"$T/bad.out" 2>&1
	echo "$?" >"$T/bad.rc"
}
good='domains="d.h" links="c2p" rae="no" node="first" cafes="routers"'
bad "<deploy approach=\"decoupled\" $good/>"
check "the rules are refused beside the decoupled approach (exit 1)" [ "$(cat "$T/bad.rc")" -eq 1 ]
check "... saying they are for the coupled approach, at the line" \
	grep -q 'bad.xml:3: <deploy>: domains="d.h" is for the coupled approach' "$T/bad.out"
bad "<deploy approach=\"coupled\" $good><content name=\"x\" server=\"5.1\"/></deploy>"
check "a content on a router without a CAFE is refused (exit 1)" [ "$(cat "$T/bad.rc")" -eq 1 ]
check "... saying the router holds no CAFE" \
	grep -q 'bad.xml:3: <content server=>: router 5.1 holds no CAFE' "$T/bad.out"
bad "<deploy approach=\"coupled\" $good><content name=\"x\" server=\"9.3\"/></deploy>"
check "a content on an unknown router is refused (exit 1)" [ "$(cat "$T/bad.rc")" -eq 1 ]
check "... saying it is not a router of a domain" \
	grep -q 'bad.xml:3: <content server=>: "9.3" is not a router of a domain' "$T/bad.out"
bad "<deploy approach=\"coupled\" $good><clients where=\"stub\"/></deploy>"
check "hosts made with domains=d.h are refused (exit 1)" [ "$(cat "$T/bad.rc")" -eq 1 ]
check "... saying the clients are on routers" \
	grep -q 'bad.xml:3: <clients>: with domains="d.h" the clients are on routers' "$T/bad.out"
twice='<content name="x" server="5.3"/><content name="x" server="5.2"/>'
bad "<deploy approach=\"coupled\" $good>$twice</deploy>"
check "a content named twice is refused (exit 1)" [ "$(cat "$T/bad.rc")" -eq 1 ]
check "... saying so" grep -q 'bad.xml:3: <content x> is given twice' "$T/bad.out"
bad "<deploy approach=\"coupled\" domains=\"ab\"/>"
check "an unknown domains= is refused (exit 1)" [ "$(cat "$T/bad.rc")" -eq 1 ]
check "... naming the words it knows" \
	grep -q 'bad.xml:3: <deploy>: domains "ab" is not known (topology or d.h)' "$T/bad.out"
finish
