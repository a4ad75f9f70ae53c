/*
 * registry.c - the explicit registry of entity classes (BIRD's
 * protocol list): one line per class, in the order --help lists them.
 *
 * A new entity copies the template (entities/echo/, doc/adding-an-entity.md),
 * declares its class table in its own header, includes that header here
 * and adds one line below.
 */
#include <stddef.h>

#include "entities/apps/apps.h"
#include "entities/apps/tcp_apps.h"
#include "entities/cafe/agent.h"
#include "entities/cafe/cafe.h"
#include "entities/cme/cme.h"
#include "entities/cme/content.h"
#include "entities/curling/curling.h"
#include "entities/echo/echo.h"
#include "entities/rae/rae.h"
#include "entities/registry.h"
#include "sim/entity.h"

static const struct entity_class *const all_classes[] = {
	&app_send_class,	/* usr.applications.Send */
	&app_recv_class,	/* usr.applications.Recv, .Receive */
	&app_ping_class,	/* usr.applications.Ping, ping */
	&app_recvrate_class,	/* usr.applications.RecvDataRate */
	&app_tcp_send_class,	/* usr.applications.TcpSend */
	&app_tcp_sink_class,	/* usr.applications.TcpSink */
	&cafe_class,		/* usr.stateless.Cafe, cafe */
	&cf_tool_class,		/* cf_tool */
	&ci_tool_class,		/* ci_tool */
	&cafe_agent_class,	/* usr.stateless.CafeAgent, cafe_agent */
	&cafe_agent_test_class,	/* usr.stateless.AgentTest, agent_test */
	&curling_cafe_class,	/* usr.curling.Cafe */
	&crme_class,		/* usr.curling.Crme */
	&content_server_class,	/* usr.curling.ContentServer, .ContentPublisher */
	&content_client_class,	/* usr.curling.ContentClient, .ContentConsumer */
	&rae_class,		/* usr.rae.Rae, rae */
	&rae_tool_class,	/* rae_tool */
	&cme_class,		/* usr.cme.Cme, cme */
	&cme_tool_class,	/* cme_tool */
	&cme_content_client_class,	/* usr.cme.Client, cme_client */
	&cme_content_server_class,	/* usr.cme.Server, cme_server */
	&echo_class,		/* usr.echo.Echo, echo: the template */
};

int
entities_register_all(void)
{
	int rc = 0;

	entity_class_reset();
	for (size_t i = 0; i < sizeof(all_classes) / sizeof(all_classes[0]); i++)
		if (entity_class_register(all_classes[i]) < 0)
			rc = -1;
	return rc;
}
