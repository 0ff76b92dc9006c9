/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_config.c -- libFuzzer target: the input as a slpcoderd configuration file, through
 * slp_config_load_file (libinih), slp_config_validate and the --check-config dump.
 *
 * Invariants: a refused file gets one line naming the file (and for a key, "path:line: key"),
 * never a crash, leak or undefined behaviour; an accepted file dumps. */
#include "fuzz_common.h"
#include "io/config.h"
#include "io/log.h"

static char path[700];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (path[0] == '\0') {
    snprintf(path, sizeof path, "%s/slpcoderd.conf", fuzz_dir());
    slp_log_threshold = SLP_LOG_ERROR; /* kafka.debug=all warns each time: keep stderr quiet */
  }
  fuzz_write(path, data, size);
  slp_config_t cfg;
  char err[512];
  slp_config_init(&cfg);
  if (slp_config_load_file(&cfg, path, err, sizeof err) != 0) {
    fuzz_check_message(err, sizeof err);
    FUZZ_ASSERT(strncmp(err, path, strlen(path)) == 0 && err[strlen(path)] == ':',
                "the error does not name the file: %s", err);
  } else if (slp_config_validate(&cfg, err, sizeof err) != 0) {
    fuzz_check_message(err, sizeof err);
  } else {
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    FUZZ_ASSERT(out != NULL, "open_memstream");
    slp_config_dump(&cfg, out);
    fclose(out);
    FUZZ_ASSERT(buf != NULL && strstr(buf, "topic.input = ") != NULL, "dump lacks topic.input");
    free(buf);
  }
  slp_config_free(&cfg);
  return 0;
}
