/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_common.h -- what the libFuzzer targets share: a scratch file per process, the rules
 * bundle of the build tree, and the invariant checks on error text. Header-only: each target is
 * one .c file (fuzz/CMakeLists.txt). */
#ifndef SLPCODER_FUZZ_COMMON_H
#define SLPCODER_FUZZ_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "slpcoder/rules.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* An invariant broke: say which on stderr and abort, so libFuzzer keeps the input. */
#define FUZZ_ASSERT(cond, ...)                                                                     \
  do {                                                                                             \
    if (!(cond)) {                                                                                 \
      fprintf(stderr, "fuzz invariant failed (%s:%d): %s: ", __FILE__, __LINE__, #cond);           \
      fprintf(stderr, __VA_ARGS__);                                                                \
      fputc('\n', stderr);                                                                         \
      abort();                                                                                     \
    }                                                                                              \
  } while (0)

/* A fresh directory under $TMPDIR (or /tmp) for this process, removed at exit. */
static char fuzz_dir_path[512];

static inline void fuzz_dir_remove(void) {
  char cmd[600];
  if (fuzz_dir_path[0] == '\0')
    return;
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", fuzz_dir_path);
  if (system(cmd) != 0)
    fprintf(stderr, "could not remove %s\n", fuzz_dir_path);
}

static inline const char *fuzz_dir(void) {
  if (fuzz_dir_path[0] == '\0') {
    const char *tmp = getenv("TMPDIR");
    snprintf(fuzz_dir_path, sizeof fuzz_dir_path, "%s/slpcoder-fuzz-XXXXXX",
             tmp != NULL ? tmp : "/tmp");
    if (mkdtemp(fuzz_dir_path) == NULL)
      abort();
    atexit(fuzz_dir_remove);
  }
  return fuzz_dir_path;
}

/* Write data to path (replacing it). */
static inline void fuzz_write(const char *path, const uint8_t *data, size_t size) {
  FILE *fp = fopen(path, "wb");
  FUZZ_ASSERT(fp != NULL, "%s", path);
  FUZZ_ASSERT(size == 0 || fwrite(data, 1, size, fp) == size, "%s", path);
  FUZZ_ASSERT(fclose(fp) == 0, "%s", path);
}

/* The build tree's default bundle (compiled in by fuzz/CMakeLists.txt), or $SLPCODER_RULES. */
static inline const char *fuzz_rules_dir(void) {
  const char *env = getenv("SLPCODER_RULES");
  return env != NULL && *env ? env : SLPCODER_FUZZ_RULES;
}

static inline slp_rules_t *fuzz_rules(void) {
  static slp_rules_t *rules;
  if (rules == NULL) {
    slp_rules_errors_t errs;
    if (slp_rules_load(fuzz_rules_dir(), &rules, &errs) != 0) {
      for (size_t i = 0; i < errs.n; i++)
        fprintf(stderr, "%s\n", errs.lines[i]);
      abort();
    }
  }
  return rules;
}

/* An error message: NUL-terminated inside its buffer, non-empty, one line. */
static inline void fuzz_check_message(const char *msg, size_t cap) {
  const char *nul = memchr(msg, '\0', cap);
  FUZZ_ASSERT(nul != NULL, "message not terminated");
  FUZZ_ASSERT(nul > msg, "empty message");
  FUZZ_ASSERT(memchr(msg, '\n', (size_t)(nul - msg)) == NULL, "%s", msg);
}

/* A loader error says where: "path:line: what" with a non-empty path and what. */
static inline void fuzz_check_rules_errors(const slp_rules_errors_t *errs) {
  FUZZ_ASSERT(errs->n <= SLP_RULES_MAX_ERRORS, "%zu errors", errs->n);
  FUZZ_ASSERT(errs->n_total >= errs->n, "n_total %zu < n %zu", errs->n_total, errs->n);
  for (size_t i = 0; i < errs->n; i++) {
    const char *e = errs->lines[i];
    fuzz_check_message(e, SLP_RULES_ERROR_LEN);
    const char *colon = strchr(e, ':');
    FUZZ_ASSERT(colon != NULL && colon > e, "no path: %s", e);
    const char *p = colon + 1;
    FUZZ_ASSERT(*p >= '0' && *p <= '9', "no line: %s", e);
    while (*p >= '0' && *p <= '9')
      p++;
    FUZZ_ASSERT(p[0] == ':' && p[1] == ' ' && p[2] != '\0', "not path:line: what: %s", e);
  }
}

#endif /* SLPCODER_FUZZ_COMMON_H */
