/* SPDX-License-Identifier: Apache-2.0 */
/* gen_cli.h -- `slpcoder gen`: write synthetic sessions to a Kafka topic or a file. */
#ifndef SLPCODER_GEN_GEN_CLI_H
#define SLPCODER_GEN_GEN_CLI_H

#include <stdint.h>
#include <stdio.h>

#include "gen/gen.h"

/* Where `gen --brokers` sends its items. The generator library has no Kafka client: the program
 * that runs the command passes a producer in (src/cli/gen_kafka.c, librdkafka). Runs on the
 * calling thread only. */
typedef struct slp_gen_sink slp_gen_sink_t;
typedef struct slp_gen_sink_ops {
  /* A producer to topic on brokers with the -X settings as given ("kafka.prop=value" or
   * "prop=value"). NULL on failure, with one line on stderr and the exit code in *rc. */
  slp_gen_sink_t *(*open)(const char *brokers, const char *topic, const char *const *props,
                          int n_props, int *rc);
  /* Queue one item (the sink copies what it keeps). 0, or an exit code. */
  int (*put)(slp_gen_sink_t *sink, const slp_gen_item_t *item);
  /* Wait for every delivery report and free the sink. *acked: items with a successful delivery
   * report. 0 when every item put was acknowledged, else an exit code. */
  int (*close)(slp_gen_sink_t *sink, uint64_t *acked);
} slp_gen_sink_ops_t;

/* argv[0] is "gen"; kafka serves --brokers (NULL: --brokers is refused as unsupported).
 * Returns a process exit code (0, 64 usage, 69/74 I/O, 78 a -X setting). */
int slp_gen_cli_main(int argc, char **argv, const slp_gen_sink_ops_t *kafka);

/* The --help text of `slpcoder gen` (also printed into the slpcoder(1) man page). */
void slp_gen_cli_usage(FILE *out);

#endif /* SLPCODER_GEN_GEN_CLI_H */
