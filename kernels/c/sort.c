/* sort, topk, kthvalue, median along a dim and mode: one lane at a time (torsh_sort.h).

   The order: every element gets an unsigned integer key whose unsigned order is the
   reference's order (sorting.order_of): NaN above every number (all NaNs one key), -0.0 and
   0.0 one key, integers by value. Descending flips every bit of the key, which reverses the
   order and still keeps ties (NaNs included) in input order. Keys are 32 bits wide for
   elements of up to 32 bits, else 64.

   A lane's keys, with their positions, are sorted stably: by insertion when at most
   SELECT_MAX of the smallest are wanted (topk / kthvalue with small k, and short lanes),
   else by a least-significant-byte-first radix sort (a counting sort per byte is stable, so
   the whole is). Equal keys thus keep their input order, and a partial selection gives the
   same first positions as the full sort: (key, position) pairs are all distinct. When one
   sorted position is wanted (kthvalue, median) beyond SELECT_MAX, a radix select finds the
   element the stable sort would put there without sorting (nth_*).

   The walk: `group` lanes at a time, the input is read once, row by row, into each lane's
   keys and (for a lane with a stride) a contiguous copy of its elements, in scratch; the
   sort runs in scratch (L1/L2 for lanes up to a few thousand), and the answers are read
   from the lane or its copy at the sorted positions. Lanes are cut into `chunks` runs, one
   per thread (TORSH_FOR), each with its own slice of the scratch. */
#include <string.h>

#include "internal.h"
#include "torsh_sort.h"

/* Insertion is used when at most this many sorted positions are wanted. */
#define SELECT_MAX 32

/* ---- keys: order-preserving maps to unsigned integers ---- */

TORSH_INLINE uint32_t key_f32(float v) {
    if (v != v) return UINT32_MAX;                      /* NaN: above every number */
    if (v == 0) return UINT32_C(0x80000000);            /* -0.0 as 0.0 */
    uint32_t bits;
    memcpy(&bits, &v, sizeof bits);
    /* negatives: more negative is a larger magnitude, so flip all bits; positives: set the
       sign bit so they come above every negative */
    return (bits >> 31) ? ~bits : bits | UINT32_C(0x80000000);
}

TORSH_INLINE uint64_t key_f64(double v) {
    if (v != v) return UINT64_MAX;
    if (v == 0) return UINT64_C(0x8000000000000000);
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    return (bits >> 63) ? ~bits : bits | UINT64_C(0x8000000000000000);
}

/* Signed integers: flipping the sign bit (in the type's own width) maps the minimum to 0. */
TORSH_INLINE uint64_t key_i64(int64_t v) { return (uint64_t)v ^ UINT64_C(0x8000000000000000); }
TORSH_INLINE uint32_t key_i32(int32_t v) { return (uint32_t)v ^ UINT32_C(0x80000000); }
TORSH_INLINE uint32_t key_i16(int16_t v) { return (uint16_t)((uint16_t)v ^ 0x8000u); }
TORSH_INLINE uint32_t key_i8(int8_t v) { return (uint8_t)((uint8_t)v ^ 0x80u); }
TORSH_INLINE uint32_t key_u8(uint8_t v) { return v; }

/* 1 for NaN (integers have none) */
TORSH_INLINE int nan_f32(float v) { return isnan(v); }
TORSH_INLINE int nan_f64(double v) { return isnan(v); }
TORSH_INLINE int nan_int(int64_t v) { (void)v; return 0; }
#define nan_i64 nan_int
#define nan_i32 nan_int
#define nan_i16 nan_int
#define nan_i8 nan_int
#define nan_u8 nan_int

/* ---- stable sorts of (key, position) pairs, for 32- and 64-bit keys ---- */

#define DEFINE_LANE_SORTS(K, U)                                                                \
    /* best[0..m), best_position[0..m) = the m smallest (key, position) pairs of keys[0..n)  \
       (position i of keys[i]) in order: each key goes after the kept keys not above it,     \
       and once m are kept, only a key below the last kept one enters. */                    \
    static void select_##K(int64_t n, int64_t m, const U *keys, U *best,                    \
                           uint32_t *best_position) {                                          \
        int64_t kept = 0;                                                                      \
        for (int64_t i = 0; i < n; i++) {                                                      \
            U key = keys[i];                                                                   \
            if (kept == m) {                                                                   \
                if (!(key < best[m - 1])) continue;                                            \
                kept--;                                                     /* drop the last */ \
            }                                                                                  \
            int64_t j = kept;                                                                  \
            for (; j > 0 && best[j - 1] > key; j--) {                                          \
                best[j] = best[j - 1];                                                         \
                best_position[j] = best_position[j - 1];                                       \
            }                                                                                  \
            best[j] = key;                                                                     \
            best_position[j] = (uint32_t)i;                                                    \
            kept++;                                                                            \
        }                                                                                      \
    }                                                                                          \
                                                                                               \
    /* Sort (keys, positions)[0..n) by key, stably: one counting sort per byte, the least     \
       significant first, from one buffer into the other (bytes that every key shares are    \
       skipped). Returns the positions in sorted order (in `positions` or `other_positions`). \
       */                                                                                      \
    static const uint32_t *radix_##K(int64_t n, U *keys, uint32_t *positions, U *other_keys,  \
                                     uint32_t *other_positions) {                              \
        enum { BYTES = sizeof(U) };                                                            \
        uint32_t counts[BYTES][256];                                                           \
        memset(counts, 0, sizeof counts);                                                      \
        for (int64_t i = 0; i < n; i++) {                                                      \
            U key = keys[i];                                                                   \
            for (int b = 0; b < BYTES; b++) counts[b][(key >> (8 * b)) & 255]++;               \
        }                                                                                      \
        for (int b = 0; b < BYTES; b++) {                                                      \
            uint32_t *start = counts[b];                                                       \
            if (start[(keys[0] >> (8 * b)) & 255] == (uint32_t)n) continue;                    \
            uint32_t sum = 0;                           /* start[v]: where byte v's keys go */ \
            for (int v = 0; v < 256; v++) {                                                    \
                uint32_t c = start[v];                                                         \
                start[v] = sum;                                                                \
                sum += c;                                                                      \
            }                                                                                  \
            for (int64_t i = 0; i < n; i++) {                                                  \
                uint32_t to = start[(keys[i] >> (8 * b)) & 255]++;                             \
                other_keys[to] = keys[i];                                                      \
                other_positions[to] = positions[i];                                            \
            }                                                                                  \
            U *swap_keys = keys;                                                               \
            keys = other_keys;                                                                 \
            other_keys = swap_keys;                                                            \
            uint32_t *swap_positions = positions;                                              \
            positions = other_positions;                                                       \
            other_positions = swap_positions;                                                  \
        }                                                                                      \
        return positions;                                                                      \
    }                                                                                          \
                                                                                               \
    /* The input position of the element at sorted position p (0 <= p < n), found byte by      \
       byte from the most significant: the candidates are the elements whose key agrees        \
       with the answer's so far, kept in input order in (other_keys, other_positions);         \
       `below` counts the elements whose key is known to be smaller. Once every byte is        \
       known the candidates share the answer's key, and since ties keep input order the        \
       answer is candidate p - below: the same element the stable sort puts at p. */           \
    static uint32_t nth_##K(int64_t n, int64_t p, const U *keys, U *other_keys,                \
                            uint32_t *other_positions) {                                       \
        enum { BYTES = sizeof(U) };                                                            \
        const U *candidates = keys;                                                            \
        const uint32_t *positions = NULL;               /* NULL: candidate i is element i */   \
        int64_t count = n, below = 0;                                                          \
        for (int b = BYTES - 1; b >= 0; b--) {                                                 \
            uint32_t counts[256];                                                              \
            memset(counts, 0, sizeof counts);                                                  \
            for (int64_t i = 0; i < count; i++) counts[(candidates[i] >> (8 * b)) & 255]++;    \
            unsigned digit = 0;                                                                \
            while (below + counts[digit] <= p) below += counts[digit++];                       \
            if (counts[digit] == (uint32_t)count) continue;  /* all share this byte */         \
            int64_t kept = 0;               /* compact in place: kept <= i at every step */    \
            for (int64_t i = 0; i < count; i++) {                                              \
                if (((candidates[i] >> (8 * b)) & 255) != digit) continue;                     \
                other_keys[kept] = candidates[i];                                              \
                other_positions[kept++] = positions ? positions[i] : (uint32_t)i;              \
            }                                                                                  \
            candidates = other_keys;                                                           \
            positions = other_positions;                                                       \
            count = kept;                                                                      \
        }                                                                                      \
        return positions ? positions[p - below] : (uint32_t)(p - below);                       \
    }

DEFINE_LANE_SORTS(u32, uint32_t)
DEFINE_LANE_SORTS(u64, uint64_t)

/* One lane's question: what is wanted of its n elements. */
struct lane {
    int what, descending;
    int64_t n, start, count;
};

/* Scratch words one lane needs: two copies of its keys (32 or 64 bits) and of its 32-bit
   positions, and a copy of its elements. */
#define LANE_WORDS(n, U) ((n) * (sizeof(U) == 8 ? 4 : 3))

/* ---- per dtype: a lane's keys, its sorted order, the answers ---- */

#define DEFINE_SORT(SUFFIX, T, K, U)                                                           \
    /* A lane's keys (and a copy of its elements unless `copy` is NULL); returns how many      \
       are not NaN. */                                                                         \
    static int64_t load_##SUFFIX(const T *x, int64_t step, int64_t n, U flip, U *keys,         \
                                 T *copy) {                                                    \
        int64_t valid = 0;                                                                     \
        if (copy == NULL) {                                                                    \
            for (int64_t i = 0; i < n; i++) {                                                  \
                keys[i] = key_##SUFFIX(x[i * step]) ^ flip;                                    \
                valid += !nan_##SUFFIX(x[i * step]);                                           \
            }                                                                                  \
        } else {                                                                               \
            for (int64_t i = 0; i < n; i++) {                                                  \
                T v = x[i * step];                                                             \
                keys[i] = key_##SUFFIX(v) ^ flip;                                              \
                copy[i] = v;                                                                   \
                valid += !nan_##SUFFIX(v);                                                     \
            }                                                                                  \
        }                                                                                      \
        return valid;                                                                          \
    }                                                                                          \
                                                                                               \
    /* The sorted order of one lane loaded into scratch (its keys, a copy of its elements and  \
       `valid`, the count of those not NaN): the answers are order[*first ...]. */             \
    static const uint32_t *solve_##SUFFIX(const struct lane *job, int64_t valid,               \
                                          const T *elements, U *keys, uint32_t *single,        \
                                          int64_t *first) {                                    \
        const int64_t n = job->n;                                                              \
        U *other_keys = keys + n;                                                              \
        uint32_t *positions = (uint32_t *)(other_keys + n), *other_positions = positions + n;  \
        int64_t at = -1;                       /* the one sorted position wanted, if one */    \
        if (job->what == TORSH_SORT_SELECT && job->count == 1) at = job->start;                \
        if (job->what == TORSH_SORT_MEDIAN)    /* NaNs sort last: the first NaN is at valid */ \
            at = valid < n ? valid : (valid - 1) / 2;                                          \
        if (job->what == TORSH_SORT_NANMEDIAN) at = valid > 0 ? (valid - 1) / 2 : 0;           \
        if (at >= SELECT_MAX) {                                                                \
            *single = nth_##K(n, at, keys, other_keys, other_positions);                       \
            *first = 0;                                                                        \
            return single;                                                                     \
        }                                                                                      \
        const int64_t wanted = job->what == TORSH_SORT_MODE ? n                                \
                               : at >= 0 ? at + 1 : job->start + job->count;                   \
        const uint32_t *order;                         /* input positions in sorted order */   \
        if (wanted <= SELECT_MAX) {                                                            \
            select_##K(n, wanted, keys, other_keys, other_positions);                          \
            order = other_positions;                                                           \
        } else {                                                                               \
            for (int64_t i = 0; i < n; i++) positions[i] = (uint32_t)i;                        \
            order = radix_##K(n, keys, positions, other_keys, other_positions);                \
        }                                                                                      \
        if (job->what == TORSH_SORT_MODE) {  /* runs of equal values (NaN equals nothing): the \
                                                first longest wins, at its last position */    \
            int64_t longest = 0;                                                               \
            at = 0;                                                                            \
            for (int64_t j = 0; j < n;) {                                                      \
                T v = elements[order[j]];                                                      \
                int64_t end = j + 1;                                                           \
                while (end < n && elements[order[end]] == v) end++;                            \
                if (end - j > longest) {                                                       \
                    longest = end - j;                                                         \
                    at = end - 1;                                                              \
                }                                                                              \
                j = end;                                                                       \
            }                                                                                  \
        }                                                                                      \
        *first = at >= 0 ? at : job->start;                                                    \
        return order;                                                                          \
    }                                                                                          \
                                                                                               \
    /* Lanes begin .. end - 1, `group` at a time: their elements are read into scratch         \
       together, row by row (lanes with a stride then share the cache lines they read),        \
       each lane is solved, and the answers are written together, answer by answer. */         \
    static void lanes_##SUFFIX(const struct lane *job, int64_t begin, int64_t end,             \
                               int64_t group, int ndim, const int64_t *shape, T *values,       \
                               const int64_t *values_strides, int64_t *indices,                \
                               const int64_t *indices_strides, const T *x,                     \
                               const int64_t *x_strides, uint64_t *scratch) {                  \
        const int64_t n = job->n, step = x_strides[ndim - 1];                                  \
        const int64_t values_step = values_strides[ndim - 1];                                  \
        const int64_t indices_step = indices_strides[ndim - 1];                                \
        const int64_t answers = job->what == TORSH_SORT_SELECT ? job->count : 1;               \
        const U flip = job->descending ? (U)~(U)0 : (U)0;                                      \
        for (int64_t r = begin; r < end; r += group) {                                         \
            const int lanes = (int)(end - r < group ? end - r : group);                        \
            const T *lane_x[TORSH_SORT_GROUP_MAX];                                             \
            const T *elements[TORSH_SORT_GROUP_MAX];                                           \
            T *copies[TORSH_SORT_GROUP_MAX], *lane_values[TORSH_SORT_GROUP_MAX];               \
            U *keys[TORSH_SORT_GROUP_MAX];                                                     \
            int64_t valid[TORSH_SORT_GROUP_MAX], first[TORSH_SORT_GROUP_MAX];                  \
            int64_t *lane_indices[TORSH_SORT_GROUP_MAX];                                       \
            const uint32_t *order[TORSH_SORT_GROUP_MAX];                                       \
            uint32_t single[TORSH_SORT_GROUP_MAX];                                             \
            for (int g = 0; g < lanes; g++) {                                                  \
                lane_x[g] = x + torsh_row_offset(r + g, ndim, shape, x_strides);               \
                lane_values[g] = values + torsh_row_offset(r + g, ndim, shape, values_strides);\
                lane_indices[g] = indices + torsh_row_offset(r + g, ndim, shape,               \
                                                             indices_strides);                 \
                keys[g] = (U *)(scratch + g * LANE_WORDS(n, U));                               \
                copies[g] = (T *)((uint32_t *)(keys[g] + 2 * n) + 2 * n);                      \
                elements[g] = step == 1 ? lane_x[g] : copies[g];  /* contiguous: as it is */   \
                valid[g] = 0;                                                                  \
            }                                                                                  \
            if (lanes == 1) {                                                                  \
                valid[0] = load_##SUFFIX(lane_x[0], step, n, flip, keys[0],                    \
                                         step == 1 ? NULL : copies[0]);                        \
            } else {                                                                           \
                for (int64_t i = 0; i < n; i++) {                                              \
                    for (int g = 0; g < lanes; g++) {                                          \
                        T v = lane_x[g][i * step];                                             \
                        keys[g][i] = key_##SUFFIX(v) ^ flip;                                   \
                        copies[g][i] = v;                                                      \
                        valid[g] += !nan_##SUFFIX(v);                                          \
                    }                                                                          \
                }                                                                              \
            }                                                                                  \
            for (int g = 0; g < lanes; g++)                                                    \
                order[g] = solve_##SUFFIX(job, valid[g], elements[g], keys[g], &single[g],     \
                                          &first[g]);                                          \
            for (int64_t j = 0; j < answers; j++) {                                            \
                for (int g = 0; g < lanes; g++) {                                              \
                    uint32_t p = order[g][first[g] + j];                                       \
                    lane_values[g][j * values_step] = elements[g][p];                          \
                    lane_indices[g][j * indices_step] = p;                                     \
                }                                                                              \
            }                                                                                  \
        }                                                                                      \
    }                                                                                          \
                                                                                               \
    int torsh_sort_##SUFFIX(int what, int descending, int64_t start, int64_t count, int ndim,  \
                            const int64_t *shape, T *values, const int64_t *values_strides,    \
                            int64_t *indices, const int64_t *indices_strides, const T *x,      \
                            const int64_t *x_strides, int64_t chunks, int64_t group,           \
                            uint64_t *scratch) {                                               \
        if (ndim < 1 || what < TORSH_SORT_SELECT || what > TORSH_SORT_MODE) return 1;          \
        if (group < 1 || group > TORSH_SORT_GROUP_MAX) return 1;                               \
        const int64_t n = shape[ndim - 1], rows = torsh_count(ndim - 1, shape);                \
        if (what != TORSH_SORT_SELECT) start = 0, count = 1;                                   \
        if (start < 0 || count < 0 || start + count > n) return 1;                             \
        if (rows == 0 || count == 0) return 0;                                                 \
        const struct lane job = {what, descending, n, start, count};                           \
        if (chunks < 1) chunks = 1;                                                            \
        TORSH_FOR(c, chunks, chunks > 1, {                                                     \
            lanes_##SUFFIX(&job, rows * c / chunks, rows * (c + 1) / chunks, group, ndim,      \
                           shape, values, values_strides, indices, indices_strides, x,         \
                           x_strides, scratch + c * group * LANE_WORDS(n, U));                 \
        });                                                                                    \
        return 0;                                                                              \
    }

DEFINE_SORT(f32, float, u32, uint32_t)
DEFINE_SORT(f64, double, u64, uint64_t)
DEFINE_SORT(i64, int64_t, u64, uint64_t)
DEFINE_SORT(i32, int32_t, u32, uint32_t)
DEFINE_SORT(i16, int16_t, u32, uint32_t)
DEFINE_SORT(i8, int8_t, u32, uint32_t)
DEFINE_SORT(u8, uint8_t, u32, uint32_t)
