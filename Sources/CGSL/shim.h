// Private C shim for GNU GSL. Nothing here is public CollectSim API: the Stochastics module
// wraps every function it uses in typed Swift, so no gsl_* name leaks beyond it.
#ifndef COLLECTSIM_CGSL_SHIM_H
#define COLLECTSIM_CGSL_SHIM_H

#include <gsl/gsl_errno.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sf_gamma.h>
#include <gsl/gsl_statistics_double.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_qrng.h>
#include <gsl/gsl_multimin.h>
#include <gsl/gsl_multifit_nlinear.h>

/// GSL's generator types are C globals, which Swift 6 treats as shared mutable state;
/// these accessors return them as constants.
static inline const gsl_rng_type *cgsl_rng_mt19937(void) { return gsl_rng_mt19937; }
static inline const gsl_rng_type *cgsl_rng_taus2(void) { return gsl_rng_taus2; }
static inline const gsl_qrng_type *cgsl_qrng_sobol(void) { return gsl_qrng_sobol; }
static inline const gsl_multimin_fminimizer_type *cgsl_multimin_nmsimplex2(void) { return gsl_multimin_fminimizer_nmsimplex2; }
static inline const gsl_multifit_nlinear_type *cgsl_multifit_nlinear_trust(void) { return gsl_multifit_nlinear_trust; }

/// Turns GSL's abort-on-error handler off; callers check return values instead.
static inline void cgsl_disable_abort(void) { gsl_set_error_handler_off(); }

#endif
