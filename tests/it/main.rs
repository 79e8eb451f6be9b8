//! The integration tests: the real binary against the real simulator over loopback HTTP.

mod answers;
mod disk;
mod formats;
mod help;
mod import;
mod layers;
mod leaks;
mod mangled;
mod mapping;
mod migrate;
mod openvox;
mod operator;
mod outputs;
mod profiles;
mod protocols;
mod reading;
mod reads;
mod resume;
mod safety;
mod secrets;
mod simulator;
mod soak;
mod support;
mod sync;
mod typed;
mod verba;
