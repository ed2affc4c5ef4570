/* torsh_ctc.h: the CTC loss and its gradient (kernels/c/ctc.c).

   lp is the contiguous (frames, batch, classes) log-probabilities; sample b has
   input_lengths[b] frames and the target_lengths[b] labels targets[starts[b] ...]. The
   caller checks every length against the shapes and every label and `blank` against
   [0, classes). torsh_ctc_loss_* writes the batch losses (+inf where no alignment fits, 0
   then with zero_infinity); torsh_ctc_grad_* writes the (frames, batch, classes) gradient
   scaled by g[b] (see torsh/nn/functional/ctc.py). Return 2 when memory runs out. */

int torsh_ctc_loss_f32(int64_t frames, int64_t batch, int64_t classes, const float *lp,
                       const int64_t *targets, const int64_t *starts,
                       const int64_t *target_lengths, const int64_t *input_lengths,
                       int64_t blank, int zero_infinity, float *losses);
int torsh_ctc_loss_f64(int64_t frames, int64_t batch, int64_t classes, const double *lp,
                       const int64_t *targets, const int64_t *starts,
                       const int64_t *target_lengths, const int64_t *input_lengths,
                       int64_t blank, int zero_infinity, double *losses);
int torsh_ctc_grad_f32(int64_t frames, int64_t batch, int64_t classes, const float *lp,
                       const int64_t *targets, const int64_t *starts,
                       const int64_t *target_lengths, const int64_t *input_lengths,
                       int64_t blank, int zero_infinity, const float *g, float *grad);
int torsh_ctc_grad_f64(int64_t frames, int64_t batch, int64_t classes, const double *lp,
                       const int64_t *targets, const int64_t *starts,
                       const int64_t *target_lengths, const int64_t *input_lengths,
                       int64_t blank, int zero_infinity, const double *g, double *grad);
