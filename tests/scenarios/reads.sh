#!/bin/sh
# reads.sh - the 256 MiB bound on every file a user names holds for what
# is read, not for what stat(2) says (doc/scenario-format.md, "Limits";
# sim/fileio.c): /dev/zero, /dev/urandom and a FIFO that never ends are
# refused, naming the file and where it is referenced, after 256 MiB + 1
# bytes, whether they are a topology, a script, a CME configuration, a
# content of the curling server, an RAE configuration or a sweep
# description.  Each refusal reads 256 MiB: a few seconds.
. "${top_srcdir:-.}/tests/scenarios/lib.sh"

# refused DESC REGEX CMD...: the command exits 1 and its stderr matches REGEX.
refused() {
	what=$1
	re=$2
	shift 2
	timeout 300 "$@" >"$T/out.txt" 2>"$T/err.txt"
	rc=$?
	check "$what: exit 1" [ "$rc" -eq 1 ]
	check "$what: the message" grep -q -- "$re" "$T/err.txt"
}

MORE='more than the 268435456 bytes a'

printf '<scenario name="z">\n  <topology file="/dev/zero"/>\n</scenario>\n' >"$T/z.xml"
refused "a topology from /dev/zero" \
	"^$T/z.xml:2: \"/dev/zero\" is $MORE scenario, topology or script file may have" \
	"$COMETSIM" run "$T/z.xml" --out "$T/oz"
check "... nothing written" not test -e "$T/oz"

printf '<scenario name="u">\n  <events>\n    <script file="/dev/urandom"/>\n  </events>\n</scenario>\n' \
	>"$T/u.xml"
refused "a script from /dev/urandom" \
	"^$T/u.xml:3: \"/dev/urandom\" is $MORE scenario, topology or script file may have" \
	"$COMETSIM" check "$T/u.xml"

# A FIFO whose writer never stops: what stat says of it is 0 bytes.
mkfifo "$T/endless.script"
printf '<scenario name="f">\n  <events>\n    <script file="endless.script"/>\n  </events>\n</scenario>\n' \
	>"$T/f.xml"
yes '0 START_ROUTER' >"$T/endless.script" 2>/dev/null &
ypid=$!
refused "a script from an endless FIFO" \
	"^$T/f.xml:3: \"$T/endless.script\" is $MORE scenario" \
	"$COMETSIM" check "$T/f.xml"
kill "$ypid" 2>/dev/null
wait "$ypid" 2>/dev/null

# Entities' files: read when the scenario is loaded.
printf '0 START_ROUTER 1\n0 ON_ROUTER 1 usr.cme.Cme 9090 config=/dev/zero\n' >"$T/cme.script"
printf '<scenario name="c">\n  <events>\n    <script file="cme.script"/>\n  </events>\n</scenario>\n' \
	>"$T/cme.xml"
refused "a CME configuration from /dev/zero" \
	"^$T/cme.script:2: usr.cme.Cme: /dev/zero: $MORE configuration file may have" \
	"$COMETSIM" check "$T/cme.xml"

printf '0 START_ROUTER 1\n0 ON_ROUTER 1 usr.curling.ContentServer 1000 1 3000 1 2000 1 C file:/dev/zero\n' \
	>"$T/cs.script"
printf '<scenario name="c">\n  <events>\n    <script file="cs.script"/>\n  </events>\n</scenario>\n' \
	>"$T/cs.xml"
refused "a content file from /dev/zero" \
	"^$T/cs.script:2: usr.curling.ContentServer: content C: \"/dev/zero\": $MORE content file may have" \
	"$COMETSIM" check "$T/cs.xml"

refused "an RAE configuration from /dev/zero" \
	"^/dev/zero: $MORE configuration file may have" \
	"$COMETSIM" rae-config /dev/zero

refused "a sweep description from /dev/zero" \
	"^/dev/zero: $MORE sweep description may have" \
	"$COMETSIM" sweep /dev/zero --out "$T/sw"

finish
