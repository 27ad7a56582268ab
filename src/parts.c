/* parts: a code rebuilt unit by unit (parts.h). */
#include <math.h>
#include <string.h>

#include "autoscope/parts.h"

static float col_at(const struct as_model *m, int sparse, size_t j,
		    size_t i)
{
	return sparse || m->tied ? m->w[j * m->n_visible + i]
				 : m->w2[i * m->n_hidden + j];
}

void as_parts_norms(const struct as_model *m, int sparse, float *norms)
{
	for (size_t j = 0; j < m->n_hidden; j++) {
		double s = 0;
		for (size_t i = 0; i < m->n_visible; i++) {
			double v = col_at(m, sparse, j, i);
			s += v * v;
		}
		norms[j] = (float)sqrt(s);
	}
}

void as_parts_of(const struct as_model *m, int sparse, int sigmoid_out,
		 const float *h, const float *norms, struct as_parts *out,
		 float *partial, float *cols, float *scratch)
{
	size_t nv = m->n_visible, nh = m->n_hidden;
	float *a = scratch, *am = scratch + nv;
	/* a: everything the code puts into the decoder */
	memset(a, 0, nv * sizeof(float));
	for (size_t j = 0; j < nh; j++)
		if (h[j] != 0.0f)
			for (size_t i = 0; i < nv; i++)
				a[i] += h[j] * col_at(m, sparse, j, i);
	double total = 0;
	for (size_t i = 0; i < nv; i++)
		total += (double)a[i] * a[i];
	memset(am, 0, nv * sizeof(float));
	out->k = 0;
	out->units_90 = AS_PARTS_MAX + 1;
	/* units by their share, largest first, one at a time (no sort of
	 * them all: at most AS_PARTS_MAX are needed) */
	unsigned char used[4096];
	memset(used, 0, nh < sizeof used ? nh : sizeof used);
	for (int m_ = 0; m_ < AS_PARTS_MAX && (size_t)m_ < nh &&
			 nh <= sizeof used;
	     m_++) {
		size_t best = nh;
		float bv = -1;
		for (size_t j = 0; j < nh; j++) {
			float v = fabsf(h[j]) * norms[j];
			if (!used[j] && v > bv) {
				bv = v;
				best = j;
			}
		}
		if (best == nh || bv <= 0)
			break;
		used[best] = 1;
		double resid = 0;
		for (size_t i = 0; i < nv; i++) {
			am[i] += h[best] * col_at(m, sparse, best, i);
			double e = a[i] - am[i];
			resid += e * e;
		}
		if (m_ < AS_PARTS_K) {
			out->unit[m_] = (uint32_t)best;
			out->code[m_] = h[best];
			out->k = m_ + 1;
			float *p = partial + (size_t)m_ * nv;
			float *c = cols + (size_t)m_ * nv;
			for (size_t i = 0; i < nv; i++) {
				float v = am[i] + (sparse ? 0.0f : m->c[i]);
				p[i] = sigmoid_out ? 1.0f / (1.0f + expf(-v)) : v;
				c[i] = col_at(m, sparse, best, i);
			}
		}
		if (out->units_90 > AS_PARTS_MAX && resid <= 0.1 * total)
			out->units_90 = m_ + 1;
		if (m_ >= AS_PARTS_K && out->units_90 <= AS_PARTS_MAX)
			break;
	}
	if (total == 0)
		out->units_90 = 0;
}
