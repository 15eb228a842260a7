/*
 * cmd_demo_data.h - pbr-settle demo-data --members N [--seed S]: loads the
 * reference data of the 21 Contract Package Areas and N deterministic
 * synthetic cohort rows (with about 0.5 % planted bad rows).
 */
#ifndef PBR_CMD_DEMO_DATA_H
#define PBR_CMD_DEMO_DATA_H

#include <libpq-fe.h>

/* argv[0] is "demo-data".  Returns a sysexits code. */
int cmd_demo_data(int argc, char **argv);

/* demo_contract.c: the demo contracts' 2024 contract years, bands, KPIs,
 * twelve months of returns and a waiver (SPEC 11), inside the caller's
 * transaction.  weight_pm[i] is contract CRC(i+1)'s share of the caseload.
 * Returns 0, or the sysexits code of the one line printed (71 out of
 * memory, else the database failure's). */
int pbr_demo_contract_years(PGconn *conn, const int *weight_pm, int ncontracts);

#endif
