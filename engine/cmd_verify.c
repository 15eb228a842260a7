/* placeholder until verify lands */
#include "commands.h"
#include "util.h"
int cmd_verify(int argc, char **argv) { (void)argc; (void)argv; return pbr_error(EX_SOFTWARE, "verify: not yet"); }
int cmd_history(int argc, char **argv) { (void)argc; (void)argv; return pbr_error(EX_SOFTWARE, "history: not yet"); }
