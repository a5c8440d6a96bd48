/*
 * sim_scenario.c - scenario files for `opal-sim run --scenario FILE` (YAML, libyaml).
 *
 * A scenario is a timeline of steps (format in docs/opal-sim.md):
 *
 *     steps:                       # or the sequence at the top level
 *       - at: 0.5s                 # offset from the start of run (s, ms, m, h)
 *         inject: elog             # module name, as for `opal-sim inject`
 *         count: 10                # every other key becomes --key VALUE
 *       - at: 2s
 *         inject: kmsg
 *         mce: true                # true → --mce; false → omitted
 *         args: [--cpu, "3"]       # verbatim arguments
 *       - at: 5s
 *         exit: true               # stop run (exit 0)
 *
 * A step with both count and rate is expanded into count steps of one injection each,
 * spaced 1/rate apart, so paced injections never block the loop. Steps run in time
 * order from one timerfd; each runs the module's inject() in the loop and is noted in
 * actions.log as "scenario step N ...".
 *
 * Invariants: the whole file is parsed and validated before run starts (a bad file
 * fails run with the line number); steps own their argument strings.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <unistd.h>
#include <yaml.h>

#include "common/timeutil.h"
#include "sim/sim.h"
#include "sim/sim_internal.h"

struct step {
	int64_t at_us;
	int index; /* position in the file (1-based) */
	bool exit;
	char *log;
	char **argv;
	int argc;
};

struct scenario {
	struct step *steps;
	size_t n, cap, next;
	uint64_t start_ns;
	int tfd;
	char root[4096];
};

static struct scenario sc = { .tfd = -1 };

static int step_arg(struct step *s, const char *a)
{
	char **nv = realloc(s->argv, (size_t)(s->argc + 2) * sizeof(char *));

	if (!nv)
		return -ENOMEM;
	s->argv = nv;
	nv[s->argc] = strdup(a);
	if (!nv[s->argc])
		return -ENOMEM;
	nv[++s->argc] = NULL;
	return 0;
}

static struct step *steps_add(struct scenario *c)
{
	if (c->n == c->cap) {
		size_t nc = c->cap ? c->cap * 2 : 16;
		struct step *ns = realloc(c->steps, nc * sizeof(*ns));
		if (!ns)
			return NULL;
		c->steps = ns;
		c->cap = nc;
	}
	memset(&c->steps[c->n], 0, sizeof(struct step));
	return &c->steps[c->n++];
}

static const char *scalar(yaml_document_t *d, yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

static bool is_true(const char *v)
{
	return !strcmp(v, "true") || !strcmp(v, "yes") || !strcmp(v, "on");
}

static bool is_false(const char *v)
{
	return !strcmp(v, "false") || !strcmp(v, "no") || !strcmp(v, "off");
}

static int parse_step(struct scenario *c, yaml_document_t *d, yaml_node_t *n, int index,
		      const char *file, struct ras_err *e)
{
	struct step s = { .index = index };
	const char *count = NULL, *rate = NULL, *module = NULL;
	int line = (int)n->start_mark.line + 1;
	bool have_at = false;
	int rc = 0;

	if (n->type != YAML_MAPPING_NODE)
		return ras_errf(e, -EINVAL, "%s:%d: a step must be a mapping", file, line);
	for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top;
	     p++) {
		const char *k = scalar(d, yaml_document_get_node(d, p->key));
		yaml_node_t *vn = yaml_document_get_node(d, p->value);
		const char *v = scalar(d, vn);

		if (!k)
			return ras_errf(e, -EINVAL, "%s:%d: keys must be scalars", file, line);
		if (!strcmp(k, "at")) {
			if (!v || sim_parse_time(v, &s.at_us))
				return ras_errf(e, -EINVAL, "%s:%d: at: expected a time like 0.5s",
						file, line);
			have_at = true;
		} else if (!strcmp(k, "inject")) {
			module = v;
		} else if (!strcmp(k, "exit")) {
			s.exit = v && is_true(v);
		} else if (!strcmp(k, "log")) {
			s.log = v ? strdup(v) : NULL;
		} else if (!strcmp(k, "count")) {
			count = v;
		} else if (!strcmp(k, "rate")) {
			rate = v;
		}
	}
	if (!have_at)
		return ras_errf(e, -EINVAL, "%s:%d: step without 'at'", file, line);
	if (!module && !s.exit && !s.log)
		return ras_errf(e, -EINVAL, "%s:%d: step needs 'inject', 'exit' or 'log'", file,
				line);
	if (module) {
		if (!sim_module_find(module))
			return ras_errf(e, -EINVAL, "%s:%d: inject: unknown module '%s'", file,
					line, module);
		rc = step_arg(&s, module);
		for (yaml_node_pair_t *p = n->data.mapping.pairs.start;
		     !rc && p < n->data.mapping.pairs.top; p++) {
			const char *k = scalar(d, yaml_document_get_node(d, p->key));
			yaml_node_t *vn = yaml_document_get_node(d, p->value);
			const char *v = scalar(d, vn);
			char opt[256];

			if (!strcmp(k, "at") || !strcmp(k, "inject") || !strcmp(k, "exit") ||
			    !strcmp(k, "log") || !strcmp(k, "count") || !strcmp(k, "rate"))
				continue;
			if (!strcmp(k, "args")) {
				if (!vn || vn->type != YAML_SEQUENCE_NODE)
					return ras_errf(e, -EINVAL, "%s:%d: args: expected a list",
							file, line);
				for (yaml_node_item_t *it = vn->data.sequence.items.start;
				     !rc && it < vn->data.sequence.items.top; it++) {
					const char *a = scalar(d, yaml_document_get_node(d, *it));
					if (!a)
						return ras_errf(e, -EINVAL,
								"%s:%d: args: scalars only", file,
								line);
					rc = step_arg(&s, a);
				}
				continue;
			}
			snprintf(opt, sizeof(opt), "--%s", k);
			if (vn && vn->type == YAML_SEQUENCE_NODE) {
				for (yaml_node_item_t *it = vn->data.sequence.items.start;
				     !rc && it < vn->data.sequence.items.top; it++) {
					const char *a = scalar(d, yaml_document_get_node(d, *it));
					if (a && !(rc = step_arg(&s, opt)))
						rc = step_arg(&s, a);
				}
			} else if (v && is_true(v)) {
				rc = step_arg(&s, opt);
			} else if (v && is_false(v)) {
				continue;
			} else if (v) {
				if (!(rc = step_arg(&s, opt)))
					rc = step_arg(&s, v);
			}
		}
		if (rc)
			return ras_errf(e, rc, "%s:%d: out of memory", file, line);
	}
	if (count && rate && module) {
		double r = strtod(rate, NULL);
		long nc = strtol(count, NULL, 0);

		if (r <= 0 || nc < 0 || nc > 10000000)
			return ras_errf(e, -EINVAL, "%s:%d: bad count/rate", file, line);
		for (long i = 0; i < nc; i++) {
			struct step *t = steps_add(c);
			if (!t)
				return -ENOMEM;
			t->index = index;
			t->at_us = s.at_us + (int64_t)((double)i * 1e6 / r);
			for (int a = 0; a < s.argc && !rc; a++)
				rc = step_arg(t, s.argv[a]);
			if (!rc)
				rc = step_arg(t, "--count");
			if (!rc)
				rc = step_arg(t, "1");
			if (rc)
				return rc;
		}
		for (int a = 0; a < s.argc; a++)
			free(s.argv[a]);
		free(s.argv);
		free(s.log);
		return 0;
	}
	if (module && count) {
		if ((rc = step_arg(&s, "--count")) || (rc = step_arg(&s, count)))
			return rc;
	} else if (module && rate) {
		if ((rc = step_arg(&s, "--rate")) || (rc = step_arg(&s, rate)))
			return rc;
	}
	struct step *t = steps_add(c);
	if (!t)
		return -ENOMEM;
	*t = s;
	return 0;
}

static int cmp_step(const void *a, const void *b)
{
	const struct step *x = a, *y = b;

	if (x->at_us != y->at_us)
		return x->at_us < y->at_us ? -1 : 1;
	return x->index - y->index;
}

static int scenario_load(struct scenario *c, const char *file, struct ras_err *e)
{
	yaml_parser_t p;
	yaml_document_t d;
	FILE *f = fopen(file, "rb");
	yaml_node_t *top, *seq;
	int rc = 0, idx = 0;

	if (!f)
		return ras_errf(e, -errno, "%s: %s", file, strerror(errno));
	yaml_parser_initialize(&p);
	yaml_parser_set_input_file(&p, f);
	if (!yaml_parser_load(&p, &d)) {
		rc = ras_errf(e, -EINVAL, "%s:%zu: YAML error: %s", file, p.problem_mark.line + 1,
			      p.problem ? p.problem : "?");
		yaml_parser_delete(&p);
		fclose(f);
		return rc;
	}
	top = yaml_document_get_root_node(&d);
	seq = top;
	if (top && top->type == YAML_MAPPING_NODE) {
		seq = NULL;
		for (yaml_node_pair_t *q = top->data.mapping.pairs.start;
		     q < top->data.mapping.pairs.top; q++) {
			const char *k = scalar(&d, yaml_document_get_node(&d, q->key));
			if (k && !strcmp(k, "steps"))
				seq = yaml_document_get_node(&d, q->value);
		}
	}
	if (!seq || seq->type != YAML_SEQUENCE_NODE) {
		rc = ras_errf(e, -EINVAL, "%s: expected a list of steps (or a 'steps:' list)",
			      file);
	} else {
		for (yaml_node_item_t *it = seq->data.sequence.items.start;
		     !rc && it < seq->data.sequence.items.top; it++)
			rc = parse_step(c, &d, yaml_document_get_node(&d, *it), ++idx, file, e);
	}
	yaml_document_delete(&d);
	yaml_parser_delete(&p);
	fclose(f);
	if (!rc && c->n)
		qsort(c->steps, c->n, sizeof(*c->steps), cmp_step);
	return rc;
}

static void arm(struct scenario *c)
{
	struct itimerspec its = { 0 };
	uint64_t due;

	if (c->next >= c->n)
		return;
	due = c->start_ns + (uint64_t)c->steps[c->next].at_us * 1000u;
	its.it_value.tv_sec = (time_t)(due / 1000000000u);
	its.it_value.tv_nsec = (long)(due % 1000000000u);
	if (!its.it_value.tv_sec && !its.it_value.tv_nsec)
		its.it_value.tv_nsec = 1;
	timerfd_settime(c->tfd, TFD_TIMER_ABSTIME, &its, NULL);
}

static void timer_cb(struct sim_run *r, int fd, uint32_t events, void *arg)
{
	struct scenario *c = arg;
	uint64_t ticks, now = time_mono_ns();

	if (read(fd, &ticks, sizeof(ticks)) < 0 && errno == EAGAIN)
		return;
	while (c->next < c->n &&
	       c->start_ns + (uint64_t)c->steps[c->next].at_us * 1000u <= now + 1000000u) {
		struct step *s = &c->steps[c->next++];
		struct ras_err e = { "" };

		if (s->log)
			sim_run_log(r, "scenario step %d: %s", s->index, s->log);
		if (s->argc) {
			char line[512] = "";
			size_t l = 0;
			for (int i = 0; i < s->argc && l < sizeof(line) - 1; i++)
				l += (size_t)snprintf(line + l, sizeof(line) - l, "%s%s",
						      i ? " " : "", s->argv[i]);
			sim_run_log(r, "scenario step %d: inject %s", s->index, line);
			if (sim_inject(c->root, s->argc, s->argv, &e) < 0)
				sim_run_log(r, "scenario step %d: error: %s", s->index, e.msg);
		}
		if (s->exit) {
			sim_run_log(r, "scenario step %d: exit", s->index);
			sim_run_stop(r);
			return;
		}
	}
	arm(c);
}

int sim_scenario_start(struct sim_run *r, const char *file, struct ras_err *e)
{
	struct scenario *c = &sc;
	int rc = scenario_load(c, file, e);

	if (rc)
		return rc;
	snprintf(c->root, sizeof(c->root), "%s", sim_run_root(r));
	c->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (c->tfd < 0)
		return ras_errf(e, -errno, "scenario: timerfd: %s", strerror(errno));
	rc = sim_run_add_fd(r, c->tfd, EPOLLIN, timer_cb, c);
	if (rc)
		return ras_errf(e, rc, "scenario: epoll: %s", strerror(-rc));
	c->start_ns = time_mono_ns();
	sim_run_log(r, "scenario %s: %zu steps", file, c->n);
	arm(c);
	return 0;
}
