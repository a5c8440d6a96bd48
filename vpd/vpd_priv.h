/*
 * vpd_priv.h - helpers shared by the files of the vpd module only (not an API).
 */
#ifndef OPAL_RAS_VPD_VPD_PRIV_H
#define OPAL_RAS_VPD_VPD_PRIV_H

#include "vpd/vpd.h"

struct json_writer;

/* Append one formatted warning (counted even when the array is full). */
void vpd_warn(struct vpd_warnings *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* JSON array of keywords (docs/vpd-json.md). */
void vpd_keywords_write_json(struct json_writer *w, const struct vpd_keyword *kw, size_t n,
			     bool ipz);

#endif
