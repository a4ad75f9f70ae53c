/*
 * fuzz_rae_config.c - the RAE's configuration in its binary form, the
 * ConfigurationMessage of entities/rae/config.proto (D4.3 Appendix A):
 * rae_config_parse (entities/rae/rae_config.c) with its wire walk
 * (entities/pbcheck.c) and its field checks.  An accepted configuration is written
 * out by rae_config_dump, the form the tests and the CLI print.
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

	c = rae_config_parse(data, size, "fuzz.bin", err, sizeof(err));
	if (!c) {
		FUZZ_CHECK(err[0] != '\0');
		fuzz_verdict = FUZZ_REJECTED;
		return 0;
	}
	fuzz_verdict = FUZZ_ACCEPTED;
	FUZZ_CHECK(c->limit >= 1 && c->ndp <= RAE_MAX_CLASSES);
	{
		char *text = NULL;
		size_t tlen = 0;
		FILE *f = open_memstream(&text, &tlen);

		FUZZ_CHECK(f != NULL);
		rae_config_dump(c, f);
		fclose(f);
		free(text);
	}
	rae_config_free(c);
	return 0;
}
