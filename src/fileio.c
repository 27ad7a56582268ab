#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "autoscope/fileio.h"

enum as_status as_file_read_all(const char *path, size_t max_bytes,
				unsigned char **out, size_t *len,
				struct as_error *err)
{
	*out = NULL;
	*len = 0;
	struct stat st;
	if (stat(path, &st) != 0)
		return as_error_set(err, AS_ERR_IO, "%s: %s", path,
				    strerror(errno));
	if (S_ISDIR(st.st_mode))
		return as_error_set(err, AS_ERR_IO, "%s: is a directory", path);
	gzFile gz = gzopen(path, "rb");
	if (!gz)
		return as_error_set(err, AS_ERR_IO, "%s: cannot open: %s", path,
				    strerror(errno ? errno : ENOMEM));
	size_t cap = 1 << 16, n = 0;
	unsigned char *buf = malloc(cap);
	if (!buf) {
		gzclose(gz);
		return as_error_set(err, AS_ERR_NOMEM, "%s: out of memory",
				    path);
	}
	for (;;) {
		if (n == cap) {
			if (cap > max_bytes) {
				free(buf);
				gzclose(gz);
				return as_error_set(
					err, AS_ERR_FORMAT,
					"%s: larger than the %zu-byte limit",
					path, max_bytes);
			}
			unsigned char *nb = realloc(buf, cap * 2);
			if (!nb) {
				free(buf);
				gzclose(gz);
				return as_error_set(err, AS_ERR_NOMEM,
						    "%s: out of memory", path);
			}
			buf = nb;
			cap *= 2;
		}
		size_t want = cap - n;
		if (want > (1u << 30))
			want = 1u << 30;
		int got = gzread(gz, buf + n, (unsigned)want);
		if (got < 0) {
			int zerr;
			const char *msg = gzerror(gz, &zerr);
			as_error_set(err, AS_ERR_FORMAT,
				     "%s: corrupt or truncated gzip data "
				     "after %zu bytes (%s)",
				     path, n, msg);
			free(buf);
			gzclose(gz);
			return AS_ERR_FORMAT;
		}
		if (got == 0)
			break;
		n += (size_t)got;
	}
	/* gzread returns what it could of a truncated stream and no error;
	 * gzclose_r reports the missing end. */
	int zc = gzclose(gz);
	if (zc == Z_BUF_ERROR) {
		free(buf);
		return as_error_set(err, AS_ERR_FORMAT,
				    "%s: gzip stream is truncated after %zu "
				    "bytes of data",
				    path, n);
	}
	if (n > max_bytes) {
		free(buf);
		return as_error_set(err, AS_ERR_FORMAT,
				    "%s: larger than the %zu-byte limit", path,
				    max_bytes);
	}
	*out = buf;
	*len = n;
	return AS_OK;
}

/* The temporary file has one fixed name beside path (path.tmp), so a
 * save killed half-way (kill -9, power cut) leaves at most that one file,
 * which the next save truncates and reuses; an exclusive lock on it keeps
 * two processes saving to the same path from writing into each other. */
enum as_status as_atomic_open(struct as_atomic *a, const char *path,
			      struct as_error *err)
{
	memset(a, 0, sizeof *a);
	if (strlen(path) + 5 > sizeof a->path)
		return as_error_set(err, AS_ERR_INVALID, "%s: path too long",
				    path);
	strcpy(a->path, path);
	snprintf(a->tmp, sizeof a->tmp, "%s.tmp", path);
	int fd = open(a->tmp, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return as_error_set(err, AS_ERR_IO, "%s: cannot create: %s",
				    path, strerror(errno));
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		int saved = errno;
		close(fd);
		return as_error_set(err, AS_ERR_IO, "%s: %s", path,
				    saved == EWOULDBLOCK
					    ? "another process is saving to "
					      "it right now"
					    : strerror(saved));
	}
	/* locked, but is it still path.tmp? Another save may have renamed
	 * it into place between our open and our lock: then this fd is the
	 * real file, and truncating it would lose it. */
	struct stat fs, ps;
	if (fstat(fd, &fs) != 0 || stat(a->tmp, &ps) != 0 ||
	    fs.st_ino != ps.st_ino || fs.st_dev != ps.st_dev) {
		close(fd);
		return as_error_set(err, AS_ERR_IO,
				    "%s: another process is saving to it "
				    "right now",
				    path);
	}
	if (ftruncate(fd, 0) != 0) {
		int saved = errno;
		close(fd);
		unlink(a->tmp);
		return as_error_set(err, AS_ERR_IO, "%s: cannot create: %s",
				    path, strerror(saved));
	}
	a->f = fdopen(fd, "wb");
	if (!a->f) {
		close(fd);
		unlink(a->tmp);
		return as_error_set(err, AS_ERR_IO, "%s: cannot open: %s", path,
				    strerror(errno));
	}
	return AS_OK;
}

static void sync_dir(const char *path)
{
	char copy[4096];
	snprintf(copy, sizeof copy, "%s", path);
	int fd = open(dirname(copy), O_RDONLY | O_DIRECTORY);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

enum as_status as_atomic_commit(struct as_atomic *a, struct as_error *err)
{
	if (!a->f)
		return as_error_set(err, AS_ERR_STATE, "%s: not open", a->path);
	int bad = ferror(a->f) || fflush(a->f) != 0 || fsync(fileno(a->f)) != 0;
	int saved = errno;
	if (fclose(a->f) != 0 && !bad) {
		bad = 1;
		saved = errno;
	}
	a->f = NULL;
	if (bad) {
		unlink(a->tmp);
		return as_error_set(err, AS_ERR_IO, "%s: write failed: %s",
				    a->path, strerror(saved));
	}
	if (rename(a->tmp, a->path) != 0) {
		saved = errno;
		unlink(a->tmp);
		return as_error_set(err, AS_ERR_IO, "%s: rename failed: %s",
				    a->path, strerror(saved));
	}
	sync_dir(a->path);
	return AS_OK;
}

void as_atomic_abort(struct as_atomic *a)
{
	if (a->f) {
		fclose(a->f);
		a->f = NULL;
		unlink(a->tmp);
	}
}

/* As mkdir -p: every missing level is made in turn, and a failure names
 * the level that could not be made. */
enum as_status as_mkdir(const char *path, struct as_error *err)
{
	char p[4096];
	size_t n = strlen(path);
	if (n == 0 || n >= sizeof p)
		return as_error_set(err, AS_ERR_INVALID,
				    "'%.200s': not a directory name", path);
	memcpy(p, path, n + 1);
	for (size_t i = 1; i <= n; i++) {
		if (p[i] != '/' && p[i] != 0)
			continue;
		if (p[i - 1] == '/')
			continue; /* "a//b", or a trailing slash */
		char keep = p[i];
		p[i] = 0;
		struct stat st;
		if (mkdir(p, 0755) != 0) {
			int saved = errno;
			if (!(saved == EEXIST && stat(p, &st) == 0 &&
			      S_ISDIR(st.st_mode)))
				return as_error_set(
					err, AS_ERR_IO,
					"%s: cannot create directory %s: %s",
					path, p,
					saved == EEXIST ? "a file is in the way"
							: strerror(saved));
		}
		p[i] = keep;
	}
	return AS_OK;
}
