//! The integration tests: the real binary against the real simulator over loopback HTTP.

mod fuzz;
mod helpers;
mod import;
mod openvox;
mod reading;
mod rules;
mod secrets;
mod simulator;
mod soak;
mod sync;
mod verba;
