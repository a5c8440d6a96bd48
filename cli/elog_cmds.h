/*
 * elog_cmds.h - the database subcommands of opal-elog (one function per subcommand,
 * argv[0] is the subcommand name; they return the process exit code).
 */
#ifndef OPAL_RAS_CLI_ELOG_CMDS_H
#define OPAL_RAS_CLI_ELOG_CMDS_H

int cmd_elog_import(int argc, char **argv);
int cmd_elog_list(int argc, char **argv);
int cmd_elog_show(int argc, char **argv);
int cmd_elog_stats(int argc, char **argv);
int cmd_elog_export(int argc, char **argv);
int cmd_elog_follow(int argc, char **argv);
int cmd_elog_close(int argc, char **argv);
int cmd_elog_reopen(int argc, char **argv);
int cmd_elog_prune(int argc, char **argv);
int cmd_elog_check(int argc, char **argv);
int cmd_elog_status(int argc, char **argv);
int cmd_elog_hooks(int argc, char **argv);

#endif
