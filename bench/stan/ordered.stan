// ordered: a gaussian equation (fear) and an ordered one (border, c8_max
// 0-4) with unit random intercepts (bench/ordered.dag), written as brms
// writes such a model: centred design matrices with a separate intercept
// (or centred cutpoints), unit intercepts built once per unit
// (non-centred), normal_id_glm and vectorized ordered_logistic. Priors are
// dilemma's defaults: intercept normal(0, 2.5) (on a, the intercept at
// x = 0), strengths normal(0, 1), sigma and tau half-normal(1), cutpoints
// (at x = 0) student_t(3, 0, 2.5) each.
data {
  int<lower=1> N_fear;
  int<lower=1> K_fear;
  matrix[N_fear, K_fear] X_fear;
  vector[N_fear] y_fear;
  int<lower=1> J_fear;
  int<lower=1, upper=J_fear> g_fear[N_fear];

  int<lower=1> N_border;
  int<lower=1> K_border;
  matrix[N_border, K_border] X_border;
  int<lower=2> C_border;
  int<lower=1, upper=C_border> y_border[N_border];
  int<lower=1> J_border;
  int<lower=1, upper=J_border> g_border[N_border];
}
transformed data {
  // Centre the design (as brms does); the intercept at x = 0 is recovered
  // below, so the prior and the reported a are dilemma's.
  row_vector[K_fear] m_fear;
  row_vector[K_border] m_border;
  matrix[N_fear, K_fear] Xc_fear;
  matrix[N_border, K_border] Xc_border;
  for (k in 1:K_fear) {
    m_fear[k] = mean(X_fear[, k]);
    Xc_fear[, k] = X_fear[, k] - m_fear[k];
  }
  for (k in 1:K_border) {
    m_border[k] = mean(X_border[, k]);
    Xc_border[, k] = X_border[, k] - m_border[k];
  }
}
parameters {
  real Intercept_fear;
  vector[K_fear] b_fear;
  real<lower=0> sigma_fear;
  real<lower=0> tau_fear;
  vector[J_fear] z_fear;

  ordered[C_border - 1] Intercept_border;
  vector[K_border] b_border;
  real<lower=0> tau_border;
  vector[J_border] z_border;
}
transformed parameters {
  vector[J_fear] r_fear = tau_fear * z_fear;
  vector[J_border] r_border = tau_border * z_border;
  real a_fear = Intercept_fear - m_fear * b_fear;
  // cutpoints at x = 0 (a shift of the centred ones: unit Jacobian)
  vector[C_border - 1] c_border = Intercept_border + m_border * b_border;
}
model {
  {
    vector[N_fear] mu_fear = Intercept_fear + r_fear[g_fear];
    vector[N_border] mu_border = Xc_border * b_border + r_border[g_border];
    target += normal_id_glm_lpdf(y_fear | Xc_fear, mu_fear, b_fear, sigma_fear);
    target += ordered_logistic_lpmf(y_border | mu_border, Intercept_border);
  }
  // a and c are linear functions of the centred intercepts: unit Jacobian.
  target += normal_lpdf(a_fear | 0, 2.5);
  target += student_t_lpdf(c_border | 3, 0, 2.5);
  target += normal_lpdf(b_fear | 0, 1) + normal_lpdf(b_border | 0, 1);
  target += normal_lpdf(sigma_fear | 0, 1);
  target += normal_lpdf(tau_fear | 0, 1) + normal_lpdf(tau_border | 0, 1);
  target += std_normal_lpdf(z_fear) + std_normal_lpdf(z_border);
}
