/* checkpoint: a run saved to one file, and read back whole or not at all.
 *
 * Owns: the versioned binary format. Little-endian throughout:
 *   magic "ASCKPT01" (8 bytes), u32 version, u32 section count, then
 *   sections (u32 tag, u64 length, bytes), then a CRC32 (zlib) of every byte
 *   before it. Sections: the config as "name=value\n" text generated from
 *   the params table, the data spec, counters and rng states, the epoch
 *   order, the dimensions, the parameter and momentum arenas (float32), the
 *   history, the stage (its first epoch and the classifier's classes), and
 *   the arenas' directory: each named tensor (stack.h: encoder_W1, ...,
 *   softmax_b) with its shape and offset. A reader finds every tensor its
 *   settings need by name and shape and puts it where it keeps it, and
 *   skips tensors it does not know, so a later version may lay the arena
 *   out otherwise or add tensors; a file without a directory (before it)
 *   is read as this layout.
 * A deep run's config carries a critical !layers= line (and !finetune=,
 * !pretrain= away from their defaults), so a program that predates stacks
 * refuses it with a sentence, while one-layer files stay readable by it.
 * Growth without breaking old files (version 2; version 1 is the same
 * layout without the marks below and still loads):
 *  - a setting missing from the config takes its default; one this program
 *    does not know is skipped, unless its line starts with '!' (critical);
 *  - the momentum, history, stage, frames and tensors sections may be
 *    absent (zero, empty, epoch 0, no head, no filter history, this
 *    layout);
 *    a section with an unknown tag is skipped unless its tag has the high
 *    bit set (critical); any section or setting given twice is refused;
 *  - what the file says twice is cross-checked: the dimensions' hidden
 *    size and tied flag against the config, the parameter count against
 *    the dimensions, every array's length against its section's bytes.
 * Bump AS_CHECKPOINT_VERSION only for a change an old reader could not
 * skip; add new settings and sections instead. tests/data/ keeps files of
 * every version, and tests/test_checkpoint.c loads and resumes them.
 * Saving is atomic (temp file, fsync, rename): a crash mid-save leaves the
 * previous checkpoint intact. Loading checks the magic, version, CRC, every
 * length against the file (before anything is allocated, without products
 * that could wrap) and every value against its range before it returns
 * anything.
 * Threading: none shared; the trainer fills a struct as_checkpoint on its
 * own thread and may hand it to any thread to write. */
#ifndef AUTOSCOPE_CHECKPOINT_H
#define AUTOSCOPE_CHECKPOINT_H

#include <stddef.h>
#include <stdint.h>

#include "autoscope/error.h"
#include "autoscope/frames.h"
#include "autoscope/history.h"
#include "autoscope/params.h"
#include "autoscope/rng.h"

#define AS_CHECKPOINT_VERSION 2

struct as_checkpoint {
	struct as_config config;
	char data[256]; /* the --data spec the run trained on */
	uint64_t step, epoch, examples;
	double elapsed_s;
	size_t cursor; /* position in the current epoch's order */
	/* the loss accumulated since the last history point, and where the
	 * last held-out evaluation was: the curve goes on as if unbroken */
	double acc_loss;
	uint64_t acc_examples, last_eval_examples;
	size_t n_order;	 /* = the training examples */
	uint32_t *order; /* this epoch's order, n_order entries */
	struct as_rng rng_init, rng_shuffle, rng_noise;
	size_t n_visible, n_hidden;
	int tied;
	size_t n_params; /* the stack's arena in this version's layout
			  * (as_stack_layout): one block nh*nv + nh + nv +
			  * nv*nh per layer, and a head of n_classes x
			  * (code + 1) when classifying */
	uint64_t stage_epoch; /* the epoch the stage in force began */
	size_t n_classes;     /* the head's classes (0: no head) */
	float *params;
	float *velocity;
	struct as_history *history;
	/* the filter history (frames.h): saved when not NULL and holding
	 * frames; loaded when the file has one (owned, else NULL) */
	const struct as_frames *frames;
};

/* The struct's arrays stay the caller's. */
enum as_status as_checkpoint_save(const char *path,
				  const struct as_checkpoint *ck,
				  struct as_error *err);
/* On success ck owns freshly allocated order, params, velocity and history
 * (release with as_checkpoint_release); on failure ck is zeroed. */
enum as_status as_checkpoint_load(const char *path, struct as_checkpoint *ck,
				  struct as_error *err);
/* The same from a buffer already in memory (name is used in messages
 * only), so the loader can be fuzzed. */
enum as_status as_checkpoint_parse(const unsigned char *buf, size_t len,
				   const char *name, struct as_checkpoint *ck,
				   struct as_error *err);
void as_checkpoint_release(struct as_checkpoint *ck);

#endif
