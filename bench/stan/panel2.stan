// panel2: two gaussian equations with unit random intercepts (bench/panel2.dag),
// written as brms writes such a model: centred design matrices with a
// separate intercept, unit intercepts built once per unit (non-centred),
// likelihood through normal_id_glm. Priors are dilemma's defaults on the
// same scale: intercept normal(0, 2.5) (on a, the intercept at x = 0),
// strengths normal(0, 1), sigma and tau half-normal(1).
data {
  int<lower=1> N_fear;
  int<lower=1> K_fear;
  matrix[N_fear, K_fear] X_fear;
  vector[N_fear] y_fear;
  int<lower=1> J_fear;
  int<lower=1, upper=J_fear> g_fear[N_fear];

  int<lower=1> N_response;
  int<lower=1> K_response;
  matrix[N_response, K_response] X_response;
  vector[N_response] y_response;
  int<lower=1> J_response;
  int<lower=1, upper=J_response> g_response[N_response];
}
transformed data {
  // Centre the design (as brms does); the intercept at x = 0 is recovered
  // below, so the prior and the reported a are dilemma's.
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
  real<lower=0> tau_fear;
  vector[J_fear] z_fear;

  real Intercept_response;
  vector[K_response] b_response;
  real<lower=0> sigma_response;
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
    vector[N_fear] mu_fear = Intercept_fear + r_fear[g_fear];
    vector[N_response] mu_response = Intercept_response + r_response[g_response];
    target += normal_id_glm_lpdf(y_fear | Xc_fear, mu_fear, b_fear, sigma_fear);
    target += normal_id_glm_lpdf(y_response | Xc_response, mu_response, b_response, sigma_response);
  }
  // a is a linear function of Intercept with unit Jacobian.
  target += normal_lpdf(a_fear | 0, 2.5) + normal_lpdf(a_response | 0, 2.5);
  target += normal_lpdf(b_fear | 0, 1) + normal_lpdf(b_response | 0, 1);
  target += normal_lpdf(sigma_fear | 0, 1) + normal_lpdf(sigma_response | 0, 1);
  target += normal_lpdf(tau_fear | 0, 1) + normal_lpdf(tau_response | 0, 1);
  target += std_normal_lpdf(z_fear) + std_normal_lpdf(z_response);
}
