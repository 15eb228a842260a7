/*
 * main.c - pbr-settle: command dispatch, --help, --version, --db.
 */
#include "commands.h"
#include "db.h"
#include "util.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static const char usage_text[] =
	"Usage: pbr-settle [--db CONNINFO] COMMAND [OPTIONS]\n"
	"       pbr-settle COMMAND --help | --help | -V | --version\n"
	"\n"
	"Settles payment-by-results rehabilitation contracts from PostgreSQL\n"
	"and writes signed, auditable XML settlement statements.\n"
	"\n"
	"Commands:\n"
	"  migrate                              apply migrations/ (checksummed)\n"
	"  run --period P --out DIR [--contract ID]... [--dry-run]\n"
	"      [--restate --reason TEXT] [--sign-key PEM --sign-cert PEM | --unsigned]\n"
	"      [--allow-empty] [--no-wait] [--jobs N] [--quiet]\n"
	"                                       settle cohort P-7 of every contract\n"
	"                                       (FINAL statements are signed unless --unsigned)\n"
	"  run --month YYYY-MM --out DIR ...    the same options: monthly fee-for-service\n"
	"                                       statements of every contract billed (SPEC 11)\n"
	"  verify FILE.xml [--cert PEM]... [--allow-unsigned]\n"
	"                                       XSD + signatures + ledger + recompute from the database\n"
	"  certify FILE.xml --sign-key PEM --sign-cert PEM --out FILE\n"
	"                                       an independent validator countersigns\n"
	"  import cohort|volumes|kpis FILE.csv [--dry-run] [--again]\n"
	"                                       load a feed, all or nothing\n"
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
	"  --help          this text; COMMAND --help for one command\n"
	"  -V, --version   the engine version\n"
	"\n"
	"Exit codes (sysexits.h), the same in every command: 0 ok, 1 verify\n"
	"mismatch, 64 usage (a malformed --period, --contract or --db included),\n"
	"65 data, 66 missing or unreadable input file (a directory included),\n"
	"69 database unavailable, 70 internal error, 71 system error (out of\n"
	"memory, no thread, no clock), 73 cannot create output, 74 I/O error,\n"
	"75 lock held, 77 not permitted.\n";

/* Help of the commands whose own parser has no --help (no options). */
static const char migrate_help[] =
	"Usage: pbr-settle migrate\n"
	"\n"
	"Applies migrations/NNNN_name.sql in order, each once, in its own\n"
	"transaction, and records its SHA-256; a migration that changed after it\n"
	"was applied is refused (add a new one instead).\n";

struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help;   /* NULL: the command answers --help itself */
};

static const struct command commands[] = {
	{ "migrate", cmd_migrate, migrate_help },
	{ "run", cmd_run, NULL },
	{ "verify", cmd_verify, NULL },
	{ "certify", cmd_certify, NULL },
	{ "import", cmd_import, NULL },
	{ "demo-data", cmd_demo_data, NULL },
	{ "report", cmd_report, NULL },
	{ "history", cmd_history, NULL },
	{ "simulate", cmd_simulate, NULL },
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
	/* A malformed string is a usage error (64).  libpq's message could
	 * quote a password, so say only that it is malformed. */
	if (pbr_conninfo && *pbr_conninfo) {
		char *err = NULL;
		PQconninfoOption *opts = PQconninfoParse(pbr_conninfo, &err);

		PQfreemem(err);
		if (opts == NULL)
			return pbr_error(EX_USAGE, "--db is not a valid connection string (not shown: it may hold a password)");
		PQconninfoFree(opts);
	}
	return 0;
}

static bool wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
		if (strcmp(argv[i], "--help") == 0)
			return true;
	return false;
}

/* What a command (or --help, -V) wrote to stdout must reach it: a full
 * disk or a closed pipe found only at exit is 74, not a silent 0. */
static int flushed(const char *what, int rc)
{
	if (fflush(stdout) == 0 && !ferror(stdout))
		return rc;
	if (rc != 0)
		return rc;
	if (what == NULL)
		return pbr_error(EX_IOERR, "cannot write to standard output: %s", strerror(errno));
	return pbr_error(EX_IOERR, "%s: cannot write to standard output: %s", what, strerror(errno));
}

int main(int argc, char **argv)
{
	pbr_console_init();
	if (take_db_option(&argc, argv) != 0)
		return EX_USAGE;
	if (argc < 2) {
		fputs(usage_text, stderr);
		return EX_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		fputs(usage_text, stdout);
		return flushed(NULL, 0);
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
		printf("pbr-settle %s\n", PBR_VERSION);
		return flushed(NULL, 0);
	}
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
		if (strcmp(argv[1], commands[i].name) != 0)
			continue;
		if (commands[i].help && wants_help(argc - 1, argv + 1)) {
			fputs(commands[i].help, stdout);
			return flushed(commands[i].name, 0);
		}
		return flushed(commands[i].name, commands[i].fn(argc - 1, argv + 1));
	}
	return pbr_error(EX_USAGE, "unknown command '%.40s' (try --help)", argv[1]);
}
