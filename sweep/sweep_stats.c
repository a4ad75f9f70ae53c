/*
 * sweep_stats.c - the statistics of the plots of a sweep: the mean of a
 * metric over the repetitions of one point, its sample standard
 * deviation, and the 95% confidence interval of the mean,
 * mean +- t * s / sqrt(n), t the critical value of Student's t
 * distribution with n - 1 degrees of freedom.
 *
 * t is computed here, from the regularized incomplete beta function
 * (P(|T| > t) = I_{nu/(nu+t^2)}(nu/2, 1/2)) by a continued fraction and
 * a bisection: no library is needed for one quantile, and
 * tests/sweep/unit.c checks it against the published table of t
 * (doc/sweeps.md, "Plots", says why this and not GSL).
 */
#include <math.h>
#include <stdbool.h>

#include "sweep/sweep.h"

/* ---- Student's t ---- */

/* Continued fraction of the incomplete beta function (modified Lentz). */
static double
beta_cf(double a, double b, double x)
{
	const double tiny = 1e-300;
	double c = 1, d = 1 - (a + b) * x / (a + 1), h;

	if (fabs(d) < tiny)
		d = tiny;
	d = 1 / d;
	h = d;
	for (int m = 1; m <= 300; m++) {
		double m2 = 2.0 * m, aa, del;

		aa = m * (b - m) * x / ((a + m2 - 1) * (a + m2));
		d = 1 + aa * d;
		if (fabs(d) < tiny)
			d = tiny;
		c = 1 + aa / c;
		if (fabs(c) < tiny)
			c = tiny;
		d = 1 / d;
		h *= d * c;
		aa = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
		d = 1 + aa * d;
		if (fabs(d) < tiny)
			d = tiny;
		c = 1 + aa / c;
		if (fabs(c) < tiny)
			c = tiny;
		d = 1 / d;
		del = d * c;
		h *= del;
		if (fabs(del - 1) < 1e-15)
			break;
	}
	return h;
}

/* The regularized incomplete beta function I_x(a, b). */
static double
ibeta(double a, double b, double x)
{
	double bt;

	if (x <= 0)
		return 0;
	if (x >= 1)
		return 1;
	bt = exp(lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x));
	if (x < (a + 1) / (a + b + 2))
		return bt * beta_cf(a, b, x) / a;
	return 1 - bt * beta_cf(b, a, 1 - x) / b;
}

/*
 * Bisection on t in [0, 1e6] (alpha above 1e-12 keeps t well inside it
 * for every df): 200 halvings leave the interval narrower than the
 * spacing of doubles there.
 */
double
sw_t_crit(double alpha, unsigned df)
{
	double lo = 0, hi = 1e6, nu = df;

	if (df == 0)
		return NAN;
	/* P(|T| > t) = I_{nu/(nu+t^2)}(nu/2, 1/2), falling in t: find alpha. */
	for (int i = 0; i < 200; i++) {
		double t = (lo + hi) / 2;

		if (ibeta(nu / 2, 0.5, nu / (nu + t * t)) > alpha)
			lo = t;
		else
			hi = t;
	}
	return (lo + hi) / 2;
}

/* ---- the statistics of one point ---- */

void
sw_stats_mean_ci(const double *v, unsigned n, double *mean, double *sd, double *ci)
{
	double sum = 0, ss = 0;
	bool same = true;

	for (unsigned i = 0; i < n; i++)
		sum += v[i];
	*mean = sum / n;
	for (unsigned i = 0; i < n; i++) {
		double e = v[i] - *mean;

		ss += e * e;
	}
	for (unsigned i = 1; i < n; i++)
		same &= v[i] == v[0];
	if (same)
		ss = 0;	/* all equal: no rounding noise in s */
	*sd = 0;
	*ci = 0;
	if (n > 1) {
		*sd = sqrt(ss / (n - 1));
		*ci = sw_t_crit(0.05, n - 1) * *sd / sqrt((double)n);
	}
}
