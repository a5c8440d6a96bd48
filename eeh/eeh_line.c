/*
 * eeh_line.c - the kernel's EEH log grammar (spec 1.5): one log record's text -> a typed
 * struct eeh_line. Old (before v5.5) and new wordings are both accepted.
 *
 * Input is untrusted: the text is copied (capped) into a local NUL-terminated buffer and
 * matched with a small pattern matcher that bounds every number and string it captures.
 * No sscanf (overflowing %x is undefined), no reads past len, every loop consumes input.
 */
#include "eeh/eeh.h"

#include <ctype.h>
#include <stdarg.h>
#include <string.h>

#define LINE_MAX_COPY 1024

/*
 * match(s, pat, ...): pattern directives
 *   %x  hex u32 (1..8 digits)         -> uint32_t *
 *   %d  decimal int, optional '-'     -> int *
 *   %L  text up to the next literal   -> char[EEH_LOC_MAX]
 *   %W  text up to the next literal   -> char[32]
 *   %B  a BDF dddd:bb:dd.f            -> char[EEH_BDF_MAX]
 *   %*  anything (must end the pattern)
 * Everything else is literal. Trailing whitespace in s is allowed. Returns true on a match.
 */
static bool match(const char *s, const char *pat, ...);

static bool get_hex(const char **sp, uint32_t *v)
{
	const char *s = *sp;
	uint32_t acc = 0;
	int n = 0;

	while (isxdigit((unsigned char)*s)) {
		if (n == 8)
			return false;
		int d = isdigit((unsigned char)*s) ? *s - '0'
						   : (tolower((unsigned char)*s) - 'a' + 10);
		acc = acc * 16 + (uint32_t)d;
		n++;
		s++;
	}
	if (n == 0)
		return false;
	*v = acc;
	*sp = s;
	return true;
}

static bool get_dec(const char **sp, int *v)
{
	const char *s = *sp;
	bool neg = false;
	long acc = 0;
	int n = 0;

	if (*s == '-') {
		neg = true;
		s++;
	}
	while (isdigit((unsigned char)*s)) {
		if (n == 10)
			return false;
		acc = acc * 10 + (*s - '0');
		n++;
		s++;
	}
	if (n == 0 || acc > 0x7fffffffL)
		return false;
	*v = (int)(neg ? -acc : acc);
	*sp = s;
	return true;
}

static bool get_bdf(const char **sp, char *out)
{
	const char *s = *sp;
	uint32_t dom, bus, dev, fn;

	if (!get_hex(&s, &dom) || *s++ != ':' || !get_hex(&s, &bus) || *s++ != ':' ||
	    !get_hex(&s, &dev) || *s++ != '.' || !get_hex(&s, &fn))
		return false;
	if (dom > 0xffff || bus > 0xff || dev > 0x1f || fn > 7)
		return false;
	snprintf(out, EEH_BDF_MAX, "%04x:%02x:%02x.%x", dom, bus, dev, fn);
	*sp = s;
	return true;
}

/* Length of the literal run at pat (up to the next '%' or end). */
static size_t lit_len(const char *pat)
{
	const char *p = strchr(pat, '%');
	return p ? (size_t)(p - pat) : strlen(pat);
}

static void copy_trim(char *out, size_t n, const char *s, size_t len)
{
	while (len > 0 && isspace((unsigned char)s[len - 1]))
		len--;
	if (len >= n)
		len = n - 1;
	memcpy(out, s, len);
	out[len] = '\0';
}

static bool match(const char *s, const char *pat, ...)
{
	va_list ap;
	bool ok = false;

	va_start(ap, pat);
	while (*pat) {
		if (*pat != '%') {
			size_t l = lit_len(pat);
			if (strncmp(s, pat, l) != 0)
				goto out;
			s += l;
			pat += l;
			continue;
		}
		char d = pat[1];
		pat += 2;
		switch (d) {
		case 'x':
			if (!get_hex(&s, va_arg(ap, uint32_t *)))
				goto out;
			break;
		case 'd':
			if (!get_dec(&s, va_arg(ap, int *)))
				goto out;
			break;
		case 'B':
			if (!get_bdf(&s, va_arg(ap, char *)))
				goto out;
			break;
		case 'L':
		case 'W': {
			char *dst = va_arg(ap, char *);
			size_t cap = d == 'L' ? EEH_LOC_MAX : 32;
			size_t l = lit_len(pat);
			const char *stop;
			if (l == 0) {
				stop = s + strlen(s);
			} else {
				char lit[128];
				if (l >= sizeof(lit))
					goto out;
				memcpy(lit, pat, l);
				lit[l] = '\0';
				stop = strstr(s, lit);
				if (!stop)
					goto out;
			}
			copy_trim(dst, cap, s, (size_t)(stop - s));
			s = stop;
			break;
		}
		case '*':
			ok = true;
			goto out;
		default:
			goto out;
		}
	}
	while (isspace((unsigned char)*s))
		s++;
	ok = *s == '\0';
out:
	va_end(ap);
	return ok;
}

/* Skip "<3>", "[  12.345678] " and a /dev/kmsg record prefix "6,123,456,-;". */
static const char *skip_prefixes(const char *s)
{
	if (*s == '<') {
		const char *p = s + 1;
		while (isdigit((unsigned char)*p))
			p++;
		if (*p == '>' && p > s + 1)
			s = p + 1;
	}
	if (*s == '[') {
		const char *p = s + 1;
		while (*p == ' ' || isdigit((unsigned char)*p) || *p == '.')
			p++;
		if (*p == ']') {
			s = p + 1;
			while (*s == ' ')
				s++;
		}
	}
	if (isdigit((unsigned char)*s)) {
		const char *p = s;
		int commas = 0;
		while (*p && *p != ';' && p - s < 96) {
			if (*p == ',')
				commas++;
			else if (!isdigit((unsigned char)*p) && !(commas >= 3))
				break;
			p++;
		}
		if (*p == ';' && commas >= 3)
			s = p + 1;
	}
	return s;
}

static void set_pe(struct eeh_line *l, uint32_t phb, uint32_t pe)
{
	l->have_phb = true;
	l->phb = phb;
	l->have_pe = true;
	l->pe = pe;
}

/* Lines after "EEH: " (the global prefix). */
static enum eeh_line_kind parse_global(const char *s, struct eeh_line *l)
{
	uint32_t a, b, c, d;
	int n, m;

	if (match(s, "Frozen PE#%x on PHB#%x detected", &a, &b)) {
		set_pe(l, b, a);
		return EEH_LINE_DETECTED;
	}
	if (match(s, "eeh_dev_check_failure: Frozen PHB#%x-PE#%x detected", &a, &b)) {
		set_pe(l, a, b);
		return EEH_LINE_DETECTED;
	}
	if (match(s, "Fenced PHB#%x detected, location: %L", &a, l->phb_loc) ||
	    match(s, "Fenced PHB#%x detected", &a)) {
		l->have_phb = true;
		l->phb = a;
		return EEH_LINE_FENCED_PHB;
	}
	if (match(s, "dead PHB#%x detected, location: %L", &a, l->phb_loc) ||
	    match(s, "dead PHB#%x detected", &a)) {
		l->have_phb = true;
		l->phb = a;
		return EEH_LINE_DEAD_PHB;
	}
	if (match(s, "dead IOC detected"))
		return EEH_LINE_DEAD_IOC;
	if (match(s, "Recovering PHB#%x-PE#%x", &a, &b)) {
		set_pe(l, a, b);
		return EEH_LINE_RECOVERING;
	}
	if (match(s, "Recovering PHB#%x, location: %L", &a, l->phb_loc)) {
		l->have_phb = true;
		l->phb = a;
		return EEH_LINE_RECOVERING;
	}
	if (match(s, "Frozen PHB#%x-PE#%x detected", &a, &b) ||
	    match(s, "Detected PCI bus error on PHB#%x-PE#%x%*", &a, &b) ||
	    match(s, "Detected error on PHB#%x-PE#%x%*", &a, &b)) {
		set_pe(l, a, b);
		return EEH_LINE_FROZEN;
	}
	if (match(s, "PHB#%x failure detected, location: %L", &a, l->phb_loc) ||
	    match(s, "PHB#%x failure detected", &a)) {
		l->have_phb = true;
		l->phb = a;
		return EEH_LINE_PHB_FAILURE;
	}
	if (match(s, "PE location: %L, PHB location: %L", l->pe_loc, l->phb_loc))
		return EEH_LINE_LOCATION;
	if (match(s,
		  "This PCI device has failed %d times in the last hour and will be "
		  "permanently disabled after %d failures.",
		  &n, &m)) {
		l->count = n;
		l->max = m;
		return EEH_LINE_FREEZE_COUNT;
	}
	if (match(s, "This PCI device has failed %d times in the last hour%*", &n)) {
		l->count = n;
		return EEH_LINE_FREEZE_COUNT;
	}
	if (match(s, "PHB#%x-PE#%x has failed %d times in the%*", &a, &b, &n) &&
	    strstr(s, "permanently disabled")) {
		set_pe(l, a, b);
		l->count = n;
		return EEH_LINE_PERM_DISABLED;
	}
	if (match(s, "Permanent failure"))
		return EEH_LINE_PERMANENT_FAILURE;
	if (match(s, "Finished:'%W' with aggregate recovery state:'%W'", l->driver, l->word)) {
		l->driver[0] = '\0';
		return EEH_LINE_AGGREGATE;
	}
	if (match(s, "Failure %d resetting PHB#%x-PE#%x (attempt %d)", &n, &a, &b, &m)) {
		set_pe(l, a, b);
		l->rc = n;
		l->count = m;
		return EEH_LINE_RESET_FAILURE;
	}
	if (match(s, "Unrecoverable slot failure on PHB#%x-PE#%x", &a, &b)) {
		set_pe(l, a, b);
		return EEH_LINE_UNRECOVERABLE;
	}
	if (match(s, "Recovery successful."))
		return EEH_LINE_SUCCESS;
	if (match(s, "Unable to recover from failure from PHB#%x-PE#%x.%*", &a, &b)) {
		set_pe(l, a, b);
		return EEH_LINE_FAILED;
	}
	if (match(s, "Failure of PHB#%x-PE#%x will be handled at parent PHB#%x-PE#%x.", &a, &b, &c,
		  &d)) {
		set_pe(l, c, d);
		return EEH_LINE_PARENT;
	}
	if (match(s, "Clear non-existing PHB#%x-PE#%x", &a, &b)) {
		set_pe(l, a, b);
		return EEH_LINE_CLEAR;
	}
	if (match(s, "Event dropped due to no_recover setting"))
		return EEH_LINE_EVENT_DROPPED;
	return EEH_LINE_OTHER;
}

enum eeh_line_kind eeh_line_parse(const char *text, size_t len, struct eeh_line *out)
{
	char buf[LINE_MAX_COPY];
	const char *s;
	uint32_t pe, a, b, c;
	int n, t, f;

	memset(out, 0, sizeof(*out));
	if (!text)
		len = 0;
	if (len >= sizeof(buf))
		len = sizeof(buf) - 1;
	/* An embedded NUL ends the text (kmsg escapes real NULs, so it is junk after it). */
	size_t i;
	for (i = 0; i < len && text[i] != '\0'; i++)
		buf[i] = text[i];
	buf[i] = '\0';
	s = skip_prefixes(buf);

	if (strncmp(s, "EEH: ", 5) == 0) {
		out->kind = parse_global(s + 5, out);
		return out->kind;
	}
	/* Per-device prefix: "PCI %04x:%02x:%02x.%x#%04x: EEH: " */
	if (match(s, "PCI %B#%x: EEH: %*", out->bdf, &pe)) {
		const char *rest = strstr(s, ": EEH: ") + 7;
		unsigned dom = 0;
		if (eeh_parse_bdf(out->bdf, &dom, &a, &b, &c) == 0) {
			out->have_phb = true;
			out->phb = dom;
		}
		if (pe != 0xffff) {
			out->have_pe = true;
			out->pe = pe;
		}
		if (match(rest, "%W driver reports: '%W'", out->driver, out->word))
			out->kind = EEH_LINE_DRIVER_REPORT;
		else
			out->kind = EEH_LINE_DEVICE;
		return out->kind;
	}
	if (match(s, "pnv_eeh_err_inject: Failure %d injecting error %d-%d to PHB#%x-PE#%x", &n, &t,
		  &f, &a, &b)) {
		set_pe(out, a, b);
		out->rc = n;
		out->count = t;
		out->max = f;
		out->kind = EEH_LINE_INJECT_FAILURE;
		return out->kind;
	}
	if (match(s, "eeh_unfreeze_pe: Failure %d enabling %W on PHB#%x-PE#%x", &n, out->word, &a,
		  &b) ||
	    match(s, "pnv_eeh_set_option: Failure %d freezing PHB#%x-PE#%x", &n, &a, &b)) {
		set_pe(out, a, b);
		out->rc = n;
		out->kind = EEH_LINE_OTHER;
		return out->kind;
	}
	if (match(s, "eeh_handle_normal_event: Cannot reset, err=%d", &n)) {
		out->rc = n;
		out->kind = EEH_LINE_OTHER;
		return out->kind;
	}
	out->kind = EEH_LINE_NONE;
	return out->kind;
}

const char *eeh_line_kind_name(enum eeh_line_kind k)
{
	static const char *const names[EEH_LINE__COUNT] = {
		[EEH_LINE_NONE] = "none",
		[EEH_LINE_OTHER] = "other",
		[EEH_LINE_DETECTED] = "detected",
		[EEH_LINE_FENCED_PHB] = "fenced-phb",
		[EEH_LINE_DEAD_PHB] = "dead-phb",
		[EEH_LINE_DEAD_IOC] = "dead-ioc",
		[EEH_LINE_RECOVERING] = "recovering",
		[EEH_LINE_FROZEN] = "frozen",
		[EEH_LINE_PHB_FAILURE] = "phb-failure",
		[EEH_LINE_LOCATION] = "location",
		[EEH_LINE_FREEZE_COUNT] = "freeze-count",
		[EEH_LINE_PERM_DISABLED] = "permanently-disabled",
		[EEH_LINE_PERMANENT_FAILURE] = "permanent-failure",
		[EEH_LINE_AGGREGATE] = "aggregate",
		[EEH_LINE_DRIVER_REPORT] = "driver-report",
		[EEH_LINE_DEVICE] = "device",
		[EEH_LINE_RESET_FAILURE] = "reset-failure",
		[EEH_LINE_UNRECOVERABLE] = "unrecoverable",
		[EEH_LINE_SUCCESS] = "success",
		[EEH_LINE_FAILED] = "failed",
		[EEH_LINE_PARENT] = "parent",
		[EEH_LINE_CLEAR] = "clear",
		[EEH_LINE_EVENT_DROPPED] = "event-dropped",
		[EEH_LINE_INJECT_FAILURE] = "inject-failure",
	};
	if ((unsigned)k >= EEH_LINE__COUNT || !names[k])
		return "unknown";
	return names[k];
}
