#!/bin/sh
# rae_tool_bad.sh - bad input to rae_tool reload and restart is refused
# when the scenario loads: exit status 1, the scenario's file and line,
# then (for a configuration file) that file's own line and what is wrong,
# and no summary.json.  Each case is scenarios/rae/update.xml with the
# reload event of 6 s replaced by the case's command.
. "${top_srcdir:-.}/tests/scenarios/lib.sh"

raedir="$top_srcdir/scenarios/rae"
# A configuration with one bad value (a negative delay, line 48) and one
# that is not XML at all.
sed 's/maximum_delay="0.3"/maximum_delay="-1"/' "$raedir/update/as3-update.xml" >"$T/neg.xml"
printf '<rae-config local_as_number="3"\n' >"$T/cut.xml"

# refused NAME "COMMAND" PHRASE: the scenario with COMMAND at 6 s, through
# check and run.
refused() {
	name=$1 cmd=$2 phrase=$3
	sed -e "s#^6000  ON_ROUTER r3 rae_tool reload .*#6000  ON_ROUTER r3 rae_tool $cmd#" \
		-e "s#\.\./\.\./topologies/#$top_srcdir/topologies/#" "$raedir/update.xml" >"$T/s.xml"
	for how in check run; do
		rm -rf "$T/out"
		if [ "$how" = run ]; then
			"$COMETSIM" run "$T/s.xml" --set "raedir=$raedir" --out "$T/out" \
				>"$T/stdout" 2>"$T/stderr"
		else
			"$COMETSIM" check "$T/s.xml" --set "raedir=$raedir" >"$T/stdout" 2>"$T/stderr"
		fi
		rc=$?
		check "$name ($how): exit 1 (got $rc)" [ "$rc" -eq 1 ]
		check "$name ($how): \"$phrase\"" grep -qF -- "$phrase" "$T/stderr"
		check "$name ($how): no summary.json" [ ! -e "$T/out/summary.json" ]
		[ "$failures" -eq 0 ] || cat "$T/stderr" >&2
	done
}

refused "reload without a file" "reload" \
	"s.xml:43: rae_tool: reload takes one configuration file"
refused "reload of two files" "reload $T/neg.xml $T/neg.xml" \
	"s.xml:43: rae_tool: reload takes one configuration file"
refused "reload of a missing file" "reload $T/nosuch.xml" \
	"s.xml:43: rae_tool: $T/nosuch.xml: cannot read: No such file or directory"
refused "reload of a file with a bad value" "reload $T/neg.xml" \
	"s.xml:43: rae_tool: $T/neg.xml:48: maximum_delay \"-1\": negative"
refused "reload of a file cut short" "reload $T/cut.xml" \
	"s.xml:43: rae_tool: $T/cut.xml:2: malformed XML"
refused "restart with a bad down time" "restart down=abc" \
	"s.xml:43: rae_tool: down \"abc\": not a number"
refused "restart with a down time too long" "restart down=2h" \
	"s.xml:43: rae_tool: down \"2h\": too large (at most 3600s)"
refused "restart with a word it does not know" "restart now" \
	"s.xml:43: rae_tool: restart: unexpected argument \"now\" (usage: restart [down=DURATION])"
refused "restart with two arguments" "restart down=1s down=2s" \
	"s.xml:43: rae_tool: restart takes at most down=DURATION"
refused "an unknown command lists the new ones" "reboot" \
	"s.xml:43: rae_tool: unknown command \"reboot\" (usage: announce <prefix> | withdraw <prefix> | report | reload <config-file> | restart [down=DURATION])"

finish
