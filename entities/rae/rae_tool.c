/*
 * rae_tool.c - rae_tool, the operator's commands to the node's running
 * RAE (doc/rae.md, "Running an RAE"):
 *
 *   rae_tool announce <prefix>   the domain now has this prefix
 *   rae_tool withdraw <prefix>   the domain no longer has it
 *   rae_tool report              log the RIB now
 *
 * Run with ON_ROUTER on a node whose RAE is running (it finds it as the
 * node's "rae" extension, as cf_tool finds the CAFE).  An announced
 * prefix is advertised with the provisioning whose sink covers it; the
 * CME gets the domain's ProvInf again.
 */
#include <string.h>

#include "entities/rae/rae_int.h"

struct rae_tool {
	struct entity e;
	int cmd;		/* 0 announce, 1 withdraw, 2 report */
	struct prefix pfx;
};

static int
rae_tool_init(struct entity *e, int argc, char **argv, char *err, size_t errlen)
{
	struct rae_tool *t = (struct rae_tool *)e;
	static const char *const cmds[] = { "announce", "withdraw", "report" };

	if (argc < 1)
		return entity_err(err, errlen, "missing command (usage: %s)", e->cls->usage);
	for (t->cmd = 0; t->cmd < 3; t->cmd++)
		if (strcmp(argv[0], cmds[t->cmd]) == 0)
			break;
	if (t->cmd == 3)
		return entity_err(err, errlen, "unknown command \"%s\" (usage: %s)", argv[0],
				  e->cls->usage);
	if (t->cmd == 2) {
		if (argc != 1)
			return entity_err(err, errlen, "report takes no argument");
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
	prefix_fmt(&t->pfx, a);
	if (t->cmd == 2) {
		rae_report(r);
		return;
	}
	d = t->cmd == 0 ? rae_rib_get(&r->rib, &t->pfx) : rae_rib_lookup(&r->rib, &t->pfx);
	if (t->cmd == 0 && !(d->flags & RAE_DEST_LOCAL)) {
		d->flags |= RAE_DEST_LOCAL;
		r->local = g_renew(struct rae_dest *, r->local, r->nlocal + 1);
		r->local[r->nlocal++] = d;
		entity_log(e, LOG_INFO, "announcing %s", a);
		rae_rde_changed(r, d);
		if (r->cme.state == CS_UP)
			rae_cme_send_prov(r, false);
	} else if (t->cmd == 1 && d && (d->flags & RAE_DEST_LOCAL)) {
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
			   t->cmd == 0 ? "already" : "not");
	}
}

/* An announced prefix is one more own prefix among the scenario's RAEs. */
static int
rae_tool_check(struct entity *e, const struct entity_scope *sc, char *err, size_t errlen)
{
	struct rae_tool *t = (struct rae_tool *)e;

	if (t->cmd != 0)
		return 0;
	return rae_total_check(sc, 1, 0, err, errlen);
}

const struct entity_class rae_tool_class = {
	.name      = "rae_tool",
	.kind      = "rae_tool",
	.usage     = "announce <prefix> | withdraw <prefix> | report",
	.inst_size = sizeof(struct rae_tool),
	.init      = rae_tool_init,	/* the command and its prefix */
	.check     = rae_tool_check,	/* an announce: one more own prefix */
	.start     = rae_tool_start,	/* carried out on the node's RAE */
};
