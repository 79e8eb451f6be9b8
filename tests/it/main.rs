//! The integration tests: the real binary against the real simulator over loopback HTTP.

mod fake_pbx;
mod helpers;
mod import;
mod layers;
mod mangled;
mod openvox;
mod operator;
mod reading;
mod safety;
mod secrets;
mod simulator;
mod soak;
mod sync;
mod verba;
