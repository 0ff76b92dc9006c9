/* SPDX-License-Identifier: Apache-2.0 */
/* replay_ledger.h -- what an interrupted replay already produced, so a re-run does not repeat it.
 *
 * A replay commits its progress (the source offsets) after its records are delivered. A run
 * killed between a delivery and the next commit leaves delivered records whose source offsets
 * are not committed. To find them, every commit stores a mark in the commit metadata: the
 * target topic's high watermarks once the batch was delivered. A re-run reads the target topic
 * from that mark to its end and collects the slpcoder.replay.of coordinates its own group
 * produced; those records are passed over instead of produced again.
 *
 * This works the same on a real broker and on librdkafka's mock cluster (which stores neither
 * transactional offsets nor hides aborted records), and needs nothing but the idempotent
 * producer and the consumer group the replay already has.
 */
#ifndef SLPCODER_CLI_REPLAY_LEDGER_H
#define SLPCODER_CLI_REPLAY_LEDGER_H

#include <stdbool.h>
#include <stddef.h>

#include <librdkafka/rdkafka.h>

typedef struct replay_ledger replay_ledger_t;

/* Scan target from mark (the metadata of the last commit; NULL or "" = a fresh replay, nothing
 * to scan) for records whose slpcoder.replay.group header is group. conf is taken (also on
 * failure). 0, or -1 with err set. */
int replay_ledger_recover(rd_kafka_conf_t *conf, const char *group, const char *target,
                          const char *mark, replay_ledger_t **out, char *err, size_t errlen);

/* Was the record at coordinate of ("topic/partition/offset" of the source) already produced?
 * True once per recovered coordinate (it is then forgotten). */
bool replay_ledger_take(replay_ledger_t *l, const char *of);

/* Recovered coordinates not met again yet. */
size_t replay_ledger_pending(const replay_ledger_t *l);
size_t replay_ledger_recovered(const replay_ledger_t *l);

/* The mark to commit now: the target's high watermarks (queried with rk), or the recovered
 * mark unchanged while recovered records are still pending (a later re-run must scan them
 * again). Written into buf. 0, or -1 with err set. */
int replay_ledger_mark(replay_ledger_t *l, rd_kafka_t *rk, char *buf, size_t len, char *err,
                       size_t errlen);

void replay_ledger_free(replay_ledger_t *l);

#endif
