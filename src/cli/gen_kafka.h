/* SPDX-License-Identifier: Apache-2.0 */
/* gen_kafka.h -- the librdkafka producer behind `slpcoder gen --brokers` (and slpcoderd gen). */
#ifndef SLPCODER_CLI_GEN_KAFKA_H
#define SLPCODER_CLI_GEN_KAFKA_H

#include "gen/gen_cli.h"

/* Idempotent, acks=all, one request in flight per broker connection; see gen_kafka.c. */
extern const slp_gen_sink_ops_t cli_gen_kafka_sink;

#endif
