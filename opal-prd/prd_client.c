/*
 * prd_client.c - `opal-prd occ ...` / `opal-prd pm-complex ...`: the client side of
 * the PRD control commands (skiboot opal-prd's CLI), sent as one line over the
 * daemon's control socket ROOT/run/opal-ras/control; the daemon's JSON answer is
 * printed. Exit 0 when the command succeeded, 1 when it failed or was refused (or the
 * daemon cannot be reached), 2 for bad usage.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "common/path.h"
#include "opal-prd/sources.h"

static int usage_err(const char *why)
{
	fprintf(stderr,
		"opal-prd: %s\nUsage: opal-prd [--root DIR] occ reset|enable|disable|process-error "
		"[CHIP]\n       opal-prd [--root DIR] pm-complex reset [CHIP]\n",
		why);
	return 2;
}

int prd_client_main(const char *root, int argc, char **argv)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char path[4200], line[128], resp[4096];
	size_t got = 0;
	ssize_t n;
	int fd;
	bool occ = !strcmp(argv[0], "occ");

	if (argc < 2 || argc > 3)
		return usage_err("expected a subcommand and an optional CHIP");
	if (occ ? (strcmp(argv[1], "reset") && strcmp(argv[1], "enable") &&
		   strcmp(argv[1], "disable") && strcmp(argv[1], "process-error"))
		: strcmp(argv[1], "reset"))
		return usage_err("unknown subcommand");
	unsigned long long chip = 0;
	if (argc == 3) {
		char *end;
		errno = 0;
		chip = strtoull(argv[2], &end, 0);
		if (errno || *end || !argv[2][0] || argv[2][0] == '-')
			return usage_err("CHIP must be a number (0x.. for hex)");
	}
	snprintf(line, sizeof(line), "%s %s %llu\n", argv[0], argv[1], chip);
	if (root_path(path, sizeof(path), root ? root : "/", "run/opal-ras/control") ||
	    strlen(path) >= sizeof(sa.sun_path))
		return usage_err("--root path too long");
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		fprintf(stderr, "opal-prd: cannot reach the daemon at %s: %s\n", path,
			strerror(errno));
		if (fd >= 0)
			close(fd);
		return 1;
	}
	if (write(fd, line, strlen(line)) != (ssize_t)strlen(line)) {
		fprintf(stderr, "opal-prd: %s: %s\n", path, strerror(errno));
		close(fd);
		return 1;
	}
	shutdown(fd, SHUT_WR);
	while (got < sizeof(resp) - 1 && (n = read(fd, resp + got, sizeof(resp) - 1 - got)) > 0)
		got += (size_t)n;
	close(fd);
	resp[got] = 0;
	if (!got) {
		fprintf(stderr, "opal-prd: no answer from the daemon\n");
		return 1;
	}
	fputs(resp, stdout);
	if (resp[got - 1] != '\n')
		putchar('\n');
	return strstr(resp, "\"result\":\"ok\"") ? 0 : 1;
}
