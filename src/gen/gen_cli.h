/* gen_cli.h -- `slpcoder gen`: write synthetic sessions to a Kafka topic or a file. */
#ifndef SLPCODER_GEN_GEN_CLI_H
#define SLPCODER_GEN_GEN_CLI_H

/* argv[0] is "gen". Returns a process exit code (0, 64 usage, 69/74 I/O). */
int slp_gen_cli_main(int argc, char **argv);

#endif /* SLPCODER_GEN_GEN_CLI_H */
