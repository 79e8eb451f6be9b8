//! The integration tests: the real binary against the real simulator over loopback HTTP.

mod helpers;
mod import;
mod openvox;
mod reading;
mod rules;
mod simulator;
mod sync;
mod verba;
