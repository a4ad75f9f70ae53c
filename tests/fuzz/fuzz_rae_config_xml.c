/*
 * fuzz_rae_config_xml.c - the RAE's configuration written as XML
 * (<rae-config>, entities/rae/rae-config.xsd): rae_config_read
 * (entities/rae/rae_config.c), which validates the document, packs it
 * into a ConfigurationMessage (rae_config_xml.c) and checks that as a
 * binary file is checked, citing the XML lines.  It is the path
 * rae_config_load takes for a file that starts with '<'.
 */
#include <stdio.h>
#include <stdlib.h>

#include "entities/rae/rae.h"
#include "tests/fuzz/fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rae_config *c;
	char err[1024] = "";
	char *text = NULL;
	size_t tlen = 0;
	FILE *f;

	c = rae_config_read(data, size, "fuzz.xml", err, sizeof(err));
	if (!c) {
		FUZZ_CHECK(err[0] != '\0');
		fuzz_verdict = FUZZ_REJECTED;
		return 0;
	}
	fuzz_verdict = FUZZ_ACCEPTED;
	FUZZ_CHECK(c->limit >= 1 && c->ndp <= RAE_MAX_CLASSES);
	f = open_memstream(&text, &tlen);
	FUZZ_CHECK(f != NULL);
	rae_config_dump(c, f);
	fclose(f);
	free(text);
	rae_config_free(c);
	return 0;
}
