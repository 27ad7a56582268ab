/* blas: the only place that includes cblas.h.
 *
 * Owns: a row-major sgemm wrapper and its naive twin (used by the tests to
 * check the wrapper), and the OpenBLAS thread count.
 * Threading: as_blas_set_threads affects the whole process (see below). */
#ifndef AUTOSCOPE_BLAS_H
#define AUTOSCOPE_BLAS_H

#include <stddef.h>

/* C = alpha * op(A) op(B) + beta * C, all row-major.
 * op(A) is m x k, op(B) is k x n, C is m x n; lda/ldb/ldc are row strides. */
void as_sgemm(int trans_a, int trans_b, size_t m, size_t n, size_t k,
	      float alpha, const float *a, size_t lda, const float *b,
	      size_t ldb, float beta, float *c, size_t ldc);

/* The same contract, three plain loops accumulated in double. */
void as_sgemm_ref(int trans_a, int trans_b, size_t m, size_t n, size_t k,
		  float alpha, const float *a, size_t lda, const float *b,
		  size_t ldb, float beta, float *c, size_t ldc);

/* Process-wide. Lowering it while other threads are inside sgemm is safe
 * (the calls already started finish with the threads they had; OpenBLAS
 * reads the count at each call); raising it past the first count asks
 * OpenBLAS to start threads: do that while no run is training. */
void as_blas_set_threads(int n);
/* The BLAS threads to set for n_runs runs training side by side when the
 * user asked for wanted: wanted for one run, 1 beside others. */
int as_blas_threads_for(int wanted, int n_runs);
int as_blas_threads(void);
/* The calling thread's floating point: denormal results flushed to zero
 * and denormal inputs read as zero (x86 MXCSR FTZ and DAZ; elsewhere
 * nothing). A saturated network's gradients fall into denormals, where
 * every operation costs some hundred cycles: a blown-up run trained 30
 * times slower. The trainer sets it before each step. */
void as_fpu_flush_denormals(void);
/* The library's own description, e.g. "OpenBLAS 0.3.21 ... Haswell". */
const char *as_blas_name(void);

#endif
