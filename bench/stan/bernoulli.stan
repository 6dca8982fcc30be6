// bernoulli: a gaussian equation (fear) and a bernoulli one (ban: any day
// of total border closure in the month) with unit random intercepts
// (bench/bernoulli.dag), written as brms writes such a model: centred
// design matrices with a separate intercept, unit intercepts built once per
// unit (non-centred), normal_id_glm and bernoulli_logit_glm. Priors are
// dilemma's defaults: intercept normal(0, 2.5) (on a, the intercept at
// x = 0), strengths normal(0, 1), sigma and tau half-normal(1).
data {
  int<lower=1> N_fear;
  int<lower=1> K_fear;
  matrix[N_fear, K_fear] X_fear;
  vector[N_fear] y_fear;
  int<lower=1> J_fear;
  int<lower=1, upper=J_fear> g_fear[N_fear];

  int<lower=1> N_ban;
  int<lower=1> K_ban;
  matrix[N_ban, K_ban] X_ban;
  int<lower=0, upper=1> y_ban[N_ban];
  int<lower=1> J_ban;
  int<lower=1, upper=J_ban> g_ban[N_ban];
}
transformed data {
  // Centre the design (as brms does); the intercept at x = 0 is recovered
  // below, so the prior and the reported a are dilemma's.
  row_vector[K_fear] m_fear;
  row_vector[K_ban] m_ban;
  matrix[N_fear, K_fear] Xc_fear;
  matrix[N_ban, K_ban] Xc_ban;
  for (k in 1:K_fear) {
    m_fear[k] = mean(X_fear[, k]);
    Xc_fear[, k] = X_fear[, k] - m_fear[k];
  }
  for (k in 1:K_ban) {
    m_ban[k] = mean(X_ban[, k]);
    Xc_ban[, k] = X_ban[, k] - m_ban[k];
  }
}
parameters {
  real Intercept_fear;
  vector[K_fear] b_fear;
  real<lower=0> sigma_fear;
  real<lower=0> tau_fear;
  vector[J_fear] z_fear;

  real Intercept_ban;
  vector[K_ban] b_ban;
  real<lower=0> tau_ban;
  vector[J_ban] z_ban;
}
transformed parameters {
  vector[J_fear] r_fear = tau_fear * z_fear;
  vector[J_ban] r_ban = tau_ban * z_ban;
  real a_fear = Intercept_fear - m_fear * b_fear;
  real a_ban = Intercept_ban - m_ban * b_ban;
}
model {
  {
    vector[N_fear] mu_fear = Intercept_fear + r_fear[g_fear];
    vector[N_ban] mu_ban = Intercept_ban + r_ban[g_ban];
    target += normal_id_glm_lpdf(y_fear | Xc_fear, mu_fear, b_fear, sigma_fear);
    target += bernoulli_logit_glm_lpmf(y_ban | Xc_ban, mu_ban, b_ban);
  }
  // a is a linear function of Intercept with unit Jacobian.
  target += normal_lpdf(a_fear | 0, 2.5) + normal_lpdf(a_ban | 0, 2.5);
  target += normal_lpdf(b_fear | 0, 1) + normal_lpdf(b_ban | 0, 1);
  target += normal_lpdf(sigma_fear | 0, 1);
  target += normal_lpdf(tau_fear | 0, 1) + normal_lpdf(tau_ban | 0, 1);
  target += std_normal_lpdf(z_fear) + std_normal_lpdf(z_ban);
}
