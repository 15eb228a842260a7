/* pbr-settle simulate: placeholder until the what-if command lands. */
#include "commands.h"
#include "util.h"

int cmd_simulate(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return pbr_error(EX_SOFTWARE, "simulate is not implemented yet");
}
