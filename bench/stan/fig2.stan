// fig2: the paper's Figure 2 model as dilemma's built-in defines it (model
// fig2, data bound by package fit and exported by bench/cmd/standata):
//
//   fear          gaussian: threat, peer_unilateralism[t-1], intent_uncertainty
//   unilateralism ordered (c8_max, 5 levels): unequal_exposure, fear, intent_uncertainty
//   dilemma       gaussian (days of total ban, log1p, standardized): unilateralism
//   intent_uncertainty  latent, eta ~ normal(b * unequal_exposure + r, 1),
//                       indicators h1_public_info, h2_testing_policy
//                       (standardized), gaussian, a + lambda * eta
//
// every equation with unit random intercepts; the latent oriented so that
// the first loading is positive.
// Written in the glm style: centred designs with a separate intercept (or
// centred cutpoints), unit intercepts built once per unit (non-centred),
// normal_id_glm for the gaussian equations, vectorized ordered_logistic.
// The latent values move in the coordinates dilemma uses by default
// (--latent-values conditional, see package model/sem): z with
//
//   eta = m + z / sqrt(P),  P = 1 + sum_k lambda_k^2 / sigma_k^2,
//
// m the mean of eta given its structural equation and both indicators; the
// indicators' likelihood is then that of (y1, y2) with eta integrated out,
// normal with covariance diag(sigma^2) + lambda lambda', and z is standard
// normal: the same posterior as fig2-direct.stan (which moves eta itself
// and does not converge at 500 + 500), without its funnels. Both indicators
// are observed at every latent row here (checked in transformed data).
//
// Two more things dilemma does, and so does this program:
// - The sampler moves the latent in either orientation (the first loading
//   unconstrained, normal(0, 1)) and generated quantities turn each draw
//   over so that the first loading is positive (loadings, the latent's
//   values, unit intercepts and strengths into and out of it change sign):
//   the reported posterior is the one with a half-normal first loading, but
//   no chain can be trapped on the wrong side of lambda_1 = 0, as chains
//   with <lower=0> were (lambda_1 → 0, lambda_2 < 0).
// - The indicators' quadratic form is computed without cancellation
//   (Lagrange's identity below): written as e'D⁻¹e − (w'e)²/P it is a
//   difference of huge numbers when a noise sd is small, rounding noise
//   freezes the step size and the chain (sigma_1 ≈ 1e-7 in a run).
// Priors are dilemma's: intercepts normal(0, 2.5), strengths and loadings
// normal(0, 1) (the first loading half-normal(1) once turned over), sigma and tau
// half-normal(1), indicator sds gamma(2, 4), cutpoints student_t(3, 0, 2.5)
// each.
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
  for (r in 1:N_intent_uncertainty) {
    if (N_h1_public_info != N_intent_uncertainty || N_h2_testing_policy != N_intent_uncertainty
        || l_h1_public_info[r] != r || l_h2_testing_policy[r] != r)
      reject("fig2.stan needs both indicators at every latent row");
  }
}
parameters {
  real Intercept_fear;
  vector[K_fear] b_fear;
  real bl_fear_s;
  real<lower=0> sigma_fear;
  real<lower=0> tau_fear;
  vector[J_fear] z_fear;

  vector[K_unilateralism] b_unilateralism;
  real bl_unilateralism_s;
  ordered[C_unilateralism - 1] Intercept_unilateralism;
  real<lower=0> tau_unilateralism;
  vector[J_unilateralism] z_unilateralism;

  vector[K_intent_uncertainty] b_intent_s;
  real<lower=0> tau_intent_uncertainty;
  vector[J_intent_uncertainty] z_intent_uncertainty;
  vector[N_intent_uncertainty] z_eta_intent_uncertainty;
  real a_h1_public_info;
  real lambda_h1_s;
  real<lower=0> sigma_h1_public_info;
  real a_h2_testing_policy;
  real lambda_h2_s;
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
  vector[J_intent_uncertainty] r_intent_s = tau_intent_uncertainty * z_intent_uncertainty;
  vector[J_dilemma] r_dilemma = tau_dilemma * z_dilemma;
  real a_fear = Intercept_fear - m_fear * b_fear;
  real a_dilemma = Intercept_dilemma - m_dilemma * b_dilemma;
  // cutpoints on the uncentred scale (a shift: unit Jacobian)
  vector[C_unilateralism - 1] c_unilateralism = Intercept_unilateralism + m_unilateralism * b_unilateralism;
  // the latent's structural mean, and its values from the conditional coordinates
  vector[N_intent_uncertainty] mu_intent_uncertainty = X_intent_uncertainty * b_intent_s
    + r_intent_s[g_intent_uncertainty];
  real w1 = lambda_h1_s / square(sigma_h1_public_info);
  real w2 = lambda_h2_s / square(sigma_h2_testing_policy);
  real P_intent_uncertainty = 1 + w1 * lambda_h1_s + w2 * lambda_h2_s;
  vector[N_intent_uncertainty] eta_s
    = (mu_intent_uncertainty + w1 * (y_h1_public_info - a_h1_public_info)
       + w2 * (y_h2_testing_policy - a_h2_testing_policy)) / P_intent_uncertainty
      + z_eta_intent_uncertainty / sqrt(P_intent_uncertainty);
}
model {
  {
    vector[N_fear] mu_fear = Intercept_fear + r_fear[g_fear]
      + bl_fear_s * eta_s[l_fear_intent_uncertainty];
    vector[N_unilateralism] mu_unilateralism = Xc_unilateralism * b_unilateralism + r_unilateralism[g_unilateralism]
      + bl_unilateralism_s * eta_s[l_unilateralism_intent_uncertainty];
    // residuals of the indicators given the latent's structural mean
    vector[N_intent_uncertainty] e1 = y_h1_public_info - a_h1_public_info - lambda_h1_s * mu_intent_uncertainty;
    vector[N_intent_uncertainty] e2 = y_h2_testing_policy - a_h2_testing_policy - lambda_h2_s * mu_intent_uncertainty;
    real v1 = square(sigma_h1_public_info);
    real v2 = square(sigma_h2_testing_policy);
    target += normal_id_glm_lpdf(y_fear | Xc_fear, mu_fear, b_fear, sigma_fear);
    target += ordered_logistic_lpmf(y_unilateralism | mu_unilateralism, Intercept_unilateralism);
    // the indicators with the latent integrated out (Woodbury: the inverse
    // covariance is diag(1/sigma^2) - w w' / P, its determinant
    // sigma1^2 sigma2^2 P), and the conditional coordinates' standard
    // normal. By Lagrange's identity e'D⁻¹e − (w'e)²/P equals
    // (e1²/v1 + e2²/v2 + (l1 e2 − l2 e1)²/(v1 v2)) / P: no cancellation.
    target += -0.5 * (dot_self(e1) / v1 + dot_self(e2) / v2
                      + dot_self(lambda_h1_s * e2 - lambda_h2_s * e1) / (v1 * v2)) / P_intent_uncertainty
              - N_intent_uncertainty * (log(sigma_h1_public_info) + log(sigma_h2_testing_policy) + 0.5 * log(P_intent_uncertainty));
    target += std_normal_lpdf(z_eta_intent_uncertainty);
    target += normal_id_glm_lpdf(y_dilemma | Xc_dilemma, Intercept_dilemma + r_dilemma[g_dilemma], b_dilemma, sigma_dilemma);
  }
  target += normal_lpdf(a_fear | 0, 2.5);
  target += normal_lpdf(b_fear | 0, 1) + normal_lpdf(bl_fear_s | 0, 1);
  target += normal_lpdf(sigma_fear | 0, 1) + normal_lpdf(tau_fear | 0, 1) + std_normal_lpdf(z_fear);

  target += normal_lpdf(b_unilateralism | 0, 1) + normal_lpdf(bl_unilateralism_s | 0, 1);
  target += student_t_lpdf(c_unilateralism | 3, 0, 2.5);
  target += normal_lpdf(tau_unilateralism | 0, 1) + std_normal_lpdf(z_unilateralism);

  target += normal_lpdf(b_intent_s | 0, 1);
  target += normal_lpdf(tau_intent_uncertainty | 0, 1) + std_normal_lpdf(z_intent_uncertainty);
  target += normal_lpdf(a_h1_public_info | 0, 2.5) + normal_lpdf(a_h2_testing_policy | 0, 2.5);
  target += normal_lpdf(lambda_h1_s | 0, 1) + normal_lpdf(lambda_h2_s | 0, 1);
  target += gamma_lpdf(sigma_h1_public_info | 2, 4) + gamma_lpdf(sigma_h2_testing_policy | 2, 4);

  target += normal_lpdf(a_dilemma | 0, 2.5) + normal_lpdf(b_dilemma | 0, 1);
  target += normal_lpdf(sigma_dilemma | 0, 1) + normal_lpdf(tau_dilemma | 0, 1) + std_normal_lpdf(z_dilemma);
}
generated quantities {
  // each draw turned over so that the first loading is positive
  real sgn = lambda_h1_s < 0 ? -1 : 1;
  real lambda_h1_public_info = sgn * lambda_h1_s;
  real lambda_h2_testing_policy = sgn * lambda_h2_s;
  real bl_fear_intent_uncertainty = sgn * bl_fear_s;
  real bl_unilateralism_intent_uncertainty = sgn * bl_unilateralism_s;
  vector[K_intent_uncertainty] b_intent_uncertainty = sgn * b_intent_s;
  vector[J_intent_uncertainty] r_intent_uncertainty = sgn * r_intent_s;
  vector[N_intent_uncertainty] eta_intent_uncertainty = sgn * eta_s;
}
