/*
 * first_frame: milliseconds from starting the explorer to its first full
 * frame. Runs the real binary on a pseudo-terminal (120 x 40,
 * TERM=xterm-256color), reads what it writes and stops the clock when the
 * status line (its last view) arrives; then sends q. Repeats and prints
 * the median. Usage: first_frame path/to/autoscope [runs, default 7]
 */
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return 1e3 * (double)ts.tv_sec + 1e-6 * (double)ts.tv_nsec;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double one_run(const char *bin, const char *out)
{
	struct winsize ws = {.ws_row = 40, .ws_col = 120};
	int fd;
	double start = now_ms();
	pid_t pid = forkpty(&fd, NULL, NULL, &ws);
	if (pid < 0)
		return -1;
	if (pid == 0) {
		setenv("TERM", "xterm-256color", 1);
		execl(bin, bin, "--out", out, (char *)NULL);
		_exit(127);
	}
	/* "? help  q quit" ends the status line, drawn after every view */
	const char *mark = "q quit";
	char window[8192];
	size_t have = 0;
	double t = -1;
	while (t < 0) {
		char buf[4096];
		ssize_t n = read(fd, buf, sizeof buf);
		if (n <= 0)
			break;
		for (ssize_t i = 0; i < n; i++) {
			if (have == sizeof window - 1) {
				memmove(window, window + sizeof window / 2,
					sizeof window / 2);
				have -= sizeof window / 2;
			}
			window[have++] = buf[i];
		}
		window[have] = 0;
		if (strstr(window, mark))
			t = now_ms() - start;
	}
	if (write(fd, "q", 1) != 1)
		kill(pid, SIGTERM);
	char drain[4096];
	while (read(fd, drain, sizeof drain) > 0)
		;
	waitpid(pid, NULL, 0);
	close(fd);
	return t;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr,
			"usage: first_frame path/to/autoscope [runs]\n");
		return 2;
	}
	int runs = argc > 2 ? atoi(argv[2]) : 7;
	if (runs < 1 || runs > 100)
		runs = 7;
	char out[] = "/tmp/autoscope-first-frame-XXXXXX";
	if (!mkdtemp(out))
		return 1;
	double t[100];
	for (int i = 0; i < runs; i++) {
		t[i] = one_run(argv[1], out);
		if (t[i] < 0) {
			fprintf(stderr, "first_frame: no frame from %s\n",
				argv[1]);
			return 1;
		}
	}
	qsort(t, (size_t)runs, sizeof t[0], cmp);
	printf("first full frame: median %.0f ms over %d runs (min %.0f, max "
	       "%.0f)\n",
	       t[runs / 2], runs, t[0], t[runs - 1]);
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", out);
	return system(cmd) != 0;
}
