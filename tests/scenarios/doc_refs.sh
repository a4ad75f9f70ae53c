#!/bin/sh
# doc_refs.sh - the documentation leads nowhere it should not
# (tests/scenarios/doc_refs.py says what is read and how):
#
# 1. in README.md and doc/*.md, every link to a local file (and section),
#    every `path` of the tree and every doc/NAME.md names a file that
#    exists;
# 2. nothing in README.md, doc/ or the sources refers to something
#    outside the repository (../shared, REFERENCE.md, "REFERENCE section
#    N", an issue by number or by name): the documents say the facts;
# 3. planted: a small tree with one problem of each kind a line gets
#    each reported with its file and line, and its good references none.
. "${top_srcdir:-.}/tests/scenarios/lib.sh"

py="$top_srcdir/tests/scenarios/doc_refs.py"

# 1 and 2: the tree.  A distribution's tree (no .git: make distcheck)
# holds only what make dist ships, so only 2 is looked for there.
only=''
[ -e "$top_srcdir/.git" ] || only=--outside-only
python3 "$py" $only "$top_srcdir" "${top_builddir:-.}" >"$T/problems"
status=$?
cat "$T/problems"
check "the checker ran (exit $status)" [ "$status" -eq 0 -o "$status" -eq 1 ]
check "no reference leads nowhere or outside ($(wc -l <"$T/problems") found)" \
	[ ! -s "$T/problems" ]

# 3. A planted tree.
p="$T/planted"
mkdir -p "$p/doc" "$p/sim" "$p/scenarios" "$p/output/wireshark" "$p/output/run1"
: >"$p/sim/engine.c"
# A source folder of output/, and a run's output folder made in the tree.
: >"$p/output/wireshark/x.lua"
: >"$p/output/run1/log.txt"
printf '# Good\n\n## A section\n' >"$p/doc/good.md"
cat >"$p/README.md" <<'EOF'
# Planted

A good link to [the page](doc/good.md#a-section), a good `sim/engine.c`
and doc/good.md, a web page <https://example.org/x> and [one](https://example.org/y).
A link to [a missing page](doc/missing.md).
The code in `sim/missing.c` is gone.
See doc/gone.md for the rest.
A placeholder `scenarios/NAME.xml` and a run's `output/sample/` are fine.

    an example block: `sim/not-checked.c` and ../shared/ go unread

Facts from ../shared/REFERENCE.md are not ours.
As REFERENCE section 6 says.
The scale issue asked for it.
Measured in issue 16.
A section that is not there: [gone](doc/good.md#no-such-section), [here](#planted).
A run's folder made in the tree, `output/run1/seed1-run1/`, is fine.
The dissector `output/wireshark/gone.lua` is missing.
EOF
cat >"$p/sim/engine.c" <<'EOF'
/* engine.c - asked for by the RAE issue */
EOF
python3 "$py" "$p" >"$T/got"
status=$?
cat "$T/got"
check "planted: the checker exits 1" [ "$status" -eq 1 ]
check "planted: a link to a missing page, with its line" \
	grep -qx 'README.md:5: link to doc/missing.md: no such file' "$T/got"
check "planted: a missing \`path\`" grep -qx 'README.md:6: `sim/missing.c`: no such file' "$T/got"
check "planted: a missing doc/NAME.md" grep -qx 'README.md:7: doc/gone.md does not exist' "$T/got"
check "planted: ../shared" grep -q '^README.md:12: names the shared folder' "$T/got"
check "planted: REFERENCE.md" grep -q '^README.md:12: names REFERENCE.md' "$T/got"
check "planted: a REFERENCE section" grep -q '^README.md:13: cites a REFERENCE section' "$T/got"
check "planted: the scale issue" grep -q '^README.md:14: cites an issue: "The scale issue"' "$T/got"
check "planted: issue 16" grep -q '^README.md:15: cites an issue by number: "issue 16"' "$T/got"
check "planted: a source comment citing the RAE issue" \
	grep -q '^sim/engine.c:1: cites an issue: "the RAE issue"' "$T/got"
check "planted: a link to a section a page does not have" \
	grep -qx 'README.md:16: link to doc/good.md#no-such-section: no such section' "$T/got"
check "planted: ../shared even in an example block" \
	grep -q '^README.md:10: names the shared folder' "$T/got"
check "planted: paths in an example block are not read" not grep -q 'not-checked' "$T/got"
check "planted: a missing file of a source folder of output/" \
	grep -qx 'README.md:18: `output/wireshark/gone.lua`: no such file' "$T/got"
check "planted: a run's folder made in the tree is not a reference" not grep -q 'run1' "$T/got"
# doc/missing.md twice: as a link and as a doc/NAME.md.
check "planted: nothing else (13 lines)" [ "$(wc -l <"$T/got")" -eq 13 ]
python3 "$py" --outside-only "$p" >"$T/outside"
check "planted, --outside-only: the 7 references outside, no missing file" \
	[ "$(wc -l <"$T/outside")" -eq 7 -a "$(grep -c 'no such file\|does not exist' "$T/outside")" -eq 0 ]

# No control character but tab and line feed in the documents: a "\f"
# written through a string that turns it into a form feed broke the man
# page's font changes once.
ctl=$(printf '[\001-\010\013\014\016-\037]')
(cd "$top_srcdir" && LC_ALL=C grep -ln "$ctl" README.md doc/*.md doc/cometsim.1) >"$T/ctl"
check "no control character in README.md, doc/*.md or the man page ($(tr '\n' ' ' <"$T/ctl"))" \
	[ ! -s "$T/ctl" ]

finish
