/* SPDX-License-Identifier: Apache-2.0 */
/* tsv.c -- the tab-separated table reader behind every project table in the bundle. */
#include "rules/tsv.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/date.h"
#include "rules/bundle.h"
#include "slpcoder/cms.h"

int slp__file_open(const char *fullpath, int *fd, off_t *size) {
  /* O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer; fstat then tells
   * what the name really is (after symlinks) before a single byte is read. */
  int f = open(fullpath, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (f < 0)
    return errno;
  struct stat st;
  if (fstat(f, &st) != 0) {
    int err = errno;
    close(f);
    return err;
  }
  int rc = !S_ISREG(st.st_mode)        ? SLP__FILE_NOT_REGULAR
           : st.st_size > SLP__FILE_MAX ? SLP__FILE_TOO_LARGE
                                       : 0;
  /* A regular file never blocks anyway; clear the flag so stdio sees an ordinary fd. */
  if (rc == 0 && fcntl(f, F_SETFL, fcntl(f, F_GETFL) & ~O_NONBLOCK) != 0)
    rc = errno;
  if (rc != 0) {
    close(f);
    return rc;
  }
  *fd = f;
  if (size != NULL)
    *size = st.st_size;
  return 0;
}

const char *slp__file_strerror(int rc) {
  switch (rc) {
  case SLP__FILE_NOT_REGULAR:
    return "not a regular file";
  case SLP__FILE_TOO_LARGE:
    return "larger than the 2 GiB limit for a bundle file";
  default:
    return strerror(rc);
  }
}

void slp__file_report(slp_rules_errors_t *errs, const char *path, const char *what, int rc) {
  if (rc < 0) /* about the file itself: "file:0: not a regular file" */
    slp_rules_errorf(errs, path, 0, "%s", slp__file_strerror(rc));
  else
    slp_rules_errorf(errs, path, 0, "%s: %s", what, strerror(rc));
}

int slp__read_file(const char *fullpath, char **buf, size_t *len) {
  int fd;
  off_t size;
  int rc = slp__file_open(fullpath, &fd, &size);
  if (rc != 0)
    return rc;
  /* One allocation sized by fstat; a file that grows while it is read is followed up to the
   * cap and refused beyond it, never grown without bound. */
  size_t cap = (size_t)size + 1, n = 0;
  char *b = malloc(cap + 1);
  while (b != NULL) {
    ssize_t got = read(fd, b + n, cap - n);
    if (got < 0) {
      if (errno == EINTR)
        continue;
      rc = errno;
      break;
    }
    if (got == 0)
      break;
    n += (size_t)got;
    if (n < cap)
      continue;
    if (cap > SLP__FILE_MAX) {
      rc = SLP__FILE_TOO_LARGE;
      break;
    }
    size_t ncap = cap * 2 > (size_t)SLP__FILE_MAX + 1 ? (size_t)SLP__FILE_MAX + 1 : cap * 2;
    char *nb = realloc(b, ncap + 1);
    if (nb == NULL) {
      free(b);
      b = NULL;
      break;
    }
    b = nb;
    cap = ncap;
  }
  close(fd);
  if (b == NULL && rc == 0)
    rc = ENOMEM;
  if (rc != 0) {
    free(b);
    return rc;
  }
  b[n] = '\0';
  *buf = b;
  *len = n;
  return 0;
}

long slp__nul_line(const char *buf, size_t len) {
  const char *z = memchr(buf, '\0', len);
  if (z == NULL)
    return 0;
  long line = 1;
  for (const char *p = buf; p < z; p++)
    line += *p == '\n';
  return line;
}

void slp__tsv_error(slp__tsv_t *t, const char *fmt, ...) {
  char msg[SLP_RULES_ERROR_LEN];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  slp_rules_errorf(t->errs, t->path, t->line, "%s", msg);
  t->bad++;
}

/* Cut the next line out of the buffer (NUL-terminating it); NULL at the end. A line holding a
 * NUL byte is reported and passed over: cutting it at the NUL would read a different row. */
static char *next_line(slp__tsv_t *t) {
  for (;;) {
    if (t->pos >= t->len)
      return NULL;
    char *s = t->buf + t->pos;
    char *e = memchr(s, '\n', t->len - t->pos);
    size_t l = e != NULL ? (size_t)(e - s) : t->len - t->pos;
    t->pos += l + (e != NULL);
    s[l] = '\0'; /* the '\n', or the terminator slp__read_file put after the last byte */
    t->line++;
    if (memchr(s, '\0', l) != NULL) {
      slp_rules_errorf(t->errs, t->path, t->line, "NUL byte");
      continue;
    }
    if (l > 0 && s[l - 1] == '\r')
      s[l - 1] = '\0';
    return s;
  }
}

static bool skippable(const char *s) {
  while (*s == ' ' || *s == '\t')
    s++;
  return *s == '\0' || *s == '#';
}

static size_t split(char *s, char **cells, size_t max) {
  size_t n = 0;
  for (;;) {
    char *tab = strchr(s, '\t');
    if (n < max)
      cells[n] = s;
    n++;
    if (tab == NULL)
      break;
    *tab = '\0';
    s = tab + 1;
  }
  return n;
}

int slp__tsv_open(slp__tsv_t *t, const char *dir, const char *rel, const char *const *cols,
                  size_t ncols, slp_rules_errors_t *errs) {
  memset(t, 0, sizeof *t);
  t->path = rel;
  t->errs = errs;
  t->cols = cols;
  t->ncols = ncols;
  char full[4096];
  snprintf(full, sizeof full, "%s/%s", dir, rel);
  int rc = slp__read_file(full, &t->buf, &t->len);
  if (rc != 0) {
    slp__file_report(errs, rel, "cannot read the table", rc);
    return -1;
  }
  char *s;
  while ((s = next_line(t)) != NULL && skippable(s))
    ;
  if (s == NULL) {
    slp_rules_errorf(errs, rel, t->line, "no header line");
    slp__tsv_close(t);
    return -1;
  }
  char *cells[SLP__TSV_MAX_COLS];
  size_t n = split(s, cells, SLP__TSV_MAX_COLS);
  bool ok = n == ncols;
  for (size_t i = 0; ok && i < n; i++)
    ok = strcmp(cells[i], cols[i]) == 0;
  if (!ok) {
    char want[SLP_RULES_ERROR_LEN] = "";
    for (size_t i = 0; i < ncols; i++) {
      strncat(want, i ? ", " : "", sizeof want - strlen(want) - 1);
      strncat(want, cols[i], sizeof want - strlen(want) - 1);
    }
    slp_rules_errorf(errs, rel, t->line, "header must name the tab-separated columns %s", want);
    slp__tsv_close(t);
    return -1;
  }
  return 0;
}

int slp__tsv_next(slp__tsv_t *t) {
  char *s;
  while ((s = next_line(t)) != NULL) {
    if (skippable(s))
      continue;
    size_t n = split(s, t->cell, SLP__TSV_MAX_COLS);
    t->bad = 0;
    if (n != t->ncols) {
      slp_rules_errorf(t->errs, t->path, t->line, "expected %zu tab-separated columns, found %zu",
                       t->ncols, n);
      continue;
    }
    return 1;
  }
  return 0;
}

void slp__tsv_close(slp__tsv_t *t) {
  free(t->buf);
  t->buf = NULL;
}

static int bad_cell(slp__tsv_t *t, size_t col, const char *what) {
  slp__tsv_error(t, "column %s: \"%.40s\" is not %s", t->cols[col], t->cell[col], what);
  return -1;
}

int slp__tsv_uint(slp__tsv_t *t, size_t col, uint32_t max, uint32_t *out) {
  const char *s = t->cell[col];
  uint64_t v = 0;
  if (*s == '\0')
    return bad_cell(t, col, "a whole number");
  for (; *s; s++) {
    if (!isdigit((unsigned char)*s) || (v = v * 10 + (uint64_t)(*s - '0')) > max)
      return bad_cell(t, col, "a whole number in range");
  }
  *out = (uint32_t)v;
  return 0;
}

int slp__tsv_int(slp__tsv_t *t, size_t col, int32_t min, int32_t max, int32_t *out) {
  uint32_t v;
  const char *s = t->cell[col];
  if (!isdigit((unsigned char)*s))
    return bad_cell(t, col, "a whole number");
  if (slp__tsv_uint(t, col, (uint32_t)max, &v) != 0)
    return -1;
  if ((int32_t)v < min)
    return bad_cell(t, col, "a whole number in range");
  *out = (int32_t)v;
  return 0;
}

int slp__tsv_decimal(slp__tsv_t *t, size_t col, int places, int64_t *out) {
  const char *s = t->cell[col];
  int64_t v = 0;
  int frac = -1, digits = 0;
  for (; *s; s++) {
    if (*s == '.' && frac < 0) {
      frac = 0;
      continue;
    }
    if (!isdigit((unsigned char)*s) || ++digits > 15)
      return bad_cell(t, col, "a decimal number");
    if (frac >= 0 && ++frac > places)
      return bad_cell(t, col, "a decimal number with few enough decimals");
    v = v * 10 + (*s - '0');
  }
  if (digits == 0)
    return bad_cell(t, col, "a decimal number");
  for (int i = frac < 0 ? 0 : frac; i < places; i++)
    v *= 10;
  *out = v;
  return 0;
}

int slp__tsv_date(slp__tsv_t *t, size_t col, bool open_end, int32_t *days) {
  if (open_end && strcmp(t->cell[col], "*") == 0) {
    *days = SLP__NO_END;
    return 0;
  }
  if (slp_date_parse(t->cell[col], days) != 0)
    return bad_cell(t, col, open_end ? "a YYYY-MM-DD date or *" : "a YYYY-MM-DD date");
  return 0;
}

int slp__tsv_code(slp__tsv_t *t, size_t col, bool allow_none, char out[8]) {
  const char *s = t->cell[col];
  memset(out, 0, SLP__CODE);
  if (allow_none && strcmp(s, "-") == 0)
    return 0;
  if (strlen(s) != 5)
    return bad_cell(t, col, "a 5-character procedure code");
  for (int i = 0; i < 5; i++)
    if (!isdigit((unsigned char)s[i]) && !isupper((unsigned char)s[i]))
      return bad_cell(t, col, "a 5-character procedure code");
  memcpy(out, s, 5);
  return 0;
}

int slp__tsv_enum(slp__tsv_t *t, size_t col, const char *const *names, size_t n, int *out) {
  for (size_t i = 0; i < n; i++)
    if (names[i] != NULL && strcmp(names[i], t->cell[col]) == 0) {
      *out = (int)i;
      return 0;
    }
  char what[160] = "one of";
  for (size_t i = 0; i < n; i++)
    if (names[i] != NULL) {
      strncat(what, i ? " " : " ", sizeof what - strlen(what) - 1);
      strncat(what, names[i], sizeof what - strlen(what) - 1);
    }
  return bad_cell(t, col, what);
}

int slp__tsv_bool(slp__tsv_t *t, size_t col, bool *out) {
  static const char *const yn[] = {"no", "yes"};
  int v;
  if (slp__tsv_enum(t, col, yn, 2, &v) != 0)
    return -1;
  *out = v == 1;
  return 0;
}

int slp__tsv_id(slp__tsv_t *t, size_t col, char *out, size_t len) {
  const char *s = t->cell[col];
  size_t l = strlen(s);
  if (l == 0 || l >= len || strpbrk(s, " \t") != NULL)
    return bad_cell(t, col, "an identifier");
  memset(out, 0, len);
  memcpy(out, s, l);
  return 0;
}
