/*
 * fuzz_cme_config.c - the CME's configuration file, <cme-config>
 * (entities/cme/cme_config.c, doc/cme.md), read from memory.  A
 * configuration that loads has what the loader promises: a class for
 * every decision_parameters, servers with addresses, key plans of at
 * most 255 keys, each found again by its entrance and exit (a from="any"
 * entry by a stream from the AS itself, which no exact entry may name);
 * one that does not has a message naming the file.
 */
#include <string.h>

#include "entities/cme/cme.h"
#include "tests/fuzz/fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[1024] = "";
	struct cme_config *c;

	c = cme_config_parse((const char *)data, size, "fuzz.xml", err, sizeof(err));
	if (!c) {
		FUZZ_CHECK(strncmp(err, "fuzz.xml", 8) == 0);
		fuzz_verdict = FUZZ_REJECTED;
		return 0;
	}
	FUZZ_CHECK(c->nclasses >= 1 && c->nclasses <= RAE_MAX_CLASSES);
	for (unsigned i = 0; i < c->nclasses; i++)
		FUZZ_CHECK(cme_config_class(c, c->classes[i].dp.cos) != NULL);
	for (unsigned i = 0; i < c->ncontents; i++) {
		FUZZ_CHECK(cme_config_content(c, c->contents[i].name) == &c->contents[i]);
		FUZZ_CHECK(c->contents[i].nservers >= 1);
		for (unsigned j = 0; j < c->contents[i].nservers; j++)
			FUZZ_CHECK(c->contents[i].servers[j].addr.af != 0 &&
				   c->contents[i].servers[j].agent.af != 0);
	}
	for (unsigned i = 0; i < c->nkeyplans; i++) {
		const struct cme_keyplan *k = &c->keyplans[i];

		uint32_t from = k->from_any ? k->as : k->from;

		FUZZ_CHECK(k->nkeys <= CME_MAX_KEYS);
		FUZZ_CHECK(!k->from_any || k->has_from);
		FUZZ_CHECK(cme_config_keys(c, k->as, k->has_from, from, k->has_to, k->to) == k);
	}
	fuzz_verdict = FUZZ_ACCEPTED;
	cme_config_free(c);
	return 0;
}
