/* Fuzz target: the checkpoint loader (as_checkpoint_parse, then
 * as_checkpoint_release) on the raw bytes. The last 4 bytes of a
 * checkpoint are the zlib CRC32 of everything before them, little-endian,
 * which a fuzzer almost never gets right: so an input whose CRC does not
 * match is parsed a second time with the CRC recomputed (in a copy), and
 * the mutations reach the section parsers behind the check.
 * A loaded checkpoint must keep the promises of checkpoint.h: a valid
 * config that agrees with the dimensions, an epoch order that is a
 * permutation with the cursor inside it, the arena size of the model,
 * finite weights and momentum, a bounded history; a failed one leaves the
 * struct zeroed. */
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "autoscope/checkpoint.h"
#include "autoscope/stack.h"
#include "fuzz.h"

static void check(const struct as_checkpoint *ck)
{
	struct as_error err;
	if (as_config_validate(&ck->config, &err) != AS_OK)
		abort();
	fuzz_check_ranges(&ck->config);
	if (!memchr(ck->data, 0, sizeof ck->data))
		abort();
	if (ck->n_hidden != (size_t)ck->config.n_hidden ||
	    ck->tied != ck->config.tied || ck->n_visible == 0)
		abort();
	size_t nv = ck->n_visible, nh = ck->n_hidden;
	(void)nh;
	if (ck->n_params != as_stack_arena_len(nv, &ck->config, ck->n_classes) ||
	    !ck->params ||
	    !ck->velocity || !ck->history)
		abort();
	for (size_t i = 0; i < ck->n_params; i++)
		if (!isfinite(ck->params[i]) || !isfinite(ck->velocity[i]))
			abort();
	if (ck->cursor > ck->n_order || (ck->n_order && !ck->order))
		abort();
	unsigned char *seen = calloc(ck->n_order + 1, 1);
	if (!seen)
		abort();
	for (size_t i = 0; i < ck->n_order; i++) {
		if (ck->order[i] >= ck->n_order || seen[ck->order[i]]++)
			abort();
	}
	free(seen);
	if (ck->history->n_points > AS_HISTORY_MAX ||
	    ck->history->n_changes > AS_CHANGES_MAX)
		abort();
}

static void parse(const uint8_t *buf, size_t n)
{
	struct as_checkpoint ck;
	struct as_error err;
	if (as_checkpoint_parse(buf, n, "fuzz.ascp", &ck, &err) == AS_OK) {
		check(&ck);
	} else {
		static const struct as_checkpoint zero;
		if (memcmp(&ck, &zero, sizeof ck) != 0)
			abort(); /* on failure ck is zeroed */
	}
	as_checkpoint_release(&ck);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	parse(data, size);
	if (size < 4)
		return 0;
	uint32_t crc = (uint32_t)crc32(0L, data, (uInt)(size - 4));
	uint8_t want[4] = {(uint8_t)crc, (uint8_t)(crc >> 8),
			   (uint8_t)(crc >> 16), (uint8_t)(crc >> 24)};
	if (!memcmp(data + size - 4, want, 4))
		return 0;
	uint8_t *copy = malloc(size);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	memcpy(copy + size - 4, want, 4);
	parse(copy, size);
	free(copy);
	return 0;
}
