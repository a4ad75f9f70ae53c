#!/bin/sh
# embed-xsd.sh - compile an XML schema into the program as a byte array,
# so that it needs no data path at run time.  Makefile.am's one rule for
# schemas runs it for every DIR/NAME.xsd listed in SCHEMAS:
#
#   embed-xsd.sh SOURCE STEM OUTPUT
#
# SOURCE is the .xsd file (in the source tree), STEM its path without
# ".xsd" as the build names it ("entities/rae/rae-config"), OUTPUT the C
# file to write (STEM.xsd.c in the build tree).  OUTPUT defines
#
#   const unsigned char xsd_STEM[];       the bytes of SOURCE and a NUL
#   const unsigned int xsd_STEM_len;      the number of bytes, NUL aside
#
# where every character of STEM that is not a letter, a digit or "_"
# becomes "_" (xsd_entities_rae_rae_config): named by the whole path, two
# schemas of the same name in different folders cannot clash.  The bytes
# are written by od and awk, which every POSIX system has.  OUTPUT is
# replaced only once it is whole.
set -eu

if [ $# -ne 3 ]; then
	echo "usage: embed-xsd.sh SOURCE STEM OUTPUT" >&2
	exit 2
fi
src=$1
sym=xsd_$(printf '%s' "$2" | tr -c 'A-Za-z0-9_' '_')
out=$3

{
	echo "/* $(basename "$out") - generated from $2.xsd by scripts/embed-xsd.sh: do not edit. */"
	echo "extern const unsigned char ${sym}[];"
	echo "extern const unsigned int ${sym}_len;"
	echo "const unsigned char ${sym}[] = {"
	od -An -v -tx1 "$src" |
	    awk '{ l = ""; for (i = 1; i <= NF; i++) l = l "0x" $i ","; print "\t" l }'
	echo '	0x00'
	echo '};'
	echo "const unsigned int ${sym}_len = sizeof(${sym}) - 1;"
} > "$out-t"
mv -f "$out-t" "$out"
