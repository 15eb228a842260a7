/*
 * cmd_demo_data.h - pbr-settle demo-data --members N [--seed S]: loads the
 * reference data of the 21 Contract Package Areas and N deterministic
 * synthetic cohort rows (with about 0.5 % planted bad rows).
 */
#ifndef PBR_CMD_DEMO_DATA_H
#define PBR_CMD_DEMO_DATA_H

/* argv[0] is "demo-data".  Returns a sysexits code. */
int cmd_demo_data(int argc, char **argv);

#endif
