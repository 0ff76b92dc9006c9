/* SPDX-License-Identifier: Apache-2.0 */
/* probe.h -- a connectivity check for slpcoderd --check-config --connect.
 *
 * Thread: the loop thread, before the loop runs (it blocks up to timeout_ms).
 */
#ifndef SLPCODER_IO_PROBE_H
#define SLPCODER_IO_PROBE_H

#include <stddef.h>

#include "io/config.h"

/* Ask the cluster (cfg's kafka.* settings; bootstrap overrides bootstrap.servers when not
 * NULL) for its metadata within timeout_ms, and check that topic.input, topic.coded,
 * topic.rejected and topic.dlq exist with partitions. Returns 0, or -1 with err naming the
 * setting at fault (kafka.bootstrap.servers, or the topic key and name). */
int slp_probe_cluster(const slp_config_t *cfg, const char *bootstrap, int timeout_ms, char *err,
                      size_t errlen);

#endif /* SLPCODER_IO_PROBE_H */
