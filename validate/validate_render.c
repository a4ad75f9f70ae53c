/*
 * validate_render.c - the tables of a validation, as D4.3 has them (test
 * category, test, timestamp/owner, description, step, expected, actual,
 * result) and grouped as D4.3 groups them: in the terminal, and in the
 * files DIR/validation.md, DIR/validation.html (self-contained) and
 * DIR/validation.json (one row object a line).
 *
 * Every renderer shows what the rows say, escaped for its format: the
 * text of a row comes from an evaluator and may hold anything.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "config.h"

#include "output/jsontext.h"
#include "validate/validate_int.h"

/* ---- text helpers ---- */

static const char *
rget(const struct vd_row *r, const char *key)
{
	const struct validate_field *f = vd_row_get(r->fields, key);

	return f ? f->value : "";
}

/*
 * "3. CAFE forward", or the category alone when D4.3 does not number it
 * or when its table's numbers would not follow the rows (catno_shown).
 */
static char *
cat_label(const struct vd_row *r)
{
	if (r->catno && r->catno_shown)
		return g_strdup_printf("%d. %s", r->catno, r->cat);
	return g_strdup(r->cat);
}

/* "", or why the tables are incomplete: "; INCOMPLETE: ...". */
char *
vd_incomplete_text(const struct vd *v)
{
	GString *s = g_string_new(NULL);

	if (v->nfailed)
		g_string_append_printf(s, "%d evaluator%s failed to run", v->nfailed,
				       v->nfailed > 1 ? "s" : "");
	if (v->nnotrun)
		g_string_append_printf(s, "%s%d did not run", s->len ? ", " : "", v->nnotrun);
	if (!s->len && v->nrows == 0)
		g_string_append(s, "no row");
	if (v->nstale)
		g_string_append_printf(s, "%s%d %s not run by this command", s->len ? ", " : "",
				       v->nstale, vd_rows_word(v->nstale));
	if (s->len)
		g_string_prepend(s, "; INCOMPLETE: ");
	return g_string_free(s, FALSE);
}

/* The tests of the catalog that have no row because they are not rebuilt. */
static void
eval_notes(const struct vd *v, const struct vd_eval *e, GPtrArray *out)
{
	char num[16];

	if (!e->tab)
		return;
	for (size_t i = 0; i < e->tab->ntests; i++) {
		const struct vd_test *t = &e->tab->tests[i];

		bool found = false;

		if (!t->missing)
			continue;
		snprintf(num, sizeof(num), "%d", t->test);
		for (guint k = 0; k < e->rows->len && !found; k++)
			found = strcmp(((struct vd_row *)e->rows->pdata[k])->test, num) == 0;
		if (!found && vd_selects(v, e->name, e->tab->cats[t->cat], NULL, num))
			g_ptr_array_add(out, g_strdup_printf("D4.3 test %d (%d. %s) has no row: %s",
							     t->test, t->cat + 1,
							     e->tab->cats[t->cat], t->missing));
	}
}

/* Why an evaluator that was selected did not run. */
static const char *
not_run_why(void)
{
	return vd_signal ? "interrupted" :
		"an evaluator before it failed to run (--keep-going runs the others)";
}

static char *
eval_script(const struct vd_eval *e)
{
	return g_strdup_printf("scenarios/validation/%s.sh", e->name);
}

/* ---- the terminal ---- */

static int
term_width(void)
{
	struct winsize ws;
	const char *c = getenv("COLUMNS");
	int w = 100;

	if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col)
		w = ws.ws_col;
	else if (c && atoi(c) > 0)
		w = atoi(c);
	return CLAMP(w, 60, 160);
}

/*
 * text wrapped at width, the first line after a label already printed
 * (the cursor at column indent), the next ones indented by indent.
 */
static void
wrap(GString *out, const char *text, int indent, int width)
{
	char **words = g_strsplit_set(text, " \n", -1);
	int col = indent, room = MAX(width - indent, 20);
	bool first = true;

	for (char **w = words; *w; w++) {
		long n = g_utf8_strlen(*w, -1);

		if (!(*w)[0])
			continue;
		if (!first && col + 1 + n > indent + room) {
			g_string_append_printf(out, "\n%*s", indent, "");
			col = indent;
		} else if (!first) {
			g_string_append_c(out, ' ');
			col++;
		}
		g_string_append(out, *w);
		col += (int)n;
		first = false;
	}
	g_string_append_c(out, '\n');
	g_strfreev(words);
}

static void
pad(GString *s, const char *text, int width)
{
	long n = g_utf8_strlen(text, -1);

	g_string_append(s, text);
	for (long i = n; i < width; i++)
		g_string_append_c(s, ' ');
}

void
vd_print_tables(struct vd *v, FILE *f)
{
	bool color = isatty(fileno(f)) && !getenv("NO_COLOR");
	int width = term_width();
	GString *s = g_string_new(NULL);
	static const char *const details[] = { "description", "step", "expected", "actual" };

	g_string_append_printf(s, "D4.3 validation tables: %s\n(%s, cometsim %s, commit %s)\n",
			       v->cmdline, v->when, PACKAGE_VERSION, COMETSIM_COMMIT);
	for (guint i = 0; i < v->evals->len; i++) {
		struct vd_eval *e = v->evals->pdata[i];
		GPtrArray *notes;
		char *title, *script;
		int cw = (int)strlen("Test category"), tw = 4, ow = (int)strlen("Timestamp/owner");

		if (e->state == VD_SKIPPED)
			continue;
		notes = g_ptr_array_new_with_free_func(g_free);
		title = vd_eval_title(e);
		script = eval_script(e);
		g_string_append_printf(s, "\n%s (%s)\n", title, script);
		g_free(title);
		g_free(script);
		for (guint k = 0; k < e->rows->len; k++) {
			struct vd_row *r = e->rows->pdata[k];
			char *l = cat_label(r);

			cw = MAX(cw, (int)g_utf8_strlen(l, -1));
			tw = MAX(tw, (int)g_utf8_strlen(r->test, -1));
			ow = MAX(ow, (int)g_utf8_strlen(r->shown, -1));
			g_free(l);
		}
		if (e->rows->len) {
			g_string_append(s, "  ");
			pad(s, "Test category", cw + 2);
			pad(s, "Test", tw + 2);
			pad(s, "Timestamp/owner", ow + 2);
			g_string_append(s, "Result\n");
		}
		for (guint k = 0; k < e->rows->len; k++) {
			struct vd_row *r = e->rows->pdata[k];
			char *l = cat_label(r);

			g_string_append(s, "  ");
			pad(s, l, cw + 2);
			pad(s, r->test, tw + 2);
			pad(s, r->shown, ow + 2);
			if (color)
				g_string_append(s, r->pass ? "\033[1;32m" : "\033[1;31m");
			g_string_append(s, r->pass ? "PASS" : "FAIL");
			if (color)
				g_string_append(s, "\033[0m");
			g_string_append_c(s, '\n');
			g_free(l);
			for (size_t d = 0; d < G_N_ELEMENTS(details); d++) {
				g_string_append_printf(s, "      %-12s ", details[d]);
				wrap(s, rget(r, details[d]), 19, width);
			}
			g_string_append_printf(s, "      %-12s ", "run dir");
			wrap(s, r->run_dir, 19, width);
			g_string_append_printf(s, "      %-12s ", "origin");
			wrap(s, vd_row_origin(e, r), 19, width);
		}
		eval_notes(v, e, notes);
		for (guint k = 0; k < notes->len; k++) {
			g_string_append(s, "  note: ");
			wrap(s, notes->pdata[k], 8, width);
		}
		g_ptr_array_unref(notes);
		switch (e->state) {
		case VD_NOT_RUN:
			g_string_append_printf(s, "  NOT RUN: %s\n", not_run_why());
			break;
		case VD_FAILED:
			for (guint k = 0; k < e->problems->len; k++) {
				g_string_append(s, "  FAILED TO RUN: ");
				wrap(s, e->problems->pdata[k], 17, width);
			}
			g_string_append_printf(s, "  (its output: %s)\n", e->log);
			/* fall through */
		default:
			g_string_append_printf(s, "  PASS %d, FAIL %d (%u %s)\n", e->npass,
					       e->nfail, e->rows->len, vd_rows_word(e->rows->len));
		}
	}
	fputs(s->str, f);
	g_string_free(s, TRUE);
}

/* ---- the files: JSON, Markdown, HTML ---- */

static void
add_str(JsonBuilder *b, const char *key, const char *v)
{
	json_builder_set_member_name(b, key);
	json_builder_add_string_value(b, v);
}

/* One row as a JSON object: what the tables show, then what else the evaluator wrote. */
static JsonNode *
row_json(const struct vd_eval *e, const char *title, const struct vd_row *r)
{
	JsonBuilder *b = json_builder_new();
	JsonNode *node;

	json_builder_begin_object(b);
	add_str(b, "table", title);
	add_str(b, "evaluator", e->name);
	add_str(b, "category", r->cat);
	add_str(b, "evaluator_category", r->ev_cat);
	json_builder_set_member_name(b, "test");
	json_builder_add_value(b, json_node_copy(vd_row_get(r->fields, "test")->node));
	add_str(b, "timestamp_owner", r->owner);
	add_str(b, "origin", vd_row_origin(e, r));
	json_builder_set_member_name(b, "fresh");
	json_builder_add_boolean_value(b, r->fresh);
	for (size_t f = 2; f < VD_NROW_KEYS; f++)
		add_str(b, vd_row_keys[f], f + 1 == VD_NROW_KEYS ? r->run_dir :
			rget(r, vd_row_keys[f]));
	/* Whatever else the evaluator wrote, as it wrote it. */
	for (guint f = 0; f < r->fields->len; f++) {
		const struct validate_field *x = r->fields->pdata[f];
		size_t j;

		for (j = 0; j < VD_NROW_KEYS; j++)
			if (strcmp(x->key, vd_row_keys[j]) == 0)
				break;
		if (j < VD_NROW_KEYS || strcmp(x->key, "table") == 0 ||
		    strcmp(x->key, "evaluator") == 0 ||
		    strcmp(x->key, "evaluator_category") == 0 ||
		    strcmp(x->key, "timestamp_owner") == 0 ||
		    strcmp(x->key, "origin") == 0 ||
		    strcmp(x->key, "fresh") == 0)
			continue;
		json_builder_set_member_name(b, x->key);
		json_builder_add_value(b, json_node_copy(x->node));
	}
	json_builder_end_object(b);
	node = json_builder_get_root(b);
	g_object_unref(b);
	return node;
}

/*
 * A JSON list, one row object a line: each row as json-glib writes it
 * compactly, the list around them laid out for grep and diff.
 */
char *
vd_render_json(const struct vd *v)
{
	GString *s = g_string_new("[\n");
	bool first = true;

	for (guint i = 0; i < v->evals->len; i++) {
		struct vd_eval *e = v->evals->pdata[i];
		char *title = e->tab ? g_strdup_printf("%s (%s)", e->tab->title, e->tab->source) :
			g_strdup(e->name);

		for (guint k = 0; k < e->rows->len; k++) {
			JsonNode *row = row_json(e, title, e->rows->pdata[k]);
			char *text = jsontext_write(row, false);

			g_string_append(s, first ? "  " : ",\n  ");
			g_string_append(s, text);
			first = false;
			g_free(text);
			json_node_unref(row);
		}
		g_free(title);
	}
	g_string_append(s, first ? "]\n" : "\n]\n");
	return g_string_free(s, FALSE);
}

/* Markdown table cell: no line break, no |, no markup taken from the text. */
static void
md_cell(GString *s, const char *v)
{
	for (const char *p = v; *p; p++) {
		if (*p == '\n')
			g_string_append(s, "<br>");
		else if (*p == '&')
			g_string_append(s, "&amp;");
		else if (strchr("\\`*_[]<>|#~", *p))
			g_string_append_printf(s, "\\%c", *p);
		else if ((unsigned char)*p >= 0x20)
			g_string_append_c(s, *p);
	}
}

char *
vd_render_md(const struct vd *v)
{
	GString *s = g_string_new(NULL);
	char *inc = vd_incomplete_text(v);

	g_string_append(s, "# D4.3 validation tables\n\n");
	g_string_append(s, "Regenerated by ");
	if (strchr(v->cmdline, '`'))
		md_cell(s, v->cmdline);
	else
		g_string_append_printf(s, "`%s`", v->cmdline);
	g_string_append_printf(s, " on %s with cometsim %s (commit %s): %d %s, %d PASS, "
			       "%d FAIL%s.\n", v->when, PACKAGE_VERSION, COMETSIM_COMMIT,
			       v->nrows, vd_rows_word(v->nrows), v->npass, v->nfail, inc);
	g_string_append(s, "The evidence of each row (pcaps, log.txt, counters.csv) is in "
			"its run directory, linked from the Evidence column.\n");
	g_string_append(s, "The last column says where a row comes from: *D4.3 table*, a row "
			"of one of D4.3's validation tables; *D4.3 test plan*, a test D4.3 plans "
			"(section 4.4.1) without a table of results; *project*, the project's "
			"own.");
	{
		int n[3] = { 0, 0, 0 };
		static const char *const o[3] = { "D4.3 table", "D4.3 test plan", "project" };

		for (guint i = 0; i < v->evals->len; i++) {
			const struct vd_eval *e = v->evals->pdata[i];

			for (guint k = 0; e->state != VD_SKIPPED && k < e->rows->len; k++)
				for (int j = 0; j < 3; j++)
					n[j] += strcmp(vd_row_origin(e, e->rows->pdata[k]), o[j]) == 0;
		}
		g_string_append_printf(s, " Here: %d %s of D4.3's tables, %d of its test plan, "
				       "%d the project's.\n", n[0], vd_rows_word(n[0]), n[1], n[2]);
	}
	for (guint i = 0; i < v->evals->len; i++) {
		struct vd_eval *e = v->evals->pdata[i];
		GPtrArray *notes;
		char *title, *script;

		if (e->state == VD_SKIPPED)
			continue;
		notes = g_ptr_array_new_with_free_func(g_free);
		title = vd_eval_title(e);
		script = eval_script(e);
		g_string_append_printf(s, "\n## ");
		md_cell(s, title);
		g_string_append_printf(s, "\n\nEvaluator `%s`: %u %s, %d PASS, %d FAIL (%.1f s).\n\n",
				       script, e->rows->len, vd_rows_word(e->rows->len), e->npass,
				       e->nfail, e->secs);
		g_free(title);
		g_free(script);
		if (e->rows->len)
			g_string_append(s, "| Test category | Test | Timestamp/Owner | Test description "
					"| Step | Expected | Actual | Result | Evidence | Origin |\n"
					"|---|---|---|---|---|---|---|---|---|---|\n");
		for (guint k = 0; k < e->rows->len; k++) {
			struct vd_row *r = e->rows->pdata[k];
			char *l = cat_label(r);

			g_string_append(s, "| ");
			md_cell(s, l);
			g_string_append(s, " | ");
			md_cell(s, r->test);
			g_string_append(s, " | ");
			md_cell(s, r->shown);
			g_string_append(s, " | ");
			md_cell(s, rget(r, "description"));
			g_string_append(s, " | ");
			md_cell(s, rget(r, "step"));
			g_string_append(s, " | ");
			md_cell(s, rget(r, "expected"));
			g_string_append(s, " | ");
			md_cell(s, rget(r, "actual"));
			g_string_append_printf(s, " | **%s** | ", r->pass ? "PASS" : "FAIL");
			if (r->href)
				g_string_append(s, "[");
			md_cell(s, r->rel);
			if (r->href)
				g_string_append_printf(s, "](%s)", r->href);
			g_string_append(s, " | ");
			md_cell(s, vd_row_origin(e, r));
			g_string_append(s, " |\n");
			g_free(l);
		}
		eval_notes(v, e, notes);
		if (notes->len)
			g_string_append_c(s, '\n');
		for (guint k = 0; k < notes->len; k++) {
			g_string_append(s, "- Note: ");
			md_cell(s, notes->pdata[k]);
			g_string_append_c(s, '\n');
		}
		g_ptr_array_unref(notes);
		if (e->state == VD_NOT_RUN)
			g_string_append_printf(s, "\n**Not run**: %s.\n", not_run_why());
		if (e->state == VD_FAILED) {
			g_string_append(s, "\n**The evaluator failed to run:**\n\n");
			for (guint k = 0; k < e->problems->len; k++) {
				g_string_append(s, "- ");
				md_cell(s, e->problems->pdata[k]);
				g_string_append_c(s, '\n');
			}
			g_string_append(s, "- its output: ");
			md_cell(s, e->log);
			g_string_append_c(s, '\n');
		}
	}
	g_free(inc);
	return g_string_free(s, FALSE);
}

static void
html_text(GString *s, const char *v)
{
	for (const char *p = v; *p; p++) {
		switch (*p) {
		case '&': g_string_append(s, "&amp;"); break;
		case '<': g_string_append(s, "&lt;"); break;
		case '>': g_string_append(s, "&gt;"); break;
		case '"': g_string_append(s, "&quot;"); break;
		case '\'': g_string_append(s, "&#39;"); break;
		case '\n': g_string_append(s, "<br>"); break;
		default:
			if ((unsigned char)*p >= 0x20 || *p == '\t')
				g_string_append_c(s, *p);
		}
	}
}

static void
html_td(GString *s, const char *cls, const char *v)
{
	if (cls)
		g_string_append_printf(s, "<td class=\"%s\">", cls);
	else
		g_string_append(s, "<td>");
	html_text(s, v);
	g_string_append(s, "</td>");
}

/*
 * The page fits 1280 pixels: the tables have fixed column widths and
 * long words (paths, AS paths) break anywhere rather than widen them.
 */
static const char html_css[] =
	"body { font-family: sans-serif; margin: 1.5em; color: #1a1a1a; background: #fff; }\n"
	"h1 { font-size: 150%; } h2 { font-size: 120%; margin-top: 2em; }\n"
	"table { border-collapse: collapse; width: 100%; table-layout: fixed;"
	" margin: 0.5em 0 1em 0; }\n"
	"th, td { border: 1px solid #9a9a9a; padding: 4px 6px; vertical-align: top;"
	" text-align: left; font-size: 88%; overflow-wrap: anywhere; }\n"
	"th { background: #e4e4e4; }\n"
	"col.cat { width: 9%; } col.test { width: 3.5em; } col.owner { width: 10%; }\n"
	"col.text { width: auto; } col.result { width: 4.5em; } col.evidence { width: 9%; }\n"
	"col.origin { width: 6.5em; }\n"
	"td.test, td.result { text-align: center; }\n"
	"td.owner { color: #444; }\n"
	"tr.pass td.result { background: #b9e4bf; color: #0d4d18; font-weight: bold; }\n"
	"tr.fail td { background: #fbe3e1; }\n"
	"tr.fail td.result { background: #c62828; color: #fff; font-weight: bold; }\n"
	"details summary { cursor: pointer; }\n"
	"details[open] summary { display: none; }\n"
	".summary { padding: 0.5em 0.8em; border: 1px solid #9a9a9a; display: inline-block; }\n"
	".summary.pass { background: #b9e4bf; } .summary.fail { background: #fbe3e1; }\n"
	".problem { background: #fbe3e1; border-left: 4px solid #c62828; padding: 0.3em 0.8em; }\n"
	".contents ol { margin-top: 0.3em; } .contents .fail { color: #c62828; font-weight: bold; }\n"
	"code { background: #f0f0f0; padding: 0 2px; }\n";

/* Cells of more characters than this are folded: their start, and the whole on a click. */
#define HTML_FOLD	200
#define HTML_FOLD_SHOW	140

/*
 * A cell of text, folded if long: <details> with the first words as the
 * summary (no script: the browser opens it, and the summary goes).
 */
static void
html_td_fold(GString *s, const char *v)
{
	bool utf8 = g_utf8_validate(v, -1, NULL);
	size_t n = utf8 ? (size_t)g_utf8_strlen(v, -1) : strlen(v), limit, cut;
	const char *nl = strchr(v, '\n');
	char *head;

	if (n <= HTML_FOLD) {
		html_td(s, NULL, v);
		return;
	}
	/* The first HTML_FOLD_SHOW characters, never half of one. */
	if (utf8) {
		limit = (size_t)(g_utf8_offset_to_pointer(v, HTML_FOLD_SHOW) - v);
	} else {
		limit = HTML_FOLD_SHOW;
		while (limit > 0 && ((unsigned char)v[limit] & 0xc0) == 0x80)
			limit--;
	}
	/* Then back to the first line's end, or to a space. */
	cut = limit;
	if (nl && (size_t)(nl - v) < cut) {
		cut = (size_t)(nl - v);
	} else {
		while (cut > limit / 2 && v[cut] != ' ')
			cut--;
		if (v[cut] != ' ')
			cut = limit;
	}
	head = g_strndup(v, cut);
	g_string_append(s, "<td><details><summary>");
	html_text(s, head);
	g_string_append(s, " &hellip;</summary>");
	html_text(s, v);
	g_string_append(s, "</details></td>");
	g_free(head);
}

/* How many rows from k on show the same text as row k in this column (cat 0, owner 1). */
static guint
html_run(GPtrArray *rows, guint k, int col)
{
	const struct vd_row *r = rows->pdata[k];
	guint n = 1;

	for (guint j = k + 1; j < rows->len; j++, n++) {
		const struct vd_row *q = rows->pdata[j];

		if (col == 0 ? q->catno != r->catno || strcmp(q->cat, r->cat) != 0 :
			       strcmp(q->shown, r->shown) != 0)
			break;
	}
	return n;
}

/* A cell that spans the `n` rows showing the same text (D4.3 repeats it on each). */
static void
html_td_span(GString *s, const char *cls, guint n, const char *v)
{
	g_string_append(s, "<td");
	if (cls)
		g_string_append_printf(s, " class=\"%s\"", cls);
	if (n > 1)
		g_string_append_printf(s, " rowspan=\"%u\"", n);
	g_string_append_c(s, '>');
	html_text(s, v);
	g_string_append(s, "</td>");
}

char *
vd_render_html(const struct vd *v)
{
	GString *s = g_string_new(NULL);
	char *inc = vd_incomplete_text(v);
	bool ok = v->nfail == 0 && !inc[0];

	g_string_append_printf(s, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
			       "<meta charset=\"utf-8\">\n"
			       "<title>D4.3 validation tables, %s</title>\n"
			       "<style>\n%s</style>\n</head>\n<body>\n", v->when, html_css);
	g_string_append(s, "<h1>D4.3 validation tables</h1>\n<p>Regenerated by <code>");
	html_text(s, v->cmdline);
	g_string_append_printf(s, "</code> on %s with cometsim %s (commit %s). The evidence "
			       "of each row (pcaps, log.txt, counters.csv) is in its run "
			       "directory, linked from the last column.</p>\n",
			       v->when, PACKAGE_VERSION, COMETSIM_COMMIT);
	g_string_append_printf(s, "<p class=\"summary %s\">%d %s: %d PASS, %d FAIL%s</p>\n",
			       ok ? "pass" : "fail", v->nrows, vd_rows_word(v->nrows), v->npass, v->nfail,
			       inc);
	g_string_append(s, "<div class=\"contents\">\n<p>Contents:</p>\n<ol>\n");
	for (guint i = 0; i < v->evals->len; i++) {
		struct vd_eval *e = v->evals->pdata[i];
		char *title;

		if (e->state == VD_SKIPPED)
			continue;
		title = vd_eval_title(e);
		g_string_append(s, "<li><a href=\"#");
		html_text(s, e->name);
		g_string_append(s, "\">");
		html_text(s, title);
		g_string_append_printf(s, "</a>: %u %s, %d PASS", e->rows->len,
				       vd_rows_word(e->rows->len), e->npass);
		if (e->nfail)
			g_string_append_printf(s, ", <span class=\"fail\">%d FAIL</span>", e->nfail);
		if (e->state == VD_NOT_RUN)
			g_string_append(s, ", <span class=\"fail\">not run</span>");
		if (e->state == VD_FAILED)
			g_string_append(s, ", <span class=\"fail\">failed to run</span>");
		g_string_append(s, "</li>\n");
		g_free(title);
	}
	g_string_append(s, "</ol>\n</div>\n");
	for (guint i = 0; i < v->evals->len; i++) {
		struct vd_eval *e = v->evals->pdata[i];
		GPtrArray *notes;
		char *title, *script;

		if (e->state == VD_SKIPPED)
			continue;
		notes = g_ptr_array_new_with_free_func(g_free);
		title = vd_eval_title(e);
		script = eval_script(e);
		g_string_append(s, "<h2 id=\"");
		html_text(s, e->name);
		g_string_append(s, "\">");
		html_text(s, title);
		g_string_append(s, "</h2>\n<p>Evaluator <code>");
		html_text(s, script);
		g_string_append_printf(s, "</code>: %u %s, %d PASS, %d FAIL (%.1f s).</p>\n",
				       e->rows->len, vd_rows_word(e->rows->len), e->npass, e->nfail,
				       e->secs);
		g_free(title);
		g_free(script);
		if (e->rows->len)
			g_string_append(s, "<table>\n<colgroup><col class=\"cat\"><col class=\"test\">"
					"<col class=\"owner\"><col class=\"text\"><col class=\"text\">"
					"<col class=\"text\"><col class=\"text\"><col class=\"result\">"
					"<col class=\"evidence\"><col class=\"origin\"></colgroup>\n"
					"<tr><th>Test category</th><th>Test</th>"
					"<th>Timestamp / Owner</th><th>Test description</th>"
					"<th>Step</th><th>Expected</th><th>Actual</th>"
					"<th>Result</th><th>Evidence</th><th>Origin</th></tr>\n");
		for (guint k = 0, cat_left = 0, own_left = 0; k < e->rows->len; k++) {
			struct vd_row *r = e->rows->pdata[k];
			char *l = cat_label(r);

			g_string_append_printf(s, "<tr class=\"%s\">", r->pass ? "pass" : "fail");
			/* The category and the timestamp/owner once for the rows they share. */
			if (cat_left == 0) {
				cat_left = html_run(e->rows, k, 0);
				html_td_span(s, NULL, cat_left, l);
			}
			cat_left--;
			html_td(s, "test", r->test);
			if (own_left == 0) {
				own_left = html_run(e->rows, k, 1);
				html_td_span(s, "owner", own_left, r->shown);
			}
			own_left--;
			html_td_fold(s, rget(r, "description"));
			html_td_fold(s, rget(r, "step"));
			html_td_fold(s, rget(r, "expected"));
			html_td_fold(s, rget(r, "actual"));
			html_td(s, "result", r->pass ? "PASS" : "FAIL");
			if (r->href) {
				g_string_append(s, "<td><a href=\"");
				html_text(s, r->href);
				g_string_append(s, "\">");
				html_text(s, r->rel);
				g_string_append(s, "</a></td>");
			} else {
				html_td(s, NULL, r->rel);
			}
			html_td(s, "origin", vd_row_origin(e, r));
			g_string_append(s, "</tr>\n");
			g_free(l);
		}
		if (e->rows->len)
			g_string_append(s, "</table>\n");
		eval_notes(v, e, notes);
		for (guint k = 0; k < notes->len; k++) {
			g_string_append(s, "<p>Note: ");
			html_text(s, notes->pdata[k]);
			g_string_append(s, "</p>\n");
		}
		g_ptr_array_unref(notes);
		if (e->state == VD_NOT_RUN)
			g_string_append_printf(s, "<p class=\"problem\">Not run: %s.</p>\n",
					       not_run_why());
		if (e->state == VD_FAILED) {
			g_string_append(s, "<div class=\"problem\"><p>The evaluator failed to "
					"run:</p>\n<ul>\n");
			for (guint k = 0; k < e->problems->len; k++) {
				g_string_append(s, "<li>");
				html_text(s, e->problems->pdata[k]);
				g_string_append(s, "</li>\n");
			}
			g_string_append(s, "<li>its output: <code>");
			html_text(s, e->log);
			g_string_append(s, "</code></li>\n</ul></div>\n");
		}
	}
	g_string_append(s, "</body>\n</html>\n");
	g_free(inc);
	return g_string_free(s, FALSE);
}

/* Write text to path (through a temporary file and a rename).  -1 after a message. */
static int
write_file(const char *path, const char *text)
{
	GError *gerr = NULL;

	if (!g_file_set_contents(path, text, -1, &gerr)) {
		fprintf(stderr, "%s: %s\n", log_prog(), log_gerror(gerr));
		g_error_free(gerr);
		return -1;
	}
	return 0;
}

int
vd_write_outputs(struct vd *v)
{
	char *json = vd_render_json(v), *md = vd_render_md(v), *html = vd_render_html(v);
	char *pj = g_build_filename(v->out, "validation.json", NULL);
	char *pm = g_build_filename(v->out, "validation.md", NULL);
	char *ph = g_build_filename(v->out, "validation.html", NULL);
	int rc = 0;

	if (write_file(pj, json) != 0 || write_file(pm, md) != 0 || write_file(ph, html) != 0)
		rc = -1;
	if (v->json && write_file(v->json, json) != 0)
		rc = -1;
	if (rc == 0 && !v->quiet)
		printf("tables: %s, %s, %s%s%s\n", pm, ph, pj, v->json ? ", " : "",
		       v->json ? v->json : "");
	g_free(json);
	g_free(md);
	g_free(html);
	g_free(pj);
	g_free(pm);
	g_free(ph);
	return rc;
}

