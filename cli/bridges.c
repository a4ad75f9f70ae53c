/*
 * bridges.c - the run's bridges, for cometsim.c (bridges.h).
 */
#include <arpa/inet.h>
#include <string.h>

#include <glib.h>

#include "cli/bridges.h"
#include "emu/realtime.h"
#include "emu/sockbr.h"
#include "output/output.h"
#include "scenario/scenario.h"
#include "sim/net.h"

#define NINFO	4
#define NVALS	7

static const char *const info_keys[NINFO] = { "proto", "direction", "host", "node" };
/* The emulated port is a number: the first of the numbers, right after "node". */
static const char *const val_keys[NVALS] = {
	"port", "connections", "bytes_in", "bytes_out", "datagrams_in", "datagrams_out", "pauses",
};

struct one {
	struct sockbr *b;
	const struct scn_bridge *d;
	char host[32];
	const char *info[NINFO];
	uint64_t vals[NVALS];
	uint64_t drops[SOCKBR_DROPS];
};

struct run_bridges {
	size_t n;
	struct one *o;
	struct hostio *io;
	struct run_bridge *rb;
	const char *drop_keys[SOCKBR_DROPS];
};

int
run_bridges_open(const struct scenario *scn, struct run_bridges **out, char *err,
		 size_t errlen)
{
	size_t n = scenario_bridge_count(scn);
	struct run_bridges *rb;

	*out = NULL;
	if (!n)
		return 0;
	rb = g_new0(struct run_bridges, 1);
	rb->n = n;
	rb->o = g_new0(struct one, n);
	rb->rb = g_new0(struct run_bridge, n);
	for (size_t i = 0; i < n; i++) {
		const struct scn_bridge *d = scenario_bridge(scn, i);
		struct one *o = &rb->o[i];
		struct sockbr_spec sp;
		char where[1024];

		memset(&sp, 0, sizeof(sp));
		snprintf(where, sizeof(where), "%s:%d", d->file, d->line);
		sp.name = d->name;
		sp.where = where;
		sp.proto = d->udp ? SOCKBR_UDP : SOCKBR_TCP;
		sp.outward = d->outward;
		sp.port = d->port;
		sp.host.sin_family = AF_INET;
		memcpy(&sp.host.sin_addr, d->host_ip, 4);
		sp.host.sin_port = htons(d->host_port);
		o->d = d;
		o->b = sockbr_open(&sp, err, errlen);
		if (!o->b) {
			run_bridges_free(rb);
			return -1;
		}
	}
	*out = rb;
	return 0;
}

int
run_bridges_start(struct run_bridges *rb, struct sim *sim, struct net *net,
		  struct realtime *rt, struct hostio *io, char *err, size_t errlen)
{
	rb->io = io;
	for (size_t i = 0; i < rb->n; i++) {
		const struct scn_bridge *d = rb->o[i].d;

		if (sockbr_start(rb->o[i].b, sim, rt, rb->io, net_node(net, d->node),
				 d->from ? net_node(net, d->from) : NULL, err, errlen) < 0)
			return -1;
	}
	return 0;
}

void
run_bridges_summary(struct run_bridges *rb, struct run_summary *sum)
{
	for (int k = 0; k < SOCKBR_DROPS; k++)
		rb->drop_keys[k] = sockbr_drop_name((enum sockbr_drop)k);
	for (size_t i = 0; i < rb->n; i++) {
		struct one *o = &rb->o[i];
		const struct scn_bridge *d = o->d;
		struct run_bridge *r = &rb->rb[i];
		struct sockbr_stats st;

		sockbr_stats(o->b, &st);
		snprintf(o->host, sizeof(o->host), "%u.%u.%u.%u:%u", d->host_ip[0], d->host_ip[1],
			 d->host_ip[2], d->host_ip[3], (unsigned)d->host_port);
		o->info[0] = d->udp ? "udp" : "tcp";
		o->info[1] = d->outward ? "out" : "in";
		o->info[2] = o->host;
		o->info[3] = d->node;
		o->vals[0] = d->port;
		o->vals[1] = st.connections;
		o->vals[2] = st.bytes_in;
		o->vals[3] = st.bytes_out;
		o->vals[4] = st.datagrams_in;
		o->vals[5] = st.datagrams_out;
		o->vals[6] = st.pauses;
		memcpy(o->drops, st.drops, sizeof(o->drops));
		r->name = d->name;
		r->kind = "socket";
		r->info_keys = info_keys;
		r->info_vals = o->info;
		r->ninfo = NINFO;
		r->keys = val_keys;
		r->vals = o->vals;
		r->nvals = NVALS;
		r->drop_keys = rb->drop_keys;
		r->drop_vals = o->drops;
		r->ndrops = SOCKBR_DROPS;
	}
	sum->bridges = rb->rb;
	sum->nbridges = rb->n;
}

void
run_bridges_free(struct run_bridges *rb)
{
	if (!rb)
		return;
	for (size_t i = 0; i < rb->n; i++)
		sockbr_free(rb->o[i].b);
	g_free(rb->o);
	g_free(rb->rb);
	g_free(rb);
}
