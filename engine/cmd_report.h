/*
 * cmd_report.h - `pbr-settle report` (SPEC section 9): a statement
 * rendered as an HTML page or a CSV table (render.h), the PCC view
 * (pcc_view.h), the index of a directory (report_index.h) and the
 * contract year (year_view.h).
 *
 *   pbr-settle report FILE.xml --format html|csv --out FILE [--cert PEM]
 *   pbr-settle report --pcc CODE --from P1 --to P2 --format html|csv --out FILE
 *   pbr-settle report --index DIR [--format html|csv] --out FILE [--cert PEM]
 *   pbr-settle report --contract-year ID YEAR --format html|csv --out FILE
 *
 * Exit codes (sysexits.h): 0 ok, 64 usage (also a malformed --pcc,
 * --from, --to or --contract-year), 65 not a valid statement / unknown
 * PCC area or contract year, 66 input missing or unreadable, 69 database
 * unavailable, 70 internal (stylesheet or schema missing or broken), 73
 * cannot create the output, 74 write failure.
 */
#ifndef PBR_CMD_REPORT_H
#define PBR_CMD_REPORT_H

/* argv[0] is "report".  Returns an exit code; every failure has printed
 * one line on stderr. */
int cmd_report(int argc, char **argv);

#endif
