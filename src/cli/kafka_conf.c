/* SPDX-License-Identifier: Apache-2.0 */
/* kafka_conf.c -- -X settings handed to librdkafka for the CLI's own clients. */
#include "cli/kafka_conf.h"

#include <stdio.h>
#include <string.h>

int cli_kafka_conf_apply(rd_kafka_conf_t *conf, const char *const *props, int n, char *err,
                         size_t errlen) {
  for (int i = 0; i < n; i++) {
    const char *p = props[i];
    const char *k = strncmp(p, "kafka.", 6) == 0 ? p + 6 : p;
    const char *eq = strchr(k, '=');
    char key[256], errstr[512];
    if (!eq || eq == k || (size_t)(eq - k) >= sizeof key) {
      snprintf(err, errlen, "-X %s: expected kafka.property=value", p);
      return -1;
    }
    snprintf(key, sizeof key, "%.*s", (int)(eq - k), k);
    if (rd_kafka_conf_set(conf, key, eq + 1, errstr, sizeof errstr) != RD_KAFKA_CONF_OK) {
      snprintf(err, errlen, "-X %s: %s", key, errstr);
      return -1;
    }
  }
  return 0;
}
