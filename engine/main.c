/*
 * main.c - pbr-settle: command dispatch, --help, --version, --db.
 */
#include "cmd_demo_data.h"
#include "cmd_report.h"
#include "commands.h"
#include "db.h"
#include "util.h"

#include <stdio.h>
#include <string.h>

static const char usage_text[] =
	"Usage: pbr-settle [--db CONNINFO] COMMAND [OPTIONS]\n"
	"\n"
	"Settles payment-by-results rehabilitation contracts from PostgreSQL\n"
	"and writes signed, auditable XML settlement statements.\n"
	"\n"
	"Commands:\n"
	"  migrate                              apply migrations/ (checksummed)\n"
	"  run --period P --out DIR [--contract ID]... [--dry-run]\n"
	"      [--restate --reason TEXT] [--sign-key PEM --sign-cert PEM | --unsigned]\n"
	"      [--no-wait] [--jobs N]           settle cohort P-7 of every contract\n"
	"                                       (FINAL statements are signed unless --unsigned)\n"
	"  run --month YYYY-MM --out DIR ...    the same options: monthly fee-for-service\n"
	"                                       statements of every contract billed (SPEC 11)\n"
	"  verify FILE.xml [--cert PEM]... [--allow-unsigned]\n"
	"                                       XSD + signatures + ledger + recompute from the database\n"
	"  certify FILE.xml --sign-key PEM --sign-cert PEM --out FILE\n"
	"                                       an independent validator countersigns\n"
	"  import cohort FILE.csv               COPY a feed into pbr.cohort_member\n"
	"  demo-data --members N [--seed S]     deterministic synthetic data set\n"
	"  report FILE.xml --format html|csv --out FILE [--cert PEM]\n"
	"  report --pcc CODE --from P1 --to P2 --format html|csv --out FILE\n"
	"  report --index DIR [--format html|csv] --out FILE [--cert PEM]\n"
	"  report --contract-year ID YEAR --format html|csv --out FILE\n"
	"                                       one PCC area over the statements in force\n"
	"  history [--contract ID] [--period P | --month M] [--format text|csv]\n"
	"  simulate --period P --tariff FILE [--contract ID]... [--out DIR]\n"
	"                                       what-if tariff: now vs draft, records nothing\n"
	"\n"
	"Options:\n"
	"  --db CONNINFO   libpq connection string (default: PGHOST, PGDATABASE, ...)\n"
	"  --help          this text\n"
	"  --version       the engine version\n"
	"\n"
	"Exit codes (sysexits.h): 0 ok, 1 verify mismatch, 64 usage, 65 data,\n"
	"66 missing input, 69 database unavailable, 70 internal, 73 cannot create\n"
	"output, 74 I/O error, 75 lock held.\n";

struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
};

static const struct command commands[] = {
	{ "migrate", cmd_migrate },
	{ "run", cmd_run },
	{ "verify", cmd_verify },
	{ "certify", cmd_certify },
	{ "import", cmd_import },
	{ "demo-data", cmd_demo_data },
	{ "report", cmd_report },
	{ "history", cmd_history },
	{ "simulate", cmd_simulate },
};

/* Takes --db CONNINFO / --db=CONNINFO out of argv, wherever it stands. */
static int take_db_option(int *argc, char **argv)
{
	int out = 1;

	for (int i = 1; i < *argc; i++) {
		if (strcmp(argv[i], "--db") == 0) {
			if (i + 1 >= *argc)
				return pbr_error(EX_USAGE, "--db needs a connection string");
			pbr_conninfo = argv[++i];
		} else if (strncmp(argv[i], "--db=", 5) == 0) {
			pbr_conninfo = argv[i] + 5;
		} else {
			argv[out++] = argv[i];
		}
	}
	*argc = out;
	argv[out] = NULL;
	return 0;
}

int main(int argc, char **argv)
{
	if (take_db_option(&argc, argv) != 0)
		return EX_USAGE;
	if (argc < 2) {
		fputs(usage_text, stderr);
		return EX_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		fputs(usage_text, stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("pbr-settle %s\n", PBR_VERSION);
		return 0;
	}
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].fn(argc - 1, argv + 1);
	return pbr_error(EX_USAGE, "unknown command '%s' (try --help)", argv[1]);
}
