/* SPDX-License-Identifier: Apache-2.0 */
/* replay_fetch.h -- fetch the one message a "topic/partition/offset" source header names. */
#ifndef SLPCODER_CLI_REPLAY_FETCH_H
#define SLPCODER_CLI_REPLAY_FETCH_H

#include <stddef.h>

#include <librdkafka/rdkafka.h>

typedef struct replay_fetch replay_fetch_t;

/* A reader with no consumer group (per-partition streams, nothing committed). Takes conf (also on
 * failure; NULL conf fails with err already set). 0, or -1 with err set. */
int replay_fetch_new(rd_kafka_conf_t *conf, replay_fetch_t **out, char *err, size_t errlen);
void replay_fetch_free(replay_fetch_t *f);

/* The message at source ("topic/partition/offset", as slpcoder.source writes it); the caller
 * destroys *out. 0, or -1 with err saying why (malformed, gone by retention, timeout). */
int replay_fetch_source(replay_fetch_t *f, const char *source, rd_kafka_message_t **out, char *err,
                        size_t errlen);

#endif
