/*
 * event_render.h - stored events rendered as text, JSON and CSV.
 *
 * One renderer per format, shared by `opal-elog list/show/export/follow`, hook input
 * and the daemon's log lines. JSON field names are a stable interface, documented in
 * docs/event-json.md.
 */
#ifndef OPAL_RAS_ERRLOG_EVENT_RENDER_H
#define OPAL_RAS_ERRLOG_EVENT_RENDER_H

#include <stdbool.h>
#include <stdio.h>

#include "common/json.h"
#include "errlog/store_query.h"

void event_render_text_header(FILE *f);
void event_render_text_line(FILE *f, const struct stored_event *ev);
void event_render_csv_header(FILE *f);
void event_render_csv_line(FILE *f, const struct stored_event *ev);
/* The event as a JSON object. With s, also its callouts, history and deliveries. */
void event_render_json(struct json_writer *w, const struct stored_event *ev, struct store *s);
/* The full JSON view of `opal-elog show -o json` and of hook input:
 * {"event": {...event_render_json with details...}, "pel": {...decoded PEL...}} ("pel"
 * only for PEL events). */
void event_render_show_json(struct json_writer *w, const struct stored_event *ev,
			    struct store *s, bool hex);
/* The full non-PEL detail view (`opal-elog show`), with s for callouts and history. */
void event_render_text_full(FILE *f, const struct stored_event *ev, struct store *s);

#endif
