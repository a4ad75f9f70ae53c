#!/bin/sh
# deb.sh - the Debian package (debian/, doc/packaging.md):
#
#   1. dpkg-buildpackage -b -us -uc, in a scratch copy of the source tree
#      (the files git tracks or has not yet been told to ignore; a dist
#      tree whole), builds cometsim_VERSION_ARCH.deb;
#   2. lintian (-I --pedantic) says nothing about it: the tags that do not
#      apply are overridden in debian/cometsim.lintian-overrides, each
#      explained in doc/packaging.md;
#   3. unpacked with dpkg -x into a scratch root, the package holds the
#      program, its man page, the examples, topologies and evaluators in
#      /usr/share/cometsim, and the dissectors in Wireshark's global Lua
#      plugin folder, which tshark loads;
#   4. the unpacked program runs an unpacked example from /, and, with
#      COMETSIM_DATADIR pointing into the root, cometsim validate runs an
#      unpacked evaluator.
#
# The package build is a whole build of the program (its own quick tests
# left out: DEB_BUILD_OPTIONS=nocheck, make check runs them): about 40 s
# of CPU; 45 s of wall time idle, 2 minutes under make check's load.
# Skipped inside a package build (no package inside a package) and in a
# sanitizer build (the package is built without them: the same package
# again).
. "$top_srcdir/tests/scenarios/lib.sh"

if [ -n "${COMETSIM_PACKAGE_BUILD:-}" ]; then
	echo "$0: skipped inside a package build" >&2
	exit 77
fi
if [ -n "${COMETSIM_SANITIZERS:-}" ]; then
	echo "$0: skipped in a sanitizer build: the package is built without them" >&2
	exit 77
fi
for tool in dpkg-buildpackage dh lintian fakeroot dpkg-architecture; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "$0: $tool not found: install dpkg-dev, debhelper, lintian and" \
			"fakeroot (scripts/setup.sh does)" >&2
		exit 99
	fi
done

src=$(CDPATH='' cd -- "$top_srcdir" && pwd)
pkgsrc="$T/pkg/cometsim"
root="$T/root"
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
version=$(dpkg-parsechangelog -l "$src/debian/changelog" -S Version)
arch=$(dpkg-architecture -qDEB_HOST_ARCH)
deb="$T/pkg/cometsim_${version}_$arch.deb"

unset MAKEFLAGS MFLAGS MAKELEVEL

# 1. A scratch copy of the source tree, the package built there.
mkdir -p "$pkgsrc"
if [ -d "$src/.git" ] || [ -f "$src/.git" ]; then
	(cd "$src" && git ls-files -z -co --exclude-standard |
		xargs -0 cp --parents -t "$pkgsrc") 2>"$T/copy.txt"
else
	cp -R "$src/." "$pkgsrc" 2>"$T/copy.txt"
fi
# A dist tree under make distcheck is read-only; the copy must not be.
chmod -R u+w "$pkgsrc"
check "a scratch copy of the source tree holds debian/rules" [ -x "$pkgsrc/debian/rules" ]
(cd "$pkgsrc" && DEB_BUILD_OPTIONS=nocheck dpkg-buildpackage -b -us -uc) \
	>"$T/build.txt" 2>&1
check "dpkg-buildpackage -b -us -uc exits 0" [ $? -eq 0 ]
check "it built cometsim_${version}_$arch.deb" [ -f "$deb" ]
[ -f "$deb" ] || tail -n 20 "$T/build.txt" | sed 's/^/  build: /' >&2

# 2. lintian: no tag at all (E, W, I, P, X), and exit 0.
lintian -I --pedantic "$deb" >"$T/lintian.txt" 2>"$T/lintian.err"
check "lintian exits 0" [ $? -eq 0 ]
check "lintian has nothing to say" not grep -q '^[EWIPX]: ' "$T/lintian.txt"
sed 's/^/  lintian: /' "$T/lintian.txt" >&2

# 3. What the package holds.
dpkg-deb -f "$deb" Package >"$T/package.txt" 2>&1
check "the package is called cometsim" [ "$(cat "$T/package.txt")" = cometsim ]
dpkg -x "$deb" "$root"
check "dpkg -x unpacks it" [ $? -eq 0 ]
check "it holds the program" [ -x "$root/usr/bin/cometsim" ]
man1="$root/usr/share/man/man1/cometsim.1.gz"
check "it holds the man page" [ -f "$man1" ]
gzip -dc "$man1" >"$T/cometsim.1" 2>/dev/null
check "the man page is the program's" grep -q '^\.TH COMETSIM 1' "$T/cometsim.1"
check "it holds the sample scenario" [ -f "$root/usr/share/cometsim/scenarios/sample.xml" ]
check "it holds the sample's topology" [ -f "$root/usr/share/cometsim/topologies/sample.xml" ]
check "it holds the evaluators" [ -x "$root/usr/share/cometsim/scenarios/validation/stateless.sh" ]
plugins="$root/usr/lib/$multiarch/wireshark/plugins"
global_lua=$("$TSHARK" -G folders 2>/dev/null | sed -n 's/^Global Lua Plugins:[ 	]*//p')
check "its Lua folder is the one Wireshark scans" [ "/usr/lib/$multiarch/wireshark/plugins" = "$global_lua" ]
check "it holds the dissector there" cmp -s "$src/output/wireshark/cometsim.lua" "$plugins/cometsim.lua"
check "it holds the echo's dissector there" [ -f "$plugins/cometsim-echo.lua" ]
check "and in its data tree, for a personal Lua folder (doc/wireshark.md)" \
	cmp -s "$src/entities/echo/cometsim-echo.lua" "$root/usr/share/cometsim/entities/echo/cometsim-echo.lua"
check "its documentation folder holds the README" [ -f "$root/usr/share/doc/cometsim/README.md.gz" ]
# tshark loads the unpacked dissectors (through the personal folder of
# the scratch home: the global one is the system's).
mkdir -p "$HOME/.local/lib/wireshark"
ln -s "$plugins" "$HOME/.local/lib/wireshark/plugins"
"$TSHARK" -G plugins >"$T/plugins.txt" 2>/dev/null
check "tshark -G plugins lists the unpacked cometsim.lua" grep -q '^cometsim\.lua[[:space:]]' "$T/plugins.txt"
"$TSHARK" -G fields >"$T/fields.txt" 2>/dev/null
check "tshark knows the field comet.index" grep -q '	comet\.index	' "$T/fields.txt"
rm "$HOME/.local/lib/wireshark/plugins"

# 4. The unpacked program, from /, on an unpacked example.
(cd / && "$root/usr/bin/cometsim" run "$root/usr/share/cometsim/scenarios/sample.xml" \
	--out "$T/run" --quiet) >"$T/run.txt" 2>&1
check "from /, the unpacked program runs the unpacked sample" [ $? -eq 0 ]
check "the run wrote its summary" [ -f "$T/run/summary.json" ]
captures_ok "$T/run" "the unpacked sample"
(cd / && COMETSIM_DATADIR="$root/usr/share/cometsim" "$root/usr/bin/cometsim" validate \
	--out "$T/val" --only 'stateless 3' --quiet) >"$T/val.txt" 2>&1
check "COMETSIM_DATADIR in the root: validate passes stateless test 3" [ $? -eq 0 ]
check "it ran the unpacked evaluator" \
	grep -q "^# sh $root/usr/share/cometsim/scenarios/validation/stateless.sh " "$T/val/stateless.log"
for p in "$T"/val/stateless/3/*.pcap; do
	[ -f "$p" ] || continue
	check "tshark reads validate's $(basename "$p") without a bad frame" [ -z "$(pcap_bad "$p")" ]
done
if [ ! -d /usr/share/cometsim ]; then
	(cd / && "$root/usr/bin/cometsim" validate --out "$T/val-none" --quiet) >"$T/none.txt" 2>&1
	check "without COMETSIM_DATADIR (package not installed): validate exits 3" [ $? -eq 3 ]
	check "it says where it looked" grep -q "no scenarios/validation in /usr/share/cometsim," "$T/none.txt"
	check "and names the package" grep -q "or the cometsim package" "$T/none.txt"
fi

echo "$checks checks, $failures failed"
[ "$failures" -eq 0 ]
