/* Checkpoints (and the history they carry). */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include "autoscope/checkpoint.h"
#include "autoscope/fileio.h"
#include "autoscope/trainer.h"

static char dir[] = "/tmp/as_ckpt_XXXXXX";

enum { NV = 12, NH = 5, NORDER = 30 };

static float params[2 * NV * NH + NV + NH], velocity[2 * NV * NH + NV + NH];
static uint32_t order[NORDER];
static struct as_history hist;

static void fill(struct as_checkpoint *ck)
{
	memset(ck, 0, sizeof *ck);
	as_config_default(&ck->config);
	ck->config.n_hidden = NH;
	ck->config.corruption_level = 0.35f;
	ck->config.lr = 0.1f / 8.0f / 3.0f; /* not short in decimal */
	ck->config.tied = 0;
	snprintf(ck->data, sizeof ck->data, "mnist");
	ck->step = 1234;
	ck->epoch = 3;
	ck->examples = 24680;
	ck->elapsed_s = 12.5;
	ck->cursor = 7;
	ck->acc_loss = 1.25;
	ck->acc_examples = 20;
	ck->last_eval_examples = 24000;
	struct as_rng rng;
	as_rng_seed(&rng, 9, 0);
	for (size_t i = 0; i < NORDER; i++)
		order[i] = (uint32_t)i;
	as_rng_shuffle(&rng, order, NORDER);
	ck->n_order = NORDER;
	ck->order = order;
	as_rng_seed(&ck->rng_init, 1, 1);
	as_rng_seed(&ck->rng_shuffle, 1, 2);
	as_rng_seed(&ck->rng_noise, 1, 3);
	ck->n_visible = NV;
	ck->n_hidden = NH;
	ck->tied = 0;
	ck->n_params = sizeof params / sizeof params[0];
	for (size_t i = 0; i < ck->n_params; i++) {
		params[i] = as_rng_normal(&rng);
		velocity[i] = as_rng_normal(&rng) * 1e-3f;
	}
	ck->params = params;
	ck->velocity = velocity;
	as_history_clear(&hist);
	for (int i = 0; i < 10; i++) {
		struct as_point p = {(uint64_t)i, (uint64_t)i * 100,
				     100.0f / (float)(i + 1),
				     i % 3 ? NAN : 90.0f, i * 0.5};
		as_history_add_point(&hist, &p);
	}
	struct as_change c = {5, 500, "corruption_level", "0.25", "0.35"};
	as_history_add_change(&hist, &c);
	ck->history = &hist;
}

static void path_of(char *buf, size_t n, const char *name)
{
	snprintf(buf, n, "%s/%s", dir, name);
}

START_TEST(test_round_trip_exact)
{
	struct as_checkpoint ck, back;
	fill(&ck);
	char p[256];
	path_of(p, sizeof p, "a.ascp");
	struct as_error err;
	ck_assert_int_eq(as_checkpoint_save(p, &ck, &err), AS_OK);
	ck_assert_msg(as_checkpoint_load(p, &back, &err) == AS_OK, "%s",
		      err.msg);
	ck_assert(memcmp(&back.config, &ck.config, sizeof ck.config) == 0);
	ck_assert_str_eq(back.data, "mnist");
	ck_assert_uint_eq(back.step, 1234);
	ck_assert_uint_eq(back.epoch, 3);
	ck_assert_uint_eq(back.examples, 24680);
	ck_assert(back.elapsed_s == 12.5 && back.acc_loss == 1.25);
	ck_assert_uint_eq(back.cursor, 7);
	ck_assert_uint_eq(back.acc_examples, 20);
	ck_assert_uint_eq(back.last_eval_examples, 24000);
	ck_assert(memcmp(back.order, order, sizeof order) == 0);
	ck_assert(memcmp(&back.rng_noise, &ck.rng_noise, sizeof ck.rng_noise) ==
		  0);
	ck_assert(memcmp(&back.rng_init, &ck.rng_init, sizeof ck.rng_init) ==
		  0);
	ck_assert_uint_eq(back.n_params, ck.n_params);
	ck_assert(memcmp(back.params, params, sizeof params) == 0);
	ck_assert(memcmp(back.velocity, velocity, sizeof velocity) == 0);
	ck_assert_uint_eq(back.history->n_points, 10);
	ck_assert(isnan(back.history->points[1].heldout_loss));
	ck_assert(back.history->points[3].heldout_loss == 90.0f);
	ck_assert_str_eq(back.history->changes[0].new_value, "0.35");
	as_checkpoint_release(&back);
}
END_TEST

static unsigned char *slurp(const char *p, size_t *len)
{
	FILE *f = fopen(p, "rb");
	fseek(f, 0, SEEK_END);
	*len = (size_t)ftell(f);
	fseek(f, 0, SEEK_SET);
	unsigned char *b = malloc(*len);
	ck_assert_uint_eq(fread(b, 1, *len, f), *len);
	fclose(f);
	return b;
}

static void spill(const char *p, const unsigned char *b, size_t len)
{
	FILE *f = fopen(p, "wb");
	fwrite(b, 1, len, f);
	fclose(f);
}

START_TEST(test_every_flipped_byte_is_rejected)
{
	struct as_checkpoint ck, back;
	fill(&ck);
	char p[256], q[256];
	path_of(p, sizeof p, "b.ascp");
	path_of(q, sizeof q, "flipped.ascp");
	struct as_error err;
	ck_assert_int_eq(as_checkpoint_save(p, &ck, &err), AS_OK);
	size_t len;
	unsigned char *b = slurp(p, &len);
	size_t tried = 0;
	for (size_t at = 0; at < len; at += (at < 64 ? 1 : 13)) {
		b[at] ^= 0x20;
		spill(q, b, len);
		b[at] ^= 0x20;
		ck_assert_msg(as_checkpoint_load(q, &back, &err) != AS_OK,
			      "flip at %zu accepted", at);
		ck_assert_ptr_null(back.params);
		tried++;
	}
	ck_assert_uint_gt(tried, 100);
	/* truncated at any length */
	for (size_t cut = 0; cut < len; cut += len / 37 + 1) {
		spill(q, b, cut);
		ck_assert_int_ne(as_checkpoint_load(q, &back, &err), AS_OK);
	}
	/* the message says what is wrong */
	b[len / 2] ^= 1;
	spill(q, b, len);
	ck_assert_int_eq(as_checkpoint_load(q, &back, &err), AS_ERR_FORMAT);
	ck_assert(strstr(err.msg, "checksum mismatch") != NULL);
	memcpy(b, "NOTCKPT!", 8);
	spill(q, b, len);
	as_checkpoint_load(q, &back, &err);
	ck_assert(strstr(err.msg, "not an autoscope checkpoint") != NULL);
	free(b);
}
END_TEST

/* A disk that fills up mid-save (as root too): files may not grow past
 * 200 bytes, so writing the new checkpoint fails half-way. The limit is
 * set in a child process only, so that nothing else this test writes
 * (Check's own messages, whose length depends on the build path) meets
 * it; the child's exit status says how the save went. */
static int save_with_tiny_fsize(const char *p, struct as_checkpoint *ck)
{
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		signal(SIGXFSZ, SIG_IGN);
		struct rlimit tiny;
		getrlimit(RLIMIT_FSIZE, &tiny);
		tiny.rlim_cur = 200;
		if (setrlimit(RLIMIT_FSIZE, &tiny) != 0)
			_exit(3);
		struct as_error err;
		enum as_status st = as_checkpoint_save(p, ck, &err);
		_exit(st == AS_ERR_IO && strstr(err.msg, "keep.ascp") ? 0
		      : st == AS_OK				      ? 1
								      : 2);
	}
	int status = 0;
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status));
	return WEXITSTATUS(status);
}

START_TEST(test_failed_save_keeps_the_old_file)
{
	struct as_checkpoint ck;
	fill(&ck);
	char p[256];
	path_of(p, sizeof p, "keep.ascp");
	struct as_error err;
	ck_assert_int_eq(as_checkpoint_save(p, &ck, &err), AS_OK);
	size_t len0;
	unsigned char *before = slurp(p, &len0);
	ck.step = 99999;
	/* 0: the save failed with an I/O error naming the file */
	ck_assert_int_eq(save_with_tiny_fsize(p, &ck), 0);
	/* no temporary file left behind */
	char cmd[400];
	snprintf(cmd, sizeof cmd, "! ls -A %s | grep -q tmp", dir);
	ck_assert_int_eq(system(cmd), 0);
	size_t len1;
	unsigned char *after = slurp(p, &len1);
	ck_assert_uint_eq(len0, len1);
	ck_assert(memcmp(before, after, len0) == 0);
	free(before);
	free(after);
}
END_TEST

/* ---- files built section by section, as another version might ---- */

struct section {
	uint32_t tag;
	size_t len;
	unsigned char *p; /* points into the buffer it was read from */
};

static uint64_t le(const unsigned char *b, int n)
{
	uint64_t v = 0;
	for (int i = n - 1; i >= 0; i--)
		v = v << 8 | b[i];
	return v;
}

static size_t sections_of(unsigned char *b, size_t len, struct section *s)
{
	size_t count = (size_t)le(b + 12, 4), at = 16;
	for (size_t i = 0; i < count; i++) {
		s[i].tag = (uint32_t)le(b + at, 4);
		s[i].len = (size_t)le(b + at + 4, 8);
		s[i].p = b + at + 12;
		at += 12 + s[i].len;
	}
	ck_assert_uint_eq(at + 4, len);
	return count;
}

static void put_le(unsigned char *b, uint64_t v, int n)
{
	for (int i = 0; i < n; i++)
		b[i] = (unsigned char)(v >> (8 * i));
}

/* Writes magic, version, the sections and a valid CRC to path. */
static void write_sections(const char *path, uint32_t version,
			   const struct section *s, size_t n)
{
	size_t len = 16 + 4;
	for (size_t i = 0; i < n; i++)
		len += 12 + s[i].len;
	unsigned char *b = malloc(len);
	memcpy(b, "ASCKPT01", 8);
	put_le(b + 8, version, 4);
	put_le(b + 12, n, 4);
	size_t at = 16;
	for (size_t i = 0; i < n; i++) {
		put_le(b + at, s[i].tag, 4);
		put_le(b + at + 4, s[i].len, 8);
		memcpy(b + at + 12, s[i].p, s[i].len);
		at += 12 + s[i].len;
	}
	put_le(b + at, (uint32_t)crc32(0L, b, (uInt)at), 4);
	spill(path, b, len);
	free(b);
}

enum {
	T_CONFIG = 1,
	T_DATA,
	T_COUNTERS,
	T_RNG,
	T_ORDER,
	T_DIMS,
	T_PARAMS,
	T_VELOCITY,
	T_HISTORY,
	T_STAGE,
	T_FRAMES,
	T_TENSORS
};

static size_t find(const struct section *s, size_t n, uint32_t tag)
{
	for (size_t i = 0; i < n; i++)
		if (s[i].tag == tag)
			return i;
	ck_abort_msg("no section %u", tag);
	return 0;
}

/* The review's crash: n_hidden 1 and n_visible (2^62 + 2) / 3 make the
 * parameter count 2^62 + 3, whose size in bytes wraps to 12 in 64 bits;
 * with 12-byte parameter sections the old loader allocated 12 bytes and
 * wrote 2^62 floats into them. The CRC is valid: it is no defence. */
START_TEST(test_wrapping_dimensions_are_refused)
{
	struct as_checkpoint ck, back;
	fill(&ck);
	ck.config.n_hidden = 1;
	ck.n_hidden = 1;
	ck.n_visible = 1;
	ck.n_params = 4;
	float four[4] = {0.1f, 0.2f, 0.3f, 0.4f};
	ck.params = four;
	ck.velocity = four;
	char p[256], q[256];
	path_of(p, sizeof p, "base.ascp");
	path_of(q, sizeof q, "wrap.ascp");
	struct as_error err;
	ck_assert_int_eq(as_checkpoint_save(p, &ck, &err), AS_OK);
	size_t len;
	unsigned char *b = slurp(p, &len);
	struct section s[16];
	size_t n = sections_of(b, len, s);
	uint64_t nv = (((uint64_t)1 << 62) + 2) / 3;
	unsigned char dims[28], twelve[12] = {0};
	put_le(dims, nv, 8);
	put_le(dims + 8, 1, 8);
	put_le(dims + 16, 0, 4); /* untied, as fill() says */
	put_le(dims + 20, 2 * nv + nv + 1, 8);
	ck_assert_uint_eq((2 * nv + nv + 1) * 4, 12); /* the wrap */
	s[find(s, n, T_DIMS)] = (struct section){T_DIMS, 28, dims};
	s[find(s, n, T_PARAMS)] = (struct section){T_PARAMS, 12, twelve};
	s[find(s, n, T_VELOCITY)] = (struct section){T_VELOCITY, 12, twelve};
	write_sections(q, AS_CHECKPOINT_VERSION, s, n);
	ck_assert_int_eq(as_checkpoint_load(q, &back, &err), AS_ERR_FORMAT);
	ck_assert_ptr_null(back.params);
	/* a count of elements that would wrap as bytes, every way round */
	put_le(dims + 20, ((uint64_t)1 << 62) + 3, 8);
	write_sections(q, AS_CHECKPOINT_VERSION, s, n);
	ck_assert_int_eq(as_checkpoint_load(q, &back, &err), AS_ERR_FORMAT);
	put_le(dims, UINT64_MAX / 2, 8);
	put_le(dims + 8, 1, 8);
	write_sections(q, AS_CHECKPOINT_VERSION, s, n);
	ck_assert_int_eq(as_checkpoint_load(q, &back, &err), AS_ERR_FORMAT);
	ck_assert_msg(strstr(err.msg, "too large") != NULL, "%s", err.msg);
	/* an order whose count times 4 would wrap */
	fill(&ck);
	ck_assert_int_eq(as_checkpoint_save(p, &ck, &err), AS_OK);
	free(b);
	b = slurp(p, &len);
	n = sections_of(b, len, s);
	unsigned char ord[8 + 12] = {0};
	put_le(ord, ((uint64_t)1 << 62) + 3, 8);
	s[find(s, n, T_ORDER)] = (struct section){T_ORDER, sizeof ord, ord};
	write_sections(q, AS_CHECKPOINT_VERSION, s, n);
	ck_assert_int_eq(as_checkpoint_load(q, &back, &err), AS_ERR_FORMAT);
	ck_assert(strstr(err.msg, "order") != NULL);
	free(b);
}
END_TEST

/* A file as a later version may write it: a new setting and a new
 * section this version skips; settings and sections left out take their
 * defaults; what must not be ignored is refused with a sentence. */
START_TEST(test_growth)
{
	struct as_checkpoint ck, back;
	fill(&ck);
	char p[256], q[256];
	path_of(p, sizeof p, "grow.ascp");
	path_of(q, sizeof q, "grown.ascp");
	struct as_error err;
	ck_assert_int_eq(as_checkpoint_save(p, &ck, &err), AS_OK);
	size_t len;
	unsigned char *b = slurp(p, &len);
	struct section s[20];
	size_t n = sections_of(b, len, s);
	size_t ic = find(s, n, T_CONFIG);
	char cfg[2048];
	snprintf(cfg, sizeof cfg, "%.*s", (int)s[ic].len, (char *)s[ic].p);

	/* a setting of the future, a new section: skipped */
	char more[2200];
	snprintf(more, sizeof more, "%sfuture_setting=500-250-30\n", cfg);
	struct section t[20];
	memcpy(t, s, n * sizeof *s);
	t[ic] = (struct section){T_CONFIG, strlen(more), (unsigned char *)more};
	unsigned char extra[5] = "hello";
	t[n] = (struct section){77, sizeof extra, extra};
	write_sections(q, AS_CHECKPOINT_VERSION, t, n + 1);
	ck_assert_msg(as_checkpoint_load(q, &back, &err) == AS_OK, "%s",
		      err.msg);
	ck_assert(memcmp(&back.config, &ck.config, sizeof ck.config) == 0);
	as_checkpoint_release(&back);

	/* ... unless marked critical */
	snprintf(more, sizeof more, "%s!future_setting=500-250-30\n", cfg);
	t[ic].len = strlen(more);
	write_sections(q, AS_CHECKPOINT_VERSION, t, n);
	ck_assert_int_eq(as_checkpoint_load(q, &back, &err), AS_ERR_FORMAT);
	ck_assert_msg(strstr(err.msg, "'future_setting'") != NULL, "%s", err.msg);
	t[ic] = s[ic];
	t[n].tag = 77 | 0x80000000u;
	write_sections(q, AS_CHECKPOINT_VERSION, t, n + 1);
	ck_assert_int_eq(as_checkpoint_load(q, &back, &err), AS_ERR_FORMAT);
	ck_assert_msg(strstr(err.msg, "section 77") != NULL, "%s", err.msg);

	/* a setting left out (a file older than the setting): its default */
	char *at = strstr(cfg, "contractive_weight=");
	ck_assert_ptr_nonnull(at);
	char fewer[2048];
	size_t head = (size_t)(at - cfg);
	char *nl = strchr(at, '\n');
	snprintf(fewer, sizeof fewer, "%.*s%s", (int)head, cfg, nl + 1);
	memcpy(t, s, n * sizeof *s);
	t[ic] = (struct section){T_CONFIG, strlen(fewer),
				 (unsigned char *)fewer};
	write_sections(q, AS_CHECKPOINT_VERSION, t, n);
	ck_assert_msg(as_checkpoint_load(q, &back, &err) == AS_OK, "%s",
		      err.msg);
	ck_assert(back.config.contractive_weight == 0.0f);
	ck_assert(back.config.corruption_level == 0.35f);
	as_checkpoint_release(&back);

	/* a setting twice */
	snprintf(more, sizeof more, "%slr=0.5\n", cfg);
	t[ic] = (struct section){T_CONFIG, strlen(more), (unsigned char *)more};
	write_sections(q, AS_CHECKPOINT_VERSION, t, n);
	ck_assert_int_eq(as_checkpoint_load(q, &back, &err), AS_ERR_FORMAT);
	ck_assert_msg(strstr(err.msg, "twice") != NULL, "%s", err.msg);

	/* no momentum, no history: zero and empty */
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (s[i].tag != T_VELOCITY && s[i].tag != T_HISTORY)
			t[k++] = s[i];
	write_sections(q, AS_CHECKPOINT_VERSION, t, k);
	ck_assert_msg(as_checkpoint_load(q, &back, &err) == AS_OK, "%s",
		      err.msg);
	for (size_t i = 0; i < back.n_params; i++)
		ck_assert(back.velocity[i] == 0.0f);
	ck_assert_uint_eq(back.history->n_points, 0);
	ck_assert(memcmp(back.params, params, sizeof params) == 0);
	as_checkpoint_release(&back);

	/* a needed section missing, or one twice */
	k = 0;
	for (size_t i = 0; i < n; i++)
		if (s[i].tag != T_ORDER)
			t[k++] = s[i];
	write_sections(q, AS_CHECKPOINT_VERSION, t, k);
	ck_assert_int_eq(as_checkpoint_load(q, &back, &err), AS_ERR_FORMAT);
	ck_assert_msg(strstr(err.msg, "no order section") != NULL, "%s",
		      err.msg);
	memcpy(t, s, n * sizeof *s);
	t[n] = s[find(s, n, T_RNG)];
	write_sections(q, AS_CHECKPOINT_VERSION, t, n + 1);
	ck_assert_int_eq(as_checkpoint_load(q, &back, &err), AS_ERR_FORMAT);
	ck_assert_msg(strstr(err.msg, "two generator") != NULL, "%s", err.msg);

	/* the dimensions and the config disagree on tied weights */
	memcpy(t, s, n * sizeof *s);
	size_t id = find(s, n, T_DIMS);
	unsigned char dims[28];
	memcpy(dims, s[id].p, 28);
	put_le(dims + 16, 1, 4); /* tied, the config says tied=off */
	t[id] = (struct section){T_DIMS, 28, dims};
	write_sections(q, AS_CHECKPOINT_VERSION, t, n);
	ck_assert_int_eq(as_checkpoint_load(q, &back, &err), AS_ERR_FORMAT);
	ck_assert_msg(strstr(err.msg, "tied") != NULL, "%s", err.msg);

	/* a version from the future is refused by name */
	write_sections(q, AS_CHECKPOINT_VERSION + 1, s, n);
	ck_assert_int_eq(as_checkpoint_load(q, &back, &err), AS_ERR_FORMAT);
	ck_assert_msg(strstr(err.msg, "newer") != NULL, "%s", err.msg);
	free(b);
}
END_TEST

/* The arena's directory: a file whose tensors sit in another order, with
 * one this version does not know among them (as a later version may
 * write), loads by name into this version's layout; a tensor missing, of
 * another shape, named twice or badly, or overlapping, is refused. */
struct entry {
	const char *name;
	uint64_t rows, cols;
};

static size_t put_directory(unsigned char *b, const struct entry *e,
			    size_t n, const uint64_t *off)
{
	put_le(b, n, 4);
	size_t at = 4;
	for (size_t i = 0; i < n; i++) {
		memset(b + at, 0, 32);
		memcpy(b + at, e[i].name, strlen(e[i].name));
		put_le(b + at + 32, e[i].rows, 8);
		put_le(b + at + 40, e[i].cols, 8);
		put_le(b + at + 48, off[i], 8);
		at += 56;
	}
	return at;
}

START_TEST(test_tensors_by_name)
{
	struct as_checkpoint ck, back;
	fill(&ck);
	char p[256], q[256];
	path_of(p, sizeof p, "named.ascp");
	path_of(q, sizeof q, "renamed.ascp");
	struct as_error err;
	ck_assert_int_eq(as_checkpoint_save(p, &ck, &err), AS_OK);
	size_t len;
	unsigned char *b = slurp(p, &len);
	struct section s[20], t[20];
	size_t n = sections_of(b, len, s);
	/* this version's directory: four tensors tiling the arena */
	const struct section *d = &s[find(s, n, T_TENSORS)];
	ck_assert_uint_eq(le(d->p, 4), 4);
	ck_assert_uint_eq(d->len, 4 + 4 * 56);
	const char *names[4] = {"encoder_W1", "encoder_b1", "decoder_c1",
				"decoder_W1"};
	const uint64_t offs[4] = {0, NV * NH, NV * NH + NH, NV * NH + NH + NV};
	for (int i = 0; i < 4; i++) {
		ck_assert_str_eq((const char *)d->p + 4 + 56 * i, names[i]);
		ck_assert_uint_eq(le(d->p + 4 + 56 * i + 48, 8), offs[i]);
	}
	/* the same tensors reversed, and a 3-value unknown one after the
	 * first: decoder_W1 | gain | decoder_c1 | encoder_b1 | encoder_W1 */
	struct entry e[5] = {{"decoder_W1", NV, NH},
			     {"encoder_gain1", 3, 0},
			     {"decoder_c1", NV, 0},
			     {"encoder_b1", NH, 0},
			     {"encoder_W1", NH, NV}};
	const uint64_t src[5] = {offs[3], 0, offs[2], offs[1], offs[0]};
	const size_t total = ck.n_params + 3;
	float *pp = calloc(total, sizeof(float)), *vv = calloc(total, 4);
	uint64_t off[5], at = 0;
	for (int i = 0; i < 5; i++) {
		size_t l = e[i].rows * (e[i].cols ? e[i].cols : 1);
		off[i] = at;
		for (size_t j = 0; j < l; j++) {
			pp[at + j] = i == 1 ? 99.0f : params[src[i] + j];
			vv[at + j] = i == 1 ? 99.0f : velocity[src[i] + j];
		}
		at += l;
	}
	ck_assert_uint_eq(at, total);
	unsigned char dir5[4 + 5 * 56], dims[28];
	put_directory(dir5, e, 5, off);
	memcpy(dims, s[find(s, n, T_DIMS)].p, 28);
	put_le(dims + 20, total, 8);
	memcpy(t, s, n * sizeof *s);
	t[find(s, n, T_DIMS)] = (struct section){T_DIMS, 28, dims};
	t[find(s, n, T_PARAMS)] =
		(struct section){T_PARAMS, total * 4, (unsigned char *)pp};
	t[find(s, n, T_VELOCITY)] =
		(struct section){T_VELOCITY, total * 4, (unsigned char *)vv};
	size_t it = find(s, n, T_TENSORS);
	t[it] = (struct section){T_TENSORS, sizeof dir5, dir5};
	write_sections(q, AS_CHECKPOINT_VERSION, t, n);
	ck_assert_msg(as_checkpoint_load(q, &back, &err) == AS_OK, "%s",
		      err.msg);
	ck_assert_uint_eq(back.n_params, ck.n_params);
	ck_assert(memcmp(back.params, params, sizeof params) == 0);
	ck_assert(memcmp(back.velocity, velocity, sizeof velocity) == 0);
	as_checkpoint_release(&back);

	/* refusals, one sentence each */
	struct {
		struct entry e[5];
		size_t n;
		const char *says;
	} bad[] = {
		{{{"decoder_W1", NV, NH}, {"encoder_gain1", 3, 0},
		  {"decoder_c1", NV, 0}, {"encoder_b1", NH, 0}},
		 4, "no tensor encoder_W1"},
		{{{"decoder_W1", NV, NH}, {"encoder_gain1", 3, 0},
		  {"decoder_c1", NV, 0}, {"encoder_b1", NH, 0},
		  {"encoder_W1", NV, NH}},
		 5, "encoder_W1 is 12 x 5, the settings make it 5 x 12"},
		{{{"decoder_W1", NV, NH}, {"decoder_W1", 3, 0},
		  {"decoder_c1", NV, 0}, {"encoder_b1", NH, 0},
		  {"encoder_W1", NH, NV}},
		 5, "malformed tensors section (entry 2)"},
		{{{"decoder_W1", NV, NH}, {"encoder gain", 3, 0},
		  {"decoder_c1", NV, 0}, {"encoder_b1", NH, 0},
		  {"encoder_W1", NH, NV}},
		 5, "malformed tensors section (entry 2)"},
		{{{"decoder_W1", NV, NH}, {"encoder_gain1", 3, 0},
		  {"decoder_c1", NV, 0}, {"encoder_b1", NH, 0},
		  {"encoder_W1", NH, NV + 1}},
		 5, "malformed tensors section (entry 5)"},
	};
	for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
		unsigned char dk[4 + 5 * 56];
		size_t dl = put_directory(dk, bad[k].e, bad[k].n, off);
		t[it] = (struct section){T_TENSORS, dl, dk};
		write_sections(q, AS_CHECKPOINT_VERSION, t, n);
		ck_assert_int_eq(as_checkpoint_load(q, &back, &err),
				 AS_ERR_FORMAT);
		ck_assert_msg(strstr(err.msg, bad[k].says) != NULL,
			      "case %zu: %s", k, err.msg);
		ck_assert_ptr_null(back.params);
	}
	/* every wanted tensor on the same values: they overlap, and would
	 * need more than the file holds */
	uint64_t zero[4] = {0, 0, 0, 0};
	unsigned char d4[4 + 4 * 56];
	struct entry e4[4] = {{"encoder_W1", NH, NV},
			      {"encoder_b1", NH, 0},
			      {"decoder_c1", NV, 0},
			      {"decoder_W1", NV, NH}};
	put_directory(d4, e4, 4, zero);
	unsigned char dims60[28];
	memcpy(dims60, dims, 28);
	put_le(dims60 + 20, NV * NH, 8);
	t[find(s, n, T_DIMS)] = (struct section){T_DIMS, 28, dims60};
	t[find(s, n, T_PARAMS)] =
		(struct section){T_PARAMS, NV * NH * 4, (unsigned char *)pp};
	t[find(s, n, T_VELOCITY)] =
		(struct section){T_VELOCITY, NV * NH * 4, (unsigned char *)vv};
	t[it] = (struct section){T_TENSORS, sizeof d4, d4};
	write_sections(q, AS_CHECKPOINT_VERSION, t, n);
	ck_assert_int_eq(as_checkpoint_load(q, &back, &err), AS_ERR_FORMAT);
	ck_assert_msg(strstr(err.msg, "overlap") != NULL, "%s", err.msg);
	/* ... and where they would fit: decoder_W1 on encoder_W1's values
	 * in the padded arena */
	uint64_t on_w[5] = {off[4], off[1], off[2], off[3], off[4]};
	t[find(s, n, T_DIMS)] = (struct section){T_DIMS, 28, dims};
	t[find(s, n, T_PARAMS)] =
		(struct section){T_PARAMS, total * 4, (unsigned char *)pp};
	t[find(s, n, T_VELOCITY)] =
		(struct section){T_VELOCITY, total * 4, (unsigned char *)vv};
	put_directory(dir5, e, 5, on_w);
	t[it] = (struct section){T_TENSORS, sizeof dir5, dir5};
	write_sections(q, AS_CHECKPOINT_VERSION, t, n);
	ck_assert_int_eq(as_checkpoint_load(q, &back, &err), AS_ERR_FORMAT);
	ck_assert_msg(strstr(err.msg, "encoder_W1 and decoder_W1 overlap") !=
			      NULL,
		      "%s", err.msg);
	/* a count the section's bytes do not hold */
	unsigned char short_dir[4 + 56];
	memcpy(short_dir, dir5, sizeof short_dir);
	t[it] = (struct section){T_TENSORS, sizeof short_dir, short_dir};
	write_sections(q, AS_CHECKPOINT_VERSION, t, n);
	ck_assert_int_eq(as_checkpoint_load(q, &back, &err), AS_ERR_FORMAT);
	ck_assert_msg(strstr(err.msg, "malformed tensors section") != NULL,
		      "%s", err.msg);
	/* without a directory (files before it) the arena is this
	 * version's layout: the permuted one is then refused by its length */
	memcpy(t, s, n * sizeof *s);
	t[find(s, n, T_DIMS)] = (struct section){T_DIMS, 28, dims};
	t[find(s, n, T_PARAMS)] =
		(struct section){T_PARAMS, total * 4, (unsigned char *)pp};
	t[find(s, n, T_VELOCITY)] =
		(struct section){T_VELOCITY, total * 4, (unsigned char *)vv};
	t[it] = t[n - 1];
	write_sections(q, AS_CHECKPOINT_VERSION, t, n - 1);
	ck_assert_int_eq(as_checkpoint_load(q, &back, &err), AS_ERR_FORMAT);
	ck_assert_msg(strstr(err.msg, "expected 137") != NULL, "%s", err.msg);
	free(pp);
	free(vv);
	free(b);
}
END_TEST

/* Files of every earlier version, checked in under tests/data/: they
 * load, and the run goes on from where they stopped. */
static void old_checkpoint(const char *name, int tied, uint64_t step,
			   uint64_t epoch, int n_hidden, float momentum,
			   const char *layers, int stage)
{
	const char *data = getenv("AUTOSCOPE_TEST_DATA");
	ck_assert_msg(data != NULL, "AUTOSCOPE_TEST_DATA is not set");
	char p[4096];
	snprintf(p, sizeof p, "%s/%s", data, name);
	struct as_checkpoint ck;
	struct as_error err;
	ck_assert_msg(as_checkpoint_load(p, &ck, &err) == AS_OK, "%s", err.msg);
	ck_assert_str_eq(ck.data, "patches:grass.png");
	ck_assert_int_eq(ck.config.tied, tied);
	ck_assert_int_eq(ck.tied, tied);
	ck_assert_int_eq(ck.config.n_hidden, n_hidden);
	ck_assert_int_eq(ck.config.loss, AS_LOSS_MSE);
	ck_assert(ck.config.momentum == momentum);
	ck_assert_uint_eq(ck.step, step);
	ck_assert_uint_eq(ck.epoch, epoch);
	ck_assert_uint_eq(ck.n_order, 320);
	ck_assert_uint_eq(ck.history->n_points, epoch);
	char got[64];
	as_param_format(&ck.config, as_param_find("layers"), got, sizeof got);
	ck_assert_str_eq(got, layers);
	ck_assert_int_eq(ck.config.stage, stage);
	struct as_data_opts o;
	as_data_opts_default(&o);
	o.n_patches = 400;
	struct as_dataset *ds;
	ck_assert_msg(as_dataset_load(ck.data, &o, &ds, &err) == AS_OK, "%s",
		      err.msg);
	struct as_trainer_opts to;
	as_trainer_opts_default(&to);
	struct as_trainer *t;
	ck_assert_msg(as_trainer_resume(&ck, ds, &to, &t, &err) == AS_OK, "%s",
		      err.msg);
	ck_assert_int_eq(t->model->tied, tied);
	/* the resumed run's held-out loss is the one the file's run had
	 * at its last epoch (its log's last point) */
	float last = ck.history->points[epoch - 1].heldout_loss;
	double now = as_trainer_heldout_loss(t, to.eval_max);
	ck_assert_msg(fabs(now - last) < 1e-3 * fabs(last), "%g vs %g", now,
		      last);
	for (int i = 0; i < 40; i++)
		ck_assert_int_eq(as_trainer_step(t), 1);
	ck_assert_uint_eq(t->step, step + 40);
	ck_assert(t->epoch >= epoch + 2);
	ck_assert(as_stack_finite(t->stack));
	ck_assert_int_eq(t->cfg.stage, stage);
	double after = as_trainer_heldout_loss(t, to.eval_max);
	ck_assert_msg(after < now, "%g after 40 steps vs %g", after, now);
	as_trainer_free(t);
	as_dataset_free(ds);
	as_checkpoint_release(&ck);
}

START_TEST(test_old_checkpoints_load_and_resume)
{
	old_checkpoint("v1-patches-tied.ascp", 1, 48, 3, 6, 0.0f, "6", 0);
	old_checkpoint("v1-patches-untied.ascp", 0, 32, 2, 5, 0.5f, "5", 0);
	/* a stack fine-tuning after CD-1 pretraining */
	old_checkpoint("v2-deep-patches.ascp", 0, 48, 3, 6, 0.5f, "6-4", 2);
}
END_TEST

START_TEST(test_bad_values_rejected)
{
	struct as_checkpoint ck, back;
	fill(&ck);
	char p[256];
	path_of(p, sizeof p, "nan.ascp");
	struct as_error err;
	params[3] = NAN;
	ck_assert_int_eq(as_checkpoint_save(p, &ck, &err), AS_OK);
	ck_assert_int_eq(as_checkpoint_load(p, &back, &err), AS_ERR_FORMAT);
	ck_assert(strstr(err.msg, "not finite") != NULL);
	fill(&ck);
	order[0] = order[1]; /* not a permutation */
	ck_assert_int_eq(as_checkpoint_save(p, &ck, &err), AS_OK);
	ck_assert_int_eq(as_checkpoint_load(p, &back, &err), AS_ERR_FORMAT);
	ck_assert(strstr(err.msg, "permutation") != NULL);
	fill(&ck);
	ck.config.corruption_level = 3.0f; /* out of its range */
	ck_assert_int_eq(as_checkpoint_save(p, &ck, &err), AS_OK);
	ck_assert_int_eq(as_checkpoint_load(p, &back, &err), AS_ERR_FORMAT);
	ck_assert(strstr(err.msg, "corruption_level") != NULL);
	ck_assert_int_eq(as_checkpoint_load("/nonexistent/x.ascp", &back, &err),
			 AS_ERR_IO);
}
END_TEST

START_TEST(test_history_bounds)
{
	struct as_history *h = calloc(1, sizeof *h);
	as_history_clear(h);
	for (uint64_t i = 0; i < 3 * AS_HISTORY_MAX; i++) {
		struct as_point p = {i, i, 1.0f, NAN, 0};
		as_history_add_point(h, &p);
		ck_assert_uint_le(h->n_points, AS_HISTORY_MAX);
	}
	/* the whole run is still there: first point and the latest */
	ck_assert_uint_eq(h->points[0].examples, 0);
	ck_assert_uint_eq(h->points[h->n_points - 1].examples,
			  3 * AS_HISTORY_MAX - 1);
	for (size_t i = 1; i < h->n_points; i++)
		ck_assert_uint_gt(h->points[i].examples,
				  h->points[i - 1].examples);
	for (uint64_t i = 0; i < AS_CHANGES_MAX + 10; i++) {
		struct as_change c = {i, i, "lr", "1", "2"};
		as_history_add_change(h, &c);
	}
	ck_assert_uint_eq(h->n_changes, AS_CHANGES_MAX);
	ck_assert_uint_eq(h->changes[0].step, 10); /* oldest dropped */
	free(h);
}
END_TEST

/* --out A/B with neither there: both made, as mkdir -p does; a file in
 * the way is named */
START_TEST(test_mkdir_makes_every_level)
{
	char p[512], q[512];
	snprintf(p, sizeof p, "%s/one/two//three/", dir);
	struct as_error err;
	ck_assert_msg(as_mkdir(p, &err) == AS_OK, "%s", err.msg);
	snprintf(q, sizeof q, "%s/one/two/three", dir);
	struct stat st;
	ck_assert(stat(q, &st) == 0 && S_ISDIR(st.st_mode));
	ck_assert_int_eq(as_mkdir(p, &err), AS_OK); /* there already */
	snprintf(q, sizeof q, "%s/one/file", dir);
	spill(q, (const unsigned char *)"x", 1);
	snprintf(p, sizeof p, "%s/one/file/four", dir);
	ck_assert_int_eq(as_mkdir(p, &err), AS_ERR_IO);
	ck_assert_msg(strstr(err.msg, q) && strstr(err.msg, "in the way"), "%s",
		      err.msg);
}
END_TEST

/* A save killed half-way leaves path.tmp behind: the next save reuses it
 * and leaves nothing; two saves at once to one path cannot mix. */
START_TEST(test_temporary_file)
{
	struct as_checkpoint ck, back;
	fill(&ck);
	char p[256], t[300];
	path_of(p, sizeof p, "reuse.ascp");
	snprintf(t, sizeof t, "%s.tmp", p);
	spill(t, (const unsigned char *)"half a checkpoint", 17);
	struct as_error err;
	ck_assert_int_eq(as_checkpoint_save(p, &ck, &err), AS_OK);
	struct stat st;
	ck_assert_int_ne(stat(t, &st), 0);
	ck_assert_int_eq(as_checkpoint_load(p, &back, &err), AS_OK);
	as_checkpoint_release(&back);
	struct as_atomic a, b;
	ck_assert_int_eq(as_atomic_open(&a, p, &err), AS_OK);
	ck_assert_int_eq(as_atomic_open(&b, p, &err), AS_ERR_IO);
	ck_assert_msg(strstr(err.msg, "another process") != NULL, "%s",
		      err.msg);
	fputs("new", a.f);
	ck_assert_int_eq(as_atomic_commit(&a, &err), AS_OK);
	size_t len;
	unsigned char *got = slurp(p, &len);
	ck_assert(len == 3 && memcmp(got, "new", 3) == 0);
	free(got);
	ck_assert_int_ne(stat(t, &st), 0);
}
END_TEST

int main(void)
{
	if (!mkdtemp(dir))
		return EXIT_FAILURE;
	Suite *s = suite_create("checkpoint");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_round_trip_exact);
	tcase_add_test(tc, test_history_bounds);
	tcase_add_test(tc, test_mkdir_makes_every_level);
	tcase_add_test(tc, test_temporary_file);
	suite_add_tcase(s, tc);
	TCase *bad = tcase_create("malformed");
	tcase_set_timeout(bad, 60);
	tcase_add_test(bad, test_every_flipped_byte_is_rejected);
	tcase_add_test(bad, test_failed_save_keeps_the_old_file);
	tcase_add_test(bad, test_bad_values_rejected);
	tcase_add_test(bad, test_wrapping_dimensions_are_refused);
	suite_add_tcase(s, bad);
	TCase *grow = tcase_create("growth");
	tcase_set_timeout(grow, 60);
	tcase_add_test(grow, test_growth);
	tcase_add_test(grow, test_tensors_by_name);
	tcase_add_test(grow, test_old_checkpoints_load_and_resume);
	suite_add_tcase(s, grow);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	if (system(cmd) != 0)
		failed++;
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
