/* SPDX-License-Identifier: Apache-2.0 */
/* kafka_conf.h -- -X kafka.prop=value settings for the CLI's Kafka clients (diff, replay). */
#ifndef SLPCODER_CLI_KAFKA_CONF_H
#define SLPCODER_CLI_KAFKA_CONF_H

#include <stddef.h>

#include <librdkafka/rdkafka.h>

/* Set each "kafka.prop=value" (or "prop=value") on conf, verbatim for librdkafka.
 * 0, or -1 with err naming the setting and librdkafka's reason. */
int cli_kafka_conf_apply(rd_kafka_conf_t *conf, const char *const *props, int n, char *err,
                         size_t errlen);

#endif
