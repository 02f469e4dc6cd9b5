//! The pool's stress scenarios (`pool/tests/scenarios`) over the backends
//! this crate compares ringq with: the close rules and the accounting must
//! hold on every backend the pool benchmarks run on.

#[path = "../../pool/tests/common/mod.rs"]
mod common;
#[macro_use]
#[path = "../../pool/tests/scenarios/mod.rs"]
mod scenarios;

mod crossbeam {
    scenario_tests!(ringq_benches::backends::CrossbeamBackend);
}

mod std_mpsc {
    scenario_tests!(ringq_benches::backends::StdBackend);
}
