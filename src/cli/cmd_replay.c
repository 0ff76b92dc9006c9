/* cmd_replay.c -- `slpcoder replay` (placeholder). */
#include "cli/cli.h"
int cli_cmd_replay(int argc, char **argv) {
  (void)argc;
  (void)argv;
  return cli_usage_error("replay: not built yet");
}
