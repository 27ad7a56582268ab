/* checkpoint_internal: what the checkpoint's files share (src/ only, not
 * a public header): checkpoint_write.c (saving) and checkpoint.c
 * (loading); the format itself is described in checkpoint.h. */
#ifndef AUTOSCOPE_CHECKPOINT_INTERNAL_H
#define AUTOSCOPE_CHECKPOINT_INTERNAL_H

#include <stddef.h>

#define MAGIC "ASCKPT01"
#define MAX_FILE ((size_t)1 << 31)

enum tag {
	TAG_CONFIG = 1,
	TAG_DATA,
	TAG_COUNTERS,
	TAG_RNG,
	TAG_ORDER,
	TAG_DIMS,
	TAG_PARAMS,
	TAG_VELOCITY,
	TAG_HISTORY,
	TAG_STAGE, /* optional: the stage's first epoch, the head's classes */
	TAG_FRAMES, /* optional: the filter history (frames.h) */
	TAG_TENSORS, /* optional: the arena's named tensors (stack.h) */
	TAG_COUNT = TAG_TENSORS,
};

/* set on a section a reader must not skip even if it does not know it
 * (it changes what the rest means) */
#define TAG_CRITICAL 0x80000000u

#define SECTIONS_MAX 1024
/* tensors a directory may list (a later version may have more), and the
 * bytes of each entry: a 32-byte name, rows, cols, offset */
#define DIRECTORY_MAX 1024
#define DIRECTORY_ENTRY 56

#endif
