# Shared by `.ci/run` (the gate) and `.ci/deep` (the deep tier): the step
# timer with its budget summary, and installing what a fresh machine lacks.
# Sourced, not run.

export CARGO_TERM_COLOR=never

STEP_NAMES=()
STEP_SECS=()
CI_START=$(date +%s)

# step NAME CMD...: runs CMD, prints its wall time, records it for `finish`.
step() {
  local name=$1
  shift
  local start
  start=$(date +%s)
  echo "::: $name: $*"
  "$@"
  local secs=$(($(date +%s) - start))
  echo "::: $name took $secs s"
  STEP_NAMES+=("$name")
  STEP_SECS+=("$secs")
}

# finish LABEL BUDGET_S: prints every step's time and the total; past the
# budget, a warning naming the three slowest steps (a warning, not a
# failure: the machines are shared and noisy).
finish() {
  local label=$1 budget=$2
  local total=$(($(date +%s) - CI_START))
  echo "::: $label: every step"
  local i
  for i in "${!STEP_NAMES[@]}"; do
    printf ':::   %-22s %6d s\n' "${STEP_NAMES[$i]}" "${STEP_SECS[$i]}"
  done
  echo "::: $label total: $total s (budget $budget s)"
  if ((total > budget)); then
    local slowest
    slowest=$(for i in "${!STEP_NAMES[@]}"; do echo "${STEP_SECS[$i]} ${STEP_NAMES[$i]}"; done |
      sort -rn | head -3 | awk '{printf "%s%s (%d s)", (NR > 1 ? ", " : ""), $2, $1}')
    echo "::: WARNING: $label took $total s, over its budget of $budget s; slowest steps: $slowest"
  fi
}

ensure_nightly() {
  rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal
}

ensure_miri() {
  ensure_nightly
  if ! cargo +nightly miri --version >/dev/null 2>&1; then
    rustup +nightly component add miri rust-src
  fi
  cargo +nightly miri setup
}

ensure_cargo_fuzz() {
  ensure_nightly
  cargo fuzz --version >/dev/null 2>&1 || cargo install cargo-fuzz --locked
}

# fuzz_all SECONDS [PAIRS]: builds the fuzz targets and runs each for
# SECONDS; with PAIRS=1, two targets at a time (one per core of the 2-vCPU
# machine: `.ci/deep`'s 10 minutes per target in half the wall time).
fuzz_all() {
  local seconds=$1 pairs=${2:-0} target targets=(queue_ops handles threads pool_ops) i
  # Not a subshell: `step` must record into this shell's arrays.
  cd fuzz
  step fuzz-build cargo +nightly fuzz build
  for target in "${targets[@]}"; do mkdir -p "corpus/$target"; done
  if ((pairs)); then
    for ((i = 0; i < ${#targets[@]}; i += 2)); do
      step "fuzz-${targets[i]}+${targets[i + 1]}" fuzz_pair "$seconds" "${targets[i]}" "${targets[i + 1]}"
    done
  else
    for target in "${targets[@]}"; do
      step "fuzz-$target" fuzz_one "$seconds" "$target"
    done
  fi
  cd ..
}

fuzz_one() {
  cargo +nightly fuzz run "$2" "corpus/$2" "seeds/$2" -- -max_total_time="$1" -max_len=512
}

# Two targets at once; fails if either does (both are waited for).
fuzz_pair() {
  local a b rc=0
  fuzz_one "$1" "$2" > "target/fuzz-$2.log" 2>&1 &
  a=$!
  fuzz_one "$1" "$3" > "target/fuzz-$3.log" 2>&1 &
  b=$!
  wait "$a" || { rc=1; echo "fuzz $2 FAILED"; tail -40 "target/fuzz-$2.log"; }
  wait "$b" || { rc=1; echo "fuzz $3 FAILED"; tail -40 "target/fuzz-$3.log"; }
  tail -3 "target/fuzz-$2.log" "target/fuzz-$3.log"
  return "$rc"
}

