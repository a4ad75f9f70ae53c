#!/bin/sh
# layers.sh - the layer rule, read from every #include of the C sources
# (doc/architecture.md draws it):
#
#   sim/        the engine, includes only sim/
#   entities/   includes only entities/ and sim/
#   scenario/   the loader, includes only scenario/, entities/ and sim/
#   output/     includes only output/ and sim/
#   sweep/      includes only sweep/, scenario/, entities/, output/ and sim/
#   validate/   includes only validate/, scenario/, entities/, output/ and sim/
#   emu/        emulation (real time), includes only emu/ and sim/
#   par/        a run split over processes (Open MPI), includes only par/ and sim/
#
# so that sim/ includes nothing from scenario/, entities/, output/ or cli/
# (nor from any folder added later), entities/ nothing from scenario/,
# output/ or cli/, the loader nothing from output/ or cli/, the outputs
# nothing but the engine, and the two modules the front end dispatches
# to (sweep/, validate/) neither the front end nor each other.  cli/
# may include every folder; nothing may include cli/.  An
# include is the project's when its first folder is a folder at the top
# of the source tree ("scenario/scenario.h", also "../scenario/x.h" or
# <scenario/x.h>); "net.h" is the including file's own folder;
# <glib.h> and <libxml/tree.h> are the system's.  Every include that
# breaks the rule is reported as FILE:LINE: what.  A planted tree checks
# that the scan finds what it must.
. "${top_srcdir:-.}/tests/scenarios/lib.sh"

# layers ROOT: print "FILE:LINE: ..." for every include under ROOT's sim/,
# entities/, scenario/, output/, sweep/ and validate/ that breaks the
# rule; exit 1 if there is one.
layers() {
	(
		cd "$1" || exit 2
		ls -d */ 2>/dev/null | sed 's|/$||' > "$T/topdirs"
		find sim entities scenario output sweep validate emu par -name '*.[ch]' 2>/dev/null |
			LC_ALL=C sort > "$T/sources"
		[ -s "$T/sources" ] || exit 2
		awk -v topdirs="$T/topdirs" '
			BEGIN {
				while ((getline d < topdirs) > 0)
					top[d] = 1
				allow["sim"] = " sim "
				allow["entities"] = " entities sim "
				allow["scenario"] = " scenario entities sim "
				allow["output"] = " output sim "
				allow["sweep"] = " sweep scenario entities output sim "
				allow["validate"] = " validate scenario entities output sim "
				allow["emu"] = " emu sim "
				allow["par"] = " par sim "
				says["sim"] = "sim/"
				says["entities"] = "entities/ and sim/"
				says["scenario"] = "scenario/, entities/ and sim/"
				says["output"] = "output/ and sim/"
				says["sweep"] = "sweep/, scenario/, entities/, output/ and sim/"
				says["validate"] = "validate/, scenario/, entities/, output/ and sim/"
				says["emu"] = "emu/ and sim/"
				says["par"] = "par/ and sim/"
				bad = 0
			}
			# The path of "a/../b/./c" without . and .. parts.
			function norm(p,    n, i, k, part, out) {
				n = split(p, part, "/")
				k = 0
				for (i = 1; i <= n; i++) {
					if (part[i] == "." || part[i] == "")
						continue
					if (part[i] == ".." && k > 0) {
						k--
						continue
					}
					out[++k] = part[i]
				}
				p = ""
				for (i = 1; i <= k; i++)
					p = p (i > 1 ? "/" : "") out[i]
				return p
			}
			/^[ \t]*#[ \t]*include[ \t]*["<]/ {
				line = $0
				sub(/^[ \t]*#[ \t]*include[ \t]*/, "", line)
				quoted = substr(line, 1, 1) == "\""
				inc = substr(line, 2)
				sub(/[">].*/, "", inc)
				dir = FILENAME
				sub(/\/[^\/]*$/, "", dir)
				if (inc ~ /^\.\.?\//)
					path = norm(dir "/" inc)
				else if (quoted && inc !~ /\//)
					path = dir "/" inc
				else
					path = norm(inc)
				first = path
				sub(/\/.*/, "", first)
				if (!(first in top) || path == first)
					next
				layer = FILENAME
				sub(/\/.*/, "", layer)
				if (index(allow[layer], " " first " "))
					next
				printf "%s:%d: %s/ may include only %s, not \"%s\"\n", FILENAME, FNR,
				    layer, says[layer], inc
				bad = 1
			}
			END { exit bad }
		' $(cat "$T/sources")
	)
}

# ---- the tree ----

layers "$top_srcdir" > "$T/tree.out"
rc=$?
cat "$T/tree.out"
check "sim/, entities/, scenario/, output/, sweep/, validate/ and emu/ keep the layer rule (exit $rc)" \
	[ "$rc" -eq 0 ]
check "... and nothing is reported" [ ! -s "$T/tree.out" ]
for d in sim entities scenario output sweep validate emu; do
	n=$(cd "$top_srcdir" && find "$d" -name '*.[ch]' | wc -l)
	check "$d/ has sources to read ($n)" [ "$n" -gt 1 ]
done

# ---- a planted tree: each line marked "bad" must be reported, by its line ----

P="$T/planted"
mkdir -p "$P/sim" "$P/entities/apps" "$P/scenario" "$P/output" "$P/cli" "$P/sweep" \
	"$P/validate" "$P/emu"
cat > "$P/sim/net.c" <<'EOF'
#include <glib.h>
#include <libxml/tree.h>
#include "config.h"
#include "sim/net.h"
#include "net.h"
#include "scenario/scenario.h"
#include "entities/apps/apps.h"
# include "output/output.h"
#include <cli/sweep.h>
#include "../scenario/scenario_int.h"
#include "sweep/sweep.h"
EOF
cat > "$P/entities/apps/send.c" <<'EOF'
#include "entities/apps/apps.h"
#include "apps.h"
#include "sim/net.h"
#include "entities/nodeid.h"
#include "scenario/scenario.h"
#include "../../output/report.h"
	#include "cli/validate.h"
EOF
cat > "$P/scenario/scenario.c" <<'EOF'
#include "scenario/scenario_int.h"
#include "entities/nodeid.h"
#include "sim/units.h"
#include "output/output.h"
#include "cli/sweep.h"
EOF
cat > "$P/output/output.c" <<'EOF'
#include "output/output.h"
#include "sim/log.h"
#include "cli/sweep.h"
#include "entities/registry.h"
#include "scenario/scenario.h"
EOF
cat > "$P/sweep/sweep.c" <<'EOF'
#include "sweep/sweep_int.h"
#include "scenario/scenario.h"
#include "entities/registry.h"
#include "output/output.h"
#include "sim/units.h"
#include "cli/cometsim.h"
#include "validate/validate.h"
EOF
cat > "$P/validate/validate.c" <<'EOF'
#include "validate/validate_int.h"
#include "output/jsontext.h"
#include "sim/fileio.h"
#include "scenario/scenario.h"
#include "../cli/cometsim.h"
#include <sweep/sweep.h>
EOF
cat > "$P/emu/realtime.c" <<'EOF'
#include "emu/realtime.h"
#include "sim/sim.h"
#include "entities/registry.h"
#include "output/output.h"
EOF
layers "$P" > "$T/planted.out"
rc=$?
cat "$T/planted.out"
check "the planted tree: exit 1 (got $rc)" [ "$rc" -eq 1 ]
cat > "$T/want" <<'EOF'
emu/realtime.c:3
emu/realtime.c:4
entities/apps/send.c:5
entities/apps/send.c:6
entities/apps/send.c:7
output/output.c:3
output/output.c:4
output/output.c:5
scenario/scenario.c:4
scenario/scenario.c:5
sim/net.c:6
sim/net.c:7
sim/net.c:8
sim/net.c:9
sim/net.c:10
sim/net.c:11
sweep/sweep.c:6
sweep/sweep.c:7
validate/validate.c:5
validate/validate.c:6
EOF
sed -n 's/^\([^:]*:[0-9]*\): .*/\1/p' "$T/planted.out" > "$T/got"
check "every planted include is reported, by file and line, and nothing else" \
	cmp -s "$T/want" "$T/got"
check "the message says which folders the file may include" \
	grep -qxF 'sim/net.c:6: sim/ may include only sim/, not "scenario/scenario.h"' \
	"$T/planted.out"
check "... for an entity too" \
	grep -qxF 'entities/apps/send.c:6: entities/ may include only entities/ and sim/, not "../../output/report.h"' \
	"$T/planted.out"
check "... for the outputs" \
	grep -qxF 'output/output.c:4: output/ may include only output/ and sim/, not "entities/registry.h"' \
	"$T/planted.out"
check "... for a sweep, which may not include validate/" \
	grep -qxF 'sweep/sweep.c:7: sweep/ may include only sweep/, scenario/, entities/, output/ and sim/, not "validate/validate.h"' \
	"$T/planted.out"
check "... for validate/, which may not include the front end" \
	grep -qxF 'validate/validate.c:5: validate/ may include only validate/, scenario/, entities/, output/ and sim/, not "../cli/cometsim.h"' \
	"$T/planted.out"
check "... for emu/, which knows the engine only" \
	grep -qxF 'emu/realtime.c:3: emu/ may include only emu/ and sim/, not "entities/registry.h"' \
	"$T/planted.out"

finish
