# lint.awk - find checks that test less than they say (tests/scenarios/lib.sh).
#
#   awk -f lint.awk FILE...
#
# check DESCRIPTION COMMAND... runs one command.  Written as
#
#   check "both hold" [ "$a" -eq 1 ] && [ "$b" -eq 2 ]
#
# the shell reads "check ... [ "$a" -eq 1 ]" as one command and the
# second test as another one, run only when the check passed, whose
# status nobody looks at: the check passes whatever $b is.  The same goes
# for || and for a pipe after a check.  This program reads shell scripts
# as the shell splits them (quotes, $( ), ${ }, backquotes, comments,
# here-documents, lines continued with a backslash or after && || |) and
# prints "FILE:LINE: ..." for every simple command whose first word is
# check and which is followed by &&, || or |.  Exit status 1 when it
# printed something.

function flush(op,    w, i, k) {
	# The simple command that just ended, and the operator after it.
	k = 1
	while (k <= nw && words[k] ~ /^(if|then|else|elif|do|while|until|!|\{|\()$/)
		k++
	if (k <= nw && words[k] == "check" && (op == "&&" || op == "||" || op == "|")) {
		printf "%s:%d: a check followed by %s: only the command before %s is checked; " \
			"write one check per condition\n", FILENAME, wline[k], op, op
		found = 1
	}
	for (i = 1; i <= nw; i++)
		delete words[i]
	nw = 0
	inword = 0
}

function addchar(c) {
	if (!inword) {
		nw++
		words[nw] = ""
		wline[nw] = FNR
		inword = 1
	}
	words[nw] = words[nw] c
}

FNR == 1 {
	# A new file: nothing carries over.
	flush("")
	depth = 0
	heredoc = ""
}

{
	line = $0
	if (heredoc != "") {
		t = line
		if (heredoc_tabs)
			sub(/^\t+/, "", t)
		if (t == heredoc)
			heredoc = ""
		next
	}
	n = length(line)
	pending_heredoc = ""
	i = 1
	while (i <= n) {
		c = substr(line, i, 1)
		c2 = substr(line, i, 2)
		top = depth == 0 ? "" : stack[depth]
		if (top == "'") {
			if (c == "'")
				depth--
			if (depth == 0) addchar(c)
			i++
			continue
		}
		if (top == "\"" || top == "`") {
			if (c == "\\") {
				i += 2
				continue
			}
			if (c == top) {
				depth--
				if (depth == 0) addchar(c)
				i++
				continue
			}
			if (top == "\"" && (c2 == "$(" || c2 == "${")) {
				stack[++depth] = c2 == "$(" ? ")" : "}"
				i += 2
				continue
			}
			i++
			continue
		}
		# At the top level or inside $( ) or ${ }: quotes, nesting,
		# comments and here-documents are read the same way.
		if (c == "\\") {
			if (i == n) {
				# A continued line: the command goes on.
				i++
				continue
			}
			if (depth == 0) addchar(substr(line, i, 2))
			i += 2
			continue
		}
		if (c == "'" || c == "\"" || c == "`") {
			if (depth == 0) addchar(c)
			stack[++depth] = c
			i++
			continue
		}
		if (top == "A") {
			# $(( )): only the parentheses count.
			if (c == "(")
				arith[depth]++
			else if (c == ")" && arith[depth] > 0)
				arith[depth]--
			else if (c2 == "))") {
				depth--
				if (depth == 0) addchar(c2)
				i += 2
				continue
			}
			i++
			continue
		}
		if (substr(line, i, 3) == "$((") {
			if (depth == 0) addchar("$((")
			stack[++depth] = "A"
			arith[depth] = 0
			i += 3
			continue
		}
		if (c2 == "$(" || c2 == "${") {
			if (depth == 0) addchar(c2)
			stack[++depth] = c2 == "$(" ? ")" : "}"
			i += 2
			continue
		}
		if (depth > 0 && c == "(" && top == ")") {
			stack[++depth] = ")"
			i++
			continue
		}
		if (depth > 0 && c == top) {
			depth--
			if (depth == 0) addchar(c)
			i++
			continue
		}
		if (c == "#" && (i == 1 || substr(line, i - 1, 1) ~ /[ \t;&|()]/))
			break
		if (c2 == "<<" && substr(line, i, 3) != "<<<") {
			j = i + 2
			tabs = 0
			if (substr(line, j, 1) == "-") {
				tabs = 1
				j++
			}
			while (substr(line, j, 1) ~ /[ \t]/)
				j++
			w = ""
			while (j <= n && substr(line, j, 1) !~ /[ \t;&|()<>]/) {
				w = w substr(line, j, 1)
				j++
			}
			gsub(/["'\\]/, "", w)
			pending_heredoc = w
			pending_tabs = tabs
			i = j
			inword = 0
			continue
		}
		if (depth > 0) {
			i++
			continue
		}
		if (c2 == "&&" || c2 == "||" || c2 == ";;") {
			flush(c2)
			i += 2
			continue
		}
		if (c == "|" || c == ";" || c == "&" || c == "(" || c == ")") {
			flush(c)
			i++
			continue
		}
		if (c == " " || c == "\t") {
			inword = 0
			i++
			continue
		}
		addchar(c)
		i++
	}
	if (pending_heredoc != "") {
		heredoc = pending_heredoc
		heredoc_tabs = pending_tabs
	}
	# The end of a line ends the command, unless it is continued: a
	# backslash, an open quote or substitution, or an operator that
	# needs what follows (nothing to flush then: flush ran at the
	# operator, nw is 0).
	if (depth == 0 && substr(line, n, 1) != "\\" || n == 0 && depth == 0)
		flush("\n")
	else
		inword = 0
}

END {
	flush("")
	exit found
}
