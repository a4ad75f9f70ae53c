#!/usr/bin/env python3
"""doc_refs.py - references in the documentation and the sources that
lead nowhere (tests/scenarios/doc_refs.sh runs it; README.md, "Layout").

    doc_refs.py [--outside-only] SRCDIR [BUILDDIR]

Prints one line per problem, `file:line: what is wrong`, and exits 1 if
there is any, 0 if none (2 on bad usage).  Two kinds of problem:

1. A reference to a file of the repository that does not exist, in
   README.md and doc/*.md: a Markdown link to a local target (relative
   to the page; a #section of a page must be one of its headings), an inline `code` span that is a path whose first folder
   is a top-level folder of the tree (a glob must match something; a
   `:LINE` suffix is dropped), and, there and in every source file
   outside tests/ (whose tests name missing pages on purpose), a
   doc/NAME.md.  A name in capitals stands for any name; paths below
   output/ that the tree does not have are a run's output folder.  A file counts as existing in SRCDIR or in BUILDDIR
   (programs `make check` builds).  Fenced and indented code blocks are
   examples run from elsewhere and are not read.
2. A reference to something outside the repository, in README.md,
   doc/ and every source file (comments included): the shared folder
   beside the checkout (../shared), REFERENCE.md or "REFERENCE section
   N", an issue by number ("issue 16", "issue #3") or by name ("the RAE
   issue", "the issue").  The project's documents say the facts
   themselves.

--outside-only looks for the second kind alone: in a distribution's
tree, which holds only the files `make dist` ships, the first would
report every reference to a file left out of it.
"""
import glob
import os
import re
import sys

SOURCE_EXT = (".c", ".h", ".lua", ".sh", ".am", ".ac", ".xml", ".script", ".py",
              ".awk", ".xsd", ".proto", ".1", ".md", ".in")
SKIP_DIRS = {".git", "autom4te.cache", "build-aux", "m4"}
SKIP_FILES = {"configure", "Makefile.in", "aclocal.m4", "config.h.in"}
# Inputs of the fuzzers and the parsers' tests: data, not prose.
SKIP_PREFIXES = ("tests/fuzz/corpus/", "tests/fuzz/regress/")
SELF = ("tests/scenarios/doc_refs.py", "tests/scenarios/doc_refs.sh")

OUTSIDE = [
    (re.compile(r"\.\./shared\b"), "names the shared folder outside the repository"),
    (re.compile(r"REFERENCE\.md"), "names REFERENCE.md, outside the repository"),
    (re.compile(r"\bREFERENCE\s+(section|§)"), "cites a REFERENCE section, outside the repository"),
    (re.compile(r"\bissues?\s+#?\d+", re.I), "cites an issue by number"),
    (re.compile(r"\b(the|this|that|an?|earlier|later|previous)\s+([\w-]+\s+){0,2}?issue\b", re.I),
     "cites an issue"),
]
DOC_MD = re.compile(r"(?<![\w/.-])doc/[\w.-]+\.md\b")
LINK = re.compile(r"\]\(([^()\s]+)(?:\s+\"[^\"]*\")?\)")
CODE = re.compile(r"`([^`\n]+)`")
PATH = re.compile(r"^(?:\./)?([\w.+-]+)((?:/[\w.*+-]+)+)/?(?::\d+)?$")
# A name in capitals stands for any name (`entities/F/F.c`, `doc/F.md`,
# `scenarios/validation/NAME.sh`, `scenarios/deploy/topologyN.xml`).
PLACEHOLDER = re.compile(r"(?<![A-Z])(F|N|NAME|FAMILY|FORMAT|KIND|DIR|FILE)(?![A-Za-z])")
# Files a page tells the reader to make: the example family of
# doc/adding-an-entity.md.
EXAMPLES = ("entities/hello/",)


def top_folders(src):
    out = set()
    for name in os.listdir(src):
        if name.startswith((".", "_")) or name in SKIP_DIRS:
            continue
        if os.path.isdir(os.path.join(src, name)):
            out.add(name)
    return out


def slug(heading):
    """The anchor a Markdown renderer gives a heading (GitHub's rule:
    lower case, punctuation dropped, spaces to hyphens)."""
    h = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return h.replace(" ", "-")


def anchors(path):
    """The anchors of a page's headings; a repeated one gets -1, -2 ..."""
    out = set()
    for _, line in prose_lines(open(path, encoding="utf-8").read()):
        h = re.match(r"#{1,6}\s+(.*?)\s*#*\s*$", line)
        if h:
            a = base = slug(h.group(1))
            i = 1
            while a in out:
                a = "%s-%d" % (base, i)
                i += 1
            out.add(a)
    return out


SOURCE_EXTS = (".c", ".h", ".lua", ".py", ".sh", ".css", ".js", ".md", ".xsd")


def source_dir(d):
    """Whether folder d holds any of the project's sources (a run's output
    folder holds captures, logs and counters only)."""
    for _, _, files in os.walk(d):
        if any(f.endswith(SOURCE_EXTS) for f in files):
            return True
    return False


def run_output(rel, src):
    """output/ is also where a run writes by default (output/<scenario>/):
    a path below it whose folder is not one of the tree's source folders
    (absent, or made by running the README's commands in the tree) is one
    of those."""
    parts = rel.rstrip("/").split("/")
    return parts[0] == "output" and len(parts) > 1 and \
        not source_dir(os.path.join(src, "output", parts[1]))


def exists(rel, roots):
    rel = rel.rstrip("/")
    for r in roots:
        p = os.path.join(r, rel)
        if "*" in rel:
            if glob.glob(p):
                return True
        elif os.path.exists(p):
            return True
    return False


def prose_lines(text):
    """(line number, line) of a Markdown page outside code blocks (fenced,
    or indented by four spaces or a tab after a blank line)."""
    fence = None
    prev_blank = True
    in_code = False
    for n, line in enumerate(text.split("\n"), 1):
        s = line.lstrip()
        m = re.match(r"(`{3,}|~{3,})", s)
        if fence:
            if m and s.startswith(fence):
                fence = None
            continue
        if m:
            fence = m.group(1)
            continue
        if not line.strip():
            prev_blank = True
            continue
        if line.startswith(("    ", "\t")) and (prev_blank or in_code):
            in_code = True
            prev_blank = False
            continue
        in_code = False
        prev_blank = False
        yield n, line


def source_files(src):
    for dirpath, dirnames, filenames in os.walk(src):
        rel_dir = os.path.relpath(dirpath, src)
        dirnames[:] = sorted(d for d in dirnames
                             if d not in SKIP_DIRS and not d.startswith((".", "_")))
        for f in sorted(filenames):
            rel = os.path.normpath(os.path.join(rel_dir, f))
            if f in SKIP_FILES or rel in SELF or rel.startswith(SKIP_PREFIXES):
                continue
            if f.endswith(SOURCE_EXT) or f in ("README.md",):
                yield rel


def main(argv):
    files = True
    if argv[1:2] == ["--outside-only"]:
        files = False
        argv = argv[:1] + argv[2:]
    if len(argv) not in (2, 3) or argv[1].startswith("-"):
        sys.stderr.write("usage: doc_refs.py [--outside-only] SRCDIR [BUILDDIR]\n")
        return 2
    src = argv[1]
    roots = [src] + argv[2:3]
    tops = top_folders(src)
    problems = []

    for rel in source_files(src):
        try:
            text = open(os.path.join(src, rel), encoding="utf-8").read()
        except (UnicodeDecodeError, OSError):
            continue
        for n, line in enumerate(text.split("\n"), 1):
            for rx, what in OUTSIDE:
                m = rx.search(line)
                if m:
                    problems.append("%s:%d: %s: \"%s\"" % (rel, n, what, m.group(0)))
            for m in DOC_MD.finditer(line):
                if not files or rel.startswith("tests/"):
                    break	# tests name missing pages on purpose
                if not PLACEHOLDER.search(m.group(0)) and not exists(m.group(0), roots):
                    problems.append("%s:%d: %s does not exist" % (rel, n, m.group(0)))

    pages = ["README.md"] + sorted("doc/" + f for f in os.listdir(os.path.join(src, "doc"))
                                   if f.endswith(".md"))
    for rel in pages if files else []:
        path = os.path.join(src, rel)
        if not os.path.exists(path):
            continue
        text = open(path, encoding="utf-8").read()
        here = os.path.dirname(rel)
        for n, line in prose_lines(text):
            for m in LINK.finditer(line):
                target = m.group(1)
                if re.match(r"^[a-z]+:", target) or target.startswith("#"):
                    continue
                target, _, frag = target.partition("#")
                full = os.path.normpath(os.path.join(here, target)) if target else rel
                if full.startswith(".."):
                    problems.append("%s:%d: link to %s leaves the repository" % (rel, n, target))
                elif not exists(full, roots):
                    problems.append("%s:%d: link to %s: no such file" % (rel, n, target))
                elif frag and full.endswith(".md") and \
                        frag not in anchors(os.path.join(src, full)):
                    problems.append("%s:%d: link to %s#%s: no such section" %
                                    (rel, n, target or rel, frag))
            for m in CODE.finditer(line):
                span = m.group(1).strip()
                p = PATH.match(span)
                if not p or p.group(1) not in tops:
                    continue
                path_rel = re.sub(r":\d+$", "", span)
                path_rel = path_rel[2:] if path_rel.startswith("./") else path_rel
                if PLACEHOLDER.search(path_rel) or path_rel in EXAMPLES or \
                        run_output(path_rel, src):
                    continue
                if not exists(path_rel, roots):
                    problems.append("%s:%d: `%s`: no such file" % (rel, n, span))

    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
