#!/bin/sh
# install.sh - make install into a scratch prefix, then the installed copy
# used from / as a researcher uses it (doc/packaging.md):
#
#   1. configure's default for the dissector is the global Lua plugin
#      folder of the installed Wireshark (the one tshark -G folders names);
#   2. make install puts the program, the man page, every distributed file
#      under scenarios/ and topologies/ (examples, topologies, evaluators)
#      into PREFIX/share/cometsim, and the dissectors into the folder
#      given (here the personal Lua folder under $HOME);
#   3. from /, the installed program runs an installed example, and
#      cometsim validate runs the installed evaluator (stateless test 3),
#      not the source tree's; the program of a build tree still uses its
#      source tree;
#   4. tshark -G plugins lists the installed dissectors;
#   5. a copy moved away from its prefix says where it looked, and
#      COMETSIM_DATADIR points it at its data;
#   6. make uninstall removes every file it installed;
#   7. configured again with another prefix in the same build folder,
#      the program make install puts there looks for its data there.
#
# One configure and build of the program (no test programs): about 30 s
# of CPU on the project's machine; 40 s of wall time idle, 2 minutes
# under make check's load.
. "$top_srcdir/tests/scenarios/lib.sh"

src=$(CDPATH='' cd -- "$top_srcdir" && pwd)
prefix="$T/prefix"
build="$T/build"
lua_home="$HOME/.local/lib/wireshark/plugins"
data="$prefix/share/cometsim"

# A make of our own, not a job of the make check that runs this test.
unset MAKEFLAGS MFLAGS MAKELEVEL

mkdir -p "$build"
(cd "$build" && "$src/configure" -q --prefix="$prefix") >"$T/configure.txt" 2>&1
check "configure into a scratch prefix exits 0" [ $? -eq 0 ]

# 1. The dissector's folder, by default: where the installed Wireshark
# looks for Lua plugins of every user.
global_lua=$("$TSHARK" -G folders 2>/dev/null | sed -n 's/^Global Lua Plugins:[ 	]*//p')
chosen=$(sed -n 's/^wiresharkplugindir = //p' "$build/Makefile")
check "tshark -G folders names a global Lua folder" [ -n "$global_lua" ]
check "configure's default dissector folder is Wireshark's global Lua folder" \
	[ "$chosen" = "$global_lua" ]

# 2. make install, with the dissectors in the personal folder of $HOME
# (the test must not write into the system's folder).
(cd "$build" && make install wiresharkplugindir="$lua_home") >"$T/install.txt" 2>&1
check "make install exits 0" [ $? -eq 0 ]
check "the program is installed" [ -x "$prefix/bin/cometsim" ]
check "the man page is installed" [ -f "$prefix/share/man/man1/cometsim.1" ]
check "the sample scenario is installed" [ -f "$data/scenarios/sample.xml" ]
check "its topology is installed" [ -f "$data/topologies/sample.xml" ]
check "the evaluators are installed, executable" [ -x "$data/scenarios/validation/stateless.sh" ]
check "what the evaluators share is installed" [ -f "$data/scenarios/validation/_lib.sh" ]
check "the RAE evaluator's model is installed" [ -f "$data/scenarios/validation/rae_model.py" ]
check "the dissector the evaluators load is installed with them" \
	cmp -s "$src/output/wireshark/cometsim.lua" "$data/output/wireshark/cometsim.lua"
check "the echo's dissector is in the data tree too (doc/wireshark.md's no-root copy)" \
	cmp -s "$src/entities/echo/cometsim-echo.lua" "$data/entities/echo/cometsim-echo.lua"
check "the dissector is installed in the folder given" \
	cmp -s "$src/output/wireshark/cometsim.lua" "$lua_home/cometsim.lua"
check "the echo's dissector is installed beside it" [ -f "$lua_home/cometsim-echo.lua" ]

# Every distributed file under scenarios/ and topologies/: the tracked
# files of a git tree, every file of a dist tree.
if [ -d "$src/.git" ] || [ -f "$src/.git" ]; then
	(cd "$src" && git ls-files scenarios topologies) | sort >"$T/want.txt"
else
	(cd "$src" && find scenarios topologies -type f) | sort >"$T/want.txt"
fi
(cd "$data" && find scenarios topologies -type f) | sort >"$T/got.txt"
check "the source has files under scenarios/ and topologies/" [ -s "$T/want.txt" ]
comm -23 "$T/want.txt" "$T/got.txt" >"$T/missing.txt"
check "every file under scenarios/ and topologies/ is installed" [ ! -s "$T/missing.txt" ]
sed 's/^/  not installed: /' "$T/missing.txt" >&2

# 3. From /, the installed program on an installed example.
(cd / && "$prefix/bin/cometsim" run "$data/scenarios/sample.xml" --out "$T/run" --quiet) \
	>"$T/run.txt" 2>&1
check "from /, the installed program runs the installed sample" [ $? -eq 0 ]
check "the run wrote its summary" [ -f "$T/run/summary.json" ]
captures_ok "$T/run" "the installed sample"

# cometsim validate, from /: the installed evaluator, not the source tree's.
(cd / && "$prefix/bin/cometsim" validate --out "$T/val" --only 'stateless 3' --quiet) \
	>"$T/val.txt" 2>&1
check "from /, the installed cometsim validate passes stateless test 3" [ $? -eq 0 ]
check "it ran the installed evaluator" \
	grep -q "^# sh $data/scenarios/validation/stateless.sh " "$T/val/stateless.log"
check "its row is in the JSON" grep -q '"evaluator":"stateless"' "$T/val/validation.json"
for p in "$T"/val/stateless/3/*.pcap; do
	[ -f "$p" ] || continue
	check "tshark reads validate's $(basename "$p") without a bad frame" [ -z "$(pcap_bad "$p")" ]
done

# The program of the scratch build, uninstalled, still uses the source tree.
(cd / && "$build/cometsim" validate --out "$T/val-build" --only 'stateless 3' --quiet) \
	>"$T/val-build.txt" 2>&1
check "the build tree's program validates uninstalled" [ $? -eq 0 ]
check "it ran the source tree's evaluator" \
	grep -q "^# sh $src/scenarios/validation/stateless.sh " "$T/val-build/stateless.log"

# A message that is a format string: --format %s%n once crashed the
# program (cli/cometsim.c; the package build's -Werror=format-security
# refused that line).
"$prefix/bin/cometsim" topo "$data/scenarios/sample.xml" --format '%s%s%s%n' \
	>"$T/format.txt" 2>&1
check "a --format with % signs is bad usage (exit 2), not a crash" [ $? -eq 2 ]
check "the message shows the value as typed" grep -qF -- '%s%s%s%n' "$T/format.txt"

# 4. Wireshark lists the installed dissectors (the personal folder is
# $HOME's, lib.sh's scratch home).
"$TSHARK" -G plugins >"$T/plugins.txt" 2>/dev/null
check "tshark -G plugins lists the installed cometsim.lua" \
	grep -q "$lua_home/cometsim.lua" "$T/plugins.txt"
check "tshark -G plugins lists the installed cometsim-echo.lua" \
	grep -q "$lua_home/cometsim-echo.lua" "$T/plugins.txt"

# 5. Moved away from its prefix, the copy says where it looked;
# COMETSIM_DATADIR points it at its data.
mv "$data" "$T/moved"
(cd / && "$prefix/bin/cometsim" validate --out "$T/val-moved" --only 'stateless 3' --quiet) \
	>"$T/moved.txt" 2>&1
check "moved data: validate exits 3" [ $? -eq 3 ]
check "moved data: the message names where it looked and COMETSIM_DATADIR" \
	grep -q "no scenarios/validation in $data, .*set COMETSIM_DATADIR" "$T/moved.txt"
check "moved data: the message fits a package as well as make install" \
	grep -q "where the installation (make install, or the cometsim package) puts them" "$T/moved.txt"
(cd / && COMETSIM_DATADIR="$T/moved" "$prefix/bin/cometsim" validate --out "$T/val-env" \
	--only 'stateless 3' --quiet) >"$T/env.txt" 2>&1
check "COMETSIM_DATADIR: validate passes" [ $? -eq 0 ]
check "COMETSIM_DATADIR: it ran the evaluator there" \
	grep -q "^# sh $T/moved/scenarios/validation/stateless.sh " "$T/val-env/stateless.log"
COMETSIM_DATADIR="$T/nowhere" "$prefix/bin/cometsim" validate --out "$T/val-nowhere" \
	>"$T/nowhere.txt" 2>&1
check "COMETSIM_DATADIR without evaluators: exit 3" [ $? -eq 3 ]
check "COMETSIM_DATADIR without evaluators: the message names it" \
	grep -q "COMETSIM_DATADIR=$T/nowhere: no scenarios/validation" "$T/nowhere.txt"
mv "$T/moved" "$data"

# 6. make uninstall leaves no file behind.
(cd "$build" && make uninstall wiresharkplugindir="$lua_home") >"$T/uninstall.txt" 2>&1
check "make uninstall exits 0" [ $? -eq 0 ]
check "no file is left in the prefix" [ -z "$(find "$prefix" -type f)" ]
check "no dissector is left in the plugin folder" [ -z "$(find "$lua_home" -type f)" ]
check "the data folder is gone" [ ! -d "$data" ]
check "the documents' folder is gone" [ ! -d "$prefix/share/doc/cometsim" ]

# 7. configure again with another prefix, in the same build folder, then
# make install: the installed program looks in the new prefix (the path
# it is built with must not stay the first configure's).
prefix2="$T/prefix2"
(cd "$build" && "$src/configure" -q --prefix="$prefix2" &&
	make install wiresharkplugindir="$lua_home") >"$T/install2.txt" 2>&1
check "configure --prefix=ANOTHER and make install exit 0" [ $? -eq 0 ]
rc=0
(cd / && "$prefix2/bin/cometsim" validate --list) >"$T/list2.txt" 2>&1 || rc=$?
check "the program installed in the new prefix finds its evaluators (exit $rc: $(head -c 200 "$T/list2.txt"))" \
	[ "$rc" -eq 0 ]
check "... and names the new prefix in its help" \
	sh -c '"$1" validate --help | grep -qF "$2"' sh "$prefix2/bin/cometsim" "$prefix2/share/cometsim"
(cd "$build" && make uninstall wiresharkplugindir="$lua_home") >"$T/uninstall2.txt" 2>&1
check "and make uninstall removes it all" [ -z "$(find "$prefix2" -type f)" ]

echo "$checks checks, $failures failed"
[ "$failures" -eq 0 ]
