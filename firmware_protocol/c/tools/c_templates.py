"""Fixed C text the message generator puts at the top of src/mp_messages.c.

Little-endian reader/writer helpers and a strict UTF-8 check; kept apart from the generator's
logic so each file stays readable.
"""

C_HELPERS = r"""
/* Little-endian writer: stops writing (and remembers) when the buffer is full. */
typedef struct writer {
    uint8_t *buf;
    size_t cap;
    size_t pos;
    int overflow;
} writer_t;

static void put_u8(writer_t *w, uint32_t v)
{
    if (w->pos >= w->cap) {
        w->overflow = 1;
        return;
    }
    w->buf[w->pos++] = (uint8_t)(v & 0xFFu);
}

static void put_le(writer_t *w, uint32_t v, int n)
{
    int k;
    for (k = 0; k < n; k++) {
        put_u8(w, (v >> (8 * k)) & 0xFFu);
    }
}

static void put_bytes(writer_t *w, const uint8_t *p, size_t n, int with_len)
{
    size_t k;
    if (with_len) {
        put_u8(w, (uint32_t)n);
    }
    for (k = 0; k < n; k++) {
        put_u8(w, p[k]);
    }
}

#define PUT_U8(w, v) put_u8((w), (uint32_t)(v))
#define PUT_BOOL(w, v) put_u8((w), (uint32_t)(v))
#define PUT_U16(w, v) put_le((w), (uint32_t)(v), 2)
#define PUT_U32(w, v) put_le((w), (uint32_t)(v), 4)
#define PUT_I32(w, v) put_le((w), (uint32_t)(v), 4)

/* Little-endian reader: the first problem sticks in `err`, later reads return 0. */
typedef struct reader {
    const uint8_t *buf;
    size_t len;
    size_t pos;
    mp_err_t err;
} reader_t;

static uint32_t get_le(reader_t *r, int n)
{
    uint32_t v = 0;
    int k;
    if (r->err != MP_OK) {
        return 0;
    }
    if (r->pos + (size_t)n > r->len) {
        r->err = MP_ERR_TRUNCATED;
        return 0;
    }
    for (k = 0; k < n; k++) {
        v |= (uint32_t)r->buf[r->pos++] << (8 * k);
    }
    return v;
}

#define GET_U8(r) ((uint8_t)get_le((r), 1))
#define GET_BOOL(r) ((uint8_t)get_le((r), 1))
#define GET_U16(r) ((uint16_t)get_le((r), 2))
#define GET_U32(r) (get_le((r), 4))
#define GET_I32(r) (u32_to_i32(get_le((r), 4)))

static int32_t u32_to_i32(uint32_t v)
{
    /* Portable two's-complement conversion (no implementation-defined cast). */
    if (v <= 0x7FFFFFFFUL) {
        return (int32_t)v;
    }
    return (int32_t)(v - 0x80000000UL) - (int32_t)0x7FFFFFFFL - 1;
}

/* Whether `n` more bytes are there (else the payload is truncated). */
static int need(reader_t *r, size_t n)
{
    if (r->err == MP_OK && r->pos + n > r->len) {
        r->err = MP_ERR_TRUNCATED;
    }
    return r->err == MP_OK;
}

/* A bad field value; a truncation found earlier keeps precedence. */
static void set_malformed(reader_t *r)
{
    if (r->err == MP_OK) {
        r->err = MP_ERR_MALFORMED;
    }
}

/* A length/count byte that must lie in lo..hi (else malformed, as in the Python codec). */
static uint8_t get_len(reader_t *r, unsigned lo, unsigned hi)
{
    uint8_t n = GET_U8(r);
    if (r->err == MP_OK && (n < lo || n > hi)) {
        r->err = MP_ERR_MALFORMED;
        return 0;
    }
    return n;
}

/* Strict UTF-8 check (no overlongs, no surrogates, max U+10FFFF), as Python's decoder. */
static int utf8_valid(const uint8_t *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        uint8_t c = s[i];
        size_t extra;
        uint32_t cp;
        size_t k;
        if (c < 0x80u) {
            i++;
            continue;
        } else if (c >= 0xC2u && c <= 0xDFu) {
            extra = 1;
            cp = c & 0x1Fu;
        } else if (c >= 0xE0u && c <= 0xEFu) {
            extra = 2;
            cp = c & 0x0Fu;
        } else if (c >= 0xF0u && c <= 0xF4u) {
            extra = 3;
            cp = c & 0x07u;
        } else {
            return 0;
        }
        if (i + extra >= n) {
            return 0;
        }
        for (k = 1; k <= extra; k++) {
            if ((s[i + k] & 0xC0u) != 0x80u) {
                return 0;
            }
            cp = (cp << 6) | (s[i + k] & 0x3Fu);
        }
        if ((extra == 2 && cp < 0x800u) || (extra == 3 && cp < 0x10000UL) || cp > 0x10FFFFUL ||
            (cp >= 0xD800u && cp <= 0xDFFFu)) {
            return 0;
        }
        i += extra + 1;
    }
    return 1;
}

static void get_str(reader_t *r, char *dst, uint8_t n)
{
    uint8_t k;
    dst[0] = '\0';
    if (r->err != MP_OK) {
        return;
    }
    if (r->pos + n > r->len) {
        r->err = MP_ERR_TRUNCATED;
        return;
    }
    if (!utf8_valid(r->buf + r->pos, n)) {
        r->err = MP_ERR_MALFORMED;
        return;
    }
    for (k = 0; k < n; k++) {
        dst[k] = (char)r->buf[r->pos++];
    }
    dst[n] = '\0';
}
"""
