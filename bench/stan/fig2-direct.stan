// fig2-direct: bench/stan/fig2.stan with the latent values as parameters
// (the way brms would write them); it does not converge at 4 x (500 + 500)
// (README). The paper's Figure 2 model as dilemma's built-in defines it (model
// fig2, data bound by package fit and exported by bench/cmd/standata):
//
//   fear          gaussian: threat, peer_unilateralism[t-1], intent_uncertainty
//   unilateralism ordered (c8_max, 5 levels): unequal_exposure, fear, intent_uncertainty
//   dilemma       gaussian (days of total ban, log1p, standardized): unilateralism
//   intent_uncertainty  latent, eta ~ normal(b * unequal_exposure + r, 1),
//                       indicators h1_public_info, h2_testing_policy
//                       (standardized), gaussian, a + lambda * eta
//
// every equation with unit random intercepts; the first loading positive.
// Written in the glm style: centred designs with a separate intercept (or
// centred cutpoints), unit intercepts built once per unit (non-centred),
// normal_id_glm for the gaussian equations, vectorized ordered_logistic,
// the latent values as parameters. Priors are dilemma's: intercepts
// normal(0, 2.5), strengths and loadings normal(0, 1) (the first loading
// half-normal(1)), sigma and tau half-normal(1), indicator sds gamma(2, 4),
// cutpoints student_t(3, 0, 2.5) each.
data {
  int<lower=1> N_fear;
  int<lower=1> K_fear;
  matrix[N_fear, K_fear] X_fear;
  vector[N_fear] y_fear;
  int<lower=1> J_fear;
  int<lower=1, upper=J_fear> g_fear[N_fear];
  int<lower=1> N_intent_uncertainty;
  int<lower=1, upper=N_intent_uncertainty> l_fear_intent_uncertainty[N_fear];

  int<lower=1> N_unilateralism;
  int<lower=1> K_unilateralism;
  matrix[N_unilateralism, K_unilateralism] X_unilateralism;
  int<lower=2> C_unilateralism;
  int<lower=1, upper=C_unilateralism> y_unilateralism[N_unilateralism];
  int<lower=1> J_unilateralism;
  int<lower=1, upper=J_unilateralism> g_unilateralism[N_unilateralism];
  int<lower=1, upper=N_intent_uncertainty> l_unilateralism_intent_uncertainty[N_unilateralism];

  int<lower=1> K_intent_uncertainty;
  matrix[N_intent_uncertainty, K_intent_uncertainty] X_intent_uncertainty;
  int<lower=1> J_intent_uncertainty;
  int<lower=1, upper=J_intent_uncertainty> g_intent_uncertainty[N_intent_uncertainty];
  int<lower=1> N_h1_public_info;
  vector[N_h1_public_info] y_h1_public_info;
  int<lower=1, upper=N_intent_uncertainty> l_h1_public_info[N_h1_public_info];
  int<lower=1> N_h2_testing_policy;
  vector[N_h2_testing_policy] y_h2_testing_policy;
  int<lower=1, upper=N_intent_uncertainty> l_h2_testing_policy[N_h2_testing_policy];

  int<lower=1> N_dilemma;
  int<lower=1> K_dilemma;
  matrix[N_dilemma, K_dilemma] X_dilemma;
  vector[N_dilemma] y_dilemma;
  int<lower=1> J_dilemma;
  int<lower=1, upper=J_dilemma> g_dilemma[N_dilemma];
}
transformed data {
  row_vector[K_fear] m_fear;
  row_vector[K_unilateralism] m_unilateralism;
  row_vector[K_dilemma] m_dilemma;
  matrix[N_fear, K_fear] Xc_fear;
  matrix[N_unilateralism, K_unilateralism] Xc_unilateralism;
  matrix[N_dilemma, K_dilemma] Xc_dilemma;
  for (k in 1:K_fear) {
    m_fear[k] = mean(X_fear[, k]);
    Xc_fear[, k] = X_fear[, k] - m_fear[k];
  }
  for (k in 1:K_unilateralism) {
    m_unilateralism[k] = mean(X_unilateralism[, k]);
    Xc_unilateralism[, k] = X_unilateralism[, k] - m_unilateralism[k];
  }
  for (k in 1:K_dilemma) {
    m_dilemma[k] = mean(X_dilemma[, k]);
    Xc_dilemma[, k] = X_dilemma[, k] - m_dilemma[k];
  }
}
parameters {
  real Intercept_fear;
  vector[K_fear] b_fear;
  real bl_fear_intent_uncertainty;
  real<lower=0> sigma_fear;
  real<lower=0> tau_fear;
  vector[J_fear] z_fear;

  vector[K_unilateralism] b_unilateralism;
  real bl_unilateralism_intent_uncertainty;
  ordered[C_unilateralism - 1] Intercept_unilateralism;
  real<lower=0> tau_unilateralism;
  vector[J_unilateralism] z_unilateralism;

  vector[K_intent_uncertainty] b_intent_uncertainty;
  real<lower=0> tau_intent_uncertainty;
  vector[J_intent_uncertainty] z_intent_uncertainty;
  vector[N_intent_uncertainty] eta_intent_uncertainty;
  real a_h1_public_info;
  real<lower=0> lambda_h1_public_info;
  real<lower=0> sigma_h1_public_info;
  real a_h2_testing_policy;
  real lambda_h2_testing_policy;
  real<lower=0> sigma_h2_testing_policy;

  real Intercept_dilemma;
  vector[K_dilemma] b_dilemma;
  real<lower=0> sigma_dilemma;
  real<lower=0> tau_dilemma;
  vector[J_dilemma] z_dilemma;
}
transformed parameters {
  vector[J_fear] r_fear = tau_fear * z_fear;
  vector[J_unilateralism] r_unilateralism = tau_unilateralism * z_unilateralism;
  vector[J_intent_uncertainty] r_intent_uncertainty = tau_intent_uncertainty * z_intent_uncertainty;
  vector[J_dilemma] r_dilemma = tau_dilemma * z_dilemma;
  real a_fear = Intercept_fear - m_fear * b_fear;
  real a_dilemma = Intercept_dilemma - m_dilemma * b_dilemma;
  // cutpoints on the uncentred scale (a shift: unit Jacobian)
  vector[C_unilateralism - 1] c_unilateralism = Intercept_unilateralism + m_unilateralism * b_unilateralism;
}
model {
  {
    vector[N_fear] mu_fear = Intercept_fear + r_fear[g_fear]
      + bl_fear_intent_uncertainty * eta_intent_uncertainty[l_fear_intent_uncertainty];
    vector[N_unilateralism] mu_unilateralism = Xc_unilateralism * b_unilateralism + r_unilateralism[g_unilateralism]
      + bl_unilateralism_intent_uncertainty * eta_intent_uncertainty[l_unilateralism_intent_uncertainty];
    target += normal_id_glm_lpdf(y_fear | Xc_fear, mu_fear, b_fear, sigma_fear);
    target += ordered_logistic_lpmf(y_unilateralism | mu_unilateralism, Intercept_unilateralism);
    // the latent's structural equation (residual sd 1, no intercept) and indicators
    target += normal_id_glm_lpdf(eta_intent_uncertainty | X_intent_uncertainty, r_intent_uncertainty[g_intent_uncertainty], b_intent_uncertainty, 1.0);
    target += normal_lpdf(y_h1_public_info | a_h1_public_info + lambda_h1_public_info * eta_intent_uncertainty[l_h1_public_info], sigma_h1_public_info);
    target += normal_lpdf(y_h2_testing_policy | a_h2_testing_policy + lambda_h2_testing_policy * eta_intent_uncertainty[l_h2_testing_policy], sigma_h2_testing_policy);
    target += normal_id_glm_lpdf(y_dilemma | Xc_dilemma, Intercept_dilemma + r_dilemma[g_dilemma], b_dilemma, sigma_dilemma);
  }
  target += normal_lpdf(a_fear | 0, 2.5);
  target += normal_lpdf(b_fear | 0, 1) + normal_lpdf(bl_fear_intent_uncertainty | 0, 1);
  target += normal_lpdf(sigma_fear | 0, 1) + normal_lpdf(tau_fear | 0, 1) + std_normal_lpdf(z_fear);

  target += normal_lpdf(b_unilateralism | 0, 1) + normal_lpdf(bl_unilateralism_intent_uncertainty | 0, 1);
  target += student_t_lpdf(c_unilateralism | 3, 0, 2.5);
  target += normal_lpdf(tau_unilateralism | 0, 1) + std_normal_lpdf(z_unilateralism);

  target += normal_lpdf(b_intent_uncertainty | 0, 1);
  target += normal_lpdf(tau_intent_uncertainty | 0, 1) + std_normal_lpdf(z_intent_uncertainty);
  target += normal_lpdf(a_h1_public_info | 0, 2.5) + normal_lpdf(a_h2_testing_policy | 0, 2.5);
  target += normal_lpdf(lambda_h1_public_info | 0, 1) + normal_lpdf(lambda_h2_testing_policy | 0, 1);
  target += gamma_lpdf(sigma_h1_public_info | 2, 4) + gamma_lpdf(sigma_h2_testing_policy | 2, 4);

  target += normal_lpdf(a_dilemma | 0, 2.5) + normal_lpdf(b_dilemma | 0, 1);
  target += normal_lpdf(sigma_dilemma | 0, 1) + normal_lpdf(tau_dilemma | 0, 1) + std_normal_lpdf(z_dilemma);
}
