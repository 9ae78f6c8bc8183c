/* bench-server.c - a loopback HTTP server that answers every request late */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/*
 * usage: bench-server DIR DELAY_MS STATS
 *
 * Listens on 127.0.0.1 on an ephemeral port, prints the port on stdout,
 * and serves the files under DIR (GET only, HTTP/1.1 with keep-alive),
 * each response DELAY_MS after its request arrived, so that latency and
 * not the server is what a client waits for.  One process, one poll()
 * loop: thousands of connections cost nothing.  When stdin closes it
 * writes "requests N max_in_flight M max_connections C" to STATS (the
 * in-flight maximum shows whether a client kept to its per-host limit)
 * and exits.
 */

#define MAX_CONNS 1024
#define REQ_MAX 8192

enum state { READING, WAITING, WRITING };

struct conn {
	int fd;
	enum state state;
	char in[REQ_MAX];
	size_t in_len;
	char *out;
	size_t out_len, out_off;
	double ready_at;
	char path[1024];
	int keep_alive;
};

static struct conn conns[MAX_CONNS];
static size_t n_conns;
static const char *root;
static double delay_ms;
static unsigned long requests;
static int in_flight, max_in_flight, max_conns;

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void drop(size_t i)
{
	if (conns[i].state != READING)
		in_flight--;
	close(conns[i].fd);
	free(conns[i].out);
	conns[i] = conns[--n_conns];
}

/* The response for c->path: the file's bytes, or a 404. */
static void respond(struct conn *c)
{
	char full[2048], head[256];
	char *body = NULL;
	size_t len = 0;
	int fd = -1, code = 404;
	struct stat st;

	if (!strstr(c->path, "..") &&
	    snprintf(full, sizeof(full), "%s%s", root, c->path) <
		(int)sizeof(full))
		fd = open(full, O_RDONLY);
	if (fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
		body = malloc((size_t)st.st_size + 1);
		if (body &&
		    read(fd, body, (size_t)st.st_size) == (ssize_t)st.st_size) {
			len = (size_t)st.st_size;
			code = 200;
		}
	}
	if (fd >= 0)
		close(fd);
	if (code != 200)
		len = 0;
	snprintf(head, sizeof(head),
		 "HTTP/1.1 %d %s\r\nContent-Type: text/html; "
		 "charset=utf-8\r\nContent-Length: %zu\r\n%s\r\n",
		 code, code == 200 ? "OK" : "Not Found", len,
		 c->keep_alive ? "" : "Connection: close\r\n");
	c->out_len = strlen(head) + len;
	c->out = malloc(c->out_len);
	if (c->out) {
		memcpy(c->out, head, strlen(head));
		if (len)
			memcpy(c->out + strlen(head), body, len);
	} else {
		c->out_len = 0;
	}
	c->out_off = 0;
	free(body);
}

/* A whole request header in c->in: note its path and start the delay. */
static int take_request(struct conn *c)
{
	char *end = memmem(c->in, c->in_len, "\r\n\r\n", 4);
	char *sp;

	if (!end)
		return c->in_len < sizeof(c->in) - 1 ? 0 : -1;
	*end = '\0';
	if (strncmp(c->in, "GET ", 4) != 0)
		return -1;
	sp = strchr(c->in + 4, ' ');
	if (!sp || (size_t)(sp - c->in - 4) >= sizeof(c->path))
		return -1;
	memcpy(c->path, c->in + 4, (size_t)(sp - c->in - 4));
	c->path[sp - c->in - 4] = '\0';
	c->keep_alive = strcasestr(c->in, "connection: close") == NULL;
	/* curl does not pipeline: whatever follows is dropped. */
	c->in_len = 0;
	c->state = WAITING;
	c->ready_at = now_ms() + delay_ms;
	requests++;
	if (++in_flight > max_in_flight)
		max_in_flight = in_flight;
	return 0;
}

int main(int argc, char **argv)
{
	struct pollfd pfd[MAX_CONNS + 2];
	struct sockaddr_in addr = {0};
	socklen_t alen = sizeof(addr);
	FILE *stats;
	int lfd, one = 1;

	if (argc != 4) {
		fputs("usage: bench-server DIR DELAY_MS STATS\n", stderr);
		return 2;
	}
	root = argv[1];
	delay_ms = atof(argv[2]);
	lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	addr.sin_family = AF_INET;
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&addr, sizeof(addr)) ||
	    listen(lfd, 512) ||
	    getsockname(lfd, (struct sockaddr *)&addr, &alen)) {
		perror("bench-server");
		return 1;
	}
	printf("%d\n", ntohs(addr.sin_port));
	fflush(stdout);
	for (;;) {
		double now = now_ms(), wait = 1000;
		int timeout;

		pfd[0] = (struct pollfd){lfd, POLLIN, 0};
		pfd[1] = (struct pollfd){0, POLLIN, 0};
		for (size_t i = 0; i < n_conns; i++) {
			struct conn *c = &conns[i];
			short ev = c->state == READING   ? POLLIN
				   : c->state == WRITING ? POLLOUT
							 : 0;

			pfd[i + 2] = (struct pollfd){c->fd, ev, 0};
			if (c->state == WAITING && c->ready_at - now < wait)
				wait = c->ready_at - now;
		}
		timeout = wait < 0 ? 0 : (int)wait + 1;
		if (poll(pfd, n_conns + 2, timeout) < 0 && errno != EINTR)
			break;
		if (pfd[1].revents)
			break;
		now = now_ms();
		/* Backwards, so that drop() moving the last one is safe. */
		for (size_t i = n_conns; i-- > 0;) {
			struct conn *c = &conns[i];
			short rev = pfd[i + 2].revents;

			if (c->state == READING && (rev & (POLLIN | POLLHUP))) {
				ssize_t n = read(c->fd, c->in + c->in_len,
						 sizeof(c->in) - 1 - c->in_len);

				if (n <= 0) {
					drop(i);
					continue;
				}
				c->in_len += (size_t)n;
				if (take_request(c) < 0) {
					drop(i);
					continue;
				}
			}
			if (c->state == WAITING && c->ready_at <= now) {
				respond(c);
				c->state = WRITING;
				rev = POLLOUT;
			}
			if (c->state == WRITING && (rev & (POLLOUT | POLLERR))) {
				ssize_t n = write(c->fd, c->out + c->out_off,
						  c->out_len - c->out_off);

				if (n < 0 && errno != EAGAIN) {
					drop(i);
					continue;
				}
				if (n > 0)
					c->out_off += (size_t)n;
				if (c->out_off == c->out_len) {
					free(c->out);
					c->out = NULL;
					in_flight--;
					c->state = READING;
					if (!c->keep_alive) {
						c->state = WAITING;
						in_flight++;
						drop(i);
					}
				}
			}
		}
		if (pfd[0].revents & POLLIN && n_conns < MAX_CONNS) {
			int fd = accept4(lfd, NULL, NULL,
					 SOCK_NONBLOCK | SOCK_CLOEXEC);

			if (fd >= 0) {
				conns[n_conns] = (struct conn){0};
				conns[n_conns].fd = fd;
				conns[n_conns].state = READING;
				n_conns++;
				if ((int)n_conns > max_conns)
					max_conns = (int)n_conns;
			}
		}
	}
	stats = fopen(argv[3], "w");
	if (stats) {
		fprintf(stats, "requests %lu max_in_flight %d max_connections %d\n",
			requests, max_in_flight, max_conns);
		fclose(stats);
	}
	return 0;
}
