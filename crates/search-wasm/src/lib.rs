//! wasm facade
