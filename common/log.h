/*
 * log.h - daemon and tool logging: one line per event on stderr, key=value.
 *
 * journald adds the timestamp and unit; we add the level and the program name.
 * log_set_level() filters; tests raise it to keep output quiet.
 */
#ifndef OPAL_RAS_COMMON_LOG_H
#define OPAL_RAS_COMMON_LOG_H

enum log_level { LOG_LVL_DEBUG, LOG_LVL_INFO, LOG_LVL_WARN, LOG_LVL_ERR };

void log_set_prog(const char *prog);
void log_set_level(enum log_level lvl);
void log_msg(enum log_level lvl, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_debug(...) log_msg(LOG_LVL_DEBUG, __VA_ARGS__)
#define log_info(...) log_msg(LOG_LVL_INFO, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_LVL_WARN, __VA_ARGS__)
#define log_err(...) log_msg(LOG_LVL_ERR, __VA_ARGS__)

#endif
