#include <cblas.h>

#include "autoscope/blas.h"

void as_sgemm(int trans_a, int trans_b, size_t m, size_t n, size_t k,
	      float alpha, const float *a, size_t lda, const float *b,
	      size_t ldb, float beta, float *c, size_t ldc)
{
	cblas_sgemm(CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans,
		    trans_b ? CblasTrans : CblasNoTrans, (blasint)m, (blasint)n,
		    (blasint)k, alpha, a, (blasint)lda, b, (blasint)ldb, beta,
		    c, (blasint)ldc);
}

void as_sgemm_ref(int trans_a, int trans_b, size_t m, size_t n, size_t k,
		  float alpha, const float *a, size_t lda, const float *b,
		  size_t ldb, float beta, float *c, size_t ldc)
{
	for (size_t i = 0; i < m; i++) {
		for (size_t j = 0; j < n; j++) {
			double s = 0;
			for (size_t p = 0; p < k; p++) {
				float av = trans_a ? a[p * lda + i]
						   : a[i * lda + p];
				float bv = trans_b ? b[j * ldb + p]
						   : b[p * ldb + j];
				s += (double)av * bv;
			}
			/* beta == 0 overwrites C, as BLAS does (NaN-safe) */
			double old = beta == 0 ? 0 : beta * c[i * ldc + j];
			c[i * ldc + j] = (float)(alpha * s + old);
		}
	}
}

void as_blas_set_threads(int n)
{
	openblas_set_num_threads(n);
}

void as_fpu_flush_denormals(void)
{
#if defined(__x86_64__) || defined(__SSE2__)
	unsigned csr = __builtin_ia32_stmxcsr();
	unsigned want = csr | 0x8040u; /* FTZ (bit 15) and DAZ (bit 6) */
	if (want != csr)
		__builtin_ia32_ldmxcsr(want);
#endif
}

int as_blas_threads(void)
{
	return openblas_get_num_threads();
}

const char *as_blas_name(void)
{
	return openblas_get_config();
}

/* OpenBLAS's pthread build keeps one pool of threads for the process:
 * two training threads that each ask it for two meet in its queue and
 * wait on each other (measured in bench/bench_runs: about 10 times
 * slower than one BLAS thread each). Beside other runs, a run gets one;
 * the cores go to the runs' own threads. */
int as_blas_threads_for(int wanted, int n_runs)
{
	if (wanted < 1)
		wanted = 1;
	return n_runs > 1 ? 1 : wanted;
}
