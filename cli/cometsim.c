/*
 * cometsim.c - the command-line front end.
 *
 *   cometsim run SCENARIO [options]    run and write one output directory
 *   cometsim check SCENARIO [--set]    validate only
 *   cometsim topo SCENARIO|FILE [--format FORMAT] [--dot]   print the topology
 *   cometsim params SCENARIO [--set]   list the parameters --set accepts
 *   cometsim rae-config CONFIG [OUT]   check, print or convert an RAE configuration
 *   cometsim sweep|plot|validate ...   the modules sweep/ and validate/ (dispatched)
 *
 * This file stays thin: it parses arguments, loads a scenario
 * (scenario/scenario.h) with the overrides of the command line (every
 * --set, and the run options given by their own flags, --seed N being
 * the override seed=N), builds the simulator and the network, attaches
 * the output layer (output/output.h) and runs.  It is also the only
 * place that reads the wall clock (run time, progress line) and handles
 * signals: the engine and the entities never do.  doc/cometsim.1 is the
 * manual.
 *
 * Exit statuses: 0 success, 1 bad input (scenario errors, printed as
 * the loader wrote them: "file:line: message"), 2 bad usage, 3 stopped
 * by an event or wall-clock limit (outputs are still written, status
 * "event_limit" or "wall_limit"), 130/143 after SIGINT/SIGTERM (outputs
 * are still written, status "interrupted"; nothing is written when the
 * signal comes while the scenario loads).  doc/outputs.md says how the
 * output directory is taken and how a run stops.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <glib.h>

#include "config.h"

#include "cli/bridges.h"
#include "emu/hostio.h"
#include "emu/realtime.h"
#include "emu/tapdev.h"
#include "entities/rae/rae.h"
#include "sweep/sweep.h"
#include "validate/validate.h"
#include "entities/registry.h"
#include "entities/requests.h"
#include "output/output.h"
#include "par/par.h"
#include "output/term.h"
#include "scenario/scenario.h"
#include "sim/net.h"
#include "sim/pkt.h"
#include "sim/sched.h"
#include "sim/series.h"
#include "sim/sim.h"
#include "sim/units.h"

#define EXIT_INPUT	1	/* the scenario or an input file is wrong */
#define EXIT_USAGE	2	/* the command line is wrong */
#define EXIT_LIMIT	3	/* the run hit its event or wall-clock limit */

#define POLL_EVERY	65536		/* events between two poll hook calls */
#define PROGRESS_NS	200000000LL	/* at most five progress lines a second */
#define SNAPLEN_MAX	262144

/* ---- usage ---- */

static const char usage_main[] =
	"usage: cometsim run SCENARIO [options]\n"
	"       cometsim check SCENARIO [--set NAME=VALUE]...\n"
	"       cometsim topo SCENARIO|FILE [--format FORMAT] [--dot] [--set NAME=VALUE]...\n"
	"       cometsim params SCENARIO [--set NAME=VALUE]...\n"
	"       cometsim rae-config CONFIG [OUT]\n"
	"       cometsim sweep SWEEP.xml [-j N] [--engine local|parallel|slurm] [--out DIR]\n"
	"       cometsim sweep status|collect SWEEPDIR, sweep exec SWEEPDIR INDEX\n"
	"       cometsim deploy SCENARIO [--write DIR] [--set NAME=VALUE]...\n"
	"       cometsim plot SWEEPDIR | RUNDIR [--series NAME]... | --cdf COLUMN CSV\n"
	"       cometsim validate [--out DIR] [--json FILE] [--only PATTERN]...\n"
	"       cometsim help [COMMAND]\n"
	"       cometsim --version | --help\n";

static const char help_main[] =
	"cometsim - a discrete-event emulator for content-aware networks\n"
	"\n"
	"Commands:\n"
	"  run      run a scenario and write its output directory\n"
	"  check    validate a scenario and exit (silent when it is good)\n"
	"  topo     print the topology of a scenario, as text or Graphviz DOT\n"
	"  params   list the parameters --set accepts, with their values\n"
	"  sweep    run a scenario over a grid of parameters and repetitions\n"
	"  deploy   print the events a scenario's <deploy> adds; write them out\n"
	"  plot     redraw a sweep's plots; draw a run's time series, a CDF\n"
	"  rae-config  check an RAE configuration (binary or XML); print it,\n"
	"           or convert it to the binary file of D4.3 Appendix A\n"
	"  validate run the validation evaluators and print D4.3's tables\n"
	"  help     'cometsim help COMMAND' is 'cometsim COMMAND --help'\n"
	"\n"
	"'cometsim COMMAND --help' describes the options of a command.\n"
	"Exit status: 0 success, 1 bad input, 2 bad usage, 3 stopped by an\n"
	"event or wall-clock limit, 130/143 interrupted by SIGINT/SIGTERM.\n"
	"Messages start with \"cometsim COMMAND: \", or with the FILE:LINE of the\n"
	"input they are about (doc/cometsim.1, DIAGNOSTICS).\n";

static const char usage_run[] =
	"usage: cometsim run SCENARIO [--seed N] [--run N] [--set NAME=VALUE]...\n"
	"                    [--out DIR] [--pcap WHAT] [--snaplen N] [--log SPEC]\n"
	"                    [--log-stderr] [--scheduler NAME] [--end TIME]\n"
	"                    [--max-events N] [--max-wall TIME] [--realtime[=MODE]]\n"
	"                    [--timeseries SERIES] [--timeseries-interval TIME] [--quiet]\n"
	"                    [--sync MODE]\n";

static const char help_run[] =
	"Run a scenario and write pcaps, log.txt, counters.csv and summary.json\n"
	"into one directory.  Options given here override the scenario's.\n"
	"\n"
	"  --seed N            seed of every random stream (default: scenario, or 1)\n"
	"  --run N             run number, a second key of the streams (default 1)\n"
	"  --set NAME=VALUE    override a scenario parameter (see 'cometsim params')\n"
	"  -o, --out DIR       output directory (default output/<scenario>/\n"
	"                      seed<S>-run<R>; with other overrides, output/\n"
	"                      <scenario>/<overrides>/seed<S>-run<R>, the\n"
	"                      overrides written out, or a hash of them)\n"
	"  --pcap WHAT         all, none, or a list of NODE and NODE:IFACE,\n"
	"                      comma separated (default: all)\n"
	"  --snaplen N         bytes captured per frame, 1..262144 (default 65535)\n"
	"  --log SPEC          verbosity: LEVEL or KIND=LEVEL,..., levels error,\n"
	"                      warn, info, debug, trace (default info)\n"
	"  --log-stderr        copy the log lines to stderr\n"
	"  --scheduler NAME    event scheduler: %s\n"
	"  --end TIME          stop at this virtual time: seconds, or a number and\n"
	"                      a unit, ns, us, ms, s, min or h (10, 10s, 1.5ms),\n"
	"                      at most 1000000000s\n"
	"  --max-events N      stop after N events (exit status 3)\n"
	"  --max-wall TIME     stop after this much wall-clock time, loading\n"
	"                      included: seconds, or a number and a unit, as\n"
	"                      --end (90, 1.5s, 500ms; exit status 3)\n"
	"  --realtime[=MODE]   virtual time follows the wall clock: yes, or strict\n"
	"                      (stop, exit status 3, once an event is later than\n"
	"                      realtime_bound, default 100ms); no: as fast as it\n"
	"                      goes (doc/emulation.md)\n"
	"  --timeseries SERIES sample these series into timeseries.csv: a list\n"
	"                      such as link.util,node.rx_bytes.rate@h*,\n"
	"                      entity.rae.update_in (doc/outputs.md); none: off\n"
	"                      (the default)\n"
	"  --timeseries-interval TIME\n"
	"                      between two samples (default 1s)\n"
	"  -q, --quiet         print neither the progress line nor the output\n"
	"                      directory\n"
	"  --sync MODE         a run split over processes by mpirun or srun\n"
	"                      (doc/parallel.md): windows (the default), or null\n"
	"                      (null messages)\n"
	"  -h, --help          this help\n";

static const char usage_check[] =
	"usage: cometsim check SCENARIO [--set NAME=VALUE]...\n";
static const char help_check[] =
	"Load and validate a scenario and build its network without running it.\n"
	"Prints nothing and exits 0 when the scenario is good; otherwise prints\n"
	"the errors (\"file:line: message\") and exits 1.\n"
	"\n"
	"  --set NAME=VALUE    override a scenario parameter\n"
	"  -h, --help          this help\n";

static const char usage_topo[] =
	"usage: cometsim topo SCENARIO|FILE [--format FORMAT] [--dot] [--set NAME=VALUE]...\n";
static const char help_topo[] =
	"Print the topology of a scenario on stdout: a line per node (domain,\n"
	"interfaces, addresses), then a line per link (name, ends, bandwidth,\n"
	"delay, weight).\n"
	"\n"
	"  --format FORMAT     FILE is a topology of another format: caida, graphml,\n"
	"                      rocketfuel, brite or edgelist (doc/topology-import.md)\n"
	"  --dot               as a Graphviz graph instead: the routers of a domain\n"
	"                      in a cluster (a curling script's D.H in domain D),\n"
	"                      links labelled with name, bandwidth, delay, weight\n"
	"                      (cometsim topo t.xml --dot | dot -Tsvg > t.svg)\n"
	"  --set NAME=VALUE    override a scenario parameter\n"
	"  -h, --help          this help\n";

static const char usage_params[] =
	"usage: cometsim params SCENARIO [--set NAME=VALUE]...\n";
static const char help_params[] =
	"List every parameter name --set accepts, one a line, with its current\n"
	"value (after the --set options given here).\n"
	"\n"
	"  --set NAME=VALUE    override a scenario parameter\n"
	"  -h, --help          this help\n";

static const char usage_deploy[] =
	"usage: cometsim deploy SCENARIO [--write DIR] [--set NAME=VALUE]...\n";
static const char help_deploy[] =
	"Load a scenario that has a <deploy> element (doc/deploy.md) and print the\n"
	"events it adds, as a script.  With --write, write into DIR what it\n"
	"generates, as ordinary files: the configuration files, deploy.script (the\n"
	"events) and scenario.xml (the scenario without its <deploy>, which runs\n"
	"as it does).\n"
	"\n"
	"  --write DIR         write the files into DIR (made if missing)\n"
	"  --set NAME=VALUE    override a scenario parameter\n"
	"  -h, --help          this help\n";

static const char usage_rae_config[] =
	"usage: cometsim rae-config CONFIG [OUT]\n";
static const char help_rae_config[] =
	"Read an RAE configuration: the binary ConfigurationMessage of D4.3\n"
	"Appendix A (entities/rae/config.proto) or its XML form <rae-config>\n"
	"(doc/rae.md), and check every field as the RAE does when it loads it.\n"
	"Without OUT, print the configuration, one field a line.  With OUT, write\n"
	"it there as the binary file (written aside, then renamed; nothing is\n"
	"written if CONFIG has an error).  Errors name the file (and line) and\n"
	"exit with status 1.\n"
	"\n"
	"  -h, --help          this help\n";

/* "heap, calendar": the names --scheduler accepts. */
static char *
sched_names(void)
{
	GString *s = g_string_new(NULL);

	for (size_t i = 0; sched_all[i]; i++)
		g_string_append_printf(s, "%s%s", i ? ", " : "", sched_all[i]->name);
	return g_string_free(s, FALSE);
}

/* One command: its synopsis, its help, and the function that runs it. */
struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *usage;
	const char *help;
};

static int cmd_run(int argc, char **argv);
static int cmd_check(int argc, char **argv);
static int cmd_topo(int argc, char **argv);
static int cmd_params(int argc, char **argv);
static int cmd_rae_config(int argc, char **argv);
static int cmd_deploy(int argc, char **argv);

static const struct command commands[] = {
	{ "run", cmd_run, usage_run, help_run },
	{ "check", cmd_check, usage_check, help_check },
	{ "topo", cmd_topo, usage_topo, help_topo },
	{ "params", cmd_params, usage_params, help_params },
	{ "sweep", sweep_main, sweep_usage, sweep_help },
	{ "plot", plot_main, plot_usage, plot_help },
	{ "rae-config", cmd_rae_config, usage_rae_config, help_rae_config },
	{ "deploy", cmd_deploy, usage_deploy, help_deploy },
	{ "validate", validate_main, validate_usage, validate_help },
};

static const struct command *
command_lookup(const char *name)
{
	for (size_t i = 0; i < G_N_ELEMENTS(commands); i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

/* "cometsim CMD --help": the synopsis, then the options. */
static void
print_help(const struct command *cmd)
{
	char *names = sched_names();

	fputs(cmd->usage, stdout);
	putchar('\n');
	/* Only the run help has a %s: the scheduler names. */
	if (cmd->help == help_run)
		printf(help_run, names);
	else
		fputs(cmd->help, stdout);
	g_free(names);
}

/* A usage error: the message, the synopsis, status 2. */
static int
usage_error(const char *cmd_usage, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int
usage_error(const char *cmd_usage, const char *fmt, ...)
{
	va_list ap;

	if (fmt) {
		char *msg, *shown;

		/* What the user typed may hold characters a terminal does not show. */
		va_start(ap, fmt);
		msg = g_strdup_vprintf(fmt, ap);
		va_end(ap);
		shown = log_escape(msg);
		fprintf(stderr, "%s: %s\n", log_prog(), shown);
		g_free(shown);
		g_free(msg);
	}
	fputs(cmd_usage, stderr);
	return EXIT_USAGE;
}

/* ---- argument values ---- */

/*
 * The overrides of the command line, in its order: each --set NAME=VALUE
 * and each run option given by its own flag (--seed 5 is the override
 * seed=5, --end 10s end_time=10s).  The loader takes the list as it is:
 * for one name, the last one given wins (struct scn_override).
 */
struct overrides {
	struct scn_override *v;
	size_t n;
};

/* Append name=value, copied; origin (taken) says how it was written, NULL for a --set. */
static void
overrides_push(struct overrides *ov, char *name, const char *value, char *origin)
{
	ov->v = g_renew(struct scn_override, ov->v, ov->n + 1);
	ov->v[ov->n].name = name;
	ov->v[ov->n].value = g_strdup(value);
	ov->v[ov->n].origin = origin;
	ov->n++;
}

/* --set NAME=VALUE; -1 without a NAME=. */
static int
overrides_add_set(struct overrides *ov, const char *arg)
{
	const char *eq = strchr(arg, '=');

	if (!eq || eq == arg)
		return -1;
	overrides_push(ov, g_strndup(arg, (gsize)(eq - arg)), eq + 1, NULL);
	return 0;
}

/* A run option's own flag: "--seed", "5" is the override seed=5, written "--seed 5". */
static void
overrides_add_flag(struct overrides *ov, const char *name, const char *flag,
		   const char *value)
{
	overrides_push(ov, g_strdup(name), value, g_strdup_printf("%s %s", flag, value));
}

static void
overrides_free(struct overrides *ov)
{
	for (size_t i = 0; i < ov->n; i++) {
		g_free((char *)ov->v[i].name);
		g_free((char *)ov->v[i].value);
		g_free((char *)ov->v[i].origin);
	}
	g_free(ov->v);
}

/* The two halves of a deployment of approach "both", in the order they run. */
static const char *const halves[3] = { "decoupled", "coupled", NULL };

/*
 * The overrides of one half of a deployment of approach "both": a copy of
 * src and deploy.approach=half, which the loader takes before <deploy>'s
 * attribute.
 */
static void
overrides_half(const struct overrides *src, const char *half, struct overrides *dst)
{
	memset(dst, 0, sizeof(*dst));
	for (size_t k = 0; k < src->n; k++)
		overrides_push(dst, g_strdup(src->v[k].name), src->v[k].value,
			       src->v[k].origin ? g_strdup(src->v[k].origin) : NULL);
	overrides_push(dst, g_strdup("deploy.approach"), half,
		       g_strdup_printf("approach=\"both\" (%s)", half));
}

/*
 * Register the entity classes and load the scenario.  NULL after
 * printing the loader's message.
 */
static struct scenario *
load_as(const char *path, const char *format, const struct overrides *ov)
{
	struct scenario *s;
	char err[2048];

	if (entities_register_all() != 0) {
		fprintf(stderr, "%s: cannot register the entity classes\n", log_prog());
		return NULL;
	}
	err[0] = '\0';
	s = scenario_load_as(path, format, ov->v, ov->n, err, sizeof(err));
	if (!s)
		fprintf(stderr, "%s\n", err[0] ? err : "cannot load the scenario");
	return s;
}

static struct scenario *
load(const char *path, const struct overrides *ov)
{
	return load_as(path, NULL, ov);
}

/* ---- signals and the wall-clock limit ---- */

/*
 * Where the run is, for the handlers.  While the scenario loads, nothing
 * is written yet: a signal or the wall-clock limit ends the process at
 * once (libxml2 parsing a large file cannot be asked to stop, and there
 * is nothing to finish).  From the moment the output directory is open
 * they only ask the engine to stop (sim_interrupt()): sim_run() looks at
 * that before every event, and the long loops of routing and building
 * the network look at it too, so the run stops within a fraction of a
 * second wherever it is, and then writes whole outputs.  Once the events
 * are over, a signal changes nothing: the outputs are being written.
 */
enum run_phase { PH_LOAD = 0, PH_RUN, PH_DONE };

static volatile sig_atomic_t phase;		/* enum run_phase */
static volatile sig_atomic_t stop_cause;	/* first SIGINT, SIGTERM or SIGALRM */
static volatile sig_atomic_t stop_later;	/* a signal that came after it */
static const char *loading;			/* the scenario, for the message */
static struct output *crash_output;		/* flushed if we crash */
static struct sigaction crash_old[4];
static const int crash_sigs[4] = { SIGSEGV, SIGABRT, SIGBUS, SIGFPE };

static const char *
sig_name(int sig)
{
	switch (sig) {
	case SIGINT:
		return "SIGINT";
	case SIGTERM:
		return "SIGTERM";
	case SIGALRM:
		return "the wall-clock limit";
	}
	return "a signal";
}

/* write(2) of a string, from a signal handler. */
static void
say(const char *s)
{
	size_t len = strlen(s);

	while (len > 0) {
		ssize_t w = write(STDERR_FILENO, s, len);

		if (w <= 0 && errno != EINTR)
			return;
		if (w > 0) {
			s += w;
			len -= (size_t)w;
		}
	}
}

/*
 * SIGINT, SIGTERM, and SIGALRM (the --max-wall timer): see run_phase.
 * Every signal is recorded, a second one as well: the run still stops
 * the same way and its outputs are whole.
 */
static void
on_stop(int sig)
{
	int e = errno;

	if (phase == PH_LOAD) {
		say(log_prog());
		say(": ");
		say(loading ? loading : "the scenario");
		say(sig == SIGALRM ? ": stopped by the wall-clock limit" : ": interrupted by ");
		if (sig != SIGALRM)
			say(sig_name(sig));
		say(" while it was loaded; nothing was written\n");
		_exit(sig == SIGALRM ? EXIT_LIMIT : 128 + sig);
	}
	if (phase == PH_DONE && sig == SIGALRM)
		return;
	if (!stop_cause)
		stop_cause = sig;
	else if (sig != SIGALRM)
		stop_later = sig;
	sim_interrupt();
	errno = e;
}

/*
 * A crash: flush what the output layer buffered (best effort: stdio is
 * not async-signal-safe, but the process is lost anyway), put back the
 * previous action (the default one, or a sanitizer's) and let the signal
 * take its course.  A fault raised by an instruction happens again on
 * return; one sent by kill() or abort() is raised again.
 */
static void
on_crash_signal(int sig, siginfo_t *si, void *uctx)
{
	static volatile sig_atomic_t busy;

	if (!busy) {
		busy = 1;
		if (crash_output)
			output_flush(crash_output);
	}
	for (size_t i = 0; i < G_N_ELEMENTS(crash_sigs); i++)
		if (crash_sigs[i] == sig)
			sigaction(sig, &crash_old[i], NULL);
	if (si->si_code <= 0)
		raise(sig);
}

/*
 * From the start of "run": SIGINT, SIGTERM and SIGALRM go to on_stop(),
 * one at a time (each blocks the others: the first to arrive is the one
 * recorded first).  SA_RESTART: a write to a slow stderr or a pipe that
 * a signal interrupts goes on, rather than failing and losing log lines.
 */
static void
signals_stop_install(const char *scenario)
{
	struct sigaction sa;

	loading = scenario;
	phase = PH_LOAD;
	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sigaddset(&sa.sa_mask, SIGINT);
	sigaddset(&sa.sa_mask, SIGTERM);
	sigaddset(&sa.sa_mask, SIGALRM);
	sa.sa_handler = on_stop;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGALRM, &sa, NULL);
}

/*
 * The wall-clock limit: SIGALRM when limit ns have passed since start
 * (the start of the command: loading counts).  A timer rather than a
 * clock read in the run loop, which then costs nothing.
 */
static void
wall_limit_arm(int64_t start, int64_t now, sim_time_t limit)
{
	struct itimerval it;
	int64_t left = start + limit - now;

	if (left < 1000)
		left = 1000;	/* gone already: at once */
	memset(&it, 0, sizeof(it));
	it.it_value.tv_sec = (time_t)(left / 1000000000);
	it.it_value.tv_usec = (suseconds_t)(left % 1000000000 / 1000);
	if (it.it_value.tv_sec == 0 && it.it_value.tv_usec == 0)
		it.it_value.tv_usec = 1;
	setitimer(ITIMER_REAL, &it, NULL);
}

static void
wall_limit_disarm(void)
{
	struct itimerval it;

	memset(&it, 0, sizeof(it));
	setitimer(ITIMER_REAL, &it, NULL);
}

static void
signals_crash_install(struct output *out)
{
	static char altstack[64 * 1024];
	struct sigaction sa;
	stack_t ss;

	/* Its own stack, so that a stack overflow still gets to flush. */
	ss.ss_sp = altstack;
	ss.ss_size = sizeof(altstack);
	ss.ss_flags = 0;
	sigaltstack(&ss, NULL);
	crash_output = out;
	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_sigaction = on_crash_signal;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
	for (size_t i = 0; i < G_N_ELEMENTS(crash_sigs); i++)
		sigaction(crash_sigs[i], &sa, &crash_old[i]);
}

static void
signals_crash_off(void)
{
	crash_output = NULL;
	for (size_t i = 0; i < G_N_ELEMENTS(crash_sigs); i++)
		sigaction(crash_sigs[i], &crash_old[i], NULL);
}

/* ---- the wall clock: run time and progress ---- */

static int64_t
wall_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

struct progress {
	sim_time_t end;
	bool shown;		/* a line is on the screen */
	int64_t start, last;	/* wall clock, ns */
};

/*
 * Called every POLL_EVERY events from inside sim_run() when stderr is a
 * terminal: the progress line.  Signals and the wall-clock limit do not
 * wait for it (on_stop()).
 */
static void
progress_poll(struct sim *sim, void *ctx)
{
	struct progress *pg = ctx;
	char tbuf[32], ebuf[32], el[24], eta[24] = "--", line[256];
	int64_t now;
	double rate, done;

	now = wall_ns();
	if (now - pg->last < PROGRESS_NS)
		return;
	pg->last = now;
	rate = (double)sim_events_run(sim) / ((double)(now - pg->start) / 1e9);
	sim_time_fmt(sim_now(sim), tbuf, sizeof(tbuf));
	units_fmt_clock(now - pg->start, el, sizeof(el));
	if (pg->end != SIM_TIME_MAX) {
		done = pg->end > 0 ? (double)sim_now(sim) / (double)pg->end : 1.0;
		/* The rest at the pace so far (virtual time per wall second). */
		if (done > 0.0 && done < 1.0)
			units_fmt_clock((int64_t)((double)(now - pg->start) * (1.0 - done) / done),
					eta, sizeof(eta));
		snprintf(line, sizeof(line), "sim time %s s / %s s (%.1f%%), %.2f M events/s, "
			 "%s elapsed, ETA %s", tbuf, sim_time_fmt(pg->end, ebuf, sizeof(ebuf)),
			 100.0 * done, rate / 1e6, el, eta);
	} else {
		snprintf(line, sizeof(line), "sim time %s s, %.2f M events/s, %s elapsed", tbuf,
			 rate / 1e6, el);
	}
	term_line(stderr, line);
	pg->shown = true;
}

static void
progress_clear(struct progress *pg)
{
	if (pg->shown)
		term_clear(stderr);
	pg->shown = false;
}

static long
peak_rss_kb(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_SELF, &ru) != 0)
		return 0;
	return ru.ru_maxrss;	/* kilobytes on Linux */
}

/* One pcap per interface: a large topology needs many descriptors. */
static void
raise_fd_limit(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

static const char *
stop_reason_name(enum sim_stop_reason why)
{
	switch (why) {
	case SIM_STOP_EMPTY:
		return "no_events";
	case SIM_STOP_END_TIME:
		return "end_time";
	case SIM_STOP_REQUESTED:
		return "end_simulation";
	case SIM_STOP_EVENT_LIMIT:
		return "event_limit";
	case SIM_STOP_INTERRUPTED:
		return stop_cause == SIGALRM ? "wall_limit" : "interrupted";
	case SIM_STOP_PACER:
		return "realtime_lag";
	case SIM_STOP_HORIZON:	/* only inside a split run's windows: never the run's */
		break;
	}
	return "unknown";
}

/* At most this many overrides, and this long, are written out in a default folder's name. */
#define OUT_NAMED_MAX	3
#define OUT_NAMED_LEN	64

static gint
override_cmp(gconstpointer a, gconstpointer b)
{
	return strcmp((*(const struct scn_override *const *)a)->name,
		      (*(const struct scn_override *const *)b)->name);
}

/*
 * The part of the default output folder that says which overrides the
 * run had: NULL without any (seed and run are not counted: the last part
 * of the name has them).  For one name the last override given counts,
 * as for the loader; they are sorted by name, so that the order of the
 * command line does not matter.  Up to OUT_NAMED_MAX of them, in at most
 * OUT_NAMED_LEN characters, are written out, "count=1000,link.ab.delay=2ms",
 * every character but letters, digits and ._-+=@: written %XX (so that
 * two different sets never share a name); more than that is "set-" and
 * the first 12 hexadecimal digits of the SHA-256 of that same text.
 */
static char *
overrides_dir_part(const struct overrides *ov)
{
	GPtrArray *last = g_ptr_array_new();
	GString *named = g_string_new(NULL);
	char *part = NULL;

	for (size_t i = 0; i < ov->n; i++) {
		const struct scn_override *o = &ov->v[i];
		bool later = false;

		if (strcmp(o->name, "seed") == 0 || strcmp(o->name, "run") == 0)
			continue;
		for (size_t k = i + 1; k < ov->n && !later; k++)
			later = strcmp(ov->v[k].name, o->name) == 0;
		if (!later)
			g_ptr_array_add(last, (gpointer)o);
	}
	g_ptr_array_sort(last, override_cmp);
	for (guint i = 0; i < last->len; i++) {
		const struct scn_override *o = g_ptr_array_index(last, i);
		char *text = g_strdup_printf("%s=%s", o->name, o->value);

		if (i)
			g_string_append_c(named, ',');
		for (const char *c = text; *c; c++) {
			if (g_ascii_isalnum(*c) || strchr("._-+=@:", *c))
				g_string_append_c(named, *c);
			else
				g_string_append_printf(named, "%%%02X", (unsigned char)*c);
		}
		g_free(text);
	}
	if (last->len > 0 && last->len <= OUT_NAMED_MAX && named->len <= OUT_NAMED_LEN) {
		part = g_strdup(named->str);
	} else if (last->len > 0) {
		char *sum = g_compute_checksum_for_string(G_CHECKSUM_SHA256, named->str, -1);

		part = g_strdup_printf("set-%.12s", sum);
		g_free(sum);
	}
	g_string_free(named, TRUE);
	g_ptr_array_free(last, TRUE);
	return part;
}

/*
 * "output/<scenario>/seed<S>-run<R>", the scenario name made a safe path
 * element; with overrides, "output/<scenario>/<overrides>/seed<S>-run<R>"
 * (overrides_dir_part()), so that two variants of a scenario do not
 * write into one folder.
 */
static char *
default_out_dir(const char *scenario, uint64_t seed, uint64_t run, const struct overrides *ov)
{
	char *name = g_strdup(scenario && scenario[0] ? scenario : "scenario");
	char *part = overrides_dir_part(ov);
	char *dir;

	g_strdelimit(name, "/", '_');
	if (name[0] == '.')
		name[0] = '_';
	dir = g_strdup_printf("output/%s/%s%sseed%" PRIu64 "-run%" PRIu64, name,
			      part ? part : "", part ? "/" : "", seed, run);
	g_free(part);
	g_free(name);
	return dir;
}

/* ---- run ---- */

struct run_args {
	const char *scenario;
	struct overrides ov;	/* --set and the run options' flags */
	sim_time_t max_wall;	/* --max-wall, armed before the scenario loads */
	bool has_max_wall;
	const char *out;
	bool log_stderr, quiet;
	const char *format;	/* topo --format: the file is a topology of that format */
	bool dot;		/* topo --dot: Graphviz rather than text */
	const char *write;	/* deploy --write: the folder */
	enum par_sync sync;	/* run --sync: how a split run's processes keep together */
};

enum {
	OPT_SEED = 256, OPT_RUN, OPT_SET, OPT_PCAP, OPT_SNAPLEN, OPT_LOG,
	OPT_LOG_STDERR, OPT_SCHED, OPT_END, OPT_MAX_EVENTS, OPT_MAX_WALL, OPT_REALTIME, OPT_DOT,
	OPT_FORMAT,
	OPT_TIMESERIES, OPT_TS_INTERVAL, OPT_WRITE, OPT_SYNC,
};

/* The run options' own flags: the override each one is. */
struct run_flag {
	int opt;
	const char *name;	/* the override: "seed" */
	const char *flag;	/* as written: "--seed" */
};

static const struct run_flag run_flags[] = {
	{ OPT_SEED, "seed", "--seed" },
	{ OPT_RUN, "run", "--run" },
	{ OPT_PCAP, "pcap", "--pcap" },
	{ OPT_SNAPLEN, "snaplen", "--snaplen" },
	{ OPT_LOG, "log", "--log" },
	{ OPT_SCHED, "scheduler", "--scheduler" },
	{ OPT_END, "end_time", "--end" },
	{ OPT_MAX_EVENTS, "max_events", "--max-events" },
	{ OPT_MAX_WALL, "max_wall", "--max-wall" },
	{ OPT_TIMESERIES, "timeseries", "--timeseries" },
	{ OPT_TS_INTERVAL, "timeseries_interval", "--timeseries-interval" },
};

static const struct run_flag *
run_flag_of(int opt)
{
	for (size_t i = 0; i < G_N_ELEMENTS(run_flags); i++)
		if (run_flags[i].opt == opt)
			return &run_flags[i];
	return NULL;
}

/*
 * --max-wall VALUE or --set max_wall=VALUE: the limit counts from the
 * start of the command, so it is armed before the scenario loads when
 * its value reads as the loader will read it; a value that does not is
 * left to the loader, which reports it (exit status 1).  The last one
 * given wins, as for every override.
 */
static void
max_wall_early(struct run_args *ra, const char *value)
{
	char msg[UNITS_ERRLEN];

	ra->has_max_wall = false;
	ra->max_wall = 0;
	if (strcmp(value, "none") != 0 &&
	    units_duration("max_wall", value, UNITS_BARE_S, 1, SIM_TIME_LIMIT, &ra->max_wall,
			   msg, sizeof(msg)) == 0)
		ra->has_max_wall = true;
}

/*
 * Parse the options of one command.  A run option given by its flag is
 * checked here, so that a bad one is the usage error it is, and goes
 * into the overrides with the --set values, in command-line order.
 * Returns -1 when the help was printed, or an exit status (EXIT_USAGE)
 * for a bad command line, or 0.
 */
static int
parse_args(int argc, char **argv, const struct command *cmd,
	   const struct option *longopts, const char *shortopts,
	   struct run_args *ra)
{
	const char *cmd_usage = cmd->usage;
	char msg[UNITS_ERRLEN];
	int c;

	optind = 1;
	opterr = 0;	/* said below, in the program's words */
	while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			print_help(cmd);
			return -1;
		case OPT_SEED:
		case OPT_RUN:
		case OPT_PCAP:
		case OPT_SNAPLEN:
		case OPT_LOG:
		case OPT_SCHED:
		case OPT_END:
		case OPT_MAX_EVENTS:
		case OPT_TIMESERIES:
		case OPT_TS_INTERVAL: {
			/*
			 * An override like --set, checked by the loader as --set
			 * NAME=VALUE is: the same words and exit status 1 both ways.
			 */
			const struct run_flag *rf = run_flag_of(c);

			overrides_add_flag(&ra->ov, rf->name, rf->flag, optarg);
			break;
		}
		case OPT_SET:
			if (overrides_add_set(&ra->ov, optarg) != 0)
				return usage_error(cmd_usage,
						   "--set \"%s\": expected NAME=VALUE", optarg);
			if (strncmp(optarg, "max_wall=", 9) == 0)
				max_wall_early(ra, optarg + 9);
			break;
		case 'o':
			if (!optarg[0])
				return usage_error(cmd_usage, "--out: empty directory name");
			ra->out = optarg;
			break;
		case OPT_LOG_STDERR:
			ra->log_stderr = true;
			break;
		case OPT_MAX_WALL:
			max_wall_early(ra, optarg);
			overrides_add_flag(&ra->ov, "max_wall", "--max-wall", optarg);
			break;
		case OPT_REALTIME:
			/* --realtime is yes; the loader checks the word, as for --set realtime=. */
			overrides_add_flag(&ra->ov, "realtime", "--realtime", optarg ? optarg : "yes");
			break;
		case 'q':
			ra->quiet = true;
			break;
		case OPT_SYNC:
			if (strcmp(optarg, "windows") == 0)
				ra->sync = PAR_SYNC_WINDOWS;
			else if (strcmp(optarg, "null") == 0)
				ra->sync = PAR_SYNC_NULL;
			else
				return usage_error(cmd_usage, "--sync \"%s\": windows or null", optarg);
			break;
		case OPT_DOT:
			ra->dot = true;
			break;
		case OPT_FORMAT:
			if (!scenario_format_known(optarg)) {
				snprintf(msg, sizeof(msg), "--format %s: not a topology format "
					 "(caida, graphml, rocketfuel, brite, edgelist)", optarg);
				return usage_error(cmd_usage, "%s", msg);
			}
			ra->format = optarg;
			break;
		case OPT_WRITE:
			if (!optarg[0])
				return usage_error(cmd_usage, "--write: empty directory name");
			ra->write = optarg;
			break;
		default: {	/* ':' or '?' */
			char *why = log_getopt_error(c, argc, argv, longopts);
			int rc = usage_error(cmd_usage, "%s", why);

			g_free(why);
			return rc;
		}
		}
	}
	if (optind >= argc)
		return usage_error(cmd_usage, "missing SCENARIO");
	if (optind + 1 < argc)
		return usage_error(cmd_usage, "unexpected argument \"%s\"", argv[optind + 1]);
	ra->scenario = argv[optind];
	return 0;
}

static const struct option run_options[] = {
	{ "seed", required_argument, NULL, OPT_SEED },
	{ "run", required_argument, NULL, OPT_RUN },
	{ "set", required_argument, NULL, OPT_SET },
	{ "out", required_argument, NULL, 'o' },
	{ "pcap", required_argument, NULL, OPT_PCAP },
	{ "snaplen", required_argument, NULL, OPT_SNAPLEN },
	{ "log", required_argument, NULL, OPT_LOG },
	{ "log-stderr", no_argument, NULL, OPT_LOG_STDERR },
	{ "scheduler", required_argument, NULL, OPT_SCHED },
	{ "end", required_argument, NULL, OPT_END },
	{ "max-events", required_argument, NULL, OPT_MAX_EVENTS },
	{ "max-wall", required_argument, NULL, OPT_MAX_WALL },
	{ "realtime", optional_argument, NULL, OPT_REALTIME },
	{ "timeseries", required_argument, NULL, OPT_TIMESERIES },
	{ "timeseries-interval", required_argument, NULL, OPT_TS_INTERVAL },
	{ "quiet", no_argument, NULL, 'q' },
	{ "sync", required_argument, NULL, OPT_SYNC },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static const struct option set_options[] = {
	{ "set", required_argument, NULL, OPT_SET },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static const struct option deploy_options[] = {
	{ "write", required_argument, NULL, OPT_WRITE },
	{ "set", required_argument, NULL, OPT_SET },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static const struct option topo_options[] = {
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "dot", no_argument, NULL, OPT_DOT },
	{ "set", required_argument, NULL, OPT_SET },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* "interrupted by SIGINT", "stopped by the wall-clock limit", for the last line. */
static void
print_stopped(const struct scenario *scn, const struct run_summary *sum, bool building)
{
	char tbuf[32];

	if (stop_cause == SIGALRM)
		fprintf(stderr, "%s: %s: stopped by the wall-clock limit", log_prog(), scenario_path(scn));
	else
		fprintf(stderr, "%s: %s: interrupted by %s", log_prog(), scenario_path(scn),
			sig_name(stop_cause));
	if (building)
		fprintf(stderr, " while the network was built");
	else
		fprintf(stderr, " after %" PRIu64 " events, at virtual time %s s", sum->events,
			sim_time_fmt(sum->sim_time_ns, tbuf, sizeof(tbuf)));
	if (stop_later)
		fprintf(stderr, " (%s came too, while it stopped)", sig_name(stop_later));
	fprintf(stderr, "; the outputs are whole\n");
}

static int run_both(struct run_args *ra, int64_t start, const char *dir);

/*
 * Whether the scenario bridges the run to the world outside (<tap>,
 * <bridge>): such a run follows the wall clock, and listens to the host
 * through one hostio (doc/emulation.md).
 */
static bool
run_bridged(const struct scenario *scn)
{
	size_t ntaps;

	scenario_taps(scn, &ntaps);
	return ntaps > 0 || scenario_bridge_count(scn) > 0;
}

/*
 * Open the TAP device of every <tap> (doc/emulation.md, "The TAP
 * bridge"), before the run writes anything: an array of them, or NULL
 * after a "file:line: cannot open TAP device" message (those opened are
 * closed).  NULL also when there are none: *n is then 0.
 */
static struct tapdev **
taps_open(const struct scenario *scn, size_t *n)
{
	size_t ntaps;
	const struct scn_tap *st = scenario_taps(scn, &ntaps);
	struct tapdev **taps;

	*n = 0;
	if (!ntaps)
		return NULL;
	taps = g_new0(struct tapdev *, ntaps);
	for (size_t i = 0; i < ntaps; i++) {
		taps[i] = tapdev_open(st[i].device, st[i].netns);
		if (!taps[i]) {
			fprintf(stderr, "%s:%d: cannot open TAP device %s%s%s: %s\n", st[i].file,
				st[i].line, st[i].device, st[i].netns ? " in network namespace " : "",
				st[i].netns ? st[i].netns : "", strerror(errno));
			for (size_t k = 0; k < i; k++)
				tapdev_close(taps[k]);
			g_free(taps);
			return NULL;
		}
	}
	*n = ntaps;
	return taps;
}

/* Bind each device to its interface, once the network is built: 0, or -1 with err. */
static int
taps_bind(const struct scenario *scn, struct net *net, struct tapdev **taps,
	  struct realtime *rt, struct hostio *io, char *err, size_t errlen)
{
	size_t ntaps;
	const struct scn_tap *st = scenario_taps(scn, &ntaps);

	for (size_t i = 0; i < ntaps; i++) {
		struct node *n = net_node(net, st[i].node);
		struct iface *ifc = n ? node_iface(n, st[i].iface) : NULL;

		if (!ifc || tapdev_bind(taps[i], ifc, rt, io) < 0) {
			snprintf(err, errlen, "%s:%d: cannot bind TAP device %s to %s:%s",
				 st[i].file, st[i].line, st[i].device, st[i].node, st[i].iface);
			return -1;
		}
	}
	return 0;
}

/* summary.json's "bridges": one a device, with every reason of drop. */
struct tap_sum {
	const char *info[3];	/* host, node, iface */
	uint64_t vals[4];
	const char *drop_keys[TAPDEV_DROP_COUNT];
	uint64_t drop_vals[TAPDEV_DROP_COUNT];
};

static const char *const tap_info_keys[3] = { "host", "node", "iface" };
static const char *const tap_val_keys[4] = { "frames_in", "bytes_in", "frames_out", "bytes_out" };

static struct run_bridge *
taps_summary(const struct scenario *scn, struct tapdev **taps, size_t ntaps)
{
	size_t n;
	const struct scn_tap *st = scenario_taps(scn, &n);
	struct run_bridge *br = g_new0(struct run_bridge, ntaps);

	for (size_t i = 0; i < ntaps; i++) {
		struct tapdev_stats ts;
		struct tap_sum *t = g_new0(struct tap_sum, 1);

		tapdev_stats(taps[i], &ts);
		t->info[0] = tapdev_name(taps[i]);
		t->info[1] = st[i].node;
		t->info[2] = st[i].iface;
		t->vals[0] = ts.frames_in;
		t->vals[1] = ts.bytes_in;
		t->vals[2] = ts.frames_out;
		t->vals[3] = ts.bytes_out;
		for (int r = 0; r < TAPDEV_DROP_COUNT; r++) {
			t->drop_keys[r] = tapdev_drop_name((enum tapdev_drop)r);
			t->drop_vals[r] = ts.drops[r];
		}
		br[i].name = g_strdup_printf("%s:%s", st[i].node, st[i].iface);
		br[i].kind = "tap";
		br[i].info_keys = tap_info_keys;
		br[i].info_vals = t->info;
		br[i].ninfo = 3;
		br[i].keys = tap_val_keys;
		br[i].vals = t->vals;
		br[i].nvals = 4;
		br[i].drop_keys = t->drop_keys;
		br[i].drop_vals = t->drop_vals;
		br[i].ndrops = TAPDEV_DROP_COUNT;
	}
	return br;
}

static void
taps_summary_free(struct run_bridge *br, size_t n)
{
	for (size_t i = 0; br && i < n; i++) {
		g_free((char *)br[i].name);
		/* info_vals is the first member of its struct tap_sum */
		g_free((void *)br[i].info_vals);
	}
	g_free(br);
}

/*
 * Load the scenario and run it once; the exit status.  approach: NULL,
 * or the half of a deployment of approach "both" to run (its outputs go
 * to the folder of that name in the output folder).
 */
/* A split run's files of the entity families that process 0 merges (output_opts). */
static int
merge_parts(void *ctx, const char *dir, int nranks, char *(*claim)(void *, const char *),
	    void *claim_ctx, char *err, size_t errlen)
{
	(void)ctx;
	return requests_merge(dir, nranks, claim, claim_ctx, err, errlen);
}

/*
 * The processes of a split run other than 0 say nothing while they load
 * what process 0 loads too: it says what is wrong once.
 */
static void
stderr_mute(bool on)
{
	static int saved = -1;

	if (on && saved < 0) {
		int fd = open("/dev/null", O_WRONLY | O_CLOEXEC);

		fflush(stderr);
		saved = dup(STDERR_FILENO);
		if (fd >= 0 && saved >= 0)
			dup2(fd, STDERR_FILENO);
		if (fd >= 0)
			close(fd);
	} else if (!on && saved >= 0) {
		fflush(stderr);
		dup2(saved, STDERR_FILENO);
		close(saved);
		saved = -1;
	}
}

static int
run_one(struct run_args *rap, int64_t start, const char *approach)
{
	const struct run_args ra = *rap;
	struct scn_run_opts opts;
	struct scenario *scn = NULL;
	struct sim *sim = NULL;
	struct net *net = NULL;
	struct output *out = NULL;
	struct output_opts oo;
	struct run_summary sum;
	struct progress pg = { 0 };
	struct realtime *rt = NULL;
	struct hostio *io = NULL;
	struct tapdev **taps = NULL;
	size_t ntaps = 0;
	struct run_bridge *tapsum = NULL;
	struct run_bridge *allbr = NULL;
	struct run_bridges *bridges = NULL;
	struct run_realtime rtsum;
	enum sim_stop_reason why;
	int rank = par_rank(), nranks = par_size();
	struct scn_partition part = { 0 };
	struct par_run *pr = NULL;
	struct run_process *procs = NULL;
	char *dir = NULL;
	char err[2048];
	int64_t t0, t1;
	bool building = false;
	int rc;

	phase = PH_LOAD;
	rc = EXIT_INPUT;
	/* The processes of a split run load the same: one of them says what is wrong. */
	stderr_mute(nranks > 1 && rank > 0);
	scn = load(ra.scenario, &ra.ov);
	if (!scn)
		goto done;
	if (!approach && scenario_deploy_both(scn)) {
		/* The output folder of both halves, as that of a single run. */
		dir = ra.out ? g_strdup(ra.out) :
			default_out_dir(scenario_name(scn), scenario_run_opts(scn)->seed,
					scenario_run_opts(scn)->run, &ra.ov);
		scenario_free(scn);
		rc = run_both(rap, start, dir);
		g_free(dir);
		return rc;
	}

	/* The overrides are in: these are the run's options. */
	opts = *scenario_run_opts(scn);
	if (nranks > 1) {
		const char *why_not = NULL;
		size_t nt = 0;

		if (run_bridged(scn) || (scenario_taps(scn, &nt) && nt))
			why_not = "talks with the outside (a <bridge> or a <tap>)";
		else if (opts.realtime != SCN_RT_NO)
			why_not = "runs in real time (realtime)";
		else if (opts.max_events)
			why_not = "stops after a number of events (max_events)";
		else if (opts.timeseries)
			why_not = "samples time series (timeseries)";

		if (why_not) {
			fprintf(stderr, "%s: %s: a run split over processes cannot yet be one that "
				"%s: run it in one process (doc/parallel.md)\n", log_prog(),
				scenario_path(scn), why_not);
			goto done;
		}
	}
	/* A bridge brings the outside in, which keeps the wall clock's time. */
	if (run_bridged(scn) && opts.realtime == SCN_RT_NO)
		opts.realtime = SCN_RT_YES;
	/*
	 * The wall-clock limit counts from the start, loading included (and,
	 * for approach "both", the first half's run).
	 */
	if (opts.max_wall)
		wall_limit_arm(start, wall_ns(), opts.max_wall);
	else
		wall_limit_disarm();
	/* Before anything is written: a device that cannot be opened stops it all. */
	taps = taps_open(scn, &ntaps);
	if (!taps && scenario_taps(scn, &ntaps) && ntaps) {
		ntaps = 0;
		goto done;
	}

	sim = sim_create(opts.scheduler);
	if (!sim) {
		char *names = sched_names();

		fprintf(stderr, "%s: unknown scheduler \"%s\" (one of: %s)\n",
			scenario_path(scn), opts.scheduler, names);
		g_free(names);
		goto done;
	}
	if (opts.max_events)
		sim_set_event_limit(sim, opts.max_events);
	net = net_create(sim, opts.seed, opts.run);
	if (!net) {
		fprintf(stderr, "%s: out of memory\n", log_prog());
		goto done;
	}
	/* A check of the event order (doc/engine.md): frames known a window late. */
	if (getenv("COMETSIM_CHECK_WINDOW") && *getenv("COMETSIM_CHECK_WINDOW")) {
		sim_time_t w;

		if (units_duration("COMETSIM_CHECK_WINDOW", getenv("COMETSIM_CHECK_WINDOW"), 0, 1,
				   SIM_TIME_LIMIT, &w, err, sizeof(err)) < 0) {
			fprintf(stderr, "%s: %s\n", log_prog(), err);
			goto done;
		}
		net_set_window(net, w);
	}
	if (nranks > 1) {
		/* Which process runs which node, before any node is made. */
		if (scenario_partition(scn, (unsigned)nranks, NULL, &part, err, sizeof(err)) != 0) {
			fprintf(stderr, "%s\n", err);
			goto done;
		}
		if (part.cut && part.lookahead == 0) {
			fprintf(stderr, "%s: link \"%s\" joins two processes' nodes and has no "
				"delay: a link between processes needs a delay, the time by which "
				"the other process may fall behind (doc/parallel.md)\n",
				scenario_path(scn), part.lookahead_link);
			goto done;
		}
		net->rank_of = scenario_partition_rank;
		net->rank_ctx = &part;
		net->rank = rank;
		pr = par_run_attach(net, part.lookahead, ra.sync);
	}
	if (opts.log_spec &&
	    log_parse_spec(&net->log, opts.log_spec, err, sizeof(err)) != 0) {
		fprintf(stderr, "%s: log \"%s\": %s\n", scenario_path(scn), opts.log_spec, err);
		goto done;
	}

	/* A host port in use is refused before anything is written. */
	if (run_bridges_open(scn, &bridges, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s\n", err);
		goto done;
	}

	dir = ra.out ? g_strdup(ra.out) :
		default_out_dir(scenario_name(scn), opts.seed, opts.run, &ra.ov);
	if (approach) {
		char *sub = g_build_filename(dir, approach, NULL);

		g_free(dir);
		dir = sub;
	}
	raise_fd_limit();
	oo.dir = dir;
	oo.pcap = opts.pcap;
	oo.snaplen = opts.snaplen;
	oo.log_stderr = ra.log_stderr;
	oo.timeseries = opts.timeseries;
	oo.timeseries_interval = opts.timeseries_interval;
	oo.rank = rank;
	oo.nranks = nranks;
	oo.barrier = par_barrier;
	oo.max = par_max;
	oo.merge = merge_parts;
	oo.merge_ctx = NULL;
	/* A split run: process 0 takes the directory, then the others join it. */
	out = rank == 0 ? output_open(net, &oo, err, sizeof(err)) : NULL;
	if (rank == 0 && !out)
		fprintf(stderr, "%s: %s\n", log_prog(), err);
	if (nranks > 1) {
		stderr_mute(false);
		if (par_max(rank == 0 && !out))
			goto done;
		if (rank > 0) {
			out = output_open(net, &oo, err, sizeof(err));
			if (!out) {
				fprintf(stderr, "%s: process %d: %s\n", log_prog(), rank, err);
				par_abort(EXIT_INPUT);
			}
		}
	}
	if (!out)
		goto done;
	/* The directory is ours now: a signal stops the run, which then finishes it. */
	phase = PH_RUN;
	signals_crash_install(out);

	memset(&sum, 0, sizeof(sum));
	sum.scenario = scenario_name(scn);
	sum.seed = opts.seed;
	sum.run = opts.run;
	sum.scheduler = sim_sched_name(sim);
	sum.max_events = opts.max_events;
	sum.max_wall = opts.max_wall;

	/* Entities that write files (the curling client) write them there. */
	net->outdir = dir;
	if (opts.realtime != SCN_RT_NO) {
		rt = rt_new(opts.realtime == SCN_RT_STRICT ? opts.realtime_bound : 0, NULL);
		rt_attach(rt, sim);
		/* One for the run: every bridge's descriptors are watched there. */
		if (run_bridged(scn)) {
			io = hostio_new();
			rt_set_io(rt, io);
		}
	}
	err[0] = '\0';
	/* The network, then the TAP devices and the socket bridges join it with the one hostio. */
	if (scenario_instantiate(scn, net, err, sizeof(err)) != 0 ||
	    taps_bind(scn, net, taps, rt, io, err, sizeof(err)) != 0 ||
	    (bridges && run_bridges_start(bridges, sim, net, rt, io, err, sizeof(err)) != 0)) {
		if (!sim_interrupted()) {
			fprintf(stderr, "%s\n", err[0] ? err : "cannot build the network");
			sum.status = "error";
			sum.stop_reason = "error";
			sum.peak_rss_kb = peak_rss_kb();
			phase = PH_DONE;
			wall_limit_disarm();
			output_close(out, &sum);
			out = NULL;
			signals_crash_off();
			goto done;
		}
		building = true;
	}

	/*
	 * A bridged run without an end time lasts until a signal stops it:
	 * the pacer waits for the last end time it waits for (sim_run).
	 */
	if (run_bridged(scn) && opts.end_time == SIM_TIME_MAX)
		opts.end_time = SIM_TIME_LIMIT - 1;
	pg.end = opts.end_time;
	if (!ra.quiet && !ra.log_stderr && isatty(STDERR_FILENO))
		sim_set_poll(sim, POLL_EVERY, progress_poll, &pg);
	t0 = wall_ns();
	pg.start = t0;
	pg.last = t0 - PROGRESS_NS;	/* the first poll shows a line */
	/*
	 * Not a run that cannot be complete (a pcap could not be opened), nor
	 * one stopped while the network was built: sim_run() returns at once.
	 */
	net->phase = 1;
	if (pr)
		why = par_max(output_failed(out)) ? SIM_STOP_REQUESTED : par_run(pr, opts.end_time);
	else
		why = output_failed(out) ? SIM_STOP_REQUESTED : sim_run(sim, opts.end_time);
	t1 = wall_ns();
	phase = PH_DONE;
	wall_limit_disarm();
	/* A split run stopped by a signal in one process: every process says which. */
	if (pr && why == SIM_STOP_INTERRUPTED) {
		int64_t cause = par_max(stop_cause);

		if (!stop_cause)
			stop_cause = (int)cause;
	}
	progress_clear(&pg);
	/* Entities write their end-of-run reports while the log is still open. */
	net_stop_entities(net);

	sum.events = sim_events_run(sim);
	sum.sim_time_ns = sim_now(sim);
	sum.wall_s = (double)(t1 - t0) / 1e9;
	sum.peak_rss_kb = peak_rss_kb();
	sum.stop_reason = stop_reason_name(why);
	if (pr) {
		/* What each process did, at process 0; the events of all. */
		struct par_stats ps;
		struct run_process me;
		uint8_t **all;
		size_t *len;

		par_run_stats(pr, &ps);
		memset(&me, 0, sizeof(me));
		me.nodes = part.nodes[rank];
		me.events = sim_events_run(sim);
		me.wall_s = sum.wall_s;
		me.wait_s = ps.wait_s;
		me.windows = ps.windows;
		me.frames_out = ps.frames_out;
		me.frames_in = ps.frames_in;
		me.bytes_out = ps.bytes_out;
		me.bytes_in = ps.bytes_in;
		me.peak_rss_kb = sum.peak_rss_kb;
		par_gather(&me, sizeof(me), &all, &len);
		if (all) {
			procs = g_new0(struct run_process, nranks);
			for (int r = 0; r < nranks; r++) {
				if (len[r] == sizeof(me))
					memcpy(&procs[r], all[r], sizeof(me));
				g_free(all[r]);
			}
			g_free(all);
			g_free(len);
		}
		sum.procs = procs;
		sum.nprocs = procs ? (size_t)nranks : 0;
		sum.partition = part.method;
		sum.lookahead = part.lookahead;
		sum.cut_links = part.cut;
		sum.events = (uint64_t)par_sum((int64_t)sum.events);
		sum.wall_s = (double)par_max((int64_t)(sum.wall_s * 1e6)) / 1e6;
	}
	if (rt) {
		struct rt_stats st;

		rt_stats(rt, &st);
		rtsum.mode = opts.realtime == SCN_RT_STRICT ? "strict" : "yes";
		rtsum.bound_ns = opts.realtime == SCN_RT_STRICT ? opts.realtime_bound : 0;
		rtsum.waits = st.waits;
		rtsum.late = st.late;
		rtsum.late_ns = RT_LATE_NS;
		rtsum.lag_max_ns = st.lag_max;
		rtsum.lag_p99_ns = st.lag_p99;
		rtsum.stopped = st.stopped;
		rtsum.stop_at = st.stop_at;
		rtsum.stop_lag_ns = st.stop_lag;
		sum.realtime = &rtsum;
	}
	if (bridges)
		run_bridges_summary(bridges, &sum);
	if (ntaps) {
		/* One array: the socket bridges, then the devices, in file order each. */
		tapsum = taps_summary(scn, taps, ntaps);
		allbr = g_new0(struct run_bridge, sum.nbridges + ntaps);
		if (sum.nbridges)
			memcpy(allbr, sum.bridges, sum.nbridges * sizeof(*allbr));
		memcpy(allbr + sum.nbridges, tapsum, ntaps * sizeof(*allbr));
		sum.bridges = allbr;
		sum.nbridges += ntaps;
	}
	/* A run cut short did not do what its scenario asked. */
	if (why == SIM_STOP_INTERRUPTED || why == SIM_STOP_EVENT_LIMIT || why == SIM_STOP_PACER)
		sum.status = sum.stop_reason;
	else
		sum.status = "complete";
	rc = output_close(out, &sum) == 0 ? 0 : EXIT_INPUT;
	out = NULL;
	signals_crash_off();
	if (rc != 0) {
		/* The error is printed; no summary.json says the run is incomplete (once). */
		if (rank == 0)
			fprintf(stderr, "%s: %s: the run failed; its outputs are incomplete "
				"(no summary.json)\n", log_prog(), dir);
		goto done;
	}
	if (!ra.quiet && rank == 0)
		printf("outputs: %s\n", dir);
	if (rank > 0)
		goto done;
	if (why == SIM_STOP_INTERRUPTED) {
		print_stopped(scn, &sum, building);
		rc = stop_cause == SIGALRM ? EXIT_LIMIT : 128 + stop_cause;
	} else if (why == SIM_STOP_EVENT_LIMIT) {
		fprintf(stderr, "%s: %s: stopped by the event limit after %" PRIu64
			" events, at virtual time %s s\n", log_prog(), scenario_path(scn), sum.events,
			sim_time_fmt(sum.sim_time_ns, err, sizeof(err)));
		rc = EXIT_LIMIT;
	} else if (why == SIM_STOP_PACER) {
		char at[32], lag[32], bound[32];

		fprintf(stderr, "%s: %s: stopped in real time: the event due at virtual time "
			"%s s ran %s late, more than realtime_bound %s; the run could not keep up "
			"with the wall clock\n", log_prog(), scenario_path(scn),
			sim_time_fmt(rtsum.stop_at, at, sizeof(at)),
			units_fmt_duration(rtsum.stop_lag_ns, lag, sizeof(lag)),
			units_fmt_duration(rtsum.bound_ns, bound, sizeof(bound)));
		rc = EXIT_LIMIT;
	}

done:
	phase = PH_DONE;
	stderr_mute(false);
	wall_limit_disarm();
	if (out) {
		output_close(out, NULL);
		signals_crash_off();
	}
	net_destroy(net);
	par_run_free(pr);
	scenario_partition_free(&part);
	g_free(procs);
	run_bridges_free(bridges);
	sim_destroy(sim);
	if (rt)
		rt_free(rt);
	hostio_free(io);
	/* The devices last: the network and the hostio are gone. */
	for (size_t i = 0; i < ntaps; i++)
		tapdev_close(taps[i]);
	g_free(taps);
	taps_summary_free(tapsum, ntaps);
	g_free(allbr);
	scenario_free(scn);
	pkt_pool_drain();
	g_free(dir);
	return rc < 0 ? 0 : rc;
}

/*
 * A deployment of approach "both": the same network and workload run
 * twice, decoupled then coupled, into DIR/decoupled and DIR/coupled
 * (doc/deploy.md).  The three folders are checked before anything runs,
 * as a single run checks its own: DIR is then marked as the output of
 * both halves (a single run's files there removed first) and stays
 * locked until both are over.  The second run is not started if the
 * first stopped on a signal or a limit; the exit status is the first
 * that is not 0.
 */
static int
run_both(struct run_args *ra, int64_t start, const char *dir)
{
	char err[2048];
	int rc = 0, lock = -1;

	/* A split run: process 0 takes the folder, the others follow it. */
	if (par_rank() > 0) {
		if (par_max(0))
			return EXIT_INPUT;
		goto halves;
	}
	if (output_dir_check(dir, err, sizeof(err)) != 0)
		goto refused;
	for (int i = 0; i < 2; i++) {
		char *sub = g_build_filename(dir, halves[i], NULL);
		int c = output_dir_check(sub, err, sizeof(err));

		g_free(sub);
		if (c != 0)
			goto refused;
	}
	lock = output_both_take(dir, halves, 2, err, sizeof(err));
	if (lock < 0)
		goto refused;
	if (par_size() > 1)
		par_max(0);
halves:
	for (int i = 0; i < 2 && rc == 0; i++) {
		struct run_args one = *ra;

		one.out = dir;
		overrides_half(&ra->ov, halves[i], &one.ov);
		rc = run_one(&one, start, halves[i]);
		/* Every process goes on to the second half, or none. */
		if (par_size() > 1)
			rc = (int)par_max(rc < 0 ? 0 : rc);
		overrides_free(&one.ov);
		if (stop_cause)
			break;
	}
	if (lock >= 0)
		close(lock);
	return rc;
refused:
	fprintf(stderr, "%s: %s\n", log_prog(), err);
	if (par_size() > 1)
		par_max(1);
	return EXIT_INPUT;
}

static int
cmd_run(int argc, char **argv)
{
	struct run_args ra = { 0 };
	int64_t start;
	int rc;

	start = wall_ns();
	/* Started by mpirun or srun: one of the processes of one run (doc/parallel.md). */
	if (par_init(&argc, &argv) != 0)
		return EXIT_INPUT;
	/* The processes of a split run read the same arguments: one says what is wrong. */
	stderr_mute(par_size() > 1 && par_rank() > 0);
	rc = parse_args(argc, argv, command_lookup("run"), run_options, ":ho:q", &ra);
	stderr_mute(false);
	if (rc == 0) {
		/* From here on a signal or the limit stops whatever is going on. */
		signals_stop_install(ra.scenario);
		if (ra.has_max_wall)
			wall_limit_arm(start, wall_ns(), ra.max_wall);
		rc = run_one(&ra, start, NULL);
	}
	overrides_free(&ra.ov);
	/* Every process of a split run ends with the status of the run. */
	if (par_size() > 1)
		rc = (int)par_max(rc < 0 ? 0 : rc);
	par_fini();
	return rc < 0 ? 0 : rc;
}

/* ---- check, topo, params ---- */

/*
 * Load the scenario with the overrides ov and build its network (nothing
 * runs): 0, or EXIT_INPUT after the message.  *both: whether it is a
 * deployment of approach "both" (then this was its decoupled half).
 */
static int
check_one(const char *path, const struct overrides *ov, bool *both)
{
	struct scenario *scn;
	struct sim *sim = NULL;
	struct net *net = NULL;
	char err[2048];
	int rc = EXIT_INPUT;

	scn = load(path, ov);
	if (!scn)
		return rc;
	*both = scenario_deploy_both(scn);
	/* Build the network too (nothing runs): catches what only shows there. */
	sim = sim_create(NULL);
	net = sim ? net_create(sim, scenario_run_opts(scn)->seed,
			       scenario_run_opts(scn)->run) : NULL;
	if (!net) {
		fprintf(stderr, "%s: out of memory\n", log_prog());
		goto done;
	}
	err[0] = '\0';
	if (scenario_instantiate(scn, net, err, sizeof(err)) != 0) {
		fprintf(stderr, "%s\n", err[0] ? err : "cannot build the network");
		goto done;
	}
	rc = 0;
done:
	net_destroy(net);
	sim_destroy(sim);
	scenario_free(scn);
	pkt_pool_drain();
	return rc;
}

static int
cmd_check(int argc, char **argv)
{
	struct run_args ra = { 0 };
	bool both = false;
	int rc;

	rc = parse_args(argc, argv, command_lookup("check"), set_options, ":h", &ra);
	if (rc == 0)
		rc = check_one(ra.scenario, &ra.ov, &both);
	if (rc == 0 && both) {
		/* approach="both": the coupled half has limits of its own. */
		struct overrides ov;

		overrides_half(&ra.ov, halves[1], &ov);
		rc = check_one(ra.scenario, &ov, &both);
		overrides_free(&ov);
	}
	overrides_free(&ra.ov);
	return rc < 0 ? 0 : rc;
}

/*
 * Load a scenario and print something about it: topo and params.  print
 * is what to print, or dot_print with --dot.
 */
static int
cmd_print(int argc, char **argv, const char *cmd, const struct option *options,
	  void (*print)(const struct scenario *, FILE *),
	  void (*dot_print)(const struct scenario *, FILE *))
{
	struct run_args ra = { 0 };
	struct scenario *scn = NULL;
	int rc;

	rc = parse_args(argc, argv, command_lookup(cmd), options, ":h", &ra);
	if (rc != 0)
		goto done;
	rc = EXIT_INPUT;
	scn = load_as(ra.scenario, ra.format, &ra.ov);
	if (!scn)
		goto done;
	(ra.dot && dot_print ? dot_print : print)(scn, stdout);
	rc = 0;
done:
	scenario_free(scn);
	overrides_free(&ra.ov);
	return rc < 0 ? 0 : rc;
}

static int
cmd_topo(int argc, char **argv)
{
	return cmd_print(argc, argv, "topo", topo_options, scenario_write_text,
			 scenario_write_dot);
}

static int
cmd_params(int argc, char **argv)
{
	return cmd_print(argc, argv, "params", set_options, scenario_list_params, NULL);
}

/* ---- deploy ---- */

static int
cmd_deploy(int argc, char **argv)
{
	struct run_args ra = { 0 };
	struct scenario *scn[2] = { NULL, NULL };
	char **names = NULL;
	char err[2048];
	int rc, n = 1, lock = -1;
	bool both;

	rc = parse_args(argc, argv, command_lookup("deploy"), deploy_options, ":h", &ra);
	if (rc != 0)
		goto done;
	rc = EXIT_INPUT;
	scn[0] = load(ra.scenario, &ra.ov);
	if (!scn[0])
		goto done;
	both = scenario_deploy_both(scn[0]);
	if (both) {
		/* approach="both": each half loaded with its approach, before anything is written. */
		scenario_free(scn[0]);
		scn[0] = NULL;
		for (n = 0; n < 2; n++) {
			struct overrides ov;

			overrides_half(&ra.ov, halves[n], &ov);
			scn[n] = load(ra.scenario, &ov);
			overrides_free(&ov);
			if (!scn[n])
				goto done;
		}
	}
	if (ra.write) {
		/*
		 * The folder is checked and taken before anything is written
		 * (doc/deploy.md): refused untouched unless it is empty or an
		 * earlier write's, whose files are then removed.
		 */
		names = both ? g_strdupv((char **)halves) : scenario_deploy_files(scn[0]);
		if (!names) {
			fprintf(stderr, "%s: %s has no <deploy>\n", log_prog(), scenario_path(scn[0]));
			goto done;
		}
		if (scenario_deploy_write_check(ra.write, err, sizeof(err)) != 0 ||
		    (lock = output_write_take(ra.write, (const char *const *)names,
					      g_strv_length(names), ra.scenario, err,
					      sizeof(err))) < 0) {
			fprintf(stderr, "%s: %s\n", log_prog(), err);
			goto done;
		}
	}
	/* approach="both": each half's events under a line of its name, written in a folder of it. */
	for (int i = 0; i < n; i++) {
		char *dir = !ra.write ? NULL : both ? g_build_filename(ra.write, halves[i], NULL) :
			g_strdup(ra.write);

		if (both)
			printf("%s# approach %s\n", i ? "\n" : "", halves[i]);
		if (scenario_deploy_print(scn[i], stdout, err, sizeof(err)) != 0 ||
		    (dir && scenario_deploy_write(scn[i], dir, err, sizeof(err)) != 0)) {
			fprintf(stderr, "%s: %s\n", log_prog(), err);
			g_free(dir);
			goto done;
		}
		g_free(dir);
	}
	rc = 0;
done:
	if (lock >= 0)
		close(lock);
	g_strfreev(names);
	scenario_free(scn[0]);
	scenario_free(scn[1]);
	overrides_free(&ra.ov);
	return rc < 0 ? 0 : rc;
}

/* ---- rae-config ---- */

static int
cmd_rae_config(int argc, char **argv)
{
	const struct command *cmd = command_lookup("rae-config");
	struct rae_config *c;
	char err[1024];

	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			print_help(cmd);
			return 0;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			return usage_error(cmd->usage, "unknown option \"%s\"", argv[i]);
		}
	if (argc < 2)
		return usage_error(cmd->usage, "missing CONFIG");
	if (argc > 3)
		return usage_error(cmd->usage, "unexpected argument \"%s\"", argv[3]);
	if (argc == 3) {
		if (rae_config_convert(argv[1], argv[2], err, sizeof(err)) != 0) {
			fprintf(stderr, "%s\n", err);
			return EXIT_INPUT;
		}
		return 0;
	}
	c = rae_config_load(argv[1], err, sizeof(err));
	if (!c) {
		fprintf(stderr, "%s\n", err);
		return EXIT_INPUT;
	}
	rae_config_dump(c, stdout);
	rae_config_free(c);
	return 0;
}

/* ---- main ---- */

int
main(int argc, char **argv)
{
	const struct command *cmd;
	char prog[64];
	int rc;

	/*
	 * A file that passes the size limit (ulimit -f) fails its write with
	 * EFBIG, which every writer reports as it reports a full disk, rather
	 * than killing the program without a word.
	 */
	signal(SIGXFSZ, SIG_IGN);
	/* A sweep's runs over several processes need this build (doc/sweeps.md). */
	sweep_set_mpi(par_built());
	if (argc < 2)
		return usage_error(usage_main, NULL);
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
		if (argc > 2)
			return usage_error(usage_main, "%s takes no argument, not \"%s\"",
					   argv[1], argv[2]);
		printf("cometsim %s (commit %s)\n", PACKAGE_VERSION, COMETSIM_COMMIT);
		return 0;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		fputs(usage_main, stdout);
		putchar('\n');
		fputs(help_main, stdout);
		return 0;
	}
	if (strcmp(argv[1], "help") == 0) {
		/* help, help --help and help -h: the program's help. */
		if (argc == 2 || (argc == 3 && (strcmp(argv[2], "--help") == 0 ||
						strcmp(argv[2], "-h") == 0))) {
			fputs(usage_main, stdout);
			putchar('\n');
			fputs(help_main, stdout);
			return 0;
		}
		/* Its messages start "cometsim help: ", as every command's do. */
		log_prog_set("cometsim help");
		cmd = command_lookup(argv[2]);
		if (!cmd)
			return usage_error(usage_main, "unknown command \"%s\"", argv[2]);
		if (argc == 4 && cmd->fn == sweep_main) {
			log_prog_set("cometsim help sweep");
			if (strcmp(argv[3], "status") != 0 && strcmp(argv[3], "collect") != 0 &&
			    strcmp(argv[3], "exec") != 0)
				return usage_error(usage_main, "unknown subcommand \"%s\" "
						   "(status, collect, exec)", argv[3]);
			/* help sweep status: cometsim sweep status --help */
			char *av[] = { "cometsim sweep", argv[3], "--help", NULL };

			log_prog_set("cometsim sweep");
			return sweep_main(3, av);
		}
		if (argc > 3)
			return usage_error(usage_main, "unexpected argument \"%s\"", argv[3]);
		print_help(cmd);
		return 0;
	}
	cmd = command_lookup(argv[1]);
	if (!cmd)
		return usage_error(usage_main, argv[1][0] == '-' ?
				   "unknown option \"%s\"" : "unknown command \"%s\"",
				   argv[1]);
	/*
	 * Every message of the command starts "cometsim run: " (log_prog());
	 * getopt prefixes its own with argv[0]: make it the same.
	 */
	snprintf(prog, sizeof(prog), "cometsim %s", cmd->name);
	log_prog_set(prog);
	argv[1] = prog;
	rc = cmd->fn(argc - 1, argv + 1);
	if (fflush(stdout) != 0 && rc == 0) {
		fprintf(stderr, "%s: cannot write to stdout: %s\n", log_prog(), strerror(errno));
		rc = EXIT_INPUT;
	}
	return rc;
}
