/* grid_sample's forward (torsh_grid.h), the arithmetic of torsh/nn/functional/grid.py:
   per axis of size s the grid value g becomes the position u = (g + 1) / 2 * (s - 1)
   (align_corners) or ((g + 1) * s - 1) / 2, padding moves it (border clamps to [0, s - 1],
   reflection mirrors at the edges), and the mode turns it into at most 4 (cell, weight) taps:
   bilinear floor(u) and floor(u) + 1 with 1 - t and t, nearest round-half-even(u) with 1,
   bicubic floor(u) - 1 .. + 2 (each cell moved by the padding) with Keys' weights (A = -0.75).
   A point's taps are the products of its axes' taps, the first spatial dim outermost; cells
   outside the input are dropped. A non-finite u gives no taps (nearest) or one tap of weight
   NaN at cell 0.

   The walk: threads split the (image, point) pairs; a pair computes its taps once and sums
   them for every channel. */
#include "internal.h"
#include "torsh_grid.h"

#define AXIS_TAPS 4
#define KEYS_A (-0.75)

typedef struct {
    int count;
    int64_t cell[AXIS_TAPS];
    double weight[AXIS_TAPS];
} axis_taps;

static double unnormalize(double g, int64_t size, int align) {
    return align ? (g + 1) / 2 * (double)(size - 1) : ((g + 1) * (double)size - 1) / 2;
}

static double clip(double u, int64_t size) {
    return u <= 0 ? 0.0 : u >= (double)(size - 1) ? (double)(size - 1) : u;
}

/* u mirrored into [twice_low / 2, twice_high / 2] */
static double reflect(double u, double twice_low, double twice_high) {
    if (twice_low == twice_high) return 0.0;
    double low = twice_low / 2, span = (twice_high - twice_low) / 2;
    u = u < low ? low - u : u - low;
    double extra = fmod(u, span), flips = floor(u / span);
    return fmod(flips, 2) == 0 ? extra + low : span - extra + low;
}

static double padded(double u, int64_t size, int padding, int align) {
    if (padding == TORSH_GRID_BORDER) return clip(u, size);
    if (padding == TORSH_GRID_REFLECTION)
        return align ? reflect(u, 0, 2.0 * (double)(size - 1))
                     : clip(reflect(u, -1, 2.0 * (double)size - 1), size);
    return u;
}

static double keys_near(double x) { return ((KEYS_A + 2) * x - (KEYS_A + 3)) * x * x + 1; }
static double keys_far(double x) {
    return ((KEYS_A * x - 5 * KEYS_A) * x + 8 * KEYS_A) * x - 4 * KEYS_A;
}

static void add_tap(axis_taps *t, double cell, double weight, int64_t size) {
    if (cell >= 0 && cell < (double)size) {
        t->cell[t->count] = (int64_t)cell;
        t->weight[t->count++] = weight;
    }
}

static void taps_of(axis_taps *t, double g, int64_t size, int mode, int padding, int align) {
    double u = unnormalize(g, size, align);
    t->count = 0;
    if (!isfinite(u)) {
        if (mode != TORSH_GRID_NEAREST) add_tap(t, 0, NAN, size);
        return;
    }
    if (mode == TORSH_GRID_BICUBIC) {
        double u0 = floor(u), r = u - u0;
        double w[4] = {keys_far(r + 1), keys_near(r), keys_near(1 - r), keys_far(2 - r)};
        for (int k = 0; k < 4; k++)
            add_tap(t, trunc(padded(u0 + (k - 1), size, padding, align)), w[k], size);
        return;
    }
    u = padded(u, size, padding, align);
    if (mode == TORSH_GRID_NEAREST) {
        add_tap(t, nearbyint(u), 1.0, size);
        return;
    }
    double u0 = floor(u);
    add_tap(t, u0, 1 - (u - u0), size);
    add_tap(t, u0 + 1, u - u0, size);
}

#define MAX_TAPS (AXIS_TAPS * AXIS_TAPS * AXIS_TAPS)

#define DEFINE_GRID_SAMPLE(SUF, T)                                                                 \
    int torsh_grid_sample_##SUF(int k, int64_t batch, int64_t channels, const int64_t *sizes,      \
                                int64_t points, const T *x, const T *grid, int mode,               \
                                int padding, int align_corners, T *out) {                          \
        if (k < 2 || k > 3 || mode < 0 || mode > 2 || padding < 0 || padding > 2 ||                \
            (mode == TORSH_GRID_BICUBIC && k != 2))                                                \
            return 1;                                                                              \
        int64_t cells = torsh_count(k, sizes), pairs = batch * points;                             \
        TORSH_FOR(pair, pairs, pairs * channels >= TORSH_PARALLEL_GRAIN, {                         \
            int64_t n = pair / points, p = pair % points;                                          \
            const T *point = grid + pair * k;                                                      \
            int64_t at[MAX_TAPS] = {0}, stride = cells;                                            \
            double weight[MAX_TAPS] = {1.0};                                                       \
            int count = 1;                                                                         \
            for (int d = 0; d < k; d++) {                                                          \
                axis_taps axis;                                                                    \
                taps_of(&axis, (double)point[k - 1 - d], sizes[d], mode, padding, align_corners);  \
                stride /= sizes[d];                                                                \
                int made = 0;                                                                      \
                int64_t next_at[MAX_TAPS];                                                         \
                double next_weight[MAX_TAPS];                                                      \
                for (int a = 0; a < count; a++)                                                    \
                    for (int b = 0; b < axis.count; b++) {                                         \
                        next_at[made] = at[a] + axis.cell[b] * stride;                             \
                        next_weight[made++] = weight[a] * axis.weight[b];                          \
                    }                                                                              \
                count = made;                                                                      \
                for (int a = 0; a < count; a++) { at[a] = next_at[a]; weight[a] = next_weight[a]; }\
            }                                                                                      \
            for (int64_t c = 0; c < channels; c++) {                                               \
                const T *plane = x + (n * channels + c) * cells;                                   \
                double sum = 0.0;                                                                  \
                for (int a = 0; a < count; a++) sum += weight[a] * (double)plane[at[a]];           \
                out[(n * channels + c) * points + p] = (T)sum;                                     \
            }                                                                                      \
        });                                                                                        \
        return 0;                                                                                  \
    }

DEFINE_GRID_SAMPLE(f32, float)
DEFINE_GRID_SAMPLE(f64, double)
