/*
 * rae_score.h - the QoS metric of a path and its score for a class of
 * service (D4.3 section 4, doc/rae.md "Metric aggregation and the
 * decision process"): what the RAE's decision process computes and what
 * the CME uses to choose among the paths its RAEs report.  The CME
 * includes this header, rae_wire.h and the generated cmerae.pb-c.h, and
 * nothing else of the RAE.  Prototypes are grouped by the file that
 * defines them.
 */
#ifndef ENTITIES_RAE_RAE_SCORE_H
#define ENTITIES_RAE_RAE_SCORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RAE_MAX_CLASSES	8	/* classes with decision parameters */

/*
 * Long-term QoS of a link, a part of a domain or a whole path.  Delay in
 * seconds, loss as a ratio, bandwidth in bit/s (INFINITY: unlimited).
 */
struct rae_metric {
	double delay;
	double loss;
	double bw;
};

/* Aspiration and reservation levels of one class (decision_parameters). */
struct rae_dparams {
	uint32_t cos;
	double delay_a, delay_r;
	double loss_a, loss_r;
	double bw_a, bw_r;
};

/* ---- metric aggregation and the score (rae_decide.c) ---- */

/* The metric of a path made of part a followed by part b. */
struct rae_metric rae_metric_concat(struct rae_metric a, struct rae_metric b);
/* The metric that is neutral for concat: no delay, no loss, unlimited bandwidth. */
struct rae_metric rae_metric_zero(void);
/* Normalised criterion (step 1); larger_better for bandwidth. */
double rae_sigma(double q, double a, double r, bool larger_better);
/* Achievement of a normalised criterion (step 2). */
double rae_achievement(double sigma, bool flat);
/* The score of a path metric for a class (steps 1-3). */
double rae_score(const struct rae_dparams *dp, const struct rae_metric *m, bool flat);

/* ---- a metric as the messages carry it (rae_msg.c) ---- */

/* A metric from its optional fields (absent bandwidth: unlimited); 0 or -1 with why. */
int rae_msg_metric(bool has_loss, double loss, bool has_delay, double delay, bool has_bw,
		   double bw, struct rae_metric *out, char *why, size_t whylen);

#endif /* ENTITIES_RAE_RAE_SCORE_H */
