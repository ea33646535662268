/*
 * crosscheck's runtime for csmith programs, the same for the native build (host gcc) and the BPF builds
 * (bpf-gcc, clang -target bpf): Debian's csmith has no runtime headers, and csmith's own print. Here
 * nothing prints: platform_main_end keeps the checksum, which the entry (csmith_entry, below the program)
 * returns. No libc: the fixed-width types come from the compiler's predefined macros.
 *
 * The safe_* arithmetic is csmith's contract (never undefined behaviour: an operation that would
 * overflow, divide by zero or shift out of range gives its first operand), written for BPF: signed
 * division and modulo are computed on unsigned magnitudes (BPF has no signed division before cpu v4:
 * clang refuses it, GCC calls libgcc's __divdi3), and so are the checks of a signed multiplication.
 */
#ifndef CROSSCHECK_CSMITH_H
#define CROSSCHECK_CSMITH_H

typedef __INT8_TYPE__ int8_t;
typedef __INT16_TYPE__ int16_t;
typedef __INT32_TYPE__ int32_t;
typedef __INT64_TYPE__ int64_t;
typedef __UINT8_TYPE__ uint8_t;
typedef __UINT16_TYPE__ uint16_t;
typedef __UINT32_TYPE__ uint32_t;
typedef __UINT64_TYPE__ uint64_t;

#define INT8_MAX 127
#define INT16_MAX 32767
#define INT32_MAX 2147483647
#define INT64_MAX 9223372036854775807LL
#define INT8_MIN (-INT8_MAX - 1)
#define INT16_MIN (-INT16_MAX - 1)
#define INT32_MIN (-INT32_MAX - 1)
#define INT64_MIN (-INT64_MAX - 1)
#define UINT8_MAX 255
#define UINT16_MAX 65535
#define UINT32_MAX 4294967295U
#define UINT64_MAX 18446744073709551615ULL

#define printf(...) ((void) 0)

static uint32_t crc32_tab[256];
static uint32_t crc32_context = 0xFFFFFFFFUL;
static uint64_t csmith_checksum;

static void platform_main_begin(void) {}
#define platform_main_end(crc, flag) (csmith_checksum = (crc))

static void crc32_gentab(void) {
    for (int i = 0; i < 256; i++) {
        uint32_t c = (uint32_t) i;
        for (int j = 0; j < 8; j++) c = (c & 1) ? (c >> 1) ^ 0xEDB88320UL : c >> 1;
        crc32_tab[i] = c;
    }
}

static void crc32_byte(uint8_t b) {
    crc32_context = ((crc32_context >> 8) & 0x00FFFFFF) ^ crc32_tab[(crc32_context ^ b) & 0xFF];
}

static void transparent_crc(uint64_t val, const char *name, int flag) {
    (void) name;
    (void) flag;
    for (int k = 0; k < 64; k += 8) crc32_byte((uint8_t) (val >> k));
}

static void transparent_crc_bytes(const char *ptr, int nbytes, const char *name, int flag) {
    (void) name;
    (void) flag;
    for (int k = 0; k < nbytes; k++) crc32_byte((uint8_t) ptr[k]);
}

/* |v| as an unsigned 64-bit number, for every v (INT64_MIN included) */
static uint64_t cs_mag(int64_t v) {
    return v < 0 ? 0 - (uint64_t) v : (uint64_t) v;
}

/*
 * An unsigned division's operands hidden from the optimizer: knowing them in range (non-negative, below
 * 2^63), GCC -O2 turned the division back into a signed one, a call to libgcc's __divdi3 (csmith seed 18).
 */
#define CS_UDIV_OPERANDS(x, y) __asm__("" : "+r"(x), "+r"(y))

/* a / b and a % b, b != 0 and not (a == MIN and b == -1): C's truncating division on magnitudes */
static int64_t cs_sdiv(int64_t a, int64_t b) {
    uint64_t ma = cs_mag(a), mb = cs_mag(b);
    CS_UDIV_OPERANDS(ma, mb);
    uint64_t q = ma / mb;
    return (a < 0) != (b < 0) ? (int64_t) (0 - q) : (int64_t) q;
}

static int64_t cs_smod(int64_t a, int64_t b) {
    uint64_t ma = cs_mag(a), mb = cs_mag(b);
    CS_UDIV_OPERANDS(ma, mb);
    uint64_t r = ma % mb;
    return a < 0 ? (int64_t) (0 - r) : (int64_t) r;
}

/* whether a * b leaves [min, max] */
static int cs_mul_overflows(int64_t a, int64_t b, int64_t min, int64_t max) {
    uint64_t ua = cs_mag(a), ub = cs_mag(b);
    if (ua == 0 || ub == 0) return 0;
    uint64_t limit = (a < 0) != (b < 0) ? cs_mag(min) : (uint64_t) max;
    CS_UDIV_OPERANDS(limit, ua);
    return ub > limit / ua;
}

/* W: bits of the type the operand is promoted to (int for the narrow types) */
#define CS_SIGNED(T, MIN, MAX, W)                                                                              \
    static T safe_unary_minus_func_##T##_s(T si) { return si == MIN ? si : (T) -si; }                          \
    static T safe_add_func_##T##_s_s(T a, T b) {                                                               \
        return ((a > 0 && b > 0 && a > MAX - b) || (a < 0 && b < 0 && a < MIN - b)) ? a : (T) (a + b);         \
    }                                                                                                          \
    static T safe_sub_func_##T##_s_s(T a, T b) {                                                               \
        return (((a ^ b) & (((a ^ ((a ^ b) & (~MAX))) - b) ^ b)) < 0) ? a : (T) (a - b);                       \
    }                                                                                                          \
    static T safe_mul_func_##T##_s_s(T a, T b) {                                                               \
        return cs_mul_overflows(a, b, MIN, MAX) ? a : (T) ((uint64_t) (int64_t) a * (uint64_t) (int64_t) b);   \
    }                                                                                                          \
    static T safe_div_func_##T##_s_s(T a, T b) { return (b == 0 || (a == MIN && b == -1)) ? a : (T) cs_sdiv(a, b); } \
    static T safe_mod_func_##T##_s_s(T a, T b) { return (b == 0 || (a == MIN && b == -1)) ? a : (T) cs_smod(a, b); } \
    static T safe_lshift_func_##T##_s_s(T a, int b) {                                                          \
        return (a < 0 || b < 0 || b >= W || a > (MAX >> b)) ? a : (T) (a << b);                                \
    }                                                                                                          \
    static T safe_lshift_func_##T##_s_u(T a, unsigned int b) {                                                 \
        return (a < 0 || b >= W || a > (MAX >> b)) ? a : (T) (a << b);                                         \
    }                                                                                                          \
    static T safe_rshift_func_##T##_s_s(T a, int b) { return (a < 0 || b < 0 || b >= W) ? a : (T) (a >> b); }  \
    static T safe_rshift_func_##T##_s_u(T a, unsigned int b) { return (a < 0 || b >= W) ? a : (T) (a >> b); }

#define CS_UNSIGNED(T, MAX, W, P)                                                                               \
    static T safe_unary_minus_func_##T##_u(T ui) { return (T) (0 - (P) ui); }                                   \
    static T safe_add_func_##T##_u_u(T a, T b) { return (T) ((P) a + (P) b); }                                  \
    static T safe_sub_func_##T##_u_u(T a, T b) { return (T) ((P) a - (P) b); }                                  \
    static T safe_mul_func_##T##_u_u(T a, T b) { return (T) ((P) a * (P) b); }                                  \
    static T safe_div_func_##T##_u_u(T a, T b) { return b == 0 ? a : (T) (a / b); }                             \
    static T safe_mod_func_##T##_u_u(T a, T b) { return b == 0 ? a : (T) (a % b); }                             \
    static T safe_lshift_func_##T##_u_s(T a, int b) { return (b < 0 || b >= W || a > (MAX >> b)) ? a : (T) ((P) a << b); } \
    static T safe_lshift_func_##T##_u_u(T a, unsigned int b) { return (b >= W || a > (MAX >> b)) ? a : (T) ((P) a << b); } \
    static T safe_rshift_func_##T##_u_s(T a, int b) { return (b < 0 || b >= W) ? a : (T) (a >> b); }           \
    static T safe_rshift_func_##T##_u_u(T a, unsigned int b) { return (b >= W) ? a : (T) (a >> b); }

CS_SIGNED(int8_t, INT8_MIN, INT8_MAX, 32)
CS_SIGNED(int16_t, INT16_MIN, INT16_MAX, 32)
CS_SIGNED(int32_t, INT32_MIN, INT32_MAX, 32)
CS_SIGNED(int64_t, INT64_MIN, INT64_MAX, 64)
CS_UNSIGNED(uint8_t, UINT8_MAX, 32, unsigned int)
CS_UNSIGNED(uint16_t, UINT16_MAX, 32, unsigned int)
CS_UNSIGNED(uint32_t, UINT32_MAX, 32, unsigned int)
CS_UNSIGNED(uint64_t, UINT64_MAX, 64, uint64_t)

#endif
