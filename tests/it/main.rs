//! The integration tests: the real binary against the real simulator over loopback HTTP.

mod fake_pbx;
mod formats;
mod helpers;
mod import;
mod layers;
mod mangled;
mod mapping;
mod migrate;
mod openvox;
mod operator;
mod protocols;
mod reading;
mod reads;
mod report_page;
mod safety;
mod secrets;
mod simulator;
mod soak;
mod sync;
mod typed;
mod verba;
