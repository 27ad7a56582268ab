/* Fuzz target: the PNG decoder behind patches: data (as_png_decode_gray),
 * on the raw bytes. A mutated chunk almost never keeps its CRC, and libpng
 * stops at a bad CRC, so each input whose CRCs do not all match is decoded
 * a second time with every chunk's CRC recomputed (in a copy): the fuzzer
 * reaches the decoder behind the checks. A decoded image must have its
 * size and every value in [0, 1]. */
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "autoscope/patches.h"
#include "fuzz.h"

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/* Recomputes the CRC of every whole chunk after the signature; returns
 * the number it changed. */
static int fix_crcs(uint8_t *b, size_t n)
{
	int changed = 0;
	size_t at = 8;
	while (n >= 12 && at <= n - 12) {
		size_t len = be32(b + at);
		if (len > n - 12 - at)
			break;
		uint32_t crc = (uint32_t)crc32(0L, b + at + 4, (uInt)(len + 4));
		uint8_t *c = b + at + 8 + len;
		if (be32(c) != crc) {
			for (int i = 0; i < 4; i++)
				c[i] = (uint8_t)(crc >> (24 - 8 * i));
			changed++;
		}
		at += 12 + len;
	}
	return changed;
}

static void decode(const uint8_t *buf, size_t n)
{
	struct as_image im;
	struct as_error err;
	if (as_png_decode_gray(buf, n, "fuzz.png", &im, &err) != AS_OK) {
		if (im.px || im.width || im.height)
			abort(); /* on failure out is zeroed */
		return;
	}
	if (!im.px || im.width == 0 || im.height == 0 || im.width > 20000 ||
	    im.height > 20000)
		abort();
	for (size_t i = 0; i < im.width * im.height; i++)
		if (!(im.px[i] >= 0.0f && im.px[i] <= 1.0f))
			abort();
	as_image_free(&im);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	decode(data, size);
	uint8_t *copy = malloc(size ? size : 1);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	if (fix_crcs(copy, size))
		decode(copy, size);
	free(copy);
	return 0;
}
