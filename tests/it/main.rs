//! The integration tests: the real binary against the real simulator over loopback HTTP.

mod helpers;
mod import;
mod layers;
mod mangled;
mod openvox;
mod operator;
mod reading;
mod secrets;
mod simulator;
mod soak;
mod sync;
mod verba;
