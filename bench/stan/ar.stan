// ar: bench/ar.dag, panel2 with AR(1) residuals within country on both
// equations, written as brms writes ar(time, unit, p = 1) on a gaussian
// model: rho declared <lower=-1, upper=1> (brms's default prior, uniform),
// the residuals of the linear predictor computed as a vector and the
// autoregression applied to them row by row. As dilemma defines the model
// (model/sem/ar.go), each country's first row is drawn from the stationary
// distribution and a gap of k months uses the exact k-step transition
// (brms's default conditions on the first residual and ignores gaps; its
// cov = TRUE form has the stationary start but builds a dense covariance
// per country). The rest is panel2.stan: centred design, non-centred unit
// intercepts, dilemma's default priors.
functions {
  // Log density of residuals e with AR(1) coefficient rho and innovation
  // sd sigma; P[i] is the row whose residual row i follows (0: stationary
  // start), D[i] the gap in periods.
  real ar1_lpdf(vector e, real rho, real sigma, int[] P, int[] D) {
    int N = rows(e);
    vector[N] m;
    vector[N] s;
    real s0 = sigma / sqrt(1 - square(rho));
    for (i in 1:N) {
      if (P[i] == 0) {
        m[i] = 0;
        s[i] = s0;
      } else if (D[i] == 1) {
        m[i] = rho * e[P[i]];
        s[i] = sigma;
      } else {
        m[i] = pow(rho, D[i]) * e[P[i]];
        s[i] = sigma * sqrt((1 - pow(rho, 2 * D[i])) / (1 - square(rho)));
      }
    }
    return normal_lpdf(e | m, s);
  }
}
data {
  int<lower=1> N_fear;
  int<lower=1> K_fear;
  matrix[N_fear, K_fear] X_fear;
  vector[N_fear] y_fear;
  int<lower=1> J_fear;
  int<lower=1, upper=J_fear> g_fear[N_fear];
  int<lower=0, upper=N_fear> P_fear[N_fear];
  int<lower=0> D_fear[N_fear];

  int<lower=1> N_response;
  int<lower=1> K_response;
  matrix[N_response, K_response] X_response;
  vector[N_response] y_response;
  int<lower=1> J_response;
  int<lower=1, upper=J_response> g_response[N_response];
  int<lower=0, upper=N_response> P_response[N_response];
  int<lower=0> D_response[N_response];
}
transformed data {
  row_vector[K_fear] m_fear;
  row_vector[K_response] m_response;
  matrix[N_fear, K_fear] Xc_fear;
  matrix[N_response, K_response] Xc_response;
  for (k in 1:K_fear) {
    m_fear[k] = mean(X_fear[, k]);
    Xc_fear[, k] = X_fear[, k] - m_fear[k];
  }
  for (k in 1:K_response) {
    m_response[k] = mean(X_response[, k]);
    Xc_response[, k] = X_response[, k] - m_response[k];
  }
}
parameters {
  real Intercept_fear;
  vector[K_fear] b_fear;
  real<lower=0> sigma_fear;
  real<lower=-1, upper=1> ar_fear;
  real<lower=0> tau_fear;
  vector[J_fear] z_fear;

  real Intercept_response;
  vector[K_response] b_response;
  real<lower=0> sigma_response;
  real<lower=-1, upper=1> ar_response;
  real<lower=0> tau_response;
  vector[J_response] z_response;
}
transformed parameters {
  vector[J_fear] r_fear = tau_fear * z_fear;
  vector[J_response] r_response = tau_response * z_response;
  real a_fear = Intercept_fear - m_fear * b_fear;
  real a_response = Intercept_response - m_response * b_response;
}
model {
  {
    vector[N_fear] e_fear = y_fear - (Intercept_fear + Xc_fear * b_fear + r_fear[g_fear]);
    vector[N_response] e_response = y_response - (Intercept_response + Xc_response * b_response + r_response[g_response]);
    target += ar1_lpdf(e_fear | ar_fear, sigma_fear, P_fear, D_fear);
    target += ar1_lpdf(e_response | ar_response, sigma_response, P_response, D_response);
  }
  target += normal_lpdf(a_fear | 0, 2.5) + normal_lpdf(a_response | 0, 2.5);
  target += normal_lpdf(b_fear | 0, 1) + normal_lpdf(b_response | 0, 1);
  target += normal_lpdf(sigma_fear | 0, 1) + normal_lpdf(sigma_response | 0, 1);
  target += normal_lpdf(tau_fear | 0, 1) + normal_lpdf(tau_response | 0, 1);
  target += std_normal_lpdf(z_fear) + std_normal_lpdf(z_response);
}
