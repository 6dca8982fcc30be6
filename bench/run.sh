#!/usr/bin/env bash
# Side-by-side benchmark of dilemma and Stan (issue 8). For each model it
# exports the data exactly as package fit binds them (bench/cmd/standata),
# fits it with `dilemma fit` and, when R with rstan is installed, with the
# matching Stan program in bench/stan (bench/stan/fit.R), one after the
# other, then prints the table of bench/cmd/compare.
#
#   bench/run.sh [OUTDIR]
#
# dilemma fits with --missing drop: the Stan programs model the rows that
# bench/cmd/standata exports, which drop missing values.
# Environment: MODELS (default "panel2 ordered bernoulli fig2"; also
# fig2-direct, Stan moving the latent values themselves, slopes, panel2
# with a strength varying by country in each equation, betabin,
# fig2-remedies' beta_binomial outcome equation, and ar, panel2 with AR(1)
# residuals), CHAINS (4),
# WARMUP (1000), SAMPLES (1000), SEED (1), CORES (Stan's cores, 2),
# LATENT_VALUES (dilemma fit --latent-values, default conditional),
# NO_STAN=1 to fit with dilemma only, STAN_PROGRESS=N for Stan progress
# every N iterations (see bench/stan/fit.R). OUTDIR defaults to
# ${TMPDIR:-/tmp}/dilemma-bench-DATE; each model gets OUTDIR/MODEL/ with
# data/ (Stan data, name map), ours/ (the fit directory), ours.txt and, with
# Stan, stan/ (draws under dilemma's names, timing.txt).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-${TMPDIR:-/tmp}/dilemma-bench-$(date +%Y%m%d-%H%M%S)}
models=${MODELS:-panel2 ordered bernoulli fig2}
chains=${CHAINS:-4}
warmup=${WARMUP:-1000}
samples=${SAMPLES:-1000}
seed=${SEED:-1}
cores=${CORES:-2}
latent=${LATENT_VALUES:-conditional}
mkdir -p "$out/bin"
cd "$root"

echo "== $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(go version | cut -d' ' -f3)"
go build -o "$out/bin/dilemma" ./cmd/dilemma
go build -o "$out/bin/standata" ./bench/cmd/standata
go build -o "$out/bin/compare" ./bench/cmd/compare

stan=1
if [ -n "${NO_STAN:-}" ]; then
  stan=0
elif ! command -v Rscript >/dev/null 2>&1; then
  echo "== R is not installed: fitting with dilemma only"
  stan=0
elif ! Rscript -e 'quit(status = if (requireNamespace("rstan", quietly = TRUE)) 0 else 1)' >/dev/null 2>&1; then
  echo "== R has no rstan: fitting with dilemma only"
  stan=0
fi

# Log density + gradient of every bench model, as dilemma fit compiles it.
echo "== go test -bench BenchmarkModel"
go test -run '^$' -bench 'BenchmarkModel' -benchtime 2s ./bench/ | tee "$out/gradients.txt"

ref_of() { case $1 in fig2 | fig2-direct) echo fig2 ;; *) echo "bench/$1.dag" ;; esac; }

for m in $models; do
  dir="$out/$m"
  mkdir -p "$dir"
  ref=$(ref_of "$m")
  echo "== $m: data"
  "$out/bin/standata" -model "$ref" -out "$dir/data"
  echo "== $m: dilemma fit"
  rm -rf "$dir/ours"
  t0=$(date +%s.%N)
  "$out/bin/dilemma" fit "$ref" --out "$dir/ours" --chains "$chains" --warmup "$warmup" \
    --samples "$samples" --seed "$seed" --save-latent --latent-values "$latent" --missing drop >"$dir/ours.log" 2>"$dir/ours.err"
  t1=$(date +%s.%N)
  bm=$m
  if [ "$m" = fig2-direct ]; then bm=fig2; fi
  if [ "$bm" = fig2 ] && [ "$latent" = conditional ]; then bm=fig2-conditional; fi
  grad=$(awk -v m="BenchmarkModel/$bm-" 'index($1, m) == 1 { print $3 }' "$out/gradients.txt")
  printf 'end_to_end_seconds = %s\ngradient_ns = %s\n' "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')" "${grad:-NaN}" >"$dir/ours.txt"
  cat "$dir/ours.txt"
  if [ "$stan" = 1 ]; then
    echo "== $m: rstan"
    rm -rf "$dir/stan"
    Rscript bench/stan/fit.R "bench/stan/$m.stan" "$dir/data" "$dir/stan" \
      "$chains" "$warmup" "$samples" "$seed" "$cores" "$dir/ours" >"$dir/stan.log" 2>&1 ||
      { echo "rstan failed; see $dir/stan.log"; tail -20 "$dir/stan.log"; exit 1; }
    grep -v '^$' "$dir/stan/timing.txt"
    grep posterior_ "$dir/stan.log" || true
  fi
done

echo "== results ($out)"
dirs=()
for m in $models; do dirs+=("$out/$m"); done
"$out/bin/compare" "${dirs[@]}"
echo
"$out/bin/compare" -markdown "${dirs[@]}" | sed -n '1,/^$/p'
