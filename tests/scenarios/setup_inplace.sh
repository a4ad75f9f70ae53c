#!/bin/sh
# setup_inplace.sh - scripts/setup.sh on a tree configured in place
# (./configure && make, the README's autotools route) builds there and
# names ./cometsim; on a tree that is not configured it builds in _build/
# and names _build/cometsim; the first command runs the sample into the
# folder cometsim run gives it by default.  Cheap: setup.sh runs on a copy of itself in
# a scratch tree, with dpkg-query, autoreconf, configure and make replaced
# by stubs that record where they ran (no package is installed, nothing
# is compiled).
. "${top_srcdir:-.}/tests/scenarios/lib.sh"

stubs=$T/stubs
mkdir -p "$stubs"
# Every package is installed; autoreconf has nothing to do.
printf '#!/bin/sh\nprintf "install ok installed"\n' >"$stubs/dpkg-query"
printf '#!/bin/sh\nexit 0\n' >"$stubs/autoreconf"
# make: records its folder and arguments, and "builds" ./cometsim there.
cat >"$stubs/make" <<EOF
#!/bin/sh
echo "make \$PWD \$*" >>"$T/calls"
[ -f config.status ] || { echo "make: not configured: \$PWD" >&2; exit 2; }
printf '#!/bin/sh\\necho "cometsim \$*" >>"$T/calls"\\n' >cometsim
chmod +x cometsim
EOF
chmod +x "$stubs"/*

# tree DIR: a scratch source tree with setup.sh and a configure stub that
# records where it ran and refuses, as configure does, a build folder
# other than the sources when they are configured in place.
tree() {
	mkdir -p "$1/scripts"
	cp "$top_srcdir/scripts/setup.sh" "$1/scripts/setup.sh"
	cat >"$1/configure" <<EOF
#!/bin/sh
echo "configure \$PWD" >>"$T/calls"
if [ "\$PWD" != "$1" ] && [ -f "$1/config.status" ]; then
	echo "configure: source directory already configured" >&2
	exit 1
fi
touch config.status Makefile
EOF
	chmod +x "$1/configure"
}

# 1. configured in place: built there, ./cometsim
tree "$T/in"
(cd "$T/in" && ./configure)
: >"$T/calls"
rc=0
PATH="$stubs:$PATH" sh "$T/in/scripts/setup.sh" build >"$T/in.out" 2>&1 || rc=$?
check "in place: setup.sh build exits 0 (got $rc: $(tail -n 1 "$T/in.out"))" [ "$rc" -eq 0 ]
check "in place: make ran in the tree" grep -qx "make $T/in -j[0-9]*" "$T/calls"
check "in place: configure did not run again" not grep -q "^configure" "$T/calls"
check "in place: no _build folder" [ ! -d "$T/in/_build" ]
check "in place: names ./cometsim" grep -qx "setup: built $T/in/cometsim" "$T/in.out"
check "in place: says it builds in place" grep -q "configured in place: building there" "$T/in.out"

# 2. not configured: built in _build/, _build/cometsim
tree "$T/out"
: >"$T/calls"
rc=0
PATH="$stubs:$PATH" sh "$T/out/scripts/setup.sh" build >"$T/out.out" 2>&1 || rc=$?
check "out of tree: setup.sh build exits 0 (got $rc: $(tail -n 1 "$T/out.out"))" [ "$rc" -eq 0 ]
check "out of tree: configure ran in _build" grep -qx "configure $T/out/_build" "$T/calls"
check "out of tree: make ran in _build" grep -qx "make $T/out/_build -j[0-9]*" "$T/calls"
check "out of tree: names _build/cometsim" grep -qx "setup: built $T/out/_build/cometsim" "$T/out.out"
check "out of tree: the sources are not configured" [ ! -f "$T/out/config.status" ]

# 3. the first command (run): the sample's outputs go where the README's
# next command, cometsim run scenarios/sample.xml from the top of the
# tree, writes them (the real program says where), so that neither run
# finds the other's outputs in its way.
mkdir -p "$T/top"
want=$(cd "$T/top" && "$COMETSIM" run "$top_srcdir/scenarios/sample.xml" | sed -n 's/^outputs: //p')
check "cometsim run scenarios/sample.xml names its folder ($want)" [ -n "$want" ]
captures_ok "$T/top/$want" "the sample run from the top"
: >"$T/calls"
rc=0
PATH="$stubs:$PATH" sh "$T/out/scripts/setup.sh" >"$T/run.out" 2>&1 || rc=$?
check "setup.sh (run) exits 0 (got $rc: $(tail -n 1 "$T/run.out"))" [ "$rc" -eq 0 ]
check "setup.sh runs the sample into $want, as cometsim run does" \
	grep -qx "cometsim run $T/out/scenarios/sample.xml --out $T/out/$want" "$T/calls"

# 4. a bad mode is bad usage
rc=0
PATH="$stubs:$PATH" sh "$T/out/scripts/setup.sh" nonsense >"$T/bad.out" 2>&1 || rc=$?
check "setup.sh nonsense: exit 2 (got $rc)" [ "$rc" -eq 2 ]

finish
