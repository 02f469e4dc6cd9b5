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

# The bare-metal target the `no_std` build is checked on: 32-bit ARMv7E-M,
# which has compare-and-swap but no 64-bit atomics and no `std` at all.
NO_STD_TARGET=thumbv7em-none-eabihf

ensure_no_std_target() {
  rustup target list --installed | grep -qx "$NO_STD_TARGET" || rustup target add "$NO_STD_TARGET"
}

ensure_cargo_fuzz() {
  ensure_nightly
  cargo fuzz --version >/dev/null 2>&1 || cargo install cargo-fuzz --locked
}

# fuzz_all SECONDS: builds the fuzz targets and runs each for SECONDS.
fuzz_all() {
  local seconds=$1 target
  # Not a subshell: `step` must record into this shell's arrays.
  cd fuzz
  step fuzz-build cargo +nightly fuzz build
  for target in queue_ops handles threads pool_ops; do
    mkdir -p "corpus/$target"
    step "fuzz-$target" cargo +nightly fuzz run "$target" "corpus/$target" "seeds/$target" -- \
      -max_total_time="$seconds" -max_len=512
  done
  cd ..
}

