/* SPDX-License-Identifier: Apache-2.0 */
/* cms_util.c -- line, tab and CSV reading shared by the CMS file parsers.
 * Why hand-written: see cms_util.h. */
#include "rules/cms_util.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/date.h"
#include "rules/tsv.h"

slp__cms_reader_t *slp__cms_open(const char *fullpath, const char *path, slp_rules_errors_t *errs) {
  slp__cms_reader_t *r = calloc(1, sizeof *r);
  if (r == NULL) {
    if (errs != NULL)
      slp_rules_errorf(errs, path, 0, "cannot open: out of memory");
    return NULL;
  }
  r->path = path;
  r->errs = errs;
  int fd;
  int rc = slp__file_open(fullpath, &fd, NULL); /* never blocks on a FIFO; size capped */
  if (rc == 0 && (r->fp = fdopen(fd, "rb")) == NULL) {
    rc = errno;
    close(fd);
  }
  if (rc != 0) {
    if (errs != NULL)
      slp__file_report(errs, path, "cannot open", rc);
    free(r);
    return NULL;
  }
  return r;
}

void slp__cms_close(slp__cms_reader_t *r) {
  if (r == NULL)
    return;
  if (r->fp != NULL)
    fclose(r->fp);
  free(r);
}

void slp__cms_error(slp__cms_reader_t *r, long line, const char *fmt, ...) {
  char msg[SLP_RULES_ERROR_LEN]; /* the message, before slp_rules_errorf adds "path:line: " */
  va_list ap;
  if (r->errs == NULL)
    return;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  slp_rules_errorf(r->errs, r->path, line, "%s", msg);
}

int slp__cms_next_line(slp__cms_reader_t *r) {
  size_t n = 0; /* bytes stored */
  bool toolong = false;
  bool nul = false;
  bool any = false; /* a byte of this line was read */
  if (r->eof)
    return 0;
  for (;;) {
    if (r->bpos == r->blen) {
      r->bpos = 0;
      r->blen = fread(r->buf, 1, sizeof r->buf, r->fp);
      r->bnul = memchr(r->buf, '\0', r->blen) != NULL; /* once a block, not once a line */
      if (r->blen == 0) {
        r->eof = true;
        if (ferror(r->fp)) {
          slp__cms_error(r, r->lineno + 1, "read error: %s", strerror(errno));
          return 0;
        }
        if (!any)
          return 0; /* no bytes after the last newline */
        break;
      }
    }
    const char *p = r->buf + r->bpos;
    size_t avail = r->blen - r->bpos;
    const char *nl = memchr(p, '\n', avail);
    size_t seg = nl ? (size_t)(nl - p) : avail;
    any = any || seg > 0 || nl;
    if (r->bnul && memchr(p, '\0', seg) != NULL)
      nul = true;
    size_t room = SLP__CMS_LINE_MAX + 1 - n; /* room for a trailing CR */
    if (seg > room) {
      toolong = true;
      seg = room;
    }
    memcpy(r->line + n, p, seg);
    n += seg;
    if (nl) {
      r->bpos += (size_t)(nl - p) + 1;
      break;
    }
    r->bpos = r->blen;
  }
  r->lineno++;
  if (!toolong && n > 0 && r->line[n - 1] == '\r')
    n--;
  if (n > SLP__CMS_LINE_MAX)
    toolong = true;
  if (toolong) {
    r->line[0] = '\0';
    r->len = 0;
    slp__cms_error(r, r->lineno, "line is longer than %d bytes", SLP__CMS_LINE_MAX);
    return -1;
  }
  r->line[n] = '\0';
  if (r->lineno == 1 && n >= 3 && (unsigned char)r->line[0] == 0xEF &&
      (unsigned char)r->line[1] == 0xBB && (unsigned char)r->line[2] == 0xBF) {
    memmove(r->line, r->line + 3, n - 3 + 1);
    n -= 3;
  }
  r->len = n;
  if (nul) {
    slp__cms_error(r, r->lineno, "line holds a NUL byte");
    return -1;
  }
  return 1;
}

enum csv_state { CSV_START, CSV_UNQUOTED, CSV_QUOTED, CSV_QUOTE_SEEN };

int slp__cms_next_csv(slp__cms_reader_t *r, char **fields, int max, int *n) {
  enum csv_state st = CSV_START;
  size_t o = 0;          /* bytes used in r->rec */
  size_t start = 0;      /* where the current field starts in r->rec */
  bool overflow = false; /* record longer than SLP__CMS_RECORD_MAX */
  bool stray = false;    /* a character after a closing quote */
  int stray_field = 0;
  int nf = 0;
  int got = slp__cms_next_line(r);
  *n = 0;
  if (got <= 0)
    return got;
  r->record_line = r->lineno;
  for (;;) {
    for (size_t i = 0; i < r->len; i++) {
      char c = r->line[i];
      bool put = false;
      switch (st) {
      case CSV_START:
        if (c == '"') {
          st = CSV_QUOTED;
          break;
        }
        st = CSV_UNQUOTED;
        /* fall through */
      case CSV_UNQUOTED:
        if (c == ',')
          goto end_field;
        put = true;
        break;
      case CSV_QUOTED:
        if (c == '"')
          st = CSV_QUOTE_SEEN;
        else
          put = true;
        break;
      case CSV_QUOTE_SEEN:
        if (c == '"') {
          st = CSV_QUOTED;
          put = true;
        } else if (c == ',') {
          goto end_field;
        } else {
          if (!stray) {
            stray = true;
            stray_field = nf + 1;
          }
          st = CSV_UNQUOTED;
          put = true;
        }
        break;
      }
      if (put) {
        if (o < SLP__CMS_RECORD_MAX)
          r->rec[o++] = c;
        else
          overflow = true;
      }
      continue;
    end_field:
      if (o < SLP__CMS_RECORD_MAX) {
        r->rec[o++] = '\0';
        if (nf < max)
          fields[nf] = r->rec + start;
      } else {
        overflow = true;
      }
      nf++;
      start = o;
      st = CSV_START;
    }
    if (st != CSV_QUOTED)
      break;
    /* A line break inside quotes belongs to the field: go on with the next line. */
    if (o < SLP__CMS_RECORD_MAX)
      r->rec[o++] = '\n';
    else
      overflow = true;
    got = slp__cms_next_line(r);
    if (got == 0) {
      slp__cms_error(r, r->record_line, "quoted field %d is not closed before the end of the file",
                     nf + 1);
      return -1;
    }
    if (got < 0)
      return -1; /* reported; the record is lost */
  }
  /* the last field */
  if (o < SLP__CMS_RECORD_MAX) {
    r->rec[o++] = '\0';
    if (nf < max)
      fields[nf] = r->rec + start;
  } else {
    overflow = true;
  }
  nf++;
  if (overflow) {
    slp__cms_error(r, r->record_line, "record is longer than %d bytes", SLP__CMS_RECORD_MAX);
    return -1;
  }
  if (stray) {
    slp__cms_error(r, r->record_line, "field %d has characters after its closing quote",
                   stray_field);
    return -1;
  }
  *n = nf;
  return 1;
}

/* Is every stored field blank, and no field past max? */
static bool record_blank(char **f, int nf, int max) {
  for (int i = 0; i < nf && i < max; i++)
    if (!slp__cms_blank(f[i]))
      return false;
  return nf <= max;
}

/* The next record: 1, 2 when spec->fast filled *row, 0 at end of file, -1 for one reported and
 * skipped or blank. */
static int next_record(slp__cms_reader_t *r, const slp__cms_rows_t *spec, char **f, int *nf,
                       bool started, void *self, void *row, size_t row_size) {
  int got;
  *nf = 0;
  if (spec->records == SLP__CMS_CSV_RECORDS) {
    got = slp__cms_next_csv(r, f, spec->max_fields, nf);
    if (got > 0 && record_blank(f, *nf, spec->max_fields))
      return -1;
    return got;
  }
  got = slp__cms_next_line(r);
  if (got <= 0)
    return got;
  if (started && spec->fast != NULL) {
    memset(row, 0, row_size);
    if (spec->fast(self, r->line, r->len, row))
      return 2;
  }
  if (slp__cms_blank(r->line))
    return -1;
  if (spec->records == SLP__CMS_TAB_LINES)
    *nf = slp__cms_split_tabs(r->line, f, spec->max_fields);
  return 1;
}

long slp__cms_read_rows(slp__cms_reader_t *r, const slp__cms_rows_t *spec, void *self, void *row,
                        size_t row_size) {
  char *f[SLP__CMS_FIELDS_MAX];
  long rows = 0;        /* valid data rows passed on */
  bool started = false; /* a data row was seen */
  bool stopped = false; /* emit asked to stop */
  bool refused = false; /* is_data refused the file */
  int got;
  int nf;
  while ((got = next_record(r, spec, f, &nf, started, self, row, row_size)) != 0) {
    if (got < 0)
      continue; /* reported, or blank */
    if (got == 1) {
      if (!started) {
        int data = spec->is_data(self, r, f, nf);
        if (data < 0) {
          refused = true;
          break;
        }
        if (data == 0)
          continue; /* a notice or heading */
        started = true;
      }
      memset(row, 0, row_size);
      if (spec->parse(self, r, f, nf, row) != 0)
        continue;
    }
    rows++;
    if (spec->emit(self, row) != 0) {
      stopped = true;
      break;
    }
  }
  if (!started && !stopped && !refused)
    slp__cms_error(r, 0, "%s", spec->no_data);
  slp__cms_close(r);
  if (stopped || refused || !started)
    return -1;
  return rows;
}

int slp__cms_first_is_hcpcs(void *self, slp__cms_reader_t *r, char **f, int nf) {
  (void)self, (void)r, (void)nf;
  return slp__cms_is_hcpcs(slp__cms_trim(f[0]));
}

int slp__cms_split_tabs(char *s, char **fields, int max) {
  int nf = 0;
  for (;;) {
    char *tab = strchr(s, '\t');
    if (nf < max)
      fields[nf] = s;
    nf++;
    if (tab == NULL)
      return nf;
    *tab = '\0';
    s = tab + 1;
  }
}

static bool is_blank_char(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

char *slp__cms_trim(char *s) {
  size_t len;
  while (is_blank_char(*s))
    s++;
  len = strlen(s);
  while (len > 0 && is_blank_char(s[len - 1]))
    s[--len] = '\0';
  return s;
}

bool slp__cms_blank(const char *s) {
  for (; *s != '\0'; s++)
    if (!is_blank_char(*s))
      return false;
  return true;
}

static bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

static bool is_upper(char c) {
  return c >= 'A' && c <= 'Z';
}

bool slp__cms_is_hcpcs(const char *s) {
  if (strlen(s) != 5)
    return false;
  if (is_upper(s[0]))
    return is_digit(s[1]) && is_digit(s[2]) && is_digit(s[3]) && is_digit(s[4]);
  return is_digit(s[0]) && is_digit(s[1]) && is_digit(s[2]) && is_digit(s[3]) &&
         (is_digit(s[4]) || is_upper(s[4]));
}

int slp__cms_parse_yyyymmdd(const char *s, int32_t *out) {
  int32_t v = 0; /* yyyymmdd */
  int32_t days;  /* unused: validation only */
  if (strlen(s) != 8)
    return -1;
  for (int i = 0; i < 8; i++) {
    if (!is_digit(s[i]))
      return -1;
    v = v * 10 + (s[i] - '0');
  }
  if (slp_date_from_yyyymmdd(v, &days) != 0)
    return -1;
  *out = v;
  return 0;
}

int slp__cms_parse_fixed(const char *s, int scale, int64_t *out) {
  int64_t v = 0; /* value x 10^(fractional digits read) */
  int int_digits = 0;
  int frac_digits = 0;
  const char *p = s;
  for (; is_digit(*p); p++) {
    if (++int_digits > 12)
      return -1;
    v = v * 10 + (*p - '0');
  }
  if (*p == '.') {
    for (p++; is_digit(*p); p++) {
      if (++frac_digits > scale)
        return -1;
      v = v * 10 + (*p - '0');
    }
  }
  if (*p != '\0' || int_digits + frac_digits == 0)
    return -1;
  for (; frac_digits < scale; frac_digits++)
    v *= 10;
  *out = v;
  return 0;
}

int slp__cms_days(slp__cms_days_cache_t *c, int32_t ymd, int32_t *days) {
  unsigned i = ((uint32_t)ymd * 2654435761u) >> 26; /* Fibonacci hash into 64 slots */
  if (ymd > 0 && c->ymd[i] == ymd) { /* 0 marks an empty slot (and is no date) */
    *days = c->days[i];
    return 0;
  }
  if (slp_date_from_yyyymmdd(ymd, days) != 0)
    return -1;
  c->ymd[i] = ymd;
  c->days[i] = *days;
  return 0;
}

const char *slp__cms_show(const char *s, char *buf, size_t len) {
  size_t o = 0;
  size_t limit = len > 4 ? len - 4 : 0; /* room for "..." and the NUL */
  if (len == 0)
    return "";
  for (; *s != '\0'; s++) {
    if (o >= limit || o >= SLP__CMS_SHOW_MAX) {
      if (len >= 4) {
        memcpy(buf + o, "...", 3);
        o += 3;
      }
      break;
    }
    unsigned char c = (unsigned char)*s;
    buf[o++] = (c >= 0x20 && c <= 0x7e) ? (char)c : '?';
  }
  buf[o] = '\0';
  return buf;
}
