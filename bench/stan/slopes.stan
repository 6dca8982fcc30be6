// slopes: two gaussian equations with unit random intercepts and one
// strength per equation varying by unit (bench/slopes.dag), written as brms
// writes y ~ x1 + x2 + x3 + (1 + x1 || unit): a centred design with a
// separate intercept, uncorrelated non-centred group-level effects (the
// varying slope multiplies the raw column, as brms's Z does), likelihood
// through normal_id_glm. Priors are dilemma's defaults: intercept
// normal(0, 2.5) on a (the intercept at x = 0), strengths normal(0, 1),
// sigma, tau and the slopes' sd half-normal(1).
data {
  int<lower=1> N_fear;
  int<lower=1> K_fear;
  matrix[N_fear, K_fear] X_fear;
  vector[N_fear] y_fear;
  int<lower=1> J_fear;
  int<lower=1, upper=J_fear> g_fear[N_fear];
  int<lower=1> V_fear;
  int<lower=1, upper=K_fear> vcol_fear[V_fear];

  int<lower=1> N_response;
  int<lower=1> K_response;
  matrix[N_response, K_response] X_response;
  vector[N_response] y_response;
  int<lower=1> J_response;
  int<lower=1, upper=J_response> g_response[N_response];
  int<lower=1> V_response;
  int<lower=1, upper=K_response> vcol_response[V_response];
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
  real<lower=0> tau_fear;
  vector[J_fear] z_fear;
  vector<lower=0>[V_fear] sdv_fear;
  matrix[J_fear, V_fear] zv_fear;

  real Intercept_response;
  vector[K_response] b_response;
  real<lower=0> sigma_response;
  real<lower=0> tau_response;
  vector[J_response] z_response;
  vector<lower=0>[V_response] sdv_response;
  matrix[J_response, V_response] zv_response;
}
transformed parameters {
  vector[J_fear] r_fear = tau_fear * z_fear;
  vector[J_response] r_response = tau_response * z_response;
  matrix[J_fear, V_fear] rv_fear = diag_post_multiply(zv_fear, sdv_fear);
  matrix[J_response, V_response] rv_response = diag_post_multiply(zv_response, sdv_response);
  real a_fear = Intercept_fear - m_fear * b_fear;
  real a_response = Intercept_response - m_response * b_response;
}
model {
  {
    vector[N_fear] mu_fear = Intercept_fear + r_fear[g_fear];
    vector[N_response] mu_response = Intercept_response + r_response[g_response];
    for (s in 1:V_fear)
      mu_fear += rv_fear[g_fear, s] .* X_fear[, vcol_fear[s]];
    for (s in 1:V_response)
      mu_response += rv_response[g_response, s] .* X_response[, vcol_response[s]];
    target += normal_id_glm_lpdf(y_fear | Xc_fear, mu_fear, b_fear, sigma_fear);
    target += normal_id_glm_lpdf(y_response | Xc_response, mu_response, b_response, sigma_response);
  }
  target += normal_lpdf(a_fear | 0, 2.5) + normal_lpdf(a_response | 0, 2.5);
  target += normal_lpdf(b_fear | 0, 1) + normal_lpdf(b_response | 0, 1);
  target += normal_lpdf(sigma_fear | 0, 1) + normal_lpdf(sigma_response | 0, 1);
  target += normal_lpdf(tau_fear | 0, 1) + normal_lpdf(tau_response | 0, 1);
  target += normal_lpdf(sdv_fear | 0, 1) + normal_lpdf(sdv_response | 0, 1);
  target += std_normal_lpdf(z_fear) + std_normal_lpdf(z_response);
  target += std_normal_lpdf(to_vector(zv_fear)) + std_normal_lpdf(to_vector(zv_response));
}
