/*
 * commands.h - every subcommand main.c dispatches to.  Each takes its own
 * argv (argv[0] is the command name), parses its options with getopt_long
 * and returns a sysexits code (the same code for the same condition in
 * every command; main.c's --help lists them).
 */
#ifndef PBR_COMMANDS_H
#define PBR_COMMANDS_H

int cmd_migrate(int argc, char **argv);
int cmd_import(int argc, char **argv);
/* run --period and run --month (SPEC 7, 11.4): run_driver.c, with the
 * kinds' hooks in cmd_run.c and cmd_run_month.c */
int cmd_run(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_certify(int argc, char **argv);
int cmd_history(int argc, char **argv);
int cmd_simulate(int argc, char **argv);
int cmd_demo_data(int argc, char **argv);
int cmd_report(int argc, char **argv);

#endif
