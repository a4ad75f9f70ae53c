/*
 * rae_tool.c - rae_tool, the operator's commands to the node's running
 * RAE (doc/rae.md, "Running an RAE"):
 *
 *   rae_tool announce <prefix>   the domain now has this prefix
 *   rae_tool withdraw <prefix>   the domain no longer has it
 *   rae_tool report              log the RIB now
 *   rae_tool reload <config-file>
 *                                run with this configuration from now on:
 *                                only its provisioning_table and its peers'
 *                                class_table may differ (doc/rae.md,
 *                                "Updating the provisioning")
 *   rae_tool restart [down=DURATION]
 *                                the RAE's process ends (every connection
 *                                reset, the RIB emptied) and starts again
 *                                after DURATION (default 0)
 *
 * Run with ON_ROUTER on a node whose RAE is running (it finds it as the
 * node's "rae" extension, as cf_tool finds the CAFE).  An announced
 * prefix is advertised with the provisioning whose sink covers it; the
 * CME gets the domain's ProvInf again.  The file of a reload is read when
 * the scenario loads, so an error in it stops the load with its file and
 * line, as the RAE's own configuration does.
 */
#include <inttypes.h>
#include <string.h>

#include "entities/rae/rae_int.h"
#include "sim/units.h"

enum { RT_ANNOUNCE, RT_WITHDRAW, RT_REPORT, RT_RELOAD, RT_RESTART, RT_NCMDS };
static const char *const rt_cmds[RT_NCMDS] = { "announce", "withdraw", "report", "reload",
					       "restart" };

struct rae_tool {
	struct entity e;
	int cmd;		/* RT_* */
	struct prefix pfx;
	struct rae_config *cfg;	/* reload: the configuration, until the RAE takes it */
	sim_time_t down;	/* restart: how long the RAE stays stopped */
};

static int
rae_tool_init(struct entity *e, int argc, char **argv, char *err, size_t errlen)
{
	struct rae_tool *t = (struct rae_tool *)e;
	if (argc < 1)
		return entity_err(err, errlen, "missing command (usage: %s)", e->cls->usage);
	for (t->cmd = 0; t->cmd < RT_NCMDS; t->cmd++)
		if (strcmp(argv[0], rt_cmds[t->cmd]) == 0)
			break;
	if (t->cmd == RT_NCMDS)
		return entity_err(err, errlen, "unknown command \"%s\" (usage: %s)", argv[0],
				  e->cls->usage);
	if (t->cmd == RT_REPORT) {
		if (argc != 1)
			return entity_err(err, errlen, "report takes no argument");
		return 0;
	}
	if (t->cmd == RT_RELOAD) {
		if (argc != 2)
			return entity_err(err, errlen, "reload takes one configuration file");
		/*
		 * Errors in the file are load-time errors: they name the file and
		 * line.  A relative name is relative to the file that names the
		 * tool's line, as the RAE's own configuration is.
		 */
		char *path = entity_path(e, argv[1]);

		t->cfg = rae_config_load(path, err, errlen);
		g_free(path);
		return t->cfg ? 0 : -1;
	}
	if (t->cmd == RT_RESTART) {
		if (argc > 2)
			return entity_err(err, errlen, "restart takes at most down=DURATION");
		if (argc == 2) {
			if (strncmp(argv[1], "down=", 5) != 0)
				return entity_err(err, errlen, "restart: unexpected argument \"%s\" "
						  "(usage: restart [down=DURATION])", argv[1]);
			if (units_duration("down", argv[1] + 5, 0, 0, 3600 * SIM_S, &t->down, err,
					   errlen) < 0)
				return -1;
		}
		return 0;
	}
	if (argc != 2)
		return entity_err(err, errlen, "%s takes one prefix", argv[0]);
	{
		struct addr a;
		uint8_t len;

		if (addr_plen_parse(argv[1], &a, &len) < 0 || !strchr(argv[1], '/'))
			return entity_err(err, errlen, "\"%s\" is not a prefix", argv[1]);
		t->pfx.addr = a;
		t->pfx.len = len;
		addr_mask(&a, len);
		if (!addr_eq(&a, &t->pfx.addr))
			return entity_err(err, errlen, "%s has bits set beyond the prefix length",
					  argv[1]);
	}
	return 0;
}

static void
rae_tool_start(struct entity *e)
{
	struct rae_tool *t = (struct rae_tool *)e;
	struct rae *r = node_ext_get(e->node, RAE_EXT);
	struct rae_dest *d;
	char a[ADDR_STRLEN];

	if (!r || !r->e.running) {
		entity_log(e, LOG_ERROR, "no RAE is running on %s", e->node->name);
		return;
	}
	if (r->down) {
		entity_log(e, LOG_ERROR, "the RAE on %s is restarting (rae_tool restart): %s "
			   "not done", e->node->name, rt_cmds[t->cmd]);
		return;
	}
	prefix_fmt(&t->pfx, a);
	if (t->cmd == RT_REPORT) {
		rae_report(r);
		return;
	}
	if (t->cmd == RT_RELOAD) {
		char why[512];

		if (rae_reload(r, t->cfg, why, sizeof(why)) < 0) {
			entity_log(e, LOG_ERROR, "reload refused: %s", why);
			return;
		}
		t->cfg = NULL;	/* the RAE's now */
		return;
	}
	if (t->cmd == RT_RESTART) {
		rae_restart(r, t->down);
		return;
	}
	d = t->cmd == RT_ANNOUNCE ? rae_rib_get(&r->rib, &t->pfx) : rae_rib_lookup(&r->rib, &t->pfx);
	if (t->cmd == RT_ANNOUNCE && !(d->flags & RAE_DEST_LOCAL)) {
		d->flags |= RAE_DEST_LOCAL;
		r->local = g_renew(struct rae_dest *, r->local, r->nlocal + 1);
		r->local[r->nlocal++] = d;
		entity_log(e, LOG_INFO, "announcing %s", a);
		rae_rde_changed(r, d);
		if (r->cme.state == CS_UP)
			rae_cme_send_prov(r, false);
	} else if (t->cmd == RT_WITHDRAW && d && (d->flags & RAE_DEST_LOCAL)) {
		size_t i;

		for (i = 0; i < r->nlocal && r->local[i] != d; i++)
			;
		memmove(r->local + i, r->local + i + 1, (r->nlocal - i - 1) * sizeof(*r->local));
		r->nlocal--;
		d->flags &= (uint8_t)~RAE_DEST_LOCAL;
		entity_log(e, LOG_INFO, "withdrawing %s", a);
		r->last_change = rae_now(r);
		for (unsigned k = 0; k < r->cfg->npeers; k++)
			if (r->peers[k].state == PS_ESTABLISHED)
				rae_rde_enqueue(&r->peers[k], d);
		rae_rib_release(&r->rib, d);
		if (r->cme.state == CS_UP)
			rae_cme_send_prov(r, false);
	} else {
		entity_log(e, LOG_WARN, "%s is %s an own prefix: nothing to do", a,
			   t->cmd == RT_ANNOUNCE ? "already" : "not");
	}
}

/* An announced prefix is one more own prefix among the scenario's RAEs. */
static int
rae_tool_check(struct entity *e, const struct entity_scope *sc, char *err, size_t errlen)
{
	struct rae_tool *t = (struct rae_tool *)e;

	if (t->cmd != RT_ANNOUNCE)
		return 0;
	return rae_total_check(sc, 1, 0, err, errlen);
}

static void
rae_tool_fini(struct entity *e)
{
	rae_config_free(((struct rae_tool *)e)->cfg);
}

const struct entity_class rae_tool_class = {
	.name      = "rae_tool",
	.kind      = "rae_tool",
	.usage     = "announce <prefix> | withdraw <prefix> | report | reload <config-file> | "
		     "restart [down=DURATION]",
	.inst_size = sizeof(struct rae_tool),
	.init      = rae_tool_init,	/* the command and its prefix */
	.check     = rae_tool_check,	/* an announce: one more own prefix */
	.start     = rae_tool_start,	/* carried out on the node's RAE */
	.fini      = rae_tool_fini,	/* a reload's configuration, if never taken */
};
