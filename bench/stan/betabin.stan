// betabin: the outcome equation of fig2-remedies (bench/betabin.dag), days
// of total border ban out of the days observed, beta_binomial with a logit
// link and unit random intercepts, written as brms writes such a model:
// centred design matrix with a separate intercept, unit intercepts built
// once per unit (non-centred), the mean mu = inv_logit(eta) and the
// precision phi giving beta_binomial(trials, mu * phi, (1 - mu) * phi).
// Priors are dilemma's defaults: intercept normal(0, 2.5) (on a, the
// intercept at x = 0), strengths normal(0, 1), tau half-normal(1), phi
// gamma(0.01, 0.01) (brms's default for phi).
data {
  int<lower=1> N_dilemma;
  int<lower=1> K_dilemma;
  matrix[N_dilemma, K_dilemma] X_dilemma;
  int<lower=0> y_dilemma[N_dilemma];
  int<lower=1> T_dilemma[N_dilemma];
  int<lower=1> J_dilemma;
  int<lower=1, upper=J_dilemma> g_dilemma[N_dilemma];
}
transformed data {
  row_vector[K_dilemma] m_dilemma;
  matrix[N_dilemma, K_dilemma] Xc_dilemma;
  for (k in 1:K_dilemma) {
    m_dilemma[k] = mean(X_dilemma[, k]);
    Xc_dilemma[, k] = X_dilemma[, k] - m_dilemma[k];
  }
}
parameters {
  real Intercept_dilemma;
  vector[K_dilemma] b_dilemma;
  real<lower=0> phi_dilemma;
  real<lower=0> tau_dilemma;
  vector[J_dilemma] z_dilemma;
}
transformed parameters {
  vector[J_dilemma] r_dilemma = tau_dilemma * z_dilemma;
  real a_dilemma = Intercept_dilemma - m_dilemma * b_dilemma;
}
model {
  {
    vector[N_dilemma] mu = inv_logit(Intercept_dilemma + Xc_dilemma * b_dilemma + r_dilemma[g_dilemma]);
    target += beta_binomial_lpmf(y_dilemma | T_dilemma, mu * phi_dilemma, (1 - mu) * phi_dilemma);
  }
  target += normal_lpdf(a_dilemma | 0, 2.5);
  target += normal_lpdf(b_dilemma | 0, 1);
  target += gamma_lpdf(phi_dilemma | 0.01, 0.01);
  target += normal_lpdf(tau_dilemma | 0, 1);
  target += std_normal_lpdf(z_dilemma);
}
